package cli

import (
	"context"
	"errors"
	"fmt"
	stdio "io"
	"log"
	"os"
	"os/signal"
	"sync"
	"syscall"

	tea "charm.land/bubbletea/v2"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/secrets"
	"github.com/preflight-dev/preflight/collectors/typescript"
	"github.com/preflight-dev/preflight/demo"
	"github.com/preflight-dev/preflight/history"
	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/prefs"
	"github.com/preflight-dev/preflight/proc"
	"github.com/preflight-dev/preflight/ui"
)

func runCockpit(args []string, io IO) int {
	if len(args) > 0 && len(args[0]) > 1 && args[0][0] == '-' {
		return fail(io, usageError{fmt.Sprintf("unknown flag %s", args[0])})
	}
	if len(args) > 0 {
		if c, ok := suggestCommand(args[0]); ok {
			return fail(io, usageError{fmt.Sprintf("unknown command %q: did you mean 'preflight %s'?", args[0], c)})
		}
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
	// From here until the cockpit stops, warnings are messages in the
	// cockpit: printed, they would land over its screen.
	msgs := newCockpitMessages(io.Err)
	defer msgs.close()
	restoreLog := captureStdLog(msgs)
	defer restoreLog()

	s, err := openSession(root, collectors.Watch, msgs, sessionOpts...)
	if err != nil {
		msgs.close()
		return fail(io, err)
	}
	s.note = msgs.note
	s.seedFromCache()
	rd := newReadiness(root)
	s.changed = rd.changed
	go rd.forward(s.engine.Updates())
	ctx, cancel := context.WithCancel(context.Background())
	stopWatching := s.watchFiles(ctx)
	// Before the first run: the TypeScript checkers start with it.
	personal, warnings := prefs.Load()
	for _, w := range warnings {
		fmt.Fprintf(msgs, "preflight: %s\n", w)
	}
	if personal.TypeScriptPrograms > 0 {
		typescript.SetMaxPrograms(personal.TypeScriptPrograms)
	}
	s.engine.RunAll("start")

	opts := ui.Options{
		Root:      root,
		Initial:   rd.current(s.engine.Snapshot()),
		Updates:   rd.out,
		Rerun:     s.engine.Rerun,
		Checklist: rd,
		Trust:     s.trustRepo,
		Messages:  msgs.messages(),
		Prefs:     personal,
		MaskLines: secrets.MaskLines,
	}
	if store, err := history.Default(); err == nil {
		opts.History, _ = store.Load(root, 48)
		opts.Record = func(p model.HistoryPoint) { _ = store.Append(root, p) }
	}
	m := ui.New(opts)
	popts := append([]tea.ProgramOption{tea.WithInput(io.In), tea.WithOutput(io.Out)}, extraProgramOptions...)
	prog := tea.NewProgram(m, popts...)
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
	// The cockpit has stopped: what is said from now on is printed.
	restoreLog()
	msgs.close()
	final := s.engine.Snapshot()
	s.engine.Close()
	s.saveCache(final)
	if runErr != nil {
		fmt.Fprintf(io.Err, "preflight: %v\n", runErr)
		return exitUsage
	}
	return exitOK
}

// extraProgramOptions are added to the cockpit's program; tests give it a
// window size, as a terminal would.
var extraProgramOptions []tea.ProgramOption

// captureStdLog sends what the standard logger prints (a library's
// warning) to w while the cockpit runs, and returns how to undo it.
func captureStdLog(w stdio.Writer) (restore func()) {
	prev, flags := log.Writer(), log.Flags()
	log.SetOutput(w)
	log.SetFlags(0)
	var once sync.Once
	return func() {
		once.Do(func() {
			log.SetOutput(prev)
			log.SetFlags(flags)
		})
	}
}
