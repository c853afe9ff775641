package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/checklist"
	"github.com/preflight-dev/preflight/config"
	"github.com/preflight-dev/preflight/model"
)

func writeRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	return dir
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestInitWritesAStarterBoundToWhatIsDetectedAndNeverReplaces(t *testing.T) {
	root := writeRepo(t, map[string]string{
		"svc/go.mod":  "module example.com/svc\n\ngo 1.22\n",
		"svc/main.go": "package main\n\nfunc main() {}\n",
	})
	code, out, stderr := run(t, false, "init", root)
	if code != 0 || !strings.Contains(out, "wrote "+filepath.Join(root, "READINESS.md")) {
		t.Fatalf("exit %d out %q err %q", code, out, stderr)
	}
	d := checklist.Parse(checklist.FileName, []byte(readFile(t, filepath.Join(root, "READINESS.md"))))
	var rules []string
	for _, it := range d.Items {
		if it.Rule != "" {
			rules = append(rules, it.Rule)
		}
	}
	// Other collectors may apply to a Go module too; these two always do.
	joined := strings.Join(rules, "\n")
	if len(d.Problems) > 0 || !strings.Contains(joined, `go["svc"].build.errors == 0 && go["svc"].vet.findings == 0`) ||
		!strings.Contains(joined, `go_test["svc"].tests.failed == 0 && go_test["svc"].tests.build_failures == 0`) {
		t.Fatalf("rules %q problems %v", rules, d.Problems)
	}
	if !strings.Contains(out, fmt.Sprintf("items, %d of them bound", len(rules))) {
		t.Fatalf("out %q", out)
	}
	cfgPath := filepath.Join(root, "preflight.yaml")
	cfg := readFile(t, cfgPath)
	if !strings.Contains(out, "wrote "+cfgPath) || !strings.Contains(cfg, "go-test:svc") {
		t.Fatalf("starter preflight.yaml not written or not naming the detected collectors: %q\n%s", out, cfg)
	}
	if _, err := config.Parse(cfgPath, []byte(cfg)); err != nil {
		t.Fatalf("the starter preflight.yaml does not parse: %v", err)
	}
	before := readFile(t, filepath.Join(root, "READINESS.md"))
	code, _, stderr = run(t, false, "init", root)
	if code != 2 || !strings.Contains(stderr, "already exist") || readFile(t, filepath.Join(root, "READINESS.md")) != before || readFile(t, cfgPath) != cfg {
		t.Fatalf("second init: exit %d %q", code, stderr)
	}
	// With only the config gone, init writes it again and keeps the checklist.
	if err := os.Remove(cfgPath); err != nil {
		t.Fatal(err)
	}
	code, out, _ = run(t, false, "init", root)
	if code != 0 || !strings.Contains(out, "kept "+filepath.Join(root, "READINESS.md")) || readFile(t, cfgPath) != cfg {
		t.Fatalf("third init: exit %d %q", code, out)
	}
}

const smallReport = "# Readiness report ‚úÖ\n\n" +
	"**Overall score:** 81/100\n\n" +
	"- Backend: 0 TypeScript errors\n" +
	"- 84% faster pages\n\n" +
	"## Checklist\n\n" +
	"- [x] Tests pass\n" +
	"- [ ] Docker image hardened\n"

func TestImportWritesAChecklistAndAddsToItWithoutDuplicates(t *testing.T) {
	root := writeRepo(t, map[string]string{"notes/report.md": smallReport})
	into := filepath.Join(root, "READINESS.md")
	code, out, stderr := run(t, false, "import", filepath.Join(root, "notes/report.md"), "--into", into)
	if code != 0 {
		t.Fatalf("exit %d err %q", code, stderr)
	}
	for _, want := range []string{
		"(new file)",
		"repaired 1 mis-encoded character on 1 line (UTF-8 that had been read as Mac OS Roman)",
		`→ Overall: score() >= 81`,
		`sum("typescript", "errors") == 0`,
		`[x] Tests pass → Tests: sum("@tests", "tests.failed") == 0`,
		"[ ] Docker image hardened → Deployment",
		"84% faster pages → no collector measures this",
		"wrote " + into,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	first := readFile(t, into)
	d := checklist.Parse(checklist.FileName, []byte(first))
	if len(d.Problems) > 0 || len(d.Items) != 4 || d.Items[0].Source != "notes/report.md:5" {
		t.Fatalf("items %+v problems %v\n%s", d.Items, d.Problems, first)
	}

	// Importing again adds nothing and says why.
	code, out, _ = run(t, false, "import", filepath.Join(root, "notes/report.md"), "--into", into)
	if code != 0 || !strings.Contains(out, "already in the checklist (4)") || readFile(t, into) != first {
		t.Fatalf("second import: exit %d\n%s\n%s", code, out, readFile(t, into))
	}
	if strings.Contains(out, "wrote") || !strings.Contains(out, "already has every item of") || !strings.Contains(out, "nothing written") {
		t.Fatalf("a second import that adds nothing must not say it wrote:\n%s", out)
	}
}

func TestImportDryRunWritesNothing(t *testing.T) {
	root := writeRepo(t, map[string]string{"report.md": smallReport})
	into := filepath.Join(root, "READINESS.md")
	code, out, _ := run(t, false, "import", filepath.Join(root, "report.md"), "--dry-run", "--into", into)
	if code != 0 || !strings.Contains(out, "--- "+into+" (dry run: not written) ---\n# Readiness") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if _, err := os.Stat(into); !os.IsNotExist(err) {
		t.Fatal("a dry run wrote the file")
	}
	if code, _, stderr := run(t, false, "import"); code != 2 || !strings.Contains(stderr, "import takes one report") {
		t.Fatalf("no report: %d %q", code, stderr)
	}
}

func TestReadinessFollowsTheFileAndWritesTicks(t *testing.T) {
	root := writeRepo(t, map[string]string{"READINESS.md": "## Build\n- [ ] api compiles <!-- verify: typescript[\"api\"].errors == 0 -->\n"})
	r := newReadiness(root)
	r.who = "Ana Lima"
	r.now = func() time.Time { return time.Date(2026, 3, 14, 14, 0, 0, 0, time.UTC) }
	engine := model.Snapshot{Generation: 40, Collectors: []model.CollectorState{{Result: model.Result{
		Collector: "typescript:api", Kind: "typescript", Domain: "build", Status: model.StatusOK,
		Facts: map[string]float64{"errors": 0}, FinishedAt: time.Now(),
	}}}}
	first := r.current(engine)
	if it := first.Checklist.Items[0]; it.State != model.ItemVerified || first.Generation != 1 {
		t.Fatalf("first: %+v gen %d", it, first.Generation)
	}

	// An edit made in an editor is picked up when the watcher reports it.
	path := filepath.Join(root, "READINESS.md")
	if err := os.WriteFile(path, []byte("## Build\n- [x] api compiles <!-- verify: typescript[\"api\"].errors == 1 -->\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r.changed([]string{"src/x.ts"}, false)
	select {
	case s := <-r.out:
		t.Fatalf("an unrelated change republished: %+v", s.Checklist)
	default:
	}
	r.changed([]string{"src/x.ts", "READINESS.md"}, false)
	s := <-r.out
	if it := s.Checklist.Items[0]; it.State != model.ItemContradicted || s.Generation <= first.Generation {
		t.Fatalf("after the edit: %+v gen %d", it, s.Generation)
	}

	// A tick from the cockpit is written and sent out at once.
	if err := r.Tick(s.Checklist.Items[0], false); err != nil {
		t.Fatal(err)
	}
	s = <-r.out
	if it := s.Checklist.Items[0]; it.Checked || it.State != model.ItemFailing {
		t.Fatalf("after the tick: %+v", it)
	}
	f := model.Finding{ID: "3f1c9a0b7d2e4c11", Rule: "TS2322", File: "api/a.ts", Line: 3, Column: 7}
	if err := r.Acknowledge(f, "legacy", time.Time{}); err != nil {
		t.Fatal(err)
	}
	s = <-r.out
	if len(s.Checklist.Acks) != 1 || s.Checklist.Acks[0].By != "Ana Lima" || s.Checklist.Acks[0].Label != "TS2322 at api/a.ts:3:7" {
		t.Fatalf("acks %+v", s.Checklist.Acks)
	}
	if got := readFile(t, path); !strings.Contains(got, "- TS2322 at api/a.ts:3:7 — legacy <!-- ack: 3f1c9a0b7d2e4c11 by Ana Lima on 2026-03-14 -->") {
		t.Fatalf("file:\n%s", got)
	}
}

// An acknowledgment written when root collectors were named after the
// checkout folder holds, and withdrawing it removes its line.
func TestReadinessWithdrawsAnAcknowledgmentOfTheFolderNamedForm(t *testing.T) {
	root := writeRepo(t, nil)
	fs := []model.Finding{{Collector: "secrets:.", Rule: "secrets/jwt", File: "a.env", Message: "TOKEN: JSON Web Token"}}
	model.AssignIDs(fs)
	engine := model.Snapshot{Root: root, Collectors: []model.CollectorState{{Result: model.Result{
		Collector: "secrets:.", Kind: "secrets", Domain: "security", Status: model.StatusOK, Findings: fs, FinishedAt: time.Now(),
	}}}}
	old := model.LegacyFingerprints(engine)[fs[0].ID]
	path := filepath.Join(root, "READINESS.md")
	if err := os.WriteFile(path, []byte("## Accepted risks\n\n- secrets/jwt at a.env — test key <!-- ack: "+old+" by Ana on 2026-01-02 -->\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := newReadiness(root)
	if s := r.current(engine); !s.Acknowledged(fs[0]) {
		t.Fatalf("the finding is not acknowledged: %+v", s.Checklist.Acks)
	}
	if err := r.Withdraw(fs[0]); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, path); strings.Contains(got, "ack:") {
		t.Fatalf("the acknowledgment is still there:\n%s", got)
	}
}

func TestReadinessWithoutAFileOffersOne(t *testing.T) {
	root := writeRepo(t, map[string]string{"go.mod": "module x\n\ngo 1.22\n"})
	r := newReadiness(root)
	s := r.current(model.Snapshot{})
	if s.Checklist == nil || s.Checklist.File != "" || len(s.Checklist.Items) != 0 {
		t.Fatalf("checklist %+v", s.Checklist)
	}
	msg, err := r.Init()
	if err != nil || !strings.Contains(msg, "wrote READINESS.md") {
		t.Fatalf("%q %v", msg, err)
	}
	if s := <-r.out; s.Checklist.File != "READINESS.md" || len(s.Checklist.Items) == 0 {
		t.Fatalf("after init: %+v", s.Checklist)
	}
}
