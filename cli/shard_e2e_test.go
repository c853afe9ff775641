package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/app"
	"github.com/preflight-dev/preflight/checklist"
	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"
)

// shardFixture copies testdata/shard (a compose file, two Dockerfiles, a
// READINESS.md whose rules read collectors that land in different shards,
// a preflight.yaml policy) into a git repository, and acknowledges its
// blocker, so the verdict depends on READINESS.md as well.
func shardFixture(t *testing.T) string {
	t.Helper()
	fixturetest.RequireTools(t, "git")
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("testdata/shard")); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("GITHUB_STEP_SUMMARY", "")
	_, out, stderr := run(t, false, "check", "--format", "json", dir)
	var rep struct{ Findings []model.Finding }
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v: %s", err, stderr)
	}
	blocker := ""
	for _, f := range rep.Findings {
		if f.Rule == "secrets/default-credential" {
			blocker = f.ID
		}
	}
	if blocker == "" {
		t.Fatalf("the fixture's default credential was not found: %s", out)
	}
	if err := checklist.Acknowledge(filepath.Join(dir, "READINESS.md"), model.Acknowledgment{
		Finding: blocker, By: "ana", Reason: "local development only", Label: "secrets/default-credential docker-compose.yml"}); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"init", "-q"}, {"add", "-A"}, {"commit", "-q", "-m", "fixture"}} {
		fixturetest.Git(t, dir, args...)
	}
	return dir
}

// normalised is a JSON report without what differs between two runs of
// the same tree: when it ran, how long each collector took, and whether a
// result was reused from an earlier run.
func normalised(t *testing.T, file string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	delete(doc, "generated_at")
	for _, c := range doc["collectors"].([]any) {
		delete(c.(map[string]any), "duration_ms")
		delete(c.(map[string]any), "finished_at")
		delete(c.(map[string]any), "cached")
	}
	return doc
}

// TestShardsMergeToTheFullRun: check --shard 1/N … N/N and merge give the
// report and exit code of one full check: the same collectors, findings
// and fingerprints, facts, scores, verdict and checklist — first without a
// cache (round-robin), then with the durations the full run cached.
func TestShardsMergeToTheFullRun(t *testing.T) {
	dir := shardFixture(t)
	out := t.TempDir()
	fullFile := filepath.Join(out, "full.json")
	fullCode, _, stderr := run(t, false, "check", "--format", "json", "--output", fullFile, dir)
	full := normalised(t, fullFile)
	if fullCode != 0 || full["verdict"] != "CONDITIONAL" || full["acknowledged"] != 1.0 {
		t.Fatalf("full run: exit %d verdict %v acknowledged %v; stderr %s", fullCode, full["verdict"], full["acknowledged"], stderr)
	}
	if len(full["collectors"].([]any)) != 4 || len(full["checklist"].([]any)) != 4 {
		t.Fatalf("the fixture should have 4 collectors and 4 checklist items: %v", full)
	}

	cached := os.Getenv("XDG_CACHE_HOME") // holds the full run's durations
	for _, n := range []int{2, 3} {
		if n == 2 {
			t.Setenv("XDG_CACHE_HOME", t.TempDir()) // no durations: round-robin
		} else {
			t.Setenv("XDG_CACHE_HOME", cached)
		}
		summary := filepath.Join(out, fmt.Sprintf("summary-%d.md", n))
		t.Setenv("GITHUB_STEP_SUMMARY", summary)
		var files []string
		for i := 1; i <= n; i++ {
			f := filepath.Join(out, fmt.Sprintf("shard-%d-of-%d.json", i, n))
			code, _, stderr := run(t, false, "check", "--shard", fmt.Sprintf("%d/%d", i, n), "--format", "json", "--output", f, dir)
			if code != 0 && code != 1 {
				t.Fatalf("shard %d/%d: exit %d: %s", i, n, code, stderr)
			}
			files = append(files, f)
		}
		checkShardReport(t, files[0], 1, n)
		if b, err := os.ReadFile(summary); err == nil || !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%d shards wrote the step summary of a part: %q %v", n, b, err)
		}
		merged := filepath.Join(out, fmt.Sprintf("merged-%d.json", n))
		args := append([]string{"merge", "--repo", dir}, files...)
		code, _, stderr := run(t, false, append(args, "--format", "json", "--output", merged)...)
		if code != fullCode {
			t.Errorf("%d shards: merge exit %d, full run %d; stderr %s", n, code, fullCode, stderr)
		}
		if b, _ := os.ReadFile(summary); strings.Count(string(b), "# Readiness report: ") != 1 {
			t.Errorf("%d shards: the merge's step summary:\n%s", n, b)
		}
		if got := normalised(t, merged); !reflect.DeepEqual(got, full) {
			a, _ := json.MarshalIndent(full, "", " ")
			b, _ := json.MarshalIndent(got, "", " ")
			t.Errorf("%d shards: merged report differs from the full run's:\n%s", n, fixturetest.LineDiff(string(a), string(b)))
		}
	}
}

// checkShardReport: a shard's report names its shard, holds its own
// collectors only, lists every collector in its plan, and leaves the
// checklist's items to merge.
func checkShardReport(t *testing.T, file string, index, count int) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Collectors []struct{ ID string }
		Checklist  []any
		Shard      *struct {
			Index, Count int
			Plan         []struct {
				ID    string
				Shard int
			}
		}
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Shard == nil || rep.Shard.Index != index || rep.Shard.Count != count || len(rep.Shard.Plan) != 4 {
		t.Fatalf("shard %d/%d: shard = %+v", index, count, rep.Shard)
	}
	var mine []string
	for _, e := range rep.Shard.Plan {
		if e.Shard == index {
			mine = append(mine, e.ID)
		}
	}
	var got []string
	for _, c := range rep.Collectors {
		got = append(got, c.ID)
	}
	if len(mine) == 0 || len(mine) == 4 || !reflect.DeepEqual(got, mine) {
		t.Errorf("shard %d/%d ran %v; its plan gives it %v", index, count, got, mine)
	}
	if len(rep.Checklist) != 0 {
		t.Errorf("shard %d/%d judged checklist items: %v", index, count, rep.Checklist)
	}
}

func TestMergeUsageErrors(t *testing.T) {
	dir := shardFixture(t)
	out := t.TempDir()
	var files []string
	for i := 1; i <= 2; i++ {
		f := filepath.Join(out, fmt.Sprintf("s%d.json", i))
		run(t, false, "check", "--shard", fmt.Sprintf("%d/2", i), "--format", "json", "--output", f, dir)
		files = append(files, f)
	}
	bad := filepath.Join(out, "bad.json")
	if err := os.WriteFile(bad, []byte("{\n  \"schema\": \"preflight.report/v1\",\n  \"root\" 1\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	full := filepath.Join(out, "full.json")
	run(t, false, "check", "--format", "json", "--output", full, dir)
	elsewhere := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"merge"}, "merge needs the JSON reports of every shard"},
		{[]string{"merge", files[0]}, "shard 2/2 missing"},
		{[]string{"merge", files[0], files[0], files[1]}, "shard 1/2 is given twice"},
		{[]string{"merge", files[0], bad}, bad + ":3:10: invalid character"},
		{[]string{"merge", files[0], full}, full + " is not the report of a shard"},
		{[]string{"merge", files[0], filepath.Join(out, "missing.json")}, "cannot read"},
		{[]string{"merge", "--repo", elsewhere, files[0], files[1]}, "run merge in a checkout of"},
		{[]string{"merge", "--fail-on", "sometimes", files[0], files[1]}, `unknown --fail-on "sometimes"`},
		{[]string{"check", "--shard", "0/2", dir}, "--shard 0/2: want 1 ≤ I ≤ N"},
		{[]string{"check", "--shard", "3/2", dir}, "--shard 3/2: want 1 ≤ I ≤ N"},
		{[]string{"check", "--shard", "x", dir}, `--shard "x": want I/N`},
		{[]string{"merg"}, "did you mean 'preflight merge'?"},
	} {
		code, _, stderr := run(t, false, tc.args...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, stderr, exitUsage, tc.want)
		}
	}
}

// Shards that keep their caches in --cache-dir (persisted by the CI's cache
// action) find the merged run's durations there: merge --cache-dir writes
// them where the next plan reads them, not in the user's cache.
func TestMergeKeepsDurationsInTheShardsCacheDir(t *testing.T) {
	dir := shardFixture(t)
	out, cacheDir := t.TempDir(), t.TempDir()
	userCache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", userCache)
	durations := func(opts ...app.Option) map[string]time.Duration {
		t.Helper()
		s, err := app.Open(dir, collectors.OneShot, io.Discard, opts...)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		return s.CachedDurations()
	}
	var files []string
	for i := 1; i <= 2; i++ {
		f := filepath.Join(out, fmt.Sprintf("s%d.json", i))
		if code, _, stderr := run(t, false, "check", "--cache-dir", cacheDir, "--shard", fmt.Sprintf("%d/2", i), "--format", "json", "--output", f, dir); code > 1 {
			t.Fatalf("shard %d: exit %d %s", i, code, stderr)
		}
		files = append(files, f)
	}
	if d := durations(app.WithCacheDir(cacheDir)); d != nil {
		t.Fatalf("a shard wrote durations: %v", d)
	}
	args := append([]string{"merge", "--repo", dir, "--cache-dir", cacheDir, "--format", "json", "--output", filepath.Join(out, "m.json")}, files...)
	if code, _, stderr := run(t, false, args...); code > 1 {
		t.Fatalf("merge: exit %d %s", code, stderr)
	}
	if d := durations(app.WithCacheDir(cacheDir)); len(d) != 4 {
		t.Errorf("durations in --cache-dir after merge: %v, want the 4 collectors", d)
	}
	if d := durations(); d != nil {
		t.Errorf("merge --cache-dir wrote the user's cache too: %v", d)
	}
}

// preflight plan is the matrix of the shard jobs: no more shards than
// collectors, and each job's collectors are exactly those its
// `check --shard` runs.
func TestPlanIsTheMatrixTheShardsRun(t *testing.T) {
	dir := shardFixture(t)
	out := t.TempDir()
	code, stdout, stderr := run(t, false, "plan", "--shards", "8", dir)
	if code != 0 || strings.Count(stdout, "\n") != 1 {
		t.Fatalf("plan: exit %d, want one line of JSON:\n%s%s", code, stdout, stderr)
	}
	var matrix struct {
		Include []struct{ Shard, Collectors string }
	}
	if err := json.Unmarshal([]byte(stdout), &matrix); err != nil {
		t.Fatalf("%v: %s", err, stdout)
	}
	if len(matrix.Include) != 4 {
		t.Fatalf("8 machines for 4 collectors: %+v, want 4 shards", matrix.Include)
	}
	seen := map[string]bool{}
	for i, job := range matrix.Include {
		if want := fmt.Sprintf("%d/4", i+1); job.Shard != want {
			t.Errorf("job %d runs --shard %s, want %s", i, job.Shard, want)
		}
		f := filepath.Join(out, fmt.Sprintf("s%d.json", i))
		if code, _, stderr := run(t, false, "check", "--shard", job.Shard, "--format", "json", "--output", f, dir); code > 1 {
			t.Fatalf("shard %s: exit %d %s", job.Shard, code, stderr)
		}
		var rep struct{ Collectors []struct{ ID string } }
		b, _ := os.ReadFile(f)
		if err := json.Unmarshal(b, &rep); err != nil {
			t.Fatal(err)
		}
		var ran []string
		for _, c := range rep.Collectors {
			ran = append(ran, c.ID)
			seen[c.ID] = true
		}
		if got := strings.Join(ran, " "); got != job.Collectors || got == "" {
			t.Errorf("shard %s ran %q; the plan said %q", job.Shard, got, job.Collectors)
		}
	}
	if len(seen) != 4 {
		t.Errorf("the shards ran %v, want all 4 collectors", seen)
	}
	if code, _, stderr := run(t, false, "plan", dir); code != exitUsage || !strings.Contains(stderr, "plan needs --shards N") {
		t.Errorf("plan without --shards: exit %d %s", code, stderr)
	}
}
