// Package junit imports JUnit XML reports found in the tree: the universal
// format that Playwright, pytest, Maven Surefire, gotestsum, jest-junit,
// Vitest and CI tools write. preflight does not run the tool that wrote a
// report; it reads the report, says how old it is, and calls it stale when
// it is older than the sources it covers.
//
// Reports are files named junit*.xml or TEST-*.xml anywhere, and XML files
// under a test-results/ or reports/ directory that contain a <testsuite>.
// One collector reads every report in one directory.
package junit

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/golang"
	"github.com/preflight-dev/preflight/collectors/nodepkg"
	"github.com/preflight-dev/preflight/collectors/reportfile"
	"github.com/preflight-dev/preflight/internal/repofs"
	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/proc"
)

const (
	Kind   = "junit"
	Domain = "tests"

	hintRefresh = "rerun the tests that write the report to refresh it"
)

// ProjectMarkers are files that mark the root of the project a report
// belongs to; the report covers the sources under it.
var ProjectMarkers = []string{
	"package.json", "go.mod", "pom.xml", "build.gradle", "build.gradle.kts", "pyproject.toml", "setup.py",
	"setup.cfg", "Cargo.toml", "composer.json", "Gemfile", "mix.exs", "pubspec.yaml",
}

// Collector reads the JUnit reports in one directory.
type Collector struct {
	id      string
	dir     string // repo-relative directory holding the reports
	project string // repo-relative project directory the reports cover
}

var _ collectors.Collector = (*Collector)(nil)

func (c *Collector) ID() string            { return c.id }
func (c *Collector) Cost() collectors.Cost { return collectors.CostFiles }
func (c *Collector) Kind() string          { return Kind }
func (c *Collector) Domain() string        { return Domain }

// Reusable: never. Reading a report takes milliseconds, and a result kept
// from an earlier run would show the report as old as it was then.
func (c *Collector) Reusable() bool { return false }

// Dir is the directory holding the reports, repo-relative.
func (c *Collector) Dir() string { return c.dir }

// Project is the directory whose sources the reports cover, repo-relative.
func (c *Collector) Project() string { return c.project }

// Inputs are the reports themselves and the sources they cover: a change
// to a source makes the report stale, which shows at once.
func (c *Collector) Inputs() []string {
	return []string{nodepkg.Glob(c.dir, "*.xml"), reportfile.SourcesGlob(c.project)}
}

// IsReportName reports whether a repo-relative path is named like a JUnit
// report (junit*.xml, TEST-*.xml), and whether it lies in a directory
// where reports are kept (test-results/, reports/), where it must also
// contain a <testsuite> to count.
func IsReportName(p string) (named, inReportDir bool) {
	base := path.Base(p)
	if !strings.EqualFold(path.Ext(base), ".xml") {
		return false, false
	}
	named = strings.HasPrefix(strings.ToLower(base), "junit") || strings.HasPrefix(base, "TEST-")
	for _, seg := range strings.Split(path.Dir(p), "/") {
		if seg == "test-results" || seg == "reports" {
			inReportDir = true
		}
	}
	return named, inReportDir
}

// isReport decides for one file, reading it only when its name alone does
// not say.
func isReport(root, rel string) bool {
	named, inDir := IsReportName(rel)
	if named {
		return true
	}
	if !inDir {
		return false
	}
	f, err := repofs.Open(root, filepath.FromSlash(rel))
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 4096)
	n, _ := f.Read(head)
	return Sniff(head[:n])
}

// Detect returns one collector per directory holding JUnit reports among
// files (repo-relative, non-ignored).
func Detect(root string, files []string) []collectors.Collector {
	have := make(map[string]bool, len(files))
	for _, f := range files {
		have[f] = true
	}
	dirSet := map[string]bool{}
	for _, f := range files {
		if nodepkg.InNodeModules(f) || !isReport(root, f) {
			continue
		}
		dirSet[path.Dir(f)] = true
	}
	dirs := slices.Sorted(maps.Keys(dirSet))
	names := collectors.TargetNames(dirs)
	out := make([]collectors.Collector, 0, len(dirs))
	for _, d := range dirs {
		out = append(out, &Collector{id: Kind + ":" + names[d], dir: d, project: projectOf(d, have)})
	}
	return out
}

// projectOf is the nearest directory at or above dir with a project
// marker, or the repository root.
func projectOf(dir string, have map[string]bool) string {
	for d := dir; ; d = path.Dir(d) {
		for _, m := range ProjectMarkers {
			if have[path.Join(d, m)] {
				return d
			}
		}
		if d == "." || d == "/" || d == "" {
			return "."
		}
	}
}

// reportFiles lists the reports in the directory now, repo-relative.
func (c *Collector) reportFiles(root string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(root, filepath.FromSlash(c.dir)))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		rel := path.Join(c.dir, e.Name())
		if e.Type().IsRegular() && isReport(root, rel) {
			out = append(out, rel)
		}
	}
	return out, nil
}

// Run reads every report in the directory.
func (c *Collector) Run(ctx context.Context, req collectors.Request) model.Result {
	res := model.Result{Collector: c.id, Kind: Kind, Domain: Domain, ExitCode: -1}
	files, err := c.reportFiles(req.Root)
	if err != nil || len(files) == 0 {
		res.Status = model.StatusUnknown
		res.Error = "no JUnit report left in " + c.dir
		res.Hint = hintRefresh
		return res
	}
	res.Command = reportfile.Command(files, "JUnit XML")

	var total Report
	var newestReport time.Time
	var outputs []string
	var findings []model.Finding
	where := resolver{root: req.Root, project: c.project}
	for _, f := range files {
		if ctx.Err() != nil {
			res.Status, res.Error = model.StatusUnknown, "cancelled"
			return res
		}
		report, err := reportfile.Read(req.Root, f)
		switch {
		case errors.Is(err, reportfile.ErrGone):
			continue // removed since it was listed
		case err != nil:
			res.Status, res.Error = model.StatusError, "cannot read "+f+": "+err.Error()
			return res
		}
		rep, err := Parse(report.Data)
		if err != nil {
			res.Status, res.Error = model.StatusError, f+": "+err.Error()
			res.Output = collectors.Excerpt(string(report.Data), 20)
			return res
		}
		if report.ModTime.After(newestReport) {
			newestReport = report.ModTime
		}
		total.Passed += rep.Passed
		total.Failed += rep.Failed
		total.Skipped += rep.Skipped
		total.Suites += rep.Suites
		total.SuitesFailed += rep.SuitesFailed
		for _, fl := range rep.Failures {
			findings = append(findings, where.finding(f, fl))
		}
		outputs = append(outputs, fmt.Sprintf("%s: %d passed, %d failed, %d skipped (written %s)",
			f, rep.Passed, rep.Failed, rep.Skipped, report.ModTime.UTC().Format(time.RFC3339)))
	}
	age := time.Since(newestReport)
	res.Command += ", newest " + reportfile.Written(age)
	res.Facts = map[string]float64{
		"tests.passed":     float64(total.Passed),
		"tests.failed":     float64(total.Failed),
		"tests.skipped":    float64(total.Skipped),
		"suites.failed":    float64(total.SuitesFailed),
		"reports":          float64(len(files)),
		reportfile.AgeFact: reportfile.AgeSeconds(age),
	}
	if total.Tests() == 0 && len(findings) == 0 {
		findings = append(findings, RuleNoTests.Finding(files[0], 0, 0, "the JUnit reports in "+c.dir+" hold no test case"))
	}
	for i := range findings {
		findings[i].Collector, findings[i].Domain = c.id, Domain
	}
	model.SortFindings(findings)
	model.AssignIDs(findings)
	res.Findings = findings
	res.Output = proc.Excerpt(strings.Join(outputs, "\n"), 60)
	res.Status = model.StatusOK

	newest, err := reportfile.NewestSource(req.Root, c.project)
	if err != nil {
		res.Status, res.Error = model.StatusError, err.Error()
		return res
	}
	if why := reportfile.Check("the JUnit report", newestReport, newest); why != "" {
		res.Status, res.Error, res.Hint = model.StatusUnknown, why, hintRefresh
	}
	return res
}

// resolver places failures at a file of the repository: the report's
// text names files relative to where the tool ran (the project), to the
// report, to a Go package, or absolutely.
type resolver struct {
	root    string
	project string
	mod     golang.Module // of the project's go.mod, read once
	modRead bool
}

func (r *resolver) finding(report string, fl Failure) model.Finding {
	f := RuleTestFailed.Finding(report, 0, 0, "")
	verb := " failed"
	if fl.Errored {
		verb = " errored"
	}
	if fl.Name == "" {
		f.Rule = RuleSuiteFailed.ID
		verb = " could not run"
	}
	f.Message = fl.Title() + verb
	if fl.Text != "" {
		first, rest, _ := strings.Cut(fl.Text, "\n")
		f.Message += ": " + first
		if rest != "" {
			f.Message += "\n" + rest
		}
	}
	own := ""
	if fl.File != "" {
		own = r.resolve(fl.File, fl.Classname)
	}
	for _, ref := range fl.Refs {
		file := r.resolve(ref.Path, fl.Classname)
		if file == "" || (own != "" && file != own) {
			continue
		}
		f.File, f.Line, f.Column = file, ref.Line, ref.Column
		return f
	}
	if own != "" {
		f.File, f.Line = own, fl.Line
	}
	return f
}

// resolve finds the repository file a path from a report means; "" when
// none exists (or it is a dependency's).
func (r *resolver) resolve(p, classname string) string {
	p = strings.TrimPrefix(p, "file://")
	var candidates []string
	if filepath.IsAbs(p) {
		candidates = append(candidates, p)
	} else {
		candidates = append(candidates,
			filepath.Join(r.root, filepath.FromSlash(r.project), p),
			filepath.Join(r.root, p))
		if dir := r.goPackageDir(classname); dir != "" {
			candidates = append(candidates, filepath.Join(dir, p))
		}
	}
	for _, c := range candidates {
		rel, err := filepath.Rel(r.root, c)
		if err != nil || strings.HasPrefix(rel, "..") {
			continue
		}
		rel = filepath.ToSlash(rel)
		if nodepkg.InNodeModules(rel) {
			continue
		}
		if st, err := os.Stat(c); err == nil && st.Mode().IsRegular() {
			return rel
		}
	}
	return ""
}

// goPackageDir maps a Go import path (gotestsum's classname) to its
// directory, using the go.mod of the project.
func (r *resolver) goPackageDir(importPath string) string {
	if !r.modRead {
		r.modRead = true
		r.mod, _ = golang.ModuleAt(r.root, filepath.Join(r.root, filepath.FromSlash(r.project)))
	}
	return r.mod.PackageDir(importPath)
}
