package cli

import (
	"context"
	"flag"
	"fmt"
	"github.com/preflight-dev/preflight/checklist"
	"github.com/preflight-dev/preflight/history"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/proc"
	"github.com/preflight-dev/preflight/report"
)

func runWatch(args []string, io IO) int {
	fs := flag.NewFlagSet("watch", flag.ContinueOnError)
	format := fs.String("format", "jsonl", "")
	trusted := trustFlags(fs)
	dir, err := parse(fs, args)
	if err != nil {
		return fail(io, err)
	}
	if *format != "jsonl" {
		return fail(io, usageError{fmt.Sprintf("unknown --format %q (watch writes jsonl)", *format)})
	}
	var opts []sessionOption
	if trusted() {
		opts = append(opts, withTrust())
	}
	s, err := openSession(dir, collectors.Watch, io.Err, opts...)
	if err != nil {
		return fail(io, err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	stopWatching := s.watchFiles(ctx)
	s.engine.RunAll("start")

	printed := map[string]int64{}
	lastWarning := ""
	hist, _ := history.Default()
	for {
		select {
		case <-ctx.Done():
			proc.KillAll()
			stopWatching()
			final := s.engine.Snapshot()
			s.engine.Close()
			s.saveCache(final)
			return exitOK
		case snap, ok := <-s.engine.Updates():
			if !ok {
				return exitOK
			}
			if !settledWithNews(snap, printed) {
				continue
			}
			warnWatch(io.Err, snap.Watch, &lastWarning)
			snap = checklist.Attach(dir, snap)
			if err := report.WriteJSON(io.Out, snap, true); err != nil {
				fmt.Fprintf(io.Err, "preflight: %v\n", err)
				return exitUsage
			}
			// Headless sessions add to the same history the cockpit's
			// sparkline draws.
			if hist != nil {
				_ = hist.Append(dir, model.Summarize(snap, model.Assess(snap)))
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

// warnWatch says on stderr, once per change, when the watcher falls back to
// polling or has another problem: headless, nobody sees a header.
func warnWatch(w io.Writer, ws model.WatchState, last *string) {
	note := ws.Warning
	if note == "" && ws.Polled > 0 {
		note = fmt.Sprintf("polling %d directories (the inotify watch limit was reached)", ws.Polled)
	}
	if note != "" && ws.Polled > 0 && !strings.Contains(note, "polling") {
		note = fmt.Sprintf("polling %d directories: %s", ws.Polled, note)
	}
	if note == *last {
		return
	}
	*last = note
	if note != "" {
		fmt.Fprintf(w, "preflight: %s\n", note)
	}
}
