// Package eslint lints npm packages that configure ESLint, with the
// package's own installed ESLint:
//
//	eslint -f json -o <tmp> .
//
// run in each package with a flat (eslint.config.*) or legacy (.eslintrc*,
// "eslintConfig" in package.json) configuration, with ESLINT_USE_FLAT_CONFIG
// set to match, which ESLint 8 and 9 both need for their non-default style.
// A version that refuses one of preflight's options is run again with only
// -f json -o and the lint script's paths. Results carry the installed
// version. Errors are high findings, warnings low, files that do not parse
// blockers; messages silenced by eslint-disable comments are counted and
// listed, never hidden. A configuration ESLint cannot load is one blocker
// and no facts.
package eslint

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/Masterminds/semver/v3"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/filerules"
	"github.com/preflight-dev/preflight/collectors/nodepkg"
	"github.com/preflight-dev/preflight/ignore"
	"github.com/preflight-dev/preflight/model"
)

const (
	Kind = "eslint"
	// Domain: lint problems are code quality, checked with the build.
	Domain = "build"

	hintInstall = "install the package's dependencies (npm ci), or add ESLint: npm i -D eslint"
)

// Collector lints one package.
type Collector struct {
	id     string
	dir    string // repo-relative package directory, "." for the root
	config string // repo-relative config file, or package.json for eslintConfig
	flat   bool   // flat config (eslint.config.*) rather than legacy eslintrc
	// script runs eslint ("lint"), "" when none does; declared: the
	// package or one above it lists eslint as a dependency.
	script   string
	declared bool
	// scriptArgs are the paths (and --ext) the script hands to ESLint;
	// nil lints the whole package (".").
	scriptArgs []string
	// gate is what the script makes of warnings (--quiet, --max-warnings).
	gate gate
	// ext is the --ext a legacy configuration needs to lint more than
	// *.js (its Vue, TypeScript or JSX parser is installed), nil for none.
	ext []string
	// nested are packages inside dir with their own ESLint collector,
	// relative to dir: left out of this run so no file is linted twice.
	nested []string
	// ignoreFile is the .eslintignore of a directory above a package
	// linted with a legacy configuration that has none of its own,
	// repo-relative: ESLint reads one only in the directory it runs in,
	// and the project lints from there (excalidraw's root .eslintignore
	// keeps packages/*/dist out). "" for none.
	ignoreFile string
}

var _ collectors.Collector = (*Collector)(nil)

func (c *Collector) ID() string     { return c.id }
func (c *Collector) Kind() string   { return Kind }
func (c *Collector) Domain() string { return Domain }

// Dir is the package directory, repo-relative.
func (c *Collector) Dir() string { return c.dir }

// Config is the configuration file found, repo-relative.
func (c *Collector) Config() string { return c.config }

// Inputs cover what ESLint reads: sources, JSON and YAML (configs and
// linted files), eslintrc and eslintignore files, and installed packages
// (plugins).
func (c *Collector) Inputs() []string {
	globs := []string{
		nodepkg.Glob(c.dir, "**/*.{js,jsx,ts,tsx,mjs,cjs,mts,cts,vue,svelte,astro,json,jsonc,yaml,yml}"),
		nodepkg.Glob(c.dir, "**/.eslintrc"),
		nodepkg.Glob(c.dir, ".eslintignore"),
		"package.json",
	}
	if c.ignoreFile != "" {
		globs = append(globs, collectors.EscapeGlob(c.ignoreFile))
	}
	if f := path.Join(c.dir, ignorePath(c.scriptArgs)); f != c.dir && filepath.IsLocal(f) {
		globs = append(globs, collectors.EscapeGlob(f))
	}
	for _, a := range c.scriptArgs {
		// A quoted pattern is ESLint's to expand, whatever the files
		// (ng lint's src/**/*.html templates): its files are inputs.
		if pat := strings.Trim(a, `'"`); pat != a && strings.ContainsAny(pat, "*?") && !strings.HasPrefix(pat, "/") {
			globs = append(globs, nodepkg.Glob(c.dir, pat))
		}
	}
	return append(globs, nodepkg.LockFiles...)
}

// args lint the package in dir (absolute), or the paths its lint script
// names, and write the JSON report to out.
func (c *Collector) args(dir, out string) []string {
	args := append([]string{"-f", "json", "-o", out}, c.ignoreArgs()...)
	for _, n := range c.nested {
		args = append(args, "--ignore-pattern", n+"/**")
	}
	if len(c.ext) > 0 {
		args = append(args, "--ext", strings.Join(c.ext, ","))
	}
	if len(c.scriptArgs) > 0 {
		return append(args, shellWords(dir, c.scriptArgs)...)
	}
	return append(args, ".")
}

// ignoreArgs point ESLint, which runs in the package, at the ignore file
// above it.
func (c *Collector) ignoreArgs() []string {
	if c.ignoreFile == "" {
		return nil
	}
	rel, err := filepath.Rel(filepath.FromSlash(c.dir), filepath.FromSlash(c.ignoreFile))
	if err != nil {
		return nil
	}
	return []string{"--ignore-path", filepath.ToSlash(rel)}
}

// plainArgs are the options every ESLint since 1.0 accepts, with the paths
// the lint script names, for a version that refuses one of args'.
func (c *Collector) plainArgs(dir, out string) []string {
	args := append([]string{"-f", "json", "-o", out}, c.ignoreArgs()...)
	var paths []string
	for i := 0; i < len(c.scriptArgs); i++ {
		switch a := c.scriptArgs[i]; {
		case a == "--ext":
			i++
		case strings.HasPrefix(a, "--ext="):
		case a == "--ignore-path" || a == "--ignore-pattern":
			// Both are as old as ESLint 1.0.
			paths = append(paths, a, c.scriptArgs[i+1])
			i++
		default:
			paths = append(paths, a)
		}
	}
	if len(paths) == 0 {
		return append(args, ".")
	}
	return append(args, shellWords(dir, paths)...)
}

// rejectedOption matches ESLint refusing a command-line option ("Invalid
// option '--foo' - perhaps you meant …?", in flat mode also for the options
// only eslintrc had). That is preflight's command line at fault, never the
// project.
var rejectedOption = regexp.MustCompile(`Invalid option '--`)

// env pins the configuration system: ESLint 8 needs to be told to use a
// flat config, ESLint 9 to use a legacy one.
func (c *Collector) env() []string {
	flat := "ESLINT_USE_FLAT_CONFIG=false"
	if c.flat {
		flat = "ESLINT_USE_FLAT_CONFIG=true"
	}
	return append([]string{flat}, nodepkg.EnvNoColor...)
}

func (c *Collector) base() collectors.Base { return collectors.NewBase(c.id, Kind, Domain) }

// Precheck: the result when the tool cannot run here (not installed, or
// needs another Node), found without running anything.
func (c *Collector) Precheck(root string) (model.Result, bool) { return nodepkg.Known(c.ready(root)) }

// ready finds the package's installed tool, or the result that says why
// it cannot run.
func (c *Collector) ready(root string) (nodepkg.Readiness, *model.Result) {
	dir := filepath.Join(root, filepath.FromSlash(c.dir))
	return nodepkg.Check(c.base(), root, dir, "eslint", "ESLint", func() model.Result { return c.notInstalled(root, dir) })
}

// Run lints the package once.
func (c *Collector) Run(ctx context.Context, req collectors.Request) model.Result {
	b := c.base()
	rd, res := c.ready(req.Root)
	if res != nil {
		return *res
	}
	bin, tool := rd.Bin, rd.Tool
	dir := filepath.Join(req.Root, filepath.FromSlash(c.dir))
	env := c.env()
	return b.RunTool(ctx, req, collectors.Tool{
		Invocation: collectors.Invocation{
			Tool: "eslint", Dir: c.dir, Name: bin, Args: c.args(dir, collectors.ReportArg), Env: env, ShowEnv: env[:1],
			TimeoutHint: "raise the collector timeout, or lint fewer files (ignores in the ESLint config)",
			StartHint:   hintInstall,
		},
		Version: tool.Version,
		Retry:   &collectors.Retry{Refused: rejectedOption, Args: c.plainArgs(dir, collectors.ReportArg)},
		Read:    func(in collectors.Input) (collectors.Reading, error) { return c.read(in, tool) },
	})
}

// read makes one ESLint run into a reading.
func (c *Collector) read(in collectors.Input, tool nodepkg.Tool) (collectors.Reading, error) {
	if in.ExitCode > 1 || len(bytes.TrimSpace(in.Data)) == 0 {
		// Exit 2 is ESLint's "configuration or internal error": nothing
		// was linted, so there are no counts to show; the project's
		// configuration stopped it, so it scores 0.
		why := failureReason(in.Combined())
		r := collectors.Reading{Broken: true, Error: "eslint could not run: " + why,
			Hint: "run the command in " + c.dir + " and fix the error it prints"}
		if unread := c.unreadConfig(tool); unread != "" {
			r.Hint = unread
		}
		msg := "ESLint could not run: " + why
		if ex := in.Excerpt(15); strings.TrimSpace(ex) != "" {
			msg += "\n" + ex
		}
		r.Findings = []model.Finding{RuleCouldNotRun.Finding(c.config, 0, 0, msg)}
		return r, nil
	}
	rep, err := ParseJSON(in.Data, Location{Root: in.Root, Dir: in.Dir})
	if err != nil {
		return collectors.Reading{}, err
	}
	if in.ExitCode == 0 && rep.Errors > 0 {
		return collectors.Reading{}, fmt.Errorf("eslint reported %d errors but exited with status 0", rep.Errors)
	}
	r := collectors.Reading{Findings: rep.Findings, Facts: map[string]float64{
		"errors":   float64(rep.Errors),
		"warnings": float64(rep.Warnings),
		"fatal":    float64(rep.Fatal),
		"files":    float64(rep.Files),
	}}
	if rep.SuppressedKnown {
		r.Facts["suppressed"] = float64(rep.Suppressed)
	}
	c.applyGate(&r, rep.Warnings, in.Root)
	if n, where := gitIgnored(in.Root, rep.Paths); n > 0 {
		// Files git ignores are no inputs: a rebuild changes them unseen.
		r.MachineBound = true
		r.Hint = fmt.Sprintf("ESLint linted %s git ignores (in %s): build output or caches this configuration does not leave out; "+
			"they change with every build, so the lint runs again each check. Leave them out in .eslintignore (or the flat config's ignores)",
			filerules.Plural(n, "file"), strings.Join(where, ", "))
	}
	return r, nil
}

// applyGate judges the warnings as the lint script does: with --quiet it
// does not report them, so they are shown as info and cost nothing; over
// its --max-warnings the script fails, which is one high finding at the
// script.
func (c *Collector) applyGate(r *collectors.Reading, warnings int, root string) {
	switch {
	case c.gate.quiet:
		for i, f := range r.Findings {
			if f.Severity == model.Low {
				r.Findings[i].Severity = model.Info
				r.Findings[i].Message += " [a warning: the lint script runs ESLint with --quiet]"
			}
		}
	case c.gate.maxWarnings >= 0 && warnings > c.gate.maxWarnings:
		manifest := path.Join(c.dir, "package.json")
		r.Findings = append(r.Findings, RuleTooManyWarnings.Finding(manifest, nodepkg.KeyLine(root, manifest, "scripts", c.script), 0,
			fmt.Sprintf("ESLint reports %s, and the %q script allows %d (--max-warnings %d): it fails", filerules.Plural(warnings, "warning"), c.script, c.gate.maxWarnings, c.gate.maxWarnings)))
	}
}

// gitIgnored counts the linted files git ignores, and names the first
// few top directories they are in.
func gitIgnored(root string, files []string) (n int, where []string) {
	m, err := ignore.Load(root)
	if err != nil {
		return 0, nil
	}
	for _, f := range files {
		if !filepath.IsLocal(f) || !m.Ignored(f, false) {
			continue
		}
		n++
		top, _, _ := strings.Cut(path.Dir(f), "/")
		if d := top + "/"; len(where) < 3 && !slices.Contains(where, d) {
			where = append(where, d)
		}
	}
	return n, where
}

// notInstalled tells whose fault an ESLint that does not resolve is: listed
// but not installed is the machine's (unknown, with the install command);
// configured but listed nowhere while the dependencies are installed is the
// project's, a finding.
func (c *Collector) notInstalled(root, dir string) model.Result {
	b := c.base()
	install := nodepkg.InstallLine(root, dir)
	switch {
	case c.declared && nodepkg.PlugAndPlay(root, dir):
		return b.Unknown("ESLint is installed with Yarn Plug'n'Play (.pnp.cjs): no node_modules/.bin/eslint in "+c.dir+" or above",
			nodepkg.PlugAndPlayHint)
	case c.declared:
		return b.Unknown("ESLint is a dependency but is not installed: no node_modules/.bin/eslint in "+c.dir+" or above",
			nodepkg.InstallHint(root, dir))
	case nodepkg.DependenciesInstalled(root, dir):
		res := b.Result()
		res.Status = model.StatusOK
		msg := "ESLint is configured in " + c.config + " but is not a dependency of " + configPath(c.dir, "package.json") + " or of a package above it"
		if c.script != "" {
			msg = "`" + nodepkg.RunScript(c.script) + "` cannot run: eslint is used by the " + c.script + " script but is not a dependency of " +
				configPath(c.dir, "package.json") + " or of a package above it"
		}
		res.Findings = b.Finish([]model.Finding{RuleUndeclared.Finding(configPath(c.dir, "package.json"), 0, 0, msg)})
		return res
	}
	return b.Unknown("ESLint is not installed: no node_modules/.bin/eslint in "+c.dir+" or above", "install the dependencies ("+install+"), or add ESLint: npm i -D eslint")
}

// failureReason picks the line that says why ESLint stopped, passing over
// the lines it prints around the error that say nothing about it.
func failureReason(output string) string { return collectors.FailureReason(output, eslintNoise) }

func eslintNoise(l string) bool {
	return strings.HasPrefix(l, "Oops! Something went wrong") || strings.HasPrefix(l, "ESLint: ") ||
		strings.HasPrefix(l, "(node:") || strings.HasPrefix(l, "(Use `node")
}

// unreadConfig says why the installed ESLint cannot read the package's
// configuration file at all, with what to do, or "" when it can (or when
// its version is unknown). ESLint reads eslint.config.* from 8.21 (behind
// ESLINT_USE_FLAT_CONFIG=true until 9), eslint.config.ts, .mts and .cts
// only from 9, and .eslintrc* only before 10.
func (c *Collector) unreadConfig(tool nodepkg.Tool) string {
	v, err := semver.NewVersion(tool.Version)
	if err != nil {
		return ""
	}
	switch {
	case c.flat && v.LessThan(firstFlat):
		return fmt.Sprintf("ESLint %s does not read %s: flat configuration needs ESLint 8.21 or later; upgrade ESLint, or configure it in .eslintrc.*", tool.Version, c.config)
	case c.flat && v.Major() < 9 && strings.Contains(path.Ext(c.config), "ts"):
		return fmt.Sprintf("ESLint %s does not read %s: a TypeScript configuration file needs ESLint 9 or later; upgrade ESLint, or write eslint.config.js", tool.Version, c.config)
	case !c.flat && v.Major() >= 10:
		return fmt.Sprintf("ESLint %s reads only eslint.config.*, not %s: migrate the configuration (https://eslint.org/docs/latest/use/configure/migration-guide), or pin ESLint 9", tool.Version, c.config)
	}
	return ""
}

var firstFlat = semver.MustParse("8.21.0")

// configPath joins a package directory and a config name.
func configPath(dir, name string) string { return path.Join(dir, name) }

// RepoCode: ESLint is the package's own installed binary, and its config
// (eslint.config.js, .eslintrc.js) and plugins are programs it loads.
func (c *Collector) RepoCode() string {
	return "node_modules/.bin/eslint and its config in " + c.dir
}
