package reportfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bmatcuk/doublestar/v4"
)

func TestHuman(t *testing.T) {
	for d, want := range map[time.Duration]string{
		-time.Second: "0s", 45 * time.Second: "45s", 12*time.Minute + 59*time.Second: "12m",
		3*time.Hour + 59*time.Minute: "3h", 47 * time.Hour: "47h", 5*24*time.Hour + time.Hour: "5d",
	} {
		if got := Human(d); got != want {
			t.Errorf("Human(%s) = %q, want %q", d, got, want)
		}
	}
}

func TestCheck(t *testing.T) {
	report := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	if why := Check("the report", report, Newest{File: "a.go", ModTime: report.Add(-time.Minute)}); why != "" {
		t.Errorf("fresh report called stale: %q", why)
	}
	if why := Check("the report", report, Newest{}); why != "" {
		t.Errorf("no sources called stale: %q", why)
	}
	want := "the report is 3h older than the sources it covers (newest: src/a.go)"
	if why := Check("the report", report, Newest{File: "src/a.go", ModTime: report.Add(3*time.Hour + 5*time.Minute)}); why != want {
		t.Errorf("got %q, want %q", why, want)
	}
}

// The newest source is looked for where preflight looks: ignored
// directories (node_modules, build outputs, .gitignore'd paths) and
// non-source files do not count.
func TestNewestSourceSkipsIgnoredAndNonSourceFiles(t *testing.T) {
	root := t.TempDir()
	base := time.Now().Add(-10 * time.Hour)
	files := map[string]time.Duration{
		"app/main.go":             1 * time.Hour,
		"app/util/strings.ts":     2 * time.Hour, // the newest source
		"app/README.md":           9 * time.Hour,
		"app/node_modules/x/a.js": 9 * time.Hour,
		"app/dist/bundle.js":      9 * time.Hour,
		"app/generated/api.go":    9 * time.Hour,
		"app/.gitignore":          0,
		"other/newer.go":          9 * time.Hour, // outside the directory asked about
	}
	for name, offset := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		content := ""
		if name == "app/.gitignore" {
			content = "generated/\n"
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, base.Add(offset), base.Add(offset)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := NewestSource(root, "app")
	if err != nil {
		t.Fatal(err)
	}
	if got.File != "app/util/strings.ts" || !got.ModTime.Equal(base.Add(2*time.Hour)) {
		t.Errorf("newest %+v", got)
	}
	if n := NewestOf(root, []string{"app/main.go", "app/missing.go", "other/newer.go"}); n.File != "other/newer.go" {
		t.Errorf("NewestOf = %+v", n)
	}
	// Directories and names of another machine date nothing, though root
	// holds a path of that name.
	abs := filepath.ToSlash(filepath.Join(string(filepath.Separator), "app", "main.go"))
	if n := NewestOf(root, []string{"app/util", "", abs, "app/main.go"}); n.File != "app/main.go" {
		t.Errorf("NewestOf = %+v", n)
	}
}

func TestNewestSourceSaysWhatItCouldNotDate(t *testing.T) {
	root := t.TempDir()
	_, err := NewestSource(root, "gone")
	if err == nil || !strings.HasPrefix(err.Error(), "cannot date the sources the report covers: lstat ") {
		t.Errorf("err %v", err)
	}
}

func TestBehind(t *testing.T) {
	written := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		newest Newest
		slack  time.Duration
		lag    time.Duration
		stale  bool
	}{
		{Newest{}, 0, 0, false},
		{Newest{File: "a.go", ModTime: written}, 0, 0, false},
		{Newest{File: "a.go", ModTime: written.Add(-time.Hour)}, 0, -time.Hour, false},
		{Newest{File: "a.go", ModTime: written.Add(time.Nanosecond)}, 0, time.Nanosecond, true},
		{Newest{File: "a.go", ModTime: written.Add(time.Second)}, time.Second, time.Second, false},
		{Newest{File: "a.go", ModTime: written.Add(time.Second + 1)}, time.Second, time.Second + 1, true},
	}
	for _, tc := range cases {
		if lag, stale := Behind(written, tc.newest, tc.slack); lag != tc.lag || stale != tc.stale {
			t.Errorf("Behind(%v, slack %v) = %v, %v; want %v, %v", tc.newest, tc.slack, lag, stale, tc.lag, tc.stale)
		}
	}
	if got := OlderThanSources("x.sarif", 50*time.Hour); got != "x.sarif is 2d older than the sources it covers" {
		t.Errorf("OlderThanSources = %q", got)
	}
}

func TestSourcesGlob(t *testing.T) {
	for dir, want := range map[string]bool{".": true, "": true, "app": true, "app[old]": true} {
		g := SourcesGlob(dir)
		prefix := ""
		if dir != "." && dir != "" {
			prefix = dir + "/"
		}
		for _, p := range []string{"a.go", "x/y/b.tsx", "x/C.JAVA"} {
			ok, err := doublestar.Match(g, prefix+p)
			if err != nil || ok != (want && !strings.HasSuffix(p, ".JAVA")) {
				t.Errorf("%s: %q matches %q: %v %v", dir, g, prefix+p, ok, err)
			}
		}
		if ok, _ := doublestar.Match(g, prefix+"README.md"); ok {
			t.Errorf("%q matches a README", g)
		}
	}
	if ok, _ := doublestar.Match(SourcesGlob("app[old]"), "appo/a.go"); ok {
		t.Error("a directory's glob characters are not quoted")
	}
}
