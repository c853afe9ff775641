package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/preflight-dev/preflight/checklist"
	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/proc"
)

// Plan picks the collectors a check runs and says what became of the
// others; nil runs all.
type Plan func(ctx context.Context, s *Session) (ids []string, rest func(model.Snapshot) model.Snapshot, err error)

// ErrInterrupted is a check stopped by a signal.
var ErrInterrupted = errors.New("interrupted")

// interruptGrace is how long check may take to stop after a signal, once
// its tools are killed, before it exits regardless.
const interruptGrace = 3 * time.Second

// Check runs the collectors of dir once (those plan picks, or all) and
// attaches READINESS.md, as the cockpit does. ctx ends on a signal: the
// tools are killed at once, and a check that still has not stopped
// interruptGrace later ends the process. done releases that watch; the
// session's engine is closed.
func Check(ctx context.Context, dir string, warn io.Writer, plan Plan, opts ...Option) (snap model.Snapshot, s *Session, done func(), err error) {
	s, err = Open(dir, collectors.OneShot, warn, opts...)
	if err != nil {
		return snap, nil, func() {}, err
	}
	finished := make(chan struct{})
	done = func() { close(finished) }
	go func() {
		select {
		case <-ctx.Done():
		case <-finished:
			return
		}
		proc.KillAll()   // at once, before anything else can go wrong
		s.engine.Close() // cancels the runs and stops helper processes
		// Whatever check was doing must not keep it alive after a signal.
		select {
		case <-finished:
		case <-time.After(interruptGrace):
			fmt.Fprintln(warn, "preflight: interrupted")
			os.Exit(130)
		}
	}()
	rest := func(s model.Snapshot) model.Snapshot { return s }
	var planned []string // nil: every collector
	if plan == nil {
		s.engine.RunAll("check")
	} else {
		ids, markRest, err := plan(ctx, s)
		if err != nil {
			s.engine.Close()
			return snap, s, done, err
		}
		s.engine.Run(ids, "check")
		rest, planned = markRest, ids
	}
	stopProgress := s.reportProgress(planned)
	s.engine.Wait()
	stopProgress()
	snap = s.engine.Snapshot()
	if ctx.Err() != nil {
		return snap, s, done, ErrInterrupted
	}
	s.engine.Close()
	if plan == nil {
		s.saveCache(snap) // a partial run would hide the others' last results
	} else if s.results != nil {
		if err := s.results.Save(); err != nil {
			fmt.Fprintf(warn, "preflight: saving the results cache: %v\n", err)
		}
	}
	snap = rest(snap)
	// The verdict of check must be the cockpit's: both read READINESS.md.
	return checklist.Attach(dir, snap), s, done, nil
}

// IDs lists the session's collectors in the engine's order.
func (s *Session) IDs() []string {
	var ids []string
	for _, c := range s.engine.Snapshot().Collectors {
		ids = append(ids, c.Collector)
	}
	return ids
}

// CachedDurations is how long each collector took at its last finished
// run, from the cache; nil without one.
func (s *Session) CachedDurations() map[string]time.Duration {
	if s.store == nil {
		return nil
	}
	prev, ok, err := s.store.Load(s.root)
	if err != nil {
		fmt.Fprintf(s.warn, "preflight: %v\n", err)
	}
	if !ok {
		return nil
	}
	durations := map[string]time.Duration{}
	for _, c := range prev.Collectors {
		if !c.FinishedAt.IsZero() {
			durations[c.Collector] = c.Duration
		}
	}
	return durations
}

// reportProgress tells s.progress how the check of the collectors ids
// (nil: all) is getting on, every s.every, until stop is called.
func (s *Session) reportProgress(ids []string) (stop func()) {
	if s.progress == nil || s.every <= 0 {
		return func() {}
	}
	start := time.Now()
	quit, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(s.every)
		defer tick.Stop()
		for {
			select {
			case <-quit:
				return
			case <-tick.C:
				p := Progress{Elapsed: time.Since(start)}
				for _, c := range s.engine.Snapshot().Collectors {
					if ids != nil && !slices.Contains(ids, c.Collector) {
						continue
					}
					p.Total++
					switch {
					case c.Running && c.RunStarted.IsZero():
						p.Waiting++
					case c.Running:
						p.Running = append(p.Running, c.Collector)
					default:
						p.Done++
					}
				}
				s.progress(p)
			}
		}
	}()
	return func() {
		close(quit)
		<-finished
	}
}
