package ui

import (
	"strings"

	"github.com/preflight-dev/preflight/model"
)

// filter narrows the findings shown. It is a list of terms that must all
// match: a plain word matches the rule, file, message or collector; a
// term with a field matches that field only:
//
//	TS2322            rule:TS2322     file:orders.ts
//	sev:blocker       severity:high   collector:go-test
type filter struct {
	text  string
	terms []term
}

type term struct {
	field string // "" for any field
	value string // lower case
}

var filterFields = map[string]string{
	"rule": "rule", "file": "file", "sev": "severity", "severity": "severity",
	"collector": "collector", "col": "collector", "msg": "message", "message": "message",
}

func parseFilter(text string) filter {
	f := filter{text: strings.TrimSpace(text)}
	for _, w := range strings.Fields(text) {
		t := term{value: strings.ToLower(w)}
		if k, v, ok := strings.Cut(w, ":"); ok && v != "" {
			if field, known := filterFields[strings.ToLower(k)]; known {
				t = term{field: field, value: strings.ToLower(v)}
			}
		}
		f.terms = append(f.terms, t)
	}
	return f
}

func (f filter) empty() bool { return len(f.terms) == 0 }

func (f filter) matches(fd model.Finding) bool {
	for _, t := range f.terms {
		if !t.matches(fd) {
			return false
		}
	}
	return true
}

func (t term) matches(f model.Finding) bool {
	has := func(s string) bool { return strings.Contains(strings.ToLower(s), t.value) }
	switch t.field {
	case "rule":
		return has(f.Rule)
	case "file":
		return has(f.File)
	case "severity":
		return strings.HasPrefix(f.Severity.String(), t.value)
	case "collector":
		return has(f.Collector)
	case "message":
		return has(f.Message)
	}
	return has(f.Rule) || has(f.File) || has(f.Message) || has(f.Collector) || has(f.Location())
}

// textOnly is the part of the filter that applies to checklist items: the
// plain words. A filter on a finding's field (rule:, sev:) hides the
// checklist altogether.
func (f filter) textOnly() filter {
	var out filter
	for _, t := range f.terms {
		if t.field != "" {
			return filter{terms: []term{{field: "none"}}}
		}
		out.terms = append(out.terms, t)
	}
	return out
}

func (f filter) matchesText(s string) bool {
	s = strings.ToLower(s)
	for _, t := range f.terms {
		if t.field != "" || !strings.Contains(s, t.value) {
			return false
		}
	}
	return true
}

// setFilter narrows the findings to f. Folds chosen under another filter
// are forgotten: the path to every new match starts open.
func (m *Model) setFilter(f filter) {
	if f.text != m.view.filter.text {
		m.filterFolds = nil
	}
	m.view.filter = f
}
