package ui

import (
	"fmt"
	"reflect"

	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/preflight-dev/preflight/model"
)

func TestFilterTerms(t *testing.T) {
	f := tsFinding(26, 9, "TS2322", "Type 'string' is not assignable to type 'number'.")
	cases := []struct {
		filter string
		match  bool
	}{
		{"", true},
		{"ts2322", true},
		{"TS2322 orders", true},
		{"TS2322 billing", false},
		{"rule:TS23", true},
		{"rule:orders", false}, // a field term looks at its field only
		{"file:backend/src", true},
		{"file:TS2322", false},
		{"sev:block", true},
		{"severity:high", false},
		{"collector:typescript", true},
		{"msg:assignable", true},
		{"orders.ts:26", true}, // the location as the tree shows it
		{"unknownfield:x", false},
	}
	for _, tc := range cases {
		if got := parseFilter(tc.filter).matches(f); got != tc.match {
			t.Errorf("%q matches = %v, want %v", tc.filter, got, tc.match)
		}
	}
}

func findingRows(m Model) []string {
	var out []string
	for _, r := range m.rows {
		if r.kind == findingNode {
			out = append(out, r.finding.Rule+"@"+itoa(r.finding.Line))
		}
	}
	return out
}

func TestFilterIsLiveAndEscRestoresIt(t *testing.T) {
	m := checklistModel(t, 80, 24, shopReadiness)
	m = typeText(t, press(t, m, "/"), "TS2322")
	if got := findingRows(m); !reflect.DeepEqual(got, []string{"TS2322@26", "TS2322@32"}) {
		t.Fatalf("while typing: %v", got)
	}
	if _, shown := m.tree.nodes[checklistKey]; shown {
		t.Fatal("no checklist item mentions TS2322, yet the checklist is shown")
	}
	m = press(t, m, "enter")
	if m.prompt != nil || m.view.filter.text != "TS2322" || !strings.Contains(m.status, "2 of 4 findings match") {
		t.Fatalf("after enter: prompt %v filter %q status %q", m.prompt, m.view.filter.text, m.status)
	}
	// A new filter typed and cancelled leaves the old one.
	m = typeText(t, press(t, m, "/", "ctrl+u"), "TestSlug")
	if got := findingRows(m); !reflect.DeepEqual(got, []string{"TestSlug@12"}) {
		t.Fatalf("second filter: %v", got)
	}
	m = press(t, m, "esc")
	if m.view.filter.text != "TS2322" || len(findingRows(m)) != 2 {
		t.Fatalf("esc in the prompt: filter %q rows %v", m.view.filter.text, findingRows(m))
	}
	// esc outside the prompt clears it.
	m = press(t, m, "esc")
	if !m.view.filter.empty() || len(findingRows(m)) != 4 {
		t.Fatalf("esc: filter %q rows %v", m.view.filter.text, findingRows(m))
	}
}

func TestBlockersOnlyHidesTheRest(t *testing.T) {
	root := fixtureRoot(t)
	snap := withCollector(fixtureSnapshot(root), "go:api", func(c *model.CollectorState) bool {
		c.Findings = []model.Finding{{ID: "v1", Collector: "go:api", Domain: "build", Severity: model.High, Rule: "vet:printf", Message: "m", File: "api/orders.go", Line: 3}}
		return true
	})
	m := New(Options{Root: root, Initial: withChecklist(snap, shopReadiness), Now: func() time.Time { return fixtureNow }})
	all := findingRows(m)
	m = press(t, m, "b")
	only := findingRows(m)
	if len(all) != 5 || !reflect.DeepEqual(only, []string{"TS2741@18", "TS2322@26", "TS2322@32", "TestSlug@12"}) {
		t.Fatalf("all %v, blockers only %v", all, only)
	}
	if _, ok := m.tree.nodes[checklistKey]; ok {
		t.Fatal("the checklist is shown in blockers-only mode")
	}
	if m = press(t, m, "b"); len(findingRows(m)) != 5 {
		t.Fatal("b again did not show everything")
	}
}

func TestGroupingCyclesAndKeepsTheCursor(t *testing.T) {
	m := checklistModel(t, 80, 24, shopReadiness)
	target := tsFindingKey(t, m.snap, 32)
	m = moveTo(t, m, target)
	m = press(t, m, "o")
	if m.view.group != byRule || m.cursorID != target {
		t.Fatalf("group %v cursor %s", m.view.group, m.cursorID)
	}
	g := m.tree.nodes["group:build/rule/TS2322"]
	if g == nil || len(g.children) != 2 || g.counts[model.Blocker] != 2 || m.rows[m.cursor].parent != g.id {
		t.Fatalf("TS2322 group %+v; cursor under %s", g, m.rows[m.cursor].parent)
	}
	if first := m.tree.nodes[domainKey("build")].children[0]; first != g.id {
		t.Fatalf("the biggest group must come first, got %s", first)
	}
	if ids := m.tree.collectorIDs(g); !reflect.DeepEqual(ids, []string{"typescript:backend"}) {
		t.Fatalf("rerun of a group asks for %v", ids)
	}
	m = press(t, m, "o")
	if f := m.tree.nodes["group:build/file/backend/src/orders.ts"]; m.view.group != byFile || f == nil || len(f.children) != 3 {
		t.Fatalf("by file: %+v", f)
	}
	if m = press(t, m, "o"); m.view.group != byCollector || m.cursorID != target || m.rows[m.cursor].parent != collectorKey("typescript:backend") {
		t.Fatalf("back to collectors: cursor %s", m.cursorID)
	}
}

// recorder is an Actions that only remembers what it was asked.
type recorder struct{ calls []string }

func (r *recorder) Tick(it model.ChecklistItem, checked bool) error {
	r.calls = append(r.calls, "tick "+it.Location()+" "+it.Text+" "+map[bool]string{true: "on", false: "off"}[checked])
	return nil
}
func (r *recorder) Acknowledge(f model.Finding, reason string, until time.Time) error {
	r.calls = append(r.calls, "ack "+f.Rule+"@"+itoa(f.Line)+" "+reason+" "+until.Format("2006-01-02"))
	return nil
}
func (r *recorder) Withdraw(f model.Finding) error {
	r.calls = append(r.calls, "withdraw "+f.ID)
	return nil
}
func (r *recorder) Init() (string, error) { r.calls = append(r.calls, "init"); return "wrote it", nil }

func TestSpaceTicksTheSelectedItem(t *testing.T) {
	m := checklistModel(t, 80, 24, shopReadiness)
	rec := &recorder{}
	m.actions = rec
	m = press(t, moveTo(t, m, itemKey(t, m, "Web type-checks")), "space")
	m = press(t, moveTo(t, m, itemKey(t, m, "Backend type-checks")), "space")
	want := []string{"tick READINESS.md:7 Web type-checks on", "tick READINESS.md:5 Backend type-checks off"}
	if !reflect.DeepEqual(rec.calls, want) {
		t.Fatalf("calls %q", rec.calls)
	}
	if !strings.Contains(m.status, "unticked “Backend type-checks” in READINESS.md:5") {
		t.Fatalf("status %q", m.status)
	}
}

func TestAcknowledgeNeedsAReasonAndAValidDate(t *testing.T) {
	m := checklistModel(t, 80, 24, shopReadiness)
	rec := &recorder{}
	m.actions = rec
	m = press(t, moveTo(t, m, tsFindingKey(t, m.snap, 26)), "a")
	if m.prompt == nil || m.prompt.kind != reasonPrompt {
		t.Fatal("a did not ask for a reason")
	}
	m = press(t, typeText(t, m, "   "), "enter")
	if m.prompt.kind != reasonPrompt || !strings.Contains(m.status, "a reason is required") {
		t.Fatalf("an empty reason was accepted: %q", m.status)
	}
	m = press(t, typeText(t, m, "legacy field"), "enter")
	if m.prompt == nil || m.prompt.kind != untilPrompt || m.status != "" {
		t.Fatalf("no date asked; status %q", m.status)
	}
	m = press(t, typeText(t, m, "next week"), "enter")
	if !strings.Contains(m.status, "not a date") {
		t.Fatalf("status %q", m.status)
	}
	m = press(t, typeText(t, press(t, m, "ctrl+u"), "2026-03-13"), "enter")
	if !strings.Contains(m.status, "that day has passed") || len(rec.calls) != 0 {
		t.Fatalf("status %q calls %v", m.status, rec.calls)
	}
	m = press(t, typeText(t, press(t, m, "ctrl+u"), "2026-03-14"), "enter")
	if m.prompt != nil || !reflect.DeepEqual(rec.calls, []string{"ack TS2322@26 legacy field 2026-03-14"}) {
		t.Fatalf("prompt %v calls %v", m.prompt, rec.calls)
	}

	// No date at all is fine; esc at any step cancels without writing.
	m = press(t, typeText(t, press(t, m, "a"), "ok"), "enter", "enter")
	m = press(t, typeText(t, press(t, m, "a"), "never mind"), "esc")
	if len(rec.calls) != 2 || rec.calls[1] != "ack TS2322@26 ok 0001-01-01" || m.prompt != nil {
		t.Fatalf("calls %v", rec.calls)
	}
}

func TestAcknowledgedFindingOffersWithdrawal(t *testing.T) {
	root := fixtureRoot(t)
	id := tsFindingID(t, fixtureSnapshot(root), 26)
	m := checklistModel(t, 80, 24, shopReadiness+"\n## Accepted risks\n- x — because <!-- ack: "+id+" by Ana Lima on 2026-03-14 -->\n")
	rec := &recorder{}
	m.actions = rec
	m = moveTo(t, m, tsFindingKey(t, m.snap, 26))
	if n := m.current(); !n.acked {
		t.Fatal("the finding is not shown as acknowledged")
	}
	m = press(t, m, "a", "n")
	if len(rec.calls) != 0 || m.status != "kept the acknowledgment" {
		t.Fatalf("n: calls %v status %q", rec.calls, m.status)
	}
	m = press(t, m, "a", "y")
	if !reflect.DeepEqual(rec.calls, []string{"withdraw " + id}) {
		t.Fatalf("calls %v", rec.calls)
	}
}

func TestAckedBlockersDoNotOpenTheirDomain(t *testing.T) {
	root := fixtureRoot(t)
	snap := fixtureSnapshot(root)
	var acks string
	for _, c := range snap.Collectors {
		if c.Collector == "go-test:api" {
			acks = "- flaky — quarantined <!-- ack: " + c.Findings[0].ID + " by Bo on 2026-03-14 -->\n"
		}
	}
	m := checklistModel(t, 80, 24, shopReadiness+"\n## Accepted risks\n"+acks)
	if m.unfolded(m.tree.nodes[domainKey("tests")]) {
		t.Fatal("a domain whose only blocker is acknowledged opened by itself")
	}
	if m.assess.Acknowledged != 1 || !strings.Contains(screen(m), "1 acked") {
		t.Fatalf("acknowledged %d\n%s", m.assess.Acknowledged, screen(m))
	}
}

func TestCopyPutsFileLineMessageOnTheClipboard(t *testing.T) {
	m := checklistModel(t, 80, 24, shopReadiness)
	m = moveTo(t, m, tsFindingKey(t, m.snap, 32))
	next, cmd := update(m, keyMsg("y"))
	if cmd == nil {
		t.Fatal("y returned no command")
	}
	want := "backend/src/orders.ts:32: Type '{ id: string; customer: string; total: string; lines: never[]; }' is not assignable to type 'Order'. Types of property 'total' are incompatible. Type 'string' is not assignable to type 'number'."
	if got := reflect.ValueOf(cmd()).String(); got != want {
		t.Fatalf("clipboard %q\nwant %q", got, want)
	}
	if next.status != "copied: "+want {
		t.Fatalf("status %q", next.status)
	}
	m = moveTo(t, m, itemKey(t, m, "API builds"))
	if _, cmd := update(m, keyMsg("y")); reflect.ValueOf(cmd()).String() != "READINESS.md:6: API builds" {
		t.Fatal("an item copies as file:line: text")
	}
}

func TestNewFindingsAndCountsSinceLastRunAndStart(t *testing.T) {
	m := checklistModel(t, 80, 24, shopReadiness)
	run := func(s model.Snapshot, gen uint64, edit func([]model.Finding) []model.Finding) model.Snapshot {
		s = withCollector(s, "typescript:backend", func(c *model.CollectorState) bool {
			c.Findings = edit(append([]model.Finding(nil), c.Findings...))
			c.FinishedAt = c.FinishedAt.Add(time.Minute)
			return true
		})
		s.Generation = gen
		return s
	}
	added := tsFinding(40, 5, "TS2554", "Expected 2 arguments, but got 1.")
	added.ID = "new1"
	s1 := run(m.snap, 8, func(fs []model.Finding) []model.Finding { return append(fs[1:], added) }) // fixes line 18
	m = deliver(t, m, s1)
	if m.lastRun != (delta{appeared: 1, fixed: 1}) || m.session != (delta{appeared: 1, fixed: 1}) {
		t.Fatalf("after one run: last %+v session %+v", m.lastRun, m.session)
	}
	if n := m.tree.nodes[findingKey("typescript:backend", "new1")]; n == nil || !n.isNew {
		t.Fatal("the new finding is not marked")
	}
	s2 := run(s1, 9, func(fs []model.Finding) []model.Finding { return fs[:1] }) // fixes 32 and the new one
	m = deliver(t, m, s2)
	if m.lastRun != (delta{fixed: 2}) || m.session != (delta{fixed: 2}) {
		t.Fatalf("after two runs: last %+v session %+v", m.lastRun, m.session)
	}
	if n := m.tree.nodes[tsFindingKey(t, s2, 26)]; n.isNew {
		t.Fatal("a finding that was there before is marked new")
	}
	if !strings.Contains(screen(m), "run +0 −2 · session +0 −2") {
		t.Fatalf("header:\n%s", screen(m))
	}
}

// One change that reruns several collectors (the overlays of one
// Kubernetes base) is one run: the header counts what all of them found,
// not what the last to finish did, and the next change starts anew.
func TestARunCountsEveryCollectorItSetGoing(t *testing.T) {
	m := checklistModel(t, 80, 24, shopReadiness)
	other := ""
	for _, c := range m.snap.Collectors {
		if c.Collector != "typescript:backend" && c.HasEvidence() {
			other = c.Collector
			break
		}
	}
	if other == "" {
		t.Fatal("the fixture has one collector with evidence")
	}
	finish := func(s model.Snapshot, id string, gen, change uint64, running bool, extra int) model.Snapshot {
		s = withCollector(s, id, func(c *model.CollectorState) bool {
			c.Change = change
			for i := 0; i < extra; i++ {
				f := tsFinding(90+i, 1, "TS2304", "Cannot find name 'x'.")
				f.ID, f.Collector = fmt.Sprintf("%s-%d-%d", id, gen, i), id
				c.Findings = append(append([]model.Finding(nil), c.Findings...), f)
			}
			c.FinishedAt = c.FinishedAt.Add(time.Minute)
			return true
		})
		for i := range s.Collectors { // only the change's other collector may still be at work
			s.Collectors[i].Running = running && s.Collectors[i].Collector == other
		}
		s.Generation = gen
		return s
	}
	s := finish(m.snap, "typescript:backend", 8, 1, true, 1)
	m = deliver(t, m, s)
	s = finish(s, other, 9, 1, false, 2)
	m = deliver(t, m, s)
	if m.lastRun != (delta{appeared: 3}) {
		t.Fatalf("the run of two collectors counts %+v, want +3", m.lastRun)
	}
	s = finish(s, "typescript:backend", 10, 2, true, 1)
	m = deliver(t, m, s)
	if m.lastRun != (delta{appeared: 1}) {
		t.Fatalf("the next change counts %+v, want +1", m.lastRun)
	}
	// A run an earlier change set going, finishing late, is not this one's.
	s = finish(s, other, 11, 1, false, 1)
	m = deliver(t, m, s)
	if m.lastRun != (delta{appeared: 1}) || m.session != (delta{appeared: 5}) {
		t.Fatalf("after a late result of the first change: run %+v session %+v, want +1 and +5", m.lastRun, m.session)
	}
}

func TestHistoryIsRecordedOncePerCompletedRun(t *testing.T) {
	root := fixtureRoot(t)
	var got []model.HistoryPoint
	start := fixtureSnapshot(root) // go:worker still running: not complete
	m := New(Options{Root: root, Initial: start, Now: func() time.Time { return fixtureNow }, Record: func(p model.HistoryPoint) { got = append(got, p) }})
	done := withCollector(start, "go:worker", func(c *model.CollectorState) bool {
		c.Running, c.Status, c.FinishedAt = false, model.StatusOK, fixtureNow
		return true
	})
	done.Generation = 8
	m = deliver(t, m, done)
	again := done.Clone()
	again.Generation = 9 // the same results again: nothing new to record
	m = deliver(t, m, again)
	cached := done.Clone()
	cached.Generation, cached.FromCache = 10, true
	cached.Collectors[0].FinishedAt = fixtureNow.Add(time.Hour)
	m = deliver(t, m, cached)
	if len(got) != 1 || got[0].Total() != 4 || got[0].Verdict != model.NoGo || len(m.history) != 1 {
		t.Fatalf("recorded %+v, kept %d", got, len(m.history))
	}
}

func TestSparklineScalesToTheLargest(t *testing.T) {
	pts := func(ns ...int) []model.HistoryPoint {
		var out []model.HistoryPoint
		for _, n := range ns {
			out = append(out, model.HistoryPoint{Blockers: map[string]int{"build": n}})
		}
		return out
	}
	for _, tc := range []struct {
		in   []model.HistoryPoint
		n    int
		want string
	}{
		{pts(0, 0), 5, "▁▁"},
		{pts(8, 4, 0, 1), 5, "█▄▁▁"},
		{pts(1, 2, 3, 4, 5, 6, 7, 8), 3, "▆▇█"},
	} {
		if got := sparkline(tc.in, tc.n); got != tc.want {
			t.Errorf("sparkline = %q, want %q", got, tc.want)
		}
	}
}

func TestReadOnlyChecklistSaysSo(t *testing.T) {
	m := checklistModel(t, 80, 24, shopReadiness)
	m = press(t, moveTo(t, m, itemKey(t, m, "Web type-checks")), "space")
	if m.status != "the checklist is read-only here" {
		t.Fatalf("status %q", m.status)
	}
	m = press(t, moveTo(t, m, tsFindingKey(t, m.snap, 26)), "a")
	if m.prompt != nil || m.status != "acknowledgments are not available here" {
		t.Fatalf("status %q", m.status)
	}
}

func TestInitOnlyWhenThereIsNoChecklist(t *testing.T) {
	root := fixtureRoot(t)
	s := fixtureSnapshot(root)
	s.Checklist = &model.Checklist{}
	rec := &recorder{}
	m := New(Options{Root: root, Initial: s, Now: func() time.Time { return fixtureNow }, Checklist: rec})
	m = press(t, m, "G", "I")
	if !reflect.DeepEqual(rec.calls, []string{"init"}) || m.status != "wrote it" {
		t.Fatalf("calls %v status %q", rec.calls, m.status)
	}
	m = checklistModel(t, 80, 24, shopReadiness)
	m.actions = rec
	if m = press(t, m, "I"); len(rec.calls) != 1 || m.status != "READINESS.md exists already" {
		t.Fatalf("calls %v status %q", rec.calls, m.status)
	}
}

func TestNewSinceBaseShowsOnlyWhatTheChangeAdds(t *testing.T) {
	root := fixtureRoot(t)
	snap := fixtureSnapshot(root)
	m := New(Options{Root: root, Initial: snap, Now: func() time.Time { return fixtureNow }})
	m, _ = update(m, tea.WindowSizeMsg{Width: 120, Height: 30})
	all := findingRows(m)
	if m = press(t, m, "n"); !strings.Contains(m.status, "no base to compare with yet") || len(findingRows(m)) != len(all) {
		t.Fatalf("n without a base: status %q rows %v", m.status, findingRows(m))
	}

	// The base had every finding but the first TS2322 (line 26).
	base := snap.Clone()
	var fresh model.Finding
	for i := range base.Collectors {
		c := &base.Collectors[i]
		for j, f := range c.Findings {
			if f.Rule == "TS2322" && f.Line == 26 {
				fresh = f
				c.Findings = append(c.Findings[:j:j], c.Findings[j+1:]...)
				break
			}
		}
	}
	base.Collectors = append(base.Collectors, model.CollectorState{Result: model.Result{Collector: "eslint:web", Status: model.StatusOK,
		Findings: []model.Finding{{ID: "gone", Collector: "eslint:web", Rule: "no-console"}}}})
	if fresh.ID == "" {
		t.Fatal("the fixture has no TS2322 at line 26")
	}
	now := snap.Clone()
	now.Collectors = append(now.Collectors, model.CollectorState{Result: model.Result{Collector: "eslint:web", Status: model.StatusOK, Domain: "build"}})
	now.Base = model.Compare(now, base, "main", "abc123")
	now.Generation = snap.Generation + 1
	m = deliver(t, m, now)
	if got := screen(m); !strings.Contains(got, "+1 new · −1 fixed vs main") {
		t.Fatalf("the header does not say what the change adds:\n%s", got)
	}
	m = press(t, m, "n")
	if got := findingRows(m); !reflect.DeepEqual(got, []string{"TS2322@26"}) {
		t.Fatalf("n: rows %v, want only the new finding", got)
	}
	if !strings.Contains(screen(m), "(showing the new)") {
		t.Errorf("the header does not say only the new are shown:\n%s", screen(m))
	}
	if m = press(t, m, "n"); len(findingRows(m)) != len(all) {
		t.Fatalf("n again: %v", findingRows(m))
	}
}
