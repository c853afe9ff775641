package shellcheck

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/preflight-dev/preflight/model"
)

// Reading is what one ShellCheck report says.
type Reading struct{ Findings []model.Finding }

// severities map ShellCheck's levels: an error is a script that will not
// do what it says; style is taste.
var severities = map[string]model.Severity{
	"error": model.High, "warning": model.Medium, "info": model.Low, "style": model.Info,
}

// Severity is the severity of a ShellCheck level (error, warning, info,
// style); false for a level ShellCheck does not have.
func Severity(level string) (model.Severity, bool) {
	sev, ok := severities[level]
	return sev, ok
}

// Read parses `shellcheck -f json1` output. Each comment is a finding with
// rule SC<code> at its file:line:col; anything else is an error, never an
// empty report.
func Read(out []byte) (Reading, error) {
	var report struct {
		Comments *[]struct {
			File    string `json:"file"`
			Line    int    `json:"line"`
			Column  int    `json:"column"`
			Level   string `json:"level"`
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"comments"`
	}
	if err := json.Unmarshal(out, &report); err != nil {
		return Reading{}, fmt.Errorf("not ShellCheck's json1 report: %w", err)
	}
	if report.Comments == nil {
		return Reading{}, fmt.Errorf("not ShellCheck's json1 report: no comments list")
	}
	var r Reading
	for _, c := range *report.Comments {
		sev, ok := Severity(c.Level)
		if !ok || c.Code <= 0 || c.File == "" || c.Line < 1 {
			return Reading{}, fmt.Errorf("unexpected comment: level %q, code %d at %s:%d", c.Level, c.Code, c.File, c.Line)
		}
		r.Findings = append(r.Findings, model.Finding{
			Severity: sev, Rule: fmt.Sprintf("SC%d", c.Code), Message: c.Message,
			File: strings.TrimPrefix(c.File, "./"), Line: c.Line, Column: c.Column,
		})
	}
	return r, nil
}
