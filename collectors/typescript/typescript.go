// Package typescript type-checks TypeScript projects with the project's own
// compiler: one collector per directory with a tsconfig.json, each error a
// blocker finding.
//
// In OneShot mode (`preflight check`) a run is exactly what CI would do:
//
//	tsc --noEmit --pretty false --tsBuildInfoFile <tmp> -p <dir>/tsconfig.json
//
// from the repository root, and its output is parsed.
//
// A full tsc run re-reads and re-checks the whole program every time, which
// on a large project takes many seconds. In Watch mode the projects
// therefore share long-lived Node processes (checker.js, embedded), one per
// compiler installation, each keeping a watch program per project (a
// bounded number of them, see collectors.Request.LivePrograms) that shares parsed lib and
// node_modules files with the others, and answering each run with the
// diagnostics after the changed files, as JSON lines. The checker does no
// file watching of its own: the engine already watches the tree and passes
// the changed paths on, so there is one watcher, not two. Both modes report
// the same findings for the same tree.
//
// The compiler is the nearest node_modules/typescript above the project,
// else tsc on PATH. TypeScript 7 (the native compiler) ships no JavaScript
// compiler API, so in Watch mode every run falls back to a one-shot tsc.
package typescript

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/nodepkg"
	"github.com/preflight-dev/preflight/internal/repofs"
	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/proc"
)

const (
	// Kind is the collector family.
	Kind = "typescript"
	// Domain is where type errors count.
	Domain = "build"

	excerptLines = 60
)

// Project is one TypeScript project: a directory with a tsconfig.json.
type Project struct {
	id       string
	root     string   // absolute repository root at detection
	dir      string   // repo-relative, "." for the root
	config   string   // the config file in dir when not tsconfig.json: one a solution-style tsconfig references
	variants []string // other tsconfig*.json files in dir, repo-relative
	extends  []string // repo-relative configs tsconfig.json extends
	named    []string // globs of the files and includes tsconfig.json names (generated types git ignores among them)
	deps     []string // globs of the workspace packages it depends on: their sources and declaration outputs
	// typesDirs hold the declarations the packages it depends on, and its
	// own package (which it may import by name), point TypeScript to:
	// build output, followed so that a build checks the project again.
	typesDirs []string
	// workspace are the repository's other packages, outside the project,
	// with the declaration files their package.json points to: one whose
	// files are not there is not built.
	workspace []workspaceDep
	self      workspaceDep // its own package, when it has one
	// solution is the directory of the solution-style tsconfig.json that
	// references this project's config when a framework generates that
	// config and git ignores it (Nuxt 4's .nuxt/tsconfig.app.json): the
	// sources are the solution's, and the config may not be there yet.
	solution string

	runMu sync.Mutex // one Watch-mode run at a time: they share the program

	mu      sync.Mutex // guards the fields below
	checker *checker   // shared with the other projects of the same compiler
	// delivered: a request for the project reached the checker, which has
	// (or is building) its program; answered: the checker answered one.
	delivered, answered bool
	closes              int // bumped by Close, so an in-flight run does not respawn
}

var _ collectors.Collector = (*Project)(nil)
var _ collectors.Closer = (*Project)(nil)

func (p *Project) ID() string     { return p.id }
func (p *Project) Kind() string   { return Kind }
func (p *Project) Domain() string { return Domain }

// Dir is the project directory, repo-relative ("." for the root).
func (p *Project) Dir() string { return p.dir }

// Variants lists the other tsconfig*.json files beside tsconfig.json
// (tsconfig.build.json, tsconfig.prod.json, …), repo-relative. They are
// not checked.
func (p *Project) Variants() []string { return append([]string(nil), p.variants...) }

func (p *Project) Cost() collectors.Cost { return collectors.CostBuild }

// Inputs covers the project's sources and configuration, and those of the
// workspace packages it depends on with the declaration files they point
// to. JSON is included because modules may import it and the compiler
// reads package.json files.
func (p *Project) Inputs() []string {
	prefix, sources := "", p.dir
	if p.solution != "" {
		sources = p.solution
	}
	if sources != "." {
		prefix = collectors.EscapeGlob(sources) + "/"
	}
	globs := []string{
		prefix + "**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs,json,vue}",
		prefix + "tsconfig*.json",
		prefix + "package.json",
	}
	for _, e := range p.extends {
		globs = append(globs, collectors.EscapeGlob(e))
	}
	if p.solution != "" {
		globs = append(globs, collectors.EscapeGlob(p.configPath()))
	}
	return append(append(globs, p.named...), p.deps...)
}

// Outputs: a generated config git ignores, and the declarations of the
// packages it imports, are followed, so that generating them (nuxi
// prepare, a build) checks the project again.
func (p *Project) Outputs() []string {
	out := slices.Clone(p.typesDirs)
	if p.solution != "" {
		out = append(out, p.configPath())
	}
	return out
}

// Run checks the project. In Watch mode the checker process and the
// project's program in it are reused between runs; a run with no changed
// paths (a full run) builds the program afresh.
func (p *Project) Run(ctx context.Context, req collectors.Request) model.Result {
	root := req.Root
	if root == "" {
		root = p.root
	}
	tc, res, ok := p.ready(root)
	if !ok {
		return res
	}
	ctx, cancel := req.WithTimeout(ctx)
	defer cancel()
	req.Root = root
	var r model.Result
	if req.Mode == collectors.Watch && tc.library != "" {
		r = p.runWatch(ctx, req, tc)
	} else {
		r = p.runOneShot(ctx, req, tc)
	}
	if r.ToolVersion == "" {
		r.ToolVersion = tc.version
	}
	if len(p.variants) > 0 {
		// Listed so nobody mistakes them for checked.
		r.Output = "variants present but not checked: " + strings.Join(p.variants, ", ") + "\n" + r.Output
	}
	return r
}

// Precheck: the result when tsc cannot check the project here (not
// installed, the dependencies missing), found without running anything, so
// a project that cannot run is not held back for trust first.
func (p *Project) Precheck(root string) (model.Result, bool) {
	_, res, ok := p.ready(root)
	return res, !ok
}

// ready finds the toolchain, or the result that says why there is none to
// run with.
func (p *Project) ready(root string) (toolchain, model.Result, bool) {
	if p.solution != "" {
		if f, err := repofs.Open(root, p.configPath()); err != nil {
			g, in, _ := generator(p.configPath())
			return toolchain{}, model.Unknown(p.id, Kind, Domain,
				fmt.Sprintf("%s references %s, which %s generates and is not there", path.Join(p.solution, "tsconfig.json"), p.configPath(), g.framework),
				fmt.Sprintf("run `%s` in %s, then check again", g.command, in)), false
		} else {
			f.Close()
		}
	}
	dir := filepath.Join(root, filepath.FromSlash(p.dir))
	if p.solution != "" {
		dir = filepath.Join(root, filepath.FromSlash(p.solution)) // the compiler and packages are the app's
	}
	tc, missing := findToolchain(dir)
	if (missing != nil && missing.hint == hintTypeScript || missing == nil && tc.fromPath) && nodepkg.PlugAndPlay(root, dir) {
		// Not even tsc on PATH helps: it would resolve no import of a
		// package, and every one would be an error.
		return tc, model.Unknown(p.id, Kind, Domain, "the dependencies are installed with Yarn Plug'n'Play (.pnp.cjs): no node_modules/typescript above the project, and no node_modules for tsc to resolve imports from",
			nodepkg.PlugAndPlayHint), false
	}
	if missing != nil {
		if missing.hint == hintTypeScript && nodepkg.DeclaredAbove(root, dir, "typescript") {
			// Listed but not installed: the machine's to fix, with the
			// package manager the lockfile belongs to.
			return tc, model.Unknown(p.id, Kind, Domain, "TypeScript is a dependency but is not installed: "+missing.reason,
				nodepkg.InstallHint(root, dir)), false
		}
		return tc, model.Unknown(p.id, Kind, Domain, missing.reason, missing.hint), false
	}
	if why, hint := nodepkg.NotInstalled(root, dir); why != "" {
		// The compiler is found above (the root's install), but the
		// package's own imports would all be errors of ours.
		return tc, model.Unknown(p.id, Kind, Domain, why, hint), false
	}
	return tc, model.Result{}, true
}

// configPath is the tsconfig.json the project is checked with, repo-relative.
func (p *Project) configPath() string {
	if p.config != "" {
		return path.Join(p.dir, p.config)
	}
	return path.Join(p.dir, "tsconfig.json")
}

// target names the project among others: its directory, with the config
// file when it is not tsconfig.json (web/tsconfig.app.json).
func (p *Project) target() string {
	if p.config != "" {
		return path.Join(p.dir, p.config)
	}
	return p.dir
}

// chain is the project's configuration as read from the tree at root.
func (p *Project) chain(root string) configChain {
	return configChain{root: root, config: p.configPath(), extends: p.extends, read: func(rel string) string {
		data, err := repofs.ReadFile(root, filepath.FromSlash(rel))
		if err != nil {
			return ""
		}
		return string(data)
	}}
}

// oneShot returns the tsc invocation and the same command as a user would
// type it in the repository root.
func (p *Project) oneShot(root string, tc toolchain, buildInfo string) (run proc.Cmd, display string) {
	args := []string{"--noEmit", "--pretty", "false", "-p", p.configPath()}
	if buildInfo != "" {
		args = []string{"--noEmit", "--pretty", "false", "--tsBuildInfoFile", buildInfo, "-p", p.configPath()}
	}
	shown := "tsc"
	if !tc.fromPath {
		shown = displayPath(root, tc.tsc)
	}
	if tc.script {
		run = proc.Cmd{Name: tc.node, Args: append([]string{tc.tsc}, args...)}
		display = proc.Cmd{Name: "node", Args: append([]string{shown}, args...)}.String()
	} else {
		run = proc.Cmd{Name: tc.tsc, Args: args}
		display = proc.Cmd{Name: shown, Args: args}.String()
	}
	run.Dir = root
	return run, display
}

// shownCommand is the one-shot command as shown, for the watch checker
// to say what it is equivalent to.
func (p *Project) shownCommand(root string, tc toolchain) string {
	if !tc.takesBuildInfo() {
		_, display := p.oneShot(root, tc, "")
		return display
	}
	const placeholder = "/preflight.tsbuildinfo"
	_, display := p.oneShot(root, tc, placeholder)
	return strings.ReplaceAll(display, placeholder, shownBuildInfo)
}

// takesBuildInfo: TypeScript 5 takes --tsBuildInfoFile for any project;
// 4 refuses it for one that is neither incremental nor composite. Unknown
// versions are tried (a refusal runs again without it).
func (tc toolchain) takesBuildInfo() bool {
	major, _, _ := strings.Cut(tc.version, ".")
	n, err := strconv.Atoi(major)
	return err != nil || n >= 5
}

// shownBuildInfo stands for the temporary build-info file in the command
// shown, so that it can be pasted and is the same on every run.
const shownBuildInfo = `"$(mktemp -d)/tsconfig.tsbuildinfo"`

// refusedBuildInfo is TypeScript before 5 refusing --tsBuildInfoFile for a
// project that is neither incremental nor composite.
var refusedBuildInfo = regexp.MustCompile(`TS5069`)

// runOneShot runs tsc once. An incremental or composite project makes tsc
// write its build info even with --noEmit, into the checkout (outDir): it
// is sent to a temporary file instead.
func (p *Project) runOneShot(ctx context.Context, req collectors.Request, tc toolchain) model.Result {
	buildInfo := ""
	if tc.takesBuildInfo() {
		if tmp, err := os.MkdirTemp("", "preflight-tsc-"); err == nil {
			defer os.RemoveAll(tmp)
			buildInfo = filepath.Join(tmp, "tsconfig.tsbuildinfo")
		}
	}
	cmd, display := p.oneShot(req.Root, tc, buildInfo)
	plain, plainDisplay := p.oneShot(req.Root, tc, "")
	if buildInfo != "" {
		display = strings.ReplaceAll(display, buildInfo, shownBuildInfo)
	}
	return collectors.NewBase(p.id, Kind, Domain).RunTool(ctx, req, collectors.Tool{
		Invocation: collectors.Invocation{Tool: "tsc", Dir: ".", Name: cmd.Name, Args: cmd.Args, StartHint: hintTypeScript},
		Shown:      display,
		Retry:      &collectors.Retry{Refused: refusedBuildInfo, Args: plain.Args, Shown: plainDisplay},
		Read:       func(in collectors.Input) (collectors.Reading, error) { return p.readOneShot(req.Root, in) },
	})
}

// readOneShot reads what tsc printed. 1 and 2 both mean "diagnostics
// reported", depending on version and incremental state; any other exit
// is a crash or a bad project.
func (p *Project) readOneShot(root string, in collectors.Input) (collectors.Reading, error) {
	if in.ExitCode < 0 || in.ExitCode > 2 {
		return collectors.Reading{}, fmt.Errorf("tsc exited with status %d", in.ExitCode)
	}
	stdout := in.Stdout
	if in.Truncated {
		stdout = stdout[:strings.LastIndexByte(string(stdout), '\n')+1] // drop a cut-off line
	}
	// Lines that are not diagnostics (a tsconfig's traceResolution,
	// listFiles …) are passed over; the exit code still says whether tsc
	// found errors, and is checked against the count below.
	diags, other, err := parseTsc(stdout, root, root)
	if err == nil && in.ExitCode != 0 && len(diags) == 0 && len(other) > 0 {
		err = other[0].unreadable() // failed, and said something else
	}
	if err != nil {
		return collectors.Reading{}, errors.New("unreadable tsc output: " + err.Error())
	}
	if why, hint := p.unbuiltDependencies(root, diags); why != "" {
		// Not built yet, not broken: the project's errors cannot be told.
		// A build writes ignored files, so the next check runs tsc again.
		return collectors.Reading{Status: model.StatusUnknown, Error: why, Hint: hint, MachineBound: true}, nil
	}
	facts, found := p.diagnosed(root, diags)
	reading := collectors.Reading{Facts: facts, Findings: found, InToolOrder: true, Hint: generatedHint(root, p.dir, diags)}
	// Generated code that is not there is no input (it is ignored, and
	// absent): once generated, the next check must run tsc again.
	reading.MachineBound = reading.Hint != ""
	errs := countErrors(diags)
	switch {
	case in.Truncated:
		reading.Status, reading.Error = model.StatusError, "tsc printed more output than is kept; the findings are incomplete"
	case in.ExitCode != 0 && errs == 0:
		reading.Status, reading.Error = model.StatusError, fmt.Sprintf("tsc exited with status %d without reporting an error", in.ExitCode)
	case in.ExitCode == 0 && errs > 0:
		reading.Status, reading.Error = model.StatusError, fmt.Sprintf("tsc reported %d errors but exited with status 0", errs)
	}
	return reading, nil
}

// checked is the result of a check that produced diagnostics (or none).
func (p *Project) checked(root string, diags []Diagnostic, command string, exitCode int, output string) model.Result {
	if why, hint := p.unbuiltDependencies(root, diags); why != "" {
		r := model.Unknown(p.id, Kind, Domain, why, hint)
		r.Command, r.ExitCode, r.Output, r.MachineBound = command, exitCode, output, true
		return r
	}
	facts, found := p.diagnosed(root, diags)
	hint := generatedHint(root, p.dir, diags)
	return model.Result{
		Collector: p.id, Kind: Kind, Domain: Domain,
		Status:   model.StatusOK,
		Command:  command,
		ExitCode: exitCode,
		Facts:    facts,
		Findings: found,
		Output:   output,
		Hint:     hint,
		// See Read: generated code not there is no input.
		MachineBound: hint != "",
	}
}

// diagnosed are the facts and findings of diagnostics, placed in the
// project's configuration where tsc gives no place.
func (p *Project) diagnosed(root string, diags []Diagnostic) (map[string]float64, []model.Finding) {
	chain := p.chain(root)
	diags = chain.place(diags)
	own, others := p.byPackage(diags)
	return map[string]float64{"errors": float64(countErrors(diags))}, append(findings(p.id, own, chain), p.otherPackageFindings(others)...)
}

// interrupted is the result of a run that did not finish: timed out,
// cancelled, or the tool could not be started.
func (p *Project) interrupted(err error, what string) model.Result {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return model.Unknown(p.id, Kind, Domain, what+" timed out", "")
	case errors.Is(err, context.Canceled):
		return model.Unknown(p.id, Kind, Domain, what+" was cancelled", "")
	case errors.Is(err, errClosed):
		return model.Unknown(p.id, Kind, Domain, what+" was shut down", "")
	default:
		return model.Unknown(p.id, Kind, Domain, "could not run "+what+": "+err.Error(), hintTypeScript)
	}
}

// displayPath shows a tool path relative to the repository root when it is
// inside it, so the command can be pasted there.
func displayPath(root, p string) string {
	if rel, err := filepath.Rel(root, p); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(p)
}

// RepoCode: a compiler found in the repository's own node_modules is the
// repository's code (the cockpit's checker loads its typescript.js). tsc
// from PATH, or installed above the repository, is the user's.
func (p *Project) RepoCode() string {
	root, err := filepath.Abs(p.root)
	if err != nil {
		return "node_modules/typescript"
	}
	dir := filepath.Join(root, filepath.FromSlash(p.dir))
	for d := dir; ; d = filepath.Dir(d) {
		if isFile(filepath.Join(d, "node_modules", "typescript", "bin", "tsc")) {
			rel, _ := filepath.Rel(root, filepath.Join(d, "node_modules", "typescript"))
			if vue := vueTsc(dir); vue != "" {
				if v, err := filepath.Rel(root, filepath.Dir(filepath.Dir(vue))); err == nil && filepath.IsLocal(v) {
					return filepath.ToSlash(v) + " and " + filepath.ToSlash(rel)
				}
			}
			return filepath.ToSlash(rel)
		}
		if d == root || filepath.Dir(d) == d {
			return ""
		}
	}
}
