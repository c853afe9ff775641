// Package bundle measures what a web package ships: the build output on
// disk (.next/static, dist, build, out) — total bytes, gzip bytes of its
// JavaScript and CSS, the largest files — against a JavaScript budget, for
// the Performance domain.
//
// Build outputs are not in the file list detection gets (they are ignored
// like node_modules), so each package directory is looked at on disk. An
// output older than the sources it is built from is stale: its numbers
// are shown but marked unknown until it is rebuilt. A package with a
// build script and no output is unknown too: nothing was measured.
package bundle

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/nodepkg"
	"github.com/preflight-dev/preflight/collectors/reportfile"
	"github.com/preflight-dev/preflight/collectors/rules"
	"github.com/preflight-dev/preflight/model"
)

const (
	// Kind is the collector family.
	Kind = "bundle"
	// Domain is where bundle sizes count.
	Domain = "performance"
)

// JSGzipBudget is the default budget, in bytes, for the gzipped
// JavaScript of one build output; preflight.yaml's budgets.bundle_size
// reaches a run as req.Budgets.
const JSGzipBudget int64 = 500_000

// OutputDirs are the build output directories looked for in a package, in
// order of preference: Next.js client assets first (the rest of .next is
// server code), then the usual bundler outputs.
var OutputDirs = []string{".next/static", ".svelte-kit/output/client", ".output/public", "public/build", "dist", "build", "out"}

// clientOutputs hold only what a framework sends to browsers, beside its
// server code: measured whenever present. SvelteKit writes its client
// assets to .svelte-kit/output/client whatever the adapter, which copies
// them on (build/client with adapter-node, next to the server); Nuxt and
// other Nitro apps to .output/public, beside .output/server; Remix's
// classic compiler to public/build, beside the server in build/ (and
// Svelte's and Laravel's Vite templates write their bundles there too).
var clientOutputs = map[string]bool{".next/static": true, ".svelte-kit/output/client": true, ".output/public": true, "public/build": true}

// clientPart is the part of an output that browsers download: an output
// that holds a server beside its client (Astro with a server adapter,
// React Router and Remix: dist/client and dist/server) ships client/ only.
func clientPart(abs, output string) string {
	for _, sub := range []string{"client", "server"} {
		if info, err := os.Stat(filepath.Join(abs, filepath.FromSlash(output), sub)); err != nil || !info.IsDir() {
			return output
		}
	}
	return output + "/client"
}

// staleSlack absorbs file-system timestamp granularity: a source saved
// within this of the newest output is not taken as newer.
const staleSlack = time.Second

// RuleOverBudget is reported when an output's JavaScript is over budget.
var RuleOverBudget = rules.Rule{
	ID:        "bundle/over-budget",
	Severity:  model.High,
	Title:     "JavaScript bundle over budget",
	Rationale: "Every kilobyte of JavaScript is downloaded, parsed and compiled before the page responds; on a mid-range phone on a slow network a few hundred kilobytes already cost seconds.",
	Fix:       "Split the bundle by route (dynamic import), drop or replace heavy dependencies, and check the largest files listed in the evidence.",
	Reference: "web.dev, Your first performance budget; Alex Russell, Can you afford it? Real-world web performance budgets",
}

// AllRules lists every rule the family reports, for the rule catalogue.
func AllRules() []rules.Rule { return []rules.Rule{RuleOverBudget} }

// Detect returns one collector per package (a directory with a
// package.json, outside node_modules and test fixtures) that has a build script or a build
// output on disk. A workspace root whose build only drives its workspaces
// gets none unless it has an output of its own.
func Detect(root string, files []string) []collectors.Collector {
	var pkgs []*Package
	embedded := nodepkg.Embedded(root, files) // a member's template is not an app
	manifests := nodepkg.ManifestDirs(files)
	for _, f := range files {
		if path.Base(f) != "package.json" || skippedPackage(f) || embedded[path.Dir(f)] || nodepkg.InSources(path.Dir(f), manifests) {
			continue
		}
		dir := path.Dir(f)
		abs := filepath.Join(root, filepath.FromSlash(dir))
		m, err := readManifest(root, filepath.Join(abs, "package.json"))
		// Budgets are for apps that ship to browsers: not libraries, not
		// servers, not a workspace root that only builds its packages.
		if err != nil || !m.shipsToBrowsers(abs) || m.orchestrates(abs, hasMembers(dir, manifests)) {
			continue
		}
		outputs := findOutputs(abs)
		if !m.hasBuild() && len(outputs) == 0 {
			continue
		}
		if m.Private && exampleApp(dir) && len(outputs) == 0 {
			continue // a sample of the project, not what it ships; measured once built
		}
		pkgs = append(pkgs, &Package{root: root, dir: dir})
	}
	sort.Slice(pkgs, func(i, j int) bool { return pkgs[i].dir < pkgs[j].dir })
	name(pkgs)
	out := make([]collectors.Collector, len(pkgs))
	for i, p := range pkgs {
		out[i] = p
	}
	return out
}

// hasMembers reports whether a package directory has other packages
// below it, which a workspace of it could build.
func hasMembers(dir string, manifests map[string]bool) bool {
	for m := range manifests {
		if m != dir && (dir == "." || strings.HasPrefix(m, dir+"/")) {
			return true
		}
	}
	return false
}

// name gives each package the base name of its directory, or its path when
// two share a base name (see collectors.TargetNames).
func name(pkgs []*Package) {
	dirs := make([]string, len(pkgs))
	for i, p := range pkgs {
		dirs[i] = p.dir
	}
	names := collectors.TargetNames(dirs)
	for _, p := range pkgs {
		p.id = Kind + ":" + names[p.dir]
	}
}

// skippedPackage: dependencies are not the project's packages, and test
// fixtures are not shipped.
func skippedPackage(p string) bool {
	for _, seg := range strings.Split(path.Dir(p), "/") {
		switch seg {
		case "node_modules", "testdata", "fixtures", "__fixtures__":
			return true
		}
	}
	return false
}

// exampleDirs are where projects keep sample apps that show how to use
// them: built by hand, if ever, and not shipped.
var exampleDirs = map[string]bool{"example": true, "examples": true, "demo": true, "demos": true,
	"playground": true, "playgrounds": true, "sandbox": true, "sandboxes": true}

// exampleApp reports whether a package directory lies in an examples
// directory (not the repository's own root).
func exampleApp(dir string) bool {
	for _, seg := range strings.Split(dir, "/") {
		if exampleDirs[seg] {
			return true
		}
	}
	return false
}

// findOutputs lists the output directories that exist in a package
// directory, in OutputDirs order.
func findOutputs(dir string) []string {
	var out []string
	for _, o := range OutputDirs {
		if info, err := os.Stat(filepath.Join(dir, filepath.FromSlash(o))); err == nil && info.IsDir() {
			out = append(out, o)
		}
	}
	return out
}

// Package measures the build output of one package.
type Package struct {
	id   string
	root string
	dir  string // repo-relative, "." for the root
}

var _ collectors.Collector = (*Package)(nil)

func (p *Package) ID() string     { return p.id }
func (p *Package) Kind() string   { return Kind }
func (p *Package) Domain() string { return Domain }

// Dir is the package directory, repo-relative.
func (p *Package) Dir() string { return p.dir }

func (p *Package) Cost() collectors.Cost { return collectors.CostFiles }

// Inputs are the package's files: a change to a source makes the output
// stale. (Output directories are ignored; the globs name them for a tree
// whose ignore rules keep them.)
func (p *Package) Inputs() []string {
	prefix := ""
	if p.dir != "." {
		prefix = collectors.EscapeGlob(p.dir) + "/"
	}
	globs := []string{prefix + "**"}
	for _, o := range OutputDirs {
		globs = append(globs, prefix+o+"/**")
	}
	return globs
}

// Outputs are the output directories it looks for: a build that writes
// one measures again.
func (p *Package) Outputs() []string {
	out := make([]string, len(OutputDirs))
	for i, o := range OutputDirs {
		out[i] = p.rel(o)
	}
	return out
}

// Reusable: never. What it measures is the build output, which the
// ignore rules keep out of every key: a rebuild, or an output deleted,
// changes no input. Measuring it again costs less than a wrong size.
func (p *Package) Reusable() bool { return false }

func (p *Package) rel(sub string) string {
	if p.dir == "." {
		return sub
	}
	return p.dir + "/" + sub
}

// Run measures the output directory on disk now.
func (p *Package) Run(ctx context.Context, req collectors.Request) model.Result {
	root := req.Root
	if root == "" {
		root = p.root
	}
	ctx, cancel := req.WithTimeout(ctx)
	defer cancel()
	abs := filepath.Join(root, filepath.FromSlash(p.dir))
	m, err := readManifest(root, filepath.Join(abs, "package.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return p.result(model.StatusSkipped, p.rel("package.json")+" no longer exists")
	}
	build := nodepkg.BuildLine(root, p.dir)
	outputs := findOutputs(abs)
	if len(outputs) == 0 {
		if err == nil && !m.hasBuild() {
			return p.result(model.StatusSkipped, "no build script and no build output")
		}
		where := p.dir
		if where == "." {
			where = "the repository root"
		}
		return model.Unknown(p.id, Kind, Domain,
			fmt.Sprintf("no build output in %s (looked for %s): build the project to measure", where, strings.Join(OutputDirs, ", ")),
			"build the project to measure: "+build)
	}
	primary, err := p.primary(abs, outputs)
	if err != nil {
		return p.interrupted(err, "")
	}
	if primary == ".next/static" && !nodepkg.IsFile(filepath.Join(abs, ".next", "BUILD_ID")) {
		// next build writes BUILD_ID when it finishes; what a failed
		// build or next dev left in .next/static is no build.
		return model.Unknown(p.id, Kind, Domain, p.rel(".next")+" has no BUILD_ID: the last next build did not finish (or only next dev ran), so .next/static is no build to measure",
			"build the project to measure: "+build)
	}
	primary = clientPart(abs, primary)
	meas, err := Measure(ctx, filepath.Join(abs, filepath.FromSlash(primary)), p.rel(primary))
	if err != nil {
		return p.interrupted(err, "could not measure "+p.rel(primary))
	}
	if meas.Files == 0 {
		return model.Unknown(p.id, Kind, Domain, p.rel(primary)+" is empty: build the project to measure", "build the project to measure: "+build)
	}
	budget := JSGzipBudget
	if req.Budgets.BundleJSGzipBytes > 0 {
		budget = req.Budgets.BundleJSGzipBytes
	}
	r := model.Result{
		Collector: p.id, Kind: Kind, Domain: Domain, Status: model.StatusOK, ExitCode: -1,
		Command: fmt.Sprintf("measured %s (preflight built-in: file sizes, gzip at the default level of each JavaScript and CSS file)", meas.Dir),
		Facts: map[string]float64{
			"bundle.bytes":           float64(meas.Bytes),
			"bundle.gzip_bytes":      float64(meas.GzipBytes),
			"bundle.js_gzip_bytes":   float64(meas.JSGzipBytes),
			"bundle.files":           float64(meas.Files),
			"bundle.js_budget_bytes": float64(budget),
		},
	}
	entry, entryFiles, hasEntry := EntryLoad(filepath.Join(abs, filepath.FromSlash(primary)), meas)
	if hasEntry {
		r.Facts["bundle.entry_js_gzip_bytes"] = float64(entry)
	}
	if meas.JSGzipBytes > budget {
		opens := ""
		if hasEntry {
			// All of it counts; what the first page loads says how much of
			// that is on demand (pocketbase's TinyMCE: 412 of 658 kB).
			opens = fmt.Sprintf(" (%s/index.html loads %s of it when it opens)", meas.Dir, kB(entry))
		}
		r.Findings = append(r.Findings, RuleOverBudget.Finding(p.rel("package.json"), m.buildLine, 0,
			fmt.Sprintf("JavaScript in %s is %s gzipped, over the %s budget by %s%s", meas.Dir,
				kB(meas.JSGzipBytes), kB(budget), kB(meas.JSGzipBytes-budget), opens)))
	}
	for i := range r.Findings {
		r.Findings[i].Collector, r.Findings[i].Domain = p.id, Domain
	}
	model.AssignIDs(r.Findings)
	r.Output = p.report(meas, outputs, primary, budget)
	if hasEntry {
		r.Output += fmt.Sprintf("\nindex.html loads %s gzipped of it when it opens (%d scripts and preloaded chunks)", kB(entry), entryFiles)
	}

	src, err := NewestSource(ctx, abs, p.dir)
	if err != nil {
		return p.interrupted(err, "could not read the sources of "+p.dir)
	}
	if src.ModTime.Sub(meas.Newest) > staleSlack {
		r.Status = model.StatusUnknown
		r.Error = fmt.Sprintf("%s is %s older than the sources it is built from (%s changed since)",
			meas.Dir, reportfile.Human(src.ModTime.Sub(meas.Newest)), src.Path)
		r.Hint = "rebuild it: " + build
	}
	return r
}

// primary picks the output to measure: a framework's client assets when
// present, else the most recently written output (a leftover dist next
// to a fresh build is not what ships).
func (p *Package) primary(abs string, outputs []string) (string, error) {
	if clientOutputs[outputs[0]] || len(outputs) == 1 {
		return outputs[0], nil
	}
	best, bestTime := outputs[0], time.Time{}
	for _, o := range outputs {
		t, err := newestFile(filepath.Join(abs, filepath.FromSlash(o)))
		if err != nil {
			return "", err
		}
		if t.After(bestTime) {
			best, bestTime = o, t
		}
	}
	return best, nil
}

func newestFile(dir string) (time.Time, error) {
	var newest time.Time
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		if info, err := d.Info(); err == nil && info.ModTime().After(newest) {
			newest = info.ModTime()
		}
		return nil
	})
	return newest, err
}

func (p *Package) result(status model.Status, reason string) model.Result {
	return model.Result{Collector: p.id, Kind: Kind, Domain: Domain, Status: status, ExitCode: -1, Error: reason}
}

func (p *Package) interrupted(err error, what string) model.Result {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return model.Unknown(p.id, Kind, Domain, "measuring timed out", "")
	case errors.Is(err, context.Canceled):
		return model.Unknown(p.id, Kind, Domain, "measuring was cancelled", "")
	}
	return p.result(model.StatusError, strings.TrimPrefix(what+": "+err.Error(), ": "))
}

// report is the evidence excerpt: totals, budget and the largest files.
func (p *Package) report(m Measurement, outputs []string, primary string, budget int64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d files, %s on disk", m.Dir, m.Files, kB(m.Bytes))
	if m.MapBytes > 0 {
		fmt.Fprintf(&b, " (%s of it source maps)", kB(m.MapBytes))
	}
	fmt.Fprintf(&b, "\nJavaScript + CSS gzipped: %s\n", kB(m.GzipBytes))
	fmt.Fprintf(&b, "JavaScript gzipped: %s of a %s budget (%s raw; every chunk counts, not only the first page's)\n",
		kB(m.JSGzipBytes), kB(budget), kB(m.JSBytes))
	b.WriteString("largest files:\n")
	for _, f := range m.Largest {
		if f.Gzip > 0 {
			fmt.Fprintf(&b, "  %9s  %s (gzip %s)\n", kB(f.Bytes), f.Path, kB(f.Gzip))
		} else {
			fmt.Fprintf(&b, "  %9s  %s\n", kB(f.Bytes), f.Path)
		}
	}
	fmt.Fprintf(&b, "newest output file: %s (%s)", m.NewestFile, m.Newest.Format(time.RFC3339))
	for _, o := range outputs {
		switch {
		case o+"/client" == primary:
			fmt.Fprintf(&b, "\nnot measured: %s (server code, which browsers do not download)", p.rel(o+"/server"))
		case o != primary:
			fmt.Fprintf(&b, "\nalso present, not measured: %s", p.rel(o))
		}
	}
	return b.String()
}

// kB renders bytes in kilobytes of 1000 bytes, as budgets are written.
func kB(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000_000:
		return fmt.Sprintf("%.1f kB", float64(n)/1000)
	default:
		return fmt.Sprintf("%.2f MB", float64(n)/1000_000)
	}
}
