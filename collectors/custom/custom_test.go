package custom

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"
)

// copyFixture gives a test its own copy of testdata/repo, so commands that
// write reports leave the fixture alone.
func copyFixture(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	src := fixtureRoot(t)
	fixturetest.Copy(t, src, dst)
	return dst
}

func run(t *testing.T, root string, s Spec, timeout time.Duration) model.Result {
	t.Helper()
	if s.Domain == "" {
		s.Domain = "tests"
	}
	return New(s).Run(context.Background(), collectors.Request{Root: root, Timeout: timeout})
}

func TestExitCodeChecks(t *testing.T) {
	root := t.TempDir()
	res := run(t, root, Spec{Name: "ok", Command: []string{"true"}, Output: collectors.ReadExitCode, Severity: model.Blocker}, time.Minute)
	if res.Status != model.StatusOK || res.ExitCode != 0 || len(res.Findings) != 0 || res.Command != "true" {
		t.Errorf("passing command: %+v", res)
	}
	res = run(t, root, Spec{Name: "smoke", Command: []string{"echo starting; echo 'db unreachable' >&2; exit 3"}, Shell: true,
		Output: collectors.ReadExitCode, Severity: model.High}, time.Minute)
	if res.Status != model.StatusOK || res.ExitCode != 3 || len(res.Findings) != 1 {
		t.Fatalf("failing command: %+v", res)
	}
	f := res.Findings[0]
	if f.Message != "smoke exited with 3: db unreachable" || f.Severity != model.High || f.Collector != "custom:smoke" ||
		f.Domain != "tests" || f.ID == "" {
		t.Errorf("finding = %+v", f)
	}
	if !strings.Contains(res.Output, "starting") || !strings.Contains(res.Output, "db unreachable") {
		t.Errorf("evidence excerpt = %q", res.Output)
	}
}

func TestRegexOverRealGoVet(t *testing.T) {
	fixturetest.RequireTools(t, "go")
	res := run(t, fixtureRoot(t), Spec{Name: "vet", Command: []string{"go", "vet", "./..."}, Dir: "svc",
		Output: collectors.ReadRegex, Pattern: vetPattern, Severity: model.High}, 5*time.Minute)
	if res.Status != model.StatusOK || res.Command != "cd svc && go vet ./..." || res.ExitCode != 1 {
		t.Fatalf("result = %+v", res)
	}
	if got := locs(res.Findings); len(got) != 1 || got[0] != "high vet svc/price.go:9:57" {
		t.Errorf("findings = %q", got)
	}
}

func TestGoTestJSONFromAReportFile(t *testing.T) {
	fixturetest.RequireTools(t, "go")
	root := copyFixture(t)
	spec := Spec{Name: "svc", Command: []string{"go test -json -vet=off -count=1 ./... > report.json"}, Shell: true, Dir: "svc",
		Output: collectors.ReadGoTestJSON, Report: "report.json", Severity: model.Blocker}
	res := run(t, root, spec, 5*time.Minute)
	if res.Status != model.StatusOK || res.ExitCode != 1 {
		t.Fatalf("result = %+v", res)
	}
	if got := locs(res.Findings); len(got) != 1 || got[0] != "blocker test-failed svc/price_test.go:7" {
		t.Errorf("findings = %q", got)
	}
	if res.Facts["tests.passed"] != 1 || res.Facts["tests.failed"] != 1 {
		t.Errorf("facts = %v", res.Facts)
	}

	// The same report, not rewritten by the next run, is not evidence.
	spec.Command = []string{"true"}
	res = run(t, root, spec, time.Minute)
	if res.Status != model.StatusError || res.Error != "the report report.json was not rewritten by this run (exit 0)" {
		t.Errorf("stale report: %+v", res)
	}
	spec.Report = "missing.json"
	res = run(t, root, spec, time.Minute)
	if res.Status != model.StatusError || res.Error != "the command did not write its report missing.json (exit 0)" {
		t.Errorf("missing report: %+v", res)
	}
}

func TestTscLinesFromRealTsc(t *testing.T) {
	fixturetest.RequireTools(t, "tsc")
	res := run(t, fixtureRoot(t), Spec{Name: "web", Command: []string{"tsc", "--noEmit", "--pretty", "false", "-p", "."}, Dir: "web",
		Output: collectors.ReadTsc, Domain: "build"}, 5*time.Minute)
	if res.Status != model.StatusOK || res.ExitCode != 2 || res.Facts["errors"] != 2 {
		t.Fatalf("result = %+v", res)
	}
	if got := locs(res.Findings); strings.Join(got, "|") != "blocker TS2322 web/src/cart.ts:5:7|blocker TS2322 web/src/cart.ts:6:14" {
		t.Errorf("findings = %q", got)
	}
}

func TestCommandsThatCannotRunAreUnknown(t *testing.T) {
	root := t.TempDir()
	cases := []struct {
		name string
		spec Spec
		want string
	}{
		{"missing executable", Spec{Command: []string{"preflight-no-such-tool", "--check"}},
			"preflight-no-such-tool is not installed or not on PATH"},
		{"missing command in a shell line", Spec{Command: []string{"preflight-no-such-tool --check"}, Shell: true},
			"the command was not found: "},
		// The shell's "not found" is why the report is missing: unknown, not an error.
		{"missing command in a shell line with a report", Spec{Command: []string{"preflight-no-such-tool --out out.json"}, Shell: true, Report: "out.json"},
			"the command was not found: "},
		{"missing directory", Spec{Command: []string{"true"}, Dir: "nope"}, "working directory nope does not exist"},
		{"timeout", Spec{Command: []string{"sleep", "30"}}, "timed out after 200ms"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.spec.Name, tc.spec.Output = "x", collectors.ReadExitCode
			// Only the timeout case times out: a shell that starts slowly
			// on a busy machine must not turn "not found" into one.
			timeout := time.Minute
			if tc.name == "timeout" {
				timeout = 200 * time.Millisecond
			}
			res := run(t, root, tc.spec, timeout)
			if res.Status != model.StatusUnknown || !strings.HasPrefix(res.Error, tc.want) || res.Hint == "" {
				t.Errorf("result = %+v", res)
			}
			if len(res.Findings) != 0 {
				t.Errorf("a command that did not run has no findings: %+v", res.Findings)
			}
		})
	}
}

func TestCommandLine(t *testing.T) {
	cases := map[string]Spec{
		"npx prisma validate":                 {Command: []string{"npx prisma validate"}, Shell: true},
		"cd packages/db && make 'a b'":        {Command: []string{"make", "a b"}, Dir: "packages/db/"},
		"cd 'my dir' && ./x.sh":               {Command: []string{"./x.sh"}, Dir: "my dir"},
		"go test -json ./... > report.json":   {Command: []string{"go test -json ./... > report.json"}, Shell: true, Dir: "."},
		"cd svc && go test -json ./... | cat": {Command: []string{"go test -json ./... | cat"}, Shell: true, Dir: "./svc"},
	}
	for want, s := range cases {
		if got := s.CommandLine(); got != want {
			t.Errorf("CommandLine = %q, want %q", got, want)
		}
	}
}

// A command that cannot start is named by its executable, and a command's
// evidence is its output as a terminal shows it: stdout, then stderr.
func TestCommandsAreNamedAndShownAsTheUserWroteThem(t *testing.T) {
	root := t.TempDir()
	fixturetest.WriteFiles(t, root, map[string]string{"notexec.sh": "#!/bin/sh\necho hi\n"})
	res := run(t, root, Spec{Name: "x", Command: []string{"./notexec.sh"}, Output: collectors.ReadExitCode}, time.Minute)
	if res.Status != model.StatusUnknown || !strings.HasPrefix(res.Error, "could not run ./notexec.sh: ") {
		t.Errorf("a script that is not executable: %+v", res)
	}
	res = run(t, root, Spec{Name: "x", Command: []string{"echo to-stdout; echo to-stderr >&2; exit 3"}, Shell: true, Output: collectors.ReadExitCode}, time.Minute)
	if res.Output != "to-stdout\nto-stderr" {
		t.Errorf("output %q, want stdout then stderr", res.Output)
	}
}
