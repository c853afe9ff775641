package jstest

import (
	"github.com/preflight-dev/preflight/collectors/rules"
	"github.com/preflight-dev/preflight/model"
)

// Rule names, prefixed with the runner: "vitest/test-failed".
const (
	ruleTestFailed   = "test-failed"
	ruleSuiteFailed  = "suite-failed"
	ruleRunnerFailed = "runner-failed"
	ruleRunFailed    = "run-failed"
	ruleNoTests      = "no-tests"
	ruleTimeout      = "timeout"
	ruleUndeclared   = "not-a-dependency"
	ruleNeedsService = "needs-service"
	ruleNativeAddon  = "native-addon-not-built"
)

// ruleTable is the same for both runners; only the prefix and the
// reference differ.
var ruleTable = []rules.Rule{
	{
		ID: ruleTestFailed, Severity: model.Blocker,
		Title:     "a test fails",
		Rationale: "A failing test is a known defect, or a test that no longer describes the code; either way CI is red.",
		Fix:       "Fix the code or the test at the failing assertion.",
	},
	{
		ID: ruleSuiteFailed, Severity: model.Blocker,
		Title:     "a test file could not run",
		Rationale: "None of the file's tests ran (an import failed, the file does not compile, a hook threw), so they prove nothing.",
		Fix:       "Fix the error the runner reports for the file.",
	},
	{
		ID: ruleNeedsService, Severity: model.Medium,
		Title:     "something a test needs is not reachable here",
		Rationale: "A hook or the file's setup could not reach what the machine lacks (a database or server that is not running, the Docker daemon, a browser that is not installed), or a test an internet host this machine cannot reach either: those tests say nothing of the code either way; a CI job that starts the service, or has the network, may pass.",
		Fix:       "Start what the file needs (its compose stack, a browser install), or keep the file out of the default test run.",
	},
	{
		ID: ruleNativeAddon, Severity: model.Medium,
		Title:     "a test file stopped before its tests: a native addon it loads is not built for this Node",
		Rationale: "A package the tests load has a compiled addon that is missing or was built for another Node (installed with --ignore-scripts, a node-gyp build that failed, node_modules copied from another Node version): the file's tests did not run, so they say nothing of the code either way. If the package cannot be built for the Node the project runs on, that is the defect to fix.",
		Fix:       "Rebuild it: npm rebuild <package> (node-gyp needs Python and a C++ compiler). If it does not build for this Node, upgrade the package to a version that supports it, or use a pure-JavaScript one (bcryptjs for bcrypt).",
	},
	{
		ID: ruleRunnerFailed, Severity: model.Blocker,
		Title:     "test runner could not run",
		Rationale: "The runner stopped before running any test (configuration error, missing module, syntax error in setup): there are no test results at all, which is not the same as none failing.",
		Fix:       "Run the shown command in the package and fix the error it prints.",
	},
	{
		ID: ruleRunFailed, Severity: model.Blocker,
		Title:     "test run failed without a failing test",
		Rationale: "The runner exited with an error after the tests (unhandled errors, a coverage threshold, leaked handles): CI would fail.",
		Fix:       "Read the runner output shown as evidence and fix the error.",
	},
	{
		ID: ruleNoTests, Severity: model.High,
		Title:     "no tests found",
		Rationale: "The package is set up to be tested but the runner found no test file: a passing run here checks nothing.",
		Fix:       "Add tests, or fix the runner's include patterns so it finds the existing ones.",
	},
	{
		ID: ruleUndeclared, Severity: model.Blocker,
		Title:     "the test script's runner is not a dependency",
		Rationale: "A script runs the runner, but no package.json from the package up to the repository root lists it, and installing the dependencies does not install it: the script fails with \"command not found\" on every machine, CI included.",
		Fix:       "Add the runner to devDependencies (npm i -D <runner>), or change the script.",
	},
	{
		ID: ruleTimeout, Severity: model.Blocker,
		Title:     "test run did not finish in time",
		Rationale: "A run that does not finish (a hanging test, an open handle, a watch mode) gives no results and blocks CI.",
		Fix:       "Find the test that hangs in the partial output; make sure the runner exits (no watch mode, close handles).",
	},
}

var references = map[string]string{
	KindVitest: "https://vitest.dev/guide/cli",
	KindJest:   "https://jestjs.io/docs/cli",
}

// AllRules lists every rule the family reports (the table once per
// runner), for the rule catalogue.
func AllRules() []rules.Rule {
	var out []rules.Rule
	for _, kind := range []string{KindVitest, KindJest} {
		for _, r := range ruleTable {
			out = append(out, rule(kind, r.ID))
		}
	}
	return out
}

// rule returns the rule named in the table as a runner reports it.
func rule(kind, name string) rules.Rule {
	for _, r := range ruleTable {
		if r.ID == name {
			r.ID = kind + "/" + r.ID
			r.Reference = references[kind]
			return r
		}
	}
	return rules.Rule{}
}
