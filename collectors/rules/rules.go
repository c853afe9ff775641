// Package rules holds the rule tables of rule-based collectors (Dockerfile,
// compose, Kubernetes, workflows, secrets …) as data, so the cockpit and the
// README can say why a rule exists and how to fix what it found, and the
// inline suppressions they all honour.
package rules

import (
	"fmt"
	"sort"
	"sync"

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
}

var (
	mu       sync.RWMutex
	registry = map[string]Rule{}
)

// Register adds a family's rules; collectors call it from init. A duplicate
// id is a programming error.
func Register(rs ...Rule) {
	mu.Lock()
	defer mu.Unlock()
	for _, r := range rs {
		if _, dup := registry[r.ID]; dup {
			panic(fmt.Sprintf("rules: %s registered twice", r.ID))
		}
		registry[r.ID] = r
	}
}

// Lookup finds a rule by id.
func Lookup(id string) (Rule, bool) {
	mu.RLock()
	defer mu.RUnlock()
	r, ok := registry[id]
	return r, ok
}

// All lists every registered rule sorted by id (for README tables and help).
func All() []Rule {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]Rule, 0, len(registry))
	for _, r := range registry {
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
