package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/preflight-dev/preflight/checklist"
	"github.com/preflight-dev/preflight/internal/safegit"
	"github.com/preflight-dev/preflight/model"
)

// Readiness keeps READINESS.md beside the engine. Every snapshot the
// engine publishes goes out again with the checklist read against it, and
// a change to the file — from the cockpit, an editor, a git pull — sends
// the last snapshot out again with the new checklist. It is also what the
// cockpit calls to tick items and acknowledge findings.
type Readiness struct {
	root, path string
	now        func() time.Time

	mu   sync.Mutex
	doc  *checklist.Doc // nil when the repository has no READINESS.md
	err  error          // the file exists but cannot be read
	last model.Snapshot // the engine's newest
	gen  uint64         // generations of what is sent out, always rising
	who  string         // who ticks, from git config; "" until first needed
	// base is the snapshot of the revision the findings are compared with;
	// nil until it is measured, or when there is none.
	base *comparedWith
	// closed: the engine stopped and out is closed.
	closed bool

	out chan model.Snapshot
}

func newReadiness(root string) *Readiness {
	r := &Readiness{root: root, path: filepath.Join(root, checklist.FileName), now: time.Now, out: make(chan model.Snapshot, 1)}
	r.load()
	return r
}

// load reads the file as it is now.
func (r *Readiness) load() {
	doc, err := checklist.Load(r.root)
	r.mu.Lock()
	r.doc, r.err = doc, err
	r.mu.Unlock()
}

// attachLocked reads the checklist against s and numbers it after what
// was sent before, so the cockpit never takes it for an older picture.
func (r *Readiness) attachLocked(s model.Snapshot) model.Snapshot {
	s = s.Clone()
	switch {
	case r.err != nil:
		s.Checklist = &model.Checklist{File: checklist.FileName, Problems: []model.ChecklistProblem{
			{File: checklist.FileName, Message: "cannot be read: " + r.err.Error()}}}
	case r.doc == nil:
		s.Checklist = &model.Checklist{} // none yet: the cockpit offers to write one
	default:
		s.Checklist = checklist.Evaluate(r.doc, s)
	}
	if b := r.base; b != nil {
		s.Base = model.Compare(s, b.snap, b.rev, b.commit)
	}
	r.gen++
	s.Generation = r.gen
	return s
}

type comparedWith struct {
	snap        model.Snapshot
	rev, commit string
}

// setBase compares every snapshot from now on with base, and sends the
// last one out again compared.
func (r *Readiness) setBase(base model.Snapshot, rev, commit string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.base = &comparedWith{snap: base, rev: rev, commit: commit}
	r.publishLocked()
}

// dropBase stops comparing with the base, which no longer stands for the
// run (trust was given: what waited for it was not measured there, and
// all its findings would look new), and sends the last snapshot out again
// without it until a new comparison is set.
func (r *Readiness) dropBase() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.base != nil {
		r.base = nil
		r.publishLocked()
	}
}

// current is the engine's snapshot s with the checklist, to start from.
func (r *Readiness) current(s model.Snapshot) model.Snapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.last = s
	return r.attachLocked(s)
}

// forward sends out every engine snapshot with the checklist until the
// engine stops, then closes its own channel.
func (r *Readiness) forward(in <-chan model.Snapshot) {
	for s := range in {
		r.mu.Lock()
		r.last = s
		r.publishLocked()
		r.mu.Unlock()
	}
	r.mu.Lock()
	r.closed = true
	close(r.out)
	r.mu.Unlock()
}

// publishLocked sends the last snapshot again, replacing one not yet read.
func (r *Readiness) publishLocked() {
	if r.closed {
		return // the engine stopped: nobody reads any more
	}
	s := r.attachLocked(r.last)
	select {
	case <-r.out:
	default:
	}
	r.out <- s
}

// changed is told every batch of paths the watcher saw.
func (r *Readiness) changed(paths []string, rescan bool) {
	for _, p := range paths {
		if p == checklist.FileName {
			rescan = true
		}
	}
	if rescan {
		r.reload()
	}
}

// reload reads the file again and sends the result out.
func (r *Readiness) reload() {
	r.load()
	r.mu.Lock()
	r.publishLocked()
	r.mu.Unlock()
}

// Tick writes the tick to READINESS.md and sends out the new state.
func (r *Readiness) Tick(item model.ChecklistItem, checked bool) error {
	_, err := checklist.Tick(r.path, checklist.Ref{Line: item.Line, Text: item.Text}, checked,
		checklist.Record{By: r.whoTicks(), At: r.now()})
	r.reload()
	return err
}

// Acknowledge writes the acknowledgment under Accepted risks.
func (r *Readiness) Acknowledge(f model.Finding, reason string, until time.Time) error {
	label := strings.TrimSpace(f.Rule + " at " + f.Location())
	if f.File == "" {
		label = strings.TrimSpace(f.Rule + " from " + f.Collector)
	}
	now := r.now()
	err := checklist.Acknowledge(r.path, model.Acknowledgment{
		Finding: f.ID, By: r.whoTicks(), Reason: reason, Label: label,
		On: time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.Local), Until: until,
	})
	r.reload()
	return err
}

// Withdraw removes a finding's acknowledgment.
func (r *Readiness) Withdraw(f model.Finding) error {
	r.mu.Lock()
	var before []string
	if old := model.LegacyFingerprints(r.last)[f.ID]; old != "" {
		before = append(before, old) // written before root collectors were named "."
	}
	r.mu.Unlock()
	err := checklist.Withdraw(r.path, f.ID, before...)
	r.reload()
	return err
}

// Init writes a starter READINESS.md.
func (r *Readiness) Init() (string, error) {
	path, n, err := initChecklist(r.root)
	r.reload()
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("wrote %s: %d items, %d bound to evidence", filepath.Base(path), n.Items, n.Bound), nil
}

// whoTicks is the name recorded with a tick: git's user.name, else the
// login name.
func (r *Readiness) whoTicks() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.who == "" {
		r.who = gitUserName(r.root)
	}
	return r.who
}

func gitUserName(dir string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	cmd := safegit.Command(ctx, dir, "config", "user.name")
	if out, err := cmd.Output(); err == nil {
		if name := strings.TrimSpace(string(out)); name != "" {
			return name
		}
	}
	for _, v := range []string{"USER", "LOGNAME", "USERNAME"} {
		if name := os.Getenv(v); name != "" {
			return name
		}
	}
	return "someone"
}
