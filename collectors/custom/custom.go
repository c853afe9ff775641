// Package custom runs the checks a team defines in preflight.yaml: any
// command, with its output read by one of a few readers (exit code, a
// regular expression, tsc-style lines, go test -json, JUnit XML, SARIF,
// ESLint JSON). The readers only parse; running is in Run.
package custom

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/preflight-dev/preflight/collectors"
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
	if st, err := os.Stat(filepath.Join(req.Root, filepath.FromSlash(s.WorkDir()))); err != nil || !st.IsDir() {
		res.Status, res.Error, res.Hint = model.StatusUnknown, fmt.Sprintf("working directory %s does not exist", s.WorkDir()), "fix dir: in preflight.yaml"
		return res
	}
	return b.RunTool(ctx, req, Tool(s))
}

// Tool is how the runner runs a spec: its command, and the spec's reader.
func Tool(s Spec) collectors.Tool {
	t := collectors.Tool{
		Invocation: collectors.Invocation{Tool: s.Command[0], Dir: s.WorkDir(), Name: s.Command[0], Args: s.Command[1:], UserCommand: true,
			StartHint: "install " + s.Command[0] + " or fix command: in preflight.yaml", TimeoutHint: "raise timeout: for this check in preflight.yaml"},
		Shown:  s.CommandLine(),
		Report: s.Report,
		Read:   func(in Input) (Reading, error) { return Read(s, in) },
	}
	t.NotFound, t.InstallHint = s.Command[0]+" is not installed or not on PATH", t.StartHint
	if s.Shell {
		t.Tool, t.Name, t.Args = "the command", "sh", []string{"-c", s.Command[0]}
		t.InstallHint = "install the tool or fix command: in preflight.yaml"
	}
	return t
}

// RepoCode: a custom collector runs a command the repository's config
// names, often one of its scripts.
func (c *Collector) RepoCode() string {
	return c.spec.CommandLine() + " (" + "preflight.yaml)"
}
