package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/preflight-dev/preflight/checklist"
	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/config"
	"github.com/preflight-dev/preflight/detect"
	"github.com/preflight-dev/preflight/ignore"
)

// runInit is `preflight init [DIR]`: a starter READINESS.md and a
// commented starter preflight.yaml for what was detected. It never
// replaces an existing file; with both present there is nothing to do.
func runInit(args []string, io IO) int {
	fs := flag.NewFlagSet("init", flag.ContinueOnError)
	root, err := parse(fs, args)
	if err != nil {
		return fail(io, err)
	}
	cols, err := detectCollectors(root)
	if err != nil {
		return fail(io, err)
	}
	path, n, checklistErr := writeStarterChecklist(root, cols)
	var exists usageError
	if checklistErr != nil && !errors.As(checklistErr, &exists) {
		return fail(io, checklistErr)
	}
	cfgPath, cfgErr := writeStarterConfig(root, cols)
	if cfgErr != nil && !errors.Is(cfgErr, os.ErrExist) {
		return fail(io, cfgErr)
	}
	if checklistErr != nil && cfgErr != nil {
		return fail(io, usageError{fmt.Sprintf("%s and %s already exist; preflight init never replaces them", filepath.Join(root, checklist.FileName), filepath.Join(root, config.FileName))})
	}
	if checklistErr == nil {
		fmt.Fprintf(io.Out, "wrote %s: %d items, %d of them bound to the evidence of the collectors detected here.\n", path, n.items, n.bound)
		fmt.Fprintln(io.Out, "Edit it freely; tick items in the cockpit with space or by hand, and commit it.")
	} else {
		fmt.Fprintf(io.Out, "kept %s as it is.\n", filepath.Join(root, checklist.FileName))
	}
	if cfgErr == nil {
		fmt.Fprintf(io.Out, "wrote %s: every setting is a commented example naming the collectors detected here; it changes nothing until you edit it.\n", cfgPath)
	} else {
		fmt.Fprintf(io.Out, "kept %s as it is.\n", filepath.Join(root, config.FileName))
	}
	return exitOK
}

// writeStarterConfig writes a commented starter preflight.yaml; os.ErrExist
// when there is one already.
func writeStarterConfig(root string, cols []collectors.Collector) (string, error) {
	path := filepath.Join(root, config.FileName)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", err
	}
	if _, err := f.Write(config.Starter(cols)); err != nil {
		f.Close()
		return "", err
	}
	return path, f.Close()
}

type initCounts struct{ items, bound int }

// initChecklist writes root/READINESS.md from the detected collectors.
func initChecklist(root string) (string, initCounts, error) {
	cols, err := detectCollectors(root)
	if err != nil {
		return "", initCounts{}, err
	}
	return writeStarterChecklist(root, cols)
}

// writeStarterChecklist writes root/READINESS.md bound to cols; a
// usageError when there is one already.
func writeStarterChecklist(root string, cols []collectors.Collector) (string, initCounts, error) {
	path := filepath.Join(root, checklist.FileName)
	if _, err := os.Stat(path); err == nil {
		return "", initCounts{}, usageError{fmt.Sprintf("%s already exists; preflight init never replaces it", path)}
	}
	content := checklist.Starter(checklistTargets(cols))
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

// detectCollectors lists the collectors that apply to root, which the
// starters name and bind rules to.
func detectCollectors(root string) ([]collectors.Collector, error) {
	m, err := ignore.Load(root)
	if err != nil {
		return nil, fmt.Errorf("reading ignore rules of %s: %w", root, err)
	}
	cols, err := detect.Scan(root, m)
	var unreadable *ignore.UnreadableError
	if err != nil && !errors.As(err, &unreadable) {
		return nil, fmt.Errorf("scanning %s: %w", root, err)
	}
	return cols, nil
}

// detectTargets lists root's collectors as the checklist names them.
func detectTargets(root string) ([]checklist.Target, error) {
	cols, err := detectCollectors(root)
	return checklistTargets(cols), err
}

func checklistTargets(cols []collectors.Collector) []checklist.Target {
	var out []checklist.Target
	for _, c := range cols {
		out = append(out, checklist.Target{ID: c.ID(), Kind: c.Kind(), Domain: c.Domain()})
	}
	return out
}
