// Package packagejson checks that every package.json of the repository is
// one npm, pnpm and yarn will read. A manifest they refuse (a trailing
// comma, a comment, a file cut short) stops every npm command in its
// package — and, in a workspace, at the root and in its siblings too — but
// the collectors that read manifests (tests, lint, bundles) can only leave
// such a package out. This collector is where it shows: a blocker at the
// line and column the parser stopped on.
package packagejson

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sort"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/filerules"
	"github.com/preflight-dev/preflight/collectors/nodepkg"
	"github.com/preflight-dev/preflight/collectors/rules"
	"github.com/preflight-dev/preflight/internal/yamlpos"
	"github.com/preflight-dev/preflight/model"
)

const (
	Kind = "package-json"
	// Domain: nothing installs, builds or tests while a manifest is refused.
	Domain = "build"
)

// RuleInvalid is a package.json the package managers refuse to read.
var RuleInvalid = rules.Rule{
	ID:        "package-json/invalid",
	Severity:  model.Blocker,
	Title:     "package.json that npm refuses to read",
	Rationale: "npm, pnpm and yarn stop with a parse error (npm: EJSONPARSE) on a package.json that is not strict JSON — no comments, no trailing commas — or whose top level is not an object: nothing installs, builds or tests in the package, nor, in a workspace, anywhere in it.",
	Fix:       "Fix the JSON at the line shown: drop the trailing comma or the comment, close the quote or brace, or restore the file that was cut short.",
	Reference: "https://docs.npmjs.com/cli/configuring-npm/package-json",
}

// RuleInvalidWorkspace is a pnpm-workspace.yaml pnpm refuses to read.
var RuleInvalidWorkspace = rules.Rule{
	ID:        "package-json/invalid-workspace",
	Severity:  model.Blocker,
	Title:     "pnpm-workspace.yaml that pnpm refuses to read",
	Rationale: "pnpm reads its workspace from pnpm-workspace.yaml and stops every command of the workspace (install, run, test) when the file is not valid YAML; the packages it lists are not found either.",
	Fix:       "Fix the YAML at the line shown: close the quote or bracket, or align the list under packages:.",
	Reference: "https://pnpm.io/pnpm-workspace_yaml",
}

// RuleIgnoredField is a field npm leaves out because of its type.
var RuleIgnoredField = rules.Rule{
	ID:        "package-json/ignored-field",
	Severity:  model.High,
	Title:     "package.json field that npm ignores",
	Rationale: "npm reads scripts and dependencies as objects of strings and silently leaves out what is not: a script written as a number or an array is \"missing\" when CI runs it, a dependency whose version is not a string is never installed. Nothing warns until the step or the import fails.",
	Fix:       "Write the script as a command string, the dependency's version as a string (\"^1.2.3\"), and scripts/dependencies as objects.",
	Reference: "https://docs.npmjs.com/cli/configuring-npm/package-json#scripts",
}

// AllRules lists every rule the family reports, for the rule catalogue.
func AllRules() []rules.Rule {
	return []rules.Rule{RuleInvalid, RuleInvalidWorkspace, RuleIgnoredField}
}

// Detect returns one collector for every package.json of the repository
// outside node_modules (and vendor, third_party), if there is any.
func Detect(root string, files []string) []collectors.Collector {
	var manifests, workspaces []string
	for _, f := range files {
		if collectors.InDependencies(f) {
			continue
		}
		switch path.Base(f) {
		case "package.json":
			manifests = append(manifests, f)
		case "pnpm-workspace.yaml":
			workspaces = append(workspaces, f)
		}
	}
	if len(manifests) == 0 {
		return nil
	}
	sort.Strings(manifests)
	sort.Strings(workspaces)
	id := Kind + ":" + model.RootTarget
	return []collectors.Collector{&Collector{Base: collectors.NewBase(id, Kind, Domain), manifests: manifests, workspaces: workspaces}}
}

// Collector parses the manifests found at detection; a new package.json
// makes the tree be scanned again, and with it this list.
type Collector struct {
	collectors.Base
	manifests  []string // repo-relative, sorted
	workspaces []string // pnpm-workspace.yaml files, likewise
}

func (c *Collector) Cost() collectors.Cost { return collectors.CostFiles }

// Inputs: a change to any manifest reruns it.
func (c *Collector) Inputs() []string {
	return []string{"**/package.json", "**/pnpm-workspace.yaml"}
}

// Manifests lists the package.json files it checks, repo-relative.
func (c *Collector) Manifests() []string { return append([]string(nil), c.manifests...) }

// Run parses every manifest the way the package managers do. A refused one
// is a finding; the result is still ok, since the others were checked.
func (c *Collector) Run(ctx context.Context, req collectors.Request) model.Result {
	run := filerules.New(req.Root)
	read, refused := 0, 0
	for _, f := range c.manifests {
		if err := ctx.Err(); err != nil {
			return c.Unknown("cancelled: "+err.Error(), "")
		}
		src, ok := run.Read(f)
		if !ok {
			continue
		}
		read++
		_, err := nodepkg.ParseManifest(src)
		var me *nodepkg.ManifestError
		if err == nil {
			ignored, fatal := fieldFindings(f, nodepkg.FieldProblems(src))
			if len(fatal) > 0 {
				refused++
			}
			run.Add(f, append(fatal, ignored...))
		}
		switch {
		case errors.As(err, &me):
			refused++
			run.Invalid(RuleInvalid, f, me.Line, me.Column, "npm refuses this package.json: "+me.Msg)
		case err != nil:
			refused++
			run.Invalid(RuleInvalid, f, 0, 0, "npm refuses this package.json: "+err.Error())
		}
	}
	for _, f := range c.workspaces {
		src, ok := run.Read(f)
		if !ok {
			continue
		}
		var ye *yamlpos.Error
		if _, err := yamlpos.Parse(src); errors.As(err, &ye) && ye.Syntax {
			refused++
			run.Invalid(RuleInvalidWorkspace, f, ye.Line, ye.Column, "pnpm refuses this pnpm-workspace.yaml: "+ye.Msg)
		}
	}
	res := run.Result(c.ID(), Kind, Domain)
	delete(res.Facts, "suppressed") // JSON has no comments to suppress with
	res.Facts["manifests"] = float64(read)
	res.Facts["invalid"] = float64(refused)
	parsed := filerules.Plural(read, "package.json file")
	if n := len(c.workspaces); n > 0 {
		parsed += fmt.Sprintf(" and %d pnpm-workspace.yaml", n)
	}
	res.Command = fmt.Sprintf("parsed %s (preflight built-in rules)", parsed)
	if refused == 0 {
		res.Output = fmt.Sprintf("%s, all read as npm reads them", filerules.Plural(read, "package.json file"))
	}
	return res
}

// fieldFindings turns the fields npm does not take into findings: those it
// ignores, and those that make it fail (a package.json it refuses).
func fieldFindings(file string, problems []nodepkg.FieldProblem) (ignored, fatal []model.Finding) {
	for _, p := range problems {
		if p.Refused {
			fatal = append(fatal, RuleInvalid.Finding(file, p.Line, p.Column, p.Message()))
		} else {
			ignored = append(ignored, RuleIgnoredField.Finding(file, p.Line, p.Column, p.Message()))
		}
	}
	return ignored, fatal
}
