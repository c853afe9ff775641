package ui

import tea "charm.land/bubbletea/v2"

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
