package app

import (
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/model"
)

func TestReadinessFollowsTheFileAndWritesTicks(t *testing.T) {
	root := fixturetest.WriteRepo(t, map[string]string{"READINESS.md": "## Build\n- [ ] api compiles <!-- verify: typescript[\"api\"].errors == 0 -->\n"})
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
	if got := fixturetest.ReadFile(t, path); !strings.Contains(got, "- TS2322 at api/a.ts:3:7 — legacy <!-- ack: 3f1c9a0b7d2e4c11 by Ana Lima on 2026-03-14 -->") {
		t.Fatalf("file:\n%s", got)
	}
}

// An acknowledgment written when root collectors were named after the
// checkout folder holds, and withdrawing it removes its line.
func TestReadinessWithdrawsAnAcknowledgmentOfTheFolderNamedForm(t *testing.T) {
	root := fixturetest.WriteRepo(t, nil)
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
	if got := fixturetest.ReadFile(t, path); strings.Contains(got, "ack:") {
		t.Fatalf("the acknowledgment is still there:\n%s", got)
	}
}

func TestReadinessWithoutAFileOffersOne(t *testing.T) {
	root := fixturetest.WriteRepo(t, map[string]string{"go.mod": "module x\n\ngo 1.22\n"})
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

// Trust given: the comparison made without it goes at once, with the
// last snapshot sent out again uncompared, until the new one is set (its
// findings had waited for trust and would all have looked new).
func TestReadinessDropsAComparisonThatNoLongerStands(t *testing.T) {
	r := newReadiness(fixturetest.WriteRepo(t, map[string]string{"README.md": "x\n"}))
	now := model.Snapshot{Collectors: []model.CollectorState{{Result: model.Result{
		Collector: "eslint:.", Kind: "eslint", Domain: "build", Status: model.StatusOK, FinishedAt: time.Now(),
		Findings: []model.Finding{{ID: "f1", Rule: "no-var", Severity: model.Low}},
	}}}}
	r.current(now)
	untrusted := model.Snapshot{Collectors: []model.CollectorState{{Result: model.Result{Collector: "eslint:.", Status: model.StatusUnknown}}}}
	r.setBase(untrusted, "main", "abc123")
	if s := <-r.out; s.Base == nil || s.Base.NewCount(s) != 1 {
		t.Fatalf("compared: %+v", s.Base)
	}
	r.dropBase()
	select {
	case s := <-r.out:
		if s.Base != nil {
			t.Errorf("still compared with the untrusted base: %+v", s.Base)
		}
	default:
		t.Fatal("nothing sent out after the base was dropped")
	}
	r.dropBase() // nothing to drop: nothing sent
	select {
	case s := <-r.out:
		t.Errorf("sent again without a change: %+v", s)
	default:
	}
}
