package cli

import (
	"errors"
	"flag"
	"fmt"
	stdio "io"
	"log"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"

	tea "charm.land/bubbletea/v2"

	"github.com/preflight-dev/preflight/app"
	"github.com/preflight-dev/preflight/demo"
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
	cacheDir := fs.String("cache-dir", "", "")
	// check's flags, refused with the cockpit's way to trust: it asks in
	// place, and trusting for good is a command.
	trust, trustConfig := fs.Bool("trust", false, ""), fs.Bool("trust-config", false, "")
	root, err := parse(fs, args)
	if err != nil {
		return fail(io, err)
	}
	if *trust || *trustConfig {
		flag := map[bool]string{true: "--trust", false: "--trust-config"}[*trust]
		return fail(io, usageError{"unknown flag " + flag + ": the cockpit asks before it runs a repository's code (press T), or run 'preflight trust DIR' once"})
	}
	return cockpit(root, io, app.WithBase(*base), app.WithCacheDir(*cacheDir))
}

func runDemo(args []string, io IO) int {
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help") {
		return fail(io, errHelp)
	}
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
	code := cockpit(dir, io, app.WithTrust())
	fmt.Fprintf(io.Out, "The demo project is at %s — edit it and run 'preflight %s' again, or remove it.\n", dir, dir)
	return code
}

func notInteractive(io IO) int {
	fmt.Fprintln(io.Err, "preflight: the cockpit needs a terminal. For scripts and CI use 'preflight check' (one report) or 'preflight watch --format jsonl' (a report per rerun).")
	return exitUsage
}

func cockpit(root string, io IO, sessionOpts ...app.Option) int {
	if !io.Interactive {
		return notInteractive(io)
	}
	// From here until the cockpit stops, warnings are messages in the
	// cockpit: printed, they would land over its screen.
	msgs := newCockpitMessages(io.Err)
	defer msgs.close()
	restoreLog := captureStdLog(msgs)
	defer restoreLog()

	personal, warnings := prefs.Load()
	for _, w := range warnings {
		fmt.Fprintf(msgs, "preflight: %s\n", w)
	}
	base := []app.Option{app.WithCacheVersion(cacheVersion()), app.WithLivePrograms(personal.TypeScriptPrograms)}
	c := app.NewCockpit(root, msgs, msgs.note, append(base, sessionOpts...)...)
	c.BeforeScan = beforeScan
	// Reruns and trust reach the session only after the scan: the
	// cockpit holds them back until then.
	opts := ui.Options{
		Root:      root,
		Initial:   c.Initial(),
		Updates:   c.Updates(),
		Rerun:     c.Rerun,
		Checklist: c.Checklist(),
		Trust:     c.Trust,
		Messages:  msgs.messages(),
		Prefs:     personal,
		MaskLines: app.MaskLines,
		Rules:     app.Rules(),
		Scan:      c.Scan,
	}
	opts.History, opts.Record = app.History(root, 48)
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
	c.Stop()
	// The cockpit has stopped: what is said from now on is printed.
	restoreLog()
	msgs.close()
	if m, ok := final.(ui.Model); ok && m.ScanErr() != nil {
		// The cockpit ended on it; it is said now, as it was when the
		// repository could not be opened before the cockpit started.
		return fail(io, m.ScanErr())
	}
	// Nothing to save when the cockpit ended before the scan got anywhere.
	c.Close()
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
