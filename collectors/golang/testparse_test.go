package golang

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/internal/reach"
	"github.com/preflight-dev/preflight/model"
)

type counts struct{ Passed, Failed, Skipped, BuildFailures int }

func countsOf(r TestReport) counts {
	return counts{r.Passed, r.Failed, r.Skipped, r.BuildFailures}
}

// fixtureLogCalls checks log calls against the fixture sources in this
// repository; the captured paths are relative to the fixture directory.
func fixtureLogCalls(fixture string) func(string, int) bool {
	return logCallChecker(filepath.Join("testdata", fixture))
}

var testsFixtureFindings = []loc{
	{model.Blocker, "test-failed", "calc/calc_test.go", 14, 0, "TestSub failed: Sub(5, 3) = 8, want 2"},
	{model.Blocker, "test-failed", "calc/calc_test.go", 34, 0, "TestMul/negative failed: Mul(-2, 3) = -6, want -5"},
}

func TestParseTestJSONCaptured(t *testing.T) {
	tests := []struct {
		capture  string
		counts   counts
		findings []loc
	}{
		{"tests.test", counts{Passed: 5, Failed: 2, Skipped: 1}, testsFixtureFindings},
		// Replayed from the test cache: the same events, the same counts.
		{"tests.test-cached", counts{Passed: 5, Failed: 2, Skipped: 1}, testsFixtureFindings},
		{"clean.test", counts{Passed: 1}, []loc{}},
		{"broken.test", counts{Passed: 1, BuildFailures: 3}, []loc{
			{model.Blocker, "build-failed", "bad/bad.go", 5, 13, "undefined: two"},
			{model.Blocker, "build-failed", "bad/bad.go", 9, 9, "cannot use 42 (untyped int constant) as string value in return statement"},
			{model.Blocker, "build-failed", "testonly/testonly_test.go", 6, 20, "cannot use Triple(2) (value of type int) as string value in variable declaration"},
		}},
		// Before Go 1.24 the build errors came as text on stderr.
		{"broken.test-text", counts{Passed: 1, BuildFailures: 3}, []loc{
			{model.Blocker, "build-failed", "bad/bad.go", 5, 13, "undefined: two"},
			{model.Blocker, "build-failed", "bad/bad.go", 9, 9, "cannot use 42 (untyped int constant) as string value in return statement"},
			{model.Blocker, "build-failed", "testonly/testonly_test.go", 6, 20, "cannot use Triple(2) (value of type int) as string value in variable declaration"},
		}},
		// A panic is located where it happened, the first frame in the
		// module; a subtest's panic is blamed on the subtest alone.
		{"crash.test", counts{Passed: 2, Failed: 2}, []loc{
			{model.Blocker, "test-panic", "crash.go", 4, 0, "TestOutOfRange panicked: runtime error: index out of range [3] with length 1 [recovered, repanicked]"},
			{model.Blocker, "test-panic", "nested/nested.go", 7, 0, "TestLookup/absent panicked: missing key b [recovered, repanicked]"},
		}},
		{"hang.test", counts{Passed: 1, Failed: 1}, []loc{
			{model.Blocker, "test-timeout", "hang_test.go", 11, 0, "TestForever did not finish: test timed out after 2s"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.capture, func(t *testing.T) {
			c := loadCaptured(t, tt.capture)
			rep, err := ParseTestJSON(bytes.NewReader(c.stdout), TestOptions{
				Module:    c.mod,
				Stderr:    c.stderr,
				IsLogCall: fixtureLogCalls(c.run.Fixture),
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := countsOf(rep); got != tt.counts {
				t.Errorf("counts = %+v, want %+v", got, tt.counts)
			}
			got := locs(rep.Findings)
			sortLocs(got)
			if !reflect.DeepEqual(got, tt.findings) {
				t.Errorf("findings:\n got %+v\nwant %+v", got, tt.findings)
			}
			if len(rep.Unparsed) > 0 {
				t.Errorf("unparsed: %q", rep.Unparsed)
			}
			if (c.run.ExitCode != 0) != (len(tt.findings) > 0) {
				t.Errorf("captured exit code %d does not match the findings expected", c.run.ExitCode)
			}
		})
	}
}

func sortLocs(ls []loc) {
	fs := make([]model.Finding, len(ls))
	for i, l := range ls {
		fs[i] = model.Finding{Severity: l.Severity, Rule: l.Rule, File: l.File, Line: l.Line, Column: l.Column, Message: l.Message}
	}
	sortFindings(fs)
	copy(ls, locs(fs))
}

func TestParseTestJSONWithoutSourceTakesFirstMessage(t *testing.T) {
	// Without a look at the source, a t.Log line before the failure is
	// indistinguishable from it.
	c := loadCaptured(t, "tests.test")
	rep, err := ParseTestJSON(bytes.NewReader(c.stdout), TestOptions{Module: c.mod})
	if err != nil {
		t.Fatal(err)
	}
	var sub *model.Finding
	for i := range rep.Findings {
		if strings.HasPrefix(rep.Findings[i].Message, "TestSub ") {
			sub = &rep.Findings[i]
		}
	}
	if sub == nil || sub.Line != 12 || sub.Message != "TestSub failed: checking subtraction" {
		t.Fatalf("TestSub finding = %+v", sub)
	}
}

func TestParseTestJSONEvidenceText(t *testing.T) {
	tests := []struct {
		capture string
		want    []string
	}{
		{"crash.test", []string{"panic: runtime error: index out of range [3] with length 1", "crash_test.go:12", "panic: missing key b"}},
		{"hang.test", []string{"panic: test timed out after 2s", "running tests:", "TestForever"}},
		{"tests.test", []string{"--- FAIL: TestSub", "calc_test.go:34: Mul(-2, 3) = -6, want -5", "FAIL\texample.com/fixture/tests/calc"}},
		{"broken.test", []string{"bad/bad.go:5:13: undefined: two", "[build failed]"}},
		{"clean.test", []string{"ok  \texample.com/fixture/clean"}},
	}
	for _, tt := range tests {
		c := loadCaptured(t, tt.capture)
		rep, err := ParseTestJSON(bytes.NewReader(c.stdout), TestOptions{Module: c.mod, Stderr: c.stderr})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tt.want {
			if !strings.Contains(rep.Text, w) {
				t.Errorf("%s: evidence text lacks %q:\n%s", tt.capture, w, rep.Text)
			}
		}
	}
}

func TestParseTestJSONUnreadable(t *testing.T) {
	good := loadCaptured(t, "tests.test")
	tests := []struct {
		name    string
		in      string
		wantErr bool
	}{
		{"not JSON at all", "FAIL\texample.com/x\t0.01s\nsomething went wrong\n", true},
		{"many stray lines", string(good.stdout) + strings.Repeat("garbage\n", maxUnparsedLines+1), true},
		{"a few stray lines are tolerated", string(good.stdout) + "garbage\n", false},
		{"empty output is not an error by itself", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := ParseTestJSON(strings.NewReader(tt.in), TestOptions{Module: good.mod})
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if !tt.wantErr && tt.in != "" && rep.Failed != 2 {
				t.Errorf("failed = %d, want the 2 of the fixture", rep.Failed)
			}
		})
	}
}

func TestParseTestJSONParentOwnFailure(t *testing.T) {
	// A parent that fails on its own besides a failing subtest is reported
	// too; one that only logs is not. The events follow test2json's shape.
	events := `{"Action":"run","Package":"example.com/m","Test":"TestP"}
{"Action":"output","Package":"example.com/m","Test":"TestP","Output":"    p_test.go:5: setting up\n"}
{"Action":"run","Package":"example.com/m","Test":"TestP/child"}
{"Action":"output","Package":"example.com/m","Test":"TestP/child","Output":"        p_test.go:8: \n"}
{"Action":"output","Package":"example.com/m","Test":"TestP/child","Output":"            got 1\n"}
{"Action":"fail","Package":"example.com/m","Test":"TestP/child"}
{"Action":"output","Package":"example.com/m","Test":"TestP","Output":"    p_test.go:11: parent check failed\n"}
{"Action":"fail","Package":"example.com/m","Test":"TestP"}
{"Action":"run","Package":"example.com/m","Test":"TestQ"}
{"Action":"output","Package":"example.com/m","Test":"TestQ","Output":"    p_test.go:20: setting up\n"}
{"Action":"run","Package":"example.com/m","Test":"TestQ/child"}
{"Action":"output","Package":"example.com/m","Test":"TestQ/child","Output":"        p_test.go:22: boom\n"}
{"Action":"fail","Package":"example.com/m","Test":"TestQ/child"}
{"Action":"fail","Package":"example.com/m","Test":"TestQ"}
{"Action":"fail","Package":"example.com/m"}
`
	logs := map[int]bool{5: true, 20: true}
	rep, err := ParseTestJSON(strings.NewReader(events), TestOptions{
		Module:    Module{Root: "/r", Dir: "/r", Path: "example.com/m"},
		IsLogCall: func(file string, line int) bool { return file == "p_test.go" && logs[line] },
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []loc{
		{model.Blocker, "test-failed", "p_test.go", 8, 0, "TestP/child failed: got 1"},
		{model.Blocker, "test-failed", "p_test.go", 11, 0, "TestP failed: parent check failed"},
		{model.Blocker, "test-failed", "p_test.go", 22, 0, "TestQ/child failed: boom"},
	}
	got := locs(rep.Findings)
	sortLocs(got)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("\n got %+v\nwant %+v", got, want)
	}
	if rep.Failed != 3 {
		t.Errorf("failed = %d, want 3", rep.Failed)
	}
}

func TestParseTestJSONPackageFailureWithoutTest(t *testing.T) {
	// TestMain exiting non-zero fails the package with no failing test:
	// still a finding, never a silent "0 failed".
	events := `{"Action":"start","Package":"example.com/m"}
{"Action":"output","Package":"example.com/m","Output":"setup: database unreachable\n"}
{"Action":"output","Package":"example.com/m","Output":"FAIL\texample.com/m\t0.01s\n"}
{"Action":"fail","Package":"example.com/m","Elapsed":0.01}
`
	rep, err := ParseTestJSON(strings.NewReader(events), TestOptions{Module: Module{Root: "/r", Dir: "/r", Path: "example.com/m"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []loc{{model.Blocker, "package-failed", "", 0, 0, "example.com/m failed: setup: database unreachable"}}
	if got := locs(rep.Findings); !reflect.DeepEqual(got, want) {
		t.Errorf("\n got %+v\nwant %+v", got, want)
	}
}

func FuzzParseTestJSON(f *testing.F) {
	for _, name := range []string{"tests.test", "broken.test", "broken.test-text", "crash.test", "hang.test", "libs.test"} {
		c := loadCaptured(f, name)
		f.Add(c.stdout, c.stderr)
	}
	mod := Module{Root: "/work/main/collectors/golang/testdata/crash", Dir: "/work/main/collectors/golang/testdata/crash", Path: "example.com/fixture/crash"}
	f.Fuzz(func(t *testing.T, stdout, stderr []byte) {
		rep, err := ParseTestJSON(bytes.NewReader(stdout), TestOptions{Module: mod, Stderr: stderr})
		if err != nil {
			return
		}
		if rep.Passed < 0 || rep.Failed < 0 || rep.Skipped < 0 || rep.BuildFailures < 0 {
			t.Fatalf("negative count: %+v", countsOf(rep))
		}
		if rep.Events > bytes.Count(stdout, []byte("\n"))+1 {
			t.Fatalf("%d events from %d lines", rep.Events, bytes.Count(stdout, []byte("\n"))+1)
		}
		for _, fd := range rep.Findings {
			checkFinding(t, fd)
			if fd.Severity != model.Blocker {
				t.Errorf("test finding is not a blocker: %+v", fd)
			}
		}
		if rep.Failed > len(rep.Findings) {
			t.Fatalf("%d failed tests but %d findings", rep.Failed, len(rep.Findings))
		}
	})
}

func BenchmarkParseTestJSON(b *testing.B) {
	c := loadCaptured(b, "crash.test")
	opt := TestOptions{Module: c.mod, Stderr: c.stderr}
	b.SetBytes(int64(len(c.stdout)))
	for b.Loop() {
		if _, err := ParseTestJSON(bytes.NewReader(c.stdout), opt); err != nil {
			b.Fatal(err)
		}
	}
}

// A testify assertion prints an empty message line and a block under it
// (Error Trace, Error, Test): the finding says what the Error field says,
// not "Error Trace:". testdata/testify.json is go test -json output of
// github.com/ThreeDotsLabs/wild-workouts-go-ddd-example @ f797e11
// (internal/trainings, without the Firestore emulator), cut to one test.
func TestParseTestJSONTestifyBlock(t *testing.T) {
	out, err := os.ReadFile(filepath.Join("testdata", "testify.json"))
	if err != nil {
		t.Fatal(err)
	}
	mod := Module{Root: "/src/wild", Dir: "/src/wild/internal/trainings", Path: "github.com/ThreeDotsLabs/wild-workouts-go-ddd-example/internal/trainings"}
	rep, err := ParseTestJSON(bytes.NewReader(out), TestOptions{Module: mod})
	if err != nil {
		t.Fatal(err)
	}
	want := "TestTrainingsFirestoreRepository_AddTraining failed: Received unexpected error: google: could not find default credentials. " +
		"See https://developers.google.com/accounts/docs/application-default-credentials for more information."
	if len(rep.Findings) != 1 || rep.Findings[0].Message != want || rep.Findings[0].Line != 25 ||
		rep.Findings[0].File != "internal/trainings/adapters/trainings_firestore_repository_test.go" {
		t.Fatalf("findings %+v", rep.Findings)
	}
}

func TestTestifyError(t *testing.T) {
	for _, tc := range []struct {
		lines []string
		want  string
	}{
		{[]string{"Error Trace:\tx_test.go:40", "Error:      \tNot equal:", "expected: 4", "actual  : 5", "Test:       \tTestSum", "Messages:   \ttotal of the cart"},
			"Not equal: expected: 4 actual  : 5 (total of the cart)"},
		{[]string{"got 3, want 4"}, ""},
		{[]string{"Error: the disk is full", "Test: TestWrite"}, "the disk is full"},
		{[]string{"Errors: not a field"}, ""},
		{nil, ""},
	} {
		if got := testifyError(tc.lines); got != tc.want {
			t.Errorf("testifyError(%q) = %q, want %q", tc.lines, got, tc.want)
		}
	}
}

// parseCapturedIn parses a captured, failing go test of a fixture that is
// a module of its own, whose files the findings are placed in.
func parseCapturedIn(t *testing.T, name, fixture string) TestReport {
	t.Helper()
	c := capturedIn(t, name, fixture)
	if c.run.ExitCode == 0 {
		t.Errorf("%s: the capture should be of a failing go test", name)
	}
	rep, err := ParseTestJSON(bytes.NewReader(c.stdout), TestOptions{Module: c.mod, Stderr: c.stderr, Locate: fileLocator(c.mod.Dir), Declared: testDeclarations(c.mod.Root), NoDocker: func() bool { return true }})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// capturedIn loads a capture with its module placed at the fixture as it
// is here, so that files the messages name are found.
func capturedIn(t *testing.T, name, fixture string) captured {
	t.Helper()
	c := loadCaptured(t, name)
	dir, err := filepath.Abs(filepath.Join("testdata", fixture))
	if err != nil {
		t.Fatal(err)
	}
	c.mod.Root, c.mod.Dir = dir, dir
	return c
}

// needsServiceFindings are the needsservice fixture's: one suite exits
// when its service does not answer, one panics, and the tests of two
// packages fail in a shared helper that starts their database container,
// on a machine where no Docker daemon answers.
var needsServiceFindings = []loc{
	{model.Medium, RuleNeedsService, "integration/main_test.go", 17, 0,
		"example.com/fixture/needsservice/integration stopped before its first test: a service it needs is not reachable here " +
			"(Integration tests: 127.0.0.1:1 is not available: dial tcp 127.0.0.1:1: connect: connection refused); " +
			"start what it needs, or keep the package out of go test ./... with a build tag"},
	containersDown("orders"),
	{model.Medium, RuleNeedsService, "panicking/main_test.go", 12, 0,
		"example.com/fixture/needsservice/panicking stopped before its first test: a service it needs is not reachable here " +
			"(panic: dial tcp 127.0.0.1:1: connect: connection refused); " +
			"start what it needs, or keep the package out of go test ./... with a build tag"},
	containersDown("users"),
}

// containersDown is the finding of the fixture's Test_Create in package pkg,
// named, with where it is declared, since its line is the shared helper's.
func containersDown(pkg string) loc {
	return loc{model.Medium, RuleNeedsService, "dbtest/dbtest.go", 10, 0,
		"Test_Create (example.com/fixture/needsservice/" + pkg + ", Test_Create at " + pkg + "/" + pkg + "_test.go:9) could not start what it tests against: it runs containers, " +
			"and no Docker daemon answers here (Starting database: could not start or find container servicetest); " +
			"start Docker, or keep the test out of go test ./... with a build tag or testing.Short()"}
}

// A suite whose TestMain exits (or panics) because its service is not
// running here did not test the code: a medium finding at TestMain, not a
// blocker, and the package beside it still counts.
func TestParseTestJSONNeedsService(t *testing.T) {
	rep := parseCapturedIn(t, "needsservice.test", "needsservice")
	// go test counts the tests that could not start their containers
	// as failed; the suites that stopped before their first test ran none.
	if got := countsOf(rep); got != (counts{Passed: 1, Failed: 2}) {
		t.Errorf("counts = %+v, want one passed and two failed", got)
	}
	want := needsServiceFindings
	if got := locs(rep.Findings); !reflect.DeepEqual(got, want) {
		t.Errorf("findings:\n got %+v\nwant %+v", got, want)
	}
}

// offlineFindings are the offline fixture's on a machine that cannot
// reach the internet host its test downloads from: a local server that is
// not there stays the test's own failure.
var offlineFindings = []loc{
	{model.Blocker, RuleTestFailed, "fetch/fetch_test.go", 16, 0,
		`TestNotesFromALocalServer failed: local: Get "http://127.0.0.1:1/notes.txt": dial tcp 127.0.0.1:1: connect: connection refused`},
	{model.Medium, RuleNeedsService, "fetch/fetch_test.go", 9, 0,
		"TestNotesFromTheInternet needs the network: downloads.preflight.invalid cannot be reached from here " +
			`(download: Get "https://downloads.preflight.invalid/notes.txt": dial tcp: lookup downloads.preflight.invalid on 10.255.255.53:53: no such host); ` +
			"run it where it can, or keep it out of go test ./... with a build tag or testing.Short()"},
}

// A test that fails for want of an internet host this machine cannot reach
// either needs the network; where the host answers (or nobody asked), it
// is the test's failure.
func TestParseTestJSONNeedsNetwork(t *testing.T) {
	c := capturedIn(t, "offline.test", "offline")
	dir := c.mod.Dir
	var asked []string
	for name, tc := range map[string]struct {
		unreachable func(string) bool
		want        []loc
	}{
		"offline":   {func(h string) bool { asked = append(asked, h); return true }, offlineFindings},
		"reachable": {func(string) bool { return false }, []loc{offlineFindings[0], {model.Blocker, RuleTestFailed, "fetch/fetch_test.go", 9, 0, `TestNotesFromTheInternet failed: download: Get "https://downloads.preflight.invalid/notes.txt": dial tcp: lookup downloads.preflight.invalid on 10.255.255.53:53: no such host`}}},
		"not known": {nil, []loc{offlineFindings[0], {model.Blocker, RuleTestFailed, "fetch/fetch_test.go", 9, 0, `TestNotesFromTheInternet failed: download: Get "https://downloads.preflight.invalid/notes.txt": dial tcp: lookup downloads.preflight.invalid on 10.255.255.53:53: no such host`}}},
	} {
		rep, err := ParseTestJSON(bytes.NewReader(c.stdout), TestOptions{Module: c.mod, Locate: fileLocator(dir), Machine: reach.Machine{Unreachable: tc.unreachable}})
		if err != nil {
			t.Fatal(err)
		}
		got := locs(rep.Findings)
		sortLocs(got)
		want := append([]loc(nil), tc.want...)
		sortLocs(want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: findings:\n got %+v\nwant %+v", name, got, want)
		}
		// go test counts both as failed, whatever the machine lacks.
		if c := countsOf(rep); c != (counts{Passed: 1, Failed: 2}) {
			t.Errorf("%s: counts %+v", name, c)
		}
	}
	if !reflect.DeepEqual(asked, []string{"downloads.preflight.invalid"}) {
		t.Errorf("hosts asked about: %q, want the internet one only", asked)
	}
}

// A test that fails because a program it runs is not installed here (a
// testscript's git lfs, an exec.Command of a tool) needs it: medium, where
// the program is missing; the test's failure where it is installed.
func TestTestThatNeedsAMissingProgram(t *testing.T) {
	event := func(test, action, out string) string {
		b, _ := json.Marshal(map[string]string{"Action": action, "Package": "example.com/srv/testscript", "Test": test, "Output": out})
		return string(b) + "\n"
	}
	stream := event("TestScript/http", "run", "") +
		event("TestScript/http", "output", "    testscript.go:584: WORK=$WORK\n") +
		event("TestScript/http", "output", "        > git -C repo2 lfs install --local\n") +
		event("TestScript/http", "output", "        [stderr]\n") +
		event("TestScript/http", "output", "        git: 'lfs' is not a git command. See 'git --help'.\n") +
		event("TestScript/http", "output", "        \n") +
		event("TestScript/http", "output", "        FAIL: testdata/http.txtar:35: exit status 1\n") +
		event("TestScript/http", "fail", "") +
		event("TestTool", "run", "") +
		event("TestTool", "output", "    tool_test.go:9: run: exec: \"pfdemo-tool\": executable file not found in $PATH\n") +
		event("TestTool", "fail", "") +
		event("", "fail", "")
	for name, tc := range map[string]struct {
		notInstalled func(string) bool
		want         []string
	}{
		"missing": {func(p string) bool { return p == "git-lfs" || p == "pfdemo-tool" }, []string{
			"medium needs-service TestScript/http needs git-lfs, which is not installed here (exit status 1 (> git -C repo2 lfs install --local: git: 'lfs' is not a git command. See 'git --help'.)); install it, or " + keepOut,
			"medium needs-service TestTool needs pfdemo-tool, which is not installed here (run: exec: \"pfdemo-tool\": executable file not found in $PATH); install it, or " + keepOut,
		}},
		"installed": {func(string) bool { return false }, []string{
			"blocker test-failed TestScript/http failed: exit status 1 (> git -C repo2 lfs install --local: git: 'lfs' is not a git command. See 'git --help'.)",
			"blocker test-failed TestTool failed: run: exec: \"pfdemo-tool\": executable file not found in $PATH",
		}},
	} {
		rep, err := ParseTestJSON(strings.NewReader(stream), TestOptions{Machine: reach.Machine{NotInstalled: tc.notInstalled}})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range rep.Findings {
			got = append(got, fmt.Sprintf("%s %s %s", f.Severity, f.Rule, f.Message))
		}
		if !reflect.DeepEqual(got, tc.want) || rep.Failed != 2 {
			t.Errorf("%s: failed %d\n got %q\nwant %q", name, rep.Failed, got, tc.want)
		}
	}
}

func TestUnreachableServiceNeedsNetworkWords(t *testing.T) {
	for out, want := range map[string]string{
		"2026/12/06 19:33:18 httpURL http://app:8080 is not available: dial tcp: lookup app on 10.0.0.53:53: no such host\nFAIL\n": "httpURL http://app:8080 is not available: dial tcp: lookup app on 10.0.0.53:53: no such host",
		"failed to connect to `host=localhost`: dial error (dial tcp 127.0.0.1:5432: connect: connection refused)":                 "failed to connect to `host=localhost`: dial error (dial tcp 127.0.0.1:5432: connect: connection refused)",
		"setup: missing env DATABASE_URL\nFAIL\texample.com/x\t0.01s\n":                                                            "",
	} {
		if got := unreachableService(out); got != want {
			t.Errorf("unreachableService(%q) = %q, want %q", out, got, want)
		}
	}
}

// A Ginkgo suite prints no "file.go:NN:" lines: its failure is found at
// the place Ginkgo names, with its text; a BeforeSuite that could not
// start a program the suite needs (envtest's etcd) ran no spec, which is
// the machine's lack, not a failed test.
func TestParseTestJSONGinkgo(t *testing.T) {
	c := loadCaptured(t, "ginkgo.test")
	rep, err := ParseTestJSON(bytes.NewReader(c.stdout), TestOptions{Module: c.mod, Stderr: c.stderr})
	if err != nil {
		t.Fatal(err)
	}
	if got := countsOf(rep); got != (counts{Failed: 1}) {
		t.Errorf("counts = %+v, want the failed spec's test alone", got)
	}
	want := []loc{
		{model.Blocker, RuleTestFailed, "specs/specs_test.go", 18, 0, "TestSpecs failed: [It] Expected 10 to equal 11"},
		{model.Medium, RuleNeedsService, "suite/suite_test.go", 20, 0,
			"example.com/fixture/ginkgo/suite ran none of its specs: its BeforeSuite could not start what the suite needs here " +
				"(Unexpected error: fork/exec /nonexistent/kubebuilder/bin/etcd: no such file or directory); " +
				"install or start it (the project's make test may), or keep the suite out of go test ./... with a build tag"},
	}
	got := locs(rep.Findings)
	sortLocs(got)
	sortLocs(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("findings:\n got %+v\nwant %+v", got, want)
	}
}

// Failures that the testing package does not write itself: testscript's
// FAIL line names the script's own line (not its log of the environment,
// testscript.go:NN: WORK=…), and matryer/is indents with a tab and
// colours its message.
func TestParseTestJSONLibraries(t *testing.T) {
	rep := parseCapturedIn(t, "libs.test", "libs")
	if got := countsOf(rep); got != (counts{Passed: 1, Failed: 3}) {
		t.Errorf("counts = %+v, want the passing script and three failures", got)
	}
	want := []loc{
		{model.Blocker, RuleTestFailed, "assert/assert_test.go", 14, 0, "TestNoErr failed: err: boom"},
		{model.Blocker, RuleTestFailed, "assert/assert_test.go", 18, 0, "TestPlain failed: plain failure"},
		{model.Blocker, RuleTestFailed, "script/testdata/hello.txtar", 4, 0, "TestScript/hello failed: unexpected command failure (> exec false)"},
	}
	got := locs(rep.Findings)
	sortLocs(got)
	sortLocs(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("findings:\n got %+v\nwant %+v", got, want)
	}
	for _, f := range rep.Findings {
		if strings.ContainsRune(f.Message, 0x1b) {
			t.Errorf("escape byte in %q", f.Message)
		}
	}
}

func TestReadTestscript(t *testing.T) {
	out := "    testscript.go:584: WORK=$WORK\n        > git -C repo2 lfs install --local\n        [stderr]\n" +
		"        git: 'lfs' is not a git command. See 'git --help'.\n        \n        FAIL: testdata/http-cors.txtar:35: exit status 1\n"
	s, ok := readTestscript(out)
	want := scriptFailure{file: "testdata/http-cors.txtar", line: 35, why: "exit status 1",
		command: "> git -C repo2 lfs install --local", stderr: "git: 'lfs' is not a git command. See 'git --help'."}
	if !ok || s != want {
		t.Errorf("readTestscript = %+v %v, want %+v", s, ok, want)
	}
	for _, notScript := range []string{"    foo_test.go:12: FAIL: x", "        FAIL: helper.go:3: no", "FAIL\texample.com/x\t0.1s\n", "        FAIL: a.txtar:0: zero"} {
		if s, ok := readTestscript(notScript); ok {
			t.Errorf("readTestscript(%q) = %+v", notScript, s)
		}
	}
}

// Where a Docker daemon answers (or nobody knows), a test that fails
// saying its container could not start is the project's failure.
func TestContainersThatFailWithDockerUpAreFailures(t *testing.T) {
	c := capturedIn(t, "needsservice.test", "needsservice")
	dir := c.mod.Dir
	for name, noDocker := range map[string]func() bool{"docker up": func() bool { return false }, "not known": nil} {
		rep, err := ParseTestJSON(bytes.NewReader(c.stdout), TestOptions{Module: c.mod, Locate: fileLocator(dir), NoDocker: noDocker})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, f := range rep.Findings {
			if f.File == "dbtest/dbtest.go" {
				n++
				if f.Rule != RuleTestFailed || f.Severity != model.Blocker || !strings.HasPrefix(f.Message, "Test_Create (example.com/fixture/needsservice/") {
					t.Errorf("%s: %+v", name, f)
				}
			}
		}
		if n != 2 || rep.Failed != 2 {
			t.Errorf("%s: %d findings in the helper, %d failed", name, n, rep.Failed)
		}
	}
}

// testcontainers panics when it finds no Docker host ("rootless Docker
// not found", captured from a test that panics so with Go 1.26): where no
// Docker daemon answers, that test needs a service; elsewhere it is the
// project's panic.
func TestContainersPanicWithoutDocker(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "testcontainers-panic.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, down := range []bool{true, false} {
		rep, err := ParseTestJSON(bytes.NewReader(data), TestOptions{Module: Module{Root: "/repo", Dir: "/repo", Path: "example.com/tcp"},
			NoDocker: func() bool { return down }})
		if err != nil || len(rep.Findings) != 1 || rep.Failed != 1 {
			t.Fatalf("report %+v, %v", rep, err)
		}
		f := rep.Findings[0]
		want := RuleTestPanic
		if down {
			want = RuleNeedsService
		}
		if f.Rule != want || f.File != "tc/tc_test.go" || f.Line != 6 || !strings.Contains(f.Message, "rootless Docker not found") {
			t.Errorf("docker down %v: %+v", down, f)
		}
	}
}

// go-task's test task gives go test its flags as make's test rule does:
// its cmds as strings or maps with cmd:, or its cmd.
func TestTaskTestFlags(t *testing.T) {
	for _, tc := range []struct {
		taskfile string
		want     testFlags
	}{
		{"version: '3'\ntasks:\n  test:\n    cmds:\n      - go test -race -short ./...\n", testFlags{[]string{"-short"}, "Taskfile.yml:5"}},
		{"version: '3'\ntasks:\n  test:\n    desc: tests\n    cmds:\n      - task: generate\n      - cmd: go test -tags integration ./...\n", testFlags{[]string{"-tags=integration"}, "Taskfile.yml:7"}},
		{"version: '3'\ntasks:\n  test:\n    cmd: CGO_ENABLED=1 go test --short ./...\n", testFlags{[]string{"-short"}, "Taskfile.yml:4"}},
		{"version: '3'\ntasks:\n  test:\n    cmds: [go test ./...]\n", testFlags{}},              // nothing to keep
		{"version: '3'\ntasks:\n  test-short:\n    cmds: [go test -short ./...]\n", testFlags{}}, // no test task
		{"tasks: [\n", testFlags{}}, // not YAML
	} {
		root := t.TempDir()
		if err := os.WriteFile(filepath.Join(root, "Taskfile.yml"), []byte(tc.taskfile), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := projectTestFlags(root, "."); !slices.Equal(got.Args, tc.want.Args) || got.From != tc.want.From {
			t.Errorf("%q: %+v, want %+v", tc.taskfile, got, tc.want)
		}
	}
}

func TestTestRuleFlags(t *testing.T) {
	for _, tc := range []struct {
		makefile string
		args     []string
		line     int
	}{
		{"test:\n\tgo test -v -cover -short ./...\n", []string{"-short"}, 2},
		{"build:\n\tgo build ./...\n\ntest: build\n\t@echo go\n\t$(GO) test -tags integration -race ./...\n", []string{"-tags=integration"}, 6},
		{"test unit:\n\tGOFLAGS=-mod=mod go test --short=true -tags=sqlite,json ./...\n", []string{"-short", "-tags=sqlite,json"}, 2},
		{"test:\n\tgo test -tags $(TAGS) ./...\n", nil, 2},                       // make's variable: not known
		{"test:\n\tgo test ./...\n", nil, 2},                                     // nothing to keep
		{"lint:\n\tgo vet ./...\ntest-short:\n\tgo test -short ./...\n", nil, 0}, // no test rule
		{"TEST := go test -short\ntest: deps\n\tgotestsum -- -short ./...\n", []string{"-short"}, 3},
		// go-clean-arch: a rule named tests, gotestsum's go test flags in a variable.
		{"tests: $(GOTESTSUM)\n\t@ gotestsum $(TESTS_ARGS) -short\n", []string{"-short"}, 2},
		{"test:\n\tbin/gotestsum --format testname -- -tags=e2e -test.short ./...\n", []string{"-tags=e2e", "-short"}, 2},
		{"test:\n\tgotestsum --format testname\n", nil, 2},          // nothing to keep
		{"tests-complete: tests\n\tgo test -short ./...\n", nil, 0}, // not the test rule
	} {
		args, line := testRuleFlags(tc.makefile)
		if !slices.Equal(args, tc.args) || (len(args) > 0 && line != tc.line) {
			t.Errorf("%q: %q at line %d, want %q at %d", tc.makefile, args, line, tc.args, tc.line)
		}
	}
}
