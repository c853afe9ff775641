// Package eslint lints npm packages that configure ESLint, with the
// package's own installed ESLint:
//
//	eslint -f json -o <tmp> .
//
// run in each package with a flat (eslint.config.*) or legacy (.eslintrc*,
// "eslintConfig" in package.json) configuration. Errors are high findings,
// warnings low, files that do not parse blockers; messages silenced by
// eslint-disable comments are counted and listed, never hidden. A
// configuration ESLint cannot load is one blocker and no facts.
package eslint

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/nodepkg"
	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/proc"
)

const (
	Kind = "eslint"
	// Domain: lint problems are code quality, checked with the build.
	Domain = "build"

	excerptLines = 60
	hintNode     = "install Node.js so that node is on PATH: ESLint runs on it"
	hintInstall  = "install the package's dependencies (npm ci), or add ESLint: npm i -D eslint"
)

// Collector lints one package.
type Collector struct {
	id     string
	dir    string // repo-relative package directory, "." for the root
	config string // repo-relative config file, or package.json for eslintConfig
	flat   bool   // flat config (eslint.config.*) rather than legacy eslintrc
	// nested are packages inside dir with their own ESLint collector,
	// relative to dir: left out of this run so no file is linted twice.
	nested []string
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
	return append(globs, nodepkg.LockFiles...)
}

// args lint the package and write the JSON report to out.
func (c *Collector) args(out string) []string {
	args := []string{"-f", "json", "-o", out}
	for _, n := range c.nested {
		args = append(args, "--ignore-pattern", n+"/**")
	}
	return append(args, ".")
}

// env pins the configuration system: ESLint 8 needs to be told to use a
// flat config, ESLint 9 to use a legacy one.
func (c *Collector) env() []string {
	flat := "ESLINT_USE_FLAT_CONFIG=false"
	if c.flat {
		flat = "ESLINT_USE_FLAT_CONFIG=true"
	}
	return append([]string{flat}, nodepkg.EnvNoColor...)
}

// Run lints the package once.
func (c *Collector) Run(ctx context.Context, req collectors.Request) model.Result {
	dir := filepath.Join(req.Root, filepath.FromSlash(c.dir))
	if _, err := exec.LookPath("node"); err != nil {
		return model.Unknown(c.id, Kind, Domain, "node not found on PATH", hintNode)
	}
	bin, ok := nodepkg.LocalBin(dir, "eslint")
	if !ok {
		return model.Unknown(c.id, Kind, Domain, "ESLint is not installed: no node_modules/.bin/eslint in "+c.dir+" or above", hintInstall)
	}
	tmp, err := os.MkdirTemp("", "preflight-eslint-")
	if err != nil {
		return model.Unknown(c.id, Kind, Domain, "cannot create a temporary directory: "+err.Error(), "")
	}
	defer os.RemoveAll(tmp)
	reportFile := filepath.Join(tmp, "report.json")

	timeout := req.Timeout
	if timeout <= 0 {
		timeout = collectors.DefaultTimeout
	}
	cmd := proc.Cmd{Dir: dir, Name: bin, Args: c.args(reportFile), Env: c.env(), Timeout: timeout}
	out, err := proc.Run(ctx, cmd)
	res := model.Result{
		Collector: c.id, Kind: Kind, Domain: Domain,
		Command:  c.command(cmd),
		ExitCode: out.ExitCode,
		Output:   nodepkg.Excerpt(string(out.Stderr)+"\n"+string(out.Stdout), excerptLines),
	}
	switch {
	case out.TimedOut || errors.Is(err, context.DeadlineExceeded):
		res.Status, res.Error = model.StatusUnknown, fmt.Sprintf("eslint did not finish within %s", timeout)
		res.Hint = "raise the collector timeout, or lint fewer files (ignores in the ESLint config)"
		return res
	case errors.Is(err, context.Canceled):
		res.Status, res.Error = model.StatusUnknown, "cancelled before eslint finished"
		return res
	case err != nil:
		res.Status, res.Error, res.Hint = model.StatusUnknown, "could not start eslint: "+err.Error(), hintInstall
		return res
	}

	data, readErr := os.ReadFile(reportFile)
	if out.ExitCode > 1 || readErr != nil || len(bytes.TrimSpace(data)) == 0 {
		// Exit 2 is ESLint's "configuration or internal error": nothing
		// was linted, so there are no counts to show.
		why := failureReason(string(out.Stderr) + "\n" + string(out.Stdout))
		res.Status = model.StatusError
		res.Error = "eslint could not run: " + why
		res.Hint = "run the command in " + c.dir + " and fix the error it prints"
		msg := "ESLint could not run: " + why
		if ex := nodepkg.Excerpt(string(out.Stderr)+"\n"+string(out.Stdout), 15); strings.TrimSpace(ex) != "" {
			msg += "\n" + ex
		}
		res.Findings = c.finish([]model.Finding{RuleCouldNotRun.Finding(c.config, 0, 0, msg)})
		return res
	}
	rep, perr := ParseJSON(data, Location{Root: req.Root, Dir: dir})
	if perr != nil {
		res.Status, res.Error = model.StatusError, perr.Error()
		res.Output = nodepkg.Excerpt("report: "+string(data), 20) + "\n" + res.Output
		return res
	}
	if out.ExitCode == 0 && rep.Errors > 0 {
		res.Status, res.Error = model.StatusError, fmt.Sprintf("eslint reported %d errors but exited with status 0", rep.Errors)
		return res
	}
	res.Status = model.StatusOK
	res.Facts = map[string]float64{
		"errors":   float64(rep.Errors),
		"warnings": float64(rep.Warnings),
		"fatal":    float64(rep.Fatal),
		"files":    float64(rep.Files),
	}
	if rep.SuppressedKnown {
		res.Facts["suppressed"] = float64(rep.Suppressed)
	}
	res.Findings = c.finish(rep.Findings)
	return res
}

func (c *Collector) finish(fs []model.Finding) []model.Finding {
	for i := range fs {
		fs[i].Collector = c.id
		fs[i].Domain = Domain
	}
	model.SortFindings(fs)
	model.AssignIDs(fs)
	return fs
}

// command renders the run as a user would paste it at the repository root,
// environment included since it selects the configuration system.
func (c *Collector) command(cmd proc.Cmd) string {
	shown := c.env()[0] + " " + proc.Cmd{Name: nodepkg.DisplayPath(cmd.Dir, cmd.Name), Args: cmd.Args}.String()
	if c.dir == "." {
		return shown
	}
	return "cd " + proc.Cmd{Name: c.dir}.String() + " && " + shown
}

// errorLine matches the line naming the error in ESLint's crash output
// ("TypeError: Key "rules": …", "Error: Cannot find module …").
var errorLine = regexp.MustCompile(`^(\w+ )?\w*Error\b`)

// failureReason picks the line that says why ESLint stopped.
func failureReason(output string) string {
	var first string
	for _, l := range strings.Split(nodepkg.StripANSI(output), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "Oops! Something went wrong") || strings.HasPrefix(l, "ESLint: ") ||
			strings.HasPrefix(l, "(node:") || strings.HasPrefix(l, "(Use `node") {
			continue
		}
		if errorLine.MatchString(l) {
			return clip(l)
		}
		if first == "" {
			first = l
		}
	}
	if first == "" {
		return "it printed nothing and wrote no report"
	}
	return clip(first)
}

func clip(s string) string {
	const max = 300
	if len(s) <= max {
		return s
	}
	return strings.ToValidUTF8(s[:max], "") + " …"
}

// configPath joins a package directory and a config name.
func configPath(dir, name string) string { return path.Join(dir, name) }

// RepoCode: ESLint is the package's own installed binary, and its config
// (eslint.config.js, .eslintrc.js) and plugins are programs it loads.
func (c *Collector) RepoCode() string {
	return "node_modules/.bin/eslint and its config in " + c.dir
}
