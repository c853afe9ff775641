package engine

import (
	"context"
	"sync"
	"time"
)

// slots bounds how many runs happen at once. Runs that wait are started
// cheapest first, not in the order they asked: on a small machine the
// file-rule checks are done in milliseconds instead of queuing behind the
// first cold compile of the project.
type slots struct {
	mu      sync.Mutex
	free    int
	arrived uint64
	waiting []*waiter
	busy    map[string]bool // groups with a run holding a slot
}

type waiter struct {
	expected time.Duration
	arrival  uint64
	// group: runs of one group never hold slots at once (go build and go
	// test of one module would compile the same packages side by side);
	// "" for none.
	group   string
	ready   chan struct{}
	granted bool
}

func newSlots(n int) *slots { return &slots{free: n, busy: map[string]bool{}} }

// enqueue puts a run in line; nothing starts until dispatch. A batch
// (every collector at start) is enqueued whole before any of it is
// dispatched, so its cheapest runs start first whatever goroutine is
// scheduled first.
func (s *slots) enqueue(expected time.Duration, group string) *waiter {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.arrived++
	w := &waiter{expected: expected, arrival: s.arrived, group: group, ready: make(chan struct{})}
	s.waiting = append(s.waiting, w)
	return w
}

// wait holds until w is given a slot; false when ctx ended first (then no
// slot is held).
func (s *slots) wait(ctx context.Context, w *waiter) bool {
	select {
	case <-w.ready:
		return true
	case <-ctx.Done():
	}
	s.leave(w)
	return false
}

// leave takes w out of line, passing its slot on if it was given one.
func (s *slots) leave(w *waiter) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if w.granted {
		s.releaseLocked(w)
		return
	}
	for i, o := range s.waiting {
		if o == w {
			s.waiting = append(s.waiting[:i], s.waiting[i+1:]...)
			return
		}
	}
}

// dispatch gives every free slot to a waiting run.
func (s *slots) dispatch() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dispatchLocked()
}

// release frees w's slot and gives it to the waiting run expected to be
// quickest (the earliest of equals) whose group is not running.
func (s *slots) release(w *waiter) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.releaseLocked(w)
}

func (s *slots) releaseLocked(w *waiter) {
	s.free++
	delete(s.busy, w.group)
	s.dispatchLocked()
}

func (s *slots) dispatchLocked() {
	for s.free > 0 {
		best := -1
		for i, w := range s.waiting {
			if w.group != "" && s.busy[w.group] {
				continue
			}
			if b := best; b < 0 || w.expected < s.waiting[b].expected || (w.expected == s.waiting[b].expected && w.arrival < s.waiting[b].arrival) {
				best = i
			}
		}
		if best < 0 {
			return
		}
		w := s.waiting[best]
		s.waiting = append(s.waiting[:best], s.waiting[best+1:]...)
		s.free--
		if w.group != "" {
			s.busy[w.group] = true
		}
		w.granted = true
		close(w.ready)
	}
}
