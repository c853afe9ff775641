// Package custom runs the checks a team defines in preflight.yaml: any
// command, with its output read by one of a few readers (exit code, a
// regular expression, tsc-style lines, go test -json, JUnit XML, SARIF,
// ESLint JSON). The readers only parse; running is in Run.
package custom

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/repofs"
	"github.com/preflight-dev/preflight/model"
)

// Kind is the tool family of every custom collector; ids are "custom:NAME".
const Kind = collectors.CustomKind

// Spec is one custom collector as preflight.yaml defines it.
type Spec = collectors.CommandSpec

// Collector runs one Spec.
type Collector struct {
	spec Spec
}

// New builds the collector of a validated spec.
func New(s Spec) *Collector { return &Collector{spec: s} }

func (c *Collector) ID() string     { return Kind + ":" + c.spec.Name }
func (c *Collector) Kind() string   { return Kind }
func (c *Collector) Domain() string { return c.spec.Domain }

// Inputs are the spec's globs; without any, the collector reruns only on
// request, not on file changes.
func (c *Collector) Inputs() []string { return append([]string(nil), c.spec.Inputs...) }

// Timeout is the spec's own timeout; the engine uses it in place of the
// default.
func (c *Collector) Timeout() time.Duration { return c.spec.Timeout }

// Spec returns the definition this collector runs.
func (c *Collector) Spec() Spec { return c.spec }

// excerptLines bounds the output kept as evidence.
const excerptLines = 60

// Run runs the command once and reads its output.
func (c *Collector) Run(ctx context.Context, req collectors.Request) model.Result {
	s := c.spec
	b := collectors.NewBase(c.ID(), Kind, s.Domain)
	res := b.Result()
	res.Command = s.CommandLine()
	if len(s.Command) == 0 || s.Command[0] == "" {
		res.Status, res.Error = model.StatusError, "no command to run"
		return res
	}
	dir := filepath.Join(req.Root, filepath.FromSlash(s.WorkDir()))
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return unknown(res, fmt.Sprintf("working directory %s does not exist", s.WorkDir()), "fix dir: in preflight.yaml")
	}
	inv := collectors.Invocation{Tool: s.Command[0], Dir: s.WorkDir(), Name: s.Command[0], Args: s.Command[1:],
		StartHint: "install " + s.Command[0] + " or fix command: in preflight.yaml"}
	if s.Shell {
		inv.Tool, inv.Name, inv.Args = "the command", "sh", []string{"-c", s.Command[0]}
	} else if !installed(dir, s.Command[0]) {
		return unknown(res, fmt.Sprintf("%s is not installed or not on PATH", s.Command[0]), inv.StartHint)
	}
	var reportStat time.Time
	if s.Report != "" {
		// A report left over from an earlier run must not pass for this one.
		if st, err := os.Stat(filepath.Join(dir, filepath.FromSlash(s.Report))); err == nil {
			reportStat = st.ModTime()
		}
	}
	ran, stopped := b.Exec(ctx, req, inv)
	out := ran.Out
	res.ExitCode, res.Duration = out.ExitCode, out.Duration
	res.Output = collectors.Excerpt(string(out.Stdout)+string(out.Stderr), excerptLines)
	if stopped != nil {
		stopped.Command = res.Command
		switch {
		case errors.Is(ctx.Err(), context.Canceled):
		case out.TimedOut:
			stopped.Error, stopped.Hint = fmt.Sprintf("timed out after %s", ran.Timeout), "raise timeout: for this check in preflight.yaml"
		}
		return *stopped
	}
	if s.Shell && out.ExitCode == 127 && strings.Contains(string(out.Stderr), "not found") {
		return unknown(res, "the command was not found: "+collectors.FirstLine(string(out.Stderr)),
			"install the tool or fix command: in preflight.yaml")
	}

	input := out.Stdout
	if s.Report != "" {
		path := filepath.Join(dir, filepath.FromSlash(s.Report))
		st, err := os.Stat(path)
		if err != nil {
			res.Status = model.StatusError
			res.Error = fmt.Sprintf("the command did not write its report %s (exit %d)", s.Report, out.ExitCode)
			return res
		}
		if !reportStat.IsZero() && !st.ModTime().After(reportStat) {
			res.Status = model.StatusError
			res.Error = fmt.Sprintf("the report %s was not rewritten by this run (exit %d)", s.Report, out.ExitCode)
			return res
		}
		if input, err = repofs.ReadFile(req.Root, path); err != nil {
			res.Status, res.Error = model.StatusError, "reading the report: "+err.Error()
			return res
		}
	}
	read, err := Read(s, Input{Data: input, Stderr: out.Stderr, ExitCode: out.ExitCode, Root: req.Root, Dir: dir})
	if err != nil {
		res.Status = model.StatusError
		res.Error = err.Error()
		if s.Report != "" {
			res.Output = collectors.Excerpt(string(input), excerptLines)
		}
		return res
	}
	res.Status = model.StatusOK
	res.Findings = b.Finish(read.Findings)
	res.Facts = read.Facts
	if read.Output != "" {
		res.Output = collectors.Excerpt(read.Output, excerptLines)
	}
	return res
}

func unknown(res model.Result, reason, hint string) model.Result {
	res.Status, res.Error, res.Hint = model.StatusUnknown, reason, hint
	return res
}

// installed reports whether an executable can be found: a path (relative to
// the working directory) or a name on PATH.
func installed(dir, name string) bool {
	if !strings.Contains(name, "/") {
		_, err := exec.LookPath(name)
		return err == nil
	}
	if !filepath.IsAbs(name) {
		name = filepath.Join(dir, name)
	}
	st, err := os.Stat(name)
	return err == nil && !st.IsDir()
}

// RepoCode: a custom collector runs a command the repository's config
// names, often one of its scripts.
func (c *Collector) RepoCode() string {
	return c.spec.CommandLine() + " (" + "preflight.yaml)"
}
