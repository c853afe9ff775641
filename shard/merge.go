package shard

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/report"
)

// Input is one shard's JSON report and where it came from (for errors).
type Input struct {
	Name   string
	Report report.Report
}

// Merge puts the reports of every shard of one sharded check together into
// the snapshot of the full run: its collectors in the full run's order,
// each with its findings, facts and evidence. It refuses an incomplete or
// inconsistent set: a report that is not of a shard, a shard missing or
// given twice, shards of different counts, commits, plans or policies.
//
// The checklist is not merged: each shard could only judge the items of
// its own collectors. The caller reads READINESS.md against the merged
// snapshot, as a full run does.
func Merge(in []Input) (model.Snapshot, report.Meta, error) {
	if len(in) == 0 {
		return model.Snapshot{}, report.Meta{}, fmt.Errorf("no shard reports given")
	}
	var first *report.Shard
	byIndex := map[int]Input{}
	for _, r := range in {
		sh := r.Report.Shard
		if sh == nil {
			return model.Snapshot{}, report.Meta{}, fmt.Errorf("%s is not the report of a shard (it has no \"shard\"; write it with check --shard I/N --format json)", r.Name)
		}
		if first == nil {
			first = sh
		}
		ref := in[0]
		switch {
		case sh.Count != first.Count:
			return model.Snapshot{}, report.Meta{}, fmt.Errorf("%s is shard %d/%d, %s is of %d shards", r.Name, sh.Index, sh.Count, ref.Name, first.Count)
		case r.Report.Commit != ref.Report.Commit:
			return model.Snapshot{}, report.Meta{}, fmt.Errorf("%s checked commit %s, %s commit %s", r.Name, orNone(r.Report.Commit), ref.Name, orNone(ref.Report.Commit))
		case !reflect.DeepEqual(sh.Plan, first.Plan):
			return model.Snapshot{}, report.Meta{}, fmt.Errorf("%s and %s split the collectors differently (different collectors detected, or different durations in their caches)", r.Name, ref.Name)
		case !reflect.DeepEqual(r.Report.Policy, ref.Report.Policy):
			return model.Snapshot{}, report.Meta{}, fmt.Errorf("%s and %s were scored with different preflight.yaml policies", r.Name, ref.Name)
		}
		if sh.Index < 1 || sh.Index > sh.Count {
			return model.Snapshot{}, report.Meta{}, fmt.Errorf("%s says it is shard %d/%d", r.Name, sh.Index, sh.Count)
		}
		if prev, dup := byIndex[sh.Index]; dup {
			return model.Snapshot{}, report.Meta{}, fmt.Errorf("shard %d/%d is given twice: %s and %s", sh.Index, sh.Count, prev.Name, r.Name)
		}
		byIndex[sh.Index] = r
	}
	var missing []string
	for i := 1; i <= first.Count; i++ {
		if _, ok := byIndex[i]; !ok {
			missing = append(missing, fmt.Sprintf("%d/%d", i, first.Count))
		}
	}
	if len(missing) > 0 {
		return model.Snapshot{}, report.Meta{}, fmt.Errorf("shard %s missing: a merge needs the reports of all %d shards", strings.Join(missing, ", "), first.Count)
	}

	owner := map[string]int{}
	for _, e := range first.Plan {
		if _, dup := owner[e.ID]; dup || e.Shard < 1 || e.Shard > first.Count {
			return model.Snapshot{}, report.Meta{}, fmt.Errorf("%s: the shard plan is damaged at collector %s", in[0].Name, e.ID)
		}
		owner[e.ID] = e.Shard
	}

	states := map[string]model.CollectorState{}
	var out model.Snapshot
	var meta report.Meta
	for i := 1; i <= first.Count; i++ {
		r := byIndex[i]
		snap, m, err := r.Report.Snapshot()
		if err != nil {
			return model.Snapshot{}, report.Meta{}, fmt.Errorf("%s: %v", r.Name, err)
		}
		if i == 1 {
			out.Root, out.Policy = snap.Root, snap.Policy
			meta = report.Meta{Commit: m.Commit, Version: m.Version}
		}
		// One shard that could not run the repository's code makes the
		// whole run untrusted; trusted shards say what allowed them only
		// when they agree.
		switch {
		case snap.Trust == model.Untrusted || out.Trust == model.Untrusted:
			out.Trust, meta.Trust = model.Untrusted, nil
		case snap.Trust != model.Trusted:
		case out.Trust != model.Trusted:
			out.Trust, meta.Trust = model.Trusted, m.Trust
		case !reflect.DeepEqual(meta.Trust, m.Trust):
			meta.Trust = nil
		}
		// The full run's moment is when its last result came in.
		if snap.GeneratedAt.After(out.GeneratedAt) {
			out.GeneratedAt = snap.GeneratedAt
		}
		for _, c := range snap.Collectors {
			if o := owner[c.Collector]; o != i {
				return model.Snapshot{}, report.Meta{}, fmt.Errorf("%s (shard %d/%d) has collector %s, which its plan gives to shard %d", r.Name, i, first.Count, c.Collector, o)
			}
			states[c.Collector] = c
		}
	}
	for _, e := range first.Plan {
		c, ok := states[e.ID]
		if !ok {
			return model.Snapshot{}, report.Meta{}, fmt.Errorf("%s (shard %d/%d) lacks collector %s of its plan", byIndex[e.Shard].Name, e.Shard, first.Count, e.ID)
		}
		out.Collectors = append(out.Collectors, c)
	}
	return out, meta, nil
}

func orNone(commit string) string {
	if commit == "" {
		return "(none)"
	}
	return commit
}
