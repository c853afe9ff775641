package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/report"
)

var failLevels = map[string]int{"never": 0, "no-go": 1, "conditional": 2}

func verdictLevel(v model.Verdict) int {
	switch v {
	case model.NoGo:
		return 1
	case model.Conditional:
		return 2
	}
	return 3
}

// failsAt reports whether verdict v reaches the --fail-on level.
func failsAt(v model.Verdict, failOn string) bool {
	lvl := failLevels[failOn]
	return lvl > 0 && verdictLevel(v) <= lvl
}

func runCheck(args []string, io IO) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	format := fs.String("format", "text", "")
	failOn := fs.String("fail-on", "no-go", "")
	dir, err := parse(fs, args)
	if err != nil {
		return fail(io, err)
	}
	if *format != "text" && *format != "json" {
		return fail(io, usageError{fmt.Sprintf("unknown --format %q (want text or json)", *format)})
	}
	if _, ok := failLevels[*failOn]; !ok {
		return fail(io, usageError{fmt.Sprintf("unknown --fail-on %q (want no-go, conditional or never)", *failOn)})
	}
	s, err := openSession(dir, collectors.OneShot, io.Err)
	if err != nil {
		return fail(io, err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		s.engine.Close() // kills every tool's process group
	}()
	s.engine.RunAll("check")
	s.engine.Wait()
	snap := s.engine.Snapshot()
	if ctx.Err() != nil {
		fmt.Fprintln(io.Err, "preflight: interrupted")
		return 130
	}
	s.engine.Close()
	s.saveCache(snap)

	if *format == "json" {
		err = report.WriteJSON(io.Out, snap, false)
	} else {
		err = report.WriteText(io.Out, snap)
	}
	if err != nil {
		fmt.Fprintf(io.Err, "preflight: writing the report: %v\n", err)
		return exitUsage
	}
	if failsAt(model.Assess(snap).Verdict, *failOn) {
		return exitFail
	}
	return exitOK
}
