package collectors

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/proc"
)

// Base is the identity every collector has. Families embed it and get ID,
// Kind and Domain, the result skeleton, and Finish, so that ids, sorting and
// the unknown/error shapes are the same for every collector.
type Base struct {
	id, kind, domain string
}

// NewBase names a collector instance.
func NewBase(id, kind, domain string) Base { return Base{id: id, kind: kind, domain: domain} }

func (b Base) ID() string     { return b.id }
func (b Base) Kind() string   { return b.kind }
func (b Base) Domain() string { return b.domain }

// Result is an empty result of this collector, exit code unknown.
func (b Base) Result() model.Result {
	return model.Result{Collector: b.id, Kind: b.kind, Domain: b.domain, ExitCode: -1}
}

// Unknown is a result without evidence: the tool is missing, or did not
// finish. hint says what the user can do about it.
func (b Base) Unknown(reason, hint string) model.Result {
	return model.Unknown(b.id, b.kind, b.domain, reason, hint)
}

// Finish stamps findings with this collector, sorts them most severe first
// and gives each its stable id.
func (b Base) Finish(fs []model.Finding) []model.Finding {
	b.stamp(fs)
	model.SortFindings(fs)
	model.AssignIDs(fs)
	return fs
}

// stamp marks findings as this collector's, in its domain.
func (b Base) stamp(fs []model.Finding) []model.Finding {
	for i := range fs {
		fs[i].Collector = b.id
		fs[i].Domain = b.domain
	}
	return fs
}

// ReportArg stands in an Invocation's arguments for the path of a fresh
// temporary file the tool writes its report to.
const ReportArg = "{report}"

// ShownReport is how a command's evidence writes the report file: a fresh
// temporary file, as the run had.
const ShownReport = `"$(mktemp -d)/report.json"`

// Invocation is one run of an external tool, as a collector describes it.
type Invocation struct {
	Tool string // what messages call it: "eslint", "npm audit"
	Dir  string // repo-relative working directory, "." for the root
	Name string // the executable: a name on PATH or an absolute path
	Args []string
	// Env is added to preflight's environment; ShowEnv is the part of it
	// that selects behaviour and so belongs in the command line shown.
	Env, ShowEnv []string
	MaxOutput    int
	// Tee receives stdout and stderr as they arrive, for progress notes.
	Tee io.Writer
	// TimeoutHint and StartHint are shown when the tool did not finish in
	// time, or could not start.
	TimeoutHint, StartHint string
	// UserCommand marks a command of the user's own (preflight.yaml): a
	// timeout says only how long it ran, since the check's name is shown
	// beside it, and its evidence is its output as a terminal shows it,
	// stdout then stderr.
	UserCommand bool
}

// wantsReport reports whether a tool's arguments name ReportArg.
func wantsReport(args []string) bool {
	return slices.ContainsFunc(args, func(a string) bool { return strings.Contains(a, ReportArg) })
}

// Ran is what a finished run left behind.
type Ran struct {
	Command string // as a user would paste it at the repository root
	Dir     string // absolute working directory
	Out     proc.Output
	Timeout time.Duration
	// Report is the content of the ReportArg file; nil when the tool wrote
	// nothing there.
	Report []byte
}

// Combined is stderr then stdout: tools print why they stopped on stderr.
func (r Ran) Combined() string { return string(r.Out.Stderr) + "\n" + string(r.Out.Stdout) }

// Excerpt is the last maxLines lines of the combined output, as evidence.
func (r Ran) Excerpt(maxLines int) string { return Excerpt(r.Combined(), maxLines) }

// Exec runs inv for req. When the tool did not finish (timeout, a newer
// change cancelled it, it could not start), the run has no evidence and Exec
// also returns the unknown result that says so, with the command, exit code
// and output excerpt filled in; the caller may add to it or return it as is.
func (b Base) Exec(ctx context.Context, req Request, inv Invocation) (Ran, *model.Result) {
	timeout := req.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	dir := filepath.Join(req.Root, filepath.FromSlash(inv.Dir))
	ran := Ran{Dir: dir, Timeout: timeout}
	args := inv.Args
	var reportFile string
	if wantsReport(args) {
		tmp, err := os.MkdirTemp("", "preflight-"+b.kind+"-")
		if err != nil {
			res := b.Unknown("cannot create a temporary directory: "+err.Error(), "")
			return ran, &res
		}
		defer os.RemoveAll(tmp)
		reportFile = filepath.Join(tmp, "report.json")
		args = append([]string(nil), args...)
		for i, a := range args {
			args[i] = strings.ReplaceAll(a, ReportArg, reportFile)
		}
	}
	cmd := proc.Cmd{Dir: dir, Name: inv.Name, Args: args, Env: inv.Env, Timeout: timeout, MaxOutput: inv.MaxOutput,
		Tee: inv.Tee, TeeStderr: inv.Tee}
	// The evidence names the report file as a command a user can paste,
	// the same on every run: the real one is gone when the run ends.
	ran.Command = strings.ReplaceAll(CommandLine(inv.Dir, inv.ShowEnv, DisplayPath(dir, inv.Name), inv.Args...), ReportArg, ShownReport)
	out, err := proc.Run(ctx, cmd)
	ran.Out = out
	if reportFile != "" {
		if data, rerr := os.ReadFile(reportFile); rerr == nil {
			ran.Report = data
		}
	}
	if err == nil {
		return ran, nil
	}
	res := b.Result()
	res.Status = model.StatusUnknown
	res.Command, res.ExitCode, res.Duration = ran.Command, out.ExitCode, out.Duration
	res.Output = ran.Excerpt(excerptLines)
	res.Error = Interruption(inv.Tool, err, timeout)
	if inv.UserCommand && out.TimedOut {
		res.Error = fmt.Sprintf("timed out after %s", timeout)
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded) || out.TimedOut:
		res.Hint = inv.TimeoutHint
	case errors.Is(err, context.Canceled):
	default:
		res.Hint = inv.StartHint
	}
	return ran, &res
}

// excerptLines bounds the output a run keeps as evidence.
const excerptLines = 60

// CommandLine renders a command as a user would paste it at the repository
// root: "cd DIR && ENV=… name args".
func CommandLine(dir string, env []string, name string, args ...string) string {
	shown := proc.Cmd{Name: name, Args: args}.String()
	if len(env) > 0 {
		shown = strings.Join(env, " ") + " " + shown
	}
	return InDir(dir, shown)
}

// InDir prefixes a command line with "cd DIR && " unless DIR is the root.
func InDir(dir, shown string) string {
	if dir == "" || dir == "." {
		return shown
	}
	return "cd " + proc.Cmd{Name: dir}.String() + " && " + shown
}

// DisplayPath shows a tool's executable relative to the directory it runs
// in (node_modules/.bin/eslint, ../../node_modules/.bin/jest for a hoisted
// install), as a user would type it there; a name found on PATH as is.
func DisplayPath(dir, p string) string {
	if !filepath.IsAbs(p) {
		return p
	}
	if rel, err := filepath.Rel(dir, p); err == nil {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(p)
}

// ansi matches terminal escape sequences. Some tools colour their output
// even with NO_COLOR set, and evidence must be readable as plain text.
var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)`)

// StripANSI removes terminal escape sequences.
func StripANSI(s string) string { return ansi.ReplaceAllString(s, "") }

// maxLineWidth bounds one line of an excerpt: a diagnostic that prints the
// whole minified source on one line must not fill the evidence pane.
const maxLineWidth = 400

// Excerpt turns tool output into evidence: escape sequences removed, very
// long lines cut, the last maxLines lines kept.
func Excerpt(out string, maxLines int) string {
	out = StripANSI(strings.ReplaceAll(out, "\r\n", "\n"))
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		lines[i] = Clip(l, maxLineWidth)
	}
	return proc.Excerpt(strings.Join(lines, "\n"), maxLines)
}

// Clip cuts s to at most max bytes on a rune boundary, marking the cut.
func Clip(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + " …"
}

// FirstLine is the first non-blank line of s, trimmed.
func FirstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	return s
}

// errorLine matches the first line of an error as Node and most tools print
// it ("TypeError: …", "Error [ERR_MODULE_NOT_FOUND]: …").
var errorLine = regexp.MustCompile(`^(\w+ )?\w*Error\b`)

// FailureReason picks the line of a tool's output that says why it stopped:
// the first line naming an error, else the first line that skip does not
// pass over. It says so when the tool printed nothing.
func FailureReason(output string, skip func(line string) bool) string {
	var first string
	for _, l := range strings.Split(StripANSI(output), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || (skip != nil && skip(l)) {
			continue
		}
		if errorLine.MatchString(l) {
			return Clip(l, 300)
		}
		if first == "" {
			first = l
		}
	}
	if first == "" {
		return "it printed nothing and wrote no report"
	}
	return Clip(first, 300)
}
