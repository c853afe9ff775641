// Package npmaudit reports known vulnerabilities in npm dependencies with
// npm audit: one collector per package-lock.json (a workspace root's
// lockfile covers its workspaces). Only npm 7+ reports are read
// (auditReportVersion 2). npm audit exits 1 both when it finds
// vulnerabilities and when it fails, so the verdict comes from the JSON: a
// report, or npm's error object, which makes the collector unknown — an
// unreachable advisory service is not a clean audit.
package npmaudit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/preflight-dev/preflight/internal/repofs"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/deployfiles"
	"github.com/preflight-dev/preflight/collectors/nodepkg"
	"github.com/preflight-dev/preflight/collectors/rules"
	"github.com/preflight-dev/preflight/model"
)

const (
	// Kind is the collector kind; ids are "npm-audit:<dir>".
	Kind   = "npm-audit"
	Domain = "security"
	// InstallHint is shown when npm is not on PATH.
	InstallHint = "install Node.js with npm: https://nodejs.org"
	// OfflineHint says how to get evidence when the advisory service fails.
	OfflineHint = "npm audit needs the registry's advisory endpoint (/-/npm/v1/security/advisories/bulk): run online against a registry that serves it, or import a SARIF report made in CI"
	// ManifestHint is shown when npm cannot read a package.json of the
	// package or its workspaces: the project's fault, reported as a
	// finding by package-json:., and no evidence about advisories.
	ManifestHint = "fix the package.json that the package-json/invalid finding points at; npm audit runs once npm can read every package.json of the workspace"
	// NoAuditorHint is shown for yarn and pnpm lockfiles. It does not
	// suggest an npm lockfile beside them: npm would resolve versions of
	// its own, and in a pnpm workspace (pnpm-workspace.yaml, workspace:
	// ranges) it either refuses the ranges or locks the root alone, so
	// its audit would not be of the tree the project installs.
	NoAuditorHint = "preflight audits package-lock.json only, and npm cannot lock the versions this lockfile pins: import SARIF from a scanner that reads it (trivy fs --format sarif --output deps.sarif .)"
	// YarnV1Hint is shown for a Yarn 1 lockfile, whose versions npm does
	// keep when it locks beside it (npm 7+ reads yarn.lock v1).
	YarnV1Hint = "preflight audits package-lock.json only; npm keeps the versions a Yarn 1 yarn.lock pins when it locks beside it: in a scratch clone (npm rewrites yarn.lock, and a workspace's packages need their package.json), npm install --package-lock-only --ignore-scripts --legacy-peer-deps (Yarn 1 never enforced peer dependencies), then npm audit there; or import SARIF from a scanner that reads yarn.lock (trivy fs --format sarif --output deps.sarif .)"
)

// Rules: one per npm severity, mapped critical → blocker, high → high,
// moderate → medium, low → low, info → info.
var (
	RuleCritical = rule("critical", model.Blocker)
	RuleHigh     = rule("high", model.High)
	RuleModerate = rule("moderate", model.Medium)
	RuleLow      = rule("low", model.Low)
	RuleInfo     = rule("info", model.Info)
)

func rule(sev string, s model.Severity) rules.Rule {
	return rules.Rule{
		ID: "npm-audit/" + sev, Severity: s,
		Title:     "a dependency has a known vulnerability that npm audit rates " + sev,
		Rationale: "npm audit matched the lockfile's resolved versions against the registry's security advisories.",
		Fix:       "Run npm audit fix (or upgrade the package named in the fix), then commit the lockfile.",
		Reference: "GitHub Advisory Database, via the npm registry",
	}
}

var ruleFor = map[string]rules.Rule{
	"critical": RuleCritical, "high": RuleHigh, "moderate": RuleModerate, "low": RuleLow, "info": RuleInfo,
}

var severityOf = map[string]int{"info": 0, "low": 1, "moderate": 2, "high": 3, "critical": 4}

// AllRules lists every rule the family reports, for the rule catalogue.
func AllRules() []rules.Rule {
	return []rules.Rule{RuleCritical, RuleHigh, RuleModerate, RuleLow, RuleInfo}
}

// otherLockfiles are the lockfiles of the package managers npm audit
// cannot read.
var otherLockfiles = []string{"yarn.lock", "pnpm-lock.yaml", "bun.lock", "bun.lockb"}

// Detect returns a collector per package-lock.json, and an always-unknown
// one per directory that has only a yarn, pnpm or bun lockfile. Lockfiles
// in node_modules or testdata are not the project's own.
func Detect(root string, files []string) []collectors.Collector {
	locks := map[string]map[string]bool{} // dir -> lockfile names
	for _, f := range files {
		name := path.Base(f)
		if name != "package-lock.json" && !slices.Contains(otherLockfiles, name) {
			continue
		}
		if collectors.NotTheProjects(f) {
			continue
		}
		dir := path.Dir(f)
		if locks[dir] == nil {
			locks[dir] = map[string]bool{}
		}
		locks[dir][name] = true
	}
	unlocked := unlockedPackages(root, files, locks)
	dirs := slices.Sorted(maps.Keys(locks))
	names := collectors.TargetNames(slices.Sorted(slices.Values(append(slices.Clone(dirs), unlocked...))))
	var out []collectors.Collector
	for _, d := range unlocked {
		c := newCollector(d, Kind+":"+names[d], "package-lock.json")
		c.uncommitted = true
		out = append(out, c)
	}
	for _, d := range dirs {
		c := newCollector(d, Kind+":"+names[d], "package-lock.json")
		for _, other := range otherLockfiles {
			if locks[d][other] {
				c.others = append(c.others, other)
			}
		}
		if !locks[d]["package-lock.json"] {
			c.lockfile, c.others = c.others[len(c.others)-1], nil
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b collectors.Collector) int { return strings.Compare(a.ID(), b.ID()) })
	return out
}

// unlockedPackages are the packages with dependencies whose lockfile is not
// among files (git ignores it, or there is none), neither beside them nor
// at a package above them: their dependencies are audited from the
// lockfile on disk, or said to be unaudited, never passed over. Examples
// and test packages (deployfiles.DevOnly) ship nothing and are left out.
func unlockedPackages(root string, files []string, locks map[string]map[string]bool) []string {
	pkgs := nodepkg.Packages(root, files)
	workspaceRoot := map[string]bool{}
	for _, p := range pkgs {
		workspaceRoot[p.Dir] = p.Manifest.IsWorkspaceRoot()
	}
	var out []string
	for _, p := range pkgs {
		m := p.Manifest
		if p.Err != nil || locks[p.Dir] != nil || len(m.Dependencies)+len(m.DevDependencies)+len(m.OptionalDependencies) == 0 ||
			collectors.NotTheProjects(path.Join(p.Dir, "package.json")) || deployfiles.DevOnly(path.Join(p.Dir, "package.json")) {
			continue
		}
		// A workspace root above it installs it, and its lockfile (or
		// the root's collector) covers it; an unrelated package above
		// does not.
		covered := false
		for d := p.Dir; d != "." && !covered; {
			d = path.Dir(d)
			covered = workspaceRoot[d] && (locks[d] != nil || slices.Contains(out, d))
		}
		if !covered {
			out = append(out, p.Dir)
		}
	}
	return out
}

// Collector audits one lockfile.
type Collector struct {
	collectors.Base
	dir      string // repo-relative, "." at the root
	lockfile string // package-lock.json, or the yarn/pnpm lockfile it cannot audit
	// others are a yarn or pnpm lockfile beside package-lock.json: then
	// which one the project installs from decides what to audit.
	others []string
	// uncommitted: the package has no lockfile in the repository; the
	// one on disk, if any, is what this machine's install resolved.
	uncommitted bool
}

func newCollector(dir, id, lockfile string) *Collector {
	return &Collector{Base: collectors.NewBase(id, Kind, Domain), dir: dir, lockfile: lockfile}
}

func (c *Collector) Inputs() []string {
	in := []string{c.rel(c.lockfile), c.rel("package.json")}
	for _, o := range c.others {
		in = append(in, c.rel(o))
	}
	return in
}

func (c *Collector) rel(p string) string {
	if c.dir == "." {
		return p
	}
	return c.dir + "/" + p
}

// Args are npm's arguments: JSON, from the lockfile alone (what would be
// installed, whether or not node_modules is there).
func Args() []string { return []string{"audit", "--json", "--package-lock-only"} }

// Online is true: npm audit asks the registry, whose answers change without any change here.
func (c *Collector) Online() bool { return true }

func (c *Collector) Run(ctx context.Context, req collectors.Request) model.Result {
	if c.uncommitted {
		if why, hint := c.noLockfile(req.Root); why != "" {
			return c.Unknown(why, hint)
		}
	}
	if c.lockfile != "package-lock.json" {
		hint := NoAuditorHint
		if v1, _ := nodepkg.YarnLockV1(req.Root, c.rel(c.lockfile)); v1 {
			hint = YarnV1Hint
		}
		return c.Unknown(c.rel(c.lockfile)+" has no supported auditor", hint)
	}
	if why, hint := c.otherLockfile(req.Root); why != "" {
		return c.Unknown(why, hint)
	}
	r := c.RunTool(ctx, req, collectors.Tool{
		Invocation: collectors.Invocation{Tool: "npm audit", Dir: c.dir, Name: "npm", Args: Args(),
			Env: []string{"NO_UPDATE_NOTIFIER=1", "npm_config_fund=false"}, StartHint: InstallHint},
		InstallHint: InstallHint,
		Read:        c.Read,
	})
	if c.uncommitted && r.Status == model.StatusOK {
		r.Output = "note: " + c.rel("package-lock.json") + " is not in the repository (git ignores it): this audit is of the versions this machine's install resolved, which another install may not\n" + r.Output
	}
	return r
}

// noLockfile says why a package whose lockfile the repository does not
// hold cannot be audited: no package-lock.json on disk either (npm
// install writes one, which this machine's install resolved and CI's may
// not). "" when there is one to audit.
func (c *Collector) noLockfile(root string) (why, hint string) {
	dir := filepath.Join(root, filepath.FromSlash(c.dir))
	if nodepkg.IsFile(filepath.Join(dir, "package-lock.json")) {
		return "", ""
	}
	for _, other := range otherLockfiles {
		if nodepkg.IsFile(filepath.Join(dir, other)) {
			return c.rel("package.json") + "'s dependencies are locked only by " + c.rel(other) + ", which the repository does not hold and preflight cannot audit", NoAuditorHint
		}
	}
	return c.rel("package.json") + "'s dependencies are not audited: the repository holds no lockfile for them, and npm audit --package-lock-only, which preflight runs so as to audit what the repository pins, reads one",
		"commit the lockfile (npm install writes package-lock.json), or write one here to audit what an install would resolve today: npm install --package-lock-only --ignore-scripts"
}

// installedWith are the files each package manager leaves in
// node_modules: what was really installed.
var installedWith = map[string][]string{
	"package-lock.json": {"node_modules/.package-lock.json"},
	"yarn.lock":         {"node_modules/.yarn-integrity", "node_modules/.yarn-state.yml"},
	"pnpm-lock.yaml":    {"node_modules/.modules.yaml"},
}

// otherLockfile says why package-lock.json is not audited when a yarn or
// pnpm lockfile lies beside it: the project installs from that one (its
// packageManager field, or what its node_modules was installed with), or
// which one it installs from is not known. An audit of package-lock.json
// would then be of versions that are not installed. "" when
// package-lock.json is the one.
func (c *Collector) otherLockfile(root string) (why, hint string) {
	if len(c.others) == 0 {
		return "", ""
	}
	dir := filepath.Join(root, filepath.FromSlash(c.dir))
	other := c.others[0]
	manager := nodepkg.PackageManager(root, dir)
	switch {
	case manager == "npm":
		return "", ""
	case manager == "yarn" || manager == "pnpm" || manager == "bun":
		other = manager + map[string]string{"yarn": ".lock", "pnpm": "-lock.yaml", "bun": ".lock"}[manager]
		for _, o := range c.others {
			if strings.HasPrefix(o, manager) { // the one beside it: bun.lockb for bun too
				other = o
			}
		}
		return c.rel(other) + " is the lockfile the project installs from (packageManager " + manager + " in " + c.rel("package.json") + "); " +
			c.rel("package-lock.json") + " beside it pins other versions", NoAuditorHint
	}
	for _, marker := range installedWith["package-lock.json"] {
		if nodepkg.IsFile(filepath.Join(dir, marker)) {
			return "", ""
		}
	}
	for _, o := range c.others {
		for _, marker := range installedWith[o] {
			if nodepkg.IsFile(filepath.Join(dir, marker)) {
				return c.rel(o) + " is the lockfile the dependencies were installed from (" + c.rel(marker) + "); " +
					c.rel("package-lock.json") + " beside it pins other versions", NoAuditorHint
			}
		}
	}
	return "two lockfiles, " + c.rel("package-lock.json") + " and " + c.rel(other) + ", and nothing says which one the project installs from: an audit of package-lock.json may be of versions that are not installed",
		"delete the lockfile the project does not use, set packageManager in package.json, or install the dependencies (npm ci writes node_modules/.package-lock.json)"
}

// Read reads one npm audit run with the lockfile's content, which places
// each finding on its package's entry and names the installed version.
func (c *Collector) Read(in collectors.Input) (collectors.Reading, error) {
	lock, _ := repofs.ReadFile(in.Root, filepath.Join(in.Dir, "package-lock.json"))
	return c.read(in, lock)
}

func (c *Collector) read(in collectors.Input, lock []byte) (collectors.Reading, error) {
	report, err := Parse(in.Data)
	var regErr *RegistryError
	failed := func(status model.Status, why, hint string) (collectors.Reading, error) {
		return collectors.Reading{Status: status, Error: why, Hint: hint,
			Output: string(in.Data) + "\n" + quietStderr(in.Stderr)}, nil
	}
	switch {
	case errors.As(err, &regErr) && regErr.Code == "EJSONPARSE":
		return failed(model.StatusUnknown, "npm audit cannot run: npm refuses a package.json of this package or its workspaces ("+regErr.Error()+")", ManifestHint)
	case errors.As(err, &regErr):
		return failed(model.StatusUnknown, "npm audit could not get advisories: "+regErr.Error(), OfflineHint)
	case err != nil:
		return failed(model.StatusError, err.Error(), "")
	}
	versions, lines := lockIndex(lock)
	var findings []model.Finding
	for _, v := range report.Sorted() {
		f := ruleFor[v.Severity].Finding(c.rel("package-lock.json"), 0, 0, message(v, versions))
		if len(v.Nodes) > 0 {
			if l, ok := lines[v.Nodes[0]]; ok {
				f.Line, f.Column = l[0], l[1]
			}
		}
		findings = append(findings, f)
	}
	counts := report.Metadata.Vulnerabilities
	return collectors.Reading{
		Findings: findings,
		Facts: map[string]float64{
			"vulns.critical": float64(counts["critical"]),
			"vulns.high":     float64(counts["high"]),
			"vulns.moderate": float64(counts["moderate"]),
			"vulns.low":      float64(counts["low"]),
			"vulns.info":     float64(counts["info"]),
			"vulns.total":    float64(counts["total"]),
			"dependencies":   float64(report.Metadata.Dependencies.Total),
		},
		Output: summary(report),
	}, nil
}

// message says what is vulnerable, why, and what fixes it.
func message(v Vulnerability, versions map[string]string) string {
	var b strings.Builder
	b.WriteString(v.Name)
	if len(v.Nodes) > 0 && versions[v.Nodes[0]] != "" {
		b.WriteString("@" + versions[v.Nodes[0]])
	}
	if v.IsDirect {
		b.WriteString(" (direct dependency)")
	}
	var advisories, through []string
	for _, via := range v.Via {
		switch {
		case via.Advisory != nil:
			a := via.Advisory
			s := a.Title
			if id := ghsa(a.URL); id != "" {
				s += " (" + id + ", " + a.Severity + ")"
			} else {
				s += " (" + a.Severity + ")"
			}
			if !slices.Contains(advisories, s) {
				advisories = append(advisories, s)
			}
		case via.Dependency != "" && !slices.Contains(through, via.Dependency):
			through = append(through, via.Dependency)
		}
	}
	if len(advisories) > 0 {
		b.WriteString(": " + strings.Join(advisories, "; "))
	}
	if len(through) > 0 {
		if len(advisories) > 0 {
			b.WriteString("; also")
		}
		b.WriteString(" vulnerable through " + strings.Join(through, ", "))
	}
	b.WriteString("\n" + fixText(v.FixAvailable))
	return b.String()
}

func fixText(f FixAvailable) string {
	switch {
	case !f.Available:
		return "No fix available."
	case f.Name == "":
		return "Fix: npm audit fix."
	case f.SemVerMajor:
		return fmt.Sprintf("Fix: npm audit fix --force (installs %s@%s, a semver-major change).", f.Name, f.Version)
	}
	return fmt.Sprintf("Fix: npm audit fix (updates %s to %s).", f.Name, f.Version)
}

// ghsa extracts the advisory id from its URL.
func ghsa(url string) string {
	i := strings.LastIndex(url, "/")
	if id := url[i+1:]; strings.HasPrefix(id, "GHSA-") {
		return id
	}
	return ""
}

// lockIndex reads a package-lock.json: each package path's version, and the
// line and column of its key, where findings are placed.
func lockIndex(lock []byte) (map[string]string, map[string][2]int) {
	versions := map[string]string{}
	lines := map[string][2]int{}
	var l struct {
		Packages map[string]struct {
			Version string `json:"version"`
		} `json:"packages"`
	}
	if json.Unmarshal(lock, &l) != nil {
		return versions, lines
	}
	for p, e := range l.Packages {
		versions[p] = e.Version
	}
	for i, line := range strings.Split(string(lock), "\n") {
		t := strings.TrimSpace(line)
		if !strings.HasPrefix(t, `"`) || !strings.HasSuffix(t, `": {`) {
			continue
		}
		key := strings.TrimSuffix(strings.TrimPrefix(t, `"`), `": {`)
		if _, ok := versions[key]; ok {
			if _, seen := lines[key]; !seen {
				lines[key] = [2]int{i + 1, strings.Index(line, `"`) + 1}
			}
		}
	}
	return versions, lines
}

func summary(r *Report) string {
	c := r.Metadata.Vulnerabilities
	s := fmt.Sprintf("npm audit (report v%d): %d vulnerable packages of %d dependencies — critical %d, high %d, moderate %d, low %d, info %d",
		r.AuditReportVersion, c["total"], r.Metadata.Dependencies.Total, c["critical"], c["high"], c["moderate"], c["low"], c["info"])
	return s
}

// quietStderr drops npm's configuration warnings, which say nothing about
// the audit.
func quietStderr(stderr []byte) string {
	var keep []string
	for _, l := range strings.Split(string(stderr), "\n") {
		if strings.Contains(l, "Unknown user config") || strings.Contains(l, "Unknown env config") || strings.TrimSpace(l) == "" {
			continue
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, "\n")
}
