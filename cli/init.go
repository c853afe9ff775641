package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/preflight-dev/preflight/app"
	"github.com/preflight-dev/preflight/checklist"
	"github.com/preflight-dev/preflight/config"
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
	cols, err := app.Detect(root)
	if err != nil {
		return fail(io, err)
	}
	path, n, checklistErr := app.WriteStarterChecklist(root, cols)
	var exists app.ChecklistExistsError
	if checklistErr != nil && !errors.As(checklistErr, &exists) {
		return fail(io, checklistErr)
	}
	cfgPath, cfgErr := app.WriteStarterConfig(root, cols)
	if cfgErr != nil && !errors.Is(cfgErr, os.ErrExist) {
		return fail(io, cfgErr)
	}
	if checklistErr != nil && cfgErr != nil {
		return fail(io, usageError{fmt.Sprintf("%s and %s already exist; preflight init never replaces them", filepath.Join(root, checklist.FileName), filepath.Join(root, config.FileName))})
	}
	if checklistErr == nil {
		fmt.Fprintf(io.Out, "wrote %s: %d items, %d of them bound to the evidence of the collectors detected here.\n", path, n.Items, n.Bound)
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
