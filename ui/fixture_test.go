package ui

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/internal/teasettle"
	"github.com/preflight-dev/preflight/model"
)

// The fixture is a small shop: a TypeScript backend with three type errors,
// a web package whose TypeScript is not installed, and a Go API whose build
// is clean but one test fails, plus a worker module still being checked.
// Messages and output are what tsc and go test printed on the files under
// testdata/shop.

var fixtureNow = time.Date(2026, 3, 14, 14, 5, 0, 0, time.UTC)

func at(h, m, s, ms int) time.Time {
	return time.Date(2026, 3, 14, h, m, s, ms*int(time.Millisecond), time.UTC)
}

func fixtureRoot(t testing.TB) string {
	t.Helper()
	return fixturetest.Testdata(t, "shop")
}

const tscOutput = `src/orders.ts(18,3): error TS2741: Property 'total' is missing in type '{ id: string; customer: string; lines: never[]; }' but required in type 'Order'.
src/orders.ts(26,9): error TS2322: Type 'string' is not assignable to type 'number'.
src/orders.ts(32,9): error TS2322: Type '{ id: string; customer: string; total: string; lines: never[]; }' is not assignable to type 'Order'.
  Types of property 'total' are incompatible.
    Type 'string' is not assignable to type 'number'.
`

const goTestOutput = `=== RUN   TestSlug
    orders_test.go:12: Slug("Grace  Hopper") = "grace_hopper", want "grace-hopper"
--- FAIL: TestSlug (0.00s)
=== RUN   TestSlugEmpty
--- PASS: TestSlugEmpty (0.00s)
FAIL
FAIL	example.com/shop/api	0.003s
`

func tsFinding(line, col int, rule, msg string) model.Finding {
	return model.Finding{
		Collector: "typescript:backend", Domain: "build", Severity: model.Blocker,
		Rule: rule, Message: msg, File: "backend/src/orders.ts", Line: line, Column: col,
	}
}

func fixtureSnapshot(root string) model.Snapshot {
	ts := []model.Finding{
		tsFinding(18, 3, "TS2741", "Property 'total' is missing in type '{ id: string; customer: string; lines: never[]; }' but required in type 'Order'."),
		tsFinding(26, 9, "TS2322", "Type 'string' is not assignable to type 'number'."),
		tsFinding(32, 9, "TS2322", "Type '{ id: string; customer: string; total: string; lines: never[]; }' is not assignable to type 'Order'.\n  Types of property 'total' are incompatible.\n    Type 'string' is not assignable to type 'number'."),
	}
	model.AssignIDs(ts)
	tests := []model.Finding{{
		Collector: "go-test:api", Domain: "tests", Severity: model.Blocker, Rule: "TestSlug",
		Message: `Slug("Grace  Hopper") = "grace_hopper", want "grace-hopper"`,
		File:    "api/orders_test.go", Line: 12,
	}}
	model.AssignIDs(tests)

	web := model.Unknown("typescript:web", "typescript", "build",
		"no TypeScript compiler: web/node_modules/typescript is missing and tsc is not on PATH",
		"run `npm install` in web/, or `npm install -g typescript`")
	web.StartedAt, web.FinishedAt, web.Duration = at(14, 1, 57, 0), at(14, 1, 57, 3), 3*time.Millisecond

	return model.Snapshot{
		Root:        root,
		GeneratedAt: at(14, 4, 58, 0),
		Generation:  7,
		Watch:       model.WatchState{Active: true, Dirs: 214},
		LastTrigger: "backend/src/orders.ts",
		Collectors: []model.CollectorState{
			{Result: model.Result{
				Collector: "typescript:backend", Kind: "typescript", Domain: "build", Status: model.StatusOK,
				Command:  "tsc --noEmit --pretty false -p backend/tsconfig.json",
				ExitCode: 2, StartedAt: at(14, 2, 7, 0), FinishedAt: at(14, 2, 11, 100), Duration: 4100 * time.Millisecond,
				Facts: map[string]float64{"errors": 3}, Findings: ts, Output: tscOutput, Trigger: "backend/src/orders.ts",
			}},
			{Result: model.Result{
				Collector: "go:api", Kind: "go", Domain: "build", Status: model.StatusOK,
				Command:  "go build ./... && go vet ./...",
				ExitCode: 0, StartedAt: at(14, 1, 57, 0), FinishedAt: at(14, 1, 58, 300), Duration: 1300 * time.Millisecond,
				Facts: map[string]float64{"packages": 1},
			}},
			{Result: model.Result{
				Collector: "go-test:api", Kind: "go-test", Domain: "tests", Status: model.StatusOK,
				Command:  "go test -json ./...",
				ExitCode: 1, StartedAt: at(14, 1, 59, 400), FinishedAt: at(14, 2, 2, 100), Duration: 2700 * time.Millisecond,
				Facts:    map[string]float64{"tests.passed": 1, "tests.failed": 1, "tests.skipped": 0},
				Findings: tests, Output: goTestOutput, Trigger: "api/orders_test.go",
			}},
			{Result: web},
			{Result: model.Result{Collector: "go:worker", Kind: "go", Domain: "build", Status: model.StatusUnknown, StartedAt: at(14, 4, 48, 0)}, Running: true},
		},
	}
}

func fixtureModel(t testing.TB, w, h int) Model {
	t.Helper()
	root := fixtureRoot(t)
	// The header shows the root under ~, which makes it the same on every
	// machine.
	t.Setenv("HOME", filepath.Dir(root))
	m := New(Options{Root: root, Initial: fixtureSnapshot(root), Now: func() time.Time { return fixtureNow }})
	m, _ = update(m, tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

// tsFindingKey is the tree id of the fixture's TypeScript finding at line.
func tsFindingKey(t testing.TB, snap model.Snapshot, line int) string {
	t.Helper()
	for _, c := range snap.Collectors {
		for _, f := range c.Findings {
			if f.Collector == "typescript:backend" && f.Line == line {
				return findingKey(f.Collector, f.ID)
			}
		}
	}
	t.Fatalf("no TypeScript finding at line %d", line)
	return ""
}

func update(m Model, msg tea.Msg) (Model, tea.Cmd) {
	next, cmd := m.Update(msg)
	return next.(Model), cmd
}

func keyMsg(k string) tea.KeyPressMsg {
	special := map[string]rune{
		"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
		"enter": tea.KeyEnter, "esc": tea.KeyEscape, "home": tea.KeyHome, "end": tea.KeyEnd,
		"pgdown": tea.KeyPgDown, "pgup": tea.KeyPgUp, "space": tea.KeySpace, "f5": tea.KeyF5,
	}
	if code, ok := special[k]; ok {
		return tea.KeyPressMsg{Code: code}
	}
	if rest, ok := strings.CutPrefix(k, "ctrl+"); ok {
		return tea.KeyPressMsg{Code: []rune(rest)[0], Mod: tea.ModCtrl}
	}
	return tea.KeyPressMsg{Code: []rune(k)[0], Text: k}
}

// press sends keys one by one and settles the commands they return, as
// the program would.
func press(t testing.TB, m Model, keys ...string) Model {
	t.Helper()
	for _, k := range keys {
		var cmd tea.Cmd
		m, cmd = update(m, keyMsg(k))
		m = settle(t, m, cmd)
	}
	return m
}

// settle runs cmd and feeds what it produces back into the model, the way
// the program loop does.
func settle(t testing.TB, m Model, cmd tea.Cmd) Model {
	t.Helper()
	return teasettle.Settle(t, m, cmd, update)
}

// moveTo presses j or k until the cursor is on id.
func moveTo(t testing.TB, m Model, id string) Model {
	t.Helper()
	for range len(m.rows) {
		switch i := m.indexOf(id); {
		case i < 0:
			t.Fatalf("%s is not a visible row; rows: %v", id, rowIDs(m))
		case i == m.cursor:
			return m
		case i > m.cursor:
			m = press(t, m, "j")
		default:
			m = press(t, m, "k")
		}
	}
	if m.cursorID != id {
		t.Fatalf("could not reach %s; cursor on %s", id, m.cursorID)
	}
	return m
}

func rowIDs(m Model) []string {
	ids := make([]string, len(m.rows))
	for i, r := range m.rows {
		ids[i] = r.id
	}
	return ids
}
