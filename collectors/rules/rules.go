// Package rules holds the rule tables of rule-based collectors (Dockerfile,
// compose, Kubernetes, workflows, secrets …) as data, so the cockpit and the
// README can say why a rule exists and how to fix what it found, and the
// inline suppressions they all honour.
package rules

import (
	"fmt"
	"sort"

	"github.com/preflight-dev/preflight/model"
)

// Rule is one check. IDs are stable, lower-case, prefixed by their family:
// "dockerfile/root-user", "compose/privileged".
type Rule struct {
	ID        string
	Severity  model.Severity
	Title     string // one line: what is wrong
	Rationale string // why it matters
	Fix       string // one line: what to do
	Reference string // where the rule comes from (CIS Docker 4.1, OWASP …)
	// OnValue: a finding stands on the secret value it reports, so that a
	// line shown beside it hides the rest of the line from its column
	// whatever the masker knows of the value.
	OnValue bool
}

// Catalogue is every rule preflight can report, by id: what the cockpit
// and the reports read a rule's rationale and fix from. It is built from
// the families' rule lists and passed to whoever needs it; a nil
// catalogue knows no rule.
type Catalogue struct {
	byID map[string]Rule
}

// NewCatalogue indexes the families' rule lists, and the rule every
// family shares (a suppression without a reason). A duplicate id is a
// programming error.
func NewCatalogue(lists ...[]Rule) *Catalogue {
	c := &Catalogue{byID: map[string]Rule{RuleSuppressionWithoutReason.ID: RuleSuppressionWithoutReason}}
	for _, list := range lists {
		for _, r := range list {
			if _, dup := c.byID[r.ID]; dup {
				panic(fmt.Sprintf("rules: %s listed twice", r.ID))
			}
			c.byID[r.ID] = r
		}
	}
	return c
}

// Lookup finds a rule by id.
func (c *Catalogue) Lookup(id string) (Rule, bool) {
	if c == nil {
		return Rule{}, false
	}
	r, ok := c.byID[id]
	return r, ok
}

// OnValue reports whether a rule's findings stand on a secret value (see
// Rule.OnValue); false for a rule it does not know.
func (c *Catalogue) OnValue(id string) bool {
	r, ok := c.Lookup(id)
	return ok && r.OnValue
}

// All lists every rule sorted by id (for README tables and help).
func (c *Catalogue) All() []Rule {
	if c == nil {
		return nil
	}
	out := make([]Rule, 0, len(c.byID))
	for _, r := range c.byID {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Finding builds a finding of rule r at file:line:col with a message; the
// message defaults to the rule's title.
func (r Rule) Finding(file string, line, col int, message string) model.Finding {
	if message == "" {
		message = r.Title
	}
	return model.Finding{Severity: r.Severity, Rule: r.ID, Message: message, File: file, Line: line, Column: col}
}
