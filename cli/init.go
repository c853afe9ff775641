package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/preflight-dev/preflight/checklist"
	"github.com/preflight-dev/preflight/detect"
	"github.com/preflight-dev/preflight/ignore"
)

// runInit is `preflight init [DIR]`: a starter READINESS.md for what was
// detected. It never replaces an existing one.
func runInit(args []string, io IO) int {
	fs := flag.NewFlagSet("init", flag.ContinueOnError)
	root, err := parse(fs, args)
	if err != nil {
		return fail(io, err)
	}
	path, n, err := initChecklist(root)
	if err != nil {
		return fail(io, err)
	}
	fmt.Fprintf(io.Out, "wrote %s: %d items, %d of them bound to the evidence of the collectors detected here.\n", path, n.items, n.bound)
	fmt.Fprintln(io.Out, "Edit it freely; tick items in the cockpit with space or by hand, and commit it.")
	return exitOK
}

type initCounts struct{ items, bound int }

// initChecklist writes root/READINESS.md from the detected collectors.
func initChecklist(root string) (string, initCounts, error) {
	path := filepath.Join(root, checklist.FileName)
	if _, err := os.Stat(path); err == nil {
		return "", initCounts{}, usageError{fmt.Sprintf("%s already exists; preflight init never replaces it", path)}
	}
	targets, err := detectTargets(root)
	if err != nil {
		return "", initCounts{}, err
	}
	content := checklist.Starter(targets)
	if err := checklist.Create(path, content); err != nil {
		return "", initCounts{}, err
	}
	var n initCounts
	for _, it := range checklist.Parse(checklist.FileName, content).Items {
		n.items++
		if it.Rule != "" {
			n.bound++
		}
	}
	return path, n, nil
}

// detectTargets lists the collectors that apply to root, as the checklist
// binds rules to them.
func detectTargets(root string) ([]checklist.Target, error) {
	m, err := ignore.Load(root)
	if err != nil {
		return nil, fmt.Errorf("reading ignore rules of %s: %w", root, err)
	}
	cols, err := detect.Scan(root, m)
	var unreadable *ignore.UnreadableError
	if err != nil && !errors.As(err, &unreadable) {
		return nil, fmt.Errorf("scanning %s: %w", root, err)
	}
	var out []checklist.Target
	for _, c := range cols {
		out = append(out, checklist.Target{ID: c.ID(), Kind: c.Kind(), Domain: c.Domain()})
	}
	return out, nil
}
