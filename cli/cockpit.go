package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	stdio "io"
	"log"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
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
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		if c, ok := suggestCommand(args[0]); ok {
			return fail(io, usageError{fmt.Sprintf("unknown command %q: did you mean 'preflight %s'?", args[0], c)})
		}
	}
	fs := flag.NewFlagSet("preflight", flag.ContinueOnError)
	base := fs.String("base", "", "")
	root, err := parse(fs, args)
	if err != nil {
		return fail(io, err)
	}
	return cockpit(root, io, withBase(*base))
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

	// The first frame shows the cache; everything that reads the tree
	// (preflight.yaml, ignore rules, the walk, detection) happens in
	// scan, which the cockpit runs after drawing it: in a large
	// repository that takes seconds.
	cached, seed := cachedView(root, msgs)
	rd := newReadiness(root)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var (
		s            *session
		stopWatching = func() {}
		scanned      = make(chan struct{})
		// started says whether scan ran (the cockpit can end before it
		// starts it); once ended is set, it does not start any more.
		gate           sync.Mutex
		started, ended bool
	)
	scan := func() error {
		gate.Lock()
		if ended {
			gate.Unlock()
			return nil
		}
		started = true
		gate.Unlock()
		defer close(scanned)
		if beforeScan != nil {
			beforeScan()
		}
		sess, err := openSession(root, collectors.Watch, msgs, sessionOpts...)
		if err != nil {
			return err
		}
		sess.note = msgs.note
		if len(seed.Collectors) > 0 {
			sess.engine.Seed(seed)
		}
		sess.changed = rd.changed
		// The base is compared again once the repository is trusted: what
		// waited for trust was not measured at the base either, and would
		// all look new. Only the newest comparison is shown.
		var compares atomic.Int64
		compare := func() {
			n := compares.Add(1)
			compareInBackground(ctx, sess, rd, msgs, func() bool { return compares.Load() == n })
		}
		sess.trusted = func() { go compare() }
		s = sess
		if ctx.Err() != nil {
			return nil // the cockpit was closed during the scan: run nothing
		}
		go rd.forward(sess.engine.Updates())
		stopWatching = sess.watchFiles(ctx)
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

	personal, warnings := prefs.Load()
	for _, w := range warnings {
		fmt.Fprintf(msgs, "preflight: %s\n", w)
	}
	// Before the first run (in scan): the TypeScript checkers start with it.
	if personal.TypeScriptPrograms > 0 {
		typescript.SetMaxPrograms(personal.TypeScriptPrograms)
	}
	// Reruns and trust reach the session only after the scan: the
	// cockpit holds them back until then.
	opts := ui.Options{
		Root:      root,
		Initial:   rd.current(cached),
		Updates:   rd.out,
		Rerun:     func(ids []string) { s.engine.Rerun(ids) },
		Checklist: rd,
		Trust:     func() (string, error) { return s.trustRepo() },
		Messages:  msgs.messages(),
		Prefs:     personal,
		MaskLines: secrets.MaskLines,
		Scan:      scan,
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
	final, runErr := prog.Run()
	if errors.Is(runErr, tea.ErrProgramKilled) {
		runErr = nil
	}
	cancel()
	// A scan still going when the cockpit closed finishes first (it
	// starts nothing once ctx is done); then everything it started stops.
	gate.Lock()
	ended = true
	wait := started
	gate.Unlock()
	if wait {
		<-scanned
	}
	stopWatching()
	// The cockpit has stopped: what is said from now on is printed.
	restoreLog()
	msgs.close()
	if m, ok := final.(ui.Model); ok && m.ScanErr() != nil {
		// The cockpit ended on it; it is said now, as it was when the
		// repository could not be opened before the cockpit started.
		return fail(io, m.ScanErr())
	}
	if s == nil {
		// The cockpit ended before the scan got anywhere: nothing ran,
		// nothing to save.
		if runErr != nil {
			fmt.Fprintf(io.Err, "preflight: %v\n", runErr)
			return exitUsage
		}
		return exitOK
	}
	snap := s.engine.Snapshot()
	s.engine.Close()
	s.saveCache(snap)
	if runErr != nil {
		fmt.Fprintf(io.Err, "preflight: %v\n", runErr)
		return exitUsage
	}
	return exitOK
}

// beforeScan, when set, runs as the scan starts; tests hold the scan
// there to see what the cockpit shows meanwhile.
var beforeScan func()

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
