package workflows

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/preflight-dev/preflight/collectors/filerules"
	"github.com/preflight-dev/preflight/internal/shellwords"
	"github.com/preflight-dev/preflight/internal/yamlpos"
	"github.com/preflight-dev/preflight/model"
)

// AnalyzeGitHub reads GitHub Actions workflow files. Files that cannot be
// read are in Errors; the others still give stages and findings.
func AnalyzeGitHub(srcs []Source) *Pipeline { return AnalyzeGitHubIn(srcs, nil) }

// AnalyzeGitHubIn is AnalyzeGitHub with the repository the workflows run
// in, so that steps can be checked against its files (nil: they are not).
func AnalyzeGitHubIn(srcs []Source, tree Tree) *Pipeline {
	p := newPipeline()
	p.Anchor = workflowDir
	var known *Branches
	if l, ok := tree.(BranchLister); ok {
		if b, ok := l.Branches(); ok {
			known = &b
		}
	}
	for _, src := range srcs {
		p.Files = append(p.Files, src.Path)
		analyzeWorkflow(p, src, tree, known)
	}
	p.weighDormant(tree)
	return p
}

// weighDormant reads the workflows that never run as if they ran: a
// required stage only they hold is the stale filter's doing, so the
// filter's finding carries its weight (high, naming the stage) and the
// missing stage is said without it. One cause, one finding, and the fix
// it names is the filter, not a new job.
func (p *Pipeline) weighDormant(tree Tree) {
	for _, d := range p.dormant {
		held := newPipeline()
		analyzeWorkflow(held, d.src, tree, nil)
		var required []string
		for _, m := range missingStageRules {
			ev, ok := held.Stages[m.stage]
			if _, runs := p.Stages[m.stage]; !ok || runs {
				continue
			}
			if _, seen := p.Dormant[m.stage]; !seen {
				p.Dormant[m.stage] = ev
			}
			required = append(required, fmt.Sprintf("%s stage (%s:%d: %s)", stageName(m.stage), ev.File, ev.Line, ev.What))
		}
		if len(required) > 0 {
			f := &p.Findings[d.finding]
			f.Severity = model.High
			f.Message += "; it holds the pipeline's only " + strings.Join(required, " and ") + ": none of it runs"
		}
	}
}

type workflow struct {
	p           *Pipeline
	file        string
	lines       sourceLines
	tree        Tree
	root        *yamlpos.Node
	prTarget    bool // triggered by pull_request_target
	workflowRun bool // triggered by workflow_run
	never       bool // its branch filters name no branch there is
	src         Source
}

func analyzeWorkflow(p *Pipeline, src Source, tree Tree, known *Branches) {
	docs, err := yamlpos.Parse(src.Data)
	if err != nil {
		p.parseError(src.Path, err)
		return
	}
	var root *yamlpos.Node
	for _, d := range docs {
		if d.Empty() {
			continue
		}
		if root != nil {
			p.fail(src.Path, d.Line, d.Column, "a workflow file holds one YAML document; this one has more")
			return
		}
		root = d
	}
	switch {
	case root == nil:
		p.fail(src.Path, 0, 0, "empty workflow file")
		return
	case root.Kind != yamlpos.Map:
		p.fail(src.Path, root.Line, root.Column, "a workflow is a mapping with on: and jobs:")
		return
	}
	jobs := root.Get("jobs")
	if jobs == nil || jobs.Kind != yamlpos.Map {
		line, col := 1, 1
		if k, ok := root.Pair("jobs"); ok {
			line, col = k.Line, k.Column
		}
		p.fail(src.Path, line, col, "a workflow needs a jobs: mapping")
		return
	}
	events := triggers(root.Get("on"))
	w := &workflow{p: p, file: src.Path, src: src, lines: splitSource(src.Data), tree: tree, root: root,
		prTarget: slices.Contains(events, "pull_request_target"), workflowRun: slices.Contains(events, "workflow_run")}
	if known != nil {
		w.neverRuns(root.Get("on"), *known)
	}
	p.byHand[src.Path] = byHandOnly(events)
	for _, job := range jobs.Pairs {
		if job.Value.Kind == yamlpos.Map {
			w.job(job.Key, job.Value)
		}
	}
}

// neverRuns marks a workflow whose branch filters wait for branches the
// repository does not have: its jobs are not counted as stages, and the
// filter is a finding, since the checks the file holds never gate a push.
func (w *workflow) neverRuns(on *yamlpos.Node, known Branches) {
	at, names, events := staleBranchFilter(on, known)
	if at == nil {
		return
	}
	w.never = true
	w.p.BranchBound = true
	what := "branch " + names[0]
	if len(names) > 1 {
		what = "branches " + strings.Join(names, ", ")
	}
	msg := fmt.Sprintf("this workflow never runs: its triggers (%s) wait for %s, which this repository does not have (its default branch is %s)",
		strings.Join(events, ", "), what, known.Default)
	w.p.dormant = append(w.p.dormant, dormantWorkflow{w.src, len(w.p.Findings)})
	w.p.Findings = append(w.p.Findings, RuleStaleBranchFilter.Finding(w.file, at.Line, at.Column, msg))
	w.p.Notes = append(w.p.Notes, fmt.Sprintf("%s never runs on this repository's branches: its stages are not counted", w.file))
}

// triggers reads on: in any of its forms: a name, a list, a mapping.
func triggers(on *yamlpos.Node) []string {
	if on == nil {
		return nil
	}
	var events []string
	if on.Kind == yamlpos.Map {
		for _, p := range on.Pairs {
			events = append(events, p.Key)
		}
		return events
	}
	for _, n := range on.List() {
		events = append(events, n.Text())
	}
	return events
}

// byHandOnly reports a workflow whose every trigger is a person or a clock
// (workflow_dispatch, repository_dispatch, schedule): it gates no push.
func byHandOnly(events []string) bool {
	return len(events) > 0 && !slices.ContainsFunc(events, func(e string) bool {
		return e != "workflow_dispatch" && e != "repository_dispatch" && e != "schedule"
	})
}

func (w *workflow) job(name string, job *yamlpos.Node) {
	off := w.never || disabled(job.Get("if"))
	if uses := job.Get("uses"); uses.Text() != "" {
		// A reusable workflow: a local one is analysed as a file of its
		// own; a remote one is only known by its file name.
		w.checkPinned(uses)
		ref := uses.Text()
		if !off && !strings.HasPrefix(ref, "./") {
			file, _, _ := strings.Cut(ref, "@")
			stem := strings.TrimSuffix(path.Base(file), path.Ext(file))
			w.p.see(TaskStages(stem), Evidence{w.file, uses.Line, "uses: " + ref})
			w.p.Notes = append(w.p.Notes, "reusable workflow "+ref+" is not followed")
			w.p.Elsewhere = append(w.p.Elsewhere, ref)
		}
	}
	if env := job.Get("environment"); env != nil && env.Kind != yamlpos.Null && !off {
		envName := env.Text()
		if env.Kind == yamlpos.Map {
			envName = env.Get("name").Text()
		}
		w.p.see(deploy, Evidence{w.file, env.Line, fmt.Sprintf("job %s deploys to environment %s", name, envName)})
	}
	elsewhere := checksOutElsewhere(job)
	if cluster, line := throwawayCluster(job); cluster != "" && !off {
		w.p.ignored = deploy
		defer func() { w.p.ignored = 0 }()
		w.p.Notes = append(w.p.Notes, fmt.Sprintf("job %s deploys only into the cluster it creates (%s:%d, %s): not counted as deploy", name, w.file, line, cluster))
	}
	for _, step := range job.Get("steps").List() {
		if step.Kind != yamlpos.Map {
			continue
		}
		stepOff := off || disabled(step.Get("if"))
		w.step(step, job, stepOff)
		if run := step.Get("run"); run.Text() != "" && !stepOff && !elsewhere {
			if dir, at, ok := stepDir(step, job, w.root); ok {
				w.checkScripts(run, dir, at)
			}
		}
	}
}

func (w *workflow) step(step, job *yamlpos.Node, off bool) {
	with := step.Get("with")
	if uses := step.Get("uses"); uses.Text() != "" {
		w.checkPinned(uses)
		action := actionName(uses.Text())
		if strings.HasPrefix(strings.TrimSpace(uses.Value), "./") && !off {
			w.localAction(uses, job)
		}
		if !off {
			w.p.see(ActionStages(uses.Text(), with), Evidence{w.file, uses.Line, "uses: " + uses.Text()})
			if action == "pre-commit/action" && w.tree != nil {
				// The action runs pre-commit run --all-files (extra_args).
				newFollower(w.p, w.tree, w.file, "uses: "+uses.Text(), uses.Line).preCommitHooks(append([]string{"run"}, strings.Fields(with.Get("extra_args").Text())...), 0)
			}
			if action == "golangci/golangci-lint-action" && w.tree != nil {
				dir := path.Clean(with.Get("working-directory").Text())
				newFollower(w.p, w.tree, w.file, "uses: "+uses.Text(), uses.Line).golangciSecurity(dir, strings.Fields(with.Get("args").Text()))
			}
		}
		switch action {
		case "actions/checkout":
			w.checkPRCheckout(with)
			w.checkRunHeadCheckout(with, job)
		case "actions/github-script":
			if script := with.Get("script"); script.Text() != "" {
				w.checkInjection(script, "github-script")
			}
		default:
			// Actions that run a command given as input: retry, xvfb …
			for _, key := range []string{"run", "command"} {
				if cmd := with.Get(key); cmd.Text() != "" && !off {
					w.commands(cmd, "")
				}
			}
		}
	}
	if run := step.Get("run"); run.Text() != "" {
		if !off {
			dir, _, ok := stepDir(step, job, w.root)
			if !ok || checksOutElsewhere(job) {
				dir = ""
			}
			w.commands(run, dir)
		}
		w.checkInjection(run, "run")
		w.checkRunCheckout(run)
		w.checkRunHeadCheckoutScript(run, job)
	}
}

// localAction reads a composite action of the repository that a step
// uses (./.github/actions/setup): its steps run in the job, so their pins,
// scripts and stages are the workflow's, found at their lines in the
// action's file. Each action is read once, at its first use.
func (w *workflow) localAction(uses, job *yamlpos.Node) {
	dir := path.Clean(strings.TrimPrefix(strings.TrimSpace(uses.Value), "./"))
	if w.tree == nil || w.p.actions[dir] || dir == ".." || strings.HasPrefix(dir, "../") {
		return
	}
	if w.p.actions == nil {
		w.p.actions = map[string]bool{}
	}
	w.p.actions[dir] = true
	for _, name := range []string{"action.yml", "action.yaml"} {
		file := path.Join(dir, name)
		data, err := w.tree.ReadFile(file)
		if err != nil {
			continue
		}
		docs, err := yamlpos.Parse(data)
		if err != nil {
			w.p.parseError(file, err)
			return
		}
		if len(docs) == 0 || docs[0].Get("runs").Get("using").Text() != "composite" {
			return // a JavaScript or Docker action runs its own code
		}
		w.p.Files = append(w.p.Files, file)
		w.p.Actions = append(w.p.Actions, Source{Path: file, Data: data})
		a := &workflow{p: w.p, file: file, lines: splitSource(data), tree: w.tree, root: w.root, prTarget: w.prTarget, workflowRun: w.workflowRun}
		for _, step := range docs[0].Get("runs").Get("steps").List() {
			if step.Kind != yamlpos.Map {
				continue
			}
			off := disabled(step.Get("if"))
			a.step(step, job, off)
			if run := step.Get("run"); run.Text() != "" && !off {
				if d, at, ok := stepDir(step, nil, nil); ok {
					a.checkScripts(run, d, at)
				}
			}
		}
		return
	}
}

// workflowRunHeadRE names the code of the run that triggered a
// workflow_run workflow.
var workflowRunHeadRE = regexp.MustCompile(`(?i)github\.event\.workflow_run\.(?:head_sha|head_branch|head_commit|head_repository)`)

// checkRunHeadCheckout: actions/checkout of the triggering run's head in a
// workflow_run workflow whose token can write.
func (w *workflow) checkRunHeadCheckout(with, job *yamlpos.Node) {
	if !w.workflowRun {
		return
	}
	for _, key := range []string{"ref", "repository"} {
		if v := with.Get(key); workflowRunHeadRE.MatchString(v.Text()) {
			if why, ok := writes(w.root, job); ok {
				w.p.report(RuleWorkflowRunCheckout, w.file, v.Line, v.Column,
					fmt.Sprintf("checks out the triggering run's code (%s: %s) in a workflow_run workflow, which runs with secrets and %s", key, filerules.Clip(v.Value, 80), why))
			}
			return
		}
	}
}

// checkRunHeadCheckoutScript: the same done by hand in a script.
func (w *workflow) checkRunHeadCheckoutScript(run, job *yamlpos.Node) {
	if !w.workflowRun {
		return
	}
	why, ok := writes(w.root, job)
	if !ok {
		return
	}
	for _, cmd := range shellwords.Commands(run.Value) {
		if fetchesCode(cmd.Values()) && workflowRunHeadRE.MatchString(cmd.Text) {
			line, col := w.lines.locate(run, cmd.Text, 0)
			w.p.report(RuleWorkflowRunCheckout, w.file, line, col,
				fmt.Sprintf("fetches the triggering run's code (%s) in a workflow_run workflow, which runs with secrets and %s", filerules.Clip(cmd.Text, 80), why))
		}
	}
}

// fetchesCode reports whether a git or gh command brings code into the
// job: git fetch/checkout/clone/pull …, gh pr checkout, gh repo clone, or
// a gh api call for an archive or contents. Posting a commit status or
// reading a log names the head without running it.
func fetchesCode(words []string) bool {
	if len(words) < 2 {
		return false
	}
	switch words[0] {
	case "git":
		switch words[1] {
		case "fetch", "checkout", "clone", "pull", "switch", "worktree", "reset", "merge", "rebase", "cherry-pick", "restore":
			return true
		}
	case "gh":
		switch {
		case words[1] == "pr" && len(words) > 2 && words[2] == "checkout",
			words[1] == "repo" && len(words) > 2 && words[2] == "clone":
			return true
		case words[1] == "api":
			return slices.ContainsFunc(words[2:], func(w string) bool { return codeEndpointRE.MatchString(w) })
		}
	}
	return false
}

// codeEndpointRE matches the REST paths that serve a repository's code.
var codeEndpointRE = regexp.MustCompile(`/(?:tarball|zipball|contents|git/blobs|git/trees)(?:/|$)`)

// writes reports whether the token of a job can write, and says how: the
// job's permissions, else the workflow's, else the repository's default,
// which is write on many repositories.
func writes(root, job *yamlpos.Node) (string, bool) {
	perms := job.Get("permissions")
	if perms == nil {
		perms = root.Get("permissions")
	}
	switch {
	case perms == nil:
		return "the repository's default token, which may write (no permissions: block)", true
	case perms.Kind == yamlpos.Scalar:
		return "a write-all token", strings.EqualFold(perms.Value, "write-all")
	case perms.Kind == yamlpos.Map:
		var scopes []string
		for _, p := range perms.Pairs {
			if strings.EqualFold(p.Value.Text(), "write") {
				scopes = append(scopes, p.Key)
			}
		}
		if len(scopes) > 0 {
			return "a token that can write " + strings.Join(scopes, ", "), true
		}
	}
	return "", false
}

// commands records the stages a script run in dir shows ("" when the
// directory is not known). A package script's name counts only when what
// it runs shows no stage: excalidraw's `yarn test:other` runs prettier, a
// lint the follower records, and no test.
func (w *workflow) commands(script *yamlpos.Node, dir string) {
	for _, m := range CommandStages(script.Value) {
		if dir != "" && w.scriptShowsStages(dir, m.Command) {
			continue
		}
		w.p.see(m.Stages, Evidence{w.file, scriptLine(script, m.Line), filerules.Clip(m.Command, 100)})
	}
	// An expression may give the command itself (run: ${{ inputs.race &&
	// 'make test-race' || 'make test' }}): its strings are the commands it
	// may give.
	for _, e := range Expressions(script.Value) {
		line := strings.Count(script.Value[:e.Offset], "\n")
		for _, lit := range e.Values() {
			for _, m := range CommandStages(lit) {
				w.p.see(m.Stages, Evidence{w.file, scriptLine(script, line), filerules.Clip(m.Command, 100)})
			}
		}
	}
}

// actionName is owner/repo[/path] of a uses: value, lower case, without
// the ref.
func actionName(uses string) string {
	name, _, _ := strings.Cut(strings.TrimSpace(uses), "@")
	return strings.ToLower(strings.TrimSuffix(name, "/"))
}

// isCommitSHA reports whether ref is a full 40-hex commit SHA.
func isCommitSHA(ref string) bool {
	if len(ref) != 40 {
		return false
	}
	for _, r := range ref {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F') {
			return false
		}
	}
	return true
}

func (w *workflow) checkPinned(uses *yamlpos.Node) {
	u := strings.TrimSpace(uses.Value)
	if strings.HasPrefix(u, "./") || strings.HasPrefix(u, "docker://") {
		return // code in this repository, or an image
	}
	name, ref, ok := strings.Cut(u, "@")
	switch {
	case !ok || ref == "":
		w.p.report(RuleUnpinnedAction, w.file, uses.Line, uses.Column, fmt.Sprintf("%s names no version: pin it to a full commit SHA", u))
	case !isCommitSHA(ref):
		w.p.report(RuleUnpinnedAction, w.file, uses.Line, uses.Column, fmt.Sprintf("%s is pinned to %q, which can be moved: pin it to a full commit SHA", name, ref))
	}
}

// checkPRCheckout: actions/checkout of the pull request's head in a
// pull_request_target workflow.
func (w *workflow) checkPRCheckout(with *yamlpos.Node) {
	if !w.prTarget {
		return
	}
	for _, key := range []string{"ref", "repository"} {
		if v := with.Get(key); v.Text() != "" && namesPRHead(v.Value) {
			w.p.report(RulePRTargetCheckout, w.file, v.Line, v.Column,
				fmt.Sprintf("checks out the pull request's code (%s: %s) in a pull_request_target workflow, which runs with secrets and a write token", key, filerules.Clip(v.Value, 80)))
			return
		}
	}
}

// checkRunCheckout: the same done by hand in a script.
func (w *workflow) checkRunCheckout(run *yamlpos.Node) {
	if !w.prTarget {
		return
	}
	seen := map[string]int{}
	for _, m := range prCheckoutCommandRE.FindAllString(run.Value, -1) {
		nth := seen[m]
		seen[m]++
		line, col := w.lines.locate(run, m, nth)
		w.p.report(RulePRTargetCheckout, w.file, line, col,
			fmt.Sprintf("fetches the pull request's code (%s) in a pull_request_target workflow, which runs with secrets and a write token", filerules.Clip(m, 80)))
	}
}

// checkInjection reports ${{ }} expressions that expand untrusted input
// into a script.
func (w *workflow) checkInjection(script *yamlpos.Node, kind string) {
	seen := map[string]int{}
	for _, e := range Expressions(script.Value) {
		nth := seen[e.Text]
		seen[e.Text]++
		inputs := UntrustedInputs(e.Text)
		if len(inputs) == 0 {
			continue
		}
		line, col := w.lines.locate(script, e.Text, nth)
		w.p.report(RuleScriptInjection, w.file, line, col,
			fmt.Sprintf("%s is expanded into the %s script: pass it through env: and quote the variable", strings.Join(inputs, ", "), kind))
	}
}

// clusterActions are actions that start a Kubernetes cluster inside the
// job, which ends with it.
var clusterActions = []string{"helm/kind-action", "engineerd/setup-kind", "container-tools/kind-action",
	"absaoss/k3d-action", "nolar/setup-k3d-k3s", "medyagh/setup-minikube", "manusa/actions-setup-minikube"}

// clusterCommand is a command that starts such a cluster.
var clusterCommand = regexp.MustCompile(`\b(?:kind\s+create\s+cluster|k3d\s+cluster\s+create|minikube\s+start|ctlptl\s+create\s+cluster)\b`)

// throwawayCluster is what starts a cluster that lives as long as the job
// (kind, k3d, minikube), and its line; "" when the job starts none.
func throwawayCluster(job *yamlpos.Node) (string, int) {
	for _, step := range job.Get("steps").List() {
		if uses := step.Get("uses"); uses.Text() != "" && slices.Contains(clusterActions, actionName(uses.Text())) {
			return "uses: " + actionName(uses.Text()), uses.Line
		}
		if run := step.Get("run"); run != nil {
			if m := clusterCommand.FindString(run.Text()); m != "" {
				return m, run.Line
			}
		}
	}
	return "", 0
}
