package ui

import (
	"strings"
	"unicode"

	tea "charm.land/bubbletea/v2"
)

// promptKind is what a prompt on the bottom line asks for.
type promptKind int

const (
	filterPrompt   promptKind = iota
	reasonPrompt              // why a finding is acknowledged
	untilPrompt               // until when (optional)
	withdrawPrompt            // confirm withdrawing an acknowledgment
)

// prompt is a one-line question with the answer being typed. It is a
// small line editor of its own: typing appends, backspace and ctrl+w
// delete, ctrl+u clears; the cursor stays at the end.
type prompt struct {
	kind   promptKind
	label  string
	value  []rune
	target *node  // the finding an acknowledgment is about
	reason string // the reason, once given, while asking until when
	before filter // the filter to restore when a filter prompt is cancelled
}

func (p *prompt) text() string { return string(p.value) }

// edit applies a key to the answer; it reports whether the key was one
// the editor handles.
func (p *prompt) edit(msg tea.KeyPressMsg) bool {
	switch msg.String() {
	case "backspace", "ctrl+h":
		if len(p.value) > 0 {
			p.value = p.value[:len(p.value)-1]
		}
		return true
	case "ctrl+u":
		p.value = nil
		return true
	case "ctrl+w":
		s := strings.TrimRightFunc(string(p.value), unicode.IsSpace)
		i := strings.LastIndexFunc(s, unicode.IsSpace)
		p.value = []rune(s[:i+1])
		return true
	}
	if msg.Text != "" {
		p.insert(msg.Text)
		return true
	}
	return false
}

// insert adds typed or pasted text, kept on one line and free of control
// characters.
func (p *prompt) insert(s string) {
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			p.value = append(p.value, ' ')
		case unicode.IsControl(r):
		default:
			p.value = append(p.value, r)
		}
	}
}
