package ui

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/preflight-dev/preflight/model"
)

// trustDoneMsg is how the trust key went: what Options.Trust said it did.
type trustDoneMsg struct {
	text string
	err  error
	at   time.Time
}

// trustNote is the trust key's last outcome as shown in the status line.
type trustNote struct {
	at   time.Time
	text string
}

// trustCmd trusts the repository's preflight.yaml commands off the UI
// goroutine (it writes the trust store and asks for reruns).
func (m Model) trustCmd() tea.Cmd {
	trust, now := m.trust, m.now
	if trust == nil {
		return func() tea.Msg {
			return actionDoneMsg{text: "run 'preflight trust' in a terminal: the cockpit picks it up by itself"}
		}
	}
	return func() tea.Msg {
		at := now()
		text, err := trust()
		return trustDoneMsg{text: text, err: err, at: at}
	}
}

func (m Model) trustDone(msg trustDoneMsg) Model {
	if msg.err != nil {
		m.status = msg.err.Error()
		m.trusted = trustNote{}
		return m
	}
	m.status = msg.text
	m.trusted = trustNote{at: msg.at, text: msg.text}
	return m
}

// refreshTrustNote keeps the trust key's message true: once a collector
// waits for trust again after it (preflight.yaml changed its commands, a
// script it runs changed, or the trust was revoked in another terminal),
// the message says so instead of still claiming they will run.
func (m *Model) refreshTrustNote() {
	if m.trusted.text == "" || m.status != m.trusted.text {
		return
	}
	for _, c := range m.snap.Collectors {
		if c.Waiting == model.GateTrust && c.FinishedAt.After(m.trusted.at) {
			m.status = "what was trusted changed, or the trust was revoked: " + c.Collector + " waits for trust again (" +
				m.keys.Trust.Help().Key + ")"
			m.trusted = trustNote{}
			return
		}
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
		if c.Running && m.snap.Trust == model.Trusted {
			continue // trust was given and it runs now: it waits no more
		}
		ids = append(ids, c.Collector)
	}
	if len(ids) == 0 {
		return ""
	}
	return fmt.Sprintf("this repository is not trusted: press T to let it run its own code (%s)", strings.Join(ids, ", "))
}
