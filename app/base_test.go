package app

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"

	"github.com/preflight-dev/preflight/collectors"
)

// The cockpit compares with the branch a change is judged against: the
// current branch's upstream when it is another branch, else main, master,
// origin/main or origin/master; nothing when none exists.
func TestDefaultBaseIsTheUpstreamElseMainOrMaster(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not on PATH")
	}
	gitIn := func(dir string, args ...string) { t.Helper(); fixturetest.Git(t, dir, args...) }
	ctx := context.Background()
	newRepo := func(branch string) string {
		dir := t.TempDir()
		gitIn(dir, "init", "-q", "-b", branch)
		if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		gitIn(dir, "add", "-A")
		gitIn(dir, "commit", "-q", "-m", "one")
		return dir
	}

	trunk := newRepo("trunk")
	if got := defaultBase(ctx, trunk); got != "" {
		t.Errorf("no main, master or upstream: %q, want none", got)
	}
	if got := defaultBase(ctx, t.TempDir()); got != "" {
		t.Errorf("not a repository: %q, want none", got)
	}

	master := newRepo("master")
	gitIn(master, "checkout", "-q", "-b", "feature")
	if got := defaultBase(ctx, master); got != "master" {
		t.Errorf("a branch of master: %q, want master", got)
	}
	gitIn(master, "branch", "main")
	if got := defaultBase(ctx, master); got != "main" {
		t.Errorf("main and master: %q, want main first", got)
	}

	// A clone: the feature branch tracks origin/develop, which wins; on
	// a branch that tracks its own name upstream, main is the base.
	origin := newRepo("main")
	gitIn(origin, "branch", "develop")
	clone := filepath.Join(t.TempDir(), "clone")
	gitIn(origin, "clone", "-q", origin, clone)
	gitIn(clone, "checkout", "-q", "-b", "feature", "--track", "origin/develop")
	if got := defaultBase(ctx, clone); got != "origin/develop" {
		t.Errorf("tracking origin/develop: %q", got)
	}
	gitIn(clone, "checkout", "-q", "-b", "develop", "--track", "origin/develop")
	if got := defaultBase(ctx, clone); got != "main" {
		t.Errorf("develop tracking origin/develop: %q, want main", got)
	}
}

// --online-ttl sets how long results that depend on the network are
// reused, in the session of now and in that of a base it opens.
func TestOnlineTTLReachesTheResultsCache(t *testing.T) {
	dir := fixturetest.RepoWith(t, "")
	ttlOf := func(opts ...Option) time.Duration {
		t.Helper()
		s, err := Open(dir, collectors.OneShot, io.Discard, append([]Option{WithReuse()}, opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		defer s.engine.Close()
		if s.results == nil {
			t.Fatal("no results cache")
		}
		return s.results.TTL
	}
	if got := ttlOf(); got != 24*time.Hour {
		t.Errorf("default TTL %s, want 24h", got)
	}
	if got := ttlOf(WithOnlineTTL(30 * time.Minute)); got != 30*time.Minute {
		t.Errorf("TTL %s, want 30m", got)
	}
	if got := ttlOf(WithOnlineTTL(-1)); got >= 0 {
		t.Errorf("TTL %s, want none (negative)", got)
	}
	s, err := Open(dir, collectors.OneShot, io.Discard, WithReuse(), WithOnlineTTL(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	defer s.engine.Close()
	if s.onlineTTL != time.Hour {
		t.Errorf("the session keeps %s for its base, want 1h", s.onlineTTL)
	}
}

func TestCacheInsideAndGlobEscape(t *testing.T) {
	root := t.TempDir()
	for _, tc := range []struct{ dir, want string }{
		{"", ""},
		{filepath.Join(root, ".preflight-cache"), ".preflight-cache"},
		{filepath.Join(root, "ci", "cache"), "ci/cache"},
		{root, ""},
		{filepath.Dir(root), ""},
		{filepath.Join(filepath.Dir(root), filepath.Base(root)+"-cache"), ""},
	} {
		if got := cacheInside(root, tc.dir); got != tc.want {
			t.Errorf("cacheInside(%q) = %q, want %q", tc.dir, got, tc.want)
		}
	}
	for in, want := range map[string]string{"cache": "cache", "c[1]/*{x}?": `c\[1\]/\*\{x\}\?`, `a\b`: `a\\b`} {
		if got := collectors.EscapeGlob(in); got != want {
			t.Errorf("EscapeGlob(%q) = %q, want %q", in, got, want)
		}
	}
}

// While the base runs, the cockpit says how far it is, so that a
// comparison that reruns the tests does not look stuck.
func TestBaseProgress(t *testing.T) {
	done := time.Date(2026, 12, 6, 22, 0, 0, 0, time.UTC)
	snap := model.Snapshot{Collectors: []model.CollectorState{
		{Result: model.Result{Collector: "go:.", FinishedAt: done}},
		{Running: true, Result: model.Result{Collector: "go-test:."}},
		{Result: model.Result{Collector: "secrets:."}}, // queued
		{Running: true, Result: model.Result{Collector: "eslint:web"}},
		{Result: model.Result{Collector: "compose:.", FinishedAt: done}}, // not run at the base
	}}
	got := baseProgress("main", snap, []string{"go:.", "go-test:.", "secrets:.", "eslint:web"})
	if want := "comparing with main: 1 of 4 collectors run at the merge-base (go-test:., eslint:web running)"; got != want {
		t.Errorf("progress %q\nwant %q", got, want)
	}
}
