package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"slices"

	"github.com/preflight-dev/preflight/app"
	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/report"
	"github.com/preflight-dev/preflight/shard"
)

// shardRun is `check --shard I/N`: which collectors this machine runs, and
// the plan of the whole run its report carries for `preflight merge`.
type shardRun struct {
	spec shard.Spec
	plan []report.ShardEntry
	mine map[string]bool
}

// parseShard reads --shard; nil when the check is not sharded.
func parseShard(v string) (*shardRun, error) {
	if v == "" {
		return nil, nil
	}
	spec, err := shard.Parse(v)
	if err != nil {
		return nil, usageError{err.Error()}
	}
	return &shardRun{spec: spec}, nil
}

// pick plans the split and returns this shard's collectors. The plan is
// balanced by the durations in the cache when there is one. A shard never
// writes the cache: every shard of one run must read the same durations,
// on one machine one after the other as on N machines restoring one cache
// (`preflight merge` writes it, with the durations of the full run).
func (sh *shardRun) pick(s *app.Session) []string {
	durations := s.CachedDurations()
	ids := s.IDs()
	plan := shard.Plan(ids, sh.spec.Count, durations)
	sh.mine = map[string]bool{}
	var mine []string
	for _, id := range ids {
		sh.plan = append(sh.plan, report.ShardEntry{ID: id, Shard: plan[id]})
		if plan[id] == sh.spec.Index {
			sh.mine[id] = true
			mine = append(mine, id)
		}
	}
	return mine
}

// cut is the shard's own report: its collectors only, and the checklist's
// acknowledgments and problems without its items. The items are judged by
// `preflight merge` against the evidence of every shard; here most rules
// would read collectors of other shards. So a shard's verdict (and exit
// code) is that of its own collectors.
func (sh *shardRun) cut(snap model.Snapshot, meta report.Meta) (model.Snapshot, report.Meta) {
	snap = snap.Clone()
	snap.Collectors = slices.DeleteFunc(snap.Collectors, func(c model.CollectorState) bool { return !sh.mine[c.Collector] })
	if snap.Checklist != nil {
		snap.Checklist.Items = nil
	}
	meta.Shard = &report.Shard{Index: sh.spec.Index, Count: sh.spec.Count, Plan: sh.plan}
	return snap, meta
}

// runPlan is `preflight plan --shards N`: the matrix of a sharded run for
// a CI's plan job, as one line of JSON (`{"include": [{"shard": "1/3",
// "collectors": "…"}, …]}`). It detects the collectors and reads the
// durations in the cache as every `check --shard` of the run does, and
// runs nothing; it never plans more shards than there are collectors.
func runPlan(args []string, sio IO) int {
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	shards := fs.Int("shards", 0, "")
	cacheDir := fs.String("cache-dir", "", "")
	trusted := trustFlags(fs)
	dir, err := parse(fs, args)
	if err != nil {
		return fail(sio, err)
	}
	if *shards < 1 {
		return fail(sio, usageError{fmt.Sprintf("plan needs --shards N, the most machines to split the collectors across (1 or more; got %d)", *shards)})
	}
	opts := []app.Option{app.WithCacheDir(*cacheDir), app.WithCacheVersion(cacheVersion())}
	if trusted() {
		opts = append(opts, app.WithTrust())
	}
	s, err := app.Open(dir, collectors.OneShot, sio.Err, opts...)
	if err != nil {
		return fail(sio, err)
	}
	defer s.Close()
	b, err := json.Marshal(struct {
		Include []shard.Job `json:"include"`
	}{shard.Matrix(s.IDs(), *shards, s.CachedDurations())})
	if err != nil {
		return fail(sio, err)
	}
	fmt.Fprintf(sio.Out, "%s\n", b)
	return exitOK
}
