package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/preflight-dev/preflight/app"
	"github.com/preflight-dev/preflight/checklist"
	"github.com/preflight-dev/preflight/checklist/importer"
)

// runImport is `preflight import REPORT.md [--into READINESS.md] [--dry-run]`.
func runImport(args []string, io IO) int {
	flags := flag.NewFlagSet("import", flag.ContinueOnError)
	into := flags.String("into", checklist.FileName, "the checklist to write or add to")
	dry := flags.Bool("dry-run", false, "print the checklist instead of writing it")
	positional, err := parseMixed(flags, args)
	if err != nil {
		return fail(io, err)
	}
	if len(positional) != 1 {
		return fail(io, usageError{"import takes one report: preflight import REPORT.md [--into READINESS.md]"})
	}
	reportPath := positional[0]
	src, err := os.ReadFile(reportPath)
	if err != nil {
		return fail(io, usageError{fmt.Sprintf("cannot read the report: %v", err)})
	}
	target, err := filepath.Abs(*into)
	if err != nil {
		return fail(io, err)
	}
	if st, err := os.Stat(filepath.Dir(target)); err != nil || !st.IsDir() {
		return fail(io, usageError{fmt.Sprintf("--into %s: its directory does not exist", *into)})
	}
	root := filepath.Dir(target)
	targets, err := app.DetectTargets(root)
	if err != nil {
		fmt.Fprintf(io.Err, "preflight: %v; rules are bound to collector kinds only\n", err)
	}
	source := sourceName(root, reportPath)
	res := importer.Import(src, importer.Options{Name: source, Targets: targets})

	var out []byte
	var dups []importer.Note
	existing, err := os.ReadFile(target)
	exists := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fail(io, err)
	}
	if exists {
		out, dups, err = res.MergeInto(filepath.Base(target), existing, source)
		if err != nil {
			return fail(io, fmt.Errorf("%s: %w", *into, err))
		}
	} else {
		out = res.Markdown(source)
	}

	printImport(io.Out, res, dups, reportPath, *into, exists, targets)
	if *dry {
		fmt.Fprintf(io.Out, "\n--- %s (dry run: not written) ---\n%s", *into, out)
		return exitOK
	}
	changed := true
	if exists {
		// Merge into what is on disk at the moment of writing, so an edit
		// made meanwhile is kept.
		err = checklist.Update(target, func(cur []byte) ([]byte, error) {
			if cur == nil {
				return res.Markdown(source), nil
			}
			merged, _, err := res.MergeInto(filepath.Base(target), cur, source)
			changed = !bytes.Equal(merged, cur)
			return merged, err
		})
	} else {
		err = checklist.Create(target, out)
	}
	if err != nil {
		return fail(io, err)
	}
	if !changed {
		fmt.Fprintf(io.Out, "\n%s already has every item of %s: nothing written.\n", *into, reportPath)
		return exitOK
	}
	fmt.Fprintf(io.Out, "\nwrote %s. Open the cockpit (preflight %s) to see each claim beside the measurement.\n", *into, displayDir(root))
	return exitOK
}

// sourceName is how items name the report: relative to the checklist's
// directory when it is inside it, else by its file name.
func sourceName(root, report string) string {
	abs, err := filepath.Abs(report)
	if err != nil {
		return filepath.Base(report)
	}
	if rel, err := filepath.Rel(root, abs); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return filepath.Base(report)
}

func displayDir(root string) string {
	if wd, err := os.Getwd(); err == nil && wd == root {
		return "."
	}
	return root
}

func printImport(w io.Writer, res importer.Result, dups []importer.Note, report, into string, exists bool, targets []checklist.Target) {
	action := "new file"
	if exists {
		action = "adding to the existing file"
	}
	fmt.Fprintf(w, "preflight import: %s → %s (%s)\n", report, into, action)
	if r := res.Repaired; r.Chars > 0 {
		fmt.Fprintf(w, "repaired %s on %s (UTF-8 that had been read as %s)\n", count(r.Chars, "mis-encoded character"), count(r.Lines, "line"), r.Encoding)
	}
	if len(targets) == 0 {
		fmt.Fprintln(w, "no collectors were detected beside it: bound items stay unknown until there are")
	} else {
		var ids []string
		for _, t := range targets {
			ids = append(ids, t.ID)
		}
		fmt.Fprintf(w, "rules bind to the collectors detected here: %s\n", strings.Join(ids, ", "))
	}
	section := func(title string, notes []importer.Note) {
		if len(notes) == 0 {
			return
		}
		fmt.Fprintf(w, "\n%s (%d):\n", title, len(notes))
		for _, n := range notes {
			if n.Detail != "" && len([]rune(n.Text))+len([]rune(n.Detail)) < 72 {
				fmt.Fprintf(w, "  %-6s %s → %s\n", where(n), n.Text, n.Detail)
				continue
			}
			fmt.Fprintf(w, "  %-6s %s\n", where(n), n.Text)
			if n.Detail != "" {
				fmt.Fprintf(w, "  %-6s → %s\n", "", n.Detail)
			}
		}
	}
	section("bound to evidence", res.Bound)
	section("kept as manual items (a person's claim, no rule can check it)", res.Manual)
	section("not imported", res.Skipped)
	section("already in the checklist", dups)
}

// where is the line or lines a note is about.
func where(n importer.Note) string {
	if n.Line > 0 {
		return fmt.Sprintf("%d", n.Line)
	}
	if len(n.Lines) == 0 {
		return ""
	}
	return "lines"
}

// parseMixed accepts flags before and after positional arguments.
func parseMixed(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, errHelp
			}
			return nil, flagError(err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// count is "1 line" / "3 lines".
func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
