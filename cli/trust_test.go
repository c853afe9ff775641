package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/internal/fixturetest"
)

// hostileRepo builds a checkout whose own tools write marker files when
// they run: node_modules binaries for ESLint, Vitest and Jest, its own
// TypeScript compiler, and a `go` on PATH that records which subcommand
// ran (so the go collectors can be told apart without compiling anything).
func hostileRepo(t *testing.T) (dir, markers string) {
	t.Helper()
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	t.Setenv("GITHUB_STEP_SUMMARY", "")
	dir, markers = t.TempDir(), t.TempDir()
	files := map[string]string{
		"package.json":     `{"name":"evil","devDependencies":{"vitest":"1","jest":"29","eslint":"9","typescript":"5"},"jest":{}}`,
		"eslint.config.js": "export default []\n",
		"vitest.config.ts": "export default {}\n",
		"tsconfig.json":    `{"compilerOptions":{"strict":true}}`,
		"index.ts":         "export const x = 1\n",
		"go.mod":           "module example.com/evil\n\ngo 1.22\n",
		"evil.go":          "package evil\n",
	}
	for name, body := range files {
		write(t, filepath.Join(dir, name), body, 0o644)
	}
	script := func(name string) string {
		return "#!/bin/sh\ntouch " + filepath.Join(markers, name) + "\nexit 3\n"
	}
	for _, tool := range []string{"eslint", "vitest", "jest"} {
		write(t, filepath.Join(dir, "node_modules", ".bin", tool), script(tool), 0o755)
	}
	write(t, filepath.Join(dir, "node_modules", "typescript", "bin", "tsc"), script("tsc"), 0o755)
	bin := t.TempDir()
	write(t, filepath.Join(bin, "go"), "#!/bin/sh\ntouch "+markers+"/go-$1\nexit 0\n", 0o755)
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return dir, markers
}

func write(t *testing.T, file, body string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
}

func ran(markers string) []string {
	entries, _ := os.ReadDir(markers)
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

type trustReport struct {
	Verdict string
	Trust   *struct {
		State, By string
		TrustedAt *time.Time `json:"trusted_at"`
		Waiting   int
	}
	Collectors []struct {
		ID, Status, Error string
		WaitingFor        string `json:"waiting_for"`
	}
}

func checkTrust(t *testing.T, args ...string) trustReport {
	t.Helper()
	_, out, stderr := run(t, false, append([]string{"check", "--format", "json"}, args...)...)
	var rep trustReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON (%v): %s\nstderr: %s", err, out, stderr)
	}
	return rep
}

// Until the repository is trusted, nothing it supplies runs: no marker
// appears, the collectors that would run its code wait for trust, and the
// verdict is not GO. go build and go vet run (they compile, they do not
// execute the code). With --trust, or after `preflight trust`, they run.
func TestRepositoryCodeRunsOnlyOnceTrusted(t *testing.T) {
	dir, markers := hostileRepo(t)
	rep := checkTrust(t, dir)
	for _, m := range ran(markers) {
		if m != "go-build" && m != "go-vet" && m != "go-env" {
			t.Errorf("%s ran in an untrusted repository", m)
		}
	}
	if got := strings.Join(ran(markers), " "); !strings.Contains(got, "go-build") {
		t.Errorf("go build must run before trust; ran: %q", got)
	}
	waiting := map[string]bool{}
	for _, c := range rep.Collectors {
		if c.WaitingFor == "trust" {
			waiting[c.ID] = true
			if c.Status != "unknown" || !strings.HasPrefix(c.Error, "waiting for trust: would run ") {
				t.Errorf("%s: %s %q", c.ID, c.Status, c.Error)
			}
		}
	}
	for _, kind := range []string{"eslint", "vitest", "jest", "typescript", "go-test"} {
		if id := kind + ":."; !waiting[id] {
			t.Errorf("%s does not wait for trust: %+v", id, rep.Collectors)
		}
	}
	if rep.Verdict == "GO" {
		t.Error("collectors waiting for trust must keep the verdict from GO")
	}
	if tr := rep.Trust; tr == nil || tr.State != "untrusted" || tr.Waiting != len(waiting) || tr.By != "" {
		t.Errorf("the report's trust is %+v, want untrusted with %d waiting", tr, len(waiting))
	}

	rep = checkTrust(t, "--trust", dir)
	if tr := rep.Trust; tr == nil || tr.State != "trusted" || tr.By != "flag" || tr.TrustedAt != nil {
		t.Errorf("with --trust the report's trust is %+v, want trusted by flag", tr)
	}
	for _, m := range []string{"eslint", "vitest", "jest", "tsc", "go-test"} {
		if _, err := os.Stat(filepath.Join(markers, m)); err != nil {
			t.Errorf("with --trust, %s must run", m)
		}
	}
	if entries, _ := os.ReadDir(filepath.Join(os.Getenv("XDG_DATA_HOME"), "preflight", "trust")); len(entries) != 0 {
		t.Error("--trust must not store trust")
	}
}

func TestPreflightTrustPinsTheScriptsItsCommandsRun(t *testing.T) {
	dir, markers := hostileRepo(t)
	write(t, filepath.Join(dir, "run.sh"), "#!/bin/sh\nexit 0\n", 0o755)
	fixturetest.WriteConfig(t, dir, "custom:\n  script:\n    command: ./run.sh\n    domain: tests\n")
	if code, out, stderr := run(t, false, "trust", dir); code != 0 || !strings.Contains(out, "./run.sh") {
		t.Fatalf("trust: %d %s %s", code, out, stderr)
	}
	rep := checkTrust(t, dir)
	for _, c := range rep.Collectors {
		if c.WaitingFor != "" {
			t.Errorf("%s still waits after preflight trust: %q", c.ID, c.Error)
		}
	}
	if tr := rep.Trust; tr == nil || tr.State != "trusted" || tr.By != "record" || tr.TrustedAt == nil || time.Since(*tr.TrustedAt) > time.Hour {
		t.Errorf("after preflight trust the report's trust is %+v, want the record and its time", tr)
	}
	_, text, _ := run(t, false, "check", dir)
	if want := "repository code ran: trusted on " + rep.Trust.TrustedAt.Format("2006-01-02"); rep.Trust != nil && !strings.Contains(text, want) {
		t.Errorf("the text report does not say %q:\n%s", want, text)
	}
	if _, err := os.Stat(filepath.Join(markers, "eslint")); err != nil {
		t.Error("a trusted repository's eslint must run")
	}
	// The script changes after trust: it must not run on the old trust.
	write(t, filepath.Join(dir, "run.sh"), "#!/bin/sh\ntouch "+markers+"/changed-script\n", 0o755)
	os.RemoveAll(markers)
	os.MkdirAll(markers, 0o755)
	rep = checkTrust(t, dir)
	if got := ran(markers); strings.Contains(strings.Join(got, " "), "changed-script") || strings.Contains(strings.Join(got, " "), "eslint") {
		t.Errorf("a changed script needs trust again; ran: %v", got)
	}
	for _, c := range rep.Collectors {
		if c.ID == "custom:script" && c.WaitingFor != "trust" {
			t.Errorf("custom:script: %+v", c)
		}
	}
}

// Trust is given to the repository at a path, not to the path: another
// repository cloned where a trusted one was (another origin, or another
// history without one) waits for trust again, and the trusted one is
// trusted again once it is back. Another way of reaching the same origin
// (ssh for https) is the same repository.
func TestTrustDoesNotPassToAnotherRepositoryAtThePath(t *testing.T) {
	dir, markers := hostileRepo(t)
	fixturetest.Git(t, dir, "init", "-q")
	fixturetest.Git(t, dir, "remote", "add", "origin", "https://github.com/acme/shop.git")
	if code, _, stderr := run(t, false, "trust", dir); code != 0 {
		t.Fatalf("trust: %d %s", code, stderr)
	}
	waits := func() bool {
		t.Helper()
		os.RemoveAll(markers)
		os.MkdirAll(markers, 0o755)
		waiting := false
		for _, c := range checkTrust(t, "--fresh", dir).Collectors {
			waiting = waiting || c.ID == "eslint:." && c.WaitingFor == "trust"
		}
		if _, err := os.Stat(filepath.Join(markers, "eslint")); (err == nil) == waiting {
			t.Errorf("eslint waits for trust %v, yet ran %v", waiting, err == nil)
		}
		return waiting
	}
	if waits() {
		t.Fatal("the trusted repository waits for trust")
	}
	fixturetest.Git(t, dir, "remote", "set-url", "origin", "git@github.com:acme/shop")
	if waits() {
		t.Error("the same origin over ssh waits for trust")
	}
	fixturetest.Git(t, dir, "remote", "set-url", "origin", "https://github.com/mallory/shop.git")
	if !waits() {
		t.Error("another repository at the trusted path ran without trust")
	}
	fixturetest.Git(t, dir, "remote", "remove", "origin")
	fixturetest.Git(t, dir, "commit", "-q", "--allow-empty", "-m", "another history")
	if !waits() {
		t.Error("a repository without the trusted origin ran without trust")
	}
}

// lineWatcher hands each line `preflight watch` writes to a channel.
type lineWatcher struct {
	mu    sync.Mutex
	buf   []byte
	lines chan string
}

func (w *lineWatcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		select {
		case w.lines <- string(w.buf[:i]):
		default: // nobody reads any more
		}
		w.buf = w.buf[i+1:]
	}
}

// Every line of `preflight watch` says what let the repository's code run,
// as check's report does.
func TestWatchLinesSayWhatLetRepositoryCodeRun(t *testing.T) {
	dir, _ := hostileRepo(t)
	if code, _, stderr := run(t, false, "trust", dir); code != 0 {
		t.Fatalf("trust: %d %s", code, stderr)
	}
	out := &lineWatcher{lines: make(chan string, 64)}
	done := make(chan int)
	go func() { done <- Run([]string{"watch", dir}, IO{In: strings.NewReader(""), Out: out, Err: io.Discard}) }()
	deadline := time.After(time.Minute)
	var last string
	for found := false; !found; {
		select {
		case line := <-out.lines:
			last = line
			var rep trustReport
			if err := json.Unmarshal([]byte(line), &rep); err != nil {
				t.Fatalf("not JSON (%v): %s", err, line)
			}
			found = rep.Trust != nil && rep.Trust.State == "trusted" && rep.Trust.By == "record" && rep.Trust.TrustedAt != nil
		case <-deadline:
			t.Fatalf("no watch line says the stored record let the code run; the last:\n%s", last)
		}
	}
	// watch stops on an interrupt, as it does in a terminal.
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("watch exited %d after an interrupt", code)
		}
	case <-time.After(time.Minute):
		t.Fatal("watch did not stop on an interrupt")
	}
}
