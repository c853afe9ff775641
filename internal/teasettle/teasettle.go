// Package teasettle runs the commands a Bubble Tea model returns and feeds
// their messages back into it, the way the program loop does, so tests
// can drive a model without a terminal.
package teasettle

import (
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
)

// Settle runs cmd and everything it leads to through update. Spinner ticks
// are dropped (they would animate forever) and quitting stops the loop; a
// command that blocks, or a loop that does not settle, fails the test.
func Settle[M any](t testing.TB, m M, cmd tea.Cmd, update func(M, tea.Msg) (M, tea.Cmd)) M {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 100 {
			t.Fatal("commands did not settle")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		done := make(chan tea.Msg, 1)
		go func() { done <- c() }()
		var msg tea.Msg
		select {
		case msg = <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("a command blocked")
		}
		switch msg := msg.(type) {
		case nil, spinner.TickMsg, tea.QuitMsg:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		default:
			var next tea.Cmd
			m, next = update(m, msg)
			queue = append(queue, next)
		}
	}
	return m
}
