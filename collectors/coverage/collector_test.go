package coverage

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/proc"
)

// listFiles lists a tree as the engine does, build output left out.
func listFiles(t *testing.T, root string) []string {
	return fixturetest.Files(t, root, "node_modules", "coverage")
}

func detectOne(t *testing.T, root, id string) *Collector {
	t.Helper()
	var ids []string
	for _, c := range Detect(root, listFiles(t, root)) {
		if c.ID() == id {
			return c.(*Collector)
		}
		ids = append(ids, c.ID())
	}
	t.Fatalf("no %s detected, only %q", id, ids)
	return nil
}

func run(c *Collector, root string) model.Result {
	return c.Run(context.Background(), collectors.Request{Root: root, Mode: collectors.OneShot})
}

func touch(t *testing.T, p string, when time.Time) {
	t.Helper()
	if err := os.Chtimes(p, when, when); err != nil {
		t.Fatal(err)
	}
}

// go test -coverprofile writes the profile; the collector reads it, finds
// it below the threshold, and calls it stale once a covered file changes.
func TestGoCoverProfile(t *testing.T) {
	need(t, "go", haveGo())
	root := filepath.Join(t.TempDir(), "repo")
	if _, err := copyTree(filepath.Join("testdata", "gomod"), filepath.Join(root, "shapes")); err != nil {
		t.Fatal(err)
	}
	if _, err := runTool(proc.Cmd{Dir: filepath.Join(root, "shapes"), Name: "go", Args: []string{"test", "-count=1", "-coverprofile=coverage.out", "./..."}}); err != nil {
		t.Fatal(err)
	}
	c := detectOne(t, root, "coverage:shapes")
	if report, format := c.Report(); report != "shapes/coverage.out" || format != GoProfile {
		t.Fatalf("report %s %s", report, format)
	}
	if got := collectors.OutputsOf(c); len(got) != 1 || got[0] != "shapes/coverage.out" {
		t.Errorf("outputs %q: a new profile must rerun it", got)
	}
	r := run(c, root)
	if r.Status != model.StatusOK {
		t.Fatalf("status %s: %s", r.Status, r.Error)
	}
	delete(r.Facts, "report.age_seconds")
	want := map[string]float64{"coverage.lines": 31.82, "coverage.statements": 27.27, "files": 1}
	if !reflect.DeepEqual(r.Facts, want) {
		t.Errorf("facts %v, want %v", r.Facts, want)
	}
	if len(r.Findings) != 1 || r.Findings[0].Severity != model.Medium || r.Findings[0].Rule != RuleBelowThreshold.ID ||
		r.Findings[0].Message != "statement coverage is 27.3% (3 of 11 statements, the total go tool cover -func prints), below the 60% threshold" || r.Findings[0].File != "shapes/coverage.out" {
		t.Errorf("findings %+v", r.Findings)
	}
	if !strings.HasPrefix(r.Command, "read shapes/coverage.out (go-coverprofile, written ") || r.ExitCode != -1 {
		t.Errorf("command %q exit %d", r.Command, r.ExitCode)
	}

	// A Go profile is held to the threshold by its statements, the figure
	// go tool cover prints, not by preflight's line count (31.82).
	c.Threshold = 30
	if r := run(c, root); r.Status != model.StatusOK || len(r.Findings) != 1 {
		t.Errorf("statements under a threshold the lines pass: %s %+v", r.Status, r.Findings)
	}
	c.Threshold = 25
	if r := run(c, root); r.Status != model.StatusOK || len(r.Findings) != 0 {
		t.Errorf("above a lowered threshold: %s %+v", r.Status, r.Findings)
	}

	touch(t, filepath.Join(root, "shapes", "coverage.out"), time.Now().Add(-2*time.Hour-10*time.Minute))
	r = run(c, root)
	if r.Status != model.StatusUnknown || !strings.HasPrefix(r.Error, "the coverage report is 2h older than the sources it covers (newest: shapes/shapes/shapes") ||
		!strings.Contains(r.Hint, "go test -coverprofile=coverage.out ./...") {
		t.Errorf("stale: %s %q %q", r.Status, r.Error, r.Hint)
	}
	if r.Facts["coverage.lines"] != 31.82 || r.Facts["report.age_seconds"] < 7800 {
		t.Errorf("a stale report still shows its facts: %v", r.Facts)
	}
}

// Statement coverage is the total go tool cover -func prints, which
// leaves out the closure of a package-level variable, not the 30% go test
// prints for the package: the number users quote for a module.
func TestGoStatementsAsCoverFuncTotals(t *testing.T) {
	need(t, "go", haveGo())
	root := t.TempDir()
	if _, err := copyTree(filepath.Join("testdata", "gofuncs"), root); err != nil {
		t.Fatal(err)
	}
	if _, err := runTool(proc.Cmd{Dir: root, Name: "go", Args: []string{"test", "-count=1", "-coverprofile=coverage.out", "./..."}}); err != nil {
		t.Fatal(err)
	}
	out, err := runTool(proc.Cmd{Dir: root, Name: "go", Args: []string{"tool", "cover", "-func=coverage.out"}})
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`total:\s+\(statements\)\s+([0-9.]+)%`).FindStringSubmatch(string(out.Stdout))
	if m == nil {
		t.Fatalf("no total in go tool cover -func's output:\n%s", out.Stdout)
	}
	r := run(detectOne(t, root, "coverage:."), root)
	if got := fmt.Sprintf("%.1f", r.Facts["coverage.statements"]); got != m[1] {
		t.Errorf("statements %s%%, go tool cover -func says %s%%", got, m[1])
	}
	if m[1] == "30.0" {
		t.Error("the fixture no longer has statements outside functions")
	}
}

// vitest --coverage writes coverage/coverage-summary.json (and lcov.info)
// under the package; the collector finds it on disk although coverage/ is
// not in the file list, and dates it by the files it names.
func TestVitestCoverageSummary(t *testing.T) {
	root, web := vitestWeb(t, "--coverage")
	var ids []string
	for _, c := range Detect(root, listFiles(t, root)) {
		ids = append(ids, c.ID())
	}
	if !reflect.DeepEqual(ids, []string{"coverage:web"}) {
		t.Fatalf("detected %q: one collector, the summary preferred to lcov.info", ids)
	}
	c := detectOne(t, root, "coverage:web")
	r := run(c, root)
	if r.Status != model.StatusOK {
		t.Fatalf("status %s: %s", r.Status, r.Error)
	}
	delete(r.Facts, "report.age_seconds")
	want := map[string]float64{"coverage.lines": 7.14, "coverage.statements": 7.14, "coverage.functions": 25, "coverage.branches": 0, "files": 1}
	if !reflect.DeepEqual(r.Facts, want) {
		t.Errorf("facts %v, want %v", r.Facts, want)
	}
	if len(r.Findings) != 1 || r.Findings[0].File != "web/coverage/coverage-summary.json" || r.Findings[0].Severity != model.Medium {
		t.Errorf("findings %+v", r.Findings)
	}

	// Editing the covered source makes the report stale.
	touch(t, filepath.Join(web, "src", "price.js"), time.Now().Add(3*time.Hour+time.Minute))
	r = run(c, root)
	if r.Status != model.StatusUnknown || !strings.HasPrefix(r.Error, "the coverage report is 3h older than the sources it covers (newest: web/src/price.js)") {
		t.Errorf("stale: %s %q", r.Status, r.Error)
	}
}

func TestDetectReports(t *testing.T) {
	root := filepath.Join(t.TempDir(), "mono")
	files := map[string]string{
		"package.json":                            `{}`,
		"coverage/lcov.info":                      string(captured(t, "web-lcov.info")),
		"apps/web/package.json":                   `{}`,
		"apps/web/coverage/coverage-summary.json": string(captured(t, "web-coverage-summary.json")),
		"apps/web/coverage/lcov.info":             string(captured(t, "web-lcov.info")),
		"svc/go.mod":                              "module example.com/svc\n",
		"svc/cover.out":                           string(captured(t, "go-coverprofile.txt")),
		"svc/coverage.txt":                        "not a profile\n",
		"tools/lcov.info":                         string(captured(t, "web-lcov.info")),
		"apps/api/package.json":                   `{}`, // no report
	}
	fixturetest.WriteFiles(t, root, files)
	var got []string
	for _, c := range Detect(root, listFiles(t, root)) {
		report, format := c.(*Collector).Report()
		got = append(got, c.ID()+" "+report+" "+string(format))
	}
	want := []string{
		"coverage:web apps/web/coverage/coverage-summary.json istanbul-summary",
		"coverage:. coverage/lcov.info lcov",
		"coverage:svc svc/cover.out go-coverprofile",
		"coverage:tools tools/lcov.info lcov",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("detected\n got %q\nwant %q", got, want)
	}
}

func TestMalformedAndMissingReports(t *testing.T) {
	root := filepath.Join(t.TempDir(), "repo")
	if err := os.MkdirAll(filepath.Join(root, "coverage"), 0o755); err != nil {
		t.Fatal(err)
	}
	summary := filepath.Join(root, "coverage", "coverage-summary.json")
	if err := os.WriteFile(summary, []byte(`{"total": {"lines": {"total": 3, "covered": "x"}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	c := detectOne(t, root, "coverage:.")
	r := run(c, root)
	if r.Status != model.StatusError || !strings.HasPrefix(r.Error, "coverage/coverage-summary.json: unreadable coverage summary") || !strings.Contains(r.Output, `"covered": "x"`) {
		t.Errorf("malformed: %s %q %q", r.Status, r.Error, r.Output)
	}
	if err := os.WriteFile(summary, []byte(`{"total": {"lines": {"total": 0, "covered": 0}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := run(c, root); r.Status != model.StatusUnknown || !strings.Contains(r.Error, "covers no line of code") || len(r.Facts) != 0 {
		t.Errorf("empty: %+v", r)
	}
	if err := os.Remove(summary); err != nil {
		t.Fatal(err)
	}
	if r := run(c, root); r.Status != model.StatusUnknown || r.Error != "the coverage report coverage/coverage-summary.json no longer exists" || r.Hint == "" {
		t.Errorf("missing: %+v", r)
	}
}

// Istanbul cuts percentages to two decimals (istanbul-lib-coverage's
// percent()): 9 of 1290 lines is 0.69 in coverage-summary.json and in the
// text table, and so it is in the facts and the finding, not 0.70
// (indie-stack's summary, one file of it kept).
func TestIstanbulPercentagesAsIstanbulPrintsThem(t *testing.T) {
	summary := fixturetest.ReadFile(t, filepath.Join("testdata", "istanbul-cut", "coverage", "coverage-summary.json"))
	root := fixturetest.WriteRepo(t, map[string]string{
		"package.json":                   `{"name": "app"}`,
		"app/utils.ts":                   "export const x = 1\n",
		"coverage/coverage-summary.json": summary,
	})
	touch(t, filepath.Join(root, "app", "utils.ts"), time.Now().Add(-time.Hour))
	r := run(detectOne(t, root, "coverage:."), root)
	if r.Status != model.StatusOK {
		t.Fatalf("status %s: %s", r.Status, r.Error)
	}
	var doc struct {
		Total map[string]struct{ Pct float64 } `json:"total"`
	}
	if err := json.Unmarshal([]byte(summary), &doc); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"lines", "statements", "functions", "branches"} {
		if got, want := r.Facts["coverage."+m], doc.Total[m].Pct; got != want {
			t.Errorf("coverage.%s = %v, the summary says %v", m, got, want)
		}
	}
	if r.Facts["coverage.lines"] != 0.69 {
		t.Errorf("coverage.lines = %v", r.Facts["coverage.lines"])
	}
	if len(r.Findings) != 1 || !strings.HasPrefix(r.Findings[0].Message, "line coverage is 0.69% (9 of 1290 lines), below the") {
		t.Errorf("findings %+v", r.Findings)
	}
}

// vitestWeb copies the web fixture into a repository whose sources are an
// hour old, and runs the real Vitest there with args after "run".
func vitestWeb(t *testing.T, args ...string) (root, web string) {
	t.Helper()
	need(t, "vitest with @vitest/coverage-v8 (npm ci --prefix collectors/jstest/testdata)", haveVitest())
	modules, _ := vitestModules()
	root = filepath.Join(t.TempDir(), "repo")
	web, err := copyTree(filepath.Join("testdata", "web"), filepath.Join(root, "web"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(modules, filepath.Join(root, "node_modules")); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	for _, f := range []string{"src/price.js", "src/price.test.js", "vitest.config.js", "package.json"} {
		touch(t, filepath.Join(web, filepath.FromSlash(f)), old)
	}
	if _, err := runTool(proc.Cmd{Dir: web, Name: filepath.Join(modules, ".bin", "vitest"), Args: append([]string{"run"}, args...), Env: []string{"NO_COLOR=1"}}); err != nil {
		t.Fatal(err)
	}
	return root, web
}

// Vitest's default reporters write coverage-final.json and no summary:
// it is read, and its totals are the ones Istanbul's own summary of the
// same run gives (both written by the real Vitest here).
func TestIstanbulFinalTotalsAsIstanbulSummarises(t *testing.T) {
	root, web := vitestWeb(t, "--coverage", "--coverage.reporter=json", "--coverage.reporter=json-summary")
	final, err := ParseIstanbulFinal([]byte(fixturetest.ReadFile(t, filepath.Join(web, "coverage", "coverage-final.json"))))
	if err != nil {
		t.Fatal(err)
	}
	summary, err := ParseIstanbulSummary([]byte(fixturetest.ReadFile(t, filepath.Join(web, "coverage", "coverage-summary.json"))))
	if err != nil {
		t.Fatal(err)
	}
	for name, pair := range map[string][2]Counter{"lines": {final.Lines, summary.Lines}, "statements": {final.Statements, summary.Statements},
		"functions": {final.Functions, summary.Functions}, "branches": {final.Branches, summary.Branches}} {
		if pair[0] != pair[1] {
			t.Errorf("%s: coverage-final.json totals %+v, Istanbul's summary %+v", name, pair[0], pair[1])
		}
	}
	if final.Lines.Total == 0 || len(final.Files) != 1 {
		t.Errorf("final %+v", final)
	}

	// Alone, it is the report a collector reads.
	if err := os.Remove(filepath.Join(web, "coverage", "coverage-summary.json")); err != nil {
		t.Fatal(err)
	}
	c := detectOne(t, root, "coverage:web")
	if report, format := c.Report(); report != "web/coverage/coverage-final.json" || format != IstanbulFinal {
		t.Fatalf("report %s (%s)", report, format)
	}
	r := run(c, root)
	pct, _ := summary.Lines.Percent()
	if r.Status != model.StatusOK || r.Facts["coverage.lines"] != math.Floor(pct*100)/100 {
		t.Errorf("status %s %s, facts %v", r.Status, r.Error, r.Facts)
	}
}

func TestParseIstanbulFinalRejects(t *testing.T) {
	for _, in := range []string{`[]`, `{"a.js": {"path": "a.js"}}`, `not json`} {
		if _, err := ParseIstanbulFinal([]byte(in)); err == nil {
			t.Errorf("%s: no error", in)
		}
	}
}
