package shellcheck

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/findingtest"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"
)

func locs(fs []model.Finding) []string { return findingtest.Lines(fs) }

// Reports captured from ShellCheck 0.9.0 on testdata/repo and on a script
// that does not parse.
func TestReadCapturedReports(t *testing.T) {
	cases := []struct {
		file string
		want []string
	}{
		{"deploy.json1.json", []string{"low SC2086 scripts/deploy.sh:6:7", "medium SC2164 scripts/deploy.sh:8:1"}},
		{"syntax.json1.json", []string{"low SC1009 scripts/bad.sh:1:1", "high SC1073 scripts/bad.sh:1:15", "medium SC1010 scripts/bad.sh:1:15", "high SC1072 scripts/bad.sh:2:1"}},
	}
	for _, tc := range cases {
		data, err := os.ReadFile(filepath.Join("testdata", tc.file))
		if err != nil {
			t.Fatal(err)
		}
		r, err := Read(data)
		if err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		if got := locs(r.Findings); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got %q\nwant %q", tc.file, got, tc.want)
		}
	}
}

func TestReadRefusesWhatIsNotAReport(t *testing.T) {
	for _, in := range []string{"", "In deploy.sh line 6:", `{}`, `{"comments":[{"file":"a.sh","line":1,"level":"fatal","code":1}]}`,
		`{"comments":[{"file":"a.sh","line":0,"level":"error","code":2086}]}`} {
		if r, err := Read([]byte(in)); err == nil {
			t.Errorf("%q: want an error, got %+v", in, r)
		}
	}
	if r, err := Read([]byte(`{"comments":[]}`)); err != nil || len(r.Findings) != 0 {
		t.Errorf("a clean report: %+v, %v", r, err)
	}
}

func FuzzRead(f *testing.F) {
	for _, name := range []string{"deploy.json1.json", "syntax.json1.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Read(data)
		if err != nil {
			return
		}
		for _, fd := range r.Findings {
			if fd.Line < 1 || fd.File == "" || fd.Rule == "SC0" {
				t.Fatalf("inconsistent finding %+v", fd)
			}
		}
	})
}

func TestDetectFindsTheProjectsScriptsOnly(t *testing.T) {
	got := Detect("/src/shop", []string{"scripts/deploy.sh", "node_modules/x/install.sh", "vendor/a/b.bash", "README.md", "ci/build.bash"})
	if len(got) != 1 || got[0].ID() != "shellcheck:." || got[0].Domain() != "build" {
		t.Fatalf("detected %v", got)
	}
	if s := got[0].(*Collector).scripts; !reflect.DeepEqual(s, []string{"ci/build.bash", "scripts/deploy.sh"}) {
		t.Errorf("scripts %q", s)
	}
	if Detect("/src/shop", []string{"main.go"}) != nil {
		t.Error("a repository without scripts has no collector")
	}
	// A script without an extension counts by its first line.
	root := fixturetest.Testdata(t, "repo")
	got = Detect(root, []string{"bin/notes", "bin/release", "scripts/deploy.sh"})
	if s := got[0].(*Collector).scripts; !reflect.DeepEqual(s, []string{"bin/release", "scripts/deploy.sh"}) {
		t.Errorf("scripts %q, want bin/release by its shebang and not the Python bin/notes", s)
	}
	if in := got[0].Inputs(); !collectors.MatchesInputs(in, "bin/release") || collectors.MatchesInputs(in, "bin/notes") {
		t.Errorf("inputs %q: a change to bin/release must rerun it, bin/notes not", in)
	}
	if Detect(root, []string{"bin/notes"}) != nil {
		t.Error("a repository without scripts has no collector")
	}
}

// The real ShellCheck on the fixture repository, as `preflight check` runs it.
func TestShellCheckOnTheFixture(t *testing.T) {
	fixturetest.RequireTools(t, Tool)
	root := fixturetest.Testdata(t, "repo")
	cs := Detect(root, []string{"bin/notes", "bin/release", "scripts/clean.sh", "scripts/deploy.sh", "node_modules/x/install.sh", "test/lib/common.sh"})
	res := cs[0].Run(context.Background(), collectors.Request{Root: root, Timeout: time.Minute})
	want := []string{"medium SC2164 scripts/deploy.sh:8:1", "low SC2086 bin/release:5:9", "low SC2086 scripts/deploy.sh:6:7"}
	if res.Status != model.StatusOK || res.ExitCode != 1 || !reflect.DeepEqual(locs(res.Findings), want) ||
		res.Facts["scripts"] != 3 || res.Facts["findings"] != 3 || res.Findings[0].ID == "" || res.Findings[0].Collector != "shellcheck:." {
		t.Errorf("status %s (%s) exit %d facts %v findings %q", res.Status, res.Error, res.ExitCode, res.Facts, locs(res.Findings))
	}
	// An ERB template is not checked (ShellCheck stops at its first tag:
	// fzf's test/lib/common.sh), and the output says so.
	if res.Hint != "left out 1 template another tool renders into scripts (<%= … %>, {% … %}), which ShellCheck cannot parse: test/lib/common.sh" ||
		res.Facts["templates"] != 1 {
		t.Errorf("hint %q facts %v", res.Hint, res.Facts)
	}
	// The command shown is the one that ran, and can be pasted.
	if wantCmd := "shellcheck -x -P SCRIPTDIR -f json1 bin/release scripts/clean.sh scripts/deploy.sh"; res.Command != wantCmd {
		t.Errorf("command %q, want %q", res.Command, wantCmd)
	}
}

func TestMissingShellCheckIsUnknown(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	res := Detect("/src/shop", []string{"a.sh"})[0].Run(context.Background(), collectors.Request{Root: t.TempDir()})
	if res.Status != model.StatusUnknown || res.Hint == "" {
		t.Errorf("status %s hint %q", res.Status, res.Hint)
	}
}

// A script that sources another names it with a source directive:
// ShellCheck follows it (-x, relative to the script) instead of reporting
// SC1091 "Not following" against the project.
func TestSourcedScriptsAreFollowed(t *testing.T) {
	fixturetest.RequireTools(t, Tool)
	root := fixturetest.Testdata(t, "repo")
	res := Detect(root, []string{"scripts/build.sh", "scripts/helpers.sh"})[0].Run(context.Background(), collectors.Request{Root: root, Timeout: time.Minute})
	if res.Status != model.StatusOK || res.ExitCode != 0 || len(res.Findings) != 0 || res.Facts["scripts"] != 2 {
		t.Errorf("status %s (%s) exit %d facts %v findings %q", res.Status, res.Error, res.ExitCode, res.Facts, locs(res.Findings))
	}
}

// What ShellCheck says about a file it followed but was not asked to check
// (a sourced file outside the scripts) is not counted.
func TestFindingsOfFollowedFilesAreNotCounted(t *testing.T) {
	c := Detect("/src/shop", []string{"deploy.sh"})[0].(*Collector)
	out := []byte(`{"comments":[{"file":"deploy.sh","line":2,"column":1,"level":"warning","code":2164,"message":"cd"},` +
		`{"file":"/etc/profile","line":9,"column":1,"level":"info","code":2086,"message":"quote"}]}`)
	r, err := c.read(collectors.Input{ExitCode: 1, Data: out})
	if err != nil || len(r.Findings) != 1 || r.Findings[0].File != "deploy.sh" || r.Facts["findings"] != 1 {
		t.Errorf("err %v reading %+v", err, r)
	}
}
