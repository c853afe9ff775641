package cli

import (
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/preflight-dev/preflight/app"
	"github.com/preflight-dev/preflight/baseline"
)

// runBaseline writes .preflight/baseline.json from one full check, so
// `check --baseline` then gates on what is new since.
func runBaseline(args []string, io IO) int {
	fs := flag.NewFlagSet("baseline", flag.ContinueOnError)
	update := fs.Bool("update", false, "")
	cacheDir := fs.String("cache-dir", "", "")
	trusted := trustFlags(fs)
	dir, err := parse(fs, args)
	if err != nil {
		return fail(io, err)
	}
	if _, err := baseline.Read(dir); !errors.Is(err, baseline.ErrMissing) && !*update {
		if err == nil {
			err = fmt.Errorf("%s exists; run 'preflight baseline --update' to replace it", baseline.Path)
		}
		return fail(io, usageError{err.Error()})
	}
	snap, _, _, done, code := measure(dir, trusted(), io, nil, app.WithCacheDir(*cacheDir), app.WithReuse())
	defer done()
	if code >= 0 {
		return code
	}
	f := baseline.FromSnapshot(snap, gitOutput(dir, "rev-parse", "HEAD"), time.Now())
	if err := baseline.Write(dir, f); err != nil {
		return fail(io, fmt.Errorf("writing %s: %w", baseline.Path, err))
	}
	fmt.Fprintf(io.Out, "wrote %s: %d findings", baseline.Path, len(f.Findings))
	if n := len(f.Unmeasured); n > 0 {
		fmt.Fprintf(io.Out, " (%d collectors had no evidence: %v)", n, f.Unmeasured)
	}
	fmt.Fprintln(io.Out, "\ncommit it; 'preflight check --baseline' then fails only on findings it does not list")
	return exitOK
}
