// Package shellcheck lints the repository's shell scripts (internal/shellscript
// says which files are scripts) with ShellCheck, when it is installed:
// shellcheck -x -P SCRIPTDIR -f json1 <scripts>. It is the worked example of
// ARCHITECTURE.md: detection, the invocation the one runner executes, and
// a reader (read.go) that turns ShellCheck's JSON into findings.
package shellcheck

import (
	"context"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/filerules"
	"github.com/preflight-dev/preflight/internal/shellscript"
	"github.com/preflight-dev/preflight/model"
)

const (
	Kind = "shellcheck"
	// Domain: a script that breaks on a file name with a space breaks the
	// build or the deploy it is part of.
	Domain = "build"
	// Tool is the executable, looked up on PATH.
	Tool        = "shellcheck"
	installHint = "install ShellCheck: apt-get install shellcheck, brew install shellcheck, or a release from its project page"
)

// Detect returns one collector for the repository's shell scripts, if it
// has any. ShellCheck only reads them, so it needs no trust.
func Detect(root string, files []string) []collectors.Collector {
	var scripts, templates []string
	for _, f := range files {
		switch {
		case collectors.InDependencies(f) || !shellscript.Is(root, f):
		case shellscript.Template(root, f):
			templates = append(templates, f)
		default:
			scripts = append(scripts, f)
		}
	}
	if len(scripts) == 0 {
		return nil
	}
	sort.Strings(scripts)
	sort.Strings(templates)
	id := Kind + ":" + model.RootTarget
	return []collectors.Collector{&Collector{Base: collectors.NewBase(id, Kind, Domain), scripts: scripts, templates: templates}}
}

// Collector lints every script of the repository in one run.
type Collector struct {
	collectors.Base
	scripts []string // repo-relative
	// templates are scripts another tool renders (<%= … %>, {% if %}):
	// left out, and named in the output.
	templates []string
}

// Inputs: a change to any script reruns it.
func (c *Collector) Inputs() []string {
	in := []string{"**/*.sh", "**/*.bash"}
	for _, s := range c.scripts {
		if path.Ext(s) == "" {
			in = append(in, collectors.EscapeGlob(s))
		}
	}
	return in
}

// Run checks the scripts found at detection.
func (c *Collector) Run(ctx context.Context, req collectors.Request) model.Result {
	return c.RunTool(ctx, req, collectors.Tool{
		Invocation:  collectors.Invocation{Tool: Tool, Dir: ".", Name: Tool, Args: append([]string{"-x", "-P", "SCRIPTDIR", "-f", "json1"}, c.scripts...), StartHint: installHint},
		InstallHint: installHint,
		Read:        c.read,
	})
}

// read judges a run: ShellCheck exits 1 when it reports something and 2
// or more when it could not check (a bad option, a file that vanished):
// then its output is not evidence.
func (c *Collector) read(in collectors.Input) (collectors.Reading, error) {
	if in.ExitCode > 1 {
		return collectors.Reading{}, fmt.Errorf("shellcheck exited with status %d: %s", in.ExitCode, collectors.FirstLine(string(in.Stderr)))
	}
	read, err := Read(in.Data)
	if err != nil {
		return collectors.Reading{}, fmt.Errorf("unreadable shellcheck output: %w", err)
	}
	// -x follows sourced files: what it says of one that is not a script
	// checked here is not counted.
	read.Findings = slices.DeleteFunc(read.Findings, func(f model.Finding) bool { return !slices.Contains(c.scripts, f.File) })
	if in.ExitCode == 0 && len(read.Findings) > 0 {
		return collectors.Reading{}, fmt.Errorf("shellcheck reported findings but exited with status 0")
	}
	r := collectors.Reading{
		Facts:    map[string]float64{"scripts": float64(len(c.scripts)), "findings": float64(len(read.Findings))},
		Findings: read.Findings,
		Output:   fmt.Sprintf("%d scripts checked, %d findings", len(c.scripts), len(read.Findings)),
	}
	if len(c.templates) > 0 {
		r.Facts["templates"] = float64(len(c.templates))
		r.Hint = fmt.Sprintf("left out %s another tool renders into scripts (<%%= … %%>, {%% … %%}), which ShellCheck cannot parse: %s",
			filerules.Plural(len(c.templates), "template"), strings.Join(c.templates, ", "))
	}
	return r, nil
}
