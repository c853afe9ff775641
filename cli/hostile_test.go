package cli

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/internal/textsafe"
)

// runWithin runs a command line and fails the test if it does not return
// in time (a FIFO opened for reading blocks until a writer appears).
func runWithin(t *testing.T, d time.Duration, args ...string) (int, string, string) {
	t.Helper()
	type result struct {
		code     int
		out, err string
	}
	done := make(chan result, 1)
	go func() {
		code, out, err := run(t, false, args...)
		done <- result{code, out, err}
	}()
	select {
	case r := <-done:
		return r.code, r.out, r.err
	case <-time.After(d):
		t.Fatalf("preflight %s hangs", strings.Join(args, " "))
	}
	return 0, "", ""
}

func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
}

func TestFIFOsUnderNamesPreflightReadsDoNotHangCheck(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	t.Setenv("GITHUB_STEP_SUMMARY", "")
	dir := t.TempDir()
	mkfifo(t, filepath.Join(dir, "READINESS.md"))
	mkfifo(t, filepath.Join(dir, ".gitignore"))
	write(t, filepath.Join(dir, ".env"), "PORT=8080\n", 0o644)
	code, out, stderr := runWithin(t, 60*time.Second, "check", "--format", "json", dir)
	if code == 2 {
		t.Fatalf("exit 2: %s", stderr)
	}
	var rep struct {
		Verdict  string
		Problems []struct{ File, Message string } `json:"checklist_problems"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if len(rep.Problems) != 1 || !strings.Contains(rep.Problems[0].Message, "not a regular file") {
		t.Errorf("a FIFO READINESS.md must be reported as a problem: %+v", rep.Problems)
	}
	if rep.Verdict == "GO" {
		t.Error("an unreadable READINESS.md keeps the verdict from GO")
	}

	// A FIFO preflight.yaml is bad input: a clear error, at once.
	mkfifo(t, filepath.Join(dir, "preflight.yaml"))
	code, _, stderr = runWithin(t, 60*time.Second, "check", dir)
	if code != 2 || !strings.Contains(stderr, "not a regular file") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// A file that links out of the repository is not read: /etc/passwd under a
// YAML name does not reach any report.
func TestLinksOutOfTheRepositoryAreNotRead(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	t.Setenv("GITHUB_STEP_SUMMARY", "")
	dir, outside := t.TempDir(), t.TempDir()
	secret := filepath.Join(outside, "Dockerfile")
	write(t, secret, "FROM scratch\nENV OUTSIDE_SECRET=leaked-from-outside-the-repo\n", 0o644)
	if err := os.Symlink(secret, filepath.Join(dir, "Dockerfile")); err != nil {
		t.Skip(err)
	}
	for _, f := range []string{"json", "text"} {
		_, out, _ := runWithin(t, 60*time.Second, "check", "--format", f, dir)
		if strings.Contains(out, "leaked-from-outside") || strings.Contains(out, "OUTSIDE_SECRET") {
			t.Errorf("%s report shows a file outside the repository:\n%s", f, out)
		}
	}
}

// SIGTERM during check kills every tool it started, and check returns.
func TestSignalKillsEveryRunningTool(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	dir := repoWith(t, "custom:\n  hang:\n    command: sleep 1005 & echo $! > "+pidFile+"; wait\n    domain: tests\n")
	done := make(chan int, 1)
	go func() {
		code, _, _ := run(t, false, "check", "--trust", dir)
		done <- code
	}()
	pid := 0
	for deadline := time.Now().Add(20 * time.Second); pid == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the tool never started")
		}
		b, _ := os.ReadFile(pidFile)
		pid, _ = strconv.Atoi(strings.TrimSpace(string(b)))
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != 130 {
			t.Errorf("exit %d, want 130", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("check did not stop on SIGTERM")
	}
	for deadline := time.Now().Add(3 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); err != nil {
			break
		}
		if time.Now().After(deadline) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("sleep 1005 (pid %d) outlived check", pid)
		}
	}
}

const planted = "ghp_Zq8vX2mN4pL6rT0yW3eK5uH7jB9cF1dA2sG4"

// hostileFiles plants a malformed Dockerfile that quotes a token and
// escape sequences, and a Dockerfile whose name is not UTF-8.
func hostileFiles(t *testing.T) string {
	t.Helper()
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("GITHUB_STEP_SUMMARY", "")
	dir := t.TempDir()
	write(t, filepath.Join(dir, "Dockerfile"), "FROM alpine:3.20\nGITHUB_TOKEN="+planted+"\n", 0o644)
	write(t, filepath.Join(dir, "web", "Dockerfile"), "FROM alpine:3.20\n\x1b]0;pwned\x07\x1b[2J\n", 0o644)
	write(t, filepath.Join(dir, "svc", "Dockerfile.caf\xe9"), "FROM alpine:3.20\nRUN echo hi\n", 0o644)
	return dir
}

func TestReportsRedactExcerptsAndEscapeControlBytes(t *testing.T) {
	dir := hostileFiles(t)
	outs := map[string]string{}
	for _, f := range []string{"text", "markdown", "json", "sarif", "junit"} {
		_, out, stderr := runWithin(t, 60*time.Second, "check", "--format", f, dir)
		if out == "" {
			t.Fatalf("%s: no report; stderr %s", f, stderr)
		}
		outs[f] = out
		if strings.Contains(out, planted) {
			t.Errorf("%s report prints the planted token in full", f)
		}
		if strings.ContainsAny(out, "\x1b\x07") {
			t.Errorf("%s report carries raw control bytes", f)
		}
	}
	if !strings.Contains(outs["text"], `\x1b]0;pwned\x07`) {
		t.Errorf("the escape sequence should be shown escaped in the text report:\n%s", outs["text"])
	}
	var anyXML any
	if err := xml.Unmarshal([]byte(outs["junit"]), &anyXML); err != nil {
		t.Errorf("JUnit is not well-formed XML: %v", err)
	}
	var rep struct {
		Findings []struct {
			File         string
			FileEncoding string `json:"file_encoding"`
		}
	}
	if err := json.Unmarshal([]byte(outs["json"]), &rep); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range rep.Findings {
		if f.FileEncoding == "percent" {
			found = true
			if back, err := textsafe.DecodePath(f.File); err != nil || back != "svc/Dockerfile.caf\xe9" {
				t.Errorf("encoded path %q decodes to %q (%v)", f.File, back, err)
			}
		}
	}
	if !found {
		t.Errorf("no finding names the non-UTF-8 file, encoded: %+v", rep.Findings)
	}
	if !strings.Contains(outs["sarif"], "svc/Dockerfile.caf%E9") {
		t.Error("SARIF must carry the non-UTF-8 name percent-encoded in its URI")
	}
}

// Reports and manifests that collectors import are read the same way: a
// FIFO under a report's name does not hang check, and a report linked to a
// file outside the repository is not read.
func TestImportedReportsAreReadSafely(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	t.Setenv("GITHUB_STEP_SUMMARY", "")
	dir, outside := t.TempDir(), t.TempDir()
	mkfifo(t, filepath.Join(dir, "junit.xml"))
	if err := os.MkdirAll(filepath.Join(dir, "coverage"), 0o755); err != nil {
		t.Fatal(err)
	}
	mkfifo(t, filepath.Join(dir, "coverage", "lcov.info"))
	mkfifo(t, filepath.Join(dir, "tsconfig.json"))
	leak := filepath.Join(outside, "scan.sarif")
	write(t, leak, `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"ruleId":"r","message":{"text":"OUTSIDE_REPORT_TEXT"}}]}]}`, 0o644)
	if err := os.Symlink(leak, filepath.Join(dir, "scan.sarif")); err != nil {
		t.Skip(err)
	}
	_, out, _ := runWithin(t, 120*time.Second, "check", "--format", "json", dir)
	if strings.Contains(out, "OUTSIDE_REPORT_TEXT") {
		t.Errorf("a report outside the repository was read:\n%s", out)
	}
}
