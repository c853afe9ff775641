package app

import (
	"context"
	"io"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/rules"
	"github.com/preflight-dev/preflight/collectors/secrets"
	"github.com/preflight-dev/preflight/detect"
	"github.com/preflight-dev/preflight/model"
)

// Cockpit is the pipeline behind the cockpit. Its first frame shows the
// cache; everything that reads the tree (preflight.yaml, ignore rules,
// the walk, detection) happens in Scan, which the cockpit runs after
// drawing it: in a large repository that takes seconds.
type Cockpit struct {
	root string
	warn io.Writer
	note func(string)
	opts []Option
	// BeforeScan, when set, runs as the scan starts; tests hold the scan
	// there to see what the cockpit shows meanwhile.
	BeforeScan func()

	rd      *Readiness
	initial model.Snapshot
	seed    model.Snapshot
	ctx     context.Context
	cancel  context.CancelFunc

	s            *Session
	stopWatching func()
	scanned      chan struct{}
	// started says whether Scan ran (the cockpit can end before it
	// starts it); once ended is set, it does not start any more.
	gate           sync.Mutex
	started, ended bool
}

// NewCockpit reads the cache and READINESS.md of root for the first frame.
// Warnings go to warn; note hears what is not a warning (a comparison
// made, trust given elsewhere).
func NewCockpit(root string, warn io.Writer, note func(string), opts ...Option) *Cockpit {
	cached, seed := cachedView(root, warn)
	c := &Cockpit{root: root, warn: warn, note: note, opts: opts, rd: newReadiness(root), seed: seed,
		stopWatching: func() {}, scanned: make(chan struct{})}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	c.initial = c.rd.current(cached)
	return c
}

// Initial is the first frame's snapshot: the cache, with the checklist.
func (c *Cockpit) Initial() model.Snapshot { return c.initial }

// Updates is every snapshot from now on, with the checklist.
func (c *Cockpit) Updates() <-chan model.Snapshot { return c.rd.out }

// Checklist is what ticks items and acknowledges findings.
func (c *Cockpit) Checklist() *Readiness { return c.rd }

// Scan opens the session, starts watching and runs everything, then
// compares with the base in the background.
func (c *Cockpit) Scan() error {
	c.gate.Lock()
	if c.ended {
		c.gate.Unlock()
		return nil
	}
	c.started = true
	c.gate.Unlock()
	defer close(c.scanned)
	if c.BeforeScan != nil {
		c.BeforeScan()
	}
	sess, err := Open(c.root, collectors.Watch, c.warn, c.opts...)
	if err != nil {
		return err
	}
	sess.note = c.note
	if len(c.seed.Collectors) > 0 {
		sess.engine.Seed(c.seed)
	}
	sess.changed = c.rd.changed
	// The base is compared again once the repository is trusted: what
	// waited for trust was not measured at the base either, and would
	// all look new, so the old comparison goes at once. Only the newest
	// comparison is shown.
	var compares atomic.Int64
	compare := func() {
		n := compares.Add(1)
		sess.compareInBackground(c.ctx, c.rd, func() bool { return compares.Load() == n })
	}
	sess.trusted = func() {
		c.rd.dropBase()
		go compare()
	}
	c.s = sess
	if c.ctx.Err() != nil {
		return nil // the cockpit was closed during the scan: run nothing
	}
	go c.rd.forward(sess.engine.Updates())
	c.stopWatching = sess.Watch(c.ctx)
	sess.engine.RunAll("start")
	go func() {
		// The first runs read the whole tree; what they left behind
		// goes back to the system now rather than sit in the heap's
		// reserve while the cockpit idles.
		sess.engine.Wait()
		debug.FreeOSMemory()
	}()
	go compare()
	return nil
}

// Rerun runs the collectors ids again; the cockpit holds reruns back
// until the scan is done.
func (c *Cockpit) Rerun(ids []string) { c.s.engine.Rerun(ids) }

// Trust is the trust key; the cockpit holds it back until the scan is
// done.
func (c *Cockpit) Trust() (string, error) { return c.s.Trust() }

// Stop ends the cockpit's work: a scan still going finishes first (it
// starts nothing once stopped), then the watcher stops.
func (c *Cockpit) Stop() {
	c.cancel()
	c.gate.Lock()
	c.ended = true
	wait := c.started
	c.gate.Unlock()
	if wait {
		<-c.scanned
	}
	c.stopWatching()
}

// Close stops the engine and saves what it measured; nothing when the
// cockpit ended before the scan got anywhere.
func (c *Cockpit) Close() {
	if c.s == nil {
		return
	}
	snap := c.s.engine.Snapshot()
	c.s.engine.Close()
	c.s.saveCache(snap)
}

// MaskLines masks the secrets in source lines the cockpit shows, with the
// secrets collector's rules.
func MaskLines(rel string, lines []string) []string { return secrets.MaskLines(rel, lines) }

// Rules is the catalogue of every rule the collector families report.
func Rules() *rules.Catalogue { return detect.Rules() }
