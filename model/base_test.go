package model

import "testing"

func state(id string, status Status, findings ...Finding) CollectorState {
	for i := range findings {
		findings[i].Collector = id
	}
	return CollectorState{Result: Result{Collector: id, Status: status, Findings: findings, Domain: "build"}}
}

func TestCompareSortsFindingsIntoNewUnchangedAndFixed(t *testing.T) {
	old := Finding{ID: "old", Severity: Blocker, Domain: "build"}
	gone := Finding{ID: "gone", Severity: High, Domain: "build"}
	added := Finding{ID: "added", Severity: Blocker, Domain: "build"}
	lost := Finding{ID: "lost", Severity: Low, Domain: "build"}
	base := Snapshot{Collectors: []CollectorState{
		state("ts:web", StatusOK, old, gone),
		state("go:api", StatusOK, lost),    // errors now: nothing of it is fixed
		state("eslint:web", StatusUnknown), // unknown before and after
		state("secrets:x", StatusOK),
	}}
	now := Snapshot{Collectors: []CollectorState{
		state("ts:web", StatusOK, old, added),
		state("go:api", StatusError),
		state("eslint:web", StatusUnknown),
		state("secrets:x", StatusOK),
	}}
	b := Compare(now, base, "main", "abc")
	if b.State(old) != BaselineUnchanged || b.State(added) != BaselineNew {
		t.Errorf("states: old %s, added %s", b.State(old), b.State(added))
	}
	if len(b.Fixed) != 1 || b.Fixed[0].ID != "gone" {
		t.Errorf("fixed = %+v, want only the finding of a collector measured both times", b.Fixed)
	}
	if len(b.NewlyUnmeasured) != 1 || b.NewlyUnmeasured[0] != "go:api" {
		t.Errorf("newly unmeasured = %v", b.NewlyUnmeasured)
	}
	if len(b.StillUnmeasured) != 1 || b.StillUnmeasured[0] != "eslint:web" {
		t.Errorf("still unmeasured = %v", b.StillUnmeasured)
	}
	if n := b.NewCount(now); n != 1 {
		t.Errorf("new = %d", n)
	}

	g := b.Gate(now)
	if got := Assess(g); got.Verdict != NoGo {
		t.Errorf("a new blocker must fail the gate: %v", got.Reasons)
	}
	if len(g.Collectors[0].Findings) != 1 || g.Collectors[0].Findings[0].ID != "added" {
		t.Errorf("gate findings = %+v", g.Collectors[0].Findings)
	}
	if g.Collectors[2].Status != StatusSkipped || g.Collectors[1].Status != StatusError {
		t.Errorf("gate statuses: %s %s", g.Collectors[1].Status, g.Collectors[2].Status)
	}
	if len(now.Collectors[0].Findings) != 2 {
		t.Error("Gate changed the snapshot it was given")
	}

	// Without the new blocker and with the tool back, the change is clean,
	// although the old blocker is still open.
	now.Collectors[0].Findings = []Finding{old}
	now.Collectors[1] = state("go:api", StatusOK)
	b = Compare(now, base, "main", "abc")
	if got := Assess(b.Gate(now)); got.Verdict != GO {
		t.Errorf("nothing new: verdict %s %v", got.Verdict, got.Reasons)
	}
	if got := Assess(now); got.Verdict != NoGo {
		t.Errorf("the full verdict still sees the old blocker: %s", got.Verdict)
	}
}
