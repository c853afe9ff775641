package cli

import (
	"encoding/json"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestCheckChangedSinceRunsOnlyWhatTheChangeAffects(t *testing.T) {
	fixturetest.RequireTools(t, "git", "node", "tsc")
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	tsconfig := `{"compilerOptions": {"strict": true, "noEmit": true}, "include": ["*.ts"]}`
	fixturetest.WriteFiles(t, dir, map[string]string{
		"package.json":                 `{"private": true, "workspaces": ["packages/*"]}`,
		"packages/lib/package.json":    `{"name": "lib"}`,
		"packages/lib/tsconfig.json":   tsconfig,
		"packages/lib/index.ts":        "export const one: number = 1;\n",
		"packages/app/package.json":    `{"name": "app", "dependencies": {"lib": "*"}}`,
		"packages/app/tsconfig.json":   tsconfig,
		"packages/app/index.ts":        "export const two: number = 2;\n",
		"packages/other/package.json":  `{"name": "other"}`,
		"packages/other/tsconfig.json": tsconfig,
		"packages/other/index.ts":      "export const three: number = 3;\n",
	})
	git(t, dir, "init", "-q", "-b", "main")
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-q", "-m", "one")
	fixturetest.WriteFiles(t, dir, map[string]string{"packages/lib/index.ts": "export const one: number = \"1\";\n"})

	code, out, stderr := run(t, false, "check", "--trust", "--changed-since", "HEAD", "--format", "json", dir)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (the new type error); %s", code, stderr)
	}
	var rep struct {
		Collectors []struct{ ID, Kind, Status, Error string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	for _, c := range rep.Collectors {
		if c.Kind == "typescript" {
			status[c.ID] = c.Status
			if strings.Contains(c.ID, "other") && !strings.Contains(c.Error, "not run: none of its inputs changed since HEAD") {
				t.Errorf("%s: error %q", c.ID, c.Error)
			}
		}
	}
	for id, st := range status {
		want := "ok"
		if strings.Contains(id, "other") {
			want = "skipped"
		}
		if st != want {
			t.Errorf("%s: %s, want %s (all: %v)", id, st, want, status)
		}
	}
	if len(status) != 3 {
		t.Errorf("typescript collectors: %v", status)
	}
	code, _, stderr = run(t, false, "check", "--changed-since", "nope", dir)
	if code != exitUsage || !strings.Contains(stderr, "--changed-since nope: no such revision") {
		t.Errorf("unknown revision: exit %d %s", code, stderr)
	}
}

// A report written to a device or a pipe goes into it: the device is never
// replaced by a file (as root, a rename over /dev/null would succeed).
func TestReportToAPipeIsWrittenNotReplaced(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "report.pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	got := make(chan []byte)
	go func() {
		b, _ := os.ReadFile(fifo)
		got <- b
	}()
	if err := writeAtomic(fifo, []byte("{}\n")); err != nil {
		t.Fatal(err)
	}
	if b := <-got; string(b) != "{}\n" {
		t.Errorf("the pipe read %q", b)
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the pipe was replaced: %v %v", fi.Mode(), err)
	}
}
