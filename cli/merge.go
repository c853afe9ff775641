package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/preflight-dev/preflight/app"
	"github.com/preflight-dev/preflight/checklist"
	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/report"
	"github.com/preflight-dev/preflight/shard"
)

// runMerge is `preflight merge SHARD.json…`: the JSON reports of every
// shard of `check --shard I/N` become the reports and the verdict of one
// full run. READINESS.md is read again from --repo (default the current
// directory), which must be a checkout of the commit the shards checked:
// its items are judged against the evidence of all shards together, as in
// a full run.
func runMerge(args []string, sio IO) int {
	fs := flag.NewFlagSet("merge", flag.ContinueOnError)
	var outs outputs
	fs.Var(formatFlag{&outs}, "format", "")
	fs.Var(outputFlag{&outs}, "output", "")
	failOn := fs.String("fail-on", "no-go", "")
	repo := fs.String("repo", ".", "")
	cacheDir := fs.String("cache-dir", "", "")
	files, err := parseMixed(fs, args)
	if err != nil {
		return fail(sio, err)
	}
	for i, f := range files {
		files[i] = filepath.Clean(f)
	}
	if len(files) == 0 {
		return fail(sio, usageError{"merge needs the JSON reports of every shard: preflight merge shard-1.json shard-2.json …"})
	}
	targets, err := outs.resolve()
	if err != nil {
		return fail(sio, usageError{err.Error()})
	}
	if _, ok := failLevels[*failOn]; !ok {
		return fail(sio, usageError{fmt.Sprintf("unknown --fail-on %q (want no-go, conditional or never)", *failOn)})
	}
	var in []shard.Input
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return fail(sio, usageError{fmt.Sprintf("cannot read %s: %v", f, errors.Unwrap(err))})
		}
		r, err := report.ReadJSON(data)
		if err != nil {
			var at *report.PositionError
			if errors.As(err, &at) {
				return fail(sio, usageError{fmt.Sprintf("%s:%d:%d: %s", f, at.Line, at.Column, at.Msg)})
			}
			return fail(sio, usageError{fmt.Sprintf("%s: %v", f, err)})
		}
		in = append(in, shard.Input{Name: f, Report: r})
	}
	snap, meta, err := shard.Merge(in)
	if err != nil {
		return fail(sio, usageError{err.Error()})
	}
	if hasChecklist(in) {
		dir, err := resolveDir(*repo)
		if err != nil {
			return fail(sio, err)
		}
		if head := gitOutput(dir, "rev-parse", "HEAD"); meta.Commit != "" && head != meta.Commit {
			return fail(sio, usageError{fmt.Sprintf("the shards checked commit %s, and read its READINESS.md; %s is at %s: run merge in a checkout of %s (or give it with --repo)",
				meta.Commit, *repo, orUnknown(head), meta.Commit)})
		}
		snap = checklist.Attach(dir, snap)
	}
	for _, t := range targets {
		if err := writeReport(sio, t, snap, meta); err != nil {
			fmt.Fprintf(sio.Err, "preflight: writing the %s report: %v\n", t.format, err)
			return exitUsage
		}
	}
	// The merged run's durations balance the next sharded run's plan.
	app.Remember(snap, *cacheDir, sio.Err)
	appendStepSummary(sio, snap, meta)
	if failsAt(model.Assess(snap).Verdict, *failOn) {
		return exitFail
	}
	return exitOK
}

// hasChecklist reports whether the shards read a READINESS.md.
func hasChecklist(in []shard.Input) bool {
	for _, r := range in {
		if r.Report.ChecklistFile != "" || len(r.Report.ChecklistIssues) > 0 || len(r.Report.Acknowledgments) > 0 {
			return true
		}
	}
	return false
}

func orUnknown(commit string) string {
	if commit == "" {
		return "no known commit"
	}
	return commit
}
