package collectors

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/preflight-dev/preflight/internal/repofs"
	"github.com/preflight-dev/preflight/model"
)

// Tool is a run of one external program as data: how to run it and how to
// read what it left. RunTool does the rest the same way for every family
// that runs a tool and for every command preflight.yaml defines: finding
// the program, the process group and timeout, interruption, the report
// file's freshness, the output excerpt, ids and sorting, and the rule that
// output the reader cannot read is an error with an excerpt.
type Tool struct {
	Invocation
	// NotFound is the unknown result's reason when Name cannot be found
	// (default "NAME is not on PATH"); InstallHint says what to do.
	NotFound, InstallHint string
	// Shown, when set, is the command the result shows in place of the one
	// run (a long list of files summarised).
	Shown string
	// Report is a file, relative to the working directory, that the
	// program writes and Read reads in place of stdout. One that this run
	// did not write is not evidence.
	Report string
	// Read makes the run into a reading. An error means the output could
	// not be read: the result is an error, never a pass, with the
	// reading's Output as evidence when it has one.
	Read Reader
	// Version is the installed tool's version, for the result.
	Version string
	// Retry runs the tool again the plain way when this version refuses
	// an option preflight added, rather than blame the project.
	Retry *Retry
	// Partial reads a run that timed out, and makes it a result: a test
	// suite that does not finish is measured (CI would hang on it too), so
	// its reading is scored as any other — Broken when nothing else was
	// read. Without it a timeout is unknown.
	Partial func(in Input, timeout time.Duration) Reading
}

// Retry is a second run for a tool that refused an option.
type Retry struct {
	Refused *regexp.Regexp // matches the tool's complaint
	Args    []string
	Tee     io.Writer
	Shown   string // the command shown for the second run, when Tool.Shown is set
}

// Reader makes one finished run into a reading.
type Reader func(Input) (Reading, error)

// Input is what one finished run left for its reader.
type Input struct {
	Data []byte // stdout, or the report when the tool writes one
	// Report names the report Data holds: a file relative to Dir, or
	// ReportArg; "" when Data is stdout.
	Report         string
	Stdout, Stderr []byte
	ExitCode       int
	// Truncated: the program printed more than the capture keeps, so
	// counts read from it would be incomplete.
	Truncated bool
	Root      string // absolute repository root
	Dir       string // absolute directory the program ran in
	// Quiet is how long a program stopped at its timeout had printed
	// nothing (see proc.Output.Quiet); 0 for one that exited.
	Quiet time.Duration

	userCommand bool // evidence in terminal order: stdout, then stderr
}

// Reading is what a reader made of a run.
type Reading struct {
	// Status is the result's status; the zero value is ok. A reader says
	// unknown when the run measured nothing (a database it could not
	// reach), with Error and Hint saying why and what to do.
	Status      model.Status
	Error, Hint string
	Facts       map[string]float64
	// Findings carry severity, rule, message and location; the runner
	// stamps, sorts and numbers them.
	Findings []model.Finding
	// InToolOrder keeps the findings in the order the reader gives, when
	// the tool's order says something (tsc reports the configuration's
	// errors first: they explain the rest).
	InToolOrder bool
	// Output is the evidence text when the reader has a better one than
	// the program's own output (a summary).
	Output string
	// Broken: the project stopped the tool before it measured anything
	// (its configuration does not load); the result scores 0.
	Broken bool
	// MachineBound: the result depends on this machine's state that no
	// input file captures (a service that is not running, a native addon
	// not built, generated code not there yet), so it is measured again
	// next time, never reused.
	MachineBound bool
}

// Combined is stderr then stdout: tools print why they stopped on stderr.
func (in Input) Combined() string { return joinOutput(in.Stderr, in.Stdout) }

// Excerpt is the last maxLines lines of the combined output.
func (in Input) Excerpt(maxLines int) string {
	if in.userCommand {
		return Excerpt(joinOutput(in.Stdout, in.Stderr), maxLines)
	}
	return Excerpt(in.Combined(), maxLines)
}

// joinOutput puts two outputs one after the other, on lines of their own.
func joinOutput(first, second []byte) string {
	if len(first) == 0 || len(second) == 0 {
		return string(first) + string(second)
	}
	return strings.TrimSuffix(string(first), "\n") + "\n" + string(second)
}

// RunTool runs t for req and reads it.
func (b Base) RunTool(ctx context.Context, req Request, t Tool) model.Result {
	dir := filepath.Join(req.Root, filepath.FromSlash(t.Dir))
	shown := func(r model.Result) model.Result {
		if t.Shown != "" {
			r.Command = t.Shown
		}
		return r
	}
	if !installed(dir, t.Name) {
		reason := t.NotFound
		if reason == "" {
			reason = t.Name + " is not on PATH"
		}
		return shown(b.Unknown(reason, t.InstallHint))
	}
	var report string
	var before time.Time
	if t.Report != "" {
		report = filepath.Join(dir, filepath.FromSlash(t.Report))
		// A report left over from an earlier run must not pass for this one.
		if st, err := os.Stat(report); err == nil {
			before = st.ModTime()
		}
	}
	ran, stopped := b.Exec(ctx, req, t.Invocation)
	if stopped == nil && t.Name == "sh" && ran.Out.ExitCode == 127 && strings.Contains(string(ran.Out.Stderr), "not found") {
		// A command line whose program the shell did not find.
		res := b.Unknown("the command was not found: "+FirstLine(string(ran.Out.Stderr)), t.InstallHint)
		res.ExitCode, res.Output = ran.Out.ExitCode, ran.Excerpt(excerptLines)
		return shown(res)
	}
	if r := t.Retry; r != nil && stopped == nil && len(bytes.TrimSpace(ran.Report)) == 0 && r.Refused.MatchString(ran.Combined()) {
		inv := t.Invocation
		inv.Args, inv.Tee = r.Args, r.Tee
		ran, stopped = b.Exec(ctx, req, inv)
		if r.Shown != "" {
			t.Shown = r.Shown
		}
	}
	in := Input{Data: ran.Out.Stdout, Stdout: ran.Out.Stdout, Stderr: ran.Out.Stderr, ExitCode: ran.Out.ExitCode, Truncated: ran.Out.Truncated,
		Root: req.Root, Dir: dir, Quiet: ran.Out.Quiet, userCommand: t.UserCommand}
	if wantsReport(t.Args) {
		in.Data, in.Report = ran.Report, ReportArg
	}
	if stopped != nil {
		if ran.Out.TimedOut && t.Partial != nil {
			r := t.Partial(in, ran.Timeout)
			res := b.Conclude(in, func(Input) (Reading, error) { return r, nil })
			res.Command, res.ExitCode, res.Duration, res.Hint = stopped.Command, stopped.ExitCode, stopped.Duration, cmp.Or(r.Hint, stopped.Hint)
			return shown(res)
		}
		return shown(*stopped)
	}
	res := b.Result()
	res.Command, res.ExitCode, res.Duration = ran.Command, ran.Out.ExitCode, ran.Out.Duration
	if report != "" {
		st, err := os.Stat(report)
		switch {
		case err != nil:
			res.Status, res.Error = model.StatusError, fmt.Sprintf("the command did not write its report %s (exit %d)", t.Report, in.ExitCode)
		case !before.IsZero() && !st.ModTime().After(before):
			res.Status, res.Error = model.StatusError, fmt.Sprintf("the report %s was not rewritten by this run (exit %d)", t.Report, in.ExitCode)
		default:
			in.Report = t.Report
			if in.Data, err = repofs.ReadFile(req.Root, report); err != nil {
				res.Status, res.Error = model.StatusError, "reading the report: "+err.Error()
			}
		}
		if res.Status != "" {
			res.Output = in.Excerpt(excerptLines)
			return shown(res)
		}
	}
	concluded := b.Conclude(in, t.Read)
	concluded.Command, concluded.Duration, concluded.ToolVersion = res.Command, res.Duration, t.Version
	return shown(concluded)
}

// Conclude reads a finished run into this collector's result: what RunTool
// does once the program has run, for a run captured earlier as well.
func (b Base) Conclude(in Input, read Reader) model.Result {
	res := b.Result()
	res.ExitCode = in.ExitCode
	reading, err := read(in)
	if err != nil {
		res.Status, res.Error = model.StatusError, err.Error()
		res.Output = in.Excerpt(excerptLines)
		if reading.Output != "" {
			res.Output = Excerpt(reading.Output, excerptLines)
		}
		if in.Report != "" {
			res.Output = Excerpt("report: "+string(in.Data), 20) + "\n" + res.Output
		}
		return res
	}
	res.Status = reading.Status
	if res.Status == "" {
		res.Status = model.StatusOK
	}
	res.Error, res.Hint, res.Facts, res.Broken = reading.Error, reading.Hint, reading.Facts, reading.Broken
	res.MachineBound = reading.MachineBound
	if reading.InToolOrder {
		res.Findings = b.stamp(reading.Findings)
		model.AssignIDs(res.Findings)
	} else {
		res.Findings = b.Finish(reading.Findings)
	}
	res.Output = in.Excerpt(excerptLines)
	if reading.Output != "" {
		res.Output = Excerpt(reading.Output, excerptLines)
	}
	return res
}

// installed reports whether an executable can be found: a path (relative
// to dir) or a name on PATH.
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
