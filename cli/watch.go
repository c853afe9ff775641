package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/preflight-dev/preflight/app"
	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/model"
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
	opts := []app.Option{app.WithCacheVersion(cacheVersion())}
	if trusted() {
		opts = append(opts, app.WithTrust())
	}
	s, err := app.Open(dir, collectors.Watch, io.Err, opts...)
	if err != nil {
		return fail(io, err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	lastWarning := ""
	err = s.Stream(ctx, func(snap model.Snapshot) error {
		warnWatch(io.Err, snap.Watch, &lastWarning)
		var m report.Meta
		if snap.Trust == model.Trusted {
			if g, ok := s.TrustGrant(); ok {
				m.Trust = &g
			}
		}
		return report.WriteWatchLine(io.Out, snap, m)
	})
	if err != nil {
		fmt.Fprintf(io.Err, "preflight: %v\n", err)
		return exitUsage
	}
	return exitOK
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
