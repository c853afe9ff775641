package app

import (
	"context"

	"github.com/preflight-dev/preflight/checklist"
	"github.com/preflight-dev/preflight/history"
	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/proc"
)

// Stream is headless watching: it runs every collector, follows the files,
// and hands emit each settled snapshot with news, READINESS.md read against
// it, until ctx ends; then it stops the tools and saves the cache. An
// error from emit ends it at once.
func (s *Session) Stream(ctx context.Context, emit func(model.Snapshot) error) error {
	stopWatching := s.Watch(ctx)
	s.engine.RunAll("start")

	printed := map[string]int64{}
	hist, _ := history.Default()
	for {
		select {
		case <-ctx.Done():
			proc.KillAll()
			stopWatching()
			final := s.engine.Snapshot()
			s.engine.Close()
			s.saveCache(final)
			return nil
		case snap, ok := <-s.engine.Updates():
			if !ok {
				return nil
			}
			if !settledWithNews(snap, printed) {
				continue
			}
			snap = checklist.Attach(s.root, snap)
			if err := emit(snap); err != nil {
				return err
			}
			// Headless sessions add to the same history the cockpit's
			// sparkline draws.
			if hist != nil {
				_ = hist.Append(s.root, model.Summarize(snap, model.Assess(snap)))
			}
		}
	}
}

// settledWithNews reports whether nothing is running and at least one
// collector finished since the last printed report: one line per completed
// rerun, not one per state change.
func settledWithNews(s model.Snapshot, printed map[string]int64) bool {
	news := false
	for _, c := range s.Collectors {
		if c.Running {
			return false
		}
	}
	for _, c := range s.Collectors {
		if c.FinishedAt.IsZero() || c.Stale {
			continue
		}
		if ns := c.FinishedAt.UnixNano(); printed[c.Collector] != ns {
			printed[c.Collector] = ns
			news = true
		}
	}
	return news
}
