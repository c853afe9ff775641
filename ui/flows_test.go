package ui

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/preflight-dev/preflight/model"
)

// These flows run the cockpit as a program with a real READINESS.md
// behind it: keys go through the input loop, edits are written to the
// file, and the new state comes back as a snapshot, as in the cockpit.

func typeInto(tm *teatest.TestModel, s string) {
	for _, r := range s {
		tm.Send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// applied returns once the program shows the file as it is now: it hands
// the program the current state twice, and the second hand-over proves
// the first was applied (snapshots are applied in order, and an older
// one in flight is dropped).
func applied(t *testing.T, fa *fileActions) {
	t.Helper()
	push(t, fa.updates, fa.snapshot())
}

// waitForFile waits until the file contains want.
func waitForFile(t *testing.T, fa *fileActions, want string) string {
	t.Helper()
	deadline := time.Now().Add(programTimeout)
	for {
		got := fa.content(t)
		if strings.Contains(got, want) {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("READINESS.md never got %q:\n%s", want, got)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func checklistProgram(t *testing.T, src string) (*teatest.TestModel, *fileActions) {
	t.Helper()
	root := fixtureRoot(t)
	base := fixtureSnapshot(root)
	fa := newFileActions(t, base, src)
	tm := startProgram(t, Options{Root: root, Initial: withChecklist(base, src), Updates: fa.updates, Checklist: fa}, 80, 24)
	return tm, fa
}

func TestFlowTick(t *testing.T) {
	tm, fa := checklistProgram(t, shopReadiness)
	send(tm, "G", "space") // the last row: "Rollback steps written down"
	got := waitForFile(t, fa, "- [x] Rollback steps written down <!-- checked: 2026-03-14T14:04:00Z by Ana Lima -->")
	if strings.Count(got, "\n") != strings.Count(shopReadiness, "\n") {
		t.Fatalf("the tick changed more than its line:\n%s", got)
	}
	applied(t, fa)
	m := finalModel(t, tm)
	var rollback model.ChecklistItem
	for _, it := range m.snap.Checklist.Items {
		if it.Text == "Rollback steps written down" {
			rollback = it
		}
	}
	if !rollback.Checked || rollback.State != model.ItemChecked || rollback.CheckedBy != "Ana Lima" {
		t.Fatalf("the cockpit shows %+v", rollback)
	}
}

func TestFlowUntickAContradictedItem(t *testing.T) {
	tm, fa := checklistProgram(t, shopReadiness)
	// Build is open (blockers), the checklist too (a contradiction): the
	// first item is the 8th row up from the last.
	send(tm, "G")
	for range 8 {
		send(tm, "k")
	}
	send(tm, "space")
	waitForFile(t, fa, "- [ ] Backend type-checks <!-- verify: typescript[\"backend\"].errors == 0 -->\n")
	applied(t, fa)
	m := finalModel(t, tm)
	if a := model.Assess(m.snap); strings.Contains(strings.Join(a.Reasons, ";"), "contradicted") {
		t.Fatalf("still contradicted: %v", a.Reasons)
	}
	if n := m.current(); n.kind != itemNode || n.item.State != model.ItemFailing {
		t.Fatalf("cursor on %s, state %s", m.cursorID, n.item.State)
	}
}

func TestFlowAcknowledge(t *testing.T) {
	tm, fa := checklistProgram(t, shopReadiness)
	send(tm, "j", "j", "j", "j", "j", "a") // the TS2322 at line 26
	typeInto(tm, "legacy field, replaced in #412")
	send(tm, "enter")
	typeInto(tm, "2026-04-30")
	send(tm, "enter")
	id := tsFindingID(t, fixtureSnapshot(fixtureRoot(t)), 26)
	got := waitForFile(t, fa, "\n## Accepted risks\n\n- TS2322 at backend/src/orders.ts:26:9 — legacy field, replaced in #412 <!-- ack: "+id+" by Ana Lima on 2026-03-14 until 2026-04-30 -->\n")
	if !strings.HasPrefix(got, shopReadiness) {
		t.Fatalf("the acknowledgment rewrote what was there:\n%s", got)
	}
	applied(t, fa)
	m := finalModel(t, tm)
	n := m.current()
	if n.kind != findingNode || !n.acked || m.assess.Acknowledged != 1 {
		t.Fatalf("cursor on %s acked %v; acknowledged %d", m.cursorID, n.acked, m.assess.Acknowledged)
	}
	if !strings.HasPrefix(strings.Join(m.assess.Reasons, "; "), "3 open blockers") {
		t.Fatalf("reasons %v", m.assess.Reasons)
	}
}

func TestFlowFilterAndCopy(t *testing.T) {
	tm, _ := checklistProgram(t, shopReadiness)
	send(tm, "/")
	typeInto(tm, "rule:TS2322")
	send(tm, "enter", "j", "j", "y")
	want := "backend/src/orders.ts:26: Type 'string' is not assignable to type 'number'."
	osc := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(want))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(osc)) },
		teatest.WithDuration(programTimeout))
	m := finalModel(t, tm)
	if got := findingRows(m); strings.Join(got, " ") != "TS2322@26 TS2322@32" {
		t.Fatalf("rows %v", got)
	}
	if _, shown := m.tree.nodes[checklistKey]; shown {
		t.Fatal("a rule: filter must hide the checklist")
	}
}

func TestFlowGroup(t *testing.T) {
	tm, _ := checklistProgram(t, shopReadiness)
	send(tm, "o", "j", "l") // by rule; open the first group
	m := finalModel(t, tm)
	if m.view.group != byRule || m.cursorID != "group:build/rule/TS2322" || !m.unfolded(m.current()) {
		t.Fatalf("group %v cursor %s", m.view.group, m.cursorID)
	}
	if got := findingRows(m); strings.Join(got, " ") != "TS2322@26 TS2322@32" {
		t.Fatalf("open group shows %v", got)
	}

	tm, _ = checklistProgram(t, shopReadiness)
	send(tm, "o", "o")
	m = finalModel(t, tm)
	var groups []string
	for _, r := range m.rows {
		if r.kind == groupNode {
			groups = append(groups, r.group+"="+itoa(len(r.children)))
		}
	}
	if m.view.group != byFile || strings.Join(groups, " ") != "backend/src/orders.ts=3 api/orders_test.go=1" {
		t.Fatalf("by file: %v", groups)
	}
}
