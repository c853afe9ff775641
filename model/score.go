package model

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Verdict is the one-word answer to "can this ship?".
type Verdict string

const (
	GO          Verdict = "GO"
	Conditional Verdict = "CONDITIONAL"
	NoGo        Verdict = "NO-GO"
)

// Penalty is how many points one open finding of a severity takes from its
// collector's score of 100. The collector score never goes below 0.
var Penalty = map[Severity]float64{Blocker: 25, High: 10, Medium: 3, Low: 1, Info: 0}

// Deduction explains part of a score: Count findings of Severity in
// Collector took Points off.
type Deduction struct {
	Collector string   `json:"collector"`
	Severity  Severity `json:"severity"`
	Count     int      `json:"count"`
	Points    float64  `json:"points"`
	Note      string   `json:"note,omitempty"`
}

func (d Deduction) String() string {
	s := fmt.Sprintf("%s: %d %s × %g = −%g", d.Collector, d.Count, d.Severity, Penalty[d.Severity], d.Points)
	if d.Note != "" {
		s += " (" + d.Note + ")"
	}
	return s
}

// DomainSummary is one domain's share of an assessment.
type DomainSummary struct {
	ID         string         `json:"id"`
	Name       string         `json:"name"`
	Score      *float64       `json:"score"` // nil: no collector in the domain produced evidence
	Counts     map[string]int `json:"counts"`
	Deductions []Deduction    `json:"deductions"`
	Collectors int            `json:"collectors"`
	Evidence   int            `json:"evidence"` // collectors with fresh ok results
	// Measured is how many collectors have a result that is scored (stale
	// ones included); a domain with fewer than half of its collectors
	// measured is Provisional: its score speaks for a part only.
	Measured    int  `json:"measured"`
	Provisional bool `json:"provisional"`
	// Acknowledged is how many of the counted findings someone accepted:
	// they stay in Counts and in the score, but not in the verdict.
	Acknowledged int `json:"acknowledged"`
}

// Assessment is the scored reading of a snapshot.
type Assessment struct {
	Verdict  Verdict         `json:"verdict"`
	Score    *float64        `json:"score"`
	Coverage float64         `json:"coverage"`
	Reasons  []string        `json:"reasons"`
	Domains  []DomainSummary `json:"domains"`
	// Acknowledged counts findings left out of the verdict by an
	// acknowledgment that still holds.
	Acknowledged int `json:"acknowledged"`
	// Checklist summarises READINESS.md; nil when the snapshot has none.
	Checklist *ChecklistSummary `json:"checklist,omitempty"`
}

// ChecklistSummary counts checklist items by state.
type ChecklistSummary struct {
	Items    int               `json:"items"`
	States   map[ItemState]int `json:"states"`
	Problems int               `json:"problems"`
}

// Unmet is how many items stand in the way of GO without contradicting
// anything: unticked, failing or undecidable.
func (c ChecklistSummary) Unmet() int {
	return c.States[ItemUnchecked] + c.States[ItemFailing] + c.States[ItemUnknown]
}

// CollectorScore is 100 minus the penalties of the collector's findings,
// floored at 0, with the deductions that explain it.
func CollectorScore(c CollectorState) (float64, []Deduction) {
	if c.Broken {
		return 0, []Deduction{{Collector: c.Collector, Severity: Blocker, Count: 1, Points: 100, Note: "the tool could not run on the project"}}
	}
	counts := map[Severity]int{}
	for _, f := range c.Findings {
		counts[f.Severity]++
	}
	score := 100.0
	var ds []Deduction
	for _, sev := range Severities {
		n := counts[sev]
		if n == 0 || Penalty[sev] == 0 {
			continue
		}
		pts := Penalty[sev] * float64(n)
		d := Deduction{Collector: c.Collector, Severity: sev, Count: n, Points: pts}
		if pts > score {
			d.Note = fmt.Sprintf("capped at %g", score)
			d.Points = score
		}
		score -= d.Points
		ds = append(ds, d)
	}
	return score, ds
}

// HasEvidence reports whether a collector's result may be scored: it ran and
// its output was read. Stale results still count for the score (they are the
// last thing measured) but not for coverage.
func (c CollectorState) HasEvidence() bool { return c.Status == StatusOK }

// Assess scores a snapshot. Blockers decide before averages: any open
// blocker is NO-GO whatever the score. Unknown or failed collectors lower
// coverage and make the verdict at best CONDITIONAL; they never add to the
// score. Acknowledged findings still count and still cost points, but no
// longer decide the verdict; once their acknowledgment expires they do
// again. Checklist items that are not met, contradicted ones above all,
// make the verdict at best CONDITIONAL.
func Assess(s Snapshot) Assessment {
	byDomain := map[string]*DomainSummary{}
	var order []string
	domain := func(id string) *DomainSummary {
		if d, ok := byDomain[id]; ok {
			return d
		}
		info := s.Policy.Domain(id)
		d := &DomainSummary{ID: id, Name: info.Name, Counts: map[string]int{}}
		for _, sev := range Severities {
			d.Counts[sev.String()] = 0
		}
		byDomain[id] = d
		order = append(order, id)
		return d
	}
	sums := map[string]float64{}
	scored := map[string]int{}
	var applicable, fresh, blockers, highs, acked, expired int
	var notRun []noEvidence
	var unchecked []string // projects no collector looked at
	for _, c := range s.Collectors {
		if c.Status == StatusSkipped {
			if UncheckedProject(c) && s.Policy.Gates(c.Domain) {
				unchecked = append(unchecked, UncheckedLabel(c))
			}
			continue
		}
		applicable++
		d := domain(c.Domain)
		d.Collectors++
		for _, f := range c.Findings {
			fd := domain(f.Domain)
			fd.Counts[f.Severity.String()]++
			if _, active, found := s.Checklist.AckFor(f.ID, s.GeneratedAt); active {
				fd.Acknowledged++
				acked++
				continue
			} else if found && f.Severity >= High {
				expired++
			}
			if !s.Policy.Gates(f.Domain) {
				continue
			}
			switch f.Severity {
			case Blocker:
				blockers++
			case High:
				highs++
			}
		}
		if !c.HasEvidence() {
			why := string(c.Status)
			if c.Running && c.FinishedAt.IsZero() {
				why = "running"
			}
			if s.Policy.Gates(c.Domain) {
				notRun = append(notRun, noEvidence{c.Collector, c.Kind, why})
			}
			continue
		}
		if !c.Stale {
			fresh++
			d.Evidence++
		}
		d.Measured++
		score, ds := CollectorScore(c)
		sums[c.Domain] += score
		scored[c.Domain]++
		d.Deductions = append(d.Deductions, ds...)
	}

	a := Assessment{Acknowledged: acked}
	var weighted, weights float64
	sort.SliceStable(order, func(i, j int) bool { return domainRank(order[i]) < domainRank(order[j]) })
	for _, id := range order {
		d := byDomain[id]
		d.Provisional = d.Collectors > 0 && d.Measured*2 < d.Collectors
		if n := scored[id]; n > 0 {
			// Rounded for display only: the overall score is the weighted
			// mean of the exact domain scores, as the README's formula says.
			exact := sums[id] / float64(n)
			v := round1(exact)
			d.Score = &v
			w := s.Policy.Domain(id).Weight
			weighted += exact * w
			weights += w
		}
		a.Domains = append(a.Domains, *d)
	}
	if weights > 0 {
		v := round1(weighted / weights)
		a.Score = &v
	}
	if applicable > 0 {
		a.Coverage = round3(float64(fresh) / float64(applicable))
	}

	var contradicted []ChecklistItem
	if cl := s.Checklist; cl != nil {
		sum := &ChecklistSummary{Items: len(cl.Items), States: map[ItemState]int{}, Problems: len(cl.Problems)}
		for _, it := range cl.Items {
			sum.States[it.State]++
			if it.State == ItemContradicted {
				contradicted = append(contradicted, it)
			}
		}
		a.Checklist = sum
	}
	checklistOpen := a.Checklist != nil && (a.Checklist.Unmet() > 0 || len(contradicted) > 0 || a.Checklist.Problems > 0)
	switch {
	case blockers > 0:
		a.Verdict = NoGo
	case highs > 0 || len(notRun) > 0 || len(unchecked) > 0 || fresh == 0 && a.Score == nil || checklistOpen:
		a.Verdict = Conditional
	default:
		a.Verdict = GO
	}
	if blockers > 0 {
		a.Reasons = append(a.Reasons, plural(blockers, "open blocker"))
	}
	if highs > 0 {
		a.Reasons = append(a.Reasons, plural(highs, "open high finding"))
	}
	// A contradicted checklist item is named right after the blockers: a
	// person ticked what the evidence refutes.
	cl := checklistReasons(s.Checklist, a.Checklist, contradicted)
	if len(contradicted) > 0 {
		a.Reasons = append(a.Reasons, cl[0])
		cl = cl[1:]
	}
	if len(notRun) > 0 {
		a.Reasons = append(a.Reasons, "no evidence from "+strings.Join(grouped(notRun), ", "))
	}
	if len(unchecked) > 0 {
		a.Reasons = append(a.Reasons, NotChecked(unchecked))
	}
	if expired > 0 {
		a.Reasons = append(a.Reasons, plural(expired, "acknowledgment")+" expired")
	}
	if applicable == 0 {
		a.Reasons = append(a.Reasons, "nothing to check was detected")
	}
	a.Reasons = append(a.Reasons, cl...)
	return a
}

// checklistReasons says why the checklist holds the verdict back. The
// contradicted items come first and by name: a person ticked what the
// evidence refutes.
func checklistReasons(cl *Checklist, sum *ChecklistSummary, contradicted []ChecklistItem) []string {
	if cl == nil || sum == nil {
		return nil
	}
	var out []string
	if len(contradicted) > 0 {
		var names []string
		for i, it := range contradicted {
			if i == 2 {
				names = append(names, fmt.Sprintf("and %d more", len(contradicted)-i))
				break
			}
			names = append(names, fmt.Sprintf("%q (%s)", it.Text, it.Location()))
		}
		out = append(out, plural(len(contradicted), "contradicted checklist item")+": "+strings.Join(names, ", "))
	}
	if n := sum.Unmet(); n > 0 {
		var parts []string
		for _, st := range []ItemState{ItemFailing, ItemUnknown, ItemUnchecked} {
			if c := sum.States[st]; c > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", c, st))
			}
		}
		out = append(out, plural(n, "unmet checklist item")+" ("+strings.Join(parts, ", ")+")")
	}
	for i, p := range cl.Problems {
		if i == 2 {
			out = append(out, fmt.Sprintf("%d more checklist problems", len(cl.Problems)-i))
			break
		}
		out = append(out, "checklist unreadable: "+p.String())
	}
	return out
}

func domainRank(id string) int {
	for i, d := range Domains {
		if d.ID == id {
			return i
		}
	}
	return len(Domains)
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }
func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

// noEvidence is a collector the verdict has no evidence from, and why.
type noEvidence struct{ id, kind, why string }

// groupAbove is how many collectors of one kind, lacking evidence for one
// reason, are named one by one; more are counted ("90 govulncheck
// collectors (unknown)" of a repository of 90 modules offline).
const groupAbove = 3

// grouped names the collectors without evidence, in order: each by its id,
// or, where more than groupAbove of a kind share a reason, the kind once,
// counted, where its first stood.
func grouped(items []noEvidence) []string {
	type group struct{ kind, why string }
	count := map[group]int{}
	for _, it := range items {
		count[group{it.kind, it.why}]++
	}
	var out []string
	said := map[group]bool{}
	for _, it := range items {
		g := group{it.kind, it.why}
		switch {
		case count[g] <= groupAbove:
			out = append(out, it.id+" ("+it.why+")")
		case !said[g]:
			said[g] = true
			out = append(out, fmt.Sprintf("%d %s collectors (%s)", count[g], it.kind, it.why))
		}
	}
	return out
}
