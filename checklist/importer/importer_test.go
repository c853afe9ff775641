package importer

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/checklist"
	"github.com/preflight-dev/preflight/model"
)

// testdata/shop-report.md is written the way hand-made readiness reports
// are: emoji saved as UTF-8 and read back as Mac OS Roman ("‚úÖ" for ✅),
// a score table, numeric claims in prose, a nested checklist, and a task
// list inside a code block that is only an example.

var shopTargets = []checklist.Target{
	{ID: "typescript:api", Kind: "typescript", Domain: "build"},
	{ID: "typescript:packages/web", Kind: "typescript", Domain: "build"},
	{ID: "go-test:worker", Kind: "go-test", Domain: "tests"},
}

func importShop(t *testing.T) Result {
	t.Helper()
	src, err := os.ReadFile("testdata/shop-report.md")
	if err != nil {
		t.Fatal(err)
	}
	return Import(src, Options{Name: "shop-report.md", Targets: shopTargets})
}

func noteLines(notes []Note) []string {
	var out []string
	for _, n := range notes {
		out = append(out, strings.Join([]string{itoa(firstLine(n)), n.Text, n.Detail}, " | "))
	}
	return out
}

func itoa(n int) string { return fmt.Sprintf("%02d", n) }

var nowish = time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)

func TestImportMapsWhatItCanAndSaysWhatItCannot(t *testing.T) {
	r := importShop(t)

	wantBound := []string{
		`04 | Overall Readiness 74/100 → [x] Overall score is at least 74/100 (the report's claim) | Overall: score() >= 74`,
		`12 | Build Pipeline 70/100 → [x] Build score is at least 70/100 (the report's claim) | Build: score("build") >= 70`,
		`13 | Test Suite 88/100 → [x] Tests score is at least 88/100 (the report's claim) | Tests: score("tests") >= 88`,
		`16 | Docker Deployment 80/100 → [x] Deployment score is at least 80/100 (the report's claim) | Deployment: score("deployment") >= 80`,
		"21 | 0 TypeScript errors → [x] `packages/web` compiles without errors (the report claimed 0 TypeScript errors) | Build: typescript[\"packages/web\"].errors == 0",
		`22 | Bundle size: 245 KB → [x] Bundle is at most 245 KB (the report's claim) | Performance: sum("@performance", "bytes") <= 250880`,
		`26 | 26/26 tests → [x] All tests pass (the report claimed 26/26 tests) | Tests: sum("@tests", "tests.failed") == 0 && sum("@tests", "tests.passed") >= 26`,
		`32 | 0 high vulnerabilities → [x] No high vulnerabilities (the report claimed 0 high vulnerabilities) | Security: sum("@security", "vulns.high") == 0`,
		`32 | 2 moderate vulnerabilities → [ ] No moderate vulnerabilities (the report claimed 2 moderate vulnerabilities) | Security: sum("@security", "vulns.moderate") == 0`,
		`37 | [x] API compiles | Build: typescript["api"].errors == 0`,
		`38 | [x] Tests pass | Tests: sum("@tests", "tests.failed") == 0`,
		`39 | [x] Unit tests green | Tests: sum("@tests", "tests.failed") == 0`,
		`41 | [ ] No critical vulnerabilities | Security: sum("@security", "vulns.critical") == 0`,
		`50 | Security score 90/100 → [x] Security score is at least 90/100 (the report's claim) | Security: score("security") >= 90`,
	}
	wantManual := []string{
		`40 | [ ] E2E suite migrated to Playwright | Tests`,
		`42 | [x] Docker image builds | Deployment`,
		`43 | [x] Rollback plan documented | Other`,
		`44 | [ ] Load test at 500 rps | Performance`,
	}
	wantSkipped := []string{
		`14 | Security Posture 90/100 | no preflight domain for “Security Posture”`,
		`15 | Observability 60/100 | no preflight domain for “Observability”`,
		// The report says the api has errors, and ticks "API compiles".
		`20 | 3 TypeScript errors | contradicts line 37, whose claim is ticked`,
		`27 | Coverage at 81% | no collector measures this`,
		`28 | 1 status line marked with ✅/⚠️/❌ (line 28) | prose, not task-list items: make the ones that matter “- [ ]” items and import again`,
		`33 | Secrets scan: 4 warnings in fixtures | a count without a tool preflight runs (4 warnings)`,
	}
	for _, c := range []struct {
		name      string
		got, want []string
	}{{"bound", noteLines(r.Bound), wantBound}, {"manual", noteLines(r.Manual), wantManual}, {"skipped", noteLines(r.Skipped), wantSkipped}} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s:\n got %s\nwant %s", c.name, strings.Join(c.got, "\n     "), strings.Join(c.want, "\n     "))
		}
	}
	if r.Repaired.Chars != 20 || r.Repaired.Lines != 15 || r.Repaired.Encoding != "Mac OS Roman" {
		t.Errorf("repair %+v", r.Repaired)
	}
}

func TestImportedChecklistReadsBack(t *testing.T) {
	r := importShop(t)
	md := r.Markdown("shop-report.md")
	for _, bad := range []string{"‚", "Ô", "ü", "\uf8ff"} {
		if strings.Contains(string(md), bad) {
			t.Errorf("mis-encoded %q left in the checklist", bad)
		}
	}
	d := checklist.Parse(checklist.FileName, md)
	if len(d.Problems) > 0 {
		t.Fatalf("problems %v in\n%s", d.Problems, md)
	}
	type row struct {
		Domain  string
		Depth   int
		Checked bool
		Text    string
		Bound   bool
		Source  string
	}
	var got []row
	for _, it := range d.Items {
		got = append(got, row{it.Domain, it.Depth, it.Checked, it.Text, it.Rule != "", it.Source})
	}
	want := []row{
		{"build", 0, true, "API compiles", true, "shop-report.md:37"},
		{"build", 0, true, "Build score is at least 70/100 (the report's claim)", true, "shop-report.md:12"},
		{"build", 0, true, "`packages/web` compiles without errors (the report claimed 0 TypeScript errors)", true, "shop-report.md:21"},
		{"tests", 0, true, "Tests pass", true, "shop-report.md:38"},
		{"tests", 1, true, "Unit tests green", true, "shop-report.md:39"},
		{"tests", 1, false, "E2E suite migrated to Playwright", false, "shop-report.md:40"},
		{"tests", 0, true, "Tests score is at least 88/100 (the report's claim)", true, "shop-report.md:13"},
		{"tests", 0, true, "All tests pass (the report claimed 26/26 tests)", true, "shop-report.md:26"},
		{"security", 0, false, "No critical vulnerabilities", true, "shop-report.md:41"},
		{"security", 0, true, "No high vulnerabilities (the report claimed 0 high vulnerabilities)", true, "shop-report.md:32"},
		{"security", 0, false, "No moderate vulnerabilities (the report claimed 2 moderate vulnerabilities)", true, "shop-report.md:32"},
		{"security", 0, true, "Security score is at least 90/100 (the report's claim)", true, "shop-report.md:50"},
		{"deployment", 0, true, "Docker image builds", false, "shop-report.md:42"},
		{"deployment", 0, true, "Deployment score is at least 80/100 (the report's claim)", true, "shop-report.md:16"},
		{"performance", 0, false, "Load test at 500 rps", false, "shop-report.md:44"},
		{"performance", 0, true, "Bundle is at most 245 KB (the report's claim)", true, "shop-report.md:22"},
		{"", 0, true, "Overall score is at least 74/100 (the report's claim)", true, "shop-report.md:4"},
		{"", 0, true, "Rollback plan documented", false, "shop-report.md:43"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("items:\n got %+v\nwant %+v", got, want)
	}
}

// The claims meet the evidence: with the api failing to compile and the
// tests failing, the ticked claims are contradicted.
func TestImportedClaimsAgainstEvidence(t *testing.T) {
	d := checklist.Parse(checklist.FileName, importShop(t).Markdown("shop-report.md"))
	at := model.Snapshot{Collectors: []model.CollectorState{
		{Result: model.Result{Collector: "typescript:api", Kind: "typescript", Domain: "build", Status: model.StatusOK, Facts: map[string]float64{"errors": 3}, FinishedAt: nowish}},
		{Result: model.Result{Collector: "typescript:packages/web", Kind: "typescript", Domain: "build", Status: model.StatusOK, Facts: map[string]float64{"errors": 0}, FinishedAt: nowish}},
		{Result: model.Unknown("go-test:worker", "go-test", "tests", "the test runner did not start", "")},
	}}
	states := map[string]model.ItemState{}
	for _, it := range checklist.Evaluate(d, at).Items {
		states[it.Text] = it.State
	}
	want := map[string]model.ItemState{
		"API compiles": model.ItemContradicted,
		"`packages/web` compiles without errors (the report claimed 0 TypeScript errors)": model.ItemVerified,
		"Tests pass":                  model.ItemUnknown,
		"No critical vulnerabilities": model.ItemUnknown, // no audit collector
		"Docker image builds":         model.ItemChecked,
		"Load test at 500 rps":        model.ItemUnchecked,
	}
	for text, st := range want {
		if states[text] != st {
			t.Errorf("%q: %s, want %s", text, states[text], st)
		}
	}
}

func TestMergeIntoAnExistingChecklist(t *testing.T) {
	existing := "# Readiness\r\n\r\n## Build\r\n\r\n- [ ] API compiles\r\n- [ ] hand-written item\r\n\r\nNotes kept here.\r\n\r\n## Accepted risks\r\n\r\n- x — y <!-- ack: abcdef12 by A on 2026-01-01 -->\r\n"
	r := importShop(t)
	out, dups, err := r.MergeInto(checklist.FileName, []byte(existing), "shop-report.md")
	if err != nil {
		t.Fatal(err)
	}
	if len(dups) != 1 || dups[0].Text != "API compiles" || !strings.Contains(dups[0].Detail, "line 5") {
		t.Fatalf("duplicates %+v", dups)
	}
	// Every existing line is still there, in order.
	rest := string(out)
	for _, l := range strings.SplitAfter(existing, "\r\n") {
		i := strings.Index(rest, l)
		if i < 0 {
			t.Fatalf("existing line %q lost or reordered in\n%s", l, out)
		}
		rest = rest[i+len(l):]
	}
	if strings.Count(string(out), "\n") != strings.Count(string(out), "\r\n") {
		t.Fatal("merged lines do not use the file's CRLF endings")
	}
	d := checklist.Parse(checklist.FileName, out)
	if len(d.Problems) > 0 {
		t.Fatal(d.Problems)
	}
	var build []string
	sections := map[string]bool{}
	for _, it := range d.Items {
		if it.Domain == "build" {
			build = append(build, it.Text)
		}
		sections[it.Section] = true
	}
	if len(build) != 4 || build[0] != "API compiles" || build[1] != "hand-written item" || !strings.HasPrefix(build[2], "Build score") {
		t.Fatalf("build section %q", build)
	}
	if len(d.Acks) != 1 || !sections["Tests"] || !sections["Other"] {
		t.Fatalf("acks %d sections %v", len(d.Acks), sections)
	}
	acceptedAt := strings.Index(string(out), "## Accepted risks")
	if strings.Index(string(out), "## Tests") > acceptedAt {
		t.Fatal("new sections must go before Accepted risks")
	}
}

func TestRepairMojibakeLeavesCorrectTextAlone(t *testing.T) {
	for _, s := range []string{"Café über naïve — ✅ 🎯 ½", "plain ascii", "Ünïcödé ÅØ"} {
		if got, rep := repairMojibake(s); got != s || rep.Chars != 0 {
			t.Errorf("%q changed to %q", s, got)
		}
	}
	got, rep := repairMojibake("‚úÖ done ‚Äî √ºber \uf8ffüéØ\nfine\n")
	if got != "✅ done — über 🎯\nfine\n" || rep.Lines != 1 || rep.Chars != 4 {
		t.Errorf("got %q %+v", got, rep)
	}
}

func FuzzImport(f *testing.F) {
	src, _ := os.ReadFile("testdata/shop-report.md")
	f.Add(string(src))
	f.Add("- [x] a\n  - [ ] b 3 TypeScript errors\n| x | 9/100 |\n```\n- [ ] c\n")
	f.Fuzz(func(t *testing.T, s string) {
		r := Import([]byte(s), Options{Name: "r.md", Targets: shopTargets})
		md := r.Markdown("r.md")
		d := checklist.Parse(checklist.FileName, md)
		if len(d.Problems) > 0 {
			t.Fatalf("the import wrote a checklist with problems %v:\n%s", d.Problems, md)
		}
		if n := countItems(r.Items); n != len(d.Items) {
			t.Fatalf("%d items imported, %d read back:\n%s", n, len(d.Items), md)
		}
	})
}

func countItems(its []*Item) int {
	n := 0
	for _, it := range its {
		n += 1 + countItems(it.Children)
	}
	return n
}
