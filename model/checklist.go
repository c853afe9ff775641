package model

import (
	"strconv"
	"time"
)

// ItemState is how one checklist item stands against the evidence.
type ItemState string

const (
	ItemUnchecked ItemState = "unchecked" // no rule, not ticked
	ItemChecked   ItemState = "checked"   // no rule, ticked by a person: a claim, not evidence
	ItemVerified  ItemState = "verified"  // its rule passes on fresh evidence
	ItemFailing   ItemState = "failing"   // its rule fails and nobody ticked it
	// ItemContradicted is an item ticked by a person while its rule fails:
	// the claim and the evidence disagree.
	ItemContradicted ItemState = "contradicted"
	// ItemUnknown is an item whose rule cannot be decided: the evidence it
	// reads is missing, stale or not readable, or the rule itself errs.
	ItemUnknown ItemState = "unknown"
)

// Met reports whether the item no longer stands in the way of GO: a
// person ticked a manual item, or the evidence verifies a bound one.
func (s ItemState) Met() bool { return s == ItemChecked || s == ItemVerified }

// ChecklistItem is one task-list item of READINESS.md, with what a person
// claims (the tick) and what the evidence says (the rule's outcome).
type ChecklistItem struct {
	File    string `json:"file"` // repo-relative
	Line    int    `json:"line"`
	Section string `json:"section"`          // the heading it sits under
	Domain  string `json:"domain,omitempty"` // the domain the heading maps to; "" when none
	Depth   int    `json:"depth"`            // nesting level, 0 for top-level items
	Text    string `json:"text"`             // the visible text, without hidden comments

	Checked   bool      `json:"checked"`
	CheckedBy string    `json:"checked_by,omitempty"` // from the item's record; "" when ticked by hand
	CheckedAt time.Time `json:"checked_at,omitzero"`

	Rule  string    `json:"rule,omitempty"` // the verify expression; "" for manual items
	State ItemState `json:"state"`
	// Evidence lists what the rule read, e.g. "typescript:backend errors = 3".
	Evidence []string `json:"evidence,omitempty"`
	// Why explains a state other than verified/checked/unchecked, e.g.
	// "typescript:web is unknown: no TypeScript compiler".
	Why string `json:"why,omitempty"`
	// Source is where an imported claim came from ("report.md:312").
	Source string `json:"source,omitempty"`
	// Stale means a collector the rule reads is rerunning: State is the
	// last one known, until its new result arrives.
	Stale bool `json:"-"`
}

// Location is file:line.
func (i ChecklistItem) Location() string { return i.File + ":" + strconv.Itoa(i.Line) }

// Acknowledgment is a finding someone accepted for now. It is keyed by the
// finding's fingerprint, so it follows the finding when lines move.
type Acknowledgment struct {
	Finding string    `json:"finding"` // the finding's fingerprint
	By      string    `json:"by"`
	Reason  string    `json:"reason"`
	On      time.Time `json:"on,omitzero"`
	Until   time.Time `json:"until,omitzero"` // zero: no expiry; otherwise the last day it holds
	Label   string    `json:"label,omitempty"`
	File    string    `json:"file"` // where the acknowledgment is written
	Line    int       `json:"line"`
}

// Active reports whether the acknowledgment still holds at t. Until is a
// day: the acknowledgment holds through the whole of it.
func (a Acknowledgment) Active(t time.Time) bool {
	if a.Until.IsZero() {
		return true
	}
	return t.Before(a.Until.AddDate(0, 0, 1))
}

// ChecklistProblem is something in READINESS.md preflight could not read:
// merge conflict markers, a rule that does not parse, an acknowledgment
// without a reason. The file is never rewritten while it has problems.
type ChecklistProblem struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Message string `json:"message"`
}

func (p ChecklistProblem) String() string {
	return p.File + ":" + strconv.Itoa(p.Line) + ": " + p.Message
}

// Checklist is READINESS.md read against one snapshot.
type Checklist struct {
	File     string             `json:"file"` // repo-relative; "" when the repository has none
	Items    []ChecklistItem    `json:"items"`
	Acks     []Acknowledgment   `json:"acknowledgments"`
	Problems []ChecklistProblem `json:"problems,omitempty"`
}

// Clone copies the checklist so a snapshot copy never shares its slices.
func (c *Checklist) Clone() *Checklist {
	if c == nil {
		return nil
	}
	out := *c
	out.Items = append([]ChecklistItem(nil), c.Items...)
	for i := range out.Items {
		out.Items[i].Evidence = append([]string(nil), c.Items[i].Evidence...)
	}
	out.Acks = append([]Acknowledgment(nil), c.Acks...)
	out.Problems = append([]ChecklistProblem(nil), c.Problems...)
	return &out
}

// AckFor returns the acknowledgment of the finding with fingerprint id, and
// whether it still holds at t. found is false when nobody acknowledged it.
func (c *Checklist) AckFor(id string, t time.Time) (ack Acknowledgment, active, found bool) {
	if c == nil || id == "" {
		return Acknowledgment{}, false, false
	}
	// The last one written wins, as when a person renews an acknowledgment
	// by adding a new line below the expired one.
	for i := len(c.Acks) - 1; i >= 0; i-- {
		if c.Acks[i].Finding == id {
			return c.Acks[i], c.Acks[i].Active(t), true
		}
	}
	return Acknowledgment{}, false, false
}
