// Package app is preflight's runtime pipeline, the same for the cockpit,
// `preflight watch` and `preflight check`: a repository's ignore rules and
// file list, the collectors detected in it and tuned by preflight.yaml,
// the engine that runs them behind the trust gate, the cache, the file
// watcher, READINESS.md read against every snapshot, the comparison with
// a base and the history. The cli parses arguments and picks outputs; the
// ui draws.
package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/preflight-dev/preflight/cache"
	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/secrets"
	"github.com/preflight-dev/preflight/config"
	"github.com/preflight-dev/preflight/detect"
	"github.com/preflight-dev/preflight/engine"
	"github.com/preflight-dev/preflight/ignore"
	"github.com/preflight-dev/preflight/internal/repofs"
	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/watch"
)

// Session is one repository opened for checking: its ignore rules, its
// collectors, the engine that runs them and the cache that remembers them.
type Session struct {
	root      string
	matcher   *ignore.Matcher
	engine    *engine.Engine
	store     *cache.Store
	results   *cache.Results // nil unless results are reused (check)
	base      string         // --base of the cockpit
	warn      io.Writer
	config    *repoConfig   // preflight.yaml
	version   string        // what reused and base results are kept under
	onlineTTL time.Duration // --online-ttl, for the base's session too
	progress  func(Progress)
	every     time.Duration // how often progress hears
	cacheRel  string        // --cache-dir relative to root when inside it, else ""
	// changed hears every batch of changed paths after the engine did;
	// rescan is true when the watcher lost track and everything may have.
	changed func(paths []string, rescan bool)
	// note tells the person something that is not a warning; nil: nobody
	// listens.
	note func(string)
	// trusted hears that the repository became trusted in this session
	// (the key, or `preflight trust` elsewhere); nil: nobody listens.
	trusted func()
}

// Open reads root's preflight.yaml and ignore rules, lists its files and
// detects its collectors, ready to run them in mode. Warnings go to warn.
func Open(root string, mode collectors.Mode, warn io.Writer, opts ...Option) (*Session, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	rc, err := loadRepoConfig(root, mode, o, warn)
	if err != nil {
		return nil, err
	}
	extra := rc.live.Current().Ignore
	cacheRel := cacheInside(root, o.cacheDir)
	if cacheRel != "" {
		// preflight's own files are no input of any check: were they,
		// writing the cache would change the next run's inputs.
		extra = append(slices.Clone(extra), collectors.EscapeGlob(cacheRel))
	}
	m, err := ignore.LoadWithOptions(root, ignore.Options{Extra: extra})
	if err != nil {
		return nil, fmt.Errorf("reading ignore rules of %s: %w", root, err)
	}
	files, ignored, err := ignore.ListFilesAndIgnored(root, m)
	var unreadable *ignore.UnreadableError
	if err != nil && !errors.As(err, &unreadable) {
		return nil, fmt.Errorf("scanning %s: %w", root, err)
	}
	if err != nil {
		fmt.Fprintf(warn, "preflight: %v\n", err)
	}
	cols := detect.Collectors(root, files)
	s := &Session{root: root, matcher: m, warn: warn, config: rc, base: o.base, version: o.version, onlineTTL: o.onlineTTL, cacheRel: cacheRel,
		progress: o.progress, every: o.progressEvery}
	if o.store != nil {
		s.store = o.store
	} else if o.cacheDir != "" {
		s.store = cache.At(o.cacheDir)
	} else if store, err := cache.Default(); err == nil {
		s.store = store
	} else {
		fmt.Fprintf(warn, "preflight: %v; results will not be cached\n", err)
	}
	eopts := engine.Options{Mode: mode, Trusted: rc.codeGate, TrustHint: rc.hint, Redact: excerptRedactor(warn),
		LivePrograms: o.livePrograms}
	if o.record && s.store != nil {
		settings, _ := repofs.ReadFile(root, config.FileName)
		sum := sha256.Sum256(settings)
		home := root
		if o.home != "" {
			home = o.home
		}
		results, err := s.store.ResultsAs(home, root, files, hex.EncodeToString(sum[:]), s.version)
		if err != nil {
			fmt.Fprintf(warn, "preflight: %v\n", err)
		}
		if o.onlineTTL != 0 {
			results.TTL = o.onlineTTL
		}
		results.OutputOnly, results.Ignored = m.OutputOnly, ignored
		s.results, eopts.Reuse = results, results
		if !o.reuse {
			eopts.Reuse = recordOnly{results}
		}
	}
	s.engine = engine.New(root, rc.apply(cols), eopts)
	s.engine.SetPolicy(rc.live.Current().Policy())
	return s, nil
}

// recordOnly keeps results without offering earlier ones.
type recordOnly struct{ *cache.Results }

func (recordOnly) Lookup(collectors.Collector) (model.Result, bool) { return model.Result{}, false }

// cachedView is the last session's results as the engine would show them
// once seeded with them — finished results only, stale, redacted — for
// the cockpit's first frame, before the repository is scanned and the
// engine exists. Without a cache it is an empty snapshot of root.
func cachedView(root string, warn io.Writer) (view, seed model.Snapshot) {
	store, err := cache.Default()
	if err != nil {
		return model.Snapshot{Root: root}, model.Snapshot{}
	}
	seed, ok, err := store.Load(root)
	if err != nil {
		fmt.Fprintf(warn, "preflight: %v\n", err)
	}
	if !ok {
		return model.Snapshot{Root: root}, model.Snapshot{}
	}
	// The session's own redactor says it when the installation key is
	// unreadable; saying it twice helps nobody.
	redact := excerptRedactor(io.Discard)
	view = seed.Clone()
	var kept []model.CollectorState
	for _, st := range view.Collectors {
		if st.FinishedAt.IsZero() {
			continue
		}
		st.Running, st.Stale = false, true
		st.Redact(redact)
		kept = append(kept, st)
	}
	view.Collectors = kept
	view.FromCache = len(kept) > 0
	return view, seed
}

func (s *Session) saveCache(snap model.Snapshot) {
	if s.store == nil {
		return
	}
	if err := s.store.Save(snap); err != nil {
		fmt.Fprintf(s.warn, "preflight: saving the cache: %v\n", err)
	}
	if s.results != nil {
		if err := s.results.Save(); err != nil {
			fmt.Fprintf(s.warn, "preflight: saving the results cache: %v\n", err)
		}
	}
}

// Watch feeds file changes to the engine until ctx ends. A watcher that
// cannot start is not fatal: the cockpit still works with manual reruns,
// and says so in the header.
func (s *Session) Watch(ctx context.Context) (stop func()) {
	w, err := watch.New(s.root, s.matcher, watch.Options{Outputs: s.engine.Outputs()})
	if err != nil {
		s.engine.SetWatchState(model.WatchState{Warning: "not watching files: " + err.Error() + " (press R to rerun)"})
		return func() {}
	}
	s.setWatchState(w)
	done := make(chan struct{})
	go func() {
		defer close(done)
		// Trust given in another terminal is looked for once a second, but
		// only while some collector waits for it: an idle cockpit with
		// nothing held back has no timer at all.
		var trustTick *time.Ticker
		defer func() {
			if trustTick != nil {
				trustTick.Stop()
			}
		}()
		for {
			var trustC <-chan time.Time
			if trustTick != nil {
				trustC = trustTick.C
			}
			select {
			case <-ctx.Done():
				return
			case <-w.StateChanges():
				s.setWatchState(w)
			case <-s.config.heldBack:
				if trustTick == nil {
					trustTick = time.NewTicker(time.Second)
				}
			case <-trustC:
				s.recheckTrust()
				if len(s.waitingIdle()) == 0 {
					trustTick.Stop()
					trustTick = nil
				}
			case ev, ok := <-w.Events():
				if !ok {
					return
				}
				if ev.Rescan || anyChangesCollectors(ev.Paths) || s.newKind(ev.Paths) {
					s.redetect(w)
				}
				reconfigured := s.reloadConfig(ev.Paths)
				switch {
				case ev.Rescan:
					s.engine.RunAll("rescan (watch queue overflowed)")
				case reconfigured:
					s.engine.RunAll(config.FileName + " changed")
				default:
					s.engine.Changed(ev.Paths)
					s.engine.OutputsChanged(ev.Outputs)
				}
				if s.changed != nil {
					s.changed(ev.Paths, ev.Rescan)
				}
				s.setWatchState(w)
			}
		}
	}()
	return func() {
		w.Close()
		<-done
	}
}

// redetect scans the tree again after a change that can add or remove
// collectors (a new tsconfig.json, a deleted go.mod). A failed scan keeps
// the current collectors.
func (s *Session) redetect(w *watch.Watcher) {
	cols, err := detect.Scan(s.root, w.Matcher())
	var unreadable *ignore.UnreadableError
	if err != nil && !errors.As(err, &unreadable) {
		return // keep the collectors we have
	}
	s.engine.SetCollectors(s.config.apply(cols))
	w.SetOutputs(s.engine.Outputs())
}

// reloadConfig reads preflight.yaml again when it is among the changed
// paths and reports whether a new valid config is now in force. An
// invalid edit keeps the last good config (the header shows the error).
func (s *Session) reloadConfig(paths []string) bool {
	if !slices.ContainsFunc(paths, isConfigFile) {
		return false
	}
	cols, changed := s.config.reload()
	if !changed {
		return false
	}
	s.engine.SetCollectors(cols)
	s.engine.SetPolicy(s.config.live.Current().Policy())
	return true
}

// setWatchState shows what the watcher does, and any problem with
// preflight.yaml, in the header.
func (s *Session) setWatchState(w *watch.Watcher) {
	st := w.State()
	if note := s.config.notice(); note != "" {
		if st.Warning != "" {
			note += " · " + st.Warning
		}
		st.Warning = note
	}
	s.engine.SetWatchState(st)
}

// newKind reports whether a changed path that no collector takes as input
// could make one apply: the first .env.production in a repository that
// had nothing to scan, the first Kubernetes manifest.
func (s *Session) newKind(paths []string) bool {
	for _, p := range paths {
		if detect.MayAddCollector(p) && len(s.engine.Affected(p)) == 0 {
			return true
		}
	}
	return false
}

func anyChangesCollectors(paths []string) bool {
	for _, p := range paths {
		if detect.ChangesCollectors(p) {
			return true
		}
	}
	return false
}

// excerptRedactor masks secrets in every result, with the same rules and
// the same installation key as the secrets collector's findings.
func excerptRedactor(warn io.Writer) func(string) string {
	r, err := secrets.InstallationRedactor()
	if err != nil {
		fmt.Fprintf(warn, "preflight: %v\n", err)
	}
	if r == nil {
		r = secrets.NewRedactor(nil) // hashes then only tell values apart within this run
	}
	return r.RedactExcerpt
}

// tell says text to whoever listens for notes.
func (s *Session) tell(text string) {
	if s.note != nil {
		s.note(text)
	}
}

// Close stops the engine: runs in flight are cancelled.
func (s *Session) Close() { s.engine.Close() }

// Remember keeps snap in the cache (cacheDir, or the user's cache when
// "") as the last run of its repository, as a session does when it ends:
// a merged sharded run's durations balance the next one's plan.
func Remember(snap model.Snapshot, cacheDir string, warn io.Writer) {
	store := cache.At(cacheDir)
	if cacheDir == "" {
		var err error
		if store, err = cache.Default(); err != nil {
			return
		}
	}
	if err := store.Save(snap); err != nil {
		fmt.Fprintf(warn, "preflight: saving the cache: %v\n", err)
	}
}

// cacheInside is dir's path relative to root, with forward slashes, when
// dir lies inside root (a CI's --cache-dir .preflight-cache); "" otherwise.
func cacheInside(root, dir string) string {
	if dir == "" {
		return ""
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for _, r := range []string{root, resolved(root)} {
		for _, d := range []string{abs, resolved(abs)} {
			rel, err := filepath.Rel(r, d)
			if err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				return filepath.ToSlash(rel)
			}
		}
	}
	return ""
}

// resolved is p with symlinks resolved, or p when it cannot be (a cache
// directory not made yet).
func resolved(p string) string {
	if real, err := filepath.EvalSymlinks(p); err == nil {
		return real
	}
	return p
}
