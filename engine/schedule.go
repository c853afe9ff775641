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
}

type waiter struct {
	expected time.Duration
	arrival  uint64
	ready    chan struct{}
	granted  bool
}

func newSlots(n int) *slots { return &slots{free: n} }

// enqueue puts a run in line; nothing starts until dispatch. A batch
// (every collector at start) is enqueued whole before any of it is
// dispatched, so its cheapest runs start first whatever goroutine is
// scheduled first.
func (s *slots) enqueue(expected time.Duration) *waiter {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.arrived++
	w := &waiter{expected: expected, arrival: s.arrived, ready: make(chan struct{})}
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
		s.free++
		s.dispatchLocked()
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

// release frees a slot and gives it to the waiting run expected to be
// quickest (the earliest of equals).
func (s *slots) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.free++
	s.dispatchLocked()
}

func (s *slots) dispatchLocked() {
	for s.free > 0 && len(s.waiting) > 0 {
		best := 0
		for i, w := range s.waiting[1:] {
			b := s.waiting[best]
			if w.expected < b.expected || (w.expected == b.expected && w.arrival < b.arrival) {
				best = i + 1
			}
		}
		w := s.waiting[best]
		s.waiting = append(s.waiting[:best], s.waiting[best+1:]...)
		s.free--
		w.granted = true
		close(w.ready)
	}
}
