package checklist

import (
	"strings"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/model"
)

var evalNow = time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)

func state(id, domain string, status model.Status, facts map[string]float64, findings ...model.Finding) model.CollectorState {
	kind, _, _ := strings.Cut(id, ":")
	for i := range findings {
		findings[i].Collector, findings[i].Domain = id, domain
	}
	model.AssignIDs(findings)
	return model.CollectorState{Result: model.Result{
		Collector: id, Kind: kind, Domain: domain, Status: status, Facts: facts, Findings: findings,
		FinishedAt: evalNow.Add(-time.Minute),
	}}
}

func rulesSnapshot() model.Snapshot {
	legacy := model.Unknown("typescript:legacy", "typescript", "build", "no TypeScript compiler", "npm i -D typescript")
	audit := state("npm-audit:web", "security", model.StatusOK, map[string]float64{"vulns.high": 0})
	audit.Stale = true
	return model.Snapshot{GeneratedAt: evalNow, Collectors: []model.CollectorState{
		state("typescript:backend", "build", model.StatusOK, map[string]float64{"errors": 3}),
		state("typescript:web", "build", model.StatusOK, map[string]float64{"errors": 0}),
		{Result: legacy},
		state("go:api", "build", model.StatusOK, map[string]float64{"build.errors": 0, "vet.findings": 2},
			model.Finding{Severity: model.High, Rule: "vet:printf", Message: "a"},
			model.Finding{Severity: model.High, Rule: "vet:printf", Message: "b"}),
		state("go-test:api", "tests", model.StatusOK, map[string]float64{"tests.passed": 10, "tests.failed": 1},
			model.Finding{Severity: model.Blocker, Rule: "TestSlug", Message: "want grace-hopper"}),
		audit,
		state("go-test:worker", "tests", model.StatusOK, map[string]float64{"tests": 5, "tests.failed": 0}),
	}}
}

func evalOne(t *testing.T, checked bool, rule string) model.ChecklistItem {
	t.Helper()
	box := " "
	if checked {
		box = "x"
	}
	d := Parse("READINESS.md", []byte("## Build\n- ["+box+"] the item <!-- verify: "+rule+" -->\n"))
	if len(d.Problems) > 0 {
		t.Fatalf("%s: %v", rule, d.Problems)
	}
	cl := Evaluate(d, rulesSnapshot())
	if len(cl.Items) != 1 {
		t.Fatalf("%d items", len(cl.Items))
	}
	return cl.Items[0]
}

func TestRules(t *testing.T) {
	cases := []struct {
		name     string
		checked  bool
		rule     string
		state    model.ItemState
		evidence string // contained in the joined evidence
		why      string // contained in Why
	}{
		{"one instance, verified", false, `typescript["web"].errors == 0`, model.ItemVerified, "typescript:web errors = 0", ""},
		{"dot spelling", false, `typescript.web.errors == 0`, model.ItemVerified, "typescript:web errors = 0", ""},
		{"ticked while failing is contradicted", true, `typescript["backend"].errors == 0`, model.ItemContradicted, "typescript:backend errors = 3", "ticked, but the rule fails"},
		{"unticked and failing", false, `typescript["backend"].errors == 0`, model.ItemFailing, "typescript:backend errors = 3", "the rule fails"},
		{"ticked, evidence unknown", true, `typescript["legacy"].errors == 0`, model.ItemUnknown, "", "typescript:legacy is unknown: no TypeScript compiler"},
		{"sum over a kind with an unknown instance", false, `sum("typescript", "errors") == 3`, model.ItemUnknown, "", "typescript:legacy is unknown"},
		{"sum over a domain", false, `sum("@tests", "tests.failed") == 1`, model.ItemVerified, "sum of tests.failed over @tests = 1 (reported by 2)", ""},
		{"sum over one instance", false, `sum("typescript:backend", "errors") == 3`, model.ItemVerified, "= 3", ""},
		{"dotted facts, three spellings", false,
			`go_test["api"].tests.failed == 1 && go_test["api"]["tests.failed"] == 1 && fact("go-test:api", "tests.failed") == 1`,
			model.ItemVerified, "go-test:api tests.failed = 1", ""},
		{"a fact named like a group keeps its full-name spelling", false, `go_test["worker"].tests == 5 && go_test["worker"]["tests.failed"] == 0`, model.ItemVerified, "go-test:worker tests.failed = 0", ""},
		{"... and says so when the dotted one is used", false, `go_test["worker"].tests.failed == 0`, model.ItemUnknown, "",
			`go-test:worker has a fact named "tests" itself, so "tests.failed" can only be read as go_test["worker"]["tests.failed"]`},
		{"stale evidence", true, `npm_audit["web"].vulns.high == 0`, model.ItemUnknown, "", "npm-audit:web is stale"},
		{"missing instance", false, `typescript["nope"].errors == 0`, model.ItemUnknown, "", "no collector typescript:nope here (typescript:backend, typescript:legacy, typescript:web)"},
		{"misspelt kind", false, `typscript["web"].errors == 0`, model.ItemUnknown, "", `no collector of kind "typscript" here (kinds: go, go_test, npm_audit, typescript)`},
		{"missing fact", false, `typescript["web"].warnings == 0`, model.ItemUnknown, "", `typescript:web reports no fact "warnings" (it reports errors)`},
		{"missing fact by helper", false, `fact("go:api", "build.warnings") == 0`, model.ItemUnknown, "", `go:api reports no fact "build.warnings"`},
		{"findings by severity", false, `findings("go:api", "high") == 2 && findings("go", "blocker") == 0`, model.ItemVerified, "high findings of go:api = 2", ""},
		{"findings in a domain", false, `findings("@tests") == 1 && findings("go-test:api") == 1`, model.ItemVerified, "findings of @tests = 1", ""},
		{"bad severity", false, `findings("go:api", "urgent") == 0`, model.ItemUnknown, "", "unknown severity"},
		{"no collector matches", false, `sum("docker", "images") == 0`, model.ItemUnknown, "", `no collector matches "docker"`},
		{"status needs no evidence", false, `status("typescript:legacy") == "unknown" && status("docker:x") == "absent"`, model.ItemVerified, "status of docker:x = absent", ""},
		{"domain score", false, `score("tests") >= 75`, model.ItemVerified, "tests score = 87.5", ""},
		{"incomplete domain score", true, `score("build") >= 50`, model.ItemUnknown, "", "the build score is incomplete: 3 of 4 collectors"},
		{"overall score with a collector unknown", true, `score() >= 50`, model.ItemUnknown, "", "the overall score is incomplete"},
		{"not a boolean at run time", false, `typescript["web"].errors`, model.ItemUnknown, "", "the rule failed"},
		{"a whole kind", false, `len(typescript) == 3`, model.ItemUnknown, "", "typescript:legacy is unknown"},
		{"short-circuit skips the unknown side", false, `typescript["web"].errors == 0 || sum("typescript", "errors") == 0`, model.ItemVerified, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			it := evalOne(t, tc.checked, tc.rule)
			if it.State != tc.state {
				t.Fatalf("state %s (why %q, evidence %q), want %s", it.State, it.Why, it.Evidence, tc.state)
			}
			if ev := strings.Join(it.Evidence, "; "); !strings.Contains(ev, tc.evidence) {
				t.Errorf("evidence %q does not contain %q", ev, tc.evidence)
			}
			if !strings.Contains(it.Why, tc.why) {
				t.Errorf("why %q does not contain %q", it.Why, tc.why)
			}
			if it.Rule != tc.rule || it.Line != 2 || it.Domain != "build" || it.File != "READINESS.md" {
				t.Errorf("item %+v", it)
			}
		})
	}
}

func TestManualItemsAndAcknowledgmentsCarryOver(t *testing.T) {
	d := Parse("READINESS.md", []byte(sample))
	cl := Evaluate(d, rulesSnapshot())
	byText := map[string]model.ChecklistItem{}
	for _, it := range cl.Items {
		byText[it.Text] = it
	}
	if s := byText["Web compiles"].State; s != model.ItemUnchecked {
		t.Errorf("unticked manual item: %s", s)
	}
	if it := byText["nested: shared types build"]; it.State != model.ItemChecked || it.Depth != 1 {
		t.Errorf("ticked manual item: %+v", it)
	}
	if it := byText["Backend compiles"]; it.State != model.ItemContradicted || it.CheckedBy != "Zoë Ångström" {
		t.Errorf("bound item: %+v", it)
	}
	if len(cl.Acks) != 2 || cl.File != "READINESS.md" || len(cl.Problems) != 0 {
		t.Errorf("acks %d, file %q, problems %v", len(cl.Acks), cl.File, cl.Problems)
	}
}

func TestStarterIsReadableAndBoundToEveryCollector(t *testing.T) {
	targets := []Target{
		{ID: "go-test:api", Kind: "go-test", Domain: "tests"},
		{ID: "typescript:apps/web", Kind: "typescript", Domain: "build"},
		{ID: "go:api", Kind: "go", Domain: "build"},
		{ID: "docker:Dockerfile", Kind: "docker", Domain: "deployment"},
	}
	src := Starter(targets)
	d := Parse(FileName, src)
	if len(d.Problems) > 0 {
		t.Fatalf("problems %v in\n%s", d.Problems, src)
	}
	var bound []string
	for _, it := range d.Items {
		if it.Rule != "" {
			bound = append(bound, it.Domain+" "+it.Rule)
		}
	}
	want := []string{
		`build go["api"].build.errors == 0 && go["api"].vet.findings == 0`,
		`build typescript["apps/web"].errors == 0`,
		`tests go_test["api"].tests.failed == 0 && go_test["api"].tests.build_failures == 0`,
		`deployment findings("docker:Dockerfile", "blocker") + findings("docker:Dockerfile", "high") == 0`,
	}
	if strings.Join(bound, "\n") != strings.Join(want, "\n") {
		t.Fatalf("bound items:\n%s\nwant:\n%s", strings.Join(bound, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(string(src), "\n## Accepted risks\n") {
		t.Fatal("no Accepted risks section")
	}

	// On a clean snapshot of those collectors every bound item verifies.
	snap := model.Snapshot{GeneratedAt: evalNow, Collectors: []model.CollectorState{
		state("go-test:api", "tests", model.StatusOK, map[string]float64{"tests.failed": 0, "tests.build_failures": 0, "tests.passed": 4}),
		state("typescript:apps/web", "build", model.StatusOK, map[string]float64{"errors": 0}),
		state("go:api", "build", model.StatusOK, map[string]float64{"build.errors": 0, "vet.findings": 0}),
		state("docker:Dockerfile", "deployment", model.StatusOK, nil),
	}}
	for _, it := range Evaluate(d, snap).Items {
		if it.Rule != "" && it.State != model.ItemVerified {
			t.Errorf("%q: %s (%s)", it.Text, it.State, it.Why)
		}
	}
}

// BenchmarkEvaluate reads a 100-item checklist, every item bound to a
// rule, against a snapshot: this runs on every snapshot the cockpit shows.
func BenchmarkEvaluate(b *testing.B) {
	var src strings.Builder
	src.WriteString("## Build\n")
	for i := range 100 {
		switch i % 3 {
		case 0:
			src.WriteString("- [x] a <!-- verify: typescript[\"backend\"].errors == 0 -->\n")
		case 1:
			src.WriteString("- [ ] b <!-- verify: sum(\"@tests\", \"tests.failed\") == 0 && go_test[\"api\"].tests.passed > 5 -->\n")
		default:
			src.WriteString("- [ ] c <!-- verify: findings(\"go\", \"high\") < 3 && score(\"tests\") >= 50 -->\n")
		}
	}
	d := Parse(FileName, []byte(src.String()))
	snap := rulesSnapshot()
	b.ResetTimer()
	for b.Loop() {
		Evaluate(d, snap)
	}
}

// While a collector reruns (R, or a change), its last result stands: an
// item it decided keeps its state, marked stale, instead of turning
// unknown and taking its contradiction out of the verdict until the run
// ends. A stale result that is not being rerun still decides nothing.
func TestRerunKeepsTheLastKnownStateMarkedStale(t *testing.T) {
	d := Parse("READINESS.md", []byte("## Build\n"+
		"- [x] The backend compiles <!-- verify: typescript[\"backend\"].errors == 0 -->\n"+
		"- [x] The web app compiles <!-- verify: typescript[\"web\"].errors == 0 -->\n"+
		"- [x] Build scores well <!-- verify: score(\"build\") >= 0 -->\n"))
	snap := rulesSnapshot()
	snap.Collectors = snap.Collectors[:2] // the two TypeScript collectors
	for i := range snap.Collectors {
		snap.Collectors[i].Stale, snap.Collectors[i].Running = true, true
	}
	cl := Evaluate(d, snap)
	want := []model.ItemState{model.ItemContradicted, model.ItemVerified, model.ItemVerified}
	for i, it := range cl.Items {
		if it.State != want[i] || !it.Stale || !strings.Contains(it.Why, "rerunning") {
			t.Errorf("%q: %s stale=%v why %q; want %s, stale", it.Text, it.State, it.Stale, it.Why, want[i])
		}
	}
	if a := model.Assess(withChecklist(snap, cl)); !strings.Contains(strings.Join(a.Reasons, "; "), "1 contradicted checklist item") {
		t.Errorf("the contradiction left the verdict during the rerun: %v", a.Reasons)
	}

	for i := range snap.Collectors {
		snap.Collectors[i].Running = false // stale, and not being rerun
	}
	if it := Evaluate(d, snap).Items[0]; it.State != model.ItemUnknown || it.Stale {
		t.Errorf("a stale result nobody reruns: %s stale=%v", it.State, it.Stale)
	}
}

func withChecklist(s model.Snapshot, cl *model.Checklist) model.Snapshot {
	s.Checklist = cl
	return s
}
