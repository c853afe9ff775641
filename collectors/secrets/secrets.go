// Package secrets finds committed credentials: well-known default and weak
// passwords, credentials inside URLs, random-looking values under secret
// names, well-known key formats (private keys, AWS, Stripe, GitHub, Slack,
// Google, JWTs) and .env files that git does not ignore. It reads .env*,
// compose files, Dockerfiles, Kubernetes manifests and config files
// (JSON, YAML, TOML, INI, properties) itself, without an external tool, and
// merges the findings of gitleaks when gitleaks is on PATH.
//
// No value ever leaves the scanner: a finding shows the key, the rule, the
// value's length and a keyed hash (see Redactor). Rescans in the cockpit
// read only the files that changed; the rest come from a per-file cache.
package secrets

import (
	"cmp"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/rules"
	"github.com/preflight-dev/preflight/ignore"
	"github.com/preflight-dev/preflight/internal/repofs"
	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/proc"
)

// Kind is the collector kind; ids are "secrets:<repository>".
const Kind = "secrets"

// Domain is where secret findings are scored.
const Domain = "security"

// inputGlobs are the files the built-in scanner reads, plus .gitignore
// files, whose changes decide which .env files are ignored.
var inputGlobs = []string{
	"**/.env", "**/.env.*", "**/*.env", "**/.envrc", "**/.npmrc", "**/.pypirc",
	"**/{env,.env,ENV}{-,_}*", "**/{env,ENV}.{example,sample,template,dist,defaults}", "**/*.env.{example,sample,template,dist,defaults}",
	"**/Dockerfile", "**/Dockerfile.*", "**/*.Dockerfile", "**/*.dockerfile",
	"**/{Makefile,makefile,GNUmakefile}", "**/*.mk",
	"**/*.{yaml,yml,json,toml,ini,properties,cfg,conf,tfvars,tf}",
	"**/*.{pem,key}", "**/id_{rsa,dsa,ecdsa,ed25519}",
	"**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts,py,go,svelte,vue,astro}",
	"**/.gitignore",
}

// lookGitleaks finds gitleaks on PATH; tests replace it.
var lookGitleaks = func() (string, error) { return exec.LookPath(GitleaksTool) }

// Detect returns the secrets collector when the repository has a file the
// scanner reads, or any file at all when gitleaks is installed (gitleaks
// also reads source code).
func Detect(root string, files []string) []collectors.Collector {
	_, err := lookGitleaks()
	withGitleaks := err == nil
	relevant := false
	for _, f := range files {
		if Scanned(f) || (withGitleaks && !strings.HasSuffix(f, ".gitignore")) {
			relevant = true
			break
		}
	}
	if !relevant {
		return nil
	}
	return []collectors.Collector{&Collector{
		id:        Kind + ":" + model.RootTarget,
		detected:  append([]string(nil), files...),
		wantLeaks: withGitleaks,
	}}
}

// Collector scans one repository. It keeps a per-file cache between runs,
// so it is safe for one engine to drive; runs are serialised.
type Collector struct {
	id        string
	detected  []string // the file list detection saw, used by the first run
	wantLeaks bool     // gitleaks was on PATH at detection: every file is an input

	mu       sync.Mutex
	redactor *Redactor
	matcher  *ignore.Matcher
	cache    map[string]*fileEntry // by repo-relative path; nil until the first full run
}

// fileEntry is what is known about one file: the built-in scan and
// gitleaks's findings, each for the content they were made from. There is
// one per scanned file, tens of thousands in a large tree, and nearly all
// found nothing: what was found hangs off pointers that are nil then.
type fileEntry struct {
	sum     [32]byte
	scanned bool       // the built-in scanner reads this kind of file
	scan    *FileScan  // nil when the scan found nothing
	leaks   *fileLeaks // nil unless gitleaks reported the file
}

// fileLeaks is what gitleaks reported in one file.
type fileLeaks struct {
	findings []GitleaksFinding
	lines    []string // the file's lines, to measure gitleaks's spans
	sum      [32]byte
}

// found keeps a scan that found something; nothing is nil.
func found(s FileScan) *FileScan {
	if len(s.Hits) == 0 && s.Placeholders == 0 && len(s.Expired) == 0 && len(s.Suppressions) == 0 && s.SecretSettings == 0 {
		return nil
	}
	return &s
}

func (c *Collector) ID() string     { return c.id }
func (c *Collector) Kind() string   { return Kind }
func (c *Collector) Domain() string { return Domain }

// Inputs are the scanned file kinds; with gitleaks, every file.
func (c *Collector) Inputs() []string {
	if c.wantLeaks {
		return []string{"**/*"}
	}
	return append([]string(nil), inputGlobs...)
}

// run is one run's bookkeeping.
type run struct {
	root      string
	id        string
	req       collectors.Request // for gitleaks: its timeout
	rescanned int
	skipped   []string
	expired   []string // tokens past their expiry, file:line
	leaks     leakRun
}

// leakRun records what gitleaks did in one run.
type leakRun struct {
	missing  bool // gitleaks is not on PATH
	ran      bool
	commands []string
	exit     int
	err      error
	stderr   string
}

// Run scans the whole tree on a full run (Changed empty, or a .gitignore
// changed) and only the changed files otherwise.
func (c *Collector) Run(ctx context.Context, req collectors.Request) model.Result {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.redactor == nil {
		// An error here only means the key is not persisted: the random
		// fallback is still a valid key.
		c.redactor, _ = InstallationRedactor()
	}
	r := &run{root: absRoot(req.Root), id: c.id, req: req}
	r.req.Root = r.root // gitleaks runs at the absolute root
	_, lookErr := lookGitleaks()
	useLeaks := lookErr == nil
	r.leaks.missing = !useLeaks

	var err error
	if c.cache == nil || len(req.Changed) == 0 || ignoreRulesChanged(req.Changed) {
		err = c.fullScan(ctx, r, useLeaks)
	} else {
		err = c.incremental(ctx, r, req.Changed, useLeaks)
	}
	if err != nil {
		if ctx.Err() != nil {
			return model.Unknown(c.id, Kind, Domain, "cancelled before the scan finished", "")
		}
		res := model.Unknown(c.id, Kind, Domain, "could not list the repository's files: "+err.Error(), "")
		res.Status = model.StatusError
		return res
	}
	return c.result(r)
}

// ignoreRulesChanged: a changed ignore file can hide or reveal any file.
func ignoreRulesChanged(changed []string) bool {
	for _, p := range changed {
		if path.Base(p) == ".gitignore" {
			return true
		}
	}
	return false
}

func (c *Collector) loadMatcher(root string) error {
	if c.matcher != nil && c.matcher.Root() == absRoot(root) {
		return nil
	}
	m, err := ignore.Load(root)
	if err != nil {
		return err
	}
	c.matcher = m
	return nil
}

func absRoot(root string) string {
	abs, err := filepath.Abs(root)
	if err != nil {
		return root
	}
	return abs
}

// fullScan lists every non-ignored file and scans the ones the built-in
// scanner reads; unchanged content is taken from the cache.
func (c *Collector) fullScan(ctx context.Context, r *run, useLeaks bool) error {
	var files []string
	if c.cache == nil && c.detected != nil {
		files = c.detected
		c.detected = nil
	} else {
		m, err := ignore.Load(r.root)
		if err != nil {
			return err
		}
		c.matcher = m
		files, err = ignore.ListFiles(r.root, m)
		var unreadable *ignore.UnreadableError
		if err != nil && !errors.As(err, &unreadable) {
			return err
		}
	}
	old := c.cache
	c.cache = map[string]*fileEntry{}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !Scanned(f) || collectors.NotTheProjects(f) {
			continue
		}
		c.scanFile(r, f, old[f])
	}
	if useLeaks {
		c.gitleaksAll(ctx, r, old, files)
	}
	return ctx.Err()
}

// incremental rescans the changed paths: a deleted or now-ignored file
// leaves the cache, a new or edited one is scanned again, a new directory
// is walked.
func (c *Collector) incremental(ctx context.Context, r *run, changed []string, useLeaks bool) error {
	if err := c.loadMatcher(r.root); err != nil {
		return err
	}
	var touched []string
	seen := map[string]bool{}
	add := func(rel string) {
		if !seen[rel] {
			seen[rel] = true
			touched = append(touched, rel)
		}
	}
	for _, p := range changed {
		rel := path.Clean(filepath.ToSlash(p))
		abs := filepath.Join(r.root, filepath.FromSlash(rel))
		st, err := os.Stat(abs)
		switch {
		case err == nil && st.IsDir():
			if c.matcher.Ignored(rel, true) {
				continue
			}
			_ = ignore.WalkDir(r.root, rel, c.matcher, func(f string, d fs.DirEntry) error {
				if d.Type().IsRegular() {
					add(f)
				}
				return nil
			})
			// Files under a removed or replaced directory are dropped below
			// when they no longer exist.
			for f := range c.cache {
				if strings.HasPrefix(f, rel+"/") {
					add(f)
				}
			}
		default:
			add(rel)
		}
	}
	sort.Strings(touched)
	var leakTargets []string
	for _, rel := range touched {
		if err := ctx.Err(); err != nil {
			return err
		}
		abs := filepath.Join(r.root, filepath.FromSlash(rel))
		st, err := os.Stat(abs)
		if err != nil || !st.Mode().IsRegular() || c.matcher.Ignored(rel, false) || collectors.NotTheProjects(rel) {
			delete(c.cache, rel)
			continue
		}
		prev := c.cache[rel]
		delete(c.cache, rel)
		if Scanned(rel) {
			c.scanFile(r, rel, prev)
		}
		if useLeaks {
			if prev != nil && prev.leaks != nil {
				// Carried over until gitleaks has looked at the new content.
				c.entry(rel).leaks = prev.leaks
			}
			leakTargets = append(leakTargets, rel)
		}
	}
	if useLeaks && len(leakTargets) > 0 {
		c.gitleaksFiles(ctx, r, leakTargets)
	}
	return ctx.Err()
}

// entry returns the cache entry of rel, creating it.
func (c *Collector) entry(rel string) *fileEntry {
	e := c.cache[rel]
	if e == nil {
		e = &fileEntry{}
		c.cache[rel] = e
	}
	return e
}

// scanFile reads and scans one file, reusing prev when the content is the
// same.
func (c *Collector) scanFile(r *run, rel string, prev *fileEntry) {
	abs := filepath.Join(r.root, filepath.FromSlash(rel))
	st, err := os.Stat(abs)
	if err != nil {
		return
	}
	if st.Size() > MaxFileSize {
		r.skipped = append(r.skipped, rel+" (larger than 1 MiB)")
		return
	}
	data, err := repofs.ReadFile(r.root, abs)
	if err != nil {
		r.skipped = append(r.skipped, rel+" (unreadable)")
		return
	}
	sum := sha256.Sum256(data)
	e := c.entry(rel)
	e.sum, e.scanned = sum, true
	if prev != nil && prev.scanned && prev.sum == sum {
		e.scan = prev.scan
		return
	}
	e.scan = found(ScanFile(rel, data, c.redactor))
	r.rescanned++
}

// gitleaksAll runs gitleaks once over the repository's files (those the
// ignore rules keep) and files its findings under their files, dropping
// any in ignored files.
func (c *Collector) gitleaksAll(ctx context.Context, r *run, old map[string]*fileEntry, files []string) {
	fs, err := r.gitleaksKept(ctx, files)
	if err != nil {
		// Keep what gitleaks said last time rather than nothing.
		for f, e := range old {
			if e.leaks != nil {
				c.entry(f).leaks = e.leaks
			}
		}
		return
	}
	if c.matcher == nil {
		if err := c.loadMatcher(r.root); err != nil {
			r.leaks.err = err
			return
		}
	}
	c.fileLeaks(r, fs, nil)
}

// gitleaksFiles runs gitleaks on each changed file; many changes at once
// are one run over the tree instead.
func (c *Collector) gitleaksFiles(ctx context.Context, r *run, files []string) {
	const maxPerFile = 20
	if len(files) > maxPerFile {
		all, _ := ignore.ListFiles(r.root, c.matcher)
		fs, err := r.gitleaksKept(ctx, all)
		if err != nil {
			return
		}
		for f, e := range c.cache {
			c.dropLeaks(f, e)
		}
		c.fileLeaks(r, fs, nil)
		return
	}
	for _, f := range files {
		abs := filepath.Join(r.root, filepath.FromSlash(f))
		fs, err := r.gitleaks(ctx, abs)
		if err != nil {
			return
		}
		if e := c.cache[f]; e != nil {
			c.dropLeaks(f, e)
		}
		c.fileLeaks(r, fs, map[string]bool{f: true})
	}
}

// dropLeaks forgets what gitleaks found in f before a new run says it
// again; an entry that only gitleaks made goes with it.
func (c *Collector) dropLeaks(f string, e *fileEntry) {
	e.leaks = nil
	if !e.scanned {
		delete(c.cache, f)
	}
}

// gitleaksKept runs gitleaks over files, the repository's files that the
// ignore rules keep, through a tree of links to them; over the whole
// working tree when the links cannot be made (or no list was had).
func (r *run) gitleaksKept(ctx context.Context, files []string) ([]GitleaksFinding, error) {
	target := r.root
	if len(files) > 0 {
		if tree, err := linkTree(r.root, files); err == nil {
			defer os.RemoveAll(tree)
			target = tree
		}
	}
	return r.gitleaks(ctx, target)
}

// gitleaks runs gitleaks on target and records the run, its failure
// included, for the evidence: every run counts, not only the last.
func (r *run) gitleaks(ctx context.Context, target string) ([]GitleaksFinding, error) {
	args, out, fs, err := runGitleaks(ctx, collectors.NewBase(r.id, Kind, Domain), r.req, target)
	r.leaks.ran = true
	r.leaks.commands = append(r.leaks.commands, displayCmd(args, r.root))
	r.leaks.exit, r.leaks.stderr = out.ExitCode, string(out.Stderr)
	if err != nil {
		r.leaks.err = err
	}
	return fs, err
}

// fileLeaks stores gitleaks findings with their files; only lets through
// files in only (when set) that the ignore rules do not hide.
func (c *Collector) fileLeaks(r *run, fs []GitleaksFinding, only map[string]bool) {
	for _, f := range fs {
		if (only != nil && !only[f.File]) || filepath.IsAbs(f.File) || c.matcher.Ignored(f.File, false) || collectors.NotTheProjects(f.File) {
			continue
		}
		e := c.entry(f.File)
		if e.leaks == nil {
			data, err := repofs.ReadFile(r.root, filepath.FromSlash(f.File))
			if err != nil {
				continue
			}
			e.leaks = &fileLeaks{
				lines: strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n"),
				sum:   sha256.Sum256(data),
			}
		}
		e.leaks.findings = append(e.leaks.findings, f)
	}
}

// displayCmd renders a gitleaks command with the root shown as ".", as a
// user would paste it from the repository root.
func displayCmd(args []string, root string) string {
	args = append([]string(nil), args...)
	n := len(args)
	if n > 0 && isLinkTree(args[n-1]) {
		// The links are gone when the run ends: say what they were.
		return proc.Cmd{Name: GitleaksTool, Args: args[:n-1]}.String() + " <links to the repository's files that .gitignore keeps>"
	}
	if n > 0 {
		if rel, err := filepath.Rel(root, args[n-1]); err == nil {
			args[n-1] = filepath.ToSlash(rel)
		}
	}
	return proc.Cmd{Name: GitleaksTool, Args: args}.String()
}

// result turns the cache into findings, facts and evidence.
func (c *Collector) result(r *run) model.Result {
	files := slices.Sorted(maps.Keys(c.cache))

	var findings []model.Finding
	var labels []string // full messages, set after fingerprinting
	scannedFiles, placeholders, suppressed, merged, leaks := 0, 0, 0, 0, 0
	byRule := map[string]int{}
	samples := c.sampleValues(files)
	for _, f := range files {
		e := c.cache[f]
		ctxt := Classify(f)
		var hits []Hit
		if e.scanned {
			scannedFiles++
			if e.scan != nil {
				placeholders += e.scan.Placeholders
				hits = append(hits, e.scan.Hits...)
			}
			if IsDotenv(f) {
				hits = append(hits, Hit{Rule: RuleDotenvNotIgnored.ID, What: ".env file that git does not ignore"})
			}
		}
		ours := map[int]bool{}
		for _, h := range hits {
			ours[h.Line] = true
		}
		expired := map[int]bool{}
		if e.scan != nil {
			for _, x := range e.scan.Expired {
				expired[x.Line] = true
				r.expired = append(r.expired, fmt.Sprintf("%s:%d (expired %s)", f, x.Line, x.Exp.Format(time.DateOnly)))
			}
		}
		if e.leaks != nil {
			leaks += len(e.leaks.findings)
			for _, lf := range e.leaks.findings {
				// gitleaks and preflight often see the same secret: one
				// finding per file:line, preflight's (it names the key).
				if ours[lf.StartLine] || expired[lf.StartLine] && likeGitleaks(lf.RuleID) == RuleJWT.ID {
					continue
				}
				ours[lf.StartLine] = true
				hits = append(hits, gitleaksHit(lf, e.leaks.lines, c.redactor))
				merged++
			}
		}
		var fileFindings []model.Finding
		var fileLabels []string
		// A .env that names no secret and holds nothing a scanner reports
		// is a front end's public settings, committed on purpose (Vite,
		// Next.js): its not being ignored is worth a look, not a high.
		publicEnv := (e.scan == nil || e.scan.SecretSettings == 0) && len(hits) == 1
		for _, h := range hits {
			hc, note := ctxt, ""
			switch {
			case hc != Production:
			case h.Weak && IsCIConfig(f):
				hc = CI
			case h.Weak && IsMakefile(f):
				hc = Tasks
			case h.Weak && h.Local:
				hc = LocalOnly
			case IsCIConfig(f) && h.Digest != "" && samples[h.Digest] != "":
				// The value the repository's dev/test files give too
				// (JWT_SECRET of .env.example): the job's test value.
				hc, note = CI, " [CI file, the value of "+samples[h.Digest]+"]"
			}
			fd := model.Finding{
				Collector: c.id, Domain: Domain, Severity: severity(cmp.Or(h.Like, h.Rule), hc),
				Rule: h.Rule, Message: h.Message(), File: f, Line: h.Line, Column: h.Column,
			}
			switch {
			case h.Rule == RuleDotenvNotIgnored.ID && publicEnv:
				fd.Severity, note = model.Info, " [no secret-named setting in it]"
			case h.Browser:
				fd.Severity, note = model.Low, " [a browser key: restrict it to your sites' referrers and its APIs]"
			}
			fileFindings = append(fileFindings, fd)
			fileLabels = append(fileLabels, h.Label()+cmp.Or(note, contextNote(hc)))
		}
		if e.scanned && e.scan != nil && len(e.scan.Suppressions) > 0 {
			kept, n, extra := applySuppressions(f, fileFindings, fileLabels, e.scan.Suppressions)
			suppressed += n
			fileFindings, fileLabels = kept.findings, kept.labels
			for _, x := range extra {
				x.Collector, x.Domain = c.id, Domain
				fileFindings = append(fileFindings, x)
				fileLabels = append(fileLabels, x.Message)
			}
		}
		findings = append(findings, fileFindings...)
		labels = append(labels, fileLabels...)
	}
	// Fingerprints hash the message without the digest (see Hit.Message),
	// then people get the full label.
	model.AssignIDs(findings)
	for i := range findings {
		findings[i].Message = labels[i]
		byRule[findings[i].Rule]++
	}
	model.SortFindings(findings)

	facts := map[string]float64{
		"files":           float64(scannedFiles),
		"files.rescanned": float64(r.rescanned),
		"files.skipped":   float64(len(r.skipped)),
		"secrets":         float64(len(findings)),
		"placeholders":    float64(placeholders),
	}
	if suppressed > 0 {
		facts["suppressed"] = float64(suppressed)
	}
	if len(r.expired) > 0 {
		facts["expired_tokens"] = float64(len(r.expired))
	}
	command := fmt.Sprintf("scanned %d files (preflight built-in rules)", scannedFiles)
	exit := -1
	if r.leaks.ran {
		// What gitleaks reported, as it counts it; and how many of those
		// became findings of their own (the others share a line with
		// one of preflight's).
		facts["gitleaks.findings"] = float64(leaks)
		facts["gitleaks.added"] = float64(merged)
		command += "; " + strings.Join(r.leaks.commands, "; ")
		exit = r.leaks.exit
	}
	hint := ""
	switch {
	case r.leaks.missing:
		hint = GitleaksHint
	case r.leaks.err != nil:
		hint = "gitleaks failed (" + collectors.Clip(c.redactor.Redact(r.leaks.err.Error()), 120) + "): only preflight's built-in rules and gitleaks's earlier findings count; run the command shown to see why"
	}
	return model.Result{
		Collector: c.id, Kind: Kind, Domain: Domain,
		Status:   model.StatusOK,
		Hint:     hint,
		Command:  command,
		ExitCode: exit,
		Facts:    facts,
		Findings: findings,
		Output:   c.summary(r, scannedFiles, placeholders, byRule),
		// Messages are built from key names, lengths and keyed hashes
		// ("POSTGRES_PASSWORD: well-known default …"), never from values;
		// masked again, they would read as assignments and lose words.
		ValueFree: true,
	}
}

// sampleValues are the digests of the values found in dev/test files
// (.env.example, test fixtures), each with the first file:line that has
// it.
func (c *Collector) sampleValues(files []string) map[string]string {
	out := map[string]string{}
	for _, f := range files {
		e := c.cache[f]
		if e.scan == nil || Classify(f) != DevTest || IsCIConfig(f) {
			continue
		}
		for _, h := range e.scan.Hits {
			if _, seen := out[h.Digest]; h.Digest != "" && !seen {
				out[h.Digest] = fmt.Sprintf("%s:%d", f, h.Line)
			}
		}
	}
	return out
}

func contextNote(ctx Context) string {
	switch ctx {
	case DevTest:
		return " [dev/test file]"
	case CI:
		return " [CI file]"
	case LocalOnly:
		return " [localhost]"
	case Tasks:
		return " [Makefile]"
	}
	return ""
}

// labelled carries findings with their display messages.
type labelled struct {
	findings []model.Finding
	labels   []string
}

func applySuppressions(file string, fs []model.Finding, labels []string, sups []rules.Suppression) (labelled, int, []model.Finding) {
	kept, n, extra := rules.Apply(file, fs, sups)
	var out labelled
	k := 0
	for i, f := range fs {
		if k < len(kept) && kept[k] == f {
			out.findings = append(out.findings, f)
			out.labels = append(out.labels, labels[i])
			k++
		}
	}
	return out, n, extra
}

// ansiEscape matches the colour codes gitleaks writes to its log even when
// asked not to.
var ansiEscape = regexp.MustCompile("\x1b\\[[0-9;]*[A-Za-z]")

// summary is the evidence excerpt: what was scanned and found, never a
// value. gitleaks's own log lines are passed through the redactor.
func (c *Collector) summary(r *run, files, placeholders int, byRule map[string]int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "scanned %d files (%d read this run), %d placeholders left alone\n", files, r.rescanned, placeholders)
	ids := slices.Sorted(maps.Keys(byRule))
	for _, id := range ids {
		fmt.Fprintf(&b, "%s × %d\n", id, byRule[id]) // not "id: n", which reads as a credential's assignment
	}
	for _, s := range r.skipped {
		fmt.Fprintf(&b, "skipped %s\n", s)
	}
	for _, s := range r.expired {
		fmt.Fprintf(&b, "JWT past its exp, not reported: %s\n", s)
	}
	switch {
	case r.leaks.missing:
		b.WriteString("gitleaks not on PATH: built-in rules only\n")
	case r.leaks.err != nil:
		fmt.Fprintf(&b, "gitleaks failed, its earlier findings are kept: %s\n", c.redactor.Redact(r.leaks.err.Error()))
		if s := strings.TrimSpace(r.leaks.stderr); s != "" {
			b.WriteString(c.redactor.Redact(proc.Excerpt(ansiEscape.ReplaceAllString(s, ""), 10)) + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}
