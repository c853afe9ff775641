package model

import (
	"cmp"
	"sort"
	"time"
)

// CollectorState is a collector's last result plus what is happening to it
// now. A collector that has never finished has a zero Result with Status
// unknown and Running set.
type CollectorState struct {
	Result
	Running bool `json:"-"`
	// RunStarted is when the run in flight got its slot (zero while it
	// waits for one); Progress is what the tool has reported so far, e.g.
	// "12 passed, 1 failed". Both describe the run in flight only.
	RunStarted time.Time `json:"-"`
	Progress   string    `json:"-"`
	// Change numbers the event (an edit, a rerun) that set the run of this
	// result going: the results of one change share it, a later change
	// has a larger one, and 0 is a result from before this session.
	Change uint64 `json:"-"`
	// Stale means the inputs changed (or the result came from the cache)
	// since this result was produced; it is shown, but is not fresh evidence.
	Stale bool `json:"stale"`
}

// Snapshot is everything known about a repository at one moment. It is a
// value: the engine hands out copies and never mutates one it gave away.
type Snapshot struct {
	Root        string           `json:"root"`
	GeneratedAt time.Time        `json:"generated_at"`
	Generation  uint64           `json:"-"`
	Collectors  []CollectorState `json:"collectors"`
	// Watch and LastTrigger describe the live session for the cockpit header.
	Watch       WatchState `json:"-"`
	LastTrigger string     `json:"-"`
	FromCache   bool       `json:"-"`
	// Trust is whether the repository's own code may run; TrustNotAsked
	// when nothing in this session needs it.
	Trust TrustState `json:"-"`
	// Policy is the repository's scoring configuration; nil: built-in.
	Policy *Policy `json:"-"`
	// Checklist is READINESS.md read against this snapshot's evidence; nil
	// when it was not read (the engine alone never reads it).
	Checklist *Checklist `json:"checklist,omitempty"`
	// Base compares the findings with a base revision or baseline file;
	// nil when nothing was compared.
	Base *BaseComparison `json:"-"`
}

// Acknowledged reports whether f is acknowledged and the acknowledgment
// still holds at the snapshot's time.
func (s Snapshot) Acknowledged(f Finding) bool {
	_, active, _ := s.Checklist.AckFor(f.ID, s.GeneratedAt)
	return active
}

// TrustState is whether the user trusts a repository to run its own code.
type TrustState int

const (
	// TrustNotAsked: no collector of the session executes repository code,
	// or nobody keeps track (tests, tools that embed the engine).
	TrustNotAsked TrustState = iota
	// Untrusted: collectors that execute repository code wait for trust.
	Untrusted
	// Trusted: the user trusted the repository (or passed --trust).
	Trusted
)

// TrustGrant is what let a repository's own code run.
type TrustGrant struct {
	Flag bool      // --trust (or a mode that implies it) was given
	At   time.Time // when the stored trust record was made; zero with Flag
}

// WaitingForTrust lists the collectors held back until the repository is
// trusted, with what each would run.
func (s Snapshot) WaitingForTrust() []CollectorState {
	var out []CollectorState
	for _, c := range s.Collectors {
		if c.Waiting == GateTrust {
			out = append(out, c)
		}
	}
	return out
}

// WatchState is what the file watcher is doing.
type WatchState struct {
	Active  bool
	Dirs    int    // directories watched with inotify
	Polled  int    // directories polled because the watch limit was reached
	Warning string // shown on screen, e.g. how to raise fs.inotify.max_user_watches
}

// Findings returns every finding of every collector, most severe first,
// then by file and line.
func (s Snapshot) Findings() []Finding {
	var out []Finding
	for _, c := range s.Collectors {
		out = append(out, c.Findings...)
	}
	SortFindings(out)
	return out
}

// SortFindings orders findings most severe first, then by location.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		return ComparePlace(a, b) < 0
	})
}

// ComparePlace orders findings by file, line, column and rule: where they
// are, for lists that read top to bottom through a file.
func ComparePlace(a, b Finding) int {
	return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.Column, b.Column), cmp.Compare(a.Rule, b.Rule))
}

// Clone returns a deep copy so the receiver can be handed to another
// goroutine while the original keeps changing.
func (s Snapshot) Clone() Snapshot {
	c := s
	c.Collectors = make([]CollectorState, len(s.Collectors))
	for i, st := range s.Collectors {
		st.Findings = append([]Finding(nil), st.Findings...)
		st.Evidence = append([]Evidence(nil), st.Evidence...)
		if st.Facts != nil {
			facts := make(map[string]float64, len(st.Facts))
			for k, v := range st.Facts {
				facts[k] = v
			}
			st.Facts = facts
		}
		c.Collectors[i] = st
	}
	c.Checklist = s.Checklist.Clone()
	return c
}

// Mark is how one collector stands, in the one cell the cockpit and the
// text report give it; both use Snapshot.Mark, so they cannot disagree.
type Mark string

const (
	MarkClean    Mark = "✓" // ran; nothing blocker or high, or all of it accepted
	MarkBlocking Mark = "✗" // ran; a blocker or high finding not accepted
	MarkFailed   Mark = "!" // could not read what the tool said (error)
	MarkUnknown  Mark = "?" // could not run (its hint says why)
	MarkSkipped  Mark = "–" // disabled or not applicable
)

// Mark is the mark of c in this snapshot: medium and lower findings are
// shown, but do not make a collector ✗, and neither does an accepted one.
func (s Snapshot) Mark(c CollectorState) Mark {
	switch c.Status {
	case StatusOK:
		for _, f := range c.Findings {
			if f.Severity >= High && !s.Acknowledged(f) {
				return MarkBlocking
			}
		}
		return MarkClean
	case StatusError:
		return MarkFailed
	case StatusUnknown:
		return MarkUnknown
	}
	return MarkSkipped
}
