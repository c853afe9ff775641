package custom

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/preflight-dev/preflight/collectors/eslint"
	"github.com/preflight-dev/preflight/collectors/junit"
	"github.com/preflight-dev/preflight/collectors/sarif"
	"github.com/preflight-dev/preflight/model"
)

// readSARIF turns each result of a SARIF log into a finding: rule
// "<tool>:<ruleId>", severity from the log, location resolved against the
// directory the command ran in.
func readSARIF(_ Spec, in Input) (Reading, error) {
	log, err := sarif.Parse(in.Data)
	if err != nil {
		return Reading{}, err
	}
	items, sum := log.Items()
	dir, err := filepath.Rel(in.Root, in.Dir)
	if err != nil {
		dir = "."
	}
	var fs []model.Finding
	for _, it := range items {
		f := model.Finding{Severity: it.Severity, Rule: it.Tool + ":" + it.RuleID, Message: it.Message, Line: it.Line, Column: it.Column}
		if it.URI != "" {
			f.File = sarif.Resolve(in.Root, filepath.ToSlash(dir), it.URI, it.Base)
		}
		fs = append(fs, f)
	}
	return Reading{Findings: fs, Facts: map[string]float64{
		"results": float64(len(items)), "runs": float64(sum.Runs), "suppressed": float64(sum.Suppressed),
	}}, nil
}

// readJUnit turns each failed or errored test case into a finding of the
// spec's severity, placed at the test's file or the first line of the
// repository its failure text points to.
func readJUnit(s Spec, in Input) (Reading, error) {
	rep, err := junit.Parse(in.Data)
	if err != nil {
		return Reading{}, err
	}
	var fs []model.Finding
	for _, fl := range rep.Failures {
		rule, verb := junit.RuleTestFailed.ID, " failed"
		if fl.Errored {
			verb = " errored"
		}
		if fl.Name == "" {
			rule, verb = junit.RuleSuiteFailed.ID, " could not run"
		}
		msg := fl.Title() + verb
		if fl.Text != "" {
			msg += ": " + fl.Text
		}
		f := model.Finding{Severity: s.Severity, Rule: rule, Message: msg}
		f.File, f.Line, f.Column = junitLocation(in, fl)
		fs = append(fs, f)
	}
	if rep.Tests() == 0 && len(fs) == 0 {
		fs = append(fs, model.Finding{Severity: junit.RuleNoTests.Severity, Rule: junit.RuleNoTests.ID,
			Message: "the JUnit report holds no test case"})
	}
	if in.ExitCode != 0 && len(fs) == 0 {
		return Reading{}, fmt.Errorf("exited with %d but its JUnit report records no failure", in.ExitCode)
	}
	return Reading{Findings: fs, Facts: map[string]float64{
		"tests.passed": float64(rep.Passed), "tests.failed": float64(rep.Failed), "tests.skipped": float64(rep.Skipped),
	}}, nil
}

// junitLocation picks the repository file a failure points to: the test
// case's own file, else the first file:line of its text that exists in
// the repository outside node_modules.
func junitLocation(in Input, fl junit.Failure) (string, int, int) {
	exists := func(p string) (string, bool) {
		rel := RepoPath(in.Root, in.Dir, strings.TrimPrefix(p, "file://"))
		if filepath.IsAbs(rel) || strings.HasPrefix(rel, "node_modules/") || strings.Contains(rel, "/node_modules/") {
			return "", false
		}
		st, err := os.Stat(filepath.Join(in.Root, filepath.FromSlash(rel)))
		return rel, err == nil && st.Mode().IsRegular()
	}
	own := ""
	if fl.File != "" {
		own, _ = exists(fl.File)
	}
	for _, ref := range fl.Refs {
		if file, ok := exists(ref.Path); ok && (own == "" || file == own) {
			return file, ref.Line, ref.Column
		}
	}
	return own, fl.Line, 0
}

// readESLint reads `eslint -f json`: its errors, warnings and suppressed
// messages keep the severities the ESLint collector gives them.
func readESLint(_ Spec, in Input) (Reading, error) {
	rep, err := eslint.ParseJSON(in.Data, eslint.Location{Root: in.Root, Dir: in.Dir})
	if err != nil {
		return Reading{}, err
	}
	if in.ExitCode != 0 && rep.Errors == 0 {
		return Reading{}, fmt.Errorf("exited with %d but its report holds no error", in.ExitCode)
	}
	return Reading{Findings: rep.Findings, Facts: map[string]float64{
		"errors": float64(rep.Errors), "warnings": float64(rep.Warnings), "files": float64(rep.Files),
	}}, nil
}
