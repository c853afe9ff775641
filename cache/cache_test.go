package cache

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/model"
)

func TestSaveLoadRoundTripMarksEverythingStale(t *testing.T) {
	s := At(t.TempDir())
	when := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	snap := model.Snapshot{Root: "/repo", GeneratedAt: when, Collectors: []model.CollectorState{
		{Result: model.Result{Collector: "typescript:web", Kind: "typescript", Domain: "build", Status: model.StatusOK,
			Command: "tsc --noEmit", ExitCode: 2, FinishedAt: when, Duration: 1500 * time.Millisecond,
			Facts: map[string]float64{"errors": 1}, Output: "web/a.ts(1,1): error TS2322: x",
			Findings: []model.Finding{{ID: "abc", Collector: "typescript:web", Domain: "build", Severity: model.Blocker,
				Rule: "TS2322", Message: "Type 'string' is not assignable\n  to type 'number'.", File: "web/a.ts", Line: 1, Column: 1}},
			Evidence: []model.Evidence{{Fact: "stages.test", File: ".github/workflows/ci.yml", Line: 9, Text: "go test ./..."}}}},
		{Running: true, Result: model.Result{Collector: "go:api", Status: model.StatusUnknown}}, // never finished: not stored
	}}
	if err := s.Save(snap); err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.Load("/repo")
	if err != nil || !ok {
		t.Fatalf("Load: ok=%v err=%v", ok, err)
	}
	if !got.FromCache || len(got.Collectors) != 1 {
		t.Fatalf("got %+v", got)
	}
	c := got.Collectors[0]
	if !c.Stale || c.Duration != 1500*time.Millisecond || c.ExitCode != 2 || c.Facts["errors"] != 1 || c.Output == "" {
		t.Errorf("state not restored: %+v", c)
	}
	if len(c.Findings) != 1 || c.Findings[0] != snap.Collectors[0].Findings[0] {
		t.Errorf("findings not restored: %+v", c.Findings)
	}
	if len(c.Evidence) != 1 || c.Evidence[0] != snap.Collectors[0].Evidence[0] {
		t.Errorf("evidence not restored: %+v", c.Evidence)
	}
	if _, ok, _ := s.Load("/other"); ok {
		t.Error("another repository must not see this cache")
	}
}

func TestCorruptCacheIsReportedNotFatal(t *testing.T) {
	dir := t.TempDir()
	s := At(dir)
	if err := os.WriteFile(s.path("/repo", ""), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, ok, err := s.Load("/repo")
	if ok || err == nil {
		t.Fatalf("corrupt cache: ok=%v err=%v", ok, err)
	}
	// Saving over it repairs it.
	if err := s.Save(model.Snapshot{Root: "/repo"}); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := s.Load("/repo"); !ok || err != nil {
		t.Fatalf("after save: ok=%v err=%v", ok, err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*.tmp")); len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func TestDefaultFollowsXDGCacheHome(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", dir)
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Save(model.Snapshot{Root: "/x"}); err != nil {
		t.Fatal(err)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "preflight", "*.json")); len(m) != 1 {
		t.Fatalf("cache not under XDG_CACHE_HOME: %v", m)
	}
}

func TestBaseResultsAreKeptApartByCommitAndVersion(t *testing.T) {
	s := At(t.TempDir())
	when := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	live := model.Snapshot{Root: "/repo", GeneratedAt: when, Collectors: []model.CollectorState{
		{Result: model.Result{Collector: "go:api", Status: model.StatusOK, FinishedAt: when}}}}
	base := model.Snapshot{Root: "/repo", GeneratedAt: when, Collectors: []model.CollectorState{
		{Result: model.Result{Collector: "typescript:web", Status: model.StatusOK, FinishedAt: when}}}}
	if err := s.Save(live); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveBase(base, "abc123", "1.0"); err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.LoadBase("/repo", "abc123", "1.0")
	if err != nil || !ok || len(got.Collectors) != 1 || got.Collectors[0].Collector != "typescript:web" {
		t.Fatalf("LoadBase = %+v %v %v", got, ok, err)
	}
	if l, ok, _ := s.Load("/repo"); !ok || l.Collectors[0].Collector != "go:api" {
		t.Errorf("the base results replaced the live snapshot: %+v", l)
	}
	for _, k := range [][2]string{{"def456", "1.0"}, {"abc123", "1.1"}} {
		if _, ok, _ := s.LoadBase("/repo", k[0], k[1]); ok {
			t.Errorf("results of base %s by %s must not be reused", k[0], k[1])
		}
	}
}
