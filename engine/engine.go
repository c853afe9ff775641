// Package engine owns scheduling: it matches file changes to collector
// inputs, queues and cancels runs, bounds concurrency and publishes
// immutable snapshots as results arrive.
package engine

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/model"
)

// Options tunes an Engine; the zero value is usable.
type Options struct {
	Mode        collectors.Mode
	Concurrency int           // runs at once; 0 = runtime.NumCPU()
	Timeout     time.Duration // per run; 0 = collectors.DefaultTimeout
	Now         func() time.Time
	// Trusted, when set, is asked before a collector that executes the
	// repository's own code starts; while it says no, such collectors wait
	// for trust and never start. Nil: everything may run.
	Trusted func() bool
	// TrustHint tells the user how to give trust from where they are.
	TrustHint string
	// Redact, when set, masks secrets in every text of a result — output
	// excerpts, errors quoting a file, finding messages — before the result
	// reaches a snapshot, and so the screen, the reports and the cache.
	Redact func(string) string
	// Reuse, when set, supplies results measured earlier on identical
	// inputs instead of running the tool, and keeps the new ones.
	Reuse Reuse
	// LivePrograms is passed to every run (collectors.Request).
	LivePrograms int
}

// Reuse is a results cache keyed by the content of a collector's inputs.
type Reuse interface {
	Lookup(c collectors.Collector) (model.Result, bool)
	Put(c collectors.Collector, res model.Result)
}

// Engine schedules collector runs for one repository.
type Engine struct {
	root string
	opts Options
	sem  *slots

	mu          sync.Mutex
	slots       []*slot             // display order
	index       map[string]*slot    // by collector id
	runs        map[string]*run     // in flight (or waiting for a slot)
	pending     map[string]*request // queued behind an in-flight run
	changes     uint64              // events that queued runs so far (request.change)
	generation  uint64
	watch       model.WatchState
	lastTrigger string          // the last changed path, for the header
	seeded      map[string]bool // results from the cache not yet replaced
	policy      *model.Policy
	trust       model.TrustState
	idle        *sync.Cond
	closed      bool

	updates chan model.Snapshot
}

type request struct {
	changed []string
	trigger string
	// change counts the events that queue runs (an edit, a rerun, trust
	// given): the runs one event set going share it.
	change uint64
}

type run struct {
	cancel context.CancelFunc
	req    request
}

// slot is one collector and what is known of it.
type slot struct {
	col   collectors.Collector
	state model.CollectorState
}

func newSlot(c collectors.Collector) *slot {
	return &slot{col: c, state: model.CollectorState{Result: model.Result{
		Collector: c.ID(), Kind: c.Kind(), Domain: c.Domain(), Status: model.StatusUnknown, ExitCode: -1,
		Error: "not run yet",
	}}}
}

// timeoutGrace is how long past its own timeout a collector gets before
// the engine gives up on it.
const timeoutGrace = 30 * time.Second

// New prepares an engine; nothing runs until RunAll, Rerun or Changed.
func New(root string, cols []collectors.Collector, opts Options) *Engine {
	if opts.Concurrency <= 0 {
		opts.Concurrency = runtime.NumCPU()
	}
	if opts.Timeout <= 0 {
		opts.Timeout = collectors.DefaultTimeout
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	e := &Engine{
		root:    root,
		opts:    opts,
		sem:     newSlots(opts.Concurrency),
		index:   make(map[string]*slot, len(cols)),
		runs:    map[string]*run{},
		pending: map[string]*request{},
		seeded:  map[string]bool{},
		updates: make(chan model.Snapshot, 1),
	}
	e.idle = sync.NewCond(&e.mu)
	for _, c := range cols {
		sl := newSlot(c)
		e.slots = append(e.slots, sl)
		e.index[c.ID()] = sl
	}
	return e
}

// Seed shows results from an earlier session (the cache) until fresh runs
// replace them. They are marked stale: shown, but not fresh evidence.
func (e *Engine) Seed(prev model.Snapshot) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, st := range prev.Collectors {
		sl, ok := e.index[st.Collector]
		if !ok {
			st, ok = e.renamedRoot(st)
			sl = e.index[st.Collector]
		}
		if !ok || st.FinishedAt.IsZero() {
			continue
		}
		st.Running = false
		st.Stale = true
		st.Findings = append([]model.Finding(nil), st.Findings...)
		e.redact(&st.Result) // a cache written by an older preflight
		sl.state = st
		e.seeded[st.Collector] = true
	}
	e.publishLocked()
}

// renamedRoot is a cached result of a root collector saved when it was
// named after the checkout folder, under the id it has now.
func (e *Engine) renamedRoot(st model.CollectorState) (model.CollectorState, bool) {
	for id := range e.index {
		if model.LegacyRootID(id, e.root) != st.Collector {
			continue
		}
		st.Collector = id
		st.Findings = append([]model.Finding(nil), st.Findings...)
		for i := range st.Findings {
			st.Findings[i].Collector = id
		}
		model.AssignIDs(st.Findings)
		return st, true
	}
	return st, false
}

// Updates delivers the newest snapshot after every change of state. Only
// the latest is kept: a slow reader skips intermediate ones, never blocks
// the engine.
func (e *Engine) Updates() <-chan model.Snapshot { return e.updates }

// Snapshot returns the current state.
func (e *Engine) Snapshot() model.Snapshot {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.snapshotLocked()
}

// SetWatchState records what the watcher is doing, for the header.
func (e *Engine) SetWatchState(w model.WatchState) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if w == e.watch {
		return
	}
	e.watch = w
	e.publishLocked()
}

// RunAll queues every collector.
func (e *Engine) RunAll(trigger string) {
	var ids []string
	for _, c := range e.collectors() {
		ids = append(ids, c.ID())
	}
	e.queue(ids, request{trigger: trigger})
}

// IDs lists the collectors in their order.
func (e *Engine) IDs() []string {
	var ids []string
	for _, c := range e.collectors() {
		ids = append(ids, c.ID())
	}
	return ids
}

// collectors is the current set, copied so matching runs without the lock.
func (e *Engine) collectors() []collectors.Collector {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]collectors.Collector, len(e.slots))
	for i, sl := range e.slots {
		out[i] = sl.col
	}
	return out
}

// SetCollectors replaces the set of collectors after the tree changed (a
// tsconfig.json or go.mod appeared or went away). Collectors that stay keep
// their results and helper processes; new ones are run; gone ones are
// cancelled and closed.
func (e *Engine) SetCollectors(cols []collectors.Collector) {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return
	}
	var slots []*slot
	index := make(map[string]*slot, len(cols))
	var added []string
	for _, c := range cols {
		sl, ok := e.index[c.ID()]
		if !ok {
			sl = newSlot(c)
			added = append(added, c.ID())
		}
		slots = append(slots, sl)
		index[c.ID()] = sl
	}
	var gone []collectors.Collector
	for id, sl := range e.index {
		if _, kept := index[id]; kept {
			continue
		}
		gone = append(gone, sl.col)
		if r, ok := e.runs[id]; ok {
			r.cancel()
		}
		delete(e.pending, id)
		delete(e.seeded, id)
	}
	e.slots, e.index = slots, index
	e.publishLocked()
	e.mu.Unlock()
	for _, c := range gone {
		if cl, ok := c.(collectors.Closer); ok {
			_ = cl.Close()
		}
	}
	e.queue(added, request{trigger: "detected"})
}

// Rerun queues the named collectors, or all when ids is empty.
func (e *Engine) Rerun(ids []string) {
	if len(ids) == 0 {
		e.RunAll("rerun")
		return
	}
	e.queue(ids, request{trigger: "rerun"})
}

// Run queues exactly the named collectors (none when ids is empty), with
// trigger as the reason the results show: a sharded check runs its share
// as "check".
func (e *Engine) Run(ids []string, trigger string) {
	if len(ids) > 0 {
		e.queue(ids, request{trigger: trigger})
	}
}

// Changed queues every collector whose inputs match one of the paths
// (repo-relative, forward slashes). A run in flight for such a collector is
// cancelled: its result would describe files that no longer exist.
func (e *Engine) Changed(paths []string) {
	byID := map[string][]string{}
	var order []string
	for _, c := range e.collectors() {
		for _, p := range paths {
			if collectors.MatchesInputs(c.Inputs(), p) {
				if _, seen := byID[c.ID()]; !seen {
					order = append(order, c.ID())
				}
				byID[c.ID()] = append(byID[c.ID()], p)
			}
		}
	}
	if len(paths) > 0 {
		e.mu.Lock()
		e.lastTrigger = paths[0]
		if len(order) == 0 {
			e.publishLocked()
		}
		e.mu.Unlock()
	}
	change := e.newChange()
	for _, id := range order {
		e.queue([]string{id}, request{changed: byID[id], trigger: byID[id][0], change: change})
	}
}

// Outputs lists what the collectors read though git may ignore it (build
// output, reports: collectors.OutputReader), for the watcher to follow.
func (e *Engine) Outputs() []string {
	var out []string
	for _, c := range e.collectors() {
		out = append(out, collectors.OutputsOf(c)...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// OutputsChanged queues every collector that reads one of the outputs.
func (e *Engine) OutputsChanged(outs []string) {
	if len(outs) == 0 {
		return
	}
	e.mu.Lock()
	e.lastTrigger = outs[0] // the header's "last change": a rebuild is one
	e.mu.Unlock()
	change := e.newChange()
	for _, c := range e.collectors() {
		for _, o := range collectors.OutputsOf(c) {
			if slices.Contains(outs, o) {
				e.queue([]string{c.ID()}, request{trigger: o, change: change})
				break
			}
		}
	}
}

// Affected lists the collectors a change to path would rerun.
func (e *Engine) Affected(path string) []string {
	var ids []string
	for _, c := range e.collectors() {
		if collectors.MatchesInputs(c.Inputs(), path) {
			ids = append(ids, c.ID())
		}
	}
	return ids
}

// newChange numbers an event that queues runs.
func (e *Engine) newChange() uint64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.nextChangeLocked()
}

func (e *Engine) nextChangeLocked() uint64 {
	e.changes++
	return e.changes
}

func (e *Engine) queue(ids []string, req request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return
	}
	if req.change == 0 { // one event, one call: numbered here
		req.change = e.nextChangeLocked()
	}
	for _, id := range ids {
		sl, ok := e.index[id]
		if !ok {
			continue
		}
		if r, busy := e.runs[id]; busy {
			// The run in flight describes files that changed under it:
			// cancel it and run again with everything that changed.
			r.cancel()
			merged := mergeRequests(r.req, e.pending[id], req)
			e.pending[id] = &merged
			sl.state.Stale = !sl.state.FinishedAt.IsZero()
			continue
		}
		if !sl.state.FinishedAt.IsZero() {
			sl.state.Stale = true
		}
		e.startLocked(sl, req)
	}
	e.sem.dispatch()
	e.publishLocked()
}

func mergeRequests(inFlight request, queued *request, next request) request {
	out := request{trigger: next.trigger, change: next.change}
	full := len(inFlight.changed) == 0 || len(next.changed) == 0 || (queued != nil && len(queued.changed) == 0)
	if !full {
		seen := map[string]bool{}
		add := func(ps []string) {
			for _, p := range ps {
				if !seen[p] {
					seen[p] = true
					out.changed = append(out.changed, p)
				}
			}
		}
		add(inFlight.changed)
		if queued != nil {
			add(queued.changed)
		}
		add(next.changed)
	}
	return out
}

func (e *Engine) startLocked(sl *slot, req request) {
	ctx, cancel := context.WithCancel(context.Background())
	r := &run{cancel: cancel, req: req}
	e.runs[sl.col.ID()] = r
	sl.state.Running = true
	turn := e.sem.enqueue(expectedDuration(sl), collectors.GroupOf(sl.col))
	go e.execute(ctx, sl.col, r, turn)
}

// expectedDuration is how long the slot's collector took last time it ran
// (this session or the cached one), else what its cost usually takes.
func expectedDuration(sl *slot) time.Duration {
	st := sl.state
	if !st.FinishedAt.IsZero() && st.Duration > 0 && st.Status != model.StatusUnknown {
		return st.Duration
	}
	return collectors.CostOf(sl.col).Expected()
}

func (e *Engine) execute(ctx context.Context, c collectors.Collector, r *run, turn *waiter) {
	defer r.cancel()
	// What needs no slot is answered before the wait: a tool that is not
	// installed (whatever the trust: there is nothing to trust yet), a run
	// held back for trust, a result measured earlier on the same inputs.
	if res, ok := collectors.Precheck(c, e.root); ok {
		e.sem.leave(turn)
		e.complete(ctx, c, r, res, e.opts.Now())
		return
	}
	if what := collectors.RepoCode(c); what != "" && !e.trusted() {
		e.sem.leave(turn)
		res := model.WaitingForTrust(c.ID(), c.Kind(), c.Domain(), what, e.opts.TrustHint)
		res.Trigger = r.req.trigger
		e.finish(c.ID(), r, &res)
		return
	}
	if e.opts.Reuse != nil {
		if res, ok := e.opts.Reuse.Lookup(c); ok {
			e.sem.leave(turn)
			res.Trigger = r.req.trigger
			e.redact(&res)
			e.finish(c.ID(), r, &res)
			return
		}
	}
	if !e.sem.wait(ctx, turn) {
		e.finish(c.ID(), r, nil)
		return
	}
	started := e.opts.Now()
	e.mu.Lock()
	if sl, ok := e.index[c.ID()]; ok && e.runs[c.ID()] == r {
		sl.state.RunStarted, sl.state.Progress = started, ""
		e.publishLocked()
	}
	e.mu.Unlock()
	// Collectors enforce the timeout themselves (and keep partial output);
	// this deadline only catches one that ignores it.
	timeout := e.timeoutOf(c)
	runCtx, stop := context.WithTimeout(ctx, timeout+timeoutGrace)
	res := safeRun(runCtx, c, collectors.Request{
		Root: e.root, Mode: e.opts.Mode, Changed: r.req.changed, Timeout: timeout,
		Progress: e.progress(c.ID(), r), LivePrograms: e.opts.LivePrograms,
	})
	timedOut := runCtx.Err() == context.DeadlineExceeded
	stop()
	e.sem.release(turn)
	if timedOut && res.Status == model.StatusOK && ctx.Err() == nil {
		res = model.Unknown(c.ID(), c.Kind(), c.Domain(),
			fmt.Sprintf("timed out after %s", timeout), "raise the collector's timeout or make the tool faster")
	}
	e.complete(ctx, c, r, res, started)
}

// complete stamps a result with its collector, times, trigger and ids,
// masks it, keeps it for reuse and publishes it — unless the run was
// superseded: then its result describes stale inputs and is dropped.
func (e *Engine) complete(ctx context.Context, c collectors.Collector, r *run, res model.Result, started time.Time) {
	if ctx.Err() != nil {
		e.finish(c.ID(), r, nil)
		return
	}
	res.Collector, res.Kind = c.ID(), c.Kind()
	if res.Domain == "" {
		res.Domain = c.Domain()
	}
	if res.StartedAt.IsZero() {
		res.StartedAt = started
	}
	if res.FinishedAt.IsZero() {
		res.FinishedAt = e.opts.Now()
	}
	if res.Duration == 0 {
		res.Duration = res.FinishedAt.Sub(res.StartedAt)
	}
	res.Trigger = r.req.trigger
	for k := range res.Findings {
		if res.Findings[k].Collector == "" {
			res.Findings[k].Collector = c.ID()
		}
		if res.Findings[k].Domain == "" {
			res.Findings[k].Domain = res.Domain
		}
	}
	if len(res.Findings) > 0 && res.Findings[0].ID == "" {
		model.AssignIDs(res.Findings)
	}
	e.redact(&res)
	if e.opts.Reuse != nil {
		e.opts.Reuse.Put(c, res)
	}
	e.finish(c.ID(), r, &res)
}

// trusted asks whether repository code may run, and remembers the answer
// for the snapshots (the cockpit's header).
func (e *Engine) trusted() bool {
	if e.opts.Trusted == nil {
		return true
	}
	ok := e.opts.Trusted()
	st := model.Untrusted
	if ok {
		st = model.Trusted
	}
	e.mu.Lock()
	if e.trust != st {
		e.trust = st
		e.publishLocked()
	}
	e.mu.Unlock()
	return ok
}

// TrustChanged reruns the collectors that waited for trust, after the user
// gave it.
func (e *Engine) TrustChanged() {
	var ids []string
	for _, c := range e.Snapshot().WaitingForTrust() {
		ids = append(ids, c.Collector)
	}
	e.trusted()
	if len(ids) > 0 {
		e.queue(ids, request{trigger: "trusted"})
	}
}

// redact masks secrets in the texts of res. Fingerprints are assigned
// before, so a finding keeps its id however its message is masked.
func (e *Engine) redact(res *model.Result) {
	if e.opts.Redact == nil {
		return
	}
	res.Redact(e.opts.Redact)
}

// timeoutOf is the collector's own timeout when it has one (set in
// preflight.yaml), else the engine's.
func (e *Engine) timeoutOf(c collectors.Collector) time.Duration {
	if t, ok := c.(interface{ Timeout() time.Duration }); ok && t.Timeout() > 0 {
		return t.Timeout()
	}
	return e.opts.Timeout
}

// SetPolicy sets the scoring policy every snapshot carries from now on
// (domain names and weights, gating domains from preflight.yaml).
func (e *Engine) SetPolicy(p *model.Policy) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.policy = p
	e.publishLocked()
}

// progressEvery bounds how often progress notes reach the screen.
const progressEvery = 200 * time.Millisecond

// progress returns the function a run reports progress through. Notes of a
// run that was superseded are dropped; the rest are published at most every
// progressEvery, so a chatty tool cannot flood the cockpit.
func (e *Engine) progress(id string, r *run) func(string) {
	var last time.Time
	return func(note string) {
		e.mu.Lock()
		defer e.mu.Unlock()
		sl, ok := e.index[id]
		if !ok || e.runs[id] != r {
			return
		}
		sl.state.Progress = note
		if now := time.Now(); now.Sub(last) >= progressEvery {
			last = now
			e.publishLocked()
		}
	}
}

// safeRun turns a collector panic into an error result: one broken parser
// must not take the cockpit down.
func safeRun(ctx context.Context, c collectors.Collector, req collectors.Request) (res model.Result) {
	defer func() {
		if p := recover(); p != nil {
			res = model.Result{Status: model.StatusError, ExitCode: -1, Error: "collector crashed: " + fmt.Sprint(p)}
		}
	}()
	return c.Run(ctx, req)
}

func (e *Engine) finish(id string, r *run, res *model.Result) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.runs[id] != r {
		return
	}
	delete(e.runs, id)
	sl, present := e.index[id]
	if present {
		sl.state.Running = false
		if res != nil {
			sl.state = model.CollectorState{Result: *res, Change: r.req.change}
			delete(e.seeded, id)
		}
	}
	if next, ok := e.pending[id]; ok {
		delete(e.pending, id)
		if present && !e.closed {
			sl.state.Stale = !sl.state.FinishedAt.IsZero()
			e.startLocked(sl, *next)
			e.sem.dispatch()
		}
	}
	e.publishLocked()
	if len(e.runs) == 0 {
		e.idle.Broadcast()
	}
}

// Wait blocks until nothing is running or queued.
func (e *Engine) Wait() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for len(e.runs) > 0 {
		e.idle.Wait()
	}
}

// Close cancels every run, waits for them and stops collectors' helper
// processes. The Updates channel is closed.
func (e *Engine) Close() {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return
	}
	e.closed = true
	for _, r := range e.runs {
		r.cancel()
	}
	e.pending = map[string]*request{}
	e.mu.Unlock()
	e.Wait()
	for _, c := range e.collectors() {
		if cl, ok := c.(collectors.Closer); ok {
			_ = cl.Close()
		}
	}
	close(e.updates)
}

func (e *Engine) snapshotLocked() model.Snapshot {
	states := make([]model.CollectorState, len(e.slots))
	for i, sl := range e.slots {
		states[i] = sl.state
	}
	s := model.Snapshot{
		Root:        e.root,
		GeneratedAt: e.opts.Now(),
		Generation:  e.generation,
		Collectors:  states,
		Watch:       e.watch,
		LastTrigger: e.lastTrigger,
	}
	s.FromCache = len(e.seeded) > 0
	s.Trust = e.trust
	s.Policy = e.policy
	return s.Clone()
}

func (e *Engine) publishLocked() {
	if e.closed && len(e.runs) == 0 {
		return
	}
	e.generation++
	snap := e.snapshotLocked()
	select {
	case <-e.updates: // drop the unread older snapshot
	default:
	}
	e.updates <- snap
}
