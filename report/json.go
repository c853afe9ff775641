// Package report renders a snapshot for machines (JSON) and for people
// (text). Both read the same model.Assessment the cockpit shows.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/preflight-dev/preflight/internal/textsafe"
	"github.com/preflight-dev/preflight/model"
)

// Schema names the JSON layout; it changes only with a new version suffix.
const Schema = "preflight.report/v1"

// Report is the JSON document of `preflight check --format json` and of
// each line of `preflight watch --format jsonl`.
type Report struct {
	Schema      string        `json:"schema"`
	Root        string        `json:"root"`
	GeneratedAt time.Time     `json:"generated_at"`
	Verdict     model.Verdict `json:"verdict"`
	Score       *float64      `json:"score"`
	Coverage    float64       `json:"coverage"`
	Reasons     []string      `json:"reasons"`
	Domains     []Domain      `json:"domains"`
	Collectors  []Collector   `json:"collectors"`
	Findings    []Finding     `json:"findings"`

	// Added within v1.
	Commit           string                   `json:"commit,omitempty"`            // git HEAD of the checked tree
	PreflightVersion string                   `json:"preflight_version,omitempty"` // the preflight that ran
	Acknowledged     int                      `json:"acknowledged"`                // findings left out of the verdict by an acknowledgment
	Checklist        []model.ChecklistItem    `json:"checklist"`                   // READINESS.md items with their states; [] when none
	ChecklistFile    string                   `json:"checklist_file,omitempty"`
	ChecklistIssues  []model.ChecklistProblem `json:"checklist_problems,omitempty"`
	// WatchState is what the file watcher does, in `watch` reports only.
	WatchState *WatchState `json:"watch_state,omitempty"`
	// Base and Fixed are there when the run was compared with a base
	// revision (--base) or the baseline file (--baseline).
	Base  *Base      `json:"base,omitempty"`
	Fixed *[]Finding `json:"fixed,omitempty"`
	// Acknowledgments are every acknowledgment READINESS.md holds, the
	// expired ones too: with them a report can be scored again (ReadJSON).
	Acknowledgments []model.Acknowledgment `json:"acknowledgments,omitempty"`
	// Policy is the scoring configuration of preflight.yaml; absent: the
	// built-in one.
	Policy *Policy `json:"policy,omitempty"`
	// Shard says which part of the collectors this report covers, in the
	// report of `check --shard I/N` only.
	Shard *Shard `json:"shard,omitempty"`
	// Trust says whether the repository's own code could run and what
	// allowed it; absent when no collector runs repository code.
	Trust *Trust `json:"trust,omitempty"`
}

// Policy is model.Policy as the JSON report carries it.
type Policy struct {
	Domains map[string]PolicyDomain `json:"domains,omitempty"`
	Gate    []string                `json:"gate,omitempty"`
}

// PolicyDomain renames or reweighs one domain.
type PolicyDomain struct {
	Name   string   `json:"name,omitempty"`
	Weight *float64 `json:"weight,omitempty"`
}

// Shard is the part of a sharded check one report covers: shard Index of
// Count, and the plan of the whole run, so that the reports of all shards
// can be checked for completeness and merged in the order of a full run.
type Shard struct {
	Index int `json:"index"`
	Count int `json:"count"`
	// Plan lists every collector of the full run, in the full run's order,
	// with the shard that runs it.
	Plan []ShardEntry `json:"plan"`
}

// summary says what part of the run a shard's report covers.
func (s *Shard) summary() string {
	mine := 0
	for _, e := range s.Plan {
		if e.Shard == s.Index {
			mine++
		}
	}
	return fmt.Sprintf("shard %d/%d: %d of %d collectors; READINESS.md items are judged by preflight merge", s.Index, s.Count, mine, len(s.Plan))
}

// ShardEntry is one collector of a sharded run and its shard.
type ShardEntry struct {
	ID    string `json:"id"`
	Shard int    `json:"shard"`
}

// Base says what the findings were compared with and what the change adds.
type Base struct {
	Rev    string `json:"rev"`
	Commit string `json:"commit,omitempty"`
	New    int    `json:"new"`
	Fixed  int    `json:"fixed"`
	// Verdict and Reasons judge only what the change adds: new findings,
	// and collectors that lost their evidence with it. --fail-on uses
	// them unless --fail-on-all.
	Verdict model.Verdict `json:"verdict"`
	Reasons []string      `json:"reasons"`
	// NewlyUnmeasured had evidence at the base and have none now;
	// Unmeasured had none at the base, so their findings all count as new.
	NewlyUnmeasured []string `json:"newly_unmeasured,omitempty"`
	Unmeasured      []string `json:"unmeasured_at_base,omitempty"`
}

// Finding is a finding with, when someone accepted it for now, the
// acknowledgment that holds.
type Finding struct {
	model.Finding
	Acknowledged *model.Acknowledgment `json:"acknowledged,omitempty"`
	// FileEncoding is "percent" when File had to be encoded to be carried
	// in JSON (a name that is not UTF-8 or holds control characters): every
	// such byte, and '%', is %XX.
	FileEncoding string `json:"file_encoding,omitempty"`
	// BaselineState is "new" or "unchanged" when the run was compared with
	// a base.
	BaselineState string `json:"baseline_state,omitempty"`
}

// Domain is one domain's score, counts and the deductions that explain it.
type Domain struct {
	ID         string            `json:"id"`
	Name       string            `json:"name"`
	Score      *float64          `json:"score"`
	Counts     map[string]int    `json:"counts"`
	Deductions []model.Deduction `json:"deductions"`
	Collectors int               `json:"collectors"`
	Evidence   int               `json:"evidence"`
	// Added within v1.
	Acknowledged int `json:"acknowledged"`
	// Measured collectors have a scored result (stale ones included);
	// Provisional: fewer than half of the domain's collectors are measured.
	Measured    int  `json:"measured"`
	Provisional bool `json:"provisional"`
}

// WatchState says how `preflight watch` follows the tree: directories
// watched with inotify, directories polled because the watch limit was
// reached, and the warning shown for it.
type WatchState struct {
	Watching bool   `json:"watching"`
	Dirs     int    `json:"dirs"`
	Polled   int    `json:"polled"`
	Warning  string `json:"warning,omitempty"`
}

// Collector is the evidence of one collector run.
type Collector struct {
	ID         string             `json:"id"`
	Kind       string             `json:"kind"`
	Domain     string             `json:"domain"`
	Status     model.Status       `json:"status"`
	Stale      bool               `json:"stale"`
	DurationMS int64              `json:"duration_ms"`
	Command    string             `json:"command"`
	ExitCode   int                `json:"exit_code"`
	Facts      map[string]float64 `json:"facts"`
	Error      string             `json:"error,omitempty"`
	Hint       string             `json:"hint,omitempty"`
	Trigger    string             `json:"trigger,omitempty"`
	FinishedAt *time.Time         `json:"finished_at"`
	// Added within v1.
	ToolVersion string `json:"tool_version,omitempty"`
	// WaitingFor is "trust" for a collector held back until the user
	// trusts the repository to run its own code.
	WaitingFor model.Gate `json:"waiting_for,omitempty"`
	// Broken: the tool ran and the project stopped it; it scores 0.
	Broken bool `json:"broken,omitempty"`
	// Cached: reused from an earlier run on identical inputs; FinishedAt
	// is when it was measured.
	Cached bool `json:"cached,omitempty"`
	// Evidence is where facts were seen in the repository (the CI job
	// step of each stage).
	Evidence []model.Evidence `json:"evidence,omitempty"`
}

// Build assembles the report of a snapshot.
func Build(s model.Snapshot) Report { return BuildWith(s, Meta{}) }

// BuildWith assembles the report of a snapshot with what the caller knows
// about the run (commit, versions).
func BuildWith(s model.Snapshot, m Meta) Report {
	a := model.Assess(s)
	r := Report{
		Schema: Schema, Root: s.Root, GeneratedAt: s.GeneratedAt.UTC(),
		Verdict: a.Verdict, Score: a.Score, Coverage: a.Coverage,
		Reasons: nonNil(a.Reasons), Findings: []Finding{},
		Commit: m.Commit, PreflightVersion: m.Version, Acknowledged: a.Acknowledged,
		Checklist: []model.ChecklistItem{},
	}
	for _, f := range s.Findings() {
		rf := reportFinding(s, f)
		if s.Base != nil {
			rf.BaselineState = s.Base.State(f)
		}
		r.Findings = append(r.Findings, rf)
	}
	if b := s.Base; b != nil {
		g := model.Assess(b.Gate(s))
		r.Base = &Base{Rev: b.Rev, Commit: b.Commit, New: b.NewCount(s), Fixed: len(b.Fixed),
			Verdict: g.Verdict, Reasons: nonNil(g.Reasons), NewlyUnmeasured: b.NewlyUnmeasured, Unmeasured: b.Unmeasured}
		fixed := []Finding{}
		for _, f := range b.Fixed {
			fixed = append(fixed, reportFinding(s, f))
		}
		r.Fixed = &fixed
	}
	if cl := s.Checklist; cl != nil {
		r.ChecklistFile = cl.File
		r.Checklist = append(r.Checklist, cl.Items...)
		r.ChecklistIssues = cl.Problems
		r.Acknowledgments = cl.Acks
	}
	r.Policy = policyOf(s.Policy)
	r.Shard = m.Shard
	r.Trust = trustOf(s, m)
	for _, d := range a.Domains {
		r.Domains = append(r.Domains, Domain{
			ID: d.ID, Name: d.Name, Score: d.Score, Counts: d.Counts,
			Deductions: nonNilDeductions(d.Deductions), Collectors: d.Collectors, Evidence: d.Evidence,
			Measured: d.Measured, Provisional: d.Provisional,
			Acknowledged: d.Acknowledged,
		})
	}
	if r.Domains == nil {
		r.Domains = []Domain{}
	}
	r.Collectors = []Collector{}
	for _, c := range s.Collectors {
		rc := Collector{
			ID: c.Collector, Kind: c.Kind, Domain: c.Domain, Status: c.Status, Stale: c.Stale,
			DurationMS: c.Duration.Milliseconds(), Command: c.Command, ExitCode: c.ExitCode,
			Facts: c.Facts, Error: c.Error, Hint: c.Hint, Trigger: c.Trigger,
			ToolVersion: m.toolVersion(c.Result), WaitingFor: c.Waiting, Broken: c.Broken, Cached: c.Cached,
			Evidence: c.Evidence,
		}
		if rc.Facts == nil {
			rc.Facts = map[string]float64{}
		}
		if !c.FinishedAt.IsZero() {
			t := c.FinishedAt.UTC()
			rc.FinishedAt = &t
		}
		r.Collectors = append(r.Collectors, rc)
	}
	return r
}

func reportFinding(s model.Snapshot, f model.Finding) Finding {
	rf := Finding{Finding: f}
	if textsafe.PathNeedsEncoding(f.File) {
		rf.File, rf.FileEncoding = textsafe.EncodePath(f.File), "percent"
	}
	if ack, active, _ := s.Checklist.AckFor(f.ID, s.GeneratedAt); active {
		rf.Acknowledged = &ack
	}
	return rf
}

// WriteJSON writes the report indented (check) or on one line with the
// watcher's state (watch).
func WriteJSON(w io.Writer, s model.Snapshot, oneLine bool) error {
	if oneLine {
		return WriteWatchLine(w, s, Meta{})
	}
	return writeJSON(w, s, Meta{})
}

// WriteWatchLine writes the report of s with m on one line, with the file
// watcher's state: one line of `preflight watch`.
func WriteWatchLine(w io.Writer, s model.Snapshot, m Meta) error {
	r := BuildWith(s, m)
	ws := s.Watch
	r.WatchState = &WatchState{Watching: ws.Active || ws.Dirs > 0 || ws.Polled > 0, Dirs: ws.Dirs, Polled: ws.Polled, Warning: ws.Warning}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

func writeJSON(w io.Writer, s model.Snapshot, m Meta) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(BuildWith(s, m))
}

func policyOf(p *model.Policy) *Policy {
	if p == nil {
		return nil
	}
	out := &Policy{Gate: p.Gate}
	for id, d := range p.Domains {
		if out.Domains == nil {
			out.Domains = map[string]PolicyDomain{}
		}
		out.Domains[id] = PolicyDomain{Name: d.Name, Weight: d.Weight}
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilDeductions(d []model.Deduction) []model.Deduction {
	if d == nil {
		return []model.Deduction{}
	}
	return d
}
