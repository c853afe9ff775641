package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/safegit"
	"github.com/preflight-dev/preflight/model"
)

// baseCompare measures what a change adds: the findings of HEAD's merge-base
// with rev, next to now's. Only the collectors whose inputs the change
// touches run at the base, in a temporary worktree of it that is removed
// afterwards; the others had the same inputs there, so their results are
// now's. Results measured at a base commit are cached by commit.
type baseCompare struct {
	s       *Session // the session of now
	rev     string
	trusted bool // the repository's code may run, so the base's may too
	warn    io.Writer
}

// baseCheckouts counts the temporary worktrees made in this process; the
// cache is meant to keep it from growing.
var baseCheckouts atomic.Int64

// BaseCheckouts is how many temporary worktrees of a base this process
// has made.
func BaseCheckouts() int64 { return baseCheckouts.Load() }

// baseError is a --base that cannot be compared with; it says why and what
// to do, and check exits as for a usage error.
type baseError struct{ msg string }

func (e baseError) Error() string { return e.msg }

func (b baseCompare) compare(ctx context.Context, now model.Snapshot) (*model.BaseComparison, error) {
	base, commit, err := b.snapshot(ctx, now)
	if err != nil {
		return nil, err
	}
	return model.Compare(now, base, b.rev, commit), nil
}

// snapshot is the base's side: every collector of now, with the base's
// result for those the change touched and now's for the others.
func (b baseCompare) snapshot(ctx context.Context, now model.Snapshot) (model.Snapshot, string, error) {
	root := b.s.root
	commit, err := gitLine(ctx, root, "merge-base", "HEAD", b.rev)
	if err != nil {
		if _, revErr := gitLine(ctx, root, "rev-parse", "--verify", "--quiet", b.rev+"^{commit}"); revErr != nil {
			return model.Snapshot{}, "", baseError{fmt.Sprintf("--base %s: no such revision in %s (fetch it first: git fetch origin %s)", b.rev, root, b.rev)}
		}
		return model.Snapshot{}, "", baseError{fmt.Sprintf("--base %s: HEAD and %s have no common ancestor here; in a shallow clone fetch more history (actions/checkout: fetch-depth: 0)", b.rev, b.rev)}
	}
	changed, err := changedSince(ctx, root, commit, b.s.cacheRel)
	if err != nil {
		return model.Snapshot{}, "", err
	}
	current := map[string]bool{}
	for _, c := range now.Collectors {
		current[c.Collector] = true
	}
	need := map[string]bool{}
	for _, p := range changed {
		for _, id := range b.s.engine.Affected(p) {
			need[id] = true
		}
	}
	var measured model.Snapshot // what the base tree said, by collector
	cached, haveCache := model.Snapshot{}, false
	if b.s.store != nil {
		cached, haveCache, _ = b.s.store.LoadBase(root, commit, b.s.version)
	}
	missing := func() []string {
		var ids []string
		for id := range need {
			if !hasEvidence(cached, id) {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		return ids
	}
	baseIDs := map[string]bool{}
	if haveCache {
		for _, c := range cached.Collectors {
			baseIDs[c.Collector] = true
		}
	}
	if len(changed) > 0 && (!haveCache || len(missing()) > 0) {
		measured, err = b.measure(ctx, commit, changed, need)
		if err != nil {
			return model.Snapshot{}, "", err
		}
		baseIDs = map[string]bool{}
		for _, c := range measured.Collectors {
			baseIDs[c.Collector] = true
		}
	}
	// A collector only the base has lost its inputs to the change.
	for id := range baseIDs {
		if !current[id] {
			need[id] = true
		}
	}
	base := model.Snapshot{Root: root}
	for _, c := range now.Collectors {
		if !need[c.Collector] {
			base.Collectors = append(base.Collectors, c)
		}
	}
	ids := make([]string, 0, len(need))
	for id := range need {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if c, ok := stateOf(measured, id); ok {
			base.Collectors = append(base.Collectors, c)
		} else if c, ok := stateOf(cached, id); ok && c.HasEvidence() {
			base.Collectors = append(base.Collectors, c)
		}
	}
	if b.s.store != nil && len(measured.Collectors) > 0 {
		keep := measured
		for _, c := range cached.Collectors {
			if _, ok := stateOf(keep, c.Collector); !ok {
				keep.Collectors = append(keep.Collectors, c)
			}
		}
		keep.Root, keep.GeneratedAt = root, time.Now()
		if err := b.s.store.SaveBase(keep, commit, b.s.version); err != nil {
			fmt.Fprintf(b.warn, "preflight: saving the base results: %v\n", err)
		}
	}
	return base, commit, nil
}

// measure runs the collectors of need (and any the base has that now lacks)
// in a temporary worktree of commit, and returns their results.
func (b baseCompare) measure(ctx context.Context, commit string, changed []string, need map[string]bool) (model.Snapshot, error) {
	root := b.s.root
	top, err := gitLine(ctx, root, "rev-parse", "--show-toplevel")
	if err != nil {
		return model.Snapshot{}, fmt.Errorf("--base: %s is not inside a git repository", root)
	}
	prefix, _ := filepath.Rel(top, root)
	tmp, err := os.MkdirTemp("", "preflight-base-")
	if err != nil {
		return model.Snapshot{}, err
	}
	// The worktree has the repository's folder name, so tools that derive
	// a name from their folder (a project's display name) print the same
	// at the base as in the repository, and findings quoting it match.
	tree := filepath.Join(tmp, filepath.Base(top))
	defer func() {
		// Remove the worktree's record first, then whatever is left.
		_ = safegit.Command(context.Background(), root, "worktree", "remove", "--force", tree).Run()
		_ = os.RemoveAll(tmp)
		_ = safegit.Command(context.Background(), root, "worktree", "prune").Run()
	}()
	if _, err := gitLine(ctx, root, "worktree", "add", "--detach", "--quiet", tree, commit); err != nil {
		return model.Snapshot{}, fmt.Errorf("--base: checking out %s in a temporary worktree: %w", short(commit), err)
	}
	baseCheckouts.Add(1)
	baseRoot := filepath.Join(tree, prefix)
	if err := linkDependencies(root, baseRoot); err != nil {
		fmt.Fprintf(b.warn, "preflight: --base: %v\n", err)
	}
	opts := []Option{WithCacheVersion(b.s.version), WithOnlineTTL(b.s.onlineTTL)}
	if b.trusted {
		opts = append(opts, WithTrust())
	}
	if b.s.store != nil {
		opts = append(opts, withCachesOf(b.s.store, root), WithReuse())
	}
	bs, err := Open(baseRoot, collectors.OneShot, b.warn, opts...)
	if err != nil {
		return model.Snapshot{}, fmt.Errorf("--base %s: %w", b.rev, err)
	}
	defer bs.engine.Close()
	current := map[string]bool{}
	for _, id := range b.s.engine.IDs() {
		current[id] = true
	}
	var run []string
	for _, id := range bs.engine.IDs() {
		if need[id] || !current[id] {
			run = append(run, id)
			continue
		}
		// A path that is gone now may still be an input at the base.
		for _, p := range changed {
			if slices.Contains(bs.engine.Affected(p), id) {
				need[id] = true
				run = append(run, id)
				break
			}
		}
	}
	stop := context.AfterFunc(ctx, bs.engine.Close)
	defer stop()
	bs.engine.Run(run, "base "+short(commit))
	done, told := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(told)
		b.tellProgress(bs, run, done)
	}()
	bs.engine.Wait()
	close(done)
	<-told // no progress note may come after the result's

	if ctx.Err() != nil {
		return model.Snapshot{}, ctx.Err()
	}
	snap := bs.engine.Snapshot()
	if bs.results != nil {
		if err := bs.results.Save(); err != nil {
			fmt.Fprintf(b.warn, "preflight: saving the results cache: %v\n", err)
		}
	}
	out := model.Snapshot{Root: root}
	for _, c := range snap.Collectors {
		if slices.Contains(run, c.Collector) {
			out.Collectors = append(out.Collectors, c)
		} else {
			// Known to exist at the base, not run: recorded without a
			// result so the cache knows the base's collectors.
			out.Collectors = append(out.Collectors, model.CollectorState{Result: model.Result{
				Collector: c.Collector, Kind: c.Kind, Domain: c.Domain, Status: model.StatusSkipped, FinishedAt: time.Now()}})
		}
	}
	return out, nil
}

// changedSince lists the repository paths (relative to root) that differ
// between commit and the working tree: committed, staged, unstaged and new
// untracked files, both sides of a rename; not those in the cache
// directory skip (relative to root; "" for none), which no check reads.
func changedSince(ctx context.Context, root, commit, skip string) ([]string, error) {
	diff, err := gitBytes(ctx, root, "diff", "--name-only", "--no-renames", "--relative", "-z", commit, "--", ".")
	if err != nil {
		return nil, fmt.Errorf("--base: listing the changes since %s: %w", short(commit), err)
	}
	untracked, err := gitBytes(ctx, root, "ls-files", "--others", "--exclude-standard", "-z", "--", ".")
	if err != nil {
		return nil, fmt.Errorf("--base: listing new files: %w", err)
	}
	var paths []string
	for _, p := range bytes.Split(append(diff, untracked...), []byte{0}) {
		rel := filepath.ToSlash(string(p))
		if len(rel) > 0 && (skip == "" || rel != skip && !strings.HasPrefix(rel, skip+"/")) {
			paths = append(paths, rel)
		}
	}
	slices.Sort(paths)
	return slices.Compact(paths), nil
}

// linkDependencies makes the installed packages of root visible in the base
// tree: node_modules is never committed, and without it every JavaScript
// tool of the base would be missing. Each node_modules folder of root whose
// parent exists in the base is linked in.
func linkDependencies(root, baseRoot string) error {
	var errs []error
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		switch d.Name() {
		case ".git":
			return filepath.SkipDir
		case "node_modules":
			rel, _ := filepath.Rel(root, p)
			target := filepath.Join(baseRoot, rel)
			if _, err := os.Stat(filepath.Dir(target)); err == nil {
				if _, err := os.Lstat(target); errors.Is(err, fs.ErrNotExist) {
					if err := os.Symlink(p, target); err != nil {
						errs = append(errs, err)
					}
				}
			}
			return filepath.SkipDir
		}
		return nil
	})
	return errors.Join(errs...)
}

func hasEvidence(s model.Snapshot, id string) bool {
	c, ok := stateOf(s, id)
	return ok && c.HasEvidence()
}

func stateOf(s model.Snapshot, id string) (model.CollectorState, bool) {
	for _, c := range s.Collectors {
		if c.Collector == id {
			return c, true
		}
	}
	return model.CollectorState{}, false
}

func short(commit string) string {
	if len(commit) > 12 {
		return commit[:12]
	}
	return commit
}

func gitBytes(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := safegit.Command(ctx, dir, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return nil, fmt.Errorf("git %s: %s", args[0], collectors.FirstLine(msg))
		}
		return nil, err
	}
	return out, nil
}

func gitLine(ctx context.Context, dir string, args ...string) (string, error) {
	out, err := gitBytes(ctx, dir, args...)
	return strings.TrimSpace(string(out)), err
}

// CompareWithBase is what check --base adds to a report: the findings of
// HEAD's merge-base with rev next to now's.
func (s *Session) CompareWithBase(ctx context.Context, now model.Snapshot, rev string) (*model.BaseComparison, error) {
	return baseCompare{s: s, rev: rev, trusted: s.config.repoTrusted(), warn: s.warn}.compare(ctx, now)
}

// compareInBackground compares the cockpit's findings with a base once its
// first run is done: --base, else the upstream branch, main or master.
// Until then, and without any of them, the cockpit shows no comparison.
// latest reports whether this comparison is still the newest one asked for.
func (s *Session) compareInBackground(ctx context.Context, rd *Readiness, latest func() bool) {
	rev := s.base
	if rev == "" {
		if rev = defaultBase(ctx, s.root); rev == "" {
			return
		}
	}
	s.engine.Wait()
	if ctx.Err() != nil {
		return
	}
	s.tell("comparing with " + rev + " …")
	b := baseCompare{s: s, rev: rev, trusted: s.config.repoTrusted(), warn: s.warn}
	base, commit, err := b.snapshot(ctx, s.engine.Snapshot())
	if err != nil {
		if ctx.Err() == nil {
			fmt.Fprintf(s.warn, "preflight: %v\n", err)
		}
		return
	}
	if !latest() {
		return // a later comparison (after trust) replaces this one
	}
	rd.setBase(base, rev, commit)
	s.tell("compared with " + rev + " (" + short(commit) + "): n shows only what is new")
}

// tellProgress says, every second until done, how far the run at the base
// is: a comparison that runs the tests again can take minutes, and the
// cockpit should not look stuck meanwhile.
func (b baseCompare) tellProgress(bs *Session, run []string, done <-chan struct{}) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	last := ""
	for {
		select {
		case <-done:
			return
		case <-tick.C:
		}
		if msg := baseProgress(b.rev, bs.engine.Snapshot(), run); msg != last {
			b.s.tell(msg)
			last = msg
		}
	}
}

// baseProgress is the note of a base run: how many of the collectors run
// there have finished, and which are running.
func baseProgress(rev string, snap model.Snapshot, run []string) string {
	finished := 0
	var running []string
	for _, c := range snap.Collectors {
		switch {
		case !slices.Contains(run, c.Collector):
		case c.Running:
			running = append(running, c.Collector)
		case !c.FinishedAt.IsZero():
			finished++
		}
	}
	msg := fmt.Sprintf("comparing with %s: %d of %d collectors run at the merge-base", rev, finished, len(run))
	if len(running) > 0 {
		msg += " (" + strings.Join(running, ", ") + " running)"
	}
	return msg
}

// defaultBase is the branch a change is usually judged against: the
// upstream of the current branch when it is not the branch itself, else
// main or master.
func defaultBase(ctx context.Context, root string) string {
	if up, err := gitLine(ctx, root, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}"); err == nil && up != "" {
		head, _ := gitLine(ctx, root, "rev-parse", "--abbrev-ref", "HEAD")
		if path.Base(up) != head {
			return up
		}
	}
	for _, name := range []string{"main", "master", "origin/main", "origin/master"} {
		if _, err := gitLine(ctx, root, "rev-parse", "--verify", "--quiet", name+"^{commit}"); err == nil {
			return name
		}
	}
	return ""
}
