package jstest

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"
)

// located lists findings as "file:line:col rule" for exact comparisons.
func located(fs []model.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Location()+" "+f.Rule)
	}
	return out
}

func TestParseCapturedReports(t *testing.T) {
	tests := []struct {
		fixture                       string
		parse                         func([]byte, Location) (Report, error)
		passed, failed, skipped, todo int
		suites, suitesFailed          int
		success                       bool
		findings                      []string
		messages                      []string // first line of each finding message
	}{
		{fixture: "vitest-pass", parse: ParseVitestJSON, passed: 3, skipped: 1, todo: 1, suites: 2, success: true},
		{
			fixture: "vitest-fail", parse: ParseVitestJSON, passed: 1, failed: 2, suites: 2, suitesFailed: 2,
			findings: []string{
				"packages/vitest-fail/test/broken.test.js vitest/suite-failed",
				"packages/vitest-fail/test/cart.test.js:10:43 vitest/test-failed",
				"packages/vitest-fail/test/cart.test.js:14:42 vitest/test-failed",
			},
			messages: []string{
				"test file could not run: Cannot find module '../src/does-not-exist.js' imported from packages/vitest-fail/test/broken.test.js",
				"cart › total › applies the discount failed: AssertionError: expected 10 to be 9 // Object.is equality",
				"cart › rejects negative prices failed: AssertionError: expected [Function] to throw an error",
			},
		},
		{fixture: "vitest-empty", parse: ParseVitestJSON},
		{fixture: "jest-pass", parse: ParseJestJSON, passed: 3, skipped: 1, todo: 1, suites: 1, success: true},
		{
			fixture: "jest-fail", parse: ParseJestJSON, passed: 1, failed: 2, suites: 2, suitesFailed: 2,
			findings: []string{
				"packages/jest-fail/__tests__/cart.test.js:9:43 jest/test-failed",
				"packages/jest-fail/__tests__/cart.test.js:13:42 jest/test-failed",
				"packages/jest-fail/__tests__/broken.test.js:1:21 jest/suite-failed",
			},
			messages: []string{
				"cart › total › applies the discount failed: Error: expect(received).toBe(expected) // Object.is equality",
				"cart › rejects negative prices failed: Error: expect(received).toThrow(expected)",
				"test file could not run: Cannot find module '../src/does-not-exist' from '__tests__/broken.test.js'",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			c := loadCaptured(t, tt.fixture)
			rep, err := tt.parse(c.report, c.loc)
			if err != nil {
				t.Fatal(err)
			}
			got := [6]int{rep.Passed, rep.Failed, rep.Skipped, rep.Todo, rep.Suites, rep.SuitesFailed}
			want := [6]int{tt.passed, tt.failed, tt.skipped, tt.todo, tt.suites, tt.suitesFailed}
			if got != want || rep.Success != tt.success {
				t.Errorf("passed/failed/skipped/todo/suites/suitesFailed = %v success %v, want %v success %v", got, rep.Success, want, tt.success)
			}
			if g := located(rep.Findings); !reflect.DeepEqual(g, tt.findings) {
				t.Errorf("findings\n got %q\nwant %q", g, tt.findings)
			}
			for i, f := range rep.Findings {
				if i < len(tt.messages) && !strings.HasPrefix(f.Message, tt.messages[i]) {
					t.Errorf("finding %d message %q, want prefix %q", i, f.Message, tt.messages[i])
				}
				if f.Severity != model.Blocker {
					t.Errorf("finding %d severity %s", i, f.Severity)
				}
			}
		})
	}
}

// The explanation under the first line is kept (expected and received
// values); stack frames and jest's code frame are not.
func TestFailureDetailKeepsValuesDropsFrames(t *testing.T) {
	c := loadCaptured(t, "jest-fail")
	rep, err := ParseJestJSON(c.report, c.loc)
	if err != nil {
		t.Fatal(err)
	}
	want := "cart › total › applies the discount failed: Error: expect(received).toBe(expected) // Object.is equality\n\nExpected: 9\nReceived: 10"
	if rep.Findings[0].Message != want {
		t.Errorf("message\n got %q\nwant %q", rep.Findings[0].Message, want)
	}
	suite := rep.Findings[2].Message
	if strings.Contains(suite, "require('../src/does-not-exist')") || strings.Contains(suite, "at Resolver") {
		t.Errorf("suite message kept a code or stack frame: %q", suite)
	}
}

func TestParseRejectsWhatIsNotAReport(t *testing.T) {
	for _, in := range []string{``, `{`, `[]`, `{"testResults": []}`, `{"numTotalTests": 1}`, `null`, `"x"`,
		`{"numTotalTests": 1, "success": true, "testResults": {"name": 1}}`} {
		if _, err := ParseJestJSON([]byte(in), Location{Root: "/r", Dir: "/r"}); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

// Hand-made variations of the real schema for what the fixtures cannot
// easily produce: statuses other runners versions use, failures whose
// stack never reaches the test file, file:// URLs with escapes.
func TestParseEdgeCases(t *testing.T) {
	loc := Location{Root: "/repo", Dir: "/repo/web"}
	in := `{"numTotalTests": 5, "success": false, "testResults": [
	  {"name": "/repo/web/a b.test.ts", "status": "failed", "message": "", "assertionResults": [
	    {"ancestorTitles": [], "title": "times out", "fullName": "times out", "status": "failed",
	     "failureMessages": ["Error: Test timed out in 5000ms.\n    at file:///repo/node_modules/x.js:1:2"],
	     "location": {"line": 7, "column": 3}},
	    {"title": "url", "status": "failed", "failureMessages": ["boom\n    at file:///repo/web/a%20b.test.ts:12:5"]},
	    {"title": "p", "status": "pending"}, {"title": "d", "status": "disabled"}, {"title": "t", "status": "todo"}
	  ]},
	  {"name": "/elsewhere/x.test.js", "status": "failed", "message": "", "assertionResults": []}
	]}`
	rep, err := ParseVitestJSON([]byte(in), loc)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failed != 2 || rep.Skipped != 2 || rep.Todo != 1 || rep.SuitesFailed != 2 {
		t.Errorf("counts %+v", rep)
	}
	want := []string{
		"web/a b.test.ts:7:3 vitest/test-failed",
		"web/a b.test.ts:12:5 vitest/test-failed",
		"/elsewhere/x.test.js vitest/suite-failed", // outside the repository: kept absolute
	}
	if got := located(rep.Findings); !reflect.DeepEqual(got, want) {
		t.Errorf("findings\n got %q\nwant %q", got, want)
	}
	if m := rep.Findings[2].Message; m != "test file could not run (the runner gave no reason)" {
		t.Errorf("suite message %q", m)
	}
}

func TestStartupError(t *testing.T) {
	tests := []struct{ fixture, want string }{
		{"jest-broken", "Validation Error: Test environment jest-environment-that-does-not-exist cannot be found."},
		{"vitest-broken", "Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'vite-plugin-that-does-not-exist'"},
	}
	for _, tt := range tests {
		c := loadCaptured(t, tt.fixture)
		if c.report != nil {
			t.Fatalf("%s: the broken fixture wrote a report", tt.fixture)
		}
		got := startupError(string(c.stderr) + "\n" + string(c.stdout))
		if !strings.Contains(got, tt.want) {
			t.Errorf("%s: %q does not contain %q", tt.fixture, got, tt.want)
		}
	}
	if got := startupError(""); got != "it printed nothing and wrote no report" {
		t.Errorf("empty output: %q", got)
	}
}

func TestNoTestsFound(t *testing.T) {
	for fixture, want := range map[string]bool{"jest-empty": true, "vitest-empty": true, "jest-fail": false, "vitest-broken": false} {
		c := loadCaptured(t, fixture)
		if got := NoTestsFound(string(c.stderr) + string(c.stdout)); got != want {
			t.Errorf("%s: NoTestsFound = %v", fixture, got)
		}
	}
}

func fuzzReport(f *testing.F, parse func([]byte, Location) (Report, error), seeds ...string) {
	for _, s := range seeds {
		c := loadCaptured(f, s)
		f.Add(c.report)
	}
	f.Add([]byte(`{"numTotalTests":1,"success":false,"testResults":[{"name":"a.js","status":"failed","message":"x.js:1:2"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := parse(data, Location{Root: "/repo", Dir: "/repo/pkg"})
		if err != nil {
			return
		}
		if rep.Passed < 0 || rep.Failed < 0 || rep.SuitesFailed > rep.Suites {
			t.Fatalf("impossible counts %+v", rep)
		}
		if len(rep.Findings) < rep.Failed {
			t.Fatalf("%d failed tests but %d findings", rep.Failed, len(rep.Findings))
		}
		for _, f := range rep.Findings {
			if f.Severity != model.Blocker || f.Line < 0 || f.Message == "" || !utf8.ValidString(f.Rule) {
				t.Fatalf("bad finding %+v", f)
			}
		}
	})
}

func FuzzParseVitestJSON(f *testing.F) { fuzzReport(f, ParseVitestJSON, "vitest-fail", "vitest-pass") }
func FuzzParseJestJSON(f *testing.F)   { fuzzReport(f, ParseJestJSON, "jest-fail", "jest-pass") }

// Failing tests in a package that commits an example .env but has none:
// the hint says the failures may be a setup step not taken (captured
// vitest output of a failing run, read in copies of its package).
func TestFailuresWithoutTheDotenvTheProjectExplains(t *testing.T) {
	c := loadCaptured(t, "vitest-fail")
	col := &Collector{id: "vitest:web", dir: "web", run: runners[KindVitest]}
	for _, tt := range []struct {
		files map[string]string
		hint  string
	}{
		{map[string]string{"web/.env.example": "VITE_API_URL=\n"},
			"web has .env.example but no .env: if the project's setup copies it (cp .env.example .env), the failures may be that missing step"},
		{map[string]string{"web/.env.example": "VITE_API_URL=\n", "web/.env": "VITE_API_URL=http://localhost\n"}, ""},
		{map[string]string{"web/.env.sample": "x=\n", "web/.env.test": "x=1\n"}, ""},
		{map[string]string{"web/README.md": "no env here"}, ""},
	} {
		root := fixturetest.WriteRepo(t, tt.files)
		r, err := col.read(collectors.Input{Data: c.report, Stdout: c.stdout, Stderr: c.stderr, ExitCode: c.run.ExitCode,
			Root: root, Dir: filepath.Join(root, "web")})
		if err != nil {
			t.Fatal(err)
		}
		if r.Facts["tests.failed"] == 0 || r.Hint != tt.hint {
			t.Errorf("%v: failed %v, hint %q, want %q", tt.files, r.Facts["tests.failed"], r.Hint, tt.hint)
		}
	}
}

// A suite that cannot run because prisma generate has not written the
// client (realworld after npm ci without install scripts; captured Jest
// output): the hint says so, and the result is not reused from the cache,
// since prisma generate writes into node_modules, which the inputs do not
// cover.
func TestPrismaClientNotGenerated(t *testing.T) {
	col, root, data, stderr, r := readRealworld(t, "jest-prisma-not-generated")
	if r.Facts["suites.failed"] != 1 || !r.MachineBound || !strings.Contains(r.Hint, "prisma generate has not written") {
		t.Errorf("facts %v, machine-bound %v, hint %q", r.Facts, r.MachineBound, r.Hint)
	}
	// The same failure for another reason is the project's, and cached.
	other := bytes.ReplaceAll(stderr, []byte("prisma generate"), []byte("something else"))
	other = bytes.ReplaceAll(other, []byte("did not initialize yet"), []byte("failed"))
	if r, err := col.read(collectors.Input{Data: bytes.ReplaceAll(data, []byte("did not initialize yet"), []byte("failed")), Stderr: other, ExitCode: 1, Root: root, Dir: root}); err != nil || r.MachineBound || r.Hint != "" {
		t.Errorf("another failure: machine-bound %v, hint %q, err %v", r.MachineBound, r.Hint, err)
	}
}

// Tests that fail because the Prisma query engine for this platform is not
// there (prisma generate could not download it; captured Jest output of
// realworld) stopped before the code they test: native-addon-not-built,
// medium, run again next check; the counts stay Jest's.
func TestPrismaQueryEngineMissing(t *testing.T) {
	_, _, _, _, r := readRealworld(t, "jest-prisma-engine-missing")
	if r.Facts["tests.failed"] != 7 || r.Facts["tests.passed"] != 5 || !r.MachineBound || len(r.Findings) != 7 {
		t.Fatalf("facts %v, machine-bound %v, %d findings", r.Facts, r.MachineBound, len(r.Findings))
	}
	for _, f := range r.Findings {
		if f.Rule != "jest/native-addon-not-built" || f.Severity != model.Medium ||
			!strings.Contains(f.Message, `failed: Prisma Client could not locate the Query Engine for runtime "debian-openssl-3.0.x": the Prisma client cannot reach its database engine on this machine`) {
			t.Errorf("%s %s %q", f.Rule, f.Severity, f.Message)
		}
	}
}

// readRealworld reads a Jest run captured from realworld (name.json, the
// report, and name.stderr) as the jest:. collector of a repository root.
func readRealworld(t *testing.T, name string) (col *Collector, root string, data, stderr []byte, r collectors.Reading) {
	t.Helper()
	var err error
	if data, err = os.ReadFile(filepath.Join("testdata", "realworld", name+".json")); err != nil {
		t.Fatal(err)
	}
	if stderr, err = os.ReadFile(filepath.Join("testdata", "realworld", name+".stderr")); err != nil {
		t.Fatal(err)
	}
	col, root = &Collector{id: "jest:.", dir: ".", run: runners[KindJest]}, t.TempDir()
	if r, err = col.read(collectors.Input{Data: data, Stderr: stderr, ExitCode: 1, Root: root, Dir: root}); err != nil {
		t.Fatal(err)
	}
	return col, root, data, stderr, r
}

// A suite the package runs with a config of its own (nestjs's test:e2e
// with test/jest-e2e.json) is left out of these counts, and the hint says
// so, though tests were found; with no other config, there is no hint.
func TestOtherConfigsAreNamedBesideTheCounts(t *testing.T) {
	c := loadCaptured(t, "jest-pass")
	root := fixturetest.WriteRepo(t, map[string]string{"package.json": `{"scripts": {"test": "jest", "test:e2e": "jest --config ./test/jest-e2e.json"}}`})
	for others, want := range map[bool]string{
		true:  "not run by preflight, with a config of their own: test:e2e (./test/jest-e2e.json); run them as custom collectors in preflight.yaml (with a JUnit reporter) to count them",
		false: "",
	} {
		col := &Collector{id: "jest:.", dir: ".", run: runners[KindJest]}
		if others {
			col.otherConfigs = []string{"test:e2e (./test/jest-e2e.json)"}
		}
		r, err := col.read(collectors.Input{Data: c.report, Stdout: c.stdout, Stderr: c.stderr, ExitCode: c.run.ExitCode, Root: root, Dir: root})
		if err != nil || r.Facts["tests.passed"] == 0 || r.Hint != want {
			t.Errorf("other configs %v: passed %v, hint %q, err %v", others, r.Facts["tests.passed"], r.Hint, err)
		}
	}
}
