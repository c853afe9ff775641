// Package workflows reads CI pipeline definitions — GitHub Actions
// workflows and GitLab CI configuration — and reports, for the CI domain,
// which stages the pipeline has (lint, typecheck, test, build, security
// scan, container build, deploy) and what is unsafe in it.
//
// Stages are recognised from what the pipeline runs: the commands in run:
// and script: (npm test, go test, eslint, trivy …, through wrappers such as
// npx or poetry run and task runners such as make or npm run) and the
// actions in uses:. Each stage found is a fact, with the file and line that
// shows it in the output; a missing test or security-scan stage is a high
// finding. GitHub workflows are also checked for actions not pinned to a
// commit, pull_request_target and workflow_run workflows that check out
// untrusted code, untrusted input expanded into scripts, and steps that
// will fail (a package script, working directory or lockfile that does not
// exist); actionlint's findings are merged in when it is installed.
//
// Everything is parsed in-process from the YAML (with positions), so the
// parsing and the rules are tested and fuzzed without any tool.
package workflows

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/filerules"
	"github.com/preflight-dev/preflight/internal/repofs"
	"github.com/preflight-dev/preflight/internal/yamlpos"
	"github.com/preflight-dev/preflight/model"
)

const (
	// KindGitHub and KindGitLab are the collector families.
	KindGitHub = "github-actions"
	KindGitLab = "gitlab-ci"
	// Domain is where pipeline findings count.
	Domain = "ci"

	workflowDir  = ".github/workflows"
	excerptLines = 40
)

// Detect returns a GitHub Actions collector when the repository has
// workflow files (.github/workflows/*.yml or *.yaml; GitHub reads no
// subdirectories) and a GitLab CI collector when it has a .gitlab-ci.yml.
func Detect(root string, files []string) []collectors.Collector {
	name := model.RootTarget
	var out []collectors.Collector
	hasGitHub, gitlabMain := false, ""
	for _, f := range files {
		if isWorkflowFile(f) {
			hasGitHub = true
		}
		if f == ".gitlab-ci.yml" || (f == ".gitlab-ci.yaml" && gitlabMain == "") {
			gitlabMain = f
		}
	}
	if hasGitHub {
		out = append(out, &GitHubActions{id: KindGitHub + ":" + name, root: root})
	}
	if gitlabMain != "" {
		c := &GitLabCI{id: KindGitLab + ":" + name, root: root, main: gitlabMain}
		c.includes = includePatterns(root, gitlabMain)
		out = append(out, c)
	}
	return out
}

func isWorkflowFile(f string) bool {
	dir, base := path.Split(f)
	ext := path.Ext(base)
	return dir == workflowDir+"/" && (ext == ".yml" || ext == ".yaml") && base != ext
}

// includePatterns lists the local files a GitLab configuration includes,
// so that editing them reruns the collector.
func includePatterns(root, rel string) []string {
	data, err := repofs.ReadFile(root, rel)
	if err != nil {
		return nil
	}
	docs, err := yamlpos.Parse(data)
	if err != nil {
		return nil
	}
	var out []string
	for _, d := range docs {
		for _, inc := range d.Get("include").List() {
			p := inc.Text()
			if inc.Kind == yamlpos.Map {
				p = inc.Get("local").Text()
			}
			if p != "" && !strings.Contains(p, "://") {
				out = append(out, strings.TrimPrefix(p, "/"))
			}
		}
	}
	return out
}

// GitHubActions checks the workflows of one repository.
type GitHubActions struct {
	id   string
	root string
}

var _ collectors.Collector = (*GitHubActions)(nil)

func (c *GitHubActions) ID() string     { return c.id }
func (c *GitHubActions) Kind() string   { return KindGitHub }
func (c *GitHubActions) Domain() string { return Domain }

// followedFiles are what a CI command may run of the repository's own, and
// so decide its stages: package scripts, shell scripts, make targets; and
// the lockfiles that say which commands the dependencies provide and
// whether npm ci can install; golangci-lint's configuration, which says
// whether it runs gosec.
var followedFiles = []string{"**/package.json", "**/*.{sh,bash}", "**/{Makefile,makefile,GNUmakefile}", ".pre-commit-config.yaml",
	"**/.golangci.{yml,yaml,json}",
	"**/{package-lock.json,npm-shrinkwrap.json,yarn.lock,pnpm-lock.yaml}"}

// Inputs are the workflows, actionlint's configuration, and what the steps
// run of the repository's own.
func (c *GitHubActions) Inputs() []string {
	return append([]string{workflowDir + "/*.{yml,yaml}", ".github/actionlint.{yml,yaml}", "**/action.{yml,yaml}"}, followedFiles...)
}

// Run reads the workflow files as they are on disk now, applies the rules
// and, when actionlint is installed, merges its findings.
func (c *GitHubActions) Run(ctx context.Context, req collectors.Request) model.Result {
	root := req.Root
	if root == "" {
		root = c.root
	}
	ctx, cancel := req.WithTimeout(ctx)
	defer cancel()
	srcs, readErrs := readWorkflows(root)
	if len(srcs) == 0 && len(readErrs) == 0 {
		return model.Result{Collector: c.id, Kind: KindGitHub, Domain: Domain, Status: model.StatusSkipped,
			ExitCode: -1, Error: "no workflow files in " + workflowDir}
	}
	p := AnalyzeGitHubIn(srcs, newRepoTree(root))
	p.Errors = append(readErrs, p.Errors...)
	r := evaluate(c.id, KindGitHub, "GitHub Actions", root, p, srcs)
	r.MachineBound = p.BranchBound
	r.Command = fmt.Sprintf("parsed %s (preflight built-in rules)", filerules.Plural(len(srcs), "workflow file"))
	req.Root = root
	c.actionlint(ctx, req, srcs, &r)
	return r
}

// actionlint runs actionlint on the same files, if it is installed, and
// merges its findings into r. It is run and read by the one runner; only
// the merging is this family's: what actionlint could not measure leaves
// the built-in rules' evidence standing, marked.
func (c *GitHubActions) actionlint(ctx context.Context, req collectors.Request, srcs []Source, r *model.Result) {
	if _, err := exec.LookPath("actionlint"); err != nil {
		r.Output += "\nactionlint: not on PATH, only the built-in rules ran (" + ActionlintHint + ")"
		r.Hint = "actionlint is not on PATH, so only preflight's built-in rules ran; " + ActionlintHint
		return
	}
	args := []string{"-format", ActionlintFormat}
	for _, s := range srcs {
		args = append(args, s.Path)
	}
	var reported int // findings as actionlint counts them
	texts := map[string]string{}
	for _, s := range srcs {
		texts[s.Path] = string(s.Data)
	}
	theirs := collectors.NewBase(c.id, KindGitHub, Domain).RunTool(ctx, req, collectors.Tool{
		Invocation: collectors.Invocation{Tool: "actionlint", Name: "actionlint", Args: args},
		Read: func(in collectors.Input) (collectors.Reading, error) {
			if in.ExitCode != 0 && in.ExitCode != 1 {
				return collectors.Reading{}, fmt.Errorf("actionlint exited with status %d", in.ExitCode)
			}
			errs, err := ParseActionlint(in.Data)
			if err != nil {
				return collectors.Reading{}, fmt.Errorf("unreadable actionlint output: %v", err)
			}
			if in.ExitCode == 1 && len(errs) == 0 {
				return collectors.Reading{}, errors.New("actionlint exited with status 1 without reporting a finding")
			}
			reported = len(errs)
			return collectors.Reading{Findings: actionlintFindings(errs, in.Root, texts)}, nil
		},
	})
	switch theirs.Status {
	case model.StatusUnknown:
		// It did not finish: nothing can be said of the workflows yet.
		*r = model.Unknown(c.id, KindGitHub, Domain, "actionlint was interrupted: "+theirs.Error, theirs.Hint)
		r.Command = theirs.Command
		return
	case model.StatusError:
		markError(r, theirs.Error)
		r.Output += "\n$ " + theirs.Command + "\n" + theirs.Output
		return
	}
	r.Command, r.ExitCode = theirs.Command, theirs.ExitCode
	mine := withoutDuplicates(theirs.Findings, r.Findings)
	kept, suppressed, _ := filerules.Suppress(mine, texts, nil) // reasonless comments were already reported
	r.Findings = append(r.Findings, kept...)
	filerules.Finish(r.Findings, c.id, Domain)
	r.Facts["actionlint.findings"] = float64(len(kept))
	r.Facts["suppressed"] += float64(suppressed)
	r.Output += fmt.Sprintf("\n$ %s\nactionlint: exit %d, %s", theirs.Command, theirs.ExitCode, filerules.Plural(reported, "finding"))
	if dup := reported - len(mine); dup > 0 {
		r.Output += fmt.Sprintf(" (%d already reported by the built-in rules)", dup)
	}
}

func markError(r *model.Result, reason string) {
	if r.Status == model.StatusError && r.Error != "" {
		r.Error += "; " + reason
		return
	}
	r.Status, r.Error = model.StatusError, reason
}

// readWorkflows reads .github/workflows/*.yml|yaml from disk, sorted.
func readWorkflows(root string) ([]Source, []FileError) {
	entries, err := os.ReadDir(filepath.Join(root, filepath.FromSlash(workflowDir)))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, []FileError{{File: workflowDir, Message: err.Error()}}
	}
	var names []string
	for _, e := range entries {
		rel := workflowDir + "/" + e.Name()
		if !e.IsDir() && isWorkflowFile(rel) {
			names = append(names, rel)
		}
	}
	sort.Strings(names)
	return readSources(root, names)
}

// readSources reads files the safe way (see repofs): one that is refused
// is an error of that file, and the others are still read.
func readSources(root string, names []string) ([]Source, []FileError) {
	var srcs []Source
	var errs []FileError
	for _, rel := range names {
		data, err := repofs.ReadFile(root, rel)
		if err != nil {
			msg := strings.ReplaceAll(err.Error(), root+string(filepath.Separator), "")
			errs = append(errs, FileError{File: rel, Message: msg, Unread: true})
			continue
		}
		srcs = append(srcs, Source{Path: rel, Data: data})
	}
	return srcs, errs
}

// repoTree is the repository on disk, read the safe way (see repofs),
// each file once per analysis: every step that runs a package script
// reads the same package.json.
type repoTree struct {
	root  string
	files map[string]readFile
}

type readFile struct {
	data []byte
	err  error
}

func newRepoTree(root string) *repoTree { return &repoTree{root: root, files: map[string]readFile{}} }

func (t *repoTree) ReadFile(rel string) ([]byte, error) {
	f, ok := t.files[rel]
	if !ok {
		f.data, f.err = repofs.ReadFile(t.root, rel)
		t.files[rel] = f
	}
	return f.data, f.err
}

func (t *repoTree) IsDir(rel string) bool {
	real, err := repofs.Inside(t.root, rel)
	if err != nil {
		return false
	}
	st, err := os.Stat(real)
	return err == nil && st.IsDir()
}

// GitLabCI checks a .gitlab-ci.yml and the local files it includes.
type GitLabCI struct {
	id       string
	root     string
	main     string
	includes []string // local include patterns found at detection
}

var _ collectors.Collector = (*GitLabCI)(nil)

func (c *GitLabCI) ID() string     { return c.id }
func (c *GitLabCI) Kind() string   { return KindGitLab }
func (c *GitLabCI) Domain() string { return Domain }

func (c *GitLabCI) Cost() collectors.Cost { return collectors.CostFiles }

// Inputs are the main file, the files it includes, and what the jobs run
// of the repository's own.
func (c *GitLabCI) Inputs() []string {
	return append(append([]string{c.main}, c.includes...), followedFiles...)
}

// Run reads the configuration as it is on disk now.
func (c *GitLabCI) Run(ctx context.Context, req collectors.Request) model.Result {
	root := req.Root
	if root == "" {
		root = c.root
	}
	if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(c.main))); errors.Is(err, fs.ErrNotExist) {
		return model.Result{Collector: c.id, Kind: KindGitLab, Domain: Domain, Status: model.StatusSkipped,
			ExitCode: -1, Error: c.main + " no longer exists"}
	}
	srcs, readErrs := readSources(root, []string{c.main})
	all := append([]Source(nil), srcs...)
	load := func(pattern string) ([]Source, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		matches, err := doublestar.Glob(os.DirFS(root), pattern, doublestar.WithFilesOnly())
		if err != nil {
			return nil, err
		}
		sort.Strings(matches)
		got, errs := readSources(root, matches)
		if len(errs) > 0 {
			return nil, errors.New(errs[0].Message)
		}
		all = append(all, got...)
		return got, nil
	}
	var p *Pipeline
	if len(srcs) > 0 {
		p = AnalyzeGitLabIn(srcs[0], load, newRepoTree(root))
	} else {
		p = newPipeline()
	}
	p.Errors = append(readErrs, p.Errors...)
	if err := ctx.Err(); err != nil {
		return model.Unknown(c.id, KindGitLab, Domain, "interrupted: "+err.Error(), "")
	}
	r := evaluate(c.id, KindGitLab, "GitLab CI", root, p, all)
	r.Command = fmt.Sprintf("parsed %s (preflight built-in rules)", filerules.Plural(len(p.Files), "GitLab CI file"))
	return r
}

// evaluate turns a pipeline into a result: pipeline-wide rules, files that
// could not be read as findings, suppressions, facts and the evidence
// excerpt. A broken file is the project's problem, not the collector's: the
// result is ok, and the stages are those of the files that will run.
func evaluate(id, kind, system, root string, p *Pipeline, srcs []Source) model.Result {
	r := model.Result{Collector: id, Kind: kind, Domain: Domain, Status: model.StatusOK, ExitCode: -1,
		Facts: map[string]float64{}}
	texts := map[string]string{}
	for _, s := range append(srcs, p.Actions...) {
		texts[s.Path] = string(s.Data)
	}
	findings := append(append([]model.Finding(nil), p.Findings...), p.MissingStageFindings(system)...)
	for _, e := range p.Errors {
		if e.Unread {
			findings = append(findings, filerules.RuleUnreadable.Finding(e.File, 0, 0, "cannot read "+e.File+": "+e.Message))
			continue
		}
		findings = append(findings, RuleInvalid.Finding(e.File, e.Line, e.Column, filerules.Describe(e.Message, texts[e.File], e.Line)))
	}
	kept, suppressed, extra := filerules.Suppress(findings, texts, pipelineRuleIDs())
	kept = append(kept, extra...)
	filerules.Finish(kept, id, Domain)
	r.Findings = kept
	r.Facts["files"] = float64(len(p.Files))
	r.Facts["suppressed"] = float64(suppressed)
	for _, s := range AllStages {
		if !p.Runs() {
			break // nothing will run: no fact beats a wrong zero
		}
		v := 0.0
		if ev, ok := p.Stages[s]; ok {
			v = 1
			r.Evidence = append(r.Evidence, model.Evidence{Fact: "stages." + s.String(), File: ev.File, Line: ev.Line, Text: ev.What})
		}
		r.Facts["stages."+s.String()] = v
	}
	r.Output = stageReport(p, system)
	return r
}

// pipelineRuleIDs are the rules whose findings belong to the whole
// pipeline rather than to a line.
func pipelineRuleIDs() []string {
	ids := make([]string, len(missingStageRules))
	for i, m := range missingStageRules {
		ids[i] = m.rule.ID
	}
	return ids
}

// stageReport is the evidence excerpt: each stage and where it was seen.
func stageReport(p *Pipeline, system string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s read\n", system, filerules.Plural(len(p.Files), "file"))
	for _, s := range AllStages {
		ev, ok := p.Stages[s]
		if !ok {
			fmt.Fprintf(&b, "  %-15s —\n", s)
			continue
		}
		fmt.Fprintf(&b, "  %-15s %s:%d  %s\n", s, ev.File, ev.Line, ev.What)
	}
	for _, n := range p.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	for _, e := range p.Errors {
		fmt.Fprintf(&b, "error: %s\n", e.Error())
	}
	return strings.TrimRight(b.String(), "\n")
}
