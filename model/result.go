package model

import (
	"strconv"
	"time"
)

// Status says whether a collector produced evidence. Only StatusOK results
// count as evidence; everything else lowers coverage and blocks GO.
type Status string

const (
	StatusOK      Status = "ok"
	StatusError   Status = "error"   // the tool ran but its output could not be read, or it crashed
	StatusSkipped Status = "skipped" // disabled or not applicable: not counted at all
	StatusUnknown Status = "unknown" // the tool could not run (missing, timed out, offline)
)

// Finding is one problem a collector found.
type Finding struct {
	ID        string   `json:"id"` // stable fingerprint, see Fingerprint
	Collector string   `json:"collector"`
	Domain    string   `json:"domain"`
	Severity  Severity `json:"severity"`
	Rule      string   `json:"rule"`
	Message   string   `json:"message"`
	File      string   `json:"file"` // repo-relative, forward slashes; "" when the finding has no location
	Line      int      `json:"line"` // 1-based; 0 when unknown
	Column    int      `json:"column"`
}

// Location renders file:line:col with the parts that are known.
func (f Finding) Location() string {
	if f.File == "" {
		return ""
	}
	loc := f.File
	if f.Line > 0 {
		loc += ":" + strconv.Itoa(f.Line)
		if f.Column > 0 {
			loc += ":" + strconv.Itoa(f.Column)
		}
	}
	return loc
}

// Result is what one run of one collector produced, with the evidence that
// backs it: the command, its exit code, timing and an excerpt of its output.
type Result struct {
	Collector  string             `json:"id"`
	Kind       string             `json:"kind"`
	Domain     string             `json:"domain"`
	Status     Status             `json:"status"`
	Command    string             `json:"command"`
	ExitCode   int                `json:"exit_code"`
	StartedAt  time.Time          `json:"started_at"`
	FinishedAt time.Time          `json:"finished_at"`
	Duration   time.Duration      `json:"-"`
	Facts      map[string]float64 `json:"facts"`
	Findings   []Finding          `json:"-"`
	Error      string             `json:"error,omitempty"`
	Hint       string             `json:"hint,omitempty"` // how to get evidence when status is not ok
	Output     string             `json:"-"`              // capped excerpt of the tool's output
	Trigger    string             `json:"trigger,omitempty"`
	// ToolVersion is the version of the tool that ran, where the collector
	// read it (the installed package's own package.json, say).
	ToolVersion string `json:"tool_version,omitempty"`
	// Broken means the tool ran and the project stopped it (a config it
	// refuses, a missing module, a syntax error in setup): measured, and
	// broken, so it scores 0 — never "no evidence".
	Broken bool `json:"broken,omitempty"`
	// ValueFree says the collector built its finding messages without any
	// value it read (the secrets scanner): there is nothing in them to
	// mask, and masking would take their words for values.
	ValueFree bool `json:"value_free,omitempty"`
	// Waiting says what held the collector back before it ran; "" when
	// nothing did.
	Waiting Gate `json:"waiting_for,omitempty"`
	// Cached says this result was measured earlier (at FinishedAt) on
	// inputs whose content, tool and settings are what they are now, and
	// reused instead of running the tool again.
	Cached bool `json:"cached,omitempty"`
	// MachineBound: the result depends on this machine's or checkout's
	// state that no input captures (a service that is not running, a
	// native addon not built, generated code not there yet, the branches a
	// workflow filter names): it is never reused from the results cache.
	MachineBound bool `json:"-"`
	// Evidence says where facts were seen in the repository (the CI job
	// step that is the test stage, say), for facts no tool output backs.
	Evidence []Evidence `json:"evidence,omitempty"`
}

// Evidence is one place in the repository that backs a fact.
type Evidence struct {
	Fact string `json:"fact"` // the fact it backs: "stages.test"
	File string `json:"file"` // repo-relative, "/"
	Line int    `json:"line"`
	Text string `json:"text"` // what is there: the command or action, as written
}

// Location is file:line.
func (e Evidence) Location() string { return e.File + ":" + strconv.Itoa(e.Line) }

// Redact passes every text of r that came from a tool or the repository
// through f (which masks secrets); fingerprints are not touched. Finding
// messages are kept when the collector wrote them without any value.
func (r *Result) Redact(f func(string) string) {
	r.Output, r.Error, r.Hint, r.Command = f(r.Output), f(r.Error), f(r.Hint), f(r.Command)
	if len(r.Evidence) > 0 {
		ev := make([]Evidence, len(r.Evidence))
		for i, e := range r.Evidence {
			e.Text = f(e.Text)
			ev[i] = e
		}
		r.Evidence = ev
	}
	if r.ValueFree {
		return
	}
	for i := range r.Findings {
		r.Findings[i].Message = f(r.Findings[i].Message)
	}
}

// Gate is something a collector waits for before it may run.
type Gate string

// GateTrust: the collector would execute the repository's own code, and
// the user has not trusted the repository yet.
const GateTrust Gate = "trust"

// WaitingForTrust is the result of a collector held back until the user
// trusts the repository; what says what it would run.
func WaitingForTrust(c, kind, domain, what, hint string) Result {
	r := Unknown(c, kind, domain, "waiting for trust: would run "+what, hint)
	r.Waiting = GateTrust
	return r
}

// Unknown builds the result of a collector that could not run.
func Unknown(c, kind, domain, reason, hint string) Result {
	return Result{Collector: c, Kind: kind, Domain: domain, Status: StatusUnknown, Error: reason, Hint: hint, ExitCode: -1}
}
