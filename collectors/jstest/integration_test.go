package jstest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/findingtest"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"
)

func collector(t testing.TB, root, id string) *Collector {
	t.Helper()
	for _, c := range Detect(root, listFiles(t, root)) {
		if c.ID() == id {
			return c.(*Collector)
		}
	}
	t.Fatalf("no collector %s detected in %s", id, root)
	return nil
}

func runCollector(t testing.TB, c *Collector, root string, timeout time.Duration) model.Result {
	t.Helper()
	return c.Run(context.Background(), collectors.Request{Root: root, Mode: collectors.OneShot, Timeout: timeout})
}

func TestRunnersOnFixtures(t *testing.T) {
	needRunners(t)
	root := fixtureRoot(t)
	tests := []struct {
		id       string
		exit     int
		facts    map[string]float64
		findings []string
	}{
		{
			id: "vitest:vitest-pass", exit: 0,
			facts: map[string]float64{"tests.passed": 3, "tests.failed": 0, "tests.skipped": 1, "tests.todo": 1, "suites.failed": 0},
		},
		{
			id: "vitest:vitest-fail", exit: 1,
			facts: map[string]float64{"tests.passed": 1, "tests.failed": 2, "tests.skipped": 0, "tests.todo": 0, "suites.failed": 2},
			findings: []string{
				"packages/vitest-fail/test/broken.test.js:2:1 vitest/suite-failed", // the import that fails, from the console,
				"packages/vitest-fail/test/cart.test.js:10:43 vitest/test-failed",
				"packages/vitest-fail/test/cart.test.js:14:42 vitest/test-failed",
			},
		},
		{
			id: "vitest:vitest-empty", exit: 1,
			facts:    map[string]float64{"tests.passed": 0, "tests.failed": 0, "tests.skipped": 0, "tests.todo": 0, "suites.failed": 0},
			findings: []string{"packages/vitest-empty/package.json:5 vitest/no-tests"},
		},
		{
			id: "jest:jest-pass", exit: 0,
			facts: map[string]float64{"tests.passed": 3, "tests.failed": 0, "tests.skipped": 1, "tests.todo": 1, "suites.failed": 0},
		},
		{
			id: "jest:jest-fail", exit: 1,
			facts: map[string]float64{"tests.passed": 1, "tests.failed": 2, "tests.skipped": 0, "tests.todo": 0, "suites.failed": 2},
			findings: []string{
				"packages/jest-fail/__tests__/broken.test.js:1:21 jest/suite-failed",
				"packages/jest-fail/__tests__/cart.test.js:9:43 jest/test-failed",
				"packages/jest-fail/__tests__/cart.test.js:13:42 jest/test-failed",
			},
		},
		{
			id: "jest:jest-empty", exit: 1,
			facts:    map[string]float64{"tests.passed": 0, "tests.failed": 0, "tests.skipped": 0, "tests.todo": 0, "suites.failed": 0},
			findings: []string{"packages/jest-empty/package.json:4 jest/no-tests"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			c := collector(t, root, tt.id)
			r := runCollector(t, c, root, 5*time.Minute)
			if r.Status != model.StatusOK || r.ExitCode != tt.exit {
				t.Fatalf("status %s exit %d error %q\n%s", r.Status, r.ExitCode, r.Error, r.Output)
			}
			if !reflect.DeepEqual(r.Facts, tt.facts) {
				t.Errorf("facts %v, want %v", r.Facts, tt.facts)
			}
			if got := located(r.Findings); !reflect.DeepEqual(got, tt.findings) {
				t.Errorf("findings\n got %q\nwant %q", got, tt.findings)
			}
			findingtest.CheckStamped(t, r.Findings, tt.id, "tests")
			dir := strings.TrimPrefix(tt.id, c.Kind()+":")
			env := map[string]string{"vitest": "CI=true "}[c.Kind()] // it changes the run, so it is shown
			if !strings.HasPrefix(r.Command, "cd packages/"+dir+" && "+env+"../../node_modules/.bin/"+c.Kind()+" ") {
				t.Errorf("command %q", r.Command)
			}
		})
	}
}

// A runner that cannot start is one blocker and no facts: never "0 failed".
// The project stopped it: measured and broken, so it scores 0.
func TestRunnerThatCannotStart(t *testing.T) {
	needRunners(t)
	root := fixtureRoot(t)
	tests := []struct{ id, file, reason string }{
		{"vitest:vitest-broken", "packages/vitest-broken/vitest.config.mjs", "vite-plugin-that-does-not-exist"},
		{"jest:jest-broken", "packages/jest-broken/jest.config.js", "Test environment jest-environment-that-does-not-exist cannot be found"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			r := runCollector(t, collector(t, root, tt.id), root, 5*time.Minute)
			if r.Status != model.StatusOK || !r.Broken || len(r.Facts) != 0 {
				t.Fatalf("status %s broken %v facts %v: a runner that did not start must have no facts", r.Status, r.Broken, r.Facts)
			}
			if len(r.Findings) != 1 {
				t.Fatalf("findings %+v", r.Findings)
			}
			f := r.Findings[0]
			if f.Severity != model.Blocker || f.File != tt.file || !strings.HasPrefix(f.Message, "test runner could not run: ") ||
				!strings.Contains(f.Message, tt.reason) || !strings.HasSuffix(f.Rule, "/runner-failed") {
				t.Errorf("finding %+v", f)
			}
			if !strings.Contains(r.Error, "could not run") || !strings.Contains(r.Output, tt.reason) || r.ExitCode != 1 {
				t.Errorf("error %q exit %d output\n%s", r.Error, r.ExitCode, r.Output)
			}
		})
	}
}

// linkedPackage makes a package in a temporary repository whose
// node_modules is the pinned one, so tests can add fixtures that must not
// live in testdata (a hanging test would stall anyone running the
// fixtures by hand).
func linkedPackage(t *testing.T, files map[string]string) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "repo")
	fixturetest.WriteFiles(t, root, files)
	if err := os.Symlink(filepath.Join(fixtureRoot(t), "node_modules"), filepath.Join(root, "node_modules")); err != nil {
		t.Fatal(err)
	}
	return root
}

// A suite that hangs is measured (CI would hang on it too): broken, so it
// scores 0, with no facts, never unknown (which would leave it out of the
// score and raise it over a suite that fails fast).
func TestTimeoutIsAFindingWithPartialOutput(t *testing.T) {
	needRunners(t)
	root := linkedPackage(t, map[string]string{
		"package.json":  `{"name": "hang", "type": "module", "scripts": {"test": "vitest run"}, "devDependencies": {"vitest": "4.1.12"}}`,
		"quick.test.js": "import { it, expect } from 'vitest'\nit('is quick', () => { expect(1).toBe(1) })\n",
		"hang.test.js":  "import { it } from 'vitest'\nit('never ends', () => new Promise(() => {}), 3600000)\n",
	})
	c := collector(t, root, "vitest:.")
	r := runCollector(t, c, root, 20*time.Second)
	if r.Status != model.StatusOK || !r.Broken || len(r.Facts) != 0 || r.ExitCode != -1 || r.Hint == "" {
		t.Fatalf("status %s broken %v facts %v exit %d hint %q", r.Status, r.Broken, r.Facts, r.ExitCode, r.Hint)
	}
	if len(r.Findings) != 1 || r.Findings[0].Rule != "vitest/timeout" || r.Findings[0].Severity != model.Blocker {
		t.Fatalf("findings %+v", r.Findings)
	}
	msg := r.Findings[0].Message
	if !strings.HasPrefix(msg, "test run did not finish within 20s; the runner was stopped; last output:\n") || !strings.Contains(msg, "RUN  v4.1.12") {
		t.Errorf("message %q", msg)
	}
	if r.Error != "vitest did not finish within 20s" {
		t.Errorf("error %q", r.Error)
	}
}

// A suite still reporting tests when the timeout stops it is slow, not
// hung (excalidraw's took 14 minutes on two busy cores): unknown, with the
// timeout to raise, and no blocker on the project.
func TestSlowSuiteAtTheTimeoutIsUnknown(t *testing.T) {
	needRunners(t)
	files := map[string]string{
		"package.json":     `{"name": "slow", "type": "module", "scripts": {"test": "vitest run"}, "devDependencies": {"vitest": "4.1.12"}}`,
		"vitest.config.js": "export default { test: { fileParallelism: false } }\n",
	}
	for i := range 120 {
		files[fmt.Sprintf("t%03d.test.js", i)] = "import { it } from 'vitest'\nit('takes a moment', () => new Promise(r => setTimeout(r, 400)))\n"
	}
	root := linkedPackage(t, files)
	r := runCollector(t, collector(t, root, "vitest:."), root, 20*time.Second)
	if r.Status != model.StatusUnknown || r.Broken || len(r.Findings) != 0 || len(r.Facts) != 0 {
		t.Fatalf("status %s broken %v findings %+v facts %v: %s", r.Status, r.Broken, r.Findings, r.Facts, r.Error)
	}
	if !strings.HasPrefix(r.Error, "vitest was still running tests when it was stopped at the 20s timeout (its last output came ") ||
		r.Hint != "the suite is slower than the timeout on this machine (other collectors run beside it): raise collectors.vitest.timeout in preflight.yaml" ||
		!strings.Contains(r.Output, ".test.js") {
		t.Errorf("error %q hint %q output\n%s", r.Error, r.Hint, r.Output)
	}
}

// Jest writes its report when the tests end, then waits for what they
// left open: the report's counts stand, and the hang is one more blocker.
func TestRunnerThatDoesNotExitKeepsItsReport(t *testing.T) {
	needRunners(t)
	root := linkedPackage(t, map[string]string{
		"package.json": `{"name": "open", "scripts": {"test": "jest"}, "devDependencies": {"jest": "29.7.0"}}`,
		"open.test.js": "test('leaves a timer', () => { setInterval(() => {}, 1000); expect(1).toBe(1) })\n" +
			"test('fails', () => { expect(1).toBe(2) })\n",
	})
	c := collector(t, root, "jest:.")
	r := runCollector(t, c, root, 20*time.Second)
	if r.Status != model.StatusOK || r.Broken || r.Facts["tests.passed"] != 1 || r.Facts["tests.failed"] != 1 || r.ExitCode != -1 {
		t.Fatalf("status %s broken %v facts %v exit %d: %s", r.Status, r.Broken, r.Facts, r.ExitCode, r.Error)
	}
	var rules []string
	for _, f := range r.Findings {
		rules = append(rules, f.Rule)
	}
	if !slices.Equal(rules, []string{"jest/test-failed", "jest/timeout"}) {
		t.Errorf("rules %q", rules)
	}
}

func TestMissingRunnerIsUnknown(t *testing.T) {
	root := filepath.Join(t.TempDir(), "repo")
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "package.json"), []byte(`{"devDependencies": {"jest": "30"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	c := collector(t, root, "jest:.")
	r := runCollector(t, c, root, time.Minute)
	if r.Status != model.StatusUnknown || r.Hint == "" || r.ExitCode != -1 || len(r.Findings) != 0 || len(r.Facts) != 0 {
		t.Fatalf("%+v", r)
	}
	if !strings.Contains(r.Error, "no node_modules/.bin/jest") {
		t.Errorf("error %q", r.Error)
	}
}

// A package whose package.json npm refuses still runs its tests when a
// runner config is beside it; Vite's bundler then fails without naming the
// file, so the finding names it, and the hint says to fix it first.
func TestRunnerStoppedByARefusedManifestNamesIt(t *testing.T) {
	needRunners(t)
	root := linkedPackage(t, map[string]string{
		"package.json":      "{\n  \"name\": \"shop\",\n  \"scripts\": { \"test\": \"vitest run\" },\n}\n",
		"vitest.config.mjs": "export default {};\n",
		"add.test.js":       "import { it, expect } from 'vitest'\nit('adds', () => { expect(1 + 1).toBe(2) })\n",
	})
	r := runCollector(t, collector(t, root, "vitest:."), root, 2*time.Minute)
	if r.Status != model.StatusOK || !r.Broken || len(r.Findings) != 1 || len(r.Facts) != 0 {
		t.Fatalf("status %s broken %v facts %v findings %+v\n%s", r.Status, r.Broken, r.Facts, r.Findings, r.Output)
	}
	f := r.Findings[0]
	if f.Rule != "vitest/runner-failed" || f.File != "vitest.config.mjs" ||
		!strings.Contains(f.Message, "\npackage.json:4:1 does not parse, and npm and the runner read it: not valid JSON: invalid character '}'") {
		t.Errorf("finding %+v", f)
	}
	if r.Hint != "fix package.json first: npm refuses it (package-json/invalid), and the runner reads it" {
		t.Errorf("hint %q", r.Hint)
	}
}
