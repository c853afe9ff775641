package cli

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/app"
	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/fixturetest"
)

// repoWith is fixturetest.RepoWith with no GitHub step summary, which
// check would otherwise append to when the tests run in GitHub Actions.
func repoWith(t *testing.T, yaml string) string {
	t.Helper()
	t.Setenv("GITHUB_STEP_SUMMARY", "")
	return fixturetest.RepoWith(t, yaml)
}

type jsonReport struct {
	Verdict    string
	Collectors []struct {
		ID, Status, Error, Hint, Command string
		ExitCode                         int `json:"exit_code"`
	}
}

func checkJSON(t *testing.T, args ...string) (int, jsonReport, string) {
	t.Helper()
	code, out, stderr := run(t, false, append([]string{"check", "--format", "json"}, args...)...)
	var rep jsonReport
	if code != 2 {
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("not JSON (%v): %s\nstderr: %s", err, out, stderr)
		}
	}
	// Every repository gets the built-in secrets scan; these tests are
	// about the configured collectors, so it is left out of the list.
	kept := rep.Collectors[:0]
	for _, c := range rep.Collectors {
		if !strings.HasPrefix(c.ID, "secrets:") {
			kept = append(kept, c)
		}
	}
	rep.Collectors = kept
	return code, rep, stderr
}

func TestCheckRejectsAnInvalidConfigWithItsPosition(t *testing.T) {
	dir := repoWith(t, "collectors:\n  go-test:\n    timeout: soon\n")
	code, _, stderr := run(t, false, "check", dir)
	want := filepath.Join(dir, "preflight.yaml") + `:3:14: collectors.go-test.timeout: expected a duration such as "90s", "5m" or "1h30m", got "soon"`
	if code != 2 || !strings.Contains(stderr, want) {
		t.Fatalf("exit %d, stderr %q; want 2 and %q", code, stderr, want)
	}
}

// The untrusted command must never start: its marker file stays absent,
// and the collector is reported as blocked with the command and the way to
// trust it. After `preflight trust`, it runs; after an edit, it is blocked
// again.
func TestCustomCommandsRunOnlyOnceTrusted(t *testing.T) {
	dir := repoWith(t, fixturetest.MarkerConfig)
	marker := filepath.Join(dir, "ran.marker")

	code, rep, _ := checkJSON(t, dir)
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("check ran the command of an untrusted config")
	}
	if code != 0 || rep.Verdict != "CONDITIONAL" || len(rep.Collectors) != 1 {
		t.Fatalf("exit %d, report %+v", code, rep)
	}
	c := rep.Collectors[0]
	if c.ID != "custom:marker" || c.Status != "unknown" || c.Command != "" ||
		c.Error != "untrusted: preflight.yaml runs `touch ran.marker && echo made it`" || !strings.Contains(c.Hint, "preflight trust") {
		t.Errorf("blocked collector = %+v", c)
	}

	code, out, stderr := run(t, false, "trust", dir)
	if code != 0 || !strings.Contains(out, "custom:marker  touch ran.marker && echo made it") {
		t.Fatalf("trust: exit %d\n%s%s", code, out, stderr)
	}
	code, rep, _ = checkJSON(t, dir)
	if _, err := os.Stat(marker); err != nil {
		t.Fatalf("the trusted command did not run: %+v", rep)
	}
	if code != 0 || rep.Verdict != "GO" || rep.Collectors[0].Status != "ok" || rep.Collectors[0].ExitCode != 0 {
		t.Errorf("trusted run: exit %d %+v", code, rep)
	}

	if err := os.Remove(marker); err != nil {
		t.Fatal(err)
	}
	fixturetest.WriteConfig(t, dir, strings.Replace(fixturetest.MarkerConfig, "echo made it", "echo changed", 1))
	_, rep, _ = checkJSON(t, dir)
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("an edited command ran on the trust given to the old one")
	}
	if rep.Collectors[0].Status != "unknown" {
		t.Errorf("edited config: %+v", rep.Collectors[0])
	}

	// Tuning a trusted config's timeout keeps the trust.
	if code, _, _ := run(t, false, "trust", dir); code != 0 {
		t.Fatal("trust failed")
	}
	fixturetest.WriteConfig(t, dir, strings.Replace(fixturetest.MarkerConfig, "echo made it", "echo changed", 1)+"    timeout: 30s\n")
	if _, rep, _ = checkJSON(t, dir); rep.Collectors[0].Status != "ok" {
		t.Errorf("a new timeout must not need trust again: %+v", rep.Collectors[0])
	}

	if code, out, _ := run(t, false, "trust", "--revoke", dir); code != 0 || !strings.Contains(out, "Revoked 2 trust record(s)") {
		t.Errorf("revoke: %d %q", code, out)
	}
}

func TestTrustConfigFlagRunsWithoutStoringTrust(t *testing.T) {
	dir := repoWith(t, fixturetest.MarkerConfig)
	code, rep, _ := checkJSON(t, "--trust-config", dir)
	if _, err := os.Stat(filepath.Join(dir, "ran.marker")); err != nil || code != 0 || rep.Collectors[0].Status != "ok" {
		t.Fatalf("--trust-config did not run the command: %d %+v", code, rep)
	}
	entries, _ := os.ReadDir(filepath.Join(os.Getenv("XDG_DATA_HOME"), "preflight", "trust"))
	if len(entries) != 0 {
		t.Errorf("--trust-config must not store trust: %v", entries)
	}
}

func TestSeveralReportsInOneRun(t *testing.T) {
	dir := repoWith(t, `custom:
  fails:
    command: echo 'db down' >&2; exit 4
    domain: tests
gate: [tests]
`)
	out := t.TempDir()
	summary := filepath.Join(out, "summary.md")
	if err := os.WriteFile(summary, []byte("# earlier step\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GITHUB_STEP_SUMMARY", summary)
	md, sarif, junit := filepath.Join(out, "r.md"), filepath.Join(out, "r.sarif"), filepath.Join(out, "junit.xml")
	code, stdout, stderr := run(t, false, "check", "--trust-config", "--format", "markdown", "--output", md,
		"--format", "sarif", "--output", sarif, "--output", junit, "--format", "json", dir)
	if code != 1 {
		t.Fatalf("exit %d (want 1: NO-GO)\n%s", code, stderr)
	}
	var rep jsonReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil || rep.Verdict != "NO-GO" {
		t.Fatalf("stdout is the JSON report: %v %q", err, stdout)
	}
	mdText, _ := os.ReadFile(md)
	if !strings.Contains(string(mdText), "**Verdict: NO-GO**") || !strings.Contains(string(mdText), "fails exited with 4: db down") {
		t.Errorf("markdown report:\n%s", mdText)
	}
	var log struct{ Version string }
	if data, _ := os.ReadFile(sarif); json.Unmarshal(data, &log) != nil || log.Version != "2.1.0" {
		t.Errorf("sarif report: %s", data)
	}
	var suites struct {
		Failures int `xml:"failures,attr"`
	}
	if data, _ := os.ReadFile(junit); xml.Unmarshal(data, &suites) != nil || suites.Failures != 1 {
		t.Errorf("junit report (format from the .xml extension): %s", data)
	}
	sum, _ := os.ReadFile(summary)
	if !strings.HasPrefix(string(sum), "# earlier step\n# Readiness report: ") {
		t.Errorf("the step summary must be appended to:\n%s", sum)
	}
	leftovers, _ := filepath.Glob(filepath.Join(out, ".*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
}

func TestOutputUsageErrors(t *testing.T) {
	dir := repoWith(t, "")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"check", "--format", "json", "--format", "text", dir}, "only one --format can go to standard output"},
		{[]string{"check", "--output", "report.out", dir}, "--output report.out: give --format before it"},
		{[]string{"check", "--format", "json", "--output", "a.json", "--format", "sarif", "--output", "a.json", dir}, "--output a.json is given twice"},
	}
	for _, tc := range cases {
		code, _, stderr := run(t, false, tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}

func TestConfigWarningsNameTheLine(t *testing.T) {
	dir := repoWith(t, "collectors:\n  typescript:wbe:\n    enabled: false\n")
	code, _, stderr := run(t, false, "check", dir)
	if code != 0 || !strings.Contains(stderr, "preflight.yaml:2:3: collectors.typescript:wbe matches no collector in this repository") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// While the cockpit runs nothing may write to the terminal but its View: a
// preflight.yaml saved with a collector name that matches nothing is a
// message for the cockpit, not a line printed over its screen.
func TestConfigWarningsWhileTheCockpitRunsAreMessages(t *testing.T) {
	dir := repoWith(t, fixturetest.MarkerConfig)
	var stderr strings.Builder
	msgs := newCockpitMessages(&stderr)
	s, err := app.Open(dir, collectors.Watch, msgs)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stop := s.Watch(ctx)
	defer s.Close()
	fixturetest.WriteConfig(t, dir, fixturetest.MarkerConfig+"collectors: {go-tset: {timeout: 5m}}\n")
	// The watcher reloads the config; its warning is what the new config
	// being taken says.
	select {
	case m := <-msgs.messages():
		if !m.Warning || !strings.Contains(m.Text, "collectors.go-tset matches no collector in this repository") || strings.HasPrefix(m.Text, "preflight:") {
			t.Errorf("message %+v", m)
		}
	case <-time.After(time.Minute):
		t.Fatal("the warning did not reach the cockpit")
	}
	cancel()
	stop()
	if stderr.Len() > 0 {
		t.Fatalf("written to the terminal while the cockpit runs: %q", stderr.String())
	}
	// Once the cockpit stopped, warnings are printed again.
	msgs.close()
	fmt.Fprintf(msgs, "preflight: saving the cache: disk full\n")
	if stderr.String() != "preflight: saving the cache: disk full\n" {
		t.Errorf("after the cockpit: %q", stderr.String())
	}
}

// The standard logger, which libraries use for their own warnings, writes
// into the messages while the cockpit runs.
func TestStdLogIsCapturedWhileTheCockpitRuns(t *testing.T) {
	var stderr strings.Builder
	msgs := newCockpitMessages(&stderr)
	restore := captureStdLog(msgs)
	log.Printf("a library speaks")
	restore()
	msgs.close()
	if stderr.String() != "preflight: a library speaks\n" {
		t.Fatalf("the message was not kept for later: %q", stderr.String())
	}
	if log.Writer() != os.Stderr {
		t.Fatal("the standard logger was not restored")
	}
}
