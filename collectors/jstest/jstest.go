// Package jstest runs JavaScript test runners, Vitest and Jest, once per
// npm package that uses them, with the package's own installed runner:
//
//	vitest run --reporter=json --outputFile.json=<tmp> (plus the default reporter)
//	jest --ci --json --outputFile=<tmp>
//
// The heart of it is telling "3 tests fail" from "the runner cannot even
// start": a runner that writes no report is one blocker finding and no
// facts at all, never "0 failed". Parsing the JSON reports is separate
// from running (see ParseVitestJSON, ParseJestJSON).
package jstest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/deployfiles"
	"github.com/preflight-dev/preflight/collectors/nodepkg"
	"github.com/preflight-dev/preflight/collectors/rules"
	"github.com/preflight-dev/preflight/internal/reach"
	"github.com/preflight-dev/preflight/internal/repofs"
	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/proc"
)

const (
	KindVitest = "vitest"
	KindJest   = "jest"
	// Domain is where test results count.
	Domain = "tests"

	hintInstall = "install the package's dependencies: npm ci (or npm install) in the repository"
)

// runner is what differs between Vitest and Jest.
type runner struct {
	kind string
	// scriptOptions are the options of the package's own test script that
	// decide what runs and how, carried into preflight's run: true for
	// one that takes a value (--pool forks, --maxWorkers=1).
	scriptOptions map[string]bool
	// args run the whole suite once and write the JSON report to out,
	// with the options the installed version accepts; plain leaves out
	// every option that is only nice to have, for a version that refuses
	// one of them.
	args, plain func(out string, tool nodepkg.Tool) []string
	env         []string
	parse       func(data []byte, loc Location) (Report, error)
}

var runners = map[string]runner{
	// The default reporter stays on so that a run cut short by the timeout
	// leaves readable partial output. --includeTaskLocation (Vitest 3 and
	// later) puts each test's line in the report for failures without a
	// stack frame in the test file. CI=true stops vitest writing new
	// snapshot files into the tree, as it does on CI.
	KindVitest: {
		kind: KindVitest,
		args: func(out string, tool nodepkg.Tool) []string {
			args := []string{"run"}
			if tool.Major() == 0 || tool.Major() >= 3 {
				args = append(args, "--includeTaskLocation")
			}
			return append(args, "--reporter=default", "--reporter=json", "--outputFile.json="+out)
		},
		plain: func(out string, _ nodepkg.Tool) []string {
			return []string{"run", "--reporter=default", "--reporter=json", "--outputFile.json=" + out}
		},
		env:   append([]string{"CI=true"}, nodepkg.EnvNoColor...),
		parse: ParseVitestJSON,
		scriptOptions: map[string]bool{
			"--config": true, "-c": true, "--root": true, "-r": true, "--dir": true, "--project": true, "--mode": true,
			"--environment": true, "--pool": true, "--maxWorkers": true, "--minWorkers": true, "--max-workers": true, "--min-workers": true,
			"--testTimeout": true, "--test-timeout": true, "--hookTimeout": true, "--hook-timeout": true, "--retry": true,
			"--no-file-parallelism": false, "--fileParallelism": false, "--file-parallelism": false, "--isolate": false, "--no-isolate": false,
			"--globals": false, "--dom": false, "--sequence.concurrent": false, "--sequence.shuffle": false,
		},
	},
	// --ci makes missing snapshots fail instead of being written;
	// --testLocationInResults adds each test's line to the report.
	KindJest: {
		kind: KindJest,
		args: func(out string, _ nodepkg.Tool) []string {
			return []string{"--ci", "--json", "--testLocationInResults", "--outputFile=" + out}
		},
		plain: func(out string, _ nodepkg.Tool) []string {
			return []string{"--ci", "--json", "--outputFile=" + out}
		},
		env:   nodepkg.EnvNoColor,
		parse: ParseJestJSON,
		scriptOptions: map[string]bool{
			"--config": true, "-c": true, "--rootDir": true, "--selectProjects": true, "--maxWorkers": true, "-w": true,
			"--testTimeout": true, "--env": true, "--testEnvironment": true, "--testPathIgnorePatterns": true, "--testPathPattern": true,
			"--runInBand": false, "-i": false, "--detectOpenHandles": false, "--forceExit": false,
		},
	},
}

// scriptArgs are the options and file filters the package's own script
// runs the runner with that decide what runs and how (`vitest
// --no-file-parallelism`, `jest --config jest.unit.json src/`), so that
// preflight's run is the one `npm test` makes. What would change the
// report or the tree is left out: watch mode, reporters, coverage,
// snapshot updates, --bail, --passWithNoTests; so is an option preflight
// does not know, with the word after it when that may be its value.
func (c *Collector) scriptArgs(root string) []string {
	data, err := repofs.ReadFile(root, path.Join(c.dir, "package.json"))
	if err != nil {
		return nil
	}
	m, err := nodepkg.ParseManifest(data)
	if err != nil {
		return nil
	}
	script := m.ScriptUsing(c.run.kind)
	if script == "" {
		script = "test" // node node_modules/jest/bin/jest.js names no command
	}
	args := m.RunnerArgs(script, c.run.kind)
	if c.launcher != "" {
		// react-scripts test hands its options on to Jest: CRA 1's
		// template runs its tests with --env=jsdom, without which a test
		// that touches document fails.
		if args = m.RunnerArgs(c.script, c.launcher); len(args) > 0 && args[0] == "test" {
			args = args[1:]
		}
	}
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") {
			if i == 0 && slices.Contains([]string{"run", "watch", "dev", "related"}, a) {
				continue // Vitest's subcommands: preflight says run
			}
			out = append(out, a) // a file filter
			continue
		}
		name, _, inline := strings.Cut(a, "=")
		takesValue, known := c.run.scriptOptions[name]
		next := i+1 < len(args) && !strings.HasPrefix(args[i+1], "-")
		switch {
		case known && takesValue && !inline && next:
			out = append(out, a, args[i+1])
			i++
		case known && (inline || !takesValue):
			out = append(out, a)
		case !known && !inline && next && !strings.HasPrefix(name, "--no-"):
			i++ // its value, perhaps
		}
	}
	return out
}

// rejectedOption matches a runner refusing a command-line option: Vitest's
// CLI parser ("Unknown option `--includeTaskLocation`") and Jest's
// ("Unrecognized CLI Parameter"). That is preflight's command line at
// fault, never the project.
var rejectedOption = regexp.MustCompile("Unknown option `?--|Unrecognized CLI Parameter")

// Collector runs one test runner in one package.
type Collector struct {
	run        runner
	id         string
	dir        string // repo-relative package directory, "." for the root
	config     string // repo-relative config file, "" when configured in package.json or not at all
	testScript bool   // package.json has a "test" script
	script     string // the script that runs the runner, "" when none does
	// nodeOptions are the Node.js options the package's scripts run the
	// runner with (--experimental-vm-modules for ES modules under Jest).
	nodeOptions string
	declared    bool   // the package, or one above it, lists the runner as a dependency
	name        string // the package's name, which its tests may import it by
	deps        []string
	// builtEntries are the directories of the built files this package and
	// its dependencies give importers (dist/): inputs though git ignores
	// them.
	builtEntries []string
	// manifestLine is where package.json sets the run up (0: unknown), for
	// findings about the whole run when there is no config file.
	manifestLine int
	// otherConfigs are the scripts that run the runner with another
	// config, "name (config)".
	otherConfigs []string
	// launcher runs Jest for the package (react-scripts), "" when the
	// runner is run itself.
	launcher string
}

var _ collectors.Collector = (*Collector)(nil)

func (c *Collector) ID() string            { return c.id }
func (c *Collector) Cost() collectors.Cost { return collectors.CostBuild }
func (c *Collector) Kind() string          { return c.run.kind }
func (c *Collector) Domain() string        { return Domain }

// Dir is the package directory, repo-relative.
func (c *Collector) Dir() string { return c.dir }

// sourceGlob is what a test run can depend on inside one package: code,
// JSON fixtures and snapshots. It deliberately names file types rather
// than everything: reporters configured by the project (jest-junit's
// junit.xml, HTML reports) write into the package on every run, and a run
// must not trigger itself.
const sourceGlob = "**/*.{js,jsx,ts,tsx,mjs,cjs,mts,cts,json,snap,vue,svelte,astro}"

// Inputs cover the package's sources, the sources of the repository
// packages it depends on (a change there can break its tests), the built
// files they and the package give importers, and the lock files at the
// root.
func (c *Collector) Inputs() []string {
	// Vite, and so Vitest, loads the package's .env files; so do jest
	// setups (dotenv, next/jest). They are inputs though git ignores them.
	globs := []string{nodepkg.Glob(c.dir, sourceGlob), nodepkg.Glob(c.dir, ".env*")}
	for _, d := range c.deps {
		globs = append(globs, nodepkg.Glob(d, sourceGlob))
	}
	for _, d := range c.builtEntries {
		globs = append(globs, nodepkg.Glob(d, "**/*.{js,mjs,cjs,ts,mts,cts}"))
	}
	globs = append(globs, "package.json")
	globs = append(globs, nodepkg.LockFiles...)
	return globs
}

// Outputs are the built files the tests import (see builtEntries): a
// build reruns them.
func (c *Collector) Outputs() []string { return slices.Clone(c.builtEntries) }

// DependencyDirs lists the repository packages this one depends on, whose
// changes rerun its tests.
func (c *Collector) DependencyDirs() []string { return append([]string(nil), c.deps...) }

func (c *Collector) base() collectors.Base { return collectors.NewBase(c.id, c.run.kind, Domain) }

// Precheck: the result when the tool cannot run here (not installed, or
// needs another Node), found without running anything.
func (c *Collector) Precheck(root string) (model.Result, bool) { return nodepkg.Known(c.ready(root)) }

// ready finds the package's installed tool, or the result that says why
// it cannot run.
func (c *Collector) ready(root string) (nodepkg.Readiness, *model.Result) {
	dir := filepath.Join(root, filepath.FromSlash(c.dir))
	return nodepkg.Check(c.base(), root, dir, c.bin(), c.run.kind, func() model.Result { return c.notInstalled(root, dir) })
}

// bin is the command the package's tests run with: the runner, or the
// launcher that runs it.
func (c *Collector) bin() string {
	if c.launcher != "" {
		return c.launcher
	}
	return c.run.kind
}

// args are the runner's arguments, behind the launcher's `test` when there
// is one. --watchAll=false: react-scripts watches unless told not to.
func (c *Collector) args(args []string) []string {
	if c.launcher == "" {
		return args
	}
	return append([]string{"test", "--watchAll=false"}, args...)
}

// Run runs the whole suite once and reads the JSON report.
func (c *Collector) Run(ctx context.Context, req collectors.Request) model.Result {
	kind, b := c.run.kind, c.base()
	rd, res := c.ready(req.Root)
	if res != nil {
		return *res
	}
	bin, tool := rd.Bin, rd.Tool
	extra := c.scriptArgs(req.Root)
	env, show := c.run.env, []string(nil)
	if c.launcher != "" && !slices.Contains(env, "CI=true") {
		env = append([]string{"CI=true"}, env...)
	}
	if slices.Contains(env, "CI=true") {
		// It changes what runs (configs read it: longer timeouts on CI), so
		// the command shown says so and reproduces the run.
		show = []string{"CI=true"}
	}
	if c.nodeOptions != "" {
		// As the package's script runs it; options the user set stay.
		show = append(show, shownNodeOptions(c.nodeOptions))
		env = append(append([]string(nil), env...), "NODE_OPTIONS="+strings.TrimSpace(os.Getenv("NODE_OPTIONS")+" "+c.nodeOptions))
	}
	return b.RunTool(ctx, req, collectors.Tool{
		Invocation: collectors.Invocation{
			Tool: kind, Dir: c.dir, Name: bin, Args: append(c.args(c.run.args(collectors.ReportArg, tool)), extra...), Env: env, ShowEnv: show,
			Tee:         newProgress(kind, req.Report),
			TimeoutHint: "raise the collector timeout, or find the test that hangs in the partial output",
			StartHint:   hintInstall,
		},
		Version: tool.Version,
		Retry:   &collectors.Retry{Refused: rejectedOption, Args: append(c.args(c.run.plain(collectors.ReportArg, tool)), extra...), Tee: newProgress(kind, req.Report)},
		Read:    c.read,
		Partial: c.timedOut,
	})
}

// shownNodeOptions is the assignment as a shell reads it, so the command
// shown can be pasted: NODE_OPTIONS='-r ./setup.cjs --expose-gc'.
func shownNodeOptions(opts string) string { return "NODE_OPTIONS=" + proc.Cmd{Name: opts}.String() }

// timedOut reads a run that did not finish. It is measured: a suite that
// hangs hangs CI too. When the runner wrote its report and then did not
// exit (Jest waiting on open handles), the report is read and the hang is
// one more blocker; a suite still reporting tests when it was stopped is
// only slower than the timeout here (excalidraw's 121 files took 14
// minutes on two busy cores), which is no verdict on it: unknown, with
// the timeout to raise. Otherwise nothing was counted, so the run is
// broken (it scores 0, with no facts), its finding showing what it
// printed last, where the test that hangs usually shows.
func (c *Collector) timedOut(in collectors.Input, timeout time.Duration) collectors.Reading {
	partial := collectors.Excerpt(string(in.Stdout)+"\n"+string(in.Stderr), 15)
	if len(bytes.TrimSpace(in.Data)) > 0 {
		in.ExitCode = 0 // its report is the run's outcome; the kill is not
		if r, err := c.read(in); err == nil {
			r.Findings = append(r.Findings, c.runFinding(ruleTimeout,
				fmt.Sprintf("the tests ran, then %s did not exit within %s and was stopped: something the tests opened is still open (a server, a database connection, a timer); --detectOpenHandles names it", c.run.kind, timeout)))
			return r
		}
	}
	if strings.TrimSpace(partial) != "" && in.Quiet < hangSilence(timeout) {
		return collectors.Reading{Status: model.StatusUnknown,
			Error:  fmt.Sprintf("%s was still running tests when it was stopped at the %s timeout (its last output came %s before)", c.run.kind, timeout, in.Quiet.Round(time.Second)),
			Hint:   "the suite is slower than the timeout on this machine (other collectors run beside it): raise collectors." + c.run.kind + ".timeout in preflight.yaml",
			Output: partial}
	}
	msg := fmt.Sprintf("test run did not finish within %s; the runner was stopped", timeout)
	if strings.TrimSpace(partial) != "" {
		msg += "; last output:\n" + partial
	} else {
		msg += " before it printed anything"
	}
	return collectors.Reading{Broken: true, Error: fmt.Sprintf("%s did not finish within %s", c.run.kind, timeout),
		Hint:     "a test that waits for a service the machine lacks (a database, a server) hangs like this: start it, or raise collectors." + c.run.kind + ".timeout in preflight.yaml if the suite is only slow",
		Findings: []model.Finding{c.runFinding(ruleTimeout, msg)}}
}

// thisMachine is what the machine lacks, asked for real; tests replace it.
var thisMachine = reach.This

// hangSilence is how long a runner stopped at its timeout must have been
// quiet to be hanging rather than slow: half the timeout, at most five
// minutes. A hung test prints nothing from then on; a slow suite reports
// each file when it ends, and one file may run silently for a while.
func hangSilence(timeout time.Duration) time.Duration { return min(timeout/2, 5*time.Minute) }

// read makes one finished run into a reading.
func (c *Collector) read(in collectors.Input) (collectors.Reading, error) {
	kind := c.run.kind
	noReport := len(bytes.TrimSpace(in.Data)) == 0
	if noReport && NoTestsFound(in.Combined()) {
		// Jest exits on "no tests found" without waiting for its report to
		// be written, so the report may be missing; the runner said why.
		return collectors.Reading{
			Facts:    map[string]float64{"tests.passed": 0, "tests.failed": 0, "tests.skipped": 0, "tests.todo": 0, "suites.failed": 0},
			Findings: []model.Finding{c.noTests()},
		}, nil
	}
	if noReport {
		if line := lackingLine(in.Combined()); line != "" {
			// The runner stopped at start-up because something is not
			// reachable from this machine (a font or schema fetched while
			// the config loads, offline): nothing was measured.
			return collectors.Reading{Status: model.StatusUnknown,
				Error: kind + " stopped before any test: something it needs is not reachable here (" + line + ")",
				Hint:  "run the check where it is reachable; preflight runs " + kind + " with CI=true, as CI does, and some plugins fail on a network error only then"}, nil
		}
		// No report: the runner stopped before running the suite, and the
		// project stopped it (preflight's own options were retried away).
		// Measured and broken: it scores 0. Facts stay absent: nothing was
		// counted, so nothing may read as zero.
		why := startupError(in.Combined())
		r := collectors.Reading{Broken: true, Error: kind + " could not run: " + why,
			Hint: "run the command in " + c.dir + " and fix the error it prints"}
		msg := "test runner could not run: " + why
		if refused := refusedManifest(in.Root, c.dir); refused != "" {
			// The runner's own message rarely names the file (Vite's
			// bundler says "something went wrong"); the cause is known.
			msg += "\n" + refused
			r.Hint = "fix " + path.Join(c.dir, "package.json") + " first: npm refuses it (package-json/invalid), and the runner reads it"
		}
		if ex := in.Excerpt(15); strings.TrimSpace(ex) != "" {
			msg += "\n" + ex
		}
		r.Findings = []model.Finding{c.runFinding(ruleRunnerFailed, msg)}
		return r, nil
	}
	rep, err := c.run.parse(in.Data, Location{Root: in.Root, Dir: in.Dir})
	if err != nil {
		return collectors.Reading{}, err
	}
	findings := explainPlaceholders(placeSuiteFailures(rep.Findings, in.Combined(), c.dir), in.Combined(), c.dir)
	lacks := machineLacks(findings, c.run.kind, in.Combined(), thisMachine())
	switch {
	case rep.Tests() == 0 && len(findings) == 0:
		findings = append(findings, c.noTests())
	case len(findings) == 0 && (in.ExitCode != 0 || !rep.Success):
		msg := fmt.Sprintf("%s exited with status %d although no test failed", kind, in.ExitCode)
		if why := startupError(in.Combined()); why != "" {
			msg += ": " + why
		}
		findings = append(findings, c.runFinding(ruleRunFailed, msg))
	}
	r := collectors.Reading{Findings: findings, Facts: map[string]float64{
		"tests.passed":  float64(rep.Passed),
		"tests.failed":  float64(rep.Failed),
		"tests.skipped": float64(rep.Skipped),
		"tests.todo":    float64(rep.Todo),
		"suites.failed": float64(rep.SuitesFailed),
	}, MachineBound: lacks}
	unexplained := slices.ContainsFunc(findings, func(f model.Finding) bool {
		return strings.HasSuffix(f.Rule, "/"+ruleTestFailed) || strings.HasSuffix(f.Rule, "/"+ruleSuiteFailed)
	})
	if unexplained {
		// A failure the machine explains (a database not running) is not
		// the missing .env's doing.
		r.Hint = dotenvHint(in.Root, c.dir)
	}
	if rep.Failed+rep.SuitesFailed > 0 {
		if prismaNotGenerated.MatchString(in.Combined()) {
			// prisma generate writes into node_modules, which the inputs
			// do not cover: run the tests again once it has.
			r.Hint, r.MachineBound = "tests import the Prisma client, which prisma generate has not written: run it (the project's setup or build may), then check again", true
		}
	}
	if r.Hint == "" && len(c.otherConfigs) > 0 && rep.Tests() > 0 {
		// nestjs's test:e2e with test/jest-e2e.json: a suite of its own
		// that these counts leave out.
		r.Hint = "not run by preflight, with a config of their own: " + strings.Join(c.otherConfigs, ", ") +
			"; run them as custom collectors in preflight.yaml (with a JUnit reporter) to count them"
	}
	return c.judgeUnbuiltSelf(in.Root, in.Combined(), r), nil
}

// judgeUnbuiltSelf judges a run that failed to import the package by its
// own name while its build is not there (see unbuiltSelf): when only the
// run, or a file, stopped on it, not built yet is not broken — unknown,
// as tsc's check of the same import; beside a test failing on its own,
// the hint says it. The build writes ignored files, so the next check
// runs the tests again.
func (c *Collector) judgeUnbuiltSelf(root, output string, r collectors.Reading) collectors.Reading {
	why, how := c.unbuiltSelf(root, output)
	if why == "" || len(r.Findings) == 0 {
		return r
	}
	if !slices.ContainsFunc(r.Findings, func(f model.Finding) bool { return strings.HasSuffix(f.Rule, "/"+ruleTestFailed) }) {
		return collectors.Reading{Status: model.StatusUnknown, Error: c.run.kind + " cannot tell: " + why, Hint: how, MachineBound: true}
	}
	r.Hint, r.MachineBound = why+": "+how, true
	return r
}

// unbuiltSelf says why a run failed to import the package by its own
// name, and how to mend it, when what its package.json points importers
// to is not built (h3's Vitest typecheck before pnpm build: "Cannot find
// module 'h3'"): the checkout's state, which the build it names changes.
// "" otherwise.
func (c *Collector) unbuiltSelf(root, output string) (why, how string) {
	if c.name == "" || !strings.Contains(output, "Cannot find module '"+c.name+"'") {
		return "", ""
	}
	for _, e := range nodepkg.Entries(root, c.dir) {
		if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(e))); err != nil {
			return fmt.Sprintf("the tests import this package by its name, %s, and its build is not there (%s)", c.name, e),
				"build it first (" + nodepkg.BuildLine(root, c.dir) + "), then check again"
		}
	}
	return "", ""
}

// prismaEngineMissing is the Prisma client's error when the query engine
// for this platform, which prisma generate downloads, is not there.
// Quoted inside a received message, its quotes are escaped.
var prismaEngineMissing = regexp.MustCompile(`Prisma Client could not locate the Query Engine for runtime \\?"([^"\\]*)\\?"`)

// prismaNotGenerated is the Prisma client's error when prisma generate
// has not run: "@prisma/client did not initialize yet. Please run
// "prisma generate" and try to import it again."
var prismaNotGenerated = regexp.MustCompile(`@prisma/client did not initialize yet|[Pp]lease run "?prisma generate`)

// dotenvHint says that failures may be a setup step not taken: the
// package commits an example .env but has no .env (bulletproof-react's
// 34 failing test files were one missing cp .env.example .env). "" when
// it has one, or no example.
func dotenvHint(root, dir string) string {
	abs := filepath.Join(root, filepath.FromSlash(dir))
	for _, have := range []string{".env", ".env.local", ".env.test", ".env.test.local"} {
		if st, err := os.Stat(filepath.Join(abs, have)); err == nil && st.Mode().IsRegular() {
			return ""
		}
	}
	for _, example := range deployfiles.DotenvExamples {
		if st, err := os.Stat(filepath.Join(abs, example)); err == nil && st.Mode().IsRegular() {
			return fmt.Sprintf("%s has %s but no .env: if the project's setup copies it (cp %s .env), the failures may be that missing step",
				dirName(dir), example, example)
		}
	}
	return ""
}

func dirName(dir string) string {
	if dir == "." {
		return "the package"
	}
	return dir
}

// notInstalled tells whose fault a runner that does not resolve is. Listed
// as a dependency but not installed: the machine's (unknown, with the
// install command for the lockfile there). Used by a script but listed
// nowhere while the dependencies are installed: the project's — the script
// cannot run anywhere, which is a finding.
func (c *Collector) notInstalled(root, dir string) model.Result {
	kind, bin, b := c.run.kind, c.bin(), c.base()
	install := nodepkg.InstallLine(root, dir)
	where := fmt.Sprintf("no node_modules/.bin/%s in %s or above", bin, c.dir)
	switch {
	case c.declared && nodepkg.PlugAndPlay(root, dir):
		return b.Unknown(fmt.Sprintf("%s is installed with Yarn Plug'n'Play (.pnp.cjs): %s", bin, where), nodepkg.PlugAndPlayHint)
	case c.declared:
		return b.Unknown(fmt.Sprintf("%s is a dependency but is not installed: %s", bin, where), nodepkg.InstallHint(root, dir))
	case c.script != "" && nodepkg.DependenciesInstalled(root, dir):
		res := b.Result()
		res.Status = model.StatusOK
		msg := fmt.Sprintf("`%s` cannot run: %s is used by the %s script but is not a dependency of %s or of a package above it",
			nodepkg.RunScript(c.script), bin, c.script, path.Join(c.dir, "package.json"))
		res.Findings = b.Finish([]model.Finding{rule(kind, ruleUndeclared).Finding(path.Join(c.dir, "package.json"), nodepkg.KeyLine(root, path.Join(c.dir, "package.json"), "scripts", c.script), 0, msg)})
		return res
	}
	return b.Unknown(fmt.Sprintf("%s is not installed: %s", bin, where), "install the dependencies ("+install+"), or add "+bin+": npm i -D "+bin)
}

func (c *Collector) noTests() model.Finding {
	msg := c.run.kind + " found no tests in " + c.dir
	if c.testScript {
		msg += ", though package.json has a test script"
	}
	if len(c.otherConfigs) > 0 {
		msg += "; not run by preflight, with a config of their own: " + strings.Join(c.otherConfigs, ", ")
	}
	return c.runFinding(ruleNoTests, msg)
}

// NoTestsFound reports whether runner output says the run stopped because
// no test file matched (jest: "No tests found", vitest: "No test files
// found").
func NoTestsFound(output string) bool {
	output = collectors.StripANSI(output)
	return strings.Contains(output, "No tests found, exiting with code") || strings.Contains(output, "No test files found, exiting with code")
}

// refusedManifest describes the package's package.json when npm refuses
// it ("package.json:5:1 does not parse: …"), "" when it reads.
func refusedManifest(root, dir string) string {
	file := path.Join(dir, "package.json")
	data, err := repofs.ReadFile(root, filepath.FromSlash(file))
	if err != nil {
		return ""
	}
	var me *nodepkg.ManifestError
	if _, err := nodepkg.ParseManifest(data); !errors.As(err, &me) {
		return ""
	}
	return fmt.Sprintf("%s:%d:%d does not parse, and npm and the runner read it: %s", file, me.Line, me.Column, me.Msg)
}

// runFinding is a finding about the run as a whole, placed at the runner's
// configuration (or package.json, where the test script lives).
func (c *Collector) runFinding(name, message string) model.Finding {
	if c.config != "" {
		return rule(c.run.kind, name).Finding(c.config, 0, 0, message)
	}
	return rule(c.run.kind, name).Finding(path.Join(c.dir, "package.json"), c.manifestLine, 0, message)
}

// startupError picks the line that says why a runner stopped: the first
// line naming an error, else the first line of output.
func startupError(output string) string {
	var lines []string
	for _, l := range strings.Split(collectors.StripANSI(output), "\n") {
		l = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "● "))
		if l == "" || strings.Trim(l, "⎯─━-= ") == "" {
			continue
		}
		lines = append(lines, l)
	}
	if len(lines) == 0 {
		return "it printed nothing and wrote no report"
	}
	// A thrown error ("Error [ERR_MODULE_NOT_FOUND]: …", "TypeError: …")
	// says more than the warnings printed before it.
	for _, match := range []func(string) bool{errorLine.MatchString, looksLikeError} {
		for i, l := range lines {
			if !match(l) {
				continue
			}
			// "Validation Error:" is a heading; the reason is on the next line.
			if strings.HasSuffix(l, ":") && i+1 < len(lines) {
				l += " " + lines[i+1]
			}
			return collectors.Clip(l, 300)
		}
	}
	return collectors.Clip(lines[0], 300)
}

// errorLine matches the first line of a thrown error as Node prints it.
var errorLine = regexp.MustCompile(`^(\w+ )?\w*Error\b`)

func looksLikeError(l string) bool {
	if strings.HasPrefix(l, "at ") {
		return false
	}
	lower := strings.ToLower(l)
	return strings.Contains(l, "Error") || strings.HasPrefix(lower, "error") ||
		strings.Contains(lower, "cannot find") || strings.Contains(lower, "failed to") ||
		strings.Contains(lower, "could not")
}

// RepoCode: the runner is the package's own installed binary; it loads the
// package's config (vitest.config.ts, jest.config.js) and runs its tests.
func (c *Collector) RepoCode() string {
	return fmt.Sprintf("node_modules/.bin/%s and the tests in %s", c.bin(), c.dir)
}

// lacking are what Node, Docker clients and browser launchers say when
// something a test file needs is not there on this machine: a port nobody
// listens on, a host that does not resolve, no Docker daemon, no browser.
var lacking = []string{"ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "connect ETIMEDOUT",
	"Cannot connect to the Docker daemon", "spawn docker ENOENT", "Could not find a working container runtime strategy",
	"Could not find Chrome", "Could not find Chromium", "Failed to launch the browser process", "Executable doesn't exist at"}

// unbuilt are what Node says when a package's compiled addon is missing
// or was built for another Node: Cannot find module '…/bcrypt_lib.node',
// the bindings package's search, a NODE_MODULE_VERSION mismatch.
var unbuilt = []string{".node'", `.node"`, "Could not locate the bindings file", "NODE_MODULE_VERSION", "invalid ELF header"}

var addonPackage = regexp.MustCompile(`node_modules/((?:@[^/\s'"]+/)?[^/\s'"]+)/`)

// nativePackage is the package whose addon a message names: the last
// node_modules/<package>/ before the first ".node" path, else in the
// whole message; "" when none is named.
func nativePackage(msg string) string {
	if i := strings.Index(msg, ".node"); i >= 0 {
		if m := addonPackage.FindAllStringSubmatch(msg[:i], -1); m != nil {
			return m[len(m)-1][1]
		}
	}
	if m := addonPackage.FindAllStringSubmatch(msg, -1); m != nil {
		return m[len(m)-1][1]
	}
	return ""
}

// says reports whether text holds one of sigs.
func says(text string, sigs []string) bool {
	return slices.ContainsFunc(sigs, func(sig string) bool { return strings.Contains(text, sig) })
}

// lackingLine is the first line of a runner's output that says the
// machine lacks something (see lacking), trimmed; "" when none does.
func lackingLine(out string) string {
	for _, l := range strings.Split(out, "\n") {
		if says(l, lacking) {
			return collectors.Clip(strings.TrimSpace(collectors.StripANSI(l)), 160)
		}
	}
	return ""
}

// machineLacks turns a test file that could not run because the machine
// lacks a service into a needs-service finding (medium), as go-test does
// for a TestMain that waits for its database, and one whose package's
// native addon is not built here into native-addon-not-built (medium):
// the code was not tested, which is not evidence that it is wrong. So is
// a test that failed for want of an internet host or a program this
// machine lacks too (m asks), named by its message or by the cause the
// console printed under it (fetch's "TypeError: fetch failed" hides the
// host there). A test that failed on its own assertion stays what it is.
// It reports whether any finding was turned.
func machineLacks(fs []model.Finding, kind, console string, m reach.Machine) (turned bool) {
	const couldNot = "test file could not run"
	down := map[string]downService{} // test file → the first database its tests found not running
	for i, f := range fs {
		if strings.HasSuffix(f.Rule, "/"+ruleTestFailed) {
			const keepOut = "keep it out of the default run"
			title, said, _ := strings.Cut(f.Message, " failed: ")
			if m := prismaEngineMissing.FindStringSubmatch(said); m != nil {
				engine := `Prisma Client could not locate the Query Engine for runtime "` + m[1] + `"`
				// A native library prisma generate downloads, not there:
				// the test stopped before the code it tests ran.
				nf := rule(kind, ruleNativeAddon).Finding(f.File, f.Line, f.Column, title+" failed: "+engine+
					": the Prisma client cannot reach its database engine on this machine, so the test says nothing of the code; run prisma generate, which downloads the engine")
				nf.Collector, nf.Domain, nf.ID = f.Collector, f.Domain, f.ID
				fs[i], turned = nf, true
				continue
			}
			msg := m.Lacks(title, said, keepOut)
			if cause := consoleCause(console, title); msg == "" && cause != "" {
				said += " (cause: " + cause + ")"
				msg = m.Lacks(title, said, keepOut)
			}
			if msg != "" {
				msg = strings.Replace(msg, said, oneLine(said), 1)
				nf := rule(kind, ruleNeedsService).Finding(f.File, f.Line, f.Column, msg)
				nf.Collector, nf.Domain, nf.ID = f.Collector, f.Domain, f.ID
				fs[i], turned = nf, true
				if addr, name := reach.LocalDatastore(said); addr != "" && down[f.File].test == "" {
					down[f.File] = downService{name + " on " + addr, title}
				}
			}
			continue
		}
		if !strings.HasSuffix(f.Rule, "/"+ruleSuiteFailed) {
			continue
		}
		var r rules.Rule
		var msg string
		switch {
		case says(f.Message, unbuilt):
			rebuild := "npm rebuild"
			if pkg := nativePackage(f.Message); pkg != "" {
				rebuild += " " + pkg
			}
			// The advice comes first: the runner's message goes on with
			// its require stack.
			r, msg = rule(kind, ruleNativeAddon), strings.Replace(f.Message, couldNot,
				"test file stopped before its tests, a native addon it loads is not built for this Node (rebuild it: "+rebuild+", or use a version that builds for this Node)", 1)
		case says(f.Message, lacking):
			r, msg = rule(kind, ruleNeedsService), strings.Replace(f.Message, couldNot,
				"test file stopped before its tests, something it needs is not reachable here", 1)+"; start what it needs, or keep the file out of the default run"
		default:
			continue
		}
		// Another rule for the same file: its place and id stay.
		nf := r.Finding(f.File, f.Line, f.Column, msg)
		nf.Collector, nf.Domain, nf.ID = f.Collector, f.Domain, f.ID
		fs[i], turned = nf, true
	}
	if len(down) == 0 {
		if d := printedDown(console, m); d.what != "" {
			down[""] = d
		}
	}
	return waitedOnDown(fs, kind, down) || turned
}

// oneLine is what a test said, on one line and clipped: a driver's error
// goes on with its fields (errno, code, syscall …) over many.
func oneLine(said string) string {
	return collectors.Clip(strings.Join(strings.Fields(said), " "), 240)
}

// waitingOnService matches how a test fails when a service it talks to
// is down and the driver keeps it waiting or drops it: the runner's
// timeout, a dropped or aborted request, a driver's own give-up.
var waitingOnService = regexp.MustCompile(`Exceeded timeout of \d+ ?ms|Test timed out in \d+ ?ms|Async callback was not invoked within the \d+ ?ms timeout|socket hang up|\bECONNRESET\b|Error: aborted\b|buffering timed out after|MongoNotConnectedError|MongoServerSelectionError|Server selection timed out|Connection is closed|Connection terminated|Cannot use a pool after calling end`)

// downService is a database found not running: by a test (its title), or
// in what the run printed (test "": a framework's logger retrying it,
// Nest's "Unable to connect to the database. Retrying").
type downService struct{ what, test string }

// printedDown is the database the run's output says refused it, while
// nothing serves it here still; the zero value when none.
func printedDown(console string, m reach.Machine) downService {
	addr, name := reach.LocalDatastore(collectors.StripANSI(console))
	if addr == "" || m.Unreachable == nil || !m.Unreachable(addr) {
		return downService{}
	}
	return downService{what: name + " on " + addr}
}

// waitedOnDown turns the failures that only waited on a database found
// not running (down: test file → that database and the test that found
// it; "" → one the run's output names) into needs-service. A driver
// reports its refused connection once, to the test running when it gives
// up; the tests after it time out or lose their connection waiting
// (TypeScript-Node-Starter's session store: "socket hang up", then a 5 s
// timeout), which says nothing of the code. In a file where no test
// carried the refusal (it came between tests), the database another file
// found down is the one waited on; where no test did, the one the output
// names (a Nest module retrying MySQL in a beforeEach that times out). A
// failed assertion stays the test's.
func waitedOnDown(fs []model.Finding, kind string, down map[string]downService) (turned bool) {
	// Another file's, the first by name; else the run's output's.
	other := down[""]
	for _, file := range slices.Sorted(maps.Keys(down)) {
		if file != "" {
			other = down[file]
			other.test += " in " + file
			break
		}
	}
	for i, f := range fs {
		if !strings.HasSuffix(f.Rule, "/"+ruleTestFailed) || !waitingOnService.MatchString(f.Message) {
			continue
		}
		d := down[f.File]
		if f.File != "" && d.what != "" {
			d.test += " in this file"
		} else {
			d = other
		}
		var seen string
		switch {
		case d.what == "":
			continue
		case d.test == "":
			seen = "the run's output says it refused the connection"
		default:
			seen = d.test + " failed for it"
		}
		nf := rule(kind, ruleNeedsService).Finding(f.File, f.Line, f.Column,
			oneLine(f.Message)+"; it was waiting on "+d.what+", which does not run here ("+seen+"); start it as the project's CI or compose stack does, or keep it out of the default run")
		nf.Collector, nf.Domain, nf.ID = f.Collector, f.Domain, f.ID
		fs[i], turned = nf, true
	}
	return turned
}

// consoleCause is the cause a runner's console printed under a failed
// test: Jest's "Cause:" line after its "● title" block opens, Vitest's
// "Caused by: …" after "FAIL  file > title". "" when there is none.
func consoleCause(console, title string) string {
	last := title
	if i := strings.LastIndex(title, " › "); i >= 0 {
		last = title[i+len(" › "):]
	}
	if last == "" {
		return ""
	}
	in, next := false, false
	for _, l := range strings.Split(collectors.StripANSI(console), "\n") {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "●") || strings.HasPrefix(t, "FAIL ") {
			in = strings.HasSuffix(t, " "+last) || strings.HasSuffix(t, "> "+last)
			next = false
			continue
		}
		switch {
		case !in:
		case next && t != "":
			return collectors.Clip(t, 160)
		case t == "Cause:":
			next = true
		case strings.HasPrefix(t, "Caused by: "):
			return collectors.Clip(strings.TrimPrefix(t, "Caused by: "), 160)
		}
	}
	return ""
}

// sameError reports whether a report's message tells the error of a
// console's reason line ("Error: Cannot find module '../src/x.js' imported
// from /abs/…"), by the start of its text: the report's paths are made
// relative, the console's are not.
func sameError(message, reason string) bool {
	_, text, _ := strings.Cut(reason, ": ")
	if i := strings.IndexByte(text, '/'); i >= 0 {
		text = text[:i]
	}
	if len(text) > 40 {
		text = text[:40]
	}
	return strings.TrimSpace(text) != "" && strings.Contains(message, text)
}

var (
	// failBlock opens a failed file's block in Vitest's default reporter:
	// " FAIL  src/db.test.js [ src/db.test.js ]".
	failBlock = regexp.MustCompile(`^\s*FAIL\s+(\S+?)(?::(\d+):(\d+))?(?:\s|$)`)
	// codeFrameAt is the position Vitest prints under the error:
	// " ❯ src/db.test.js:4:9".
	codeFrameAt = regexp.MustCompile(`^\s*❯\s+(?:\S+\s+)?(\S+?):(\d+):(\d+)\s*$`)
)

// placeholderError is what Vitest 4 writes in its JSON report for a test
// that timed out: the stack of the error it made where the test was
// defined, whose message it never updated. Its console has the reason.
const placeholderError = "Error: STACK_TRACE_ERROR"

// failedTest opens a failed test's block in Vitest's console:
// " FAIL  test/slow.test.js:4:3 > checkout > waits for the payment provider".
var failedTest = regexp.MustCompile(`^\s*FAIL\s+(\S+?)(?::\d+:\d+)?\s+>\s+(.+?)\s*$`)

// explainPlaceholders replaces the placeholder reason of a failed test
// with the one the console gives for the same test ("Error: Test timed out
// in 5000ms.").
func explainPlaceholders(fs []model.Finding, console, dir string) []model.Finding {
	if !strings.Contains(console, "FAIL") {
		return fs
	}
	reasons := map[string]string{} // file + " › " + test path -> reason
	var key string
	for _, l := range strings.Split(collectors.StripANSI(console), "\n") {
		if m := failedTest.FindStringSubmatch(l); m != nil {
			key = path.Join(dir, m[1]) + " › " + strings.ReplaceAll(m[2], " > ", " › ")
			continue
		}
		if t := strings.TrimSpace(l); key != "" && reasons[key] == "" && errorLine.MatchString(t) {
			reasons[key] = t
			key = ""
		}
	}
	for i, f := range fs {
		name, ok := strings.CutSuffix(f.Message, " failed: "+placeholderError)
		if !ok || !strings.HasSuffix(f.Rule, "/"+ruleTestFailed) {
			continue
		}
		if reason := reasons[f.File+" › "+name]; reason != "" {
			fs[i].Message = name + " failed: " + reason
		}
	}
	return fs
}

// placeSuiteFailures gives a test file that could not run the position and
// reason the runner printed on the console when its JSON report has none: a
// hook that throws (beforeAll) leaves the report with a file but no line,
// and sometimes no message, while the console names both. Each FAIL block
// is one error; a file is placed by the first block of its own that gives
// a reason (in the "Failed Suites" part when there is one), with that
// block's position: where it was thrown in the file, else the describe
// block its FAIL line names; an error thrown elsewhere (a helper module)
// is said where.
func placeSuiteFailures(fs []model.Finding, console, dir string) []model.Finding {
	type block struct {
		line, col int
		reason    string
		elsewhere string // the frame outside the test file
	}
	places := map[string]block{}
	var file string
	var cur block
	suites := false // inside "Failed Suites", when Vitest prints that part
	done := func() {
		if p, ok := places[file]; file != "" && cur.reason != "" && (!ok || p.reason == "") {
			places[file] = cur
		}
	}
	for _, l := range strings.Split(collectors.StripANSI(console), "\n") {
		switch {
		case strings.Contains(l, " Failed Suites "):
			suites = true
			continue
		case strings.Contains(l, " Failed Tests "):
			done()
			file, suites = "", false
			continue
		}
		if m := failBlock.FindStringSubmatch(l); m != nil {
			done()
			file, cur = path.Join(dir, m[1]), block{}
			cur.line, _ = strconv.Atoi(m[2])
			cur.col, _ = strconv.Atoi(m[3])
			continue
		}
		if file == "" || !suites && strings.Contains(console, " Failed Suites ") {
			continue
		}
		if t := strings.TrimSpace(l); cur.reason == "" && errorLine.MatchString(t) {
			cur.reason = t
			continue
		}
		if m := codeFrameAt.FindStringSubmatch(l); m != nil && cur.reason != "" && cur.elsewhere == "" {
			if at := path.Join(dir, m[1]); at == file {
				cur.line, _ = strconv.Atoi(m[2])
				cur.col, _ = strconv.Atoi(m[3])
				cur.elsewhere = "-"
			} else {
				cur.elsewhere = at + ":" + m[2] + ":" + m[3]
			}
		}
	}
	done()
	for i, f := range fs {
		p, ok := places[f.File]
		if !ok || !strings.HasSuffix(f.Rule, "/"+ruleSuiteFailed) {
			continue
		}
		switch {
		case strings.HasSuffix(f.Message, noReason):
			fs[i].Message = strings.TrimSuffix(f.Message, noReason) + ": " + p.reason
		case !sameError(f.Message, p.reason):
			continue // the report names another error than the console's first
		}
		if f.Line == 0 {
			fs[i].Line, fs[i].Column = p.line, p.col
		}
		if p.elsewhere != "" && p.elsewhere != "-" && fs[i].Line == 0 {
			fs[i].Message += " (at " + p.elsewhere + ")"
		}
	}
	return fs
}
