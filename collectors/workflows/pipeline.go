package workflows

import (
	"fmt"
	"strings"

	"github.com/preflight-dev/preflight/collectors/rules"
	"github.com/preflight-dev/preflight/internal/yamlpos"
	"github.com/preflight-dev/preflight/model"
)

// Source is one file to analyse: its repo-relative path and contents.
type Source struct {
	Path string
	Data []byte
}

// Evidence says where a stage was seen, so the claim can be checked.
type Evidence struct {
	File string
	Line int
	What string // the command or action, as written
}

// FileError is a file that could not be read as a pipeline definition.
type FileError struct {
	File         string
	Line, Column int
	Message      string
	Unread       bool // the file could not be read at all (refused, vanished)
}

func (e FileError) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc += fmt.Sprintf(":%d:%d", e.Line, e.Column)
	}
	return loc + ": " + e.Message
}

// Pipeline is what the files of one CI system say: the stages found, with
// where they were seen, and the findings of the per-line rules.
type Pipeline struct {
	Files    []string // repo-relative paths that were read
	Stages   map[Stage]Evidence
	Findings []model.Finding // per-line findings, before suppressions
	Errors   []FileError
	Notes    []string // what could not be followed (remote includes …)
	// ignored are stages not to count while one job is read: deploys
	// into a cluster the job creates and throws away are its tests' setup.
	ignored Stages
	// Elsewhere are the parts the pipeline runs from other repositories
	// (a remote reusable workflow, a remote or project include), which
	// are not read: a required stage may be there.
	Elsewhere []string
	// Whole is set when one broken file stops the whole pipeline (GitLab
	// refuses a configuration with a broken include); otherwise each file
	// runs on its own (GitHub workflows).
	Whole bool
	// Anchor is where the pipeline-wide findings are placed when the
	// pipeline is more than one file that comes and goes (the workflows
	// folder): the same place whichever files are added or removed, so a
	// new workflow does not turn a missing stage into a new finding. ""
	// places them at the first file that runs (GitLab's main file).
	Anchor string
	// Actions are the composite actions of the repository that workflow
	// steps use (./.github/actions/setup/action.yml), read as part of
	// the jobs they run in.
	Actions []Source
	actions map[string]bool // the directories of the local actions read
	// BranchBound is set when what was found depends on the branches the
	// checkout has, which no input file tells: a workflow that never runs.
	BranchBound bool
	// byHand are the workflow files that run only when someone starts
	// them (workflow_dispatch) or on a schedule: the evidence of a stage
	// is taken from one that runs on pushes when there is one.
	byHand map[string]bool
	// Dormant are the required stages only workflows that never run hold,
	// where the first of them holds each.
	Dormant map[Stage]Evidence
	dormant []dormantWorkflow // the workflows that never run, and their stale-filter finding
}

// dormantWorkflow is a workflow that never runs, and the index in Findings
// of its stale-branch-filter finding.
type dormantWorkflow struct {
	src     Source
	finding int
}

// Runs reports whether any part of the pipeline will run: the stages found
// are then the pipeline's, and a missing one is a finding.
func (p *Pipeline) Runs() bool { return p.firstRunning() != "" }

// firstRunning is the first file that will run, "" when none will.
func (p *Pipeline) firstRunning() string {
	if p.Whole && len(p.Errors) > 0 {
		return ""
	}
	broken := map[string]bool{}
	for _, e := range p.Errors {
		broken[e.File] = true
	}
	for _, f := range p.Files {
		if !broken[f] {
			return f
		}
	}
	return ""
}

func newPipeline() *Pipeline {
	return &Pipeline{Stages: map[Stage]Evidence{}, byHand: map[string]bool{}, Dormant: map[Stage]Evidence{}}
}

// Found is the set of stages seen.
func (p *Pipeline) Found() Stages {
	var set Stages
	for s := range p.Stages {
		set |= setOf(s)
	}
	return set
}

// see records the first place each stage in set was seen.
func (p *Pipeline) see(set Stages, ev Evidence) {
	for _, s := range (set &^ p.ignored).List() {
		// The first sighting stands, unless it is in a workflow that runs
		// only by hand or on a schedule and this one runs on pushes.
		if old, ok := p.Stages[s]; !ok || (p.byHand[old.File] && !p.byHand[ev.File]) {
			p.Stages[s] = ev
		}
	}
}

func (p *Pipeline) fail(file string, line, col int, format string, args ...any) {
	p.Errors = append(p.Errors, FileError{File: file, Line: line, Column: col, Message: fmt.Sprintf(format, args...)})
}

func (p *Pipeline) parseError(file string, err error) {
	if pe, ok := err.(*yamlpos.Error); ok {
		p.fail(file, pe.Line, pe.Column, "%s", pe.Msg)
		return
	}
	p.fail(file, 0, 0, "%s", err.Error())
}

func (p *Pipeline) report(r rules.Rule, file string, line, col int, message string) {
	p.Findings = append(p.Findings, r.Finding(file, line, col, message))
}

// missingStageRules are the pipeline-wide rules: a stage that must exist.
var missingStageRules = []struct {
	stage Stage
	rule  rules.Rule
}{
	{Test, RuleNoTestStage},
	{SecurityScan, RuleNoSecurityScan},
}

// MissingStageFindings reports the required stages the pipeline lacks.
// They belong to the pipeline, not to a line: they carry the Anchor (or
// the first file that will run) and line 0. A file that could not be read
// runs nothing, so the stages are those of the files that will run (see
// Runs).
func (p *Pipeline) MissingStageFindings(system string) []model.Finding {
	first := p.firstRunning()
	if first == "" {
		return nil
	}
	if p.Anchor != "" {
		first = p.Anchor
	}
	var out []model.Finding
	for _, m := range missingStageRules {
		if _, ok := p.Stages[m.stage]; ok {
			continue
		}
		stage := stageName(m.stage)
		if ev, ok := p.Dormant[m.stage]; ok {
			// The stale filter's finding carries it.
			f := m.rule.Finding(first, 0, 0, fmt.Sprintf("no %s stage in what runs of %s: %s:%d has one (%s), in a workflow that never runs (%s)",
				stage, system, ev.File, ev.Line, ev.What, RuleStaleBranchFilter.ID))
			f.Severity = model.Info
			out = append(out, f)
			continue
		}
		if len(p.Elsewhere) > 0 {
			// Not evidence of absence: said, but not held against the project.
			f := m.rule.Finding(first, 0, 0, fmt.Sprintf("no %s stage in what preflight read of %s; it runs %s from another repository, which is not read and may have one",
				stage, system, elsewhere(p.Elsewhere)))
			f.Severity = model.Info
			out = append(out, f)
			continue
		}
		msg := fmt.Sprintf("no %s stage in %s: %s", stage, system, lowerFirst(m.rule.Fix))
		out = append(out, m.rule.Finding(first, 0, 0, msg))
	}
	return out
}

// stageName is a stage as a message says it: "security scan".
func stageName(s Stage) string { return strings.ReplaceAll(s.String(), "_", " ") }

func elsewhere(refs []string) string {
	if len(refs) == 1 {
		return refs[0]
	}
	return fmt.Sprintf("%s (and %d more)", refs[0], len(refs)-1)
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// sourceLines helps locate text inside multi-line scalars, whose nodes
// only know where they start.
type sourceLines []string

func splitSource(data []byte) sourceLines {
	return strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
}

// locate finds the nth (0-based) occurrence of needle in the lines a
// scalar node spans and returns its 1-based line and column; when it is
// not there (the scalar was escaped or folded differently) the node's own
// position is the answer.
func (src sourceLines) locate(n *yamlpos.Node, needle string, nth int) (int, int) {
	if needle != "" && n.Line > 0 {
		span := strings.Count(n.Value, "\n") + strings.Count(n.Value, " ") + 2
		for l := n.Line; l <= len(src) && l <= n.Line+span; l++ {
			text := src[l-1]
			from := 0
			for {
				i := strings.Index(text[from:], needle)
				if i < 0 {
					break
				}
				if nth == 0 {
					return l, from + i + 1
				}
				nth--
				from += i + len(needle)
			}
		}
	}
	return n.Line, n.Column
}

// scriptLine is the file line of line offset (0-based) in a scalar.
func scriptLine(n *yamlpos.Node, offset int) int {
	if n.Block {
		return n.Line + 1 + offset
	}
	return n.Line + offset
}

// disabled reports whether an if: condition is the constant false.
func disabled(cond *yamlpos.Node) bool {
	v := strings.TrimSpace(cond.Text())
	if strings.HasPrefix(v, "${{") && strings.HasSuffix(v, "}}") {
		v = strings.TrimSpace(v[3 : len(v)-2])
	}
	return v == "false"
}
