package app

import (
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/preflight-dev/preflight/cache"
	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/custom"
	"github.com/preflight-dev/preflight/config"
	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/trust"
)

// Option tunes Open.
type Option func(*options)

type options struct {
	trusted bool // --trust, --trust-config, the demo: the checkout is trusted already
	// cacheDir replaces the user's cache directory (--cache-dir).
	cacheDir string
	// reuse: check reuses results measured on identical inputs.
	reuse bool
	// record: check keeps what it measured for later runs (also when
	// it reuses nothing: --fresh).
	record bool
	// store and home: a worktree of another commit uses the caches of
	// the repository it was made from.
	store *cache.Store
	home  string
	// base is what the cockpit compares with (--base); "" picks the
	// upstream, main or master.
	base string
	// version is what cached results are kept under.
	version string
	// onlineTTL is how long results that depend on the network are
	// reused; 0 keeps the cache's default.
	onlineTTL time.Duration
	// livePrograms bounds the programs a helper process keeps alive.
	livePrograms int
	// progress hears how a check is getting on, every progressEvery.
	progress      func(Progress)
	progressEvery time.Duration
}

// Progress is how far a check has got: collectors finished of all, the
// ones running, how many wait for a slot, and the time since it started.
type Progress struct {
	Done, Total, Waiting int
	Running              []string
	Elapsed              time.Duration
}

// WithProgress has check tell f how it is getting on, every interval,
// while collectors run: a long check is not silent.
func WithProgress(every time.Duration, f func(Progress)) Option {
	return func(o *options) { o.progress, o.progressEvery = f, every }
}

// WithBase sets the revision the cockpit compares the findings with.
func WithBase(rev string) Option { return func(o *options) { o.base = rev } }

// withCachesOf makes a session of a temporary worktree of the repository
// at home use home's caches: results measured on the same content are
// reused in both.
func withCachesOf(store *cache.Store, home string) Option {
	return func(o *options) { o.store, o.home = store, home }
}

// WithCacheDir keeps the caches in dir instead of the user's cache
// directory, so CI can persist it.
func WithCacheDir(dir string) Option { return func(o *options) { o.cacheDir = dir } }

// WithReuse lets the session take results measured earlier on identical
// inputs instead of running their tools again.
func WithReuse() Option { return func(o *options) { o.reuse, o.record = true, true } }

// WithFreshResults runs every tool but keeps what it measured, so the next
// check reuses it (check --fresh).
func WithFreshResults() Option { return func(o *options) { o.record = true } }

// DefaultOnlineTTL is how long results that depend on the network are
// reused unless WithOnlineTTL says otherwise.
const DefaultOnlineTTL = cache.OnlineTTL

// WithOnlineTTL reuses results that depend on the network (npm audit,
// govulncheck) for at most d instead of the default day; a negative d
// never reuses them.
func WithOnlineTTL(d time.Duration) Option { return func(o *options) { o.onlineTTL = d } }

// WithLivePrograms bounds the compiler programs one long-lived helper
// process keeps (the TypeScript checker); 0 keeps the default.
func WithLivePrograms(n int) Option { return func(o *options) { o.livePrograms = n } }

// WithTrust runs the repository's code and config commands without asking
// (CI with --trust, the embedded demo).
func WithTrust() Option { return func(o *options) { o.trusted = true } }

// WithCacheVersion keeps reused and base results under version: results
// of another preflight may differ.
func WithCacheVersion(version string) Option { return func(o *options) { o.version = version } }

// repoConfig is a session's preflight.yaml: the config in force (the last
// valid one), the layer that applies it to the collectors, and the trust
// store that decides whether the repository's code and the config's
// commands may run.
type repoConfig struct {
	root   string
	live   *config.Live
	layer  *config.Layer
	store  *trust.Store // nil when there is nowhere to keep trust
	forced bool
	hint   string
	warn   io.Writer
	// identity is the repository trust is given to at root (repoIdentity),
	// asked of git the first time trust is checked, not at start-up.
	identity func() string
	// ignore is the ignore list the session's matcher was built with;
	// a change to it takes effect at the next start.
	ignore []string

	// heldBack is nudged each time a gate says no (the engine's for the
	// repository's code, the layer's for the config's commands): only then
	// does the watcher look for trust given elsewhere.
	heldBack chan struct{}

	mu       sync.Mutex
	detected []collectors.Collector
	warned   map[string]bool
}

// trustHint tells the user how to let the repository's code run from
// where they are.
func trustHint(mode collectors.Mode) string {
	if mode == collectors.OneShot {
		return "run 'preflight trust' to allow it (in CI, where the checkout is trusted: preflight check --trust)"
	}
	return "press T in the cockpit, or run 'preflight trust' in a terminal and then press r"
}

func loadRepoConfig(root string, mode collectors.Mode, o options, warn io.Writer) (*repoConfig, error) {
	live, err := config.NewLive(root)
	if err != nil {
		return nil, err
	}
	rc := &repoConfig{root: root, live: live, forced: o.trusted, warn: warn, warned: map[string]bool{}, hint: trustHint(mode),
		heldBack: make(chan struct{}, 1)}
	rc.identity = sync.OnceValue(func() string { return repoIdentity(root) })
	if store, err := trust.Default(); err == nil {
		rc.store = store
	} else {
		fmt.Fprintf(warn, "preflight: %v\n", err)
	}
	cfg := live.Current()
	rc.ignore = cfg.Ignore
	rc.layer = config.NewLayer(cfg, rc.trusted(cfg), rc.hint, defineCustom)
	rc.layer.SetTrustCheck(func(cfg *config.Config) bool { return rc.gate(rc.trusted(cfg)) })
	return rc, nil
}

// gate passes on a trust gate's answer, and a no to the watcher.
func (rc *repoConfig) gate(ok bool) bool {
	if !ok {
		select {
		case rc.heldBack <- struct{}{}:
		default: // the watcher was told already
		}
	}
	return ok
}

// codeGate is the engine's trust gate: whether the repository's own code
// may run now.
func (rc *repoConfig) codeGate() bool { return rc.gate(rc.repoTrusted()) }

// trusted reports whether cfg's commands may run.
func (rc *repoConfig) trusted(cfg *config.Config) bool {
	return !cfg.NeedsTrust() || rc.trustedWith(cfg)
}

// repoTrusted reports whether the repository's own code may run: the user
// trusted this path with the config in force and the scripts it names as
// they are now.
func (rc *repoConfig) repoTrusted() bool { return rc.trustedWith(rc.live.Current()) }

func (rc *repoConfig) trustedWith(cfg *config.Config) bool {
	_, ok := rc.grantWith(cfg)
	return ok
}

// grantWith says what lets the repository's code run with cfg in force:
// --trust, or the stored record and when it was made.
func (rc *repoConfig) grantWith(cfg *config.Config) (model.TrustGrant, bool) {
	if rc.forced {
		return model.TrustGrant{Flag: true}, true
	}
	if rc.store == nil {
		return model.TrustGrant{}, false
	}
	r, ok := rc.store.Lookup(rc.root, pins(rc.root, rc.identity(), cfg))
	return model.TrustGrant{At: r.TrustedAt}, ok
}

// apply tunes freshly detected collectors and adds the custom ones. Each
// warning is printed once per session.
func (rc *repoConfig) apply(detected []collectors.Collector) []collectors.Collector {
	rc.mu.Lock()
	rc.detected = detected
	rc.mu.Unlock()
	cols, warnings := rc.layer.Apply(detected)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for _, w := range warnings {
		if !rc.warned[w] {
			rc.warned[w] = true
			fmt.Fprintf(rc.warn, "preflight: %s\n", w)
		}
	}
	return cols
}

// reload reads preflight.yaml again after it changed. It returns the new
// collector set when a valid, different config is now in force; an
// invalid edit keeps the old config and shows up in notice.
func (rc *repoConfig) reload() (cols []collectors.Collector, changed bool) {
	changed, err := rc.live.Reload()
	if err != nil || !changed {
		return nil, false
	}
	cfg := rc.live.Current()
	rc.layer.Set(cfg, rc.trusted(cfg))
	rc.mu.Lock()
	detected := rc.detected
	rc.mu.Unlock()
	return rc.apply(detected), true
}

// notice is what the header says about the config: its error while an
// invalid edit is on disk, or that a new ignore list needs a restart.
func (rc *repoConfig) notice() string {
	if err := rc.live.Err(); err != nil {
		return "preflight.yaml is invalid, still using the last valid config: " + firstErrorLine(err)
	}
	cur := rc.live.Current()
	if !slices.Equal(cur.Ignore, rc.ignore) {
		return "preflight.yaml: the new ignore list applies when preflight restarts"
	}
	return ""
}

func firstErrorLine(err error) string {
	var es config.Errors
	if e, ok := err.(config.Errors); ok {
		es = e
	}
	if len(es) > 1 {
		return fmt.Sprintf("%s (and %d more)", es[0].Error(), len(es)-1)
	}
	return err.Error()
}

// trustNow records that the repository may run its code and the config
// in force its commands, for the cockpit's trust key.
func (rc *repoConfig) trustNow() error {
	cfg := rc.live.Current()
	if rc.store == nil {
		return fmt.Errorf("no place to keep trust records (set XDG_DATA_HOME or HOME)")
	}
	if err := rc.store.Trust(rc.root, pins(rc.root, rc.identity(), cfg), time.Now()); err != nil {
		return err
	}
	rc.layer.Set(cfg, true)
	return nil
}

// isConfigFile reports whether a changed repo-relative path is the config.
func isConfigFile(rel string) bool { return path.Clean(rel) == config.FileName }

// TrustGrant says what lets the repository's own code run now; false:
// nothing does.
func (s *Session) TrustGrant() (model.TrustGrant, bool) {
	return s.config.grantWith(s.config.live.Current())
}

// Trust is what the cockpit's trust key does: trust the repository and
// the config in force, run the collectors that waited for it, and say what
// it did.
func (s *Session) Trust() (string, error) {
	waiting := s.waitingIdle()
	if err := s.config.trustNow(); err != nil {
		return "", err
	}
	s.trustGiven()
	return trustMessage(s.config.live.Current(), waiting), nil
}

// trustMessage is what the cockpit says after the trust key: what runs
// now, or what may run from now on — preflight.yaml's commands only when
// there is a preflight.yaml that defines some.
func trustMessage(cfg *config.Config, rerun []string) string {
	if len(rerun) > 0 {
		return "repository trusted as it is now: running " + strings.Join(rerun, ", ")
	}
	what := "its own tools and tests"
	if cfg.NeedsTrust() {
		what += " and the commands in " + config.FileName
	}
	return "repository trusted as it is now: " + what + " may run from now on"
}

// waitingIdle lists the collectors held back for want of trust that are
// not running now.
func (s *Session) waitingIdle() []string {
	var ids []string
	for _, c := range s.engine.Snapshot().WaitingForTrust() {
		if !c.Running {
			ids = append(ids, c.Collector)
		}
	}
	return ids
}

// recheckTrust picks up trust given outside the cockpit (`preflight trust`
// in another terminal): the collectors held back for want of it run as
// soon as the repository is trusted, without waiting for a rerun. It is
// called on the watcher's tick while something waits for trust and reads
// one small file at most.
func (s *Session) recheckTrust() {
	ids := s.waitingIdle()
	if len(ids) == 0 || !s.config.repoTrusted() {
		return
	}
	s.tell("this repository was trusted in another terminal: running " + strings.Join(ids, ", "))
	s.trustGiven()
}

// trustGiven runs what waited for trust and tells whoever listens.
func (s *Session) trustGiven() {
	s.engine.TrustChanged()
	if s.trusted != nil {
		s.trusted()
	}
}

// defineCustom makes the collector of a command preflight.yaml defines.
func defineCustom(s collectors.CommandSpec) collectors.Collector { return custom.New(s) }
