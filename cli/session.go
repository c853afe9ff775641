package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/preflight-dev/preflight/cache"
	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/detect"
	"github.com/preflight-dev/preflight/engine"
	"github.com/preflight-dev/preflight/ignore"
	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/watch"
)

// session is one repository opened for checking: its ignore rules, its
// collectors, the engine that runs them and the cache that remembers them.
type session struct {
	root    string
	matcher *ignore.Matcher
	engine  *engine.Engine
	store   *cache.Store
	warn    io.Writer
}

func openSession(root string, mode collectors.Mode, warn io.Writer) (*session, error) {
	m, err := ignore.Load(root)
	if err != nil {
		return nil, fmt.Errorf("reading ignore rules of %s: %w", root, err)
	}
	cols, err := detect.Scan(root, m)
	var unreadable *ignore.UnreadableError
	if err != nil && !errors.As(err, &unreadable) {
		return nil, fmt.Errorf("scanning %s: %w", root, err)
	}
	if err != nil {
		fmt.Fprintf(warn, "preflight: %v\n", err)
	}
	s := &session{root: root, matcher: m, warn: warn,
		engine: engine.New(root, cols, engine.Options{Mode: mode})}
	if store, err := cache.Default(); err == nil {
		s.store = store
	} else {
		fmt.Fprintf(warn, "preflight: %v; results will not be cached\n", err)
	}
	return s, nil
}

// seedFromCache shows the last session's results at once, marked stale.
func (s *session) seedFromCache() {
	if s.store == nil {
		return
	}
	snap, ok, err := s.store.Load(s.root)
	if err != nil {
		fmt.Fprintf(s.warn, "preflight: %v\n", err)
	}
	if ok {
		s.engine.Seed(snap)
	}
}

func (s *session) saveCache(snap model.Snapshot) {
	if s.store == nil {
		return
	}
	if err := s.store.Save(snap); err != nil {
		fmt.Fprintf(s.warn, "preflight: saving the cache: %v\n", err)
	}
}

// watchFiles feeds file changes to the engine until ctx ends. A watcher that
// cannot start is not fatal: the cockpit still works with manual reruns,
// and says so in the header.
func (s *session) watchFiles(ctx context.Context) (stop func()) {
	w, err := watch.New(s.root, s.matcher, watch.Options{})
	if err != nil {
		s.engine.SetWatchState(model.WatchState{Warning: "not watching files: " + err.Error() + " (press R to rerun)"})
		return func() {}
	}
	s.engine.SetWatchState(w.State())
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-w.Events():
				if !ok {
					return
				}
				if ev.Rescan || anyChangesCollectors(ev.Paths) {
					s.redetect(w)
				}
				if ev.Rescan {
					s.engine.RunAll("rescan (watch queue overflowed)")
				} else {
					s.engine.Changed(ev.Paths)
				}
				s.engine.SetWatchState(w.State())
			case <-tick.C:
				s.engine.SetWatchState(w.State())
			}
		}
	}()
	return func() {
		w.Close()
		<-done
	}
}

// redetect scans the tree again after a change that can add or remove
// collectors (a new tsconfig.json, a deleted go.mod). A failed scan keeps
// the current collectors.
func (s *session) redetect(w *watch.Watcher) {
	cols, err := detect.Scan(s.root, w.Matcher())
	var unreadable *ignore.UnreadableError
	if err != nil && !errors.As(err, &unreadable) {
		return // keep the collectors we have
	}
	s.engine.SetCollectors(cols)
}

func anyChangesCollectors(paths []string) bool {
	for _, p := range paths {
		if detect.ChangesCollectors(p) {
			return true
		}
	}
	return false
}
