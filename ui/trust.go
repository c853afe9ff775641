package ui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
)

// trustCmd trusts the repository's preflight.yaml commands off the UI
// goroutine (it writes the trust store and asks for reruns).
func (m Model) trustCmd() tea.Cmd {
	trust := m.trust
	if trust == nil {
		return func() tea.Msg {
			return actionDoneMsg{text: "run 'preflight trust' in a terminal, then press r"}
		}
	}
	return func() tea.Msg {
		if err := trust(); err != nil {
			return actionDoneMsg{err: err}
		}
		return actionDoneMsg{text: "preflight.yaml trusted: its commands will run"}
	}
}

// trustAsk asks, in the header, to trust the repository while collectors
// wait for it, and says what would run.
func (m Model) trustAsk() string {
	waiting := m.snap.WaitingForTrust()
	if len(waiting) == 0 {
		return ""
	}
	var ids []string
	for _, c := range waiting {
		ids = append(ids, c.Collector)
	}
	return fmt.Sprintf("this repository is not trusted: press T to let it run its own code (%s)", strings.Join(ids, ", "))
}
