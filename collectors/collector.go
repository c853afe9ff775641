// Package collectors defines what every collector is: something that runs
// against the tree and returns a model.Result. Tool families live in
// subpackages (typescript, golang, …); package detect finds them in a tree.
package collectors

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/preflight-dev/preflight/model"
	"strings"
)

// Mode tells a collector how it is being driven.
type Mode int

const (
	// OneShot is `preflight check`: run the tool once, as CI would.
	OneShot Mode = iota
	// Watch is the cockpit and `preflight watch`: the collector may keep a
	// long-lived helper process between runs and is told which paths changed.
	Watch
)

// Request is one run.
type Request struct {
	Root    string   // absolute repository root
	Mode    Mode     //
	Changed []string // repo-relative paths that triggered this run; empty for a full run
	Timeout time.Duration
	// Progress, when set, receives short progress notes while the tool
	// runs ("12 passed, 1 failed so far"). Collectors call Report.
	Progress func(note string)
	// Budgets are the repository's limits from preflight.yaml; a zero
	// field leaves the family's default.
	Budgets Budgets
	// LivePrograms bounds the compiler programs a family keeps alive in
	// its long-lived helper process (the TypeScript checker), from the
	// user's preferences; 0 leaves the family's default. The helper takes
	// the bound of the run that starts it.
	LivePrograms int
}

// Budgets are limits a repository sets for what collectors measure.
type Budgets struct {
	BundleJSGzipBytes  int64   // the most gzipped JavaScript a build may ship
	CoverageMinPercent float64 // the lowest acceptable line coverage
}

// Report passes a progress note on, if anyone listens.
func (r Request) Report(note string) {
	if r.Progress != nil {
		r.Progress(note)
	}
}

// WithTimeout bounds ctx by the request's timeout, for a family that runs
// without the runner (which applies it itself); with no timeout set the
// engine's cancellation is the only bound. Call the CancelFunc when done.
func (r Request) WithTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if r.Timeout > 0 {
		return context.WithTimeout(ctx, r.Timeout)
	}
	return ctx, func() {}
}

// Collector is one instance per target, e.g. typescript:backend.
type Collector interface {
	ID() string     // unique in a repository, "kind:target"
	Kind() string   // tool family, "typescript"
	Domain() string // model domain id, "build"
	// Inputs are doublestar globs relative to the repository root; a change
	// to a matching path reruns the collector.
	Inputs() []string
	// Run does the work. It must honour ctx (kill the tool on cancel) and
	// never panic on odd tool output: unreadable output is StatusError with
	// an excerpt. The engine fills in timing and the trigger.
	Run(ctx context.Context, req Request) model.Result
}

// MatchesInputs reports whether the repo-relative path is one of the
// inputs the globs name. A glob that starts with ! takes back what the
// globs before it named, as in .gitignore: the last glob that matches
// decides.
func MatchesInputs(globs []string, path string) bool {
	in := false
	for _, g := range globs {
		pattern, out := strings.CutPrefix(g, "!")
		if ok, _ := doublestar.Match(pattern, path); ok {
			in = !out
		}
	}
	return in
}

// EscapeGlob makes a repo-relative path a doublestar pattern that matches
// only itself (a directory named "app[old]"), for collectors' Inputs.
func EscapeGlob(p string) string {
	var b strings.Builder
	for _, r := range p {
		if strings.ContainsRune(`*?[]{}\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Closer is implemented by collectors that keep helper processes alive in
// Watch mode; the engine calls Close on shutdown.
type Closer interface {
	Close() error
}

// DefaultTimeout bounds one run unless config says otherwise.
const DefaultTimeout = 10 * time.Minute

// Interruption says why a tool did not finish: its timeout, a cancel (a
// newer change superseded the run), or a failure to start.
func Interruption(tool string, err error, timeout time.Duration) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("%s timed out after %s", tool, timeout)
	case errors.Is(err, context.Canceled):
		return "cancelled before " + tool + " finished"
	}
	return "could not run " + tool + ": " + err.Error()
}

// RepoCodeRunner is implemented by collectors that may execute code the
// repository supplies (its node_modules binaries and compiler, its tests,
// tool configs that are programs). The engine does not start such a run
// until the user trusts the repository.
type RepoCodeRunner interface {
	// RepoCode says what of the repository's own code a run would execute,
	// as a user reads it ("node_modules/.bin/eslint in packages/web");
	// "" when this instance runs none of it.
	RepoCode() string
}

// Online is implemented by collectors whose results depend on the network
// (an advisory database): such a result ages even when no input changed.
type Online interface {
	Online() bool
}

// IsOnline reports whether c's results depend on the network.
func IsOnline(c Collector) bool {
	o, ok := c.(Online)
	return ok && o.Online()
}

// Reusable is implemented by collectors whose result may or may not be
// reused for unchanged inputs; one without it may be.
type Reusable interface {
	Reusable() bool
}

// IsReusable reports whether a result of c measured on the same inputs,
// tool and settings can stand for a new run.
func IsReusable(c Collector) bool {
	r, ok := c.(Reusable)
	return !ok || r.Reusable()
}

// OutputReader is implemented by collectors that read what git ignores:
// build output, a coverage report. Outputs are repo-relative paths, files or
// directories, ignored or not; the watcher reports a change to one, or to a
// file directly inside one, though the ignore rules hide it, so a rebuild or
// a new report reruns the collector.
type OutputReader interface {
	Outputs() []string
}

// OutputsOf lists the outputs c reads, none when it reads none.
func OutputsOf(c Collector) []string {
	if o, ok := c.(OutputReader); ok {
		return o.Outputs()
	}
	return nil
}

// RepoCode is what c would execute of the repository's code, "" for none.
func RepoCode(c Collector) string {
	if r, ok := c.(RepoCodeRunner); ok {
		return r.RepoCode()
	}
	return ""
}

// Cost is the rough price of one run. The engine starts the cheapest
// waiting runs first, so a rule check over a few files is on screen in
// milliseconds instead of waiting behind a cold compile; an earlier
// duration, when known, outranks it.
type Cost int

const (
	// CostFiles reads files and checks them in-process.
	CostFiles Cost = iota + 1
	// CostTool runs a tool over some files (a linter, an audit).
	CostTool
	// CostBuild compiles, type-checks or runs the project.
	CostBuild
)

// Expected is what a run of this cost usually takes, when no earlier
// duration is known.
func (c Cost) Expected() time.Duration {
	switch c {
	case CostFiles:
		return 50 * time.Millisecond
	case CostBuild:
		return time.Minute
	}
	return 5 * time.Second
}

// Coster is implemented by collectors that know their cost; one without
// it costs CostTool.
type Coster interface {
	Cost() Cost
}

// Grouper is implemented by collectors whose runs would do the same work
// side by side: go build and go test of one module compile the same
// packages, and on a small machine two such runs at once take longer
// than one after the other. Runs of one group never run at once.
type Grouper interface {
	Group() string
}

// GroupOf is c's group; "" for none.
func GroupOf(c Collector) string {
	if g, ok := c.(Grouper); ok {
		return g.Group()
	}
	return ""
}

// CostOf is c's cost.
func CostOf(c Collector) Cost {
	if k, ok := c.(Coster); ok && k.Cost() != 0 {
		return k.Cost()
	}
	return CostTool
}

// Prechecker is implemented by collectors that can tell from the tree
// alone, without running anything, that a run would measure nothing: its
// tool is not installed, or needs another Node. The engine asks before the
// trust gate, so the user is told what to install instead of being asked
// to trust a program that is not there.
type Prechecker interface {
	// Precheck returns the result of the run when it is known already;
	// false when the collector must run to know.
	Precheck(root string) (model.Result, bool)
}

// Precheck is c's result known without a run, if any.
func Precheck(c Collector, root string) (model.Result, bool) {
	if p, ok := c.(Prechecker); ok {
		return p.Precheck(root)
	}
	return model.Result{}, false
}
