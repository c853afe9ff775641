package cli

import (
	"errors"
	"flag"
	"fmt"
	"strings"
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
	fmt.Fprintln(io.Out, baselineWritten(f))
	fmt.Fprintln(io.Out, "commit it; 'preflight check --baseline' then fails only on findings it does not list")
	return exitOK
}

// baselineWritten says what the baseline holds: "wrote …: 30 findings (1
// collector had no evidence: govulncheck:billing)".
func baselineWritten(f baseline.File) string {
	s := fmt.Sprintf("wrote %s: %s", baseline.Path, count(len(f.Findings), "finding"))
	if n := len(f.Unmeasured); n > 0 {
		s += fmt.Sprintf(" (%s had no evidence: %s)", count(n, "collector"), strings.Join(f.Unmeasured, ", "))
	}
	return s
}
