package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/preflight-dev/preflight/app"

	"github.com/preflight-dev/preflight/baseline"
	"github.com/preflight-dev/preflight/internal/repofs"
	"github.com/preflight-dev/preflight/internal/safegit"
	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/report"
)

var failLevels = map[string]int{"never": 0, "no-go": 1, "conditional": 2}

func verdictLevel(v model.Verdict) int {
	switch v {
	case model.NoGo:
		return 1
	case model.Conditional:
		return 2
	}
	return 3
}

// failsAt reports whether verdict v reaches the --fail-on level.
func failsAt(v model.Verdict, failOn string) bool {
	lvl := failLevels[failOn]
	return lvl > 0 && verdictLevel(v) <= lvl
}

// output is one report to write: a format and a file ("" for stdout).
type output struct {
	format, file string
}

// outputs collects --format and --output in the order given: each
// --output belongs to the --format before it, so several pairs can be
// given in one run.
type outputs struct {
	list []output
}

type formatFlag struct{ o *outputs }

func (f formatFlag) String() string { return "" }
func (f formatFlag) Set(v string) error {
	if !isFormat(v) {
		return fmt.Errorf("unknown --format %q (want %s)", v, strings.Join(report.Formats, ", "))
	}
	f.o.list = append(f.o.list, output{format: v})
	return nil
}

type outputFlag struct{ o *outputs }

func (f outputFlag) String() string { return "" }
func (f outputFlag) Set(v string) error {
	if v == "" {
		return fmt.Errorf("--output needs a file name")
	}
	n := len(f.o.list)
	if n > 0 && f.o.list[n-1].file == "" {
		f.o.list[n-1].file = v
		return nil
	}
	format := formatOfFile(v)
	if format == "" {
		return fmt.Errorf("--output %s: give --format before it (the extension does not say which format)", v)
	}
	f.o.list = append(f.o.list, output{format: format, file: v})
	return nil
}

func isFormat(v string) bool {
	for _, f := range report.Formats {
		if f == v {
			return true
		}
	}
	return false
}

// formatOfFile guesses a format from a file name given without --format.
func formatOfFile(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json":
		return "json"
	case ".md", ".markdown":
		return "markdown"
	case ".sarif":
		return "sarif"
	case ".xml":
		return "junit"
	case ".txt":
		return "text"
	}
	return ""
}

// resolve checks the pairs: at most one report goes to stdout, and with
// none given the text report does.
func (o *outputs) resolve() ([]output, error) {
	if len(o.list) == 0 {
		return []output{{format: "text"}}, nil
	}
	stdout := 0
	seen := map[string]bool{}
	for _, out := range o.list {
		if out.file == "" {
			stdout++
			continue
		}
		abs, _ := filepath.Abs(out.file)
		if seen[abs] {
			return nil, fmt.Errorf("--output %s is given twice", out.file)
		}
		seen[abs] = true
	}
	if stdout > 1 {
		return nil, fmt.Errorf("only one --format can go to standard output; give the others an --output FILE")
	}
	return o.list, nil
}

func runCheck(args []string, io IO) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	var outs outputs
	fs.Var(formatFlag{&outs}, "format", "")
	fs.Var(outputFlag{&outs}, "output", "")
	failOn := fs.String("fail-on", "no-go", "")
	failOnAll := fs.Bool("fail-on-all", false, "")
	baseRev := fs.String("base", "", "")
	useBaseline := fs.Bool("baseline", false, "")
	cacheDir := fs.String("cache-dir", "", "")
	changedRev := fs.String("changed-since", "", "")
	fresh := fs.Bool("fresh", false, "")
	onlineTTL := fs.Duration("online-ttl", app.DefaultOnlineTTL, "")
	shardFlag := fs.String("shard", "", "")
	trusted := trustFlags(fs)
	dir, err := parse(fs, args)
	if err != nil {
		return fail(io, err)
	}
	sh, err := parseShard(*shardFlag)
	if err != nil {
		return fail(io, err)
	}
	targets, err := outs.resolve()
	if err != nil {
		return fail(io, usageError{err.Error()})
	}
	if _, ok := failLevels[*failOn]; !ok {
		return fail(io, usageError{fmt.Sprintf("unknown --fail-on %q (want no-go, conditional or never)", *failOn)})
	}
	if *baseRev != "" && *useBaseline {
		return fail(io, usageError{"--base and --baseline compare with two different things; give one"})
	}
	if sh != nil && (*baseRev != "" || *useBaseline || *changedRev != "") {
		return fail(io, usageError{"--shard runs a fixed part of every collector; it does not combine with --base, --baseline or --changed-since"})
	}
	var file baseline.File
	if *useBaseline {
		// Read before the run: a missing or broken baseline is a usage
		// error, not something to find out after minutes of checks.
		if file, err = baseline.Read(dir); err != nil {
			return fail(io, err)
		}
	}
	if *onlineTTL < 0 {
		return fail(io, usageError{fmt.Sprintf("--online-ttl %s: want a duration of 0 or more (24h, 30m; 0 asks the network every time)", *onlineTTL)})
	}
	opts := []app.Option{app.WithCacheDir(*cacheDir)}
	if *fresh {
		opts = append(opts, app.WithFreshResults())
	} else {
		opts = append(opts, app.WithReuse())
	}
	if *onlineTTL == 0 {
		opts = append(opts, app.WithOnlineTTL(-1))
	} else {
		opts = append(opts, app.WithOnlineTTL(*onlineTTL))
	}
	var plan app.Plan
	if *changedRev != "" {
		plan = app.ChangedSince(*changedRev)
	}
	if sh != nil {
		plan = func(_ context.Context, s *app.Session) ([]string, func(model.Snapshot) model.Snapshot, error) {
			return sh.pick(s), func(s model.Snapshot) model.Snapshot { return s }, nil
		}
	}
	snap, s, ctx, done, code := measure(dir, trusted(), io, plan, opts...)
	defer done()
	if code >= 0 {
		return code
	}
	switch {
	case *baseRev != "":
		cmp, err := s.CompareWithBase(ctx, snap, *baseRev)
		if ctx.Err() != nil {
			fmt.Fprintln(io.Err, "preflight: interrupted")
			return 130
		}
		if err != nil {
			return fail(io, err)
		}
		snap.Base = cmp
	case *useBaseline:
		snap.Base = file.Compare(snap)
	}

	meta := runMeta(dir, snap)
	if g, ok := s.TrustGrant(); ok {
		meta.Trust = &g
	}
	if sh != nil {
		snap, meta = sh.cut(snap, meta)
	}
	for _, t := range targets {
		if err := writeReport(io, t, snap, meta); err != nil {
			fmt.Fprintf(io.Err, "preflight: writing the %s report: %v\n", t.format, err)
			return exitUsage
		}
	}
	if sh == nil {
		// A shard's verdict is of its part only: the merge writes the
		// summary of the whole.
		appendStepSummary(io, snap, meta)
	}
	gate := snap
	if snap.Base != nil && !*failOnAll {
		gate = snap.Base.Gate(snap)
	}
	if failsAt(model.Assess(gate).Verdict, *failOn) {
		return exitFail
	}
	return exitOK
}

// measure runs one check of dir (the collectors plan picks, or all) with
// READINESS.md attached, stopping on a signal. code is -1 when it got a
// snapshot, else the exit code. done releases the signal handling.
func measure(dir string, trusted bool, io IO, plan app.Plan, opts ...app.Option) (snap model.Snapshot, s *app.Session, ctx context.Context, done func(), code int) {
	opts = append(opts, app.WithCacheVersion(cacheVersion()))
	if trusted {
		opts = append(opts, app.WithTrust())
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	progress, clearProgress := checkProgress(io.Err)
	snap, s, release, err := app.Check(ctx, dir, io.Err, plan, append(opts, progress)...)
	clearProgress()
	done = func() {
		release()
		stop()
	}
	if errors.Is(err, app.ErrInterrupted) {
		fmt.Fprintln(io.Err, "preflight: interrupted")
		return snap, s, ctx, done, 130
	}
	if err != nil {
		return snap, s, ctx, done, fail(io, err)
	}
	return snap, s, ctx, done, -1
}

func writeReport(sio IO, t output, snap model.Snapshot, meta report.Meta) error {
	meta.Rules = app.Rules()
	if t.file == "" {
		return report.Write(sio.Out, t.format, snap, report.Options{Meta: meta, Color: t.format == "text" && colorOK(sio.Out)})
	}
	var b bytes.Buffer
	if err := report.Write(&b, t.format, snap, report.Options{Meta: meta}); err != nil {
		return err
	}
	return writeAtomic(t.file, b.Bytes())
}

// colorOK reports whether w is a terminal that wants colour.
func colorOK(w io.Writer) bool {
	return os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb" && isTerminal(w)
}

// writeAtomic replaces file with data in one rename, so a reader never
// sees half a report and a failed run leaves the old one.
// A target that is not a regular file (/dev/null, /dev/stdout, a named
// pipe) is written to, never replaced.
func writeAtomic(file string, data []byte) error {
	if fi, err := os.Stat(file); err == nil && !fi.Mode().IsRegular() {
		return writeTo(file, os.O_WRONLY|os.O_TRUNC, data)
	}
	return repofs.WriteFileAtomic(file, data, 0o644)
}

// appendStepSummary adds the Markdown report to the job summary GitHub
// Actions shows, when the run is a step of one.
func appendStepSummary(sio IO, snap model.Snapshot, meta report.Meta) {
	summary := os.Getenv("GITHUB_STEP_SUMMARY")
	if summary == "" {
		return
	}
	var md bytes.Buffer
	err := report.WriteMarkdown(&md, snap, meta)
	if err == nil {
		err = writeTo(summary, os.O_APPEND|os.O_CREATE|os.O_WRONLY, md.Bytes())
	}
	if err != nil {
		fmt.Fprintf(sio.Err, "preflight: writing the GitHub step summary: %v\n", err)
	}
}

func writeTo(file string, flags int, data []byte) error {
	f, err := os.OpenFile(file, flags, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// runMeta is what a report says about the run beyond the snapshot: the
// commit checked, this preflight's version, and tool versions preflight
// can name without guessing.
func runMeta(root string, snap model.Snapshot) report.Meta {
	m := report.Meta{Version: version(), Commit: gitOutput(root, "rev-parse", "HEAD"), ToolVersions: map[string]string{}}
	for _, c := range snap.Collectors {
		if (c.Kind == "go" || c.Kind == "go-test") && c.Command != "" && m.ToolVersions["go"] == "" {
			// The go collectors run the go on PATH, which is this one.
			if v := commandOutput(root, "go", "env", "GOVERSION"); v != "" {
				m.ToolVersions["go"], m.ToolVersions["go-test"] = v, v
			}
		}
	}
	return m
}

func gitOutput(dir string, args ...string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := safegit.Command(ctx, dir, args...).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

func commandOutput(dir, name string, args ...string) string {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}
