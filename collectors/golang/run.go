package golang

import (
	"context"
	"io"
	"os/exec"
	"strings"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/model"
)

// excerptLines bounds the output kept as evidence on a result.
const excerptLines = 60

// goTool is the executable the collectors run, looked up on PATH.
const goTool = "go"

// runner carries what both collectors need for one run.
type runner struct {
	collectors.Base
	mod module
	req collectors.Request
	loc Module
	env []string // GOWORK=off for a module its directory's go.work leaves out
}

func newRunner(id, kind, domain string, mod module, req collectors.Request) runner {
	loc, _ := ModuleAt(req.Root, mod.absDir(req.Root))
	return runner{Base: collectors.NewBase(id, kind, domain), mod: mod, req: req, loc: loc, env: WorkspaceOf(req.Root, mod.dir).Env()}
}

// command renders what a user would paste to reproduce the run from the
// repository root: the go commands of the run, one after the other.
func (r runner) command(args ...[]string) string {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = collectors.CommandLine(".", r.env, goTool, a...)
	}
	return collectors.InDir(r.mod.dir, strings.Join(parts, "; "))
}

// context applies the request timeout to every command of the run
// together, since one collector run is what the engine budgets for.
func (r runner) context(ctx context.Context) (context.Context, context.CancelFunc) {
	timeout := r.req.Timeout
	if timeout <= 0 {
		timeout = collectors.DefaultTimeout
	}
	r.req.Timeout = timeout
	return context.WithTimeout(ctx, timeout)
}

// missingGo returns the unknown result for a machine without Go, and
// whether that is the case.
func (r runner) missingGo() (model.Result, bool) {
	if _, err := exec.LookPath(goTool); err != nil {
		return r.Unknown(notFound, InstallHint), true
	}
	return model.Result{}, false
}

// notFound is the unknown result's reason on a machine without Go.
const notFound = "the go command is not on PATH"

// goInvocation is one go command in the module directory, stdout also
// copied to tee (when set) as it arrives; maxOutput 0 keeps proc's default
// cap.
// The collector's kind names its preflight.yaml key in the timeout hint.
func goInvocation(mod module, kind string, env []string, maxOutput int, tee io.Writer, args ...string) collectors.Invocation {
	return collectors.Invocation{
		Tool: collectors.CommandLine(".", env, goTool, args...), Dir: mod.dir, Name: goTool, Args: args, Env: env, ShowEnv: env,
		MaxOutput: maxOutput, Tee: tee,
		// The usual cause on a first run is a cold build cache: go compiles
		// the standard library and every dependency before anything else.
		TimeoutHint: "on a first run, a cold build cache takes minutes: warm it (go build ./... in the module) or raise " +
			"the timeout (collectors: {" + kind + ": {timeout: 30m}} in preflight.yaml); else look for a hanging test or build step",
		StartHint: InstallHint,
	}
}

// run runs one go command in the module directory, stdout also copied to
// tee (when set) as it arrives; maxOutput 0 keeps proc's default cap. A run
// that did not finish comes back as its unknown result, showing command.
func (r runner) run(ctx context.Context, command string, maxOutput int, tee io.Writer, args ...string) (collectors.Ran, *model.Result) {
	ran, stopped := r.Exec(ctx, r.req, goInvocation(r.mod, "go", r.env, maxOutput, tee, args...))
	if stopped != nil {
		stopped.Command = command
	}
	return ran, stopped
}

// failed builds the result of a tool whose output could not be read.
func (r runner) failed(cmd string, exit int, why, output string) model.Result {
	res := r.Result()
	res.Status, res.Command, res.ExitCode, res.Error, res.Output = model.StatusError, cmd, exit, why, excerpt(output)
	return res
}

// finish stamps findings with the collector and domain, orders them and
// gives them their fingerprints.
func (r runner) finish(fs []model.Finding) []model.Finding {
	for i := range fs {
		fs[i].Collector = r.ID()
		fs[i].Domain = r.Domain()
	}
	sortFindings(fs)
	model.AssignIDs(fs)
	return fs
}

// firstLine returns the first non-empty line of s, for error messages.
func firstLine(s string) string { return collectors.FirstLine(s) }

// excerpt keeps the last lines of a tool's output as evidence.
func excerpt(out string) string { return collectors.Excerpt(out, excerptLines) }
