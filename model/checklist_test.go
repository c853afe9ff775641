package model

import (
	"strings"
	"testing"
	"time"
)

var checklistNow = time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)

func withIDs(c CollectorState) CollectorState {
	AssignIDs(c.Findings)
	return c
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestAcknowledgedFindingsLeaveTheVerdictButStayCounted(t *testing.T) {
	c := withIDs(col("ts:web", "build", StatusOK, sev(Blocker, 1)...))
	ack := Acknowledgment{Finding: c.Findings[0].ID, By: "Ana", Reason: "legacy module, rewritten next sprint"}
	s := Snapshot{GeneratedAt: checklistNow, Collectors: []CollectorState{c}, Checklist: &Checklist{Acks: []Acknowledgment{ack}}}

	a := Assess(s)
	if a.Verdict != GO {
		t.Fatalf("verdict %s (%v), want GO: the only blocker is acknowledged", a.Verdict, a.Reasons)
	}
	if a.Acknowledged != 1 || a.Domains[0].Acknowledged != 1 || a.Domains[0].Counts["blocker"] != 1 {
		t.Fatalf("acknowledged %d, domain %+v: the finding must stay counted", a.Acknowledged, a.Domains[0])
	}
	if a.Score == nil || *a.Score != 75 {
		t.Fatalf("score %v, want 75: an acknowledgment does not change what was measured", a.Score)
	}
	if !s.Acknowledged(c.Findings[0]) {
		t.Fatal("Snapshot.Acknowledged does not see the acknowledgment")
	}

	// Without the acknowledgment the same snapshot is NO-GO.
	s.Checklist = &Checklist{}
	if a := Assess(s); a.Verdict != NoGo || a.Acknowledged != 0 {
		t.Fatalf("without the acknowledgment: %s, acknowledged %d", a.Verdict, a.Acknowledged)
	}
}

func TestExpiredAcknowledgmentsComeBack(t *testing.T) {
	c := withIDs(col("ts:web", "build", StatusOK, sev(Blocker, 1)...))
	ack := Acknowledgment{Finding: c.Findings[0].ID, By: "Ana", Reason: "r", Until: day(2026, 3, 14)}
	s := Snapshot{Collectors: []CollectorState{c}, Checklist: &Checklist{Acks: []Acknowledgment{ack}}}

	s.GeneratedAt = time.Date(2026, 3, 14, 23, 59, 0, 0, time.UTC)
	if a := Assess(s); a.Verdict != GO {
		t.Fatalf("on its last day the acknowledgment holds; got %s %v", a.Verdict, a.Reasons)
	}
	s.GeneratedAt = day(2026, 3, 15)
	a := Assess(s)
	if a.Verdict != NoGo || a.Acknowledged != 0 {
		t.Fatalf("the day after: %s, acknowledged %d", a.Verdict, a.Acknowledged)
	}
	if !strings.Contains(strings.Join(a.Reasons, "; "), "1 acknowledgment expired") {
		t.Fatalf("reasons %q do not say the acknowledgment expired", a.Reasons)
	}
}

func TestLatestAcknowledgmentWins(t *testing.T) {
	cl := &Checklist{Acks: []Acknowledgment{
		{Finding: "f1", Reason: "old", Until: day(2026, 1, 1)},
		{Finding: "f1", Reason: "renewed", Until: day(2026, 12, 31)},
	}}
	ack, active, found := cl.AckFor("f1", checklistNow)
	if !found || !active || ack.Reason != "renewed" {
		t.Fatalf("got %+v active %v found %v", ack, active, found)
	}
	if _, _, found := cl.AckFor("f2", checklistNow); found {
		t.Fatal("an unacknowledged finding was found")
	}
}

func item(state ItemState, text string, line int) ChecklistItem {
	return ChecklistItem{File: "READINESS.md", Line: line, Text: text, State: state}
}

func TestChecklistDecidesBetweenGOAndConditional(t *testing.T) {
	clean := []CollectorState{col("go:a", "build", StatusOK)}
	cases := []struct {
		name    string
		items   []ChecklistItem
		verdict Verdict
		reason  string
	}{
		{"all met", []ChecklistItem{item(ItemVerified, "a", 3), item(ItemChecked, "b", 4)}, GO, ""},
		{"an unticked manual item", []ChecklistItem{item(ItemVerified, "a", 3), item(ItemUnchecked, "b", 4)}, Conditional, "1 unmet checklist item (1 unchecked)"},
		{"failing and unknown", []ChecklistItem{item(ItemFailing, "a", 3), item(ItemUnknown, "b", 4), item(ItemUnknown, "c", 5)}, Conditional,
			"3 unmet checklist items (1 failing, 2 unknown)"},
		{"contradicted is named", []ChecklistItem{item(ItemContradicted, "Backend compiles", 7)}, Conditional,
			`1 contradicted checklist item: "Backend compiles" (READINESS.md:7)`},
		{"empty checklist", nil, GO, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := Assess(Snapshot{Collectors: clean, Checklist: &Checklist{File: "READINESS.md", Items: tc.items}})
			if a.Verdict != tc.verdict {
				t.Fatalf("verdict %s, want %s (%v)", a.Verdict, tc.verdict, a.Reasons)
			}
			if got := strings.Join(a.Reasons, "; "); got != tc.reason {
				t.Fatalf("reasons %q, want %q", got, tc.reason)
			}
			if a.Checklist == nil || a.Checklist.Items != len(tc.items) {
				t.Fatalf("summary %+v", a.Checklist)
			}
		})
	}
}

func TestContradictedItemsDoNotSoftenNoGo(t *testing.T) {
	s := Snapshot{
		Collectors: []CollectorState{withIDs(col("go:a", "build", StatusOK, sev(Blocker, 1)...))},
		Checklist:  &Checklist{Items: []ChecklistItem{item(ItemContradicted, "x", 2)}},
	}
	a := Assess(s)
	if a.Verdict != NoGo || len(a.Reasons) != 2 || !strings.HasPrefix(a.Reasons[1], "1 contradicted") {
		t.Fatalf("verdict %s reasons %q", a.Verdict, a.Reasons)
	}
}

func TestChecklistProblemsHoldTheVerdict(t *testing.T) {
	s := Snapshot{
		Collectors: []CollectorState{col("go:a", "build", StatusOK)},
		Checklist: &Checklist{Problems: []ChecklistProblem{
			{File: "READINESS.md", Line: 12, Message: "merge conflict marker"},
		}},
	}
	a := Assess(s)
	if a.Verdict != Conditional || len(a.Reasons) != 1 || a.Reasons[0] != "checklist unreadable: READINESS.md:12: merge conflict marker" {
		t.Fatalf("verdict %s reasons %q", a.Verdict, a.Reasons)
	}
}

func TestDiffComparesOnlyCollectorsWithEvidenceInBoth(t *testing.T) {
	f := func(rule, file string, line int) Finding {
		return Finding{Collector: "ts:web", Rule: rule, File: file, Line: line, Message: rule, Severity: Blocker}
	}
	mk := func(status Status, fs ...Finding) Snapshot {
		AssignIDs(fs)
		c := col("ts:web", "build", status, fs...)
		c.FinishedAt = checklistNow
		return Snapshot{Collectors: []CollectorState{c}}
	}
	prev := mk(StatusOK, f("TS1", "a.ts", 3), f("TS2", "a.ts", 9))
	next := mk(StatusOK, f("TS2", "a.ts", 12), f("TS3", "b.ts", 1)) // TS2 moved, TS1 fixed, TS3 new
	d := Diff(prev, next)
	if len(d.Appeared) != 1 || d.Appeared[0].Rule != "TS3" || len(d.Fixed) != 1 || d.Fixed[0].Rule != "TS1" {
		t.Fatalf("delta %+v", d)
	}
	if d := Diff(prev, mk(StatusUnknown)); len(d.Appeared)+len(d.Fixed) != 0 {
		t.Fatalf("a collector that could not run fixed nothing; got %+v", d)
	}
}

func TestSummarizeCountsOpenBlockersByDomain(t *testing.T) {
	build := withIDs(col("ts:web", "build", StatusOK, append(sev(Blocker, 2), sev(High, 1)...)...))
	tests := withIDs(col("go-test:a", "tests", StatusOK))
	s := Snapshot{GeneratedAt: checklistNow, Collectors: []CollectorState{build, tests},
		Checklist: &Checklist{Acks: []Acknowledgment{{Finding: build.Findings[0].ID, Reason: "r"}}}}
	p := Summarize(s, Assess(s))
	if p.Blockers["build"] != 1 || p.Blockers["tests"] != 0 || p.Total() != 1 || !p.At.Equal(checklistNow) || p.Verdict != NoGo {
		t.Fatalf("point %+v", p)
	}
}

func TestCloneCopiesTheChecklist(t *testing.T) {
	s := Snapshot{Checklist: &Checklist{Items: []ChecklistItem{{Text: "a", Evidence: []string{"x = 1"}}}}}
	c := s.Clone()
	c.Checklist.Items[0].Text = "b"
	c.Checklist.Items[0].Evidence[0] = "y"
	if s.Checklist.Items[0].Text != "a" || s.Checklist.Items[0].Evidence[0] != "x = 1" {
		t.Fatal("the clone shares the checklist with the original")
	}
}

func TestMarkSaysWhetherACollectorBlocks(t *testing.T) {
	blocker := withIDs(col("ts:web", "build", StatusOK, sev(Blocker, 1)...))
	ack := Acknowledgment{Finding: blocker.Findings[0].ID, By: "Ana", Reason: "legacy"}
	for _, tc := range []struct {
		name string
		c    CollectorState
		acks []Acknowledgment
		want Mark
	}{
		{"clean", col("go:a", "build", StatusOK), nil, MarkClean},
		{"medium and low only", col("sh:.", "build", StatusOK, sev(Medium, 2)...), nil, MarkClean},
		{"a high finding", col("sh:.", "build", StatusOK, append(sev(Low, 1), sev(High, 1)...)...), nil, MarkBlocking},
		{"a blocker", blocker, nil, MarkBlocking},
		{"an accepted blocker", blocker, []Acknowledgment{ack}, MarkClean},
		{"error", col("x:y", "build", StatusError), nil, MarkFailed},
		{"unknown", col("x:y", "build", StatusUnknown), nil, MarkUnknown},
		{"skipped", col("x:y", "build", StatusSkipped), nil, MarkSkipped},
	} {
		s := Snapshot{GeneratedAt: checklistNow, Collectors: []CollectorState{tc.c}, Checklist: &Checklist{Acks: tc.acks}}
		if got := s.Mark(tc.c); got != tc.want {
			t.Errorf("%s: mark %s, want %s", tc.name, got, tc.want)
		}
	}
}
