package rules

import (
	"regexp"
	"strings"

	"github.com/preflight-dev/preflight/model"
)

// RuleSuppressionWithoutReason is reported for a suppression comment that
// does not say why: an unexplained exception is itself a finding.
var RuleSuppressionWithoutReason = Rule{
	ID:        "preflight/suppression-without-reason",
	Severity:  model.Low,
	Title:     "suppression without a reason",
	Rationale: "An exception nobody can explain cannot be reviewed or revisited.",
	Fix:       "Write why after the rule id: # preflight:ignore RULE reason",
}

// Suppression is one `preflight:ignore RULE reason` comment. It applies to
// findings of Rule on its own line and on the next line (a comment above
// the offending line, or at its end).
type Suppression struct {
	Rule   string
	Reason string
	Line   int // 1-based line of the comment
}

// The marker may follow any comment leader (#, //, <!--) and sit at the end
// of a code line.
var suppressionRE = regexp.MustCompile(`preflight:ignore[ \t]+([A-Za-z0-9_./:-]+)[ \t]*(.*)$`)

// ParseSuppressions finds every suppression comment in a file's text.
func ParseSuppressions(text string) []Suppression {
	var out []Suppression
	for i, line := range strings.Split(text, "\n") {
		m := suppressionRE.FindStringSubmatch(strings.TrimRight(line, "\r"))
		if m == nil {
			continue
		}
		reason := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(m[2]), "-->"))
		out = append(out, Suppression{Rule: m[1], Reason: reason, Line: i + 1})
	}
	return out
}

// Apply removes the findings of file that a suppression covers and returns
// what is kept, how many were suppressed, and a low finding for each
// suppression without a reason.
func Apply(file string, findings []model.Finding, sups []Suppression) (kept []model.Finding, suppressed int, extra []model.Finding) {
	covers := func(f model.Finding) bool {
		for _, s := range sups {
			if s.Rule == f.Rule && f.File == file && (f.Line == s.Line || f.Line == s.Line+1) {
				return true
			}
		}
		return false
	}
	for _, f := range findings {
		if covers(f) {
			suppressed++
			continue
		}
		kept = append(kept, f)
	}
	for _, s := range sups {
		if s.Reason == "" {
			extra = append(extra, RuleSuppressionWithoutReason.Finding(file, s.Line, 0,
				"suppression of "+s.Rule+" gives no reason"))
		}
	}
	return kept, suppressed, extra
}
