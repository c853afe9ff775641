package ui

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// Message is something the rest of preflight has to tell the person at the
// cockpit while it owns the terminal: a warning about preflight.yaml, a
// cache that cannot be written, trust given in another terminal. Nothing
// but the View may write to the terminal while the cockpit runs, so such
// text comes here instead of going to stderr, where it would be printed
// over the screen.
type Message struct {
	At      time.Time
	Text    string
	Warning bool
}

// maxMessages bounds the messages kept for the messages view.
const maxMessages = 200

// messageMsg delivers a message read from Options.Messages.
type messageMsg struct{ msg Message }

// messagesClosedMsg says no more messages will come.
type messagesClosedMsg struct{}

// messageAgeMsg comes once a minute while a message is unread, so that
// the header's "— 3m ago" keeps up when nothing else happens.
type messageAgeMsg struct{}

func messageAgeTick() tea.Cmd {
	return tea.Tick(time.Minute, func(time.Time) tea.Msg { return messageAgeMsg{} })
}

func (m Model) waitForMessage() tea.Cmd {
	if m.messages == nil {
		return nil
	}
	ch := m.messages
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return messagesClosedMsg{}
		}
		return messageMsg{msg: msg}
	}
}

// addMessage keeps msg for the messages view and counts it unread until
// the view is opened. A message repeated as it is only refreshes its
// time, so a warning given on every reload is one line.
func (m *Model) addMessage(msg Message) {
	msg.Text = strings.TrimSpace(msg.Text)
	if msg.Text == "" {
		return
	}
	if msg.At.IsZero() {
		msg.At = m.now()
	}
	log := make([]Message, 0, len(m.log)+1)
	for _, old := range m.log {
		if old.Text != msg.Text {
			log = append(log, old)
		}
	}
	log = append(log, msg)
	if len(log) > maxMessages {
		log = log[len(log)-maxMessages:]
	}
	m.log = log
	m.unread = min(m.unread+1, len(m.log))
}

// unreadLine is the header's line about messages not yet seen: the newest
// in full (as far as the screen allows) and how to read them all.
func (m Model) unreadLine() string {
	if m.unread == 0 || len(m.log) == 0 || m.width <= 0 {
		return ""
	}
	last := m.log[len(m.log)-1]
	more := "  (" + m.keys.Messages.Help().Key + " messages)"
	if m.unread > 1 {
		more = fmt.Sprintf("  (+%d more: press %s)", m.unread-1, m.keys.Messages.Help().Key)
	}
	if d := m.now().Sub(last.At); d >= time.Minute {
		// An event, not the state: "running eslint:." said minutes ago
		// must not read as running still.
		more = " — " + ago(m.now(), last.At) + more
	}
	mark := " ⚠ "
	if !last.Warning {
		mark = " ● "
	}
	text := sanitize(strings.Join(strings.Fields(m.relative(last.Text)), " "))
	room := max(1, m.width-ansi.StringWidth(mark)-ansi.StringWidth(more))
	line := mark + clip(text, room) + more
	if last.Warning {
		return m.styles.warning.Render(fit(line, m.width))
	}
	return m.styles.bold.Render(fit(line, m.width))
}

// messageContent is the messages view: every message of this session,
// newest first, with its time.
func (m Model) messageContent() []string {
	s := m.styles
	// The verdict's reasons in full first: the header cuts them on a
	// small terminal.
	lines := []string{s.bold.Render(" Verdict ") + s.verdict[m.assess.Verdict].Render(string(m.assess.Verdict))}
	if m.provisional() {
		lines[0] += " " + s.run.Render("so far")
	}
	for _, r := range m.reasons() {
		for i, l := range wrap(sanitize(r), max(10, m.width-6)) {
			mark := " • "
			if i > 0 {
				mark = "   "
			}
			lines = append(lines, "  "+mark+l)
		}
	}
	lines = append(lines, "", s.bold.Render(" Messages")+s.dim.Render(" — newest first; "+m.keys.Messages.Help().Key+" or esc closes"))
	if len(m.log) == 0 {
		return append(lines, s.dim.Render("   nothing to report"))
	}
	w := max(10, m.width-14)
	for i := len(m.log) - 1; i >= 0; i-- {
		msg := m.log[i]
		mark := "  "
		if msg.Warning {
			mark = s.unknown.Render("⚠ ")
		}
		stamp := s.dim.Render(msg.At.Format("15:04:05"))
		for j, l := range wrap(sanitize(m.relative(msg.Text)), w) {
			if j == 0 {
				lines = append(lines, " "+stamp+" "+mark+l)
			} else {
				lines = append(lines, strings.Repeat(" ", 12)+l)
			}
		}
	}
	return lines
}

// relative shortens the repository's own paths in a message to the way
// they are written in it (preflight.yaml:5:14, not /home/…/preflight.yaml).
func (m Model) relative(text string) string {
	if m.root == "" || m.root == "/" {
		return text
	}
	return strings.ReplaceAll(text, strings.TrimSuffix(m.root, "/")+"/", "")
}
