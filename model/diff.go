package model

import "time"

// Delta is how findings changed between two readings of a repository.
type Delta struct {
	Appeared []Finding // in the newer reading only
	Fixed    []Finding // in the older reading only
}

// DiffFindings compares two lists of one collector's findings by
// fingerprint, so a finding that only moved is neither fixed nor new.
func DiffFindings(before, after []Finding) Delta {
	old := make(map[string]bool, len(before))
	for _, f := range before {
		old[f.ID] = true
	}
	now := make(map[string]bool, len(after))
	var d Delta
	for _, f := range after {
		now[f.ID] = true
		if !old[f.ID] {
			d.Appeared = append(d.Appeared, f)
		}
	}
	for _, f := range before {
		if !now[f.ID] {
			d.Fixed = append(d.Fixed, f)
		}
	}
	return d
}

// Diff compares the collectors that produced evidence in both snapshots.
// A collector that could not run in one of them is left out: its findings
// did not go away, nobody looked.
func Diff(prev, next Snapshot) Delta {
	before := make(map[string]CollectorState, len(prev.Collectors))
	for _, c := range prev.Collectors {
		before[c.Collector] = c
	}
	var d Delta
	for _, c := range next.Collectors {
		p, ok := before[c.Collector]
		if !ok || !p.HasEvidence() || !c.HasEvidence() || p.FinishedAt.IsZero() || c.FinishedAt.IsZero() {
			continue
		}
		cd := DiffFindings(p.Findings, c.Findings)
		d.Appeared = append(d.Appeared, cd.Appeared...)
		d.Fixed = append(d.Fixed, cd.Fixed...)
	}
	return d
}

// HistoryPoint is the summary of one completed snapshot, kept over time to
// show whether a repository is getting closer to shipping.
type HistoryPoint struct {
	At       time.Time      `json:"at"`
	Verdict  Verdict        `json:"verdict"`
	Score    *float64       `json:"score"`
	Blockers map[string]int `json:"blockers"` // open blockers by domain id
}

// Total is the number of open blockers in every domain.
func (p HistoryPoint) Total() int {
	n := 0
	for _, v := range p.Blockers {
		n += v
	}
	return n
}

// Summarize makes the history point of a snapshot and its assessment.
// Acknowledged blockers are not open: they are not counted.
func Summarize(s Snapshot, a Assessment) HistoryPoint {
	p := HistoryPoint{At: s.GeneratedAt, Verdict: a.Verdict, Score: a.Score, Blockers: map[string]int{}}
	for _, d := range a.Domains {
		p.Blockers[d.ID] = 0
	}
	for _, c := range s.Collectors {
		for _, f := range c.Findings {
			if f.Severity == Blocker && !s.Acknowledged(f) {
				p.Blockers[f.Domain]++
			}
		}
	}
	return p
}
