// Package shard splits the collectors of one check across machines
// (`check --shard I/N`) and puts the shards' JSON reports back together
// into the report of one full run (`merge`).
package shard

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Spec is shard Index of Count, both counted from 1.
type Spec struct{ Index, Count int }

func (s Spec) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// Parse reads "I/N" with 1 ≤ I ≤ N.
func Parse(v string) (Spec, error) {
	i, n, ok := strings.Cut(strings.TrimSpace(v), "/")
	index, err1 := strconv.Atoi(i)
	count, err2 := strconv.Atoi(n)
	if !ok || err1 != nil || err2 != nil {
		return Spec{}, fmt.Errorf("--shard %q: want I/N, e.g. --shard 1/4", v)
	}
	if count < 1 || index < 1 || index > count {
		return Spec{}, fmt.Errorf("--shard %s: want 1 ≤ I ≤ N", v)
	}
	return Spec{Index: index, Count: count}, nil
}

// Plan gives every collector id a shard from 1 to n. It depends only on
// its arguments, so every machine of a sharded run that sees the same
// collectors and the same durations makes the same plan.
//
// Without durations the ids are dealt round-robin in sorted order. With
// them (the last measured duration of each collector, from the cache) the
// longest go first, each into the shard with the least work so far (ties:
// the lower shard; equal durations: by id); a collector without a
// measurement counts as the mean of the measured ones.
func Plan(ids []string, n int, durations map[string]time.Duration) map[string]int {
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	plan := make(map[string]int, len(sorted))
	var sum time.Duration
	known := 0
	for _, id := range sorted {
		if d, ok := durations[id]; ok {
			sum += d
			known++
		}
	}
	if known == 0 {
		for i, id := range sorted {
			plan[id] = i%n + 1
		}
		return plan
	}
	mean := sum / time.Duration(known)
	cost := func(id string) time.Duration {
		if d, ok := durations[id]; ok {
			return d
		}
		return mean
	}
	slices.SortStableFunc(sorted, func(a, b string) int {
		if ca, cb := cost(a), cost(b); ca != cb {
			if ca > cb {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	load := make([]time.Duration, n)
	for _, id := range sorted {
		best := 0
		for i := 1; i < n; i++ {
			if load[i] < load[best] {
				best = i
			}
		}
		load[best] += cost(id)
		plan[id] = best + 1
	}
	return plan
}

// Job is one shard job of a CI matrix: the --shard value it runs and, for
// its name in the CI's list, the collectors the plan gives it.
type Job struct {
	Shard      string `json:"shard"`
	Collectors string `json:"collectors"`
}

// Matrix plans a run for at most n machines: as many shards as there are
// collectors, up to n (one when there is none), each a Job with its
// collectors in ids' order. The shard jobs, given the same collectors and
// durations, run exactly these.
func Matrix(ids []string, n int, durations map[string]time.Duration) []Job {
	count := min(n, len(slices.Compact(slices.Sorted(slices.Values(ids)))))
	count = max(count, 1)
	plan := Plan(ids, count, durations)
	jobs := make([]Job, count)
	names := make([][]string, count)
	for _, id := range ids {
		if i := plan[id] - 1; !slices.Contains(names[i], id) {
			names[i] = append(names[i], id)
		}
	}
	for i := range jobs {
		jobs[i] = Job{Shard: Spec{Index: i + 1, Count: count}.String(), Collectors: strings.Join(names[i], " ")}
	}
	return jobs
}
