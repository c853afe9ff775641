package model

import (
	"encoding/json"
	"slices"
	"testing"
)

func col(id, domain string, status Status, findings ...Finding) CollectorState {
	for i := range findings {
		findings[i].Collector, findings[i].Domain = id, domain
	}
	return CollectorState{Result: Result{Collector: id, Domain: domain, Status: status, Findings: findings}}
}

func sev(s Severity, n int) []Finding {
	out := make([]Finding, n)
	for i := range out {
		out[i] = Finding{Severity: s, Rule: "R", Message: "m"}
	}
	return out
}

func TestAssessVerdictAndScore(t *testing.T) {
	cases := []struct {
		name     string
		cols     []CollectorState
		verdict  Verdict
		score    float64 // -1: nil
		coverage float64
	}{
		{"nothing detected is not GO", nil, Conditional, -1, 0},
		{"all clean", []CollectorState{col("go:a", "build", StatusOK), col("go-test:a", "tests", StatusOK)}, GO, 100, 1},
		{"one blocker decides whatever the score", []CollectorState{
			col("go:a", "build", StatusOK, sev(Low, 1)...),
			col("go-test:a", "tests", StatusOK, sev(Blocker, 1)...),
		}, NoGo, (99*3 + 75*3) / 6.0, 1},
		{"high findings are conditional", []CollectorState{col("go:a", "build", StatusOK, sev(High, 2)...)}, Conditional, 80, 1},
		{"unknown lowers coverage, never raises score", []CollectorState{
			col("go:a", "build", StatusOK, sev(Medium, 1)...),
			col("ts:web", "build", StatusUnknown),
		}, Conditional, 97, 0.5},
		{"only unknown: no score", []CollectorState{col("ts:web", "build", StatusUnknown)}, Conditional, -1, 0},
		{"error collector is conditional", []CollectorState{col("go:a", "build", StatusOK), col("x:y", "tests", StatusError)}, Conditional, 100, 0.5},
		{"skipped does not count", []CollectorState{col("go:a", "build", StatusOK), col("x:y", "tests", StatusSkipped)}, GO, 100, 1},
		{"score floors at zero", []CollectorState{col("go:a", "build", StatusOK, sev(Blocker, 9)...)}, NoGo, 0, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := Assess(Snapshot{Collectors: tc.cols})
			if a.Verdict != tc.verdict {
				t.Errorf("verdict = %s, want %s (reasons %v)", a.Verdict, tc.verdict, a.Reasons)
			}
			switch {
			case tc.score < 0 && a.Score != nil:
				t.Errorf("score = %v, want none", *a.Score)
			case tc.score >= 0 && (a.Score == nil || *a.Score != round1(tc.score)):
				t.Errorf("score = %v, want %v", a.Score, round1(tc.score))
			}
			if a.Coverage != tc.coverage {
				t.Errorf("coverage = %v, want %v", a.Coverage, tc.coverage)
			}
			if a.Verdict != GO && len(a.Reasons) == 0 {
				t.Error("a verdict other than GO must say why")
			}
		})
	}
}

func TestStaleEvidenceScoresButDoesNotCover(t *testing.T) {
	c := col("go:a", "build", StatusOK, sev(High, 1)...)
	c.Stale = true
	a := Assess(Snapshot{Collectors: []CollectorState{c}})
	if a.Score == nil || *a.Score != 90 || a.Coverage != 0 {
		t.Fatalf("score %v coverage %v", a.Score, a.Coverage)
	}
}

func TestDeductionsExplainTheDomainScore(t *testing.T) {
	c := col("ts:web", "build", StatusOK, append(sev(Blocker, 3), sev(High, 4)...)...)
	a := Assess(Snapshot{Collectors: []CollectorState{c}})
	d := a.Domains[0]
	if d.ID != "build" || d.Counts["blocker"] != 3 || d.Counts["high"] != 4 {
		t.Fatalf("domain = %+v", d)
	}
	var total float64
	for _, x := range d.Deductions {
		total += x.Points
	}
	if *d.Score != 100-total || *d.Score != 0 {
		t.Errorf("score %v does not equal 100 - deductions %v", *d.Score, total)
	}
	if got := d.Deductions[1].String(); got != "ts:web: 4 high × 10 = −25 (capped at 25)" {
		t.Errorf("deduction text = %q", got)
	}
}

func TestDomainsInDisplayOrder(t *testing.T) {
	a := Assess(Snapshot{Collectors: []CollectorState{
		col("ci:x", "ci", StatusOK), col("go-test:a", "tests", StatusOK), col("go:a", "build", StatusOK),
	}})
	var ids []string
	for _, d := range a.Domains {
		ids = append(ids, d.ID)
	}
	if len(ids) != 3 || ids[0] != "build" || ids[1] != "tests" || ids[2] != "ci" {
		t.Fatalf("order = %v", ids)
	}
}

func TestFingerprintIgnoresLineMovesButNotContent(t *testing.T) {
	base := []Finding{
		{Collector: "ts:web", Rule: "TS2322", File: "a.ts", Line: 10, Message: "Type 'x' is not assignable"},
		{Collector: "ts:web", Rule: "TS2322", File: "a.ts", Line: 20, Message: "Type 'x' is not assignable"},
	}
	moved := []Finding{base[0], base[1]}
	moved[0].Line, moved[1].Line = 14, 24
	AssignIDs(base)
	AssignIDs(moved)
	if base[0].ID != moved[0].ID || base[1].ID != moved[1].ID {
		t.Error("moving lines changed fingerprints")
	}
	if base[0].ID == base[1].ID {
		t.Error("identical findings in one file must still have distinct ids")
	}
	other := []Finding{{Collector: "ts:web", Rule: "TS2322", File: "b.ts", Message: "Type 'x' is not assignable"}}
	AssignIDs(other)
	if other[0].ID == base[0].ID {
		t.Error("a finding in another file must have another id")
	}
}

func TestSeverityJSON(t *testing.T) {
	b, err := json.Marshal(Finding{Severity: Blocker})
	if err != nil {
		t.Fatal(err)
	}
	var f Finding
	if err := json.Unmarshal(b, &f); err != nil || f.Severity != Blocker {
		t.Fatalf("round trip: %s → %v %v", b, f.Severity, err)
	}
	if err := json.Unmarshal([]byte(`{"severity":"urgent"}`), &f); err == nil {
		t.Error("an unknown severity must be rejected")
	}
}

// A tool that the project stopped was measured: the collector scores 0 and
// the domain does not read 100 on the strength of its other collectors.
func TestBrokenCollectorScoresZero(t *testing.T) {
	broken := col("vitest:web", "tests", StatusOK, sev(Blocker, 1)...)
	broken.Broken = true
	a := Assess(Snapshot{Collectors: []CollectorState{col("go-test:api", "tests", StatusOK), broken}})
	tests := a.Domains[0]
	if tests.Score == nil || *tests.Score != 50 || tests.Measured != 2 || tests.Provisional || a.Verdict != NoGo {
		t.Fatalf("tests domain %+v, verdict %s", tests, a.Verdict)
	}
	if len(tests.Deductions) != 1 || tests.Deductions[0].Points != 100 || tests.Deductions[0].Note == "" {
		t.Errorf("deductions %+v", tests.Deductions)
	}
}

// A domain measured for less than half of its collectors is provisional.
func TestThinlyMeasuredDomainIsProvisional(t *testing.T) {
	a := Assess(Snapshot{Collectors: []CollectorState{
		col("jest:a", "tests", StatusOK), col("jest:b", "tests", StatusError), col("jest:c", "tests", StatusUnknown),
		col("go:a", "build", StatusOK), col("ts:b", "build", StatusUnknown),
	}})
	byID := map[string]DomainSummary{}
	for _, d := range a.Domains {
		byID[d.ID] = d
	}
	if d := byID["tests"]; !d.Provisional || d.Measured != 1 || d.Collectors != 3 || d.Score == nil || *d.Score != 100 {
		t.Errorf("tests %+v", d)
	}
	if d := byID["build"]; d.Provisional || d.Measured != 1 || d.Collectors != 2 {
		t.Errorf("build %+v: half measured is not provisional", d)
	}
}

// The overall score is the weighted mean of the exact domain scores: a
// domain's 90.25 is shown as 90.3, but the total is not computed from that.
func TestOverallScoreIsNotRoundedTwice(t *testing.T) {
	with := func(fs ...[]Finding) []Finding {
		var out []Finding
		for _, f := range fs {
			out = append(out, f...)
		}
		return out
	}
	s := Snapshot{Collectors: []CollectorState{
		col("a:1", "build", StatusOK), col("a:2", "build", StatusOK),
		col("a:3", "build", StatusOK, sev(High, 1)...),
		col("a:4", "build", StatusOK, with(sev(Blocker, 1), sev(Medium, 1), sev(Low, 1))...),
		col("t:1", "tests", StatusOK),
		col("d:1", "deployment", StatusOK), col("d:2", "deployment", StatusOK, with(sev(Blocker, 2), sev(Medium, 1))...),
		col("c:1", "ci", StatusOK, sev(High, 2)...),
	}}
	a := Assess(s)
	if *a.Domains[0].Score != 90.3 || *a.Domains[2].Score != 73.5 {
		t.Fatalf("domain scores %v %v", *a.Domains[0].Score, *a.Domains[2].Score)
	}
	// (3·90.25 + 3·100 + 2·73.5 + 1·80) / 9 = 88.64
	if *a.Score != 88.6 {
		t.Errorf("overall %v, want 88.6", *a.Score)
	}
}

// What differs from run to run of the same code — a log time stamp, a
// UUID, a test server's port, a temporary directory, a pointer — does
// not change a finding's id; anything else in the message does.
func TestIDsIgnoreWhatDiffersFromRunToRun(t *testing.T) {
	id := func(msg string) string {
		fs := []Finding{{Collector: "go-test:.", Rule: "test-failed", File: "a_test.go", Message: msg}}
		AssignIDs(fs)
		return fs[0].ID
	}
	same := [][2]string{
		{"example.com/db failed: 2026/12/07 14:54:43 mysql tests can't run", "example.com/db failed: 2026/12/07 14:56:28 mysql tests can't run"},
		{"at 2026-12-07T14:54:43.123Z: boom", "at 2026-12-08T09:01:02.5+01:00: boom"},
		{`Get "https://github.com/x#8815da26-0b2c-4e1a-9d3f-2b7c9e0a1f44": dial`, `Get "https://github.com/x#80D21A10-1111-4222-8333-944455556666": dial`},
		{"Get http://127.0.0.1:38921/api: EOF", "Get http://127.0.0.1:40117/api: EOF"},
		{"open /tmp/TestUpload2953871234/001/a.txt: no such file", "open /tmp/TestUpload118822334/001/a.txt: no such file"},
		{"panic: nil map at 0xc000123456", "panic: nil map at 0xc000987654"},
	}
	for _, p := range same {
		if id(p[0]) != id(p[1]) {
			t.Errorf("ids differ for\n%q\n%q", p[0], p[1])
		}
	}
	differ := [][2]string{
		{"want 3, got 4", "want 3, got 5"},
		{"listen on :8080 failed", "listen on :8081 failed"},
		{"version 2026.1.2 is broken", "version 2026.1.3 is broken"},
	}
	for _, p := range differ {
		if id(p[0]) == id(p[1]) {
			t.Errorf("one id for\n%q\n%q", p[0], p[1])
		}
	}
}

// Many collectors of a kind without evidence for one reason are counted
// once (90 govulncheck modules offline), where the first stood; a few are
// named one by one.
func TestNoEvidenceIsGroupedByKind(t *testing.T) {
	var cs []CollectorState
	kinded := func(id, kind string, status Status) CollectorState {
		c := col(id, "security", status)
		c.Kind = kind
		return c
	}
	cs = append(cs, kinded("npm-audit:.", "npm-audit", StatusUnknown))
	for _, m := range []string{"a", "b", "c", "d"} {
		cs = append(cs, kinded("govulncheck:"+m, "govulncheck", StatusUnknown))
	}
	cs = append(cs, kinded("govulncheck:e", "govulncheck", StatusError))
	for _, m := range []string{"x", "y"} {
		cs = append(cs, kinded("eslint:"+m, "eslint", StatusUnknown))
	}
	a := Assess(Snapshot{Collectors: cs})
	want := "no evidence from npm-audit:. (unknown), 4 govulncheck collectors (unknown), govulncheck:e (error), eslint:x (unknown), eslint:y (unknown)"
	if !slices.Contains(a.Reasons, want) {
		t.Errorf("reasons %q\nwant %q", a.Reasons, want)
	}
}
