package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	tea "charm.land/bubbletea/v2"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/demo"
	"github.com/preflight-dev/preflight/history"
	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/proc"
	"github.com/preflight-dev/preflight/ui"
)

func runCockpit(args []string, io IO) int {
	if len(args) > 0 && len(args[0]) > 1 && args[0][0] == '-' {
		return fail(io, usageError{fmt.Sprintf("unknown flag %s", args[0])})
	}
	if len(args) > 1 {
		return fail(io, usageError{"expected at most one directory"})
	}
	dir := "."
	if len(args) == 1 {
		dir = args[0]
	}
	root, err := resolveDir(dir)
	if err != nil {
		return fail(io, err)
	}
	return cockpit(root, io)
}

func runDemo(args []string, io IO) int {
	if len(args) > 0 {
		return fail(io, usageError{"demo takes no arguments"})
	}
	if !io.Interactive {
		return notInteractive(io)
	}
	dir, err := demo.Unpack()
	if err != nil {
		return fail(io, fmt.Errorf("unpacking the demo project: %w", err))
	}
	// The demo is preflight's own sample project: it runs without asking.
	code := cockpit(dir, io, withTrust())
	fmt.Fprintf(io.Out, "The demo project is at %s — edit it and run 'preflight %s' again, or remove it.\n", dir, dir)
	return code
}

func notInteractive(io IO) int {
	fmt.Fprintln(io.Err, "preflight: the cockpit needs a terminal. For scripts and CI use 'preflight check' (one report) or 'preflight watch --format jsonl' (a report per rerun).")
	return exitUsage
}

func cockpit(root string, io IO, sessionOpts ...sessionOption) int {
	if !io.Interactive {
		return notInteractive(io)
	}
	s, err := openSession(root, collectors.Watch, io.Err, sessionOpts...)
	if err != nil {
		return fail(io, err)
	}
	s.seedFromCache()
	rd := newReadiness(root)
	s.changed = rd.changed
	go rd.forward(s.engine.Updates())
	ctx, cancel := context.WithCancel(context.Background())
	stopWatching := s.watchFiles(ctx)
	s.engine.RunAll("start")

	opts := ui.Options{
		Root:      root,
		Initial:   rd.current(s.engine.Snapshot()),
		Updates:   rd.out,
		Rerun:     s.engine.Rerun,
		Checklist: rd,
		Trust:     s.trustRepo,
	}
	if store, err := history.Default(); err == nil {
		opts.History, _ = store.Load(root, 48)
		opts.Record = func(p model.HistoryPoint) { _ = store.Append(root, p) }
	}
	m := ui.New(opts)
	prog := tea.NewProgram(m, tea.WithInput(io.In), tea.WithOutput(io.Out))
	// Closing the terminal sends SIGHUP, which would end preflight without
	// a word; its tools must not outlive it.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP, syscall.SIGTERM)
	defer signal.Stop(hup)
	go func() {
		if _, ok := <-hup; ok {
			proc.KillAll()
			prog.Kill()
		}
	}()
	_, runErr := prog.Run()
	if errors.Is(runErr, tea.ErrProgramKilled) {
		runErr = nil
	}
	cancel()
	stopWatching()
	final := s.engine.Snapshot()
	s.engine.Close()
	s.saveCache(final)
	if runErr != nil {
		fmt.Fprintf(io.Err, "preflight: %v\n", runErr)
		return exitUsage
	}
	return exitOK
}
