package ui

import (
	"errors"
	"testing"

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
