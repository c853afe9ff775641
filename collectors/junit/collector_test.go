package junit

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"
)

// repo builds a repository from the captured reports and the files they
// name, laid out as the tools that wrote them saw their projects.
func repo(t *testing.T) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "repo")
	src := func(name string) string {
		data, err := os.ReadFile(filepath.Join("testdata", "gomod", filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	files := map[string]string{
		// gotestsum ran at the module root of a Go service.
		"svc/go.mod":                   src("go.mod"),
		"svc/calc/calc.go":             src("calc/calc.go"),
		"svc/calc/calc_test.go":        src("calc/calc_test.go"),
		"svc/junit.xml":                string(loadCaptured(t, "gotestsum.xml")),
		"web/package.json":             `{"name": "web"}`,
		"web/test/cart.test.js":        "// fixture\n",
		"web/test/broken.test.js":      "// fixture\n",
		"web/test-results/vitest.xml":  string(loadCaptured(t, "vitest.xml")),
		"web/test-results/other.xml":   `<coverage line-rate="1"/>`, // not JUnit: left alone
		"api/package.json":             `{"name": "api"}`,
		"api/__tests__/cart.test.js":   "// fixture\n",
		"api/__tests__/broken.test.js": "// fixture\n",
		"api/junit.xml":                string(loadCaptured(t, "jest-junit.xml")),
		"notes/reports.xml":            `<testsuite/>`, // not in a report dir nor named like one
	}
	fixturetest.WriteFiles(t, root, files)
	// Sources an hour old, reports written after them: fresh evidence.
	old := time.Now().Add(-time.Hour)
	for name := range files {
		if !strings.HasSuffix(name, ".xml") {
			setTime(t, filepath.Join(root, name), old)
		}
	}
	return root
}

func setTime(t *testing.T, p string, when time.Time) {
	t.Helper()
	if err := os.Chtimes(filepath.FromSlash(p), when, when); err != nil {
		t.Fatal(err)
	}
}

func listFiles(t *testing.T, root string) []string { return fixturetest.Files(t, root) }

func detect(t *testing.T, root string) map[string]*Collector {
	t.Helper()
	out := map[string]*Collector{}
	for _, c := range Detect(root, listFiles(t, root)) {
		out[c.ID()] = c.(*Collector)
	}
	return out
}

func run(c *Collector, root string) model.Result {
	return c.Run(context.Background(), collectors.Request{Root: root, Mode: collectors.OneShot})
}

func locations(r model.Result) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, f.Location()+" "+f.Rule)
	}
	return out
}

func TestDetectReportDirectories(t *testing.T) {
	root := repo(t)
	var got []string
	for id, c := range detect(t, root) {
		got = append(got, id+" "+c.Dir()+" covers "+c.Project())
	}
	want := map[string]bool{
		"junit:api api covers api":                       true,
		"junit:svc svc covers svc":                       true,
		"junit:test-results web/test-results covers web": true,
	}
	if len(got) != len(want) {
		t.Fatalf("detected %q", got)
	}
	for _, g := range got {
		if !want[g] {
			t.Errorf("unexpected %q (all: %q)", g, got)
		}
	}
	svc := detect(t, root)["junit:svc"]
	for p, want := range map[string]bool{"svc/junit.xml": true, "svc/calc/calc.go": true, "web/x.ts": false, "svc/README.md": false} {
		matched := false
		for _, g := range svc.Inputs() {
			if ok, _ := doublestar.Match(g, p); ok {
				matched = true
			}
		}
		if matched != want {
			t.Errorf("%s: rerun %v, want %v", p, matched, want)
		}
	}
}

func TestImportReports(t *testing.T) {
	root := repo(t)
	cs := detect(t, root)
	tests := []struct {
		id        string
		facts     map[string]float64
		locations []string
	}{
		{
			id:    "junit:svc",
			facts: map[string]float64{"tests.passed": 2, "tests.failed": 4, "tests.skipped": 1, "suites.failed": 2, "reports": 1},
			locations: []string{
				"svc/calc/calc_test.go:13 junit/test-failed", // calc_test.go relative to the Go package
				"svc/calc/calc_test.go:27 junit/test-failed",
				"svc/junit.xml junit/test-failed", // no location in the report: the report itself
				"svc/junit.xml junit/test-failed",
			},
		},
		{
			id:    "junit:test-results",
			facts: map[string]float64{"tests.passed": 1, "tests.failed": 3, "tests.skipped": 0, "suites.failed": 2, "reports": 1},
			locations: []string{
				"web/test/broken.test.js:2:1 junit/test-failed",
				"web/test/cart.test.js:10:43 junit/test-failed",
				"web/test/cart.test.js:14:42 junit/test-failed",
			},
		},
		{
			id:    "junit:api",
			facts: map[string]float64{"tests.passed": 1, "tests.failed": 4, "tests.skipped": 0, "suites.failed": 2, "reports": 1},
			locations: []string{
				"api/__tests__/broken.test.js junit/test-failed", // the file attribute: no line in the text
				"api/__tests__/broken.test.js:1:21 junit/test-failed",
				"api/__tests__/cart.test.js junit/test-failed",
				"api/__tests__/cart.test.js junit/test-failed",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			r := run(cs[tt.id], root)
			if r.Status != model.StatusOK || r.ExitCode != -1 {
				t.Fatalf("status %s error %q exit %d", r.Status, r.Error, r.ExitCode)
			}
			age := r.Facts["report.age_seconds"]
			delete(r.Facts, "report.age_seconds")
			if !reflect.DeepEqual(r.Facts, tt.facts) || age < 0 {
				t.Errorf("facts %v (age %v), want %v", r.Facts, age, tt.facts)
			}
			if got := locations(r); !reflect.DeepEqual(got, tt.locations) {
				t.Errorf("findings\n got %q\nwant %q", got, tt.locations)
			}
			for _, f := range r.Findings {
				if f.Severity != model.Blocker || f.Collector != tt.id || f.Domain != "tests" || f.ID == "" {
					t.Errorf("finding %+v", f)
				}
			}
			if !strings.HasPrefix(r.Command, "read ") || !strings.Contains(r.Command, "(JUnit XML), newest written ") {
				t.Errorf("command %q", r.Command)
			}
		})
	}
	svc := run(cs["junit:svc"], root)
	if m := svc.Findings[0].Message; m != "example.com/calc/calc › TestDiv failed: calc_test.go:13: Div(6, 3) = 18, want 2" {
		t.Errorf("message %q", m)
	}
}

func TestStaleReport(t *testing.T) {
	root := repo(t)
	c := detect(t, root)["junit:svc"]
	setTime(t, filepath.Join(root, "svc", "calc", "calc_test.go"), time.Now().Add(-50*time.Minute))
	setTime(t, filepath.Join(root, "svc", "junit.xml"), time.Now().Add(-4*time.Hour-30*time.Minute))
	r := run(c, root)
	if r.Status != model.StatusUnknown || r.Error != "the JUnit report is 3h older than the sources it covers (newest: svc/calc/calc_test.go)" {
		t.Fatalf("status %s error %q", r.Status, r.Error)
	}
	if r.Hint == "" || r.Facts["tests.failed"] != 4 || len(r.Findings) != 4 || r.Facts["report.age_seconds"] < 4*3600 {
		t.Errorf("a stale report still shows what it says: hint %q facts %v findings %d", r.Hint, r.Facts, len(r.Findings))
	}
	if !strings.HasSuffix(r.Command, "newest written 4h ago") {
		t.Errorf("command %q", r.Command)
	}
}

func TestMalformedAndMissingReports(t *testing.T) {
	root := repo(t)
	c := detect(t, root)["junit:api"]
	if err := os.WriteFile(filepath.Join(root, "api", "junit.xml"), []byte("<testsuites><testsuite name=\"x\">\n<testcase"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(c, root)
	if r.Status != model.StatusError || !strings.HasPrefix(r.Error, "api/junit.xml: unreadable JUnit XML") || !strings.Contains(r.Output, "<testcase") {
		t.Errorf("malformed: %s %q\n%s", r.Status, r.Error, r.Output)
	}
	if err := os.Remove(filepath.Join(root, "api", "junit.xml")); err != nil {
		t.Fatal(err)
	}
	r = run(c, root)
	if r.Status != model.StatusUnknown || r.Error != "no JUnit report left in api" || len(r.Facts) != 0 {
		t.Errorf("missing: %+v", r)
	}
}

func TestEmptyReportIsAFinding(t *testing.T) {
	root := filepath.Join(t.TempDir(), "repo")
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "junit.xml"), []byte(`<testsuites tests="0"></testsuites>`), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(detect(t, root)["junit:."], root)
	if r.Status != model.StatusOK || len(r.Findings) != 1 || r.Findings[0].Rule != RuleNoTests.ID || r.Findings[0].Severity != model.High {
		t.Fatalf("%+v", r)
	}
}
