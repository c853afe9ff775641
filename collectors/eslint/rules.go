package eslint

import (
	"github.com/preflight-dev/preflight/collectors/rules"
	"github.com/preflight-dev/preflight/model"
)

// ESLint's own rules keep their ids ("no-unused-vars",
// "@typescript-eslint/no-explicit-any"): they are what people search for and
// what eslint-disable comments name. These are the findings ESLint reports
// without a rule.
var (
	RuleParseError = rules.Rule{
		ID: "eslint/parse-error", Severity: model.Blocker,
		Title:     "ESLint could not parse a file",
		Rationale: "A file that does not parse is not linted at all, and usually does not build either.",
		Fix:       "Fix the syntax error, or configure the parser for the file's language.",
		Reference: "https://eslint.org/docs/latest/use/configure/parser",
	}
	RuleCouldNotRun = rules.Rule{
		ID: "eslint/could-not-run", Severity: model.Blocker,
		Title:     "ESLint could not run",
		Rationale: "A broken configuration (unknown rule, missing plugin, syntax error in the config) stops ESLint before it lints anything; the lint step of CI fails.",
		Fix:       "Run the shown command in the package and fix the configuration error it prints.",
		Reference: "https://eslint.org/docs/latest/use/command-line-interface#exit-codes",
	}
	RuleUndeclared = rules.Rule{
		ID: "eslint/not-a-dependency", Severity: model.High,
		Title:     "ESLint is configured but is not a dependency",
		Rationale: "The package configures ESLint (and a script may run it), but no package.json from the package up to the repository root lists eslint, so installing the dependencies does not install it: linting fails with \"command not found\" on every machine, CI included.",
		Fix:       "Add ESLint to devDependencies (npm i -D eslint), or remove the configuration and script.",
		Reference: "https://eslint.org/docs/latest/use/getting-started",
	}
	RuleUnusedDirective = rules.Rule{
		ID: "eslint/unused-disable-directive", Severity: model.Low,
		Title:     "an eslint-disable comment suppresses nothing",
		Rationale: "A stale suppression would silently hide the next real problem on that line.",
		Fix:       "Remove the comment (eslint --fix does it).",
		Reference: "https://eslint.org/docs/latest/use/configure/rules#report-unused-eslint-disable-comments",
	}
	RuleSuppressed = rules.Rule{
		ID: "eslint/suppressed", Severity: model.Info,
		Title:     "a problem is suppressed with an eslint-disable comment",
		Rationale: "Suppressions are exceptions someone chose; they are listed so they can be reviewed, and do not lower the score.",
		Fix:       "Keep it with a reason (// eslint-disable-next-line rule -- why), or fix the problem and remove the comment.",
		Reference: "https://eslint.org/docs/latest/use/configure/rules#disabling-rules",
	}
	RuleTooManyWarnings = rules.Rule{
		ID: "eslint/too-many-warnings", Severity: model.High,
		Title:     "more warnings than the lint script allows",
		Rationale: "The lint script runs ESLint with --max-warnings: over that many warnings ESLint exits with an error, and the lint step of CI fails as it would on an error.",
		Fix:       "Fix the warnings (they are listed as low findings), or turn the rules that are not worth failing for off.",
		Reference: "https://eslint.org/docs/latest/use/command-line-interface#--max-warnings",
	}
	RuleMessage = rules.Rule{
		ID: "eslint/message", Severity: model.Low,
		Title:     "ESLint reported a problem outside any rule",
		Rationale: "ESLint itself warned about the file (for example that it is ignored).",
		Fix:       "Read the message.",
		Reference: "https://eslint.org/docs/latest/use/command-line-interface",
	}
)

// AllRules lists every rule the family reports, for the rule catalogue.
func AllRules() []rules.Rule {
	return []rules.Rule{RuleParseError, RuleCouldNotRun, RuleUndeclared, RuleUnusedDirective, RuleSuppressed, RuleTooManyWarnings, RuleMessage}
}
