package junit

import (
	"github.com/preflight-dev/preflight/collectors/rules"
	"github.com/preflight-dev/preflight/model"
)

var (
	RuleTestFailed = rules.Rule{
		ID: "junit/test-failed", Severity: model.Blocker,
		Title:     "a test in a JUnit report failed",
		Rationale: "The report records a failed or crashed test case; the run that wrote it was red.",
		Fix:       "Fix the code or the test, then rerun the tests that write the report.",
		Reference: "https://github.com/testmoapp/junitxml",
	}
	RuleSuiteFailed = rules.Rule{
		ID: "junit/suite-failed", Severity: model.Blocker,
		Title:     "a test suite in a JUnit report could not run",
		Rationale: "The suite reports errors without a failing test case: usually a file that could not load, so none of its tests ran.",
		Fix:       "Fix the error shown, then rerun the tests that write the report.",
		Reference: "https://github.com/testmoapp/junitxml",
	}
	RuleNoTests = rules.Rule{
		ID: "junit/no-tests", Severity: model.High,
		Title:     "JUnit report with no test case",
		Rationale: "An empty report looks green but proves nothing: the run found no tests or crashed before writing any.",
		Fix:       "Check the test run that writes the report.",
		Reference: "https://github.com/testmoapp/junitxml",
	}
)

// AllRules lists every rule the family reports, for the rule catalogue.
func AllRules() []rules.Rule { return []rules.Rule{RuleTestFailed, RuleSuiteFailed, RuleNoTests} }
