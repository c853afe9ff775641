package config

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/model"
)

// ArgsRunner is implemented by built-in collectors that can pass extra
// arguments from preflight.yaml (collectors.<key>.args) to their tool.
type ArgsRunner interface {
	RunWithArgs(ctx context.Context, req collectors.Request, args []string) model.Result
}

// budgetsFor are the budgets a run of the collector receives.
func budgetsFor(s settings) collectors.Budgets {
	return collectors.Budgets{BundleJSGzipBytes: s.budgets.BundleMaxBytes, CoverageMinPercent: s.budgets.CoverageMinPercent}
}

// measuresBundle and measuresCoverage tell which collectors a budget
// reaches, to warn about a budget nothing uses.
func measuresBundle(c collectors.Collector) bool   { return c.Kind() == "bundle" }
func measuresCoverage(c collectors.Collector) bool { return c.Kind() == "coverage" }

// UntrustedPrefix starts the reason of a collector whose command waits for
// the user to trust the config. It is wording only: what waits for trust
// is told by the result's typed Waiting (model.GateTrust).
const UntrustedPrefix = "untrusted: "

// Layer applies a config to the detected collectors. It hands out one
// wrapper per collector id for the whole session: the engine keeps the
// first instance of each id, so a reloaded config or newly given trust
// reaches it through the same wrapper.
type Layer struct {
	mu       sync.Mutex
	cfg      *Config
	trusted  bool
	hint     string
	check    func(*Config) bool
	define   func(collectors.CommandSpec) collectors.Collector
	wrappers map[string]*Configured
}

// NewLayer applies cfg; trusted says whether its commands may run.
// trustHint tells the user how to trust it from where they are; define
// makes the collector of each command the config defines.
func NewLayer(cfg *Config, trusted bool, trustHint string, define func(collectors.CommandSpec) collectors.Collector) *Layer {
	if cfg == nil {
		cfg = &Config{}
	}
	return &Layer{cfg: cfg, trusted: trusted, hint: trustHint, define: define, wrappers: map[string]*Configured{}}
}

// Set replaces the config and trust. Call Apply afterwards to pick up
// custom collectors that were added or removed.
func (l *Layer) Set(cfg *Config, trusted bool) {
	if cfg == nil {
		cfg = &Config{}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cfg, l.trusted = cfg, trusted
	for _, w := range l.wrappers {
		w.set(l.settingsFor(w))
	}
}

// SetTrustCheck gives the layer a way to learn that the user trusted the
// config elsewhere (`preflight trust` in another terminal): a blocked
// collector asks again each time it is run. check must not call the layer.
func (l *Layer) SetTrustCheck(check func(*Config) bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.check = check
}

// retrust reports whether the config may run its commands, asking the
// trust check again when it may not yet.
func (l *Layer) retrust() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.trusted || l.check == nil || !l.check(l.cfg) {
		return l.trusted
	}
	l.trusted = true
	for _, w := range l.wrappers {
		w.set(l.settingsFor(w))
	}
	return true
}

// Config is the config in force.
func (l *Layer) Config() *Config {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cfg
}

// Trusted reports whether the config's commands may run.
func (l *Layer) Trusted() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.trusted
}

// Apply wraps the detected collectors and adds the custom ones, in display
// order. Warnings point at settings that match no collector or cannot be
// honoured, as file:line:col messages.
func (l *Layer) Apply(detected []collectors.Collector) (cols []collectors.Collector, warnings []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var all []collectors.Collector
	for _, c := range detected {
		if p, ok := c.(collectors.Placeholder); !ok || !slices.ContainsFunc(l.cfg.Custom, p.RunBy) {
			all = append(all, c)
		}
	}
	for _, s := range l.cfg.Custom {
		all = append(all, l.define(s))
	}
	seen := map[string]bool{}
	for _, c := range all {
		id := c.ID()
		if seen[id] {
			continue
		}
		seen[id] = true
		w, ok := l.wrappers[id]
		switch {
		case !ok:
			w = &Configured{base: c, layer: l}
			l.wrappers[id] = w
		case c.Kind() == collectors.CustomKind:
			w.setBase(c) // a custom collector has no helper process to keep
		}
		w.set(l.settingsFor(w))
		cols = append(cols, w)
	}
	sort.SliceStable(cols, func(i, j int) bool {
		di, dj := domainRank(cols[i].Domain()), domainRank(cols[j].Domain())
		if di != dj {
			return di < dj
		}
		return cols[i].ID() < cols[j].ID()
	})
	return cols, l.warnings(cols)
}

func (l *Layer) warnings(cols []collectors.Collector) []string {
	var out []string
	at := func(p Pos) string { return l.cfg.at(p) + ": " }
	for _, cs := range l.cfg.Collectors {
		var matched []string
		for _, c := range cols {
			if l.matches(cs.Match, c) {
				matched = append(matched, c.ID())
			}
		}
		if len(matched) == 0 {
			out = append(out, fmt.Sprintf("%scollectors.%s matches no collector in this repository", at(cs.Pos), cs.Match))
			continue
		}
		if len(cs.Args) == 0 {
			continue
		}
		for _, c := range cols {
			if _, ok := c.(*Configured).Base().(ArgsRunner); l.matches(cs.Match, c) && !ok {
				out = append(out, fmt.Sprintf("%scollectors.%s.args: %s does not take extra arguments; they are not used", at(cs.Pos), cs.Match, c.ID()))
			}
		}
	}
	if b := l.cfg.Budgets; b.BundleMaxBytes > 0 || b.CoverageMinPercent > 0 {
		var bundle, cover bool
		for _, c := range cols {
			base := c.(*Configured).Base()
			bundle, cover = bundle || measuresBundle(base), cover || measuresCoverage(base)
		}
		if b.BundleMaxBytes > 0 && !bundle {
			out = append(out, l.cfg.file()+": budgets.bundle_size: no collector in this repository measures a bundle")
		}
		if b.CoverageMinPercent > 0 && !cover {
			out = append(out, l.cfg.file()+": budgets.coverage: no collector in this repository measures coverage")
		}
	}
	return out
}

// matches reports whether a collectors: key (a kind or an id) names c.
func (l *Layer) matches(key string, c collectors.Collector) bool {
	return key == c.Kind() || model.SameCollector(key, c.ID(), l.cfg.root())
}

// settings is what the config says about one collector.
type settings struct {
	disabled string // where it was disabled; "" when enabled
	inputs   []string
	timeout  time.Duration
	args     []string
	severity []SeverityOverride
	budgets  Budgets
	blocked  string // why it may not run yet; "" when it may
	hint     string
}

func (l *Layer) settingsFor(w *Configured) settings {
	c := w.Base()
	s := settings{severity: l.cfg.Severity, budgets: l.cfg.Budgets, hint: l.hint}
	if d, ok := c.(collectors.Defined); ok {
		s.timeout = d.Spec().Timeout
	}
	// A kind's settings first, then an id's, so the id wins.
	for _, pass := range []func(string) bool{
		func(k string) bool { return k == c.Kind() && k != c.ID() },
		func(k string) bool { return model.SameCollector(k, c.ID(), l.cfg.root()) },
	} {
		for _, cs := range l.cfg.Collectors {
			if !pass(cs.Match) {
				continue
			}
			if cs.Enabled != nil {
				s.disabled = ""
				if !*cs.Enabled {
					s.disabled = l.cfg.at(cs.Pos)
				}
			}
			if cs.Inputs != nil {
				s.inputs = cs.Inputs
			}
			if cs.Timeout > 0 {
				s.timeout = cs.Timeout
			}
			if cs.Args != nil {
				s.args = cs.Args
			}
		}
	}
	if _, ok := c.(ArgsRunner); !ok {
		s.args = nil
	}
	if !l.trusted {
		if d, ok := c.(collectors.Defined); ok {
			s.blocked = fmt.Sprintf("%spreflight.yaml runs `%s`", UntrustedPrefix, d.Spec().CommandLine())
		} else if len(s.args) > 0 {
			s.blocked = fmt.Sprintf("%spreflight.yaml adds the arguments %q", UntrustedPrefix, s.args)
		}
	}
	return s
}

// Configured is a collector as the config tunes it: disabled, with other
// inputs or timeout, severities overridden, or blocked until trusted.
type Configured struct {
	mu    sync.RWMutex
	base  collectors.Collector
	s     settings
	layer *Layer
}

func (c *Configured) set(s settings) {
	c.mu.Lock()
	c.s = s
	c.mu.Unlock()
}

func (c *Configured) setBase(b collectors.Collector) {
	c.mu.Lock()
	c.base = b
	c.mu.Unlock()
}

func (c *Configured) get() (collectors.Collector, settings) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.base, c.s
}

// Base is the collector being tuned.
func (c *Configured) Base() collectors.Collector {
	b, _ := c.get()
	return b
}

func (c *Configured) ID() string     { return c.Base().ID() }
func (c *Configured) Kind() string   { return c.Base().Kind() }
func (c *Configured) Domain() string { return c.Base().Domain() }

func (c *Configured) Inputs() []string {
	b, s := c.get()
	if s.inputs != nil {
		return append([]string(nil), s.inputs...)
	}
	return b.Inputs()
}

// Timeout is the configured timeout (0: the engine's default).
func (c *Configured) Timeout() time.Duration {
	_, s := c.get()
	return s.timeout
}

// RepoCode is what the collector would run of the repository's code; ""
// when it runs none, or is disabled and so runs nothing.
func (c *Configured) RepoCode() string {
	b, s := c.get()
	if _, ok := b.(collectors.Defined); ok || s.disabled != "" {
		return "" // the layer holds custom commands back itself, naming them
	}
	return collectors.RepoCode(b)
}

// Online reports whether the wrapped collector's results depend on the
// network.
func (c *Configured) Online() bool {
	b, _ := c.get()
	return collectors.IsOnline(b)
}

// Reusable is false for commands from preflight.yaml, which may depend on
// anything (a script they call, a database, the time), and for a
// collector that is disabled or waits for trust: reusing a result must
// never get past what Run would refuse.
func (c *Configured) Reusable() bool {
	b, s := c.get()
	if _, ok := b.(collectors.Defined); ok || s.disabled != "" || s.blocked != "" {
		return false
	}
	return collectors.IsReusable(b)
}

// Outputs are the wrapped collector's: the watcher follows them whatever
// its state, as what they hold can change while it waits.
func (c *Configured) Outputs() []string {
	b, _ := c.get()
	return collectors.OutputsOf(b)
}

// Blocked says why the collector may not run yet ("" when it may).
func (c *Configured) Blocked() string {
	_, s := c.get()
	return s.blocked
}

// Run runs the collector as configured. A disabled one is skipped and a
// blocked one never starts its command.
func (c *Configured) Run(ctx context.Context, req collectors.Request) model.Result {
	b, s := c.get()
	if s.blocked != "" && c.layer != nil && c.layer.retrust() {
		b, s = c.get()
	}
	switch {
	case s.disabled != "":
		return model.Result{Collector: b.ID(), Kind: b.Kind(), Domain: b.Domain(), Status: model.StatusSkipped,
			ExitCode: -1, Error: "disabled in " + s.disabled}
	case s.blocked != "":
		res := model.Unknown(b.ID(), b.Kind(), b.Domain(), s.blocked, s.hint)
		res.Waiting = model.GateTrust
		return res
	}
	if s.timeout > 0 {
		req.Timeout = s.timeout
	}
	req.Budgets = budgetsFor(s)
	var res model.Result
	if ar, ok := b.(ArgsRunner); ok && len(s.args) > 0 {
		res = ar.RunWithArgs(ctx, req, s.args)
	} else {
		res = b.Run(ctx, req)
	}
	overrideSeverities(res.Findings, s.severity)
	return res
}

// Close stops the base collector's helper processes.
func (c *Configured) Close() error {
	if cl, ok := c.Base().(collectors.Closer); ok {
		return cl.Close()
	}
	return nil
}

// overrideSeverities applies severity overrides: an exact rule id wins
// over a glob; among globs the first in the file wins.
func overrideSeverities(fs []model.Finding, os []SeverityOverride) {
	if len(os) == 0 {
		return
	}
	for i := range fs {
		if sev, ok := severityFor(fs[i].Rule, os); ok {
			fs[i].Severity = sev
		}
	}
}

func severityFor(rule string, os []SeverityOverride) (model.Severity, bool) {
	for _, o := range os {
		if o.Rule == rule {
			return o.Severity, true
		}
	}
	for _, o := range os {
		if ok, _ := doublestar.Match(o.Rule, rule); ok {
			return o.Severity, true
		}
	}
	return 0, false
}

func domainRank(id string) int {
	for i, d := range model.Domains {
		if d.ID == id {
			return i
		}
	}
	return len(model.Domains)
}

// Cost is the wrapped collector's.
func (c *Configured) Cost() collectors.Cost {
	b, _ := c.get()
	return collectors.CostOf(b)
}

// Group is the wrapped collector's.
func (c *Configured) Group() string {
	b, _ := c.get()
	return collectors.GroupOf(b)
}

// Precheck is the wrapped collector's, for a collector that may run: a
// disabled or blocked one is answered by Run.
func (c *Configured) Precheck(root string) (model.Result, bool) {
	b, s := c.get()
	if s.disabled != "" || s.blocked != "" {
		return model.Result{}, false
	}
	return collectors.Precheck(b, root)
}
