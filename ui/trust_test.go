package ui

import (
	"errors"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/model"

	tea "charm.land/bubbletea/v2"
)

func TestTrustKeyTrustsAndReports(t *testing.T) {
	calls := 0
	m := New(Options{Root: "/repo", Trust: func() (string, error) {
		calls++
		return "preflight.yaml trusted as it is now: running custom:lint", nil
	}})
	_, cmd := m.Update(tea.KeyPressMsg{Code: 'T', Text: "T"})
	if cmd == nil {
		t.Fatal("T returned no command")
	}
	msg := cmd()
	if calls != 1 {
		t.Fatalf("trust called %d times", calls)
	}
	next, _ := m.Update(msg)
	if got := next.(Model).status; got != "preflight.yaml trusted as it is now: running custom:lint" {
		t.Errorf("status = %q", got)
	}

	failing := New(Options{Root: "/repo", Trust: func() (string, error) { return "", errors.New("no place to keep trust records") }})
	_, cmd = failing.Update(tea.KeyPressMsg{Code: 'T', Text: "T"})
	next, _ = failing.Update(cmd())
	if got := next.(Model).status; got != "no place to keep trust records" {
		t.Errorf("status = %q", got)
	}
}

// The header asks for trust while collectors wait for it, naming them.
func TestHeaderAsksForTrustWhileCollectorsWait(t *testing.T) {
	snap := model.Snapshot{Root: "/repo", Collectors: []model.CollectorState{
		{Result: model.WaitingForTrust("eslint:web", "eslint", "build", "node_modules/.bin/eslint", "press T")},
		{Result: model.Result{Collector: "secrets:repo", Kind: "secrets", Domain: "security", Status: model.StatusOK}},
	}}
	m := New(Options{Root: "/repo", Initial: snap})
	m, _ = update(m, tea.WindowSizeMsg{Width: 120, Height: 30})
	got := strings.Join(m.header(), "\n")
	if !strings.Contains(got, "press T to let it run its own code (eslint:web)") {
		t.Errorf("header does not ask for trust:\n%s", got)
	}
	// Once trusted, a collector that runs is no longer waiting, though its
	// last result still says it was held back.
	running := snap.Clone()
	running.Trust, running.Collectors[0].Running = model.Trusted, true
	m = New(Options{Root: "/repo", Initial: running})
	m, _ = update(m, tea.WindowSizeMsg{Width: 120, Height: 30})
	if got := strings.Join(m.header(), "\n"); strings.Contains(got, "press T") {
		t.Errorf("header asks for trust while the trusted collector runs:\n%s", got)
	}
	snap.Collectors[0].Result = model.Result{Collector: "eslint:web", Kind: "eslint", Domain: "build", Status: model.StatusOK}
	m = New(Options{Root: "/repo", Initial: snap})
	m, _ = update(m, tea.WindowSizeMsg{Width: 120, Height: 30})
	if got := strings.Join(m.header(), "\n"); strings.Contains(got, "press T") {
		t.Errorf("header still asks once nothing waits:\n%s", got)
	}
}
