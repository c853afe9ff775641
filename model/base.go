package model

import "slices"

// Baseline states of a finding compared with a base.
const (
	BaselineNew       = "new"
	BaselineUnchanged = "unchanged"
)

// BaseComparison is what a snapshot's findings are next to those of a base:
// the merge-base of a branch (`check --base main`) or a committed baseline
// file (`check --baseline`). Findings are matched by fingerprint, so lines
// moving around a finding keep it unchanged.
type BaseComparison struct {
	Rev    string `json:"rev"`              // as the user named it: "main", or the baseline file
	Commit string `json:"commit,omitempty"` // the base commit compared with; "" for a baseline file
	// Known are the fingerprints present at the base.
	Known map[string]bool `json:"-"`
	// Fixed are the findings present at the base and gone now, of
	// collectors measured both times (a collector that no longer runs
	// fixed nothing).
	Fixed []Finding `json:"-"`
	// Unmeasured are collectors that had no evidence at the base: their
	// findings now cannot be told apart, and count as new.
	Unmeasured []string `json:"-"`
	// NewlyUnmeasured are collectors that had evidence at the base and
	// have none now: a change that breaks a tool is a change.
	NewlyUnmeasured []string `json:"-"`
	// StillUnmeasured had no evidence at the base and have none now: not
	// the change's doing, so they do not gate it.
	StillUnmeasured []string `json:"-"`
}

// State is "new" or "unchanged" for a finding of the compared snapshot.
func (b *BaseComparison) State(f Finding) string {
	if b != nil && b.Known[f.ID] {
		return BaselineUnchanged
	}
	return BaselineNew
}

// NewCount counts the findings of s the base did not have.
func (b *BaseComparison) NewCount(s Snapshot) int {
	n := 0
	for _, c := range s.Collectors {
		for _, f := range c.Findings {
			if b.State(f) == BaselineNew {
				n++
			}
		}
	}
	return n
}

// Compare sets how now's findings relate to base's. Collectors are matched
// by id; base holds only the collectors that were run at the base (or
// copied there because the change could not affect them).
func Compare(now, base Snapshot, rev, commit string) *BaseComparison {
	b := &BaseComparison{Rev: rev, Commit: commit, Known: map[string]bool{}}
	baseByID := map[string]CollectorState{}
	for _, c := range base.Collectors {
		baseByID[c.Collector] = c
		for _, f := range c.Findings {
			b.Known[f.ID] = true
		}
	}
	nowIDs := map[string]bool{}
	for _, c := range now.Collectors {
		for _, f := range c.Findings {
			nowIDs[f.ID] = true
		}
		bc, atBase := baseByID[c.Collector]
		switch {
		case c.Status == StatusSkipped:
		case atBase && bc.HasEvidence() && !c.HasEvidence():
			b.NewlyUnmeasured = append(b.NewlyUnmeasured, c.Collector)
		case atBase && !bc.HasEvidence() && !c.HasEvidence():
			b.StillUnmeasured = append(b.StillUnmeasured, c.Collector)
		case atBase && !bc.HasEvidence() && len(c.Findings) > 0:
			b.Unmeasured = append(b.Unmeasured, c.Collector)
		}
	}
	for _, c := range now.Collectors {
		bc, atBase := baseByID[c.Collector]
		if !atBase || !bc.HasEvidence() || !c.HasEvidence() {
			continue
		}
		for _, f := range bc.Findings {
			if !nowIDs[f.ID] {
				b.Fixed = append(b.Fixed, f)
			}
		}
	}
	SortFindings(b.Fixed)
	return b
}

// Gate is the snapshot the verdict of a compared run is judged on: only
// the new findings; collectors that had no evidence at the base either are
// left out, so a tool missing before and after does not fail the change,
// while one the change broke still does. The checklist's items are about the repository, not the change, and do not
// gate it; its acknowledgments still do.
func (b *BaseComparison) Gate(s Snapshot) Snapshot {
	g := s.Clone()
	for i := range g.Collectors {
		c := &g.Collectors[i]
		c.Findings = slices.DeleteFunc(slices.Clone(c.Findings), func(f Finding) bool { return b.State(f) == BaselineUnchanged })
		if slices.Contains(b.StillUnmeasured, c.Collector) {
			c.Status = StatusSkipped
		}
	}
	if g.Checklist != nil {
		cl := *g.Checklist
		cl.Items, cl.Problems = nil, nil
		g.Checklist = &cl
	}
	return g
}
