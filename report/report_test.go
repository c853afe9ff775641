package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/preflight-dev/preflight/model"
)

func fixture() model.Snapshot {
	when := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	ts := model.Result{Collector: "typescript:backend", Kind: "typescript", Domain: "build", Status: model.StatusOK,
		Command: "tsc --noEmit --pretty false -p backend/tsconfig.json", ExitCode: 2, FinishedAt: when, Duration: 2400 * time.Millisecond,
		Facts: map[string]float64{"errors": 2},
		Findings: []model.Finding{
			{Severity: model.Blocker, Rule: "TS2322", Message: "Type 'string' is not assignable to type 'number'.", File: "backend/src/a.ts", Line: 3, Column: 7},
			{Severity: model.Blocker, Rule: "TS2345", Message: "Argument of type '{ id: string; }' is not assignable to parameter of type 'User'.\n  Property 'name' is missing in type '{ id: string; }' but required in type 'User'.", File: "backend/src/b.ts", Line: 12, Column: 10},
		}}
	gt := model.Result{Collector: "go-test:api", Kind: "go-test", Domain: "tests", Status: model.StatusOK,
		Command: "go test -json ./...", ExitCode: 1, FinishedAt: when, Duration: 3 * time.Second,
		Facts:    map[string]float64{"tests.passed": 4, "tests.failed": 1, "tests.skipped": 1},
		Findings: []model.Finding{{Severity: model.Blocker, Rule: "test-failed", Message: "TestTotal failed: got 3, want 4", File: "api/total_test.go", Line: 9}}}
	web := model.Unknown("typescript:web", "typescript", "build", "no TypeScript compiler found", "install TypeScript: npm i -D typescript")
	for _, r := range []*model.Result{&ts, &gt} {
		for i := range r.Findings {
			r.Findings[i].Collector, r.Findings[i].Domain = r.Collector, r.Domain
		}
		model.AssignIDs(r.Findings)
	}
	return model.Snapshot{Root: "/home/dev/shop", GeneratedAt: when, Collectors: []model.CollectorState{
		{Result: ts}, {Result: web}, {Result: gt},
	}}
}

func TestTextReport(t *testing.T) {
	var b bytes.Buffer
	if err := WriteText(&b, fixture()); err != nil {
		t.Fatal(err)
	}
	golden.RequireEqual(t, b.Bytes())
}

func TestJSONReportFollowsSchemaV1(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, fixture(), true); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(b.String(), "\n"); n != 1 {
		t.Fatalf("one-line report has %d newlines", n)
	}
	var doc map[string]any
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"schema", "root", "generated_at", "verdict", "score", "coverage", "domains", "collectors", "findings"} {
		if _, ok := doc[key]; !ok {
			t.Errorf("missing top-level key %q", key)
		}
	}
	if doc["schema"] != "preflight.report/v1" || doc["verdict"] != "NO-GO" {
		t.Errorf("schema/verdict = %v / %v", doc["schema"], doc["verdict"])
	}
	// build: typescript:backend 100-50=50; tests: 75 → (50*3+75*3)/6
	if doc["score"] != 62.5 || doc["coverage"] != 0.667 {
		t.Errorf("score/coverage = %v / %v", doc["score"], doc["coverage"])
	}
	cols := doc["collectors"].([]any)
	web := cols[1].(map[string]any)
	if web["id"] != "typescript:web" || web["status"] != "unknown" || web["hint"] == "" || web["finished_at"] != nil {
		t.Errorf("unknown collector rendered as %v", web)
	}
	ts := cols[0].(map[string]any)
	if ts["duration_ms"] != 2400.0 || ts["exit_code"] != 2.0 || ts["facts"].(map[string]any)["errors"] != 2.0 {
		t.Errorf("collector evidence rendered as %v", ts)
	}
	f := doc["findings"].([]any)[0].(map[string]any)
	for _, key := range []string{"id", "collector", "domain", "severity", "rule", "message", "file", "line", "column"} {
		if _, ok := f[key]; !ok {
			t.Errorf("finding lacks %q: %v", key, f)
		}
	}
	if f["file"] != "api/total_test.go" || f["severity"] != "blocker" {
		t.Errorf("findings not sorted by severity then file: first is %v", f)
	}
	d := doc["domains"].([]any)[0].(map[string]any)
	if d["id"] != "build" || d["score"] != 50.0 || len(d["deductions"].([]any)) != 1 {
		t.Errorf("domain rendered as %v", d)
	}
}

func TestEmptySnapshotHasArraysNotNulls(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, model.Snapshot{Root: "/x"}, false); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"domains": []`, `"collectors": []`, `"findings": []`, `"score": null`, `"verdict": "CONDITIONAL"`} {
		if !strings.Contains(b.String(), key) {
			t.Errorf("empty report lacks %s:\n%s", key, b.String())
		}
	}
}

// Facts read as the tools count them: a byte count of millions is not
// printed in exponent form.
func TestFactsTextKeepsWholeNumbers(t *testing.T) {
	got := factsText(map[string]float64{"bundle.bytes": 2968687, "bundle.gzip_bytes": 1205123, "coverage.lines": 87.5})
	if want := "bundle.bytes=2968687 bundle.gzip_bytes=1205123 coverage.lines=87.5"; got != want {
		t.Errorf("factsText = %q, want %q", got, want)
	}
}
