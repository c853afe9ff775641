// Package sarif imports SARIF 2.1.0 reports found in the tree (*.sarif,
// *.sarif.json): every result becomes a finding with the tool's rule id,
// its level mapped to a severity, its location and its message. This is how
// CodeQL, Semgrep, Trivy, hadolint, gitleaks, Checkov or any other scanner
// run in CI feeds preflight. Messages pass through the secrets redactor, as
// a scanner may quote what it found. A report older than the sources its
// results point at is stale: its findings are kept, the collector is
// unknown until the report is made again.
package sarif

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/reportfile"
	"github.com/preflight-dev/preflight/collectors/secrets"
	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/proc"
)

const (
	// Kind is the collector kind; ids are "sarif:<report name>".
	Kind   = "sarif"
	Domain = "security"
	// MaxSize bounds the reports read.
	MaxSize = 64 << 20
)

// IsReport reports whether a repo-relative path names a SARIF report.
func IsReport(rel string) bool {
	b := strings.ToLower(path.Base(rel))
	return strings.HasSuffix(b, ".sarif") || strings.HasSuffix(b, ".sarif.json")
}

// Detect returns one collector per SARIF report, except those in
// node_modules or testdata (fixtures of some other tool's tests).
func Detect(root string, files []string) []collectors.Collector {
	var reports []string
	for _, f := range files {
		if IsReport(f) && !collectors.NotTheProjects(f) {
			reports = append(reports, f)
		}
	}
	sort.Strings(reports)
	count := map[string]int{}
	for _, r := range reports {
		count[reportName(r)]++
	}
	out := make([]collectors.Collector, 0, len(reports))
	for _, r := range reports {
		name := reportName(r)
		if count[name] > 1 {
			name = r
		}
		out = append(out, &Collector{file: r, id: Kind + ":" + name})
	}
	return out
}

// reportName is the file name without .sarif or .sarif.json.
func reportName(rel string) string {
	b := path.Base(rel)
	lower := strings.ToLower(b)
	for _, ext := range []string{".sarif.json", ".sarif"} {
		if strings.HasSuffix(lower, ext) {
			return b[:len(b)-len(ext)]
		}
	}
	return b
}

// Collector imports one report.
type Collector struct {
	file string // repo-relative
	id   string

	mu       sync.Mutex
	redactor *secrets.Redactor
}

func (c *Collector) ID() string            { return c.id }
func (c *Collector) Cost() collectors.Cost { return collectors.CostFiles }
func (c *Collector) Kind() string          { return Kind }
func (c *Collector) Domain() string        { return Domain }
func (c *Collector) Inputs() []string      { return []string{c.file} }

func (c *Collector) Run(ctx context.Context, req collectors.Request) model.Result {
	c.mu.Lock()
	if c.redactor == nil {
		c.redactor, _ = secrets.InstallationRedactor()
	}
	r := c.redactor
	c.mu.Unlock()

	res := model.Result{Collector: c.id, Kind: Kind, Domain: Domain, ExitCode: -1}
	report, err := reportfile.Read(req.Root, c.file)
	switch {
	case report.Size > MaxSize:
		res.Status, res.Error = model.StatusError, fmt.Sprintf("%s is larger than %d MiB", c.file, MaxSize>>20)
		return res
	case err != nil:
		res.Status, res.Error = model.StatusError, "cannot read "+c.file+": "+err.Error()
		return res
	}
	log, err := Parse(report.Data)
	if err != nil {
		res.Status, res.Error = model.StatusError, c.file+": "+err.Error()
		res.Command = reportfile.Command([]string{c.file})
		// A report can quote secrets; its excerpt is redacted like any text.
		res.Output = r.Redact(proc.Excerpt(string(report.Data), 20))
		return res
	}
	items, sum := log.Items()
	findings := c.findings(req.Root, items, r)
	res.Status = model.StatusOK
	res.Findings = findings
	res.Command = reportfile.Command([]string{c.file}, strings.Join(sum.Tools, ", "))
	res.Facts = map[string]float64{
		"results":    float64(len(findings)),
		"runs":       float64(sum.Runs),
		"suppressed": float64(sum.Suppressed),
	}
	res.Output = summary(c.file, sum, findings)
	newest := reportfile.NewestOf(req.Root, located(findings))
	// A second's slack: a report unpacked from a CI artifact keeps its
	// time in whole seconds, so a source saved in that second looks newer.
	if lag, stale := reportfile.Behind(report.ModTime, newest, time.Second); stale {
		res.Status = model.StatusUnknown
		res.Error = reportfile.OlderThanSources(c.file, lag) + " (" + newest.File + " changed since)"
		res.Hint = fmt.Sprintf("run %s again to refresh %s", strings.Join(sum.Tools, ", "), c.file)
	}
	return res
}

// findings resolves each item's location against the tree and stamps it.
func (c *Collector) findings(root string, items []Item, r *secrets.Redactor) []model.Finding {
	sarifDir := path.Dir(c.file)
	out := make([]model.Finding, 0, len(items))
	for _, it := range items {
		f := model.Finding{
			Collector: c.id, Domain: Domain, Severity: it.Severity,
			Rule:    ruleName(it.Tool) + ":" + it.RuleID,
			Message: r.Redact(it.Message),
			File:    Resolve(root, sarifDir, it.URI, it.Base),
			Line:    it.Line, Column: it.Column,
		}
		if f.Message == "" {
			f.Message = it.RuleID
		}
		if f.File == "" {
			f.Line, f.Column = 0, 0
		}
		out = append(out, f)
	}
	model.SortFindings(out)
	model.AssignIDs(out)
	return out
}

// ruleName is the tool's name as a rule prefix: "Staticcheck" →
// "staticcheck", "Trivy Scanner" → "trivy-scanner".
func ruleName(tool string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(tool)), " ", "-")
}

// Resolve turns a result's URI into a repo-relative path. Reports made
// elsewhere (in CI) carry that machine's absolute paths, so an absolute
// path outside root is matched by its longest suffix that exists in the
// tree. A relative URI without a known base is tried next to the report,
// then from the root; when neither exists it is taken as root-relative,
// which is what code-scanning uploads expect.
func Resolve(root, sarifDir, uri, base string) string {
	p, ok := uriPath(uri)
	if !ok || p == "" || p == "." {
		return ""
	}
	if !path.IsAbs(p) && !strings.HasPrefix(base, "%") { // %SRCROOT%: a base id nobody defined
		if b, ok := uriPath(base); ok && b != "" {
			p = path.Join(b, p)
		}
	}
	rootSlash := filepath.ToSlash(root)
	exists := func(rel string) bool {
		_, err := os.Stat(filepath.Join(root, filepath.FromSlash(rel)))
		return err == nil
	}
	if path.IsAbs(p) {
		if rel, ok := strings.CutPrefix(p, strings.TrimSuffix(rootSlash, "/")+"/"); ok {
			return rel
		}
		parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
		for i := 0; i < len(parts); i++ {
			if cand := strings.Join(parts[i:], "/"); exists(cand) {
				return cand
			}
		}
		return p
	}
	if strings.HasPrefix(p, "../") {
		return path.Clean(path.Join(sarifDir, p))
	}
	for _, cand := range []string{path.Join(sarifDir, p), p} {
		if exists(cand) {
			return cand
		}
	}
	return p
}

// located lists the files the findings point at: the sources the report
// covers.
func located(fs []model.Finding) []string {
	files := make([]string, 0, len(fs))
	for _, f := range fs {
		files = append(files, f.File)
	}
	return files
}

func summary(file string, s Summary, fs []model.Finding) string {
	counts := map[model.Severity]int{}
	for _, f := range fs {
		counts[f.Severity]++
	}
	var parts []string
	for _, sev := range model.Severities {
		if counts[sev] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[sev], sev))
		}
	}
	by := "nothing to report"
	if len(parts) > 0 {
		by = strings.Join(parts, ", ")
	}
	return fmt.Sprintf("%s: %d runs (%s), %d results: %s; %d suppressed or fixed, %d passed",
		file, s.Runs, strings.Join(s.Tools, ", "), len(fs), by, s.Suppressed, s.Passed)
}
