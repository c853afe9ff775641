package engine

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/model"
)

func granted(w *waiter) bool {
	select {
	case <-w.ready:
		return true
	default:
		return false
	}
}

func TestSlotsGiveTheFreeSlotToTheQuickestWaitingRun(t *testing.T) {
	s := newSlots(1)
	build := s.enqueue(time.Minute, "")
	tool := s.enqueue(5*time.Second, "")
	files := s.enqueue(50*time.Millisecond, "")
	alsoFiles := s.enqueue(50*time.Millisecond, "")
	s.dispatch()
	order := []*waiter{files, alsoFiles, tool, build}
	for i := range order {
		for j, o := range order {
			if got := granted(o); got != (j <= i) {
				t.Fatalf("after %d releases, waiter %d granted = %v", i, j, got)
			}
		}
		s.release(order[i])
	}
	if s.free != 1 || len(s.waiting) != 0 {
		t.Fatalf("after every run, free = %d waiting = %d", s.free, len(s.waiting))
	}
}

func TestSlotsLeftInLineHoldNothing(t *testing.T) {
	s := newSlots(1)
	first := s.enqueue(time.Second, "")
	gone := s.enqueue(time.Millisecond, "")
	s.dispatch()
	if !granted(gone) || granted(first) {
		t.Fatal("the quicker run should have the slot")
	}
	// Given the slot and leaving without running: the slot passes on.
	s.leave(gone)
	if !granted(first) {
		t.Fatal("a slot given to a run that left was not passed on")
	}
	ctx, cancel := context.WithCancel(context.Background())
	late := s.enqueue(0, "")
	cancel()
	if s.wait(ctx, late) {
		t.Fatal("a cancelled wait reported a slot")
	}
	s.release(first)
	if s.free != 1 || len(s.waiting) != 0 {
		t.Fatalf("free = %d waiting = %d, want 1 and 0", s.free, len(s.waiting))
	}
}

// Runs of one group (go build and go test of a module) never hold slots
// at once, however many are free; the others pass them by.
func TestSlotsRunAGroupOneAtATime(t *testing.T) {
	s := newSlots(2)
	build := s.enqueue(time.Minute, "go:.")
	test := s.enqueue(time.Minute, "go:.")
	lint := s.enqueue(5*time.Second, "")
	other := s.enqueue(2*time.Minute, "go:tools")
	s.dispatch()
	if !granted(lint) || !granted(build) || granted(test) || granted(other) {
		t.Fatalf("granted: lint %v build %v test %v other %v", granted(lint), granted(build), granted(test), granted(other))
	}
	s.release(lint)
	if granted(test) || !granted(other) {
		t.Fatal("a free slot went to a run whose group is running, or not to the other group")
	}
	s.release(build)
	if !granted(test) {
		t.Fatal("the group's next run did not start when its first ended")
	}
	// Given the slot and leaving without running frees the group too.
	again := s.enqueue(time.Second, "go:.")
	s.leave(test)
	if !granted(again) {
		t.Fatal("a run that left kept its group busy")
	}
	s.release(other)
	s.release(again)
	if s.free != 2 || len(s.waiting) != 0 || len(s.busy) != 0 {
		t.Fatalf("free %d waiting %d busy %v", s.free, len(s.waiting), s.busy)
	}
}

type costly struct {
	fake
	cost collectors.Cost
}

func (c *costly) Cost() collectors.Cost { return c.cost }

// On a busy machine the file-rule checks are on screen first: the engine
// starts waiting runs by what they are expected to take (their last
// duration, else their cost), not in the order the collectors are listed.
func TestRunAllStartsTheCheapestCollectorsFirst(t *testing.T) {
	var mu sync.Mutex
	var started []string
	col := func(id string, cost collectors.Cost) *costly {
		return &costly{fake: fake{id: id, run: func(context.Context, collectors.Request) model.Result {
			mu.Lock()
			started = append(started, id)
			mu.Unlock()
			return okResult()
		}}, cost: cost}
	}
	cols := []collectors.Collector{
		col("go:api", collectors.CostBuild), col("custom:x", 0), col("shellcheck:a", collectors.CostTool),
		col("dockerfile:a", collectors.CostFiles), col("typescript:web", collectors.CostBuild), col("compose:a", collectors.CostFiles),
	}
	e := New("/repo", cols, Options{Concurrency: 1})
	defer e.Close()
	// The last session measured typescript:web at 20ms: known durations
	// outrank the cost.
	e.Seed(model.Snapshot{Collectors: []model.CollectorState{{Result: model.Result{
		Collector: "typescript:web", Status: model.StatusOK, FinishedAt: time.Unix(100, 0), Duration: 20 * time.Millisecond,
	}}}})
	e.RunAll("start")
	e.Wait()
	want := []string{"typescript:web", "dockerfile:a", "compose:a", "custom:x", "shellcheck:a", "go:api"}
	if !slices.Equal(started, want) {
		t.Fatalf("start order = %v, want %v", started, want)
	}
}

type notInstalled struct {
	fake
	ran atomic.Bool
}

func (n *notInstalled) RepoCode() string { return "node_modules/.bin/eslint" }
func (n *notInstalled) Precheck(string) (model.Result, bool) {
	return model.Unknown(n.id, "fake", "build", "ESLint is not installed", "install the dependencies: cd web && npm ci"), true
}

// A tool that is not installed is said to be missing at once: there is
// nothing to trust yet, and the run never starts.
func TestPrecheckedResultNeedsNoTrustAndNoRun(t *testing.T) {
	c := &notInstalled{}
	c.fake = fake{id: "eslint:web", run: func(context.Context, collectors.Request) model.Result {
		c.ran.Store(true)
		return okResult()
	}}
	e := New("/repo", []collectors.Collector{c}, Options{Concurrency: 1, Trusted: func() bool { return false }})
	defer e.Close()
	e.RunAll("start")
	e.Wait()
	st := state(t, e.Snapshot(), "eslint:web")
	if st.Status != model.StatusUnknown || st.Waiting != "" || st.Hint != "install the dependencies: cd web && npm ci" || st.FinishedAt.IsZero() || st.Trigger != "start" {
		t.Fatalf("state %+v", st.Result)
	}
	if c.ran.Load() {
		t.Fatal("the collector ran although its precheck answered")
	}
}
