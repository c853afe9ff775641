// Package coverage reads coverage reports that test runs left on disk:
// istanbul's coverage/coverage-summary.json and lcov.info (Jest, Vitest,
// nyc, c8 …) and Go cover profiles (go test -coverprofile). preflight does
// not produce them; it reads them, says how old they are, and calls them
// stale when they are older than the sources they cover.
//
// The fact is coverage.lines, in percent; line coverage below the
// threshold (DefaultThreshold unless set) is a medium finding.
package coverage

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/golang"
	"github.com/preflight-dev/preflight/collectors/nodepkg"
	"github.com/preflight-dev/preflight/collectors/reportfile"
	"github.com/preflight-dev/preflight/collectors/rules"
	"github.com/preflight-dev/preflight/internal/repofs"
	"github.com/preflight-dev/preflight/model"
)

const (
	Kind   = "coverage"
	Domain = "tests"
)

// DefaultThreshold is the line coverage, in percent, below which a report
// is a finding, unless preflight.yaml's budgets.coverage reaches the run
// (req.Budgets).
const DefaultThreshold = 60.0

// RuleBelowThreshold is reported when line coverage is under the threshold.
var RuleBelowThreshold = rules.Rule{
	ID: "coverage/below-threshold", Severity: model.Medium,
	Title:     "line coverage below the threshold",
	Rationale: "Code no test runs can break without any test noticing; below the threshold, most changes ship untested.",
	Fix:       "Add tests for the uncovered code (the report's HTML view shows which lines), or lower the threshold deliberately in configuration.",
	Reference: "https://martinfowler.com/bliki/TestCoverage.html",
}

// AllRules lists every rule the family reports, for the rule catalogue.
func AllRules() []rules.Rule { return []rules.Rule{RuleBelowThreshold} }

// Format is a kind of coverage report.
type Format string

const (
	IstanbulSummary Format = "istanbul-summary"
	IstanbulFinal   Format = "istanbul-final"
	Lcov            Format = "lcov"
	GoProfile       Format = "go-coverprofile"
)

// goProfileNames are the names people give Go cover profiles; they are
// often .gitignore'd, so they are looked for on disk.
var goProfileNames = []string{"coverage.out", "cover.out", "coverage.txt", "cover.txt", "c.out", "coverage.profile", "cover.profile", "profile.cov", "coverage.cov"}

// Collector reads one coverage report.
type Collector struct {
	id     string
	report string // repo-relative report file
	format Format
	owner  string // repo-relative directory the tests ran in (paths in the report are relative to it)
	// Threshold is the line coverage in percent below which the report is
	// a finding.
	Threshold float64
}

var _ collectors.Collector = (*Collector)(nil)

func (c *Collector) ID() string            { return c.id }
func (c *Collector) Cost() collectors.Cost { return collectors.CostFiles }
func (c *Collector) Kind() string          { return Kind }
func (c *Collector) Domain() string        { return Domain }

// Reusable: never. Reading a report takes milliseconds, and a result kept
// from an earlier run would show the report as old as it was then.
func (c *Collector) Reusable() bool { return false }

// Report is the report file, repo-relative, and its format.
func (c *Collector) Report() (string, Format) { return c.report, c.format }

// Inputs are the report and the sources of the directory it covers: an
// edit makes the report stale, which shows at once. (Reports under
// coverage/ are not watched, being build output; a rerun rereads them.)
func (c *Collector) Inputs() []string {
	return []string{collectors.EscapeGlob(c.report), reportfile.SourcesGlob(c.owner)}
}

// Outputs: the report, which a test run rewrites and git mostly ignores.
func (c *Collector) Outputs() []string { return []string{c.report} }

// Detect returns one collector per coverage report: coverage/ reports
// beside every package.json, go.mod and at the root (looked for on disk,
// since coverage/ is build output and not listed), lcov.info and
// coverage-summary.json files anywhere in files, and Go cover profiles by
// their usual names. In one coverage/ directory the summary is preferred
// to lcov.info, as it is the same run.
func Detect(root string, files []string) []collectors.Collector {
	type found struct {
		report, owner string
		format        Format
	}
	var reports []found
	seen := map[string]bool{}
	add := func(report, owner string, format Format) {
		if seen[report] {
			return
		}
		seen[report] = true
		reports = append(reports, found{report, owner, format})
	}
	exists := func(rel string) bool {
		st, err := os.Stat(filepath.Join(root, filepath.FromSlash(rel)))
		return err == nil && st.Mode().IsRegular()
	}
	owners := map[string]bool{".": true}
	goDirs := map[string]bool{}
	for _, f := range files {
		if nodepkg.InNodeModules(f) {
			continue
		}
		switch path.Base(f) {
		case "package.json":
			owners[path.Dir(f)] = true
		case "go.mod":
			owners[path.Dir(f)] = true
			goDirs[path.Dir(f)] = true
		}
	}
	// Listed files first: a coverage/ directory someone commits.
	for _, f := range files {
		if nodepkg.InNodeModules(f) {
			continue
		}
		dir, base := path.Dir(f), path.Base(f)
		owner := dir
		if path.Base(dir) == "coverage" {
			owner = path.Dir(dir)
		}
		switch {
		case base == "coverage-summary.json":
			add(f, owner, IstanbulSummary)
		case base == "lcov.info" && !seen[path.Join(dir, "coverage-summary.json")] && !slices.Contains(files, path.Join(dir, "coverage-summary.json")):
			add(f, owner, Lcov)
		case strings.HasSuffix(base, ".coverprofile") || slices.Contains(goProfileNames, base):
			if sniffGoProfile(root, f) {
				add(f, dir, GoProfile)
			}
		}
	}
	for owner := range owners {
		summary, lcov := path.Join(owner, "coverage", "coverage-summary.json"), path.Join(owner, "coverage", "lcov.info")
		final := path.Join(owner, "coverage", "coverage-final.json")
		switch {
		case exists(summary):
			add(summary, owner, IstanbulSummary)
		case exists(lcov) && !seen[summary]:
			add(lcov, owner, Lcov)
		case exists(final) && !seen[summary] && !seen[lcov]:
			// Vitest's default reporters (text, html, clover, json).
			add(final, owner, IstanbulFinal)
		}
	}
	for dir := range goDirs {
		for _, name := range goProfileNames {
			p := path.Join(dir, name)
			if !seen[p] && sniffGoProfile(root, p) {
				add(p, dir, GoProfile)
			}
		}
	}
	sort.Slice(reports, func(i, j int) bool { return reports[i].report < reports[j].report })
	dirs := make([]string, len(reports))
	for i, r := range reports {
		dirs[i] = r.owner
	}
	names := collectors.TargetNames(dirs)
	// Two reports of one directory (lcov and a Go profile) are told apart
	// by their file names.
	perOwner := map[string]int{}
	for _, r := range reports {
		perOwner[r.owner]++
	}
	out := make([]collectors.Collector, len(reports))
	for i, r := range reports {
		name := names[r.owner]
		if perOwner[r.owner] > 1 {
			name += "/" + path.Base(r.report)
		}
		out[i] = &Collector{id: Kind + ":" + name, report: r.report, format: r.format, owner: r.owner, Threshold: DefaultThreshold}
	}
	return out
}

// sniffGoProfile reports whether the file starts like a Go cover profile.
func sniffGoProfile(root, rel string) bool {
	f, err := repofs.Open(root, filepath.FromSlash(rel))
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 16)
	n, _ := f.Read(head)
	return strings.HasPrefix(string(head[:n]), "mode: ")
}

// Run reads the report.
func (c *Collector) Run(ctx context.Context, req collectors.Request) model.Result {
	res := model.Result{Collector: c.id, Kind: Kind, Domain: Domain, ExitCode: -1}
	report, err := reportfile.Read(req.Root, c.report)
	switch {
	case errors.Is(err, reportfile.ErrGone):
		res.Status, res.Error, res.Hint = model.StatusUnknown, "the coverage report "+c.report+" no longer exists", c.refreshHint()
		return res
	case err != nil:
		res.Status, res.Error = model.StatusError, "cannot read "+c.report+": "+err.Error()
		return res
	}
	data, age := report.Data, report.Age()
	res.Command = reportfile.Command([]string{c.report}, string(c.format), reportfile.Written(age))

	var sum Summary
	switch c.format {
	case IstanbulSummary:
		sum, err = ParseIstanbulSummary(data)
	case IstanbulFinal:
		sum, err = ParseIstanbulFinal(data)
	case Lcov:
		sum, err = ParseLcov(data)
	default:
		sum, err = ParseGoProfile(data)
		if st, ok := GoFuncStatements(data, c.goSource(req.Root)); ok && err == nil {
			sum.Statements = st // the total go tool cover -func prints
		}
	}
	if err != nil {
		res.Status, res.Error = model.StatusError, c.report+": "+err.Error()
		res.Output = collectors.Excerpt(string(data), 20)
		return res
	}
	lines, ok := sum.Lines.Percent()
	if !ok {
		res.Status, res.Error, res.Hint = model.StatusUnknown, "the coverage report "+c.report+" covers no line of code", c.refreshHint()
		return res
	}
	res.Facts = map[string]float64{
		"coverage.lines":   c.shown(sum.Lines),
		"files":            float64(len(sum.Files)),
		reportfile.AgeFact: reportfile.AgeSeconds(age),
	}
	for name, counter := range map[string]Counter{"coverage.statements": sum.Statements, "coverage.functions": sum.Functions, "coverage.branches": sum.Branches} {
		if _, ok := counter.Percent(); ok {
			res.Facts[name] = c.shown(counter)
		}
	}
	threshold := c.Threshold
	if req.Budgets.CoverageMinPercent > 0 {
		threshold = req.Budgets.CoverageMinPercent
	}
	res.Output = fmt.Sprintf("lines %d/%d covered (%.2f%%) in %d files; threshold %g%%", sum.Lines.Covered, sum.Lines.Total, lines, len(sum.Files), threshold)
	// The threshold is held against the figure the project's own tool
	// prints: for a Go profile, go tool cover -func's statement total.
	measured, what, counter := lines, "line coverage is %s%% (%d of %d lines)", sum.Lines
	if pct, ok := sum.Statements.Percent(); ok && c.format == GoProfile {
		measured, what, counter = pct, "statement coverage is %s%% (%d of %d statements, the total go tool cover -func prints)", sum.Statements
	}
	if measured < threshold {
		shown := fmt.Sprintf("%.1f", measured)
		if c.istanbul() {
			shown = strconv.FormatFloat(c.shown(counter), 'f', -1, 64)
		}
		f := RuleBelowThreshold.Finding(c.report, 0, 0,
			fmt.Sprintf(what+", below the %g%% threshold", shown, counter.Covered, counter.Total, threshold))
		f.Collector, f.Domain = c.id, Domain
		res.Findings = []model.Finding{f}
		model.AssignIDs(res.Findings)
	}
	res.Status = model.StatusOK

	if ctx.Err() != nil {
		res.Status, res.Error = model.StatusUnknown, "cancelled"
		return res
	}
	newest := reportfile.NewestOf(req.Root, c.sources(req.Root, sum.Files))
	if newest.File == "" {
		// The report names no file of this checkout (written elsewhere):
		// date it against the directory it covers instead.
		if newest, err = reportfile.NewestSource(req.Root, c.owner); err != nil {
			res.Status, res.Error = model.StatusError, err.Error()
			return res
		}
	}
	if why := reportfile.Check("the coverage report", report.ModTime, newest); why != "" {
		res.Status, res.Error, res.Hint = model.StatusUnknown, why, c.refreshHint()
	}
	return res
}

// sources turns the files a report names into repo-relative paths of this
// checkout; names that point elsewhere are dropped.
func (c *Collector) sources(root string, files []string) []string {
	ownerAbs := filepath.Join(root, filepath.FromSlash(c.owner))
	var mod golang.Module
	if c.format == GoProfile {
		mod = goModuleAbove(root, ownerAbs)
	}
	var out []string
	for _, f := range files {
		var abs string
		switch {
		case c.format == GoProfile:
			dir := mod.PackageDir(path.Dir(f))
			if dir == "" {
				continue
			}
			abs = filepath.Join(dir, path.Base(f))
		case filepath.IsAbs(f):
			abs = f
		default:
			abs = filepath.Join(ownerAbs, filepath.FromSlash(f))
		}
		rel, err := filepath.Rel(root, abs)
		if err != nil || strings.HasPrefix(rel, "..") {
			continue
		}
		out = append(out, filepath.ToSlash(rel))
	}
	return out
}

// goSource reads a file a Go profile names (an import path and file
// name) from this checkout.
func (c *Collector) goSource(root string) func(name string) ([]byte, bool) {
	mod := goModuleAbove(root, filepath.Join(root, filepath.FromSlash(c.owner)))
	return func(name string) ([]byte, bool) {
		dir := mod.PackageDir(path.Dir(name))
		if dir == "" {
			return nil, false
		}
		rel, err := filepath.Rel(root, filepath.Join(dir, path.Base(name)))
		if err != nil || !filepath.IsLocal(rel) {
			return nil, false
		}
		data, err := repofs.ReadFile(root, rel)
		return data, err == nil
	}
}

// goModuleAbove finds the go.mod at or above dir, inside root: a profile
// may be written in a package's directory rather than the module's.
func goModuleAbove(root, dir string) golang.Module {
	for d := dir; ; d = filepath.Dir(d) {
		if m, ok := golang.ModuleAt(root, d); ok {
			return m
		}
		if d == root || filepath.Dir(d) == d {
			return golang.Module{Root: root}
		}
	}
}

func (c *Collector) refreshHint() string {
	if c.format == GoProfile {
		dir := c.owner
		if dir == "." {
			dir = "the module"
		}
		return "regenerate it: go test -coverprofile=" + path.Base(c.report) + " ./... in " + dir
	}
	dir := c.owner
	if dir == "." {
		dir = "the repository root"
	}
	return "regenerate it: run the tests with coverage (vitest run --coverage, jest --coverage) in " + dir
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// istanbul reports whether Istanbul wrote the report, and so prints its
// percentages.
func (c *Collector) istanbul() bool { return c.format == IstanbulSummary || c.format == IstanbulFinal }

// shown is a measure's percentage as the report's own tool prints it:
// Istanbul cuts it to two decimals (9 of 1290 lines is 0.69, not 0.70),
// so the fact is the number in coverage-summary.json and in the text
// table; the others are rounded to two.
func (c *Collector) shown(n Counter) float64 {
	if c.istanbul() {
		// istanbul-lib-coverage's percent(): floor((1000*100*covered)/total/10)/100.
		return math.Floor(float64(1000*100*n.Covered)/float64(n.Total)/10) / 100
	}
	pct, _ := n.Percent()
	return round2(pct)
}
