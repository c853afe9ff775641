package cli

import (
	"flag"
	"fmt"

	"github.com/preflight-dev/preflight/app"
)

// runTrust is `preflight trust [DIR]`: allow DIR's own code (its
// node_modules tools, its tests) and the commands of its preflight.yaml to
// run, exactly as they and the scripts they name are now. --revoke takes
// the trust back.
func runTrust(args []string, io IO) int {
	fs := flag.NewFlagSet("trust", flag.ContinueOnError)
	revoke := fs.Bool("revoke", false, "")
	dir, err := parse(fs, args)
	if err != nil {
		return fail(io, err)
	}
	if *revoke {
		n, err := app.RevokeTrust(dir)
		if err != nil {
			return fail(io, err)
		}
		fmt.Fprintf(io.Out, "Revoked %d trust record(s) for %s.\n", n, dir)
		return exitOK
	}
	cfg, err := app.TrustRepo(dir)
	if err != nil {
		return fail(io, err)
	}
	fmt.Fprintf(io.Out, "Trusted %s: its own tools and tests (node_modules binaries and compiler, go test, configs that are programs) will run.\n", dir)
	if lines := cfg.Describe(); len(lines) > 0 {
		fmt.Fprintf(io.Out, "And the commands of %s:\n", cfg.Path)
		for _, line := range lines {
			fmt.Fprintf(io.Out, "  %s\n", line)
		}
		fmt.Fprintf(io.Out, "A change to these commands, or to a script they name, needs 'preflight trust' again.\n")
	}
	fmt.Fprintf(io.Out, "Undo with 'preflight trust --revoke'.\n")
	return exitOK
}

// trustFlags adds --trust (and its older name --trust-config, which now
// trusts the whole checkout too) to a command that runs collectors.
func trustFlags(fs *flag.FlagSet) func() bool {
	t := fs.Bool("trust", false, "")
	tc := fs.Bool("trust-config", false, "")
	return func() bool { return *t || *tc }
}
