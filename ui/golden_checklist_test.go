package ui

import (
	"path/filepath"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/preflight-dev/preflight/model"
)

// typeText types s into the cockpit one character at a time, as a
// terminal delivers it.
func typeText(t testing.TB, m Model, s string) Model {
	t.Helper()
	for _, r := range s {
		var cmd tea.Cmd
		m, cmd = update(m, tea.KeyPressMsg{Code: r, Text: string(r)})
		m = settle(t, m, cmd)
	}
	return m
}

func TestGoldenChecklist(t *testing.T) {
	for _, sz := range []struct{ w, h int }{{80, 24}, {160, 48}} {
		suffix := "_" + itoa(sz.w) + "x" + itoa(sz.h)
		t.Run("contradicted"+suffix, func(t *testing.T) {
			m := checklistModel(t, sz.w, sz.h, shopReadiness)
			checkScreen(t, moveTo(t, m, itemKey(t, m, "Backend type-checks")))
		})
	}
	t.Run("claim_80x24", func(t *testing.T) {
		m := checklistModel(t, 80, 24, shopReadiness)
		checkScreen(t, moveTo(t, m, itemKey(t, m, "Checkout tried by hand on staging")))
	})
	t.Run("unknown_item_80x24", func(t *testing.T) {
		m := checklistModel(t, 80, 24, shopReadiness)
		checkScreen(t, moveTo(t, m, itemKey(t, m, "Web type-checks")))
	})
	t.Run("no_readiness_80x24", func(t *testing.T) {
		root := fixtureRoot(t)
		t.Setenv("HOME", filepath.Dir(root))
		s := fixtureSnapshot(root)
		s.Checklist = &model.Checklist{}
		m := New(Options{Root: root, Initial: s, Now: func() time.Time { return fixtureNow }})
		m, _ = update(m, tea.WindowSizeMsg{Width: 80, Height: 24})
		checkScreen(t, press(t, m, "G"))
	})
	t.Run("problems_80x24", func(t *testing.T) {
		m := checklistModel(t, 80, 24, shopReadiness+"<<<<<<< HEAD\n- [x] Rollback steps written down\n=======\n- [ ] Rollback plan\n>>>>>>> main\n- [ ] broken <!-- verify: typescript[ -->\n")
		checkScreen(t, moveTo(t, m, checklistKey))
	})
	t.Run("grouped_by_rule_80x24", func(t *testing.T) {
		checkScreen(t, press(t, checklistModel(t, 80, 24, shopReadiness), "o", "j"))
	})
	t.Run("grouped_by_file_160x48", func(t *testing.T) {
		m := press(t, checklistModel(t, 160, 48, shopReadiness), "o", "o", "j", "l")
		checkScreen(t, m)
	})
	t.Run("filter_80x24", func(t *testing.T) {
		m := press(t, checklistModel(t, 80, 24, shopReadiness), "/")
		m = typeText(t, m, "TS2322")
		checkScreen(t, press(t, m, "enter"))
	})
	t.Run("filter_typing_80x24", func(t *testing.T) {
		m := press(t, checklistModel(t, 80, 24, shopReadiness), "/")
		checkScreen(t, typeText(t, m, "sev:block orders"))
	})
	t.Run("blockers_only_80x24", func(t *testing.T) {
		checkScreen(t, press(t, checklistModel(t, 80, 24, shopReadiness), "b"))
	})
	t.Run("ack_prompt_80x24", func(t *testing.T) {
		m := checklistModel(t, 80, 24, shopReadiness)
		m.actions = &fileActions{}
		m = moveTo(t, m, tsFindingKey(t, m.snap, 26))
		m = typeText(t, press(t, m, "a"), "legacy field, replaced in #412")
		checkScreen(t, m)
	})
	t.Run("acknowledged_80x24", func(t *testing.T) {
		root := fixtureRoot(t)
		snap := fixtureSnapshot(root)
		id := tsFindingID(t, snap, 26)
		m := checklistModel(t, 80, 24, shopReadiness+"\n## Accepted risks\n\n- TS2322 at backend/src/orders.ts:26:9 — legacy field, replaced in #412 <!-- ack: "+id+" by Ana Lima on 2026-03-14 until 2026-04-30 -->\n")
		checkScreen(t, moveTo(t, m, tsFindingKey(t, m.snap, 26)))
	})
	t.Run("new_since_last_run_80x24", func(t *testing.T) {
		m := checklistModel(t, 80, 24, shopReadiness)
		m.history = []model.HistoryPoint{
			{At: fixtureNow.Add(-time.Hour), Blockers: map[string]int{"build": 9, "tests": 3}},
			{At: fixtureNow.Add(-30 * time.Minute), Blockers: map[string]int{"build": 6, "tests": 2}},
			{At: fixtureNow.Add(-10 * time.Minute), Blockers: map[string]int{"build": 3, "tests": 1}},
		}
		next := withCollector(m.snap, "typescript:backend", func(c *model.CollectorState) bool {
			var fs []model.Finding
			for _, f := range c.Findings {
				if f.Line != 18 {
					fs = append(fs, f)
				}
			}
			added := tsFinding(40, 5, "TS2554", "Expected 2 arguments, but got 1.")
			fs = append(fs, added)
			model.AssignIDs(fs)
			c.Findings = fs
			c.FinishedAt = fixtureNow.Add(-time.Second)
			return true
		})
		next = withCollector(next, "go:worker", func(c *model.CollectorState) bool {
			c.Running, c.Status, c.FinishedAt, c.Duration = false, model.StatusOK, fixtureNow, time.Second
			return true
		})
		next.Generation = 8
		m = deliver(t, m, withChecklist(next, shopReadiness))
		checkScreen(t, m)
	})
}

// tsFindingID is the fingerprint of the fixture's TypeScript finding at line.
func tsFindingID(t testing.TB, snap model.Snapshot, line int) string {
	t.Helper()
	for _, c := range snap.Collectors {
		for _, f := range c.Findings {
			if f.Collector == "typescript:backend" && f.Line == line {
				return f.ID
			}
		}
	}
	t.Fatalf("no TypeScript finding at line %d", line)
	return ""
}
