package shard

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/report"
)

func TestParse(t *testing.T) {
	for _, ok := range []struct {
		in   string
		want Spec
	}{{"1/1", Spec{1, 1}}, {"2/3", Spec{2, 3}}, {" 4/4 ", Spec{4, 4}}} {
		got, err := Parse(ok.in)
		if err != nil || got != ok.want {
			t.Errorf("Parse(%q) = %v, %v; want %v", ok.in, got, err, ok.want)
		}
	}
	for _, bad := range []string{"", "x", "1", "0/2", "3/2", "1/0", "-1/2", "a/b", "1/2/3", "1.5/2"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

func TestPlanWithoutDurationsDealsSortedIDs(t *testing.T) {
	got := Plan([]string{"d", "b", "a", "c", "e"}, 2, nil)
	want := map[string]int{"a": 1, "b": 2, "c": 1, "d": 2, "e": 1}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("plan %v, want %v", got, want)
	}
}

func TestPlanBalancesMeasuredDurations(t *testing.T) {
	s := time.Second
	d := map[string]time.Duration{"a": 10 * s, "b": 7 * s, "c": 5 * s, "d": 3 * s, "e": 1 * s}
	// Longest first into the emptier shard: a→1 (10), b→2 (7), c→2 (12),
	// d→1 (13), e→2 (13).
	want := map[string]int{"a": 1, "b": 2, "c": 2, "d": 1, "e": 2}
	for _, order := range [][]string{{"a", "b", "c", "d", "e"}, {"e", "d", "c", "b", "a"}} {
		if got := Plan(order, 2, d); !reflect.DeepEqual(got, want) {
			t.Errorf("plan of %v = %v, want %v", order, got, want)
		}
	}
	// A collector never measured counts as the mean: with c's
	// duration gone, b (7) and the unmeasured c (mean of 10,7,3,1 = 5.25)
	// fall the same way.
	delete(d, "c")
	if got := Plan([]string{"a", "b", "c", "d", "e"}, 2, d); !reflect.DeepEqual(got, want) {
		t.Errorf("plan with c unmeasured = %v, want %v", got, want)
	}
	// Equal durations: by id, into the lower shard on a tie.
	eq := map[string]time.Duration{"x": s, "y": s, "z": s}
	if got := Plan([]string{"z", "y", "x"}, 3, eq); !reflect.DeepEqual(got, map[string]int{"x": 1, "y": 2, "z": 3}) {
		t.Errorf("equal durations: %v", got)
	}
	// More shards than collectors: some shards run nothing.
	if got := Plan([]string{"a"}, 3, nil); !reflect.DeepEqual(got, map[string]int{"a": 1}) {
		t.Errorf("one collector: %v", got)
	}
}

// full is a run of three collectors with findings in two of them.
func full() model.Snapshot {
	when := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	mk := func(id, kind, domain string, sev model.Severity, n int) model.CollectorState {
		r := model.Result{Collector: id, Kind: kind, Domain: domain, Status: model.StatusOK, Command: kind + " .",
			FinishedAt: when, Duration: time.Duration(n+1) * time.Second, Facts: map[string]float64{"n": float64(n)}}
		for i := range n {
			r.Findings = append(r.Findings, model.Finding{Collector: id, Domain: domain, Severity: sev, Rule: "r",
				Message: "m", File: kind + ".txt", Line: i + 1})
		}
		model.AssignIDs(r.Findings)
		return model.CollectorState{Result: r}
	}
	return model.Snapshot{Root: "/repo", GeneratedAt: when, Collectors: []model.CollectorState{
		mk("typescript:web", "typescript", "build", model.Blocker, 2),
		mk("secrets:repo", "secrets", "security", model.High, 1),
		mk("compose:repo", "compose", "deployment", model.Low, 0),
	}}
}

// shards cuts a snapshot as `check --shard` does and reads the shards'
// JSON reports back.
func shards(t *testing.T, s model.Snapshot, n int, commit string) []Input {
	t.Helper()
	var ids []string
	for _, c := range s.Collectors {
		ids = append(ids, c.Collector)
	}
	plan := Plan(ids, n, nil)
	var entries []report.ShardEntry
	for _, id := range ids {
		entries = append(entries, report.ShardEntry{ID: id, Shard: plan[id]})
	}
	var out []Input
	for i := 1; i <= n; i++ {
		part := s
		part.Collectors = nil
		for _, c := range s.Collectors {
			if plan[c.Collector] == i {
				part.Collectors = append(part.Collectors, c)
			}
		}
		part.GeneratedAt = s.GeneratedAt.Add(-time.Duration(i) * time.Minute)
		var b bytes.Buffer
		m := report.Meta{Commit: commit, Version: "v1", Shard: &report.Shard{Index: i, Count: n, Plan: entries}}
		if err := report.Write(&b, "json", part, report.Options{Meta: m}); err != nil {
			t.Fatal(err)
		}
		r, err := report.ReadJSON(b.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, Input{Name: "shard" + string(rune('0'+i)) + ".json", Report: r})
	}
	return out
}

func TestMergeGivesTheFullRunsReport(t *testing.T) {
	s := full()
	in := shards(t, s, 2, "abc")
	// Given in any order.
	in[0], in[1] = in[1], in[0]
	merged, meta, err := Merge(in)
	if err != nil {
		t.Fatal(err)
	}
	var want, got bytes.Buffer
	s.GeneratedAt = s.GeneratedAt.Add(-time.Minute) // the latest shard's
	if err := report.Write(&want, "json", s, report.Options{Meta: report.Meta{Commit: "abc", Version: "v1"}}); err != nil {
		t.Fatal(err)
	}
	if err := report.Write(&got, "json", merged, report.Options{Meta: meta}); err != nil {
		t.Fatal(err)
	}
	if want.String() != got.String() {
		t.Errorf("merged report:\n%s\nwant:\n%s", got.String(), want.String())
	}
	if model.Assess(merged).Verdict != model.NoGo {
		t.Errorf("verdict %s", model.Assess(merged).Verdict)
	}
}

func TestMergeRefusesIncompleteOrMixedShards(t *testing.T) {
	s := full()
	two := shards(t, s, 2, "abc")
	three := shards(t, s, 3, "abc")
	other := shards(t, s, 2, "def")
	plain := two[0]
	plain.Report.Shard = nil
	changed := shards(t, s, 2, "abc")
	changed[1].Report.Shard.Plan = changed[1].Report.Shard.Plan[1:]
	reweighed := shards(t, s, 2, "abc")
	reweighed[1].Report.Policy = &report.Policy{Gate: []string{"build"}}
	for _, tc := range []struct {
		name string
		in   []Input
		want string
	}{
		{"none", nil, "no shard reports"},
		{"missing", two[:1], "shard 2/2 missing"},
		{"duplicate", []Input{two[0], two[0], two[1]}, "shard 1/2 is given twice"},
		{"different counts", []Input{two[0], three[1], three[2]}, "of 2 shards"},
		{"different commits", []Input{two[0], other[1]}, "checked commit def"},
		{"not a shard", []Input{plain, two[1]}, "is not the report of a shard"},
		{"different plans", changed, "split the collectors differently"},
		{"different policies", reweighed, "different preflight.yaml policies"},
	} {
		_, _, err := Merge(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestMergeRefusesACollectorInTheWrongShard(t *testing.T) {
	in := shards(t, full(), 2, "abc")
	// Shard 2 claims shard 1's first collector as well.
	in[1].Report.Collectors = append(in[1].Report.Collectors, in[0].Report.Collectors[0])
	_, _, err := Merge(in)
	if err == nil || !strings.Contains(err.Error(), "which its plan gives to shard 1") {
		t.Errorf("error %v", err)
	}
}

func TestMatrixHasNoMoreShardsThanCollectors(t *testing.T) {
	s := time.Second
	d := map[string]time.Duration{"a": 10 * s, "b": 7 * s, "c": 5 * s, "d": 3 * s, "e": 1 * s}
	got := Matrix([]string{"e", "a", "b", "c", "d"}, 2, d)
	want := []Job{{Shard: "1/2", Collectors: "a d"}, {Shard: "2/2", Collectors: "e b c"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("matrix of 2: %+v, want %+v", got, want)
	}
	// More machines than collectors: one shard each, none idle.
	got = Matrix([]string{"b", "a"}, 8, nil)
	want = []Job{{Shard: "1/2", Collectors: "a"}, {Shard: "2/2", Collectors: "b"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("matrix of 8 for 2 collectors: %+v, want %+v", got, want)
	}
	// Nothing detected: one shard, which says so.
	if got := Matrix(nil, 4, nil); !reflect.DeepEqual(got, []Job{{Shard: "1/1"}}) {
		t.Errorf("matrix without collectors: %+v", got)
	}
}

// The merged run is trusted only when every shard that ran repository
// code was, and says what allowed it only when the shards agree.
func TestMergeKeepsTheWeakestTrust(t *testing.T) {
	at := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	rec, flag := &model.TrustGrant{At: at}, &model.TrustGrant{Flag: true}
	type shardTrust struct {
		state model.TrustState
		grant *model.TrustGrant
	}
	for _, tc := range []struct {
		name      string
		in        [2]shardTrust
		want      model.TrustState
		wantGrant *model.TrustGrant
	}{
		{"both by flag", [2]shardTrust{{model.Trusted, flag}, {model.Trusted, flag}}, model.Trusted, flag},
		{"one ran no repository code", [2]shardTrust{{model.TrustNotAsked, nil}, {model.Trusted, rec}}, model.Trusted, rec},
		{"one untrusted", [2]shardTrust{{model.Trusted, flag}, {model.Untrusted, nil}}, model.Untrusted, nil},
		{"untrusted first", [2]shardTrust{{model.Untrusted, nil}, {model.Trusted, flag}}, model.Untrusted, nil},
		{"different grants", [2]shardTrust{{model.Trusted, flag}, {model.Trusted, rec}}, model.Trusted, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := shards(t, full(), 2, "abc")
			for i := range in {
				st := tc.in[i]
				in[i].Report.Trust = nil
				var b bytes.Buffer
				snap, m, err := in[i].Report.Snapshot()
				if err != nil {
					t.Fatal(err)
				}
				snap.Trust, m.Trust = st.state, st.grant
				if err := report.Write(&b, "json", snap, report.Options{Meta: m}); err != nil {
					t.Fatal(err)
				}
				if in[i].Report, err = report.ReadJSON(b.Bytes()); err != nil {
					t.Fatal(err)
				}
			}
			merged, meta, err := Merge(in)
			if err != nil {
				t.Fatal(err)
			}
			if merged.Trust != tc.want || !reflect.DeepEqual(meta.Trust, tc.wantGrant) {
				t.Errorf("merged trust %v %+v, want %v %+v", merged.Trust, meta.Trust, tc.want, tc.wantGrant)
			}
		})
	}
}
