package ui

import (
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/preflight-dev/preflight/model"
)

// nextTick runs cmd as the program would and returns the spinner frame it
// schedules, if any. A command that waits for something else (a snapshot,
// a message) is given a moment and left alone.
func nextTick(t *testing.T, cmd tea.Cmd) (spinner.TickMsg, bool) {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		done := make(chan tea.Msg, 1)
		go func() { done <- c() }()
		select {
		case msg := <-done:
			switch msg := msg.(type) {
			case spinner.TickMsg:
				return msg, true
			case tea.BatchMsg:
				queue = append(queue, msg...)
			}
		case <-time.After(time.Second):
		}
	}
	return spinner.TickMsg{}, false
}

// An idle cockpit schedules nothing: the spinner ticks only while a
// collector runs, stops on the first frame after the last one finished,
// and starts again with the next run. The taskbar progress follows.
func TestSpinnerTicksOnlyWhileSomethingRuns(t *testing.T) {
	root := fixtureRoot(t)
	running := fixtureSnapshot(root)
	idle := withCollector(running, "go:worker", func(c *model.CollectorState) bool {
		c.Running = false
		return true
	})
	gen := running.Generation
	next := func(s model.Snapshot) snapshotMsg {
		gen++
		s = s.Clone()
		s.Generation = gen
		return snapshotMsg{snap: s}
	}

	m := New(Options{Root: root, Initial: idle, Now: func() time.Time { return fixtureNow }})
	if _, ok := nextTick(t, m.Init()); ok {
		t.Fatal("Init schedules a spinner frame with nothing running")
	}
	m, cmd := update(m, next(idle))
	if _, ok := nextTick(t, cmd); ok {
		t.Fatal("a snapshot with nothing running schedules a spinner frame")
	}
	if m.View().ProgressBar != nil {
		t.Errorf("taskbar progress shown with nothing running: %+v", m.View().ProgressBar)
	}

	m, cmd = update(m, next(running))
	tick, ok := nextTick(t, cmd)
	if !ok {
		t.Fatal("a run started and the spinner did not")
	}
	if m.View().ProgressBar == nil {
		t.Error("no taskbar progress while a collector runs")
	}
	m, cmd = update(m, tick)
	if tick, ok = nextTick(t, cmd); !ok {
		t.Fatal("the spinner stopped while a collector still runs")
	}
	// A second snapshot while it spins must not start a second chain.
	m, cmd = update(m, next(running))
	if _, ok := nextTick(t, cmd); ok {
		t.Error("a snapshot while spinning started another spinner chain")
	}

	m, cmd = update(m, next(idle))
	if _, ok := nextTick(t, cmd); ok {
		t.Error("the run finished and a new spinner frame was scheduled")
	}
	m, cmd = update(m, tick)
	if _, ok := nextTick(t, cmd); ok || m.spinning {
		t.Fatal("the spinner goes on with nothing running")
	}

	m, cmd = update(m, next(running))
	if _, ok := nextTick(t, cmd); !ok {
		t.Fatal("the spinner did not start again with the next run")
	}
}

// A cockpit opened on a snapshot where something runs animates from its
// first frame.
func TestSpinnerStartsWithARunningInitialSnapshot(t *testing.T) {
	root := fixtureRoot(t)
	m := New(Options{Root: root, Initial: fixtureSnapshot(root), Now: func() time.Time { return fixtureNow }})
	if _, ok := nextTick(t, m.Init()); !ok {
		t.Fatal("Init schedules no spinner frame while a collector runs")
	}
}
