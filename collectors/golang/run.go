package golang

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/proc"
)

// excerptLines bounds the output kept as evidence on a result.
const excerptLines = 60

// goTool is the executable the collectors run, looked up on PATH.
const goTool = "go"

// runner carries what both collectors need for one run.
type runner struct {
	id, kind, domain string
	mod              module
	req              collectors.Request
	loc              Module
}

func newRunner(id, kind, domain string, mod module, req collectors.Request) runner {
	dir := mod.absDir(req.Root)
	loc := Module{Root: req.Root, Dir: dir}
	if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil {
		loc.Path = ModulePath(data)
	}
	return runner{id: id, kind: kind, domain: domain, mod: mod, req: req, loc: loc}
}

// command renders what a user would paste to reproduce the run from the
// repository root.
func (r runner) command(cmds ...proc.Cmd) string {
	parts := make([]string, len(cmds))
	for i, c := range cmds {
		parts[i] = c.String()
	}
	s := strings.Join(parts, "; ")
	if r.mod.dir != "." {
		s = "cd " + proc.Cmd{Name: r.mod.dir}.String() + " && " + s
	}
	return s
}

// context applies the request timeout to every command of the run
// together, since one collector run is what the engine budgets for.
func (r runner) context(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, r.timeout())
}

func (r runner) timeout() time.Duration {
	if r.req.Timeout > 0 {
		return r.req.Timeout
	}
	return collectors.DefaultTimeout
}

// missingGo returns the unknown result for a machine without Go, and
// whether that is the case.
func (r runner) missingGo() (model.Result, bool) {
	if _, err := exec.LookPath(goTool); err != nil {
		return model.Unknown(r.id, r.kind, r.domain, "the go command is not on PATH", InstallHint), true
	}
	return model.Result{}, false
}

// run runs one go command in the module directory; maxOutput 0 keeps
// proc's default cap.
func (r runner) run(ctx context.Context, maxOutput int, args ...string) (proc.Cmd, proc.Output, error) {
	return r.runTee(ctx, maxOutput, nil, args...)
}

// runTee is run with stdout also copied to tee as it arrives.
func (r runner) runTee(ctx context.Context, maxOutput int, tee io.Writer, args ...string) (proc.Cmd, proc.Output, error) {
	c := proc.Cmd{Dir: r.loc.Dir, Name: goTool, Args: args, MaxOutput: maxOutput, Tee: tee}
	out, err := proc.Run(ctx, c)
	return c, out, err
}

// interrupted builds the result of a run that did not finish: it timed
// out, was cancelled, or the tool could not start.
func (r runner) interrupted(c proc.Cmd, cmd string, out proc.Output, err error) model.Result {
	var res model.Result
	switch {
	case out.TimedOut || errors.Is(err, context.DeadlineExceeded):
		res = model.Unknown(r.id, r.kind, r.domain,
			fmt.Sprintf("%s timed out after %s", c.String(), r.timeout()),
			"raise the collector timeout, or look for a hanging test or build step")
	case errors.Is(err, context.Canceled):
		res = model.Unknown(r.id, r.kind, r.domain, "cancelled before "+c.String()+" finished", "")
	case errors.Is(err, exec.ErrNotFound):
		res = model.Unknown(r.id, r.kind, r.domain, "the go command is not on PATH", InstallHint)
	default:
		res = model.Unknown(r.id, r.kind, r.domain, fmt.Sprintf("could not run %s: %v", c.String(), err), "")
	}
	res.Command = cmd
	res.ExitCode = out.ExitCode
	res.Output = excerpt(string(out.Stderr) + string(out.Stdout))
	return res
}

// failed builds the result of a tool whose output could not be read.
func (r runner) failed(cmd string, exit int, why, output string) model.Result {
	return model.Result{
		Collector: r.id, Kind: r.kind, Domain: r.domain,
		Status:   model.StatusError,
		Command:  cmd,
		ExitCode: exit,
		Error:    why,
		Output:   excerpt(output),
	}
}

// finish stamps findings with the collector and domain, orders them and
// gives them their fingerprints.
func (r runner) finish(fs []model.Finding) []model.Finding {
	for i := range fs {
		fs[i].Collector = r.id
		fs[i].Domain = r.domain
	}
	sortFindings(fs)
	model.AssignIDs(fs)
	return fs
}

// firstLine returns the first non-empty line of s, for error messages.
func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return ""
}

// excerpt keeps the last lines of a tool's output as evidence.
func excerpt(out string) string { return proc.Excerpt(out, excerptLines) }
