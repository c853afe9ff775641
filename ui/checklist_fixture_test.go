package ui

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/preflight-dev/preflight/checklist"
	"github.com/preflight-dev/preflight/model"
)

// The shop's READINESS.md: a ticked item the evidence refutes, one it
// verifies, one it cannot decide (web has no compiler), one failing, and
// manual claims, one nested.
const shopReadiness = `# Readiness

## Build

- [x] Backend type-checks <!-- verify: typescript["backend"].errors == 0 --> <!-- checked: 2026-03-14T13:50:00Z by Ana Lima -->
- [x] API builds <!-- verify: go["api"].packages == 1 --> <!-- checked: 2026-03-14T13:52:00Z by Ana Lima -->
- [ ] Web type-checks <!-- verify: typescript["web"].errors == 0 -->

## Testing

- [ ] API tests pass <!-- verify: go_test["api"].tests.failed == 0 -->
- [x] Checkout tried by hand on staging <!-- checked: 2026-03-13T17:20:00Z by Bo Chen -->
  - [ ] Refunds tried too

## Docker

- [ ] Rollback steps written down
`

// withChecklist is the fixture snapshot with src read against it.
func withChecklist(s model.Snapshot, src string) model.Snapshot {
	s.Checklist = checklist.Evaluate(checklist.Parse(checklist.FileName, []byte(src)), s)
	return s
}

func checklistModel(t testing.TB, w, h int, src string) Model {
	t.Helper()
	root := fixtureRoot(t)
	t.Setenv("HOME", filepath.Dir(root))
	m := New(Options{Root: root, Initial: withChecklist(fixtureSnapshot(root), src), Now: func() time.Time { return fixtureNow }})
	m, _ = update(m, tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

// itemKey is the tree id of the checklist item with this text.
func itemKey(t testing.TB, m Model, text string) string {
	t.Helper()
	for id, n := range m.tree.nodes {
		if n.kind == itemNode && n.item.Text == text {
			return id
		}
	}
	t.Fatalf("no item %q", text)
	return ""
}

// fileActions is what the cockpit's command line gives it: every edit goes
// to a real READINESS.md, and the new state comes back as a snapshot.
type fileActions struct {
	path    string
	base    model.Snapshot
	updates chan model.Snapshot
	who     string
	at      time.Time

	mu    sync.Mutex
	gen   uint64
	calls []string
}

func newFileActions(t *testing.T, base model.Snapshot, src string) *fileActions {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, checklist.FileName)
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return &fileActions{path: path, base: base, updates: make(chan model.Snapshot), who: "Ana Lima",
		at: time.Date(2026, 3, 14, 14, 4, 0, 0, time.UTC), gen: base.Generation}
}

// snapshot is the base snapshot with the file as it is now.
func (a *fileActions) snapshot() model.Snapshot {
	a.mu.Lock()
	defer a.mu.Unlock()
	d, _ := checklist.Load(filepath.Dir(a.path))
	s := a.base.Clone()
	s.Checklist = checklist.Evaluate(d, s)
	a.gen++
	s.Generation = a.gen
	return s
}

// publish sends the new state; a program that has quit no longer reads.
func (a *fileActions) publish() {
	select {
	case a.updates <- a.snapshot():
	case <-time.After(programTimeout):
	}
}

func (a *fileActions) record(call string) {
	a.mu.Lock()
	a.calls = append(a.calls, call)
	a.mu.Unlock()
}

func (a *fileActions) Tick(item model.ChecklistItem, checked bool) error {
	a.record("tick " + item.Text)
	_, err := checklist.Tick(a.path, checklist.Ref{Line: item.Line, Text: item.Text}, checked, checklist.Record{By: a.who, At: a.at})
	a.publish()
	return err
}

func (a *fileActions) Acknowledge(f model.Finding, reason string, until time.Time) error {
	a.record("ack " + f.ID + " " + reason + " " + until.Format("2006-01-02"))
	err := checklist.Acknowledge(a.path, model.Acknowledgment{Finding: f.ID, By: a.who, Reason: reason,
		Label: f.Rule + " at " + f.Location(), On: time.Date(2026, 3, 14, 0, 0, 0, 0, time.Local), Until: until})
	a.publish()
	return err
}

func (a *fileActions) Withdraw(f model.Finding) error {
	a.record("withdraw " + f.ID)
	err := checklist.Withdraw(a.path, f.ID)
	a.publish()
	return err
}

func (a *fileActions) Init() (string, error) {
	a.record("init")
	return "", nil
}

func (a *fileActions) content(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(a.path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
