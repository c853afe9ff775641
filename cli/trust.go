package cli

import (
	"flag"
	"fmt"
	"time"

	"github.com/preflight-dev/preflight/config"
	"github.com/preflight-dev/preflight/trust"
)

// runTrust is `preflight trust [DIR]`: allow the commands of DIR's
// preflight.yaml to run, exactly as they are written now. --revoke takes
// the trust back.
func runTrust(args []string, io IO) int {
	fs := flag.NewFlagSet("trust", flag.ContinueOnError)
	revoke := fs.Bool("revoke", false, "")
	dir, err := parse(fs, args)
	if err != nil {
		return fail(io, err)
	}
	cfg, err := config.Load(dir)
	if err != nil {
		return fail(io, err)
	}
	store, err := trust.Default()
	if err != nil {
		return fail(io, err)
	}
	if *revoke {
		path := cfg.Path
		if path == "" {
			path = dir + "/" + config.FileName
		}
		n, err := store.Revoke(path)
		if err != nil {
			return fail(io, err)
		}
		fmt.Fprintf(io.Out, "Revoked %d trust record(s) for %s.\n", n, path)
		return exitOK
	}
	if !cfg.NeedsTrust() {
		where := "there is no " + config.FileName
		if cfg.Path != "" {
			where = cfg.Path + " defines no commands"
		}
		fmt.Fprintf(io.Out, "Nothing to trust: %s. Built-in collectors run without trust.\n", where)
		return exitOK
	}
	if err := store.Trust(cfg.Path, cfg.Commands(), time.Now()); err != nil {
		return fail(io, err)
	}
	fmt.Fprintf(io.Out, "Trusted %s to run:\n", cfg.Path)
	for _, line := range cfg.Describe() {
		fmt.Fprintf(io.Out, "  %s\n", line)
	}
	fmt.Fprintf(io.Out, "Any change to these commands needs 'preflight trust' again. Undo with 'preflight trust --revoke'.\n")
	return exitOK
}
