package sarif

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/preflight-dev/preflight/internal/sarifdoc"
	"github.com/preflight-dev/preflight/model"
)

// Log is a SARIF file read; the types are sarifdoc's, shared with the
// SARIF reports preflight writes.
type Log struct {
	sarifdoc.Log
}

// Parse reads a SARIF log. Only version 2.1.0 is accepted: it is the
// OASIS standard every current tool writes.
func Parse(data []byte) (*Log, error) {
	var l Log
	// Into the sarifdoc type itself, so that an error's field path does
	// not name the wrapper.
	if err := json.Unmarshal(data, &l.Log); err != nil {
		return nil, fmt.Errorf("not a SARIF file: %v", err)
	}
	if l.Version != sarifdoc.Version {
		if l.Version == "" {
			return nil, errors.New("not a SARIF file: no version")
		}
		return nil, fmt.Errorf("SARIF version %q is not supported (want 2.1.0)", l.Version)
	}
	if l.Runs == nil {
		return nil, errors.New("SARIF file has no runs")
	}
	return &l, nil
}

// Item is one result read from a SARIF log, before its location is
// resolved against the repository.
type Item struct {
	Tool     string
	RuleID   string
	Severity model.Severity
	Message  string
	URI      string // as written, resolved by a Resolver
	Base     string // the run's base for URI, when it says
	Line     int
	Column   int
}

// Summary counts what a log held.
type Summary struct {
	Runs       int
	Tools      []string
	Suppressed int // results suppressed in the log, or fixed (baselineState absent)
	Passed     int // results that are not problems (kind pass, notApplicable)
}

// Items lists the problems of every run.
func (l *Log) Items() ([]Item, Summary) {
	var items []Item
	s := Summary{Runs: len(l.Runs)}
	for _, run := range l.Runs {
		d := run.Tool.Driver
		tool := d.Name
		if tool == "" {
			tool = "sarif"
		}
		if !slices.Contains(s.Tools, tool) {
			s.Tools = append(s.Tools, tool)
		}
		for _, r := range run.Results {
			switch {
			case suppressed(r):
				s.Suppressed++
				continue
			case r.Kind != "" && r.Kind != "fail" && r.Kind != "review" && r.Kind != "open":
				s.Passed++
				continue
			}
			rule := ruleOf(r, d)
			it := Item{Tool: tool, RuleID: ruleID(r, rule), Message: messageOf(r, rule)}
			it.Severity = severityOf(r, rule)
			if len(r.Locations) > 0 && r.Locations[0].PhysicalLocation != nil {
				pl := r.Locations[0].PhysicalLocation
				it.URI = pl.ArtifactLocation.URI
				it.Base = baseOf(run, pl.ArtifactLocation.URIBaseID)
				if pl.Region != nil {
					it.Line, it.Column = max(0, pl.Region.StartLine), max(0, pl.Region.StartColumn)
				}
			}
			items = append(items, it)
		}
	}
	return items, s
}

// suppressed: an accepted (or status-less) suppression in the log, or a
// result the baseline says is gone.
func suppressed(r sarifdoc.Result) bool {
	if r.BaselineState == "absent" {
		return true
	}
	for _, s := range r.Suppressions {
		if s.Status == "" || s.Status == "accepted" {
			return true
		}
	}
	return false
}

func ruleOf(r sarifdoc.Result, d sarifdoc.Driver) *sarifdoc.Rule {
	idx := r.RuleIndex
	if idx == nil && r.Rule != nil {
		idx = r.Rule.Index
	}
	if idx != nil && *idx >= 0 && *idx < len(d.Rules) {
		return &d.Rules[*idx]
	}
	id := r.RuleID
	if id == "" && r.Rule != nil {
		id = r.Rule.ID
	}
	for i := range d.Rules {
		if d.Rules[i].ID == id {
			return &d.Rules[i]
		}
	}
	return nil
}

func ruleID(r sarifdoc.Result, rule *sarifdoc.Rule) string {
	switch {
	case r.RuleID != "":
		return r.RuleID
	case r.Rule != nil && r.Rule.ID != "":
		return r.Rule.ID
	case rule != nil && rule.ID != "":
		return rule.ID
	}
	return "result"
}

// messageOf is the result's text, its message string filled with its
// arguments, or the rule's short description.
func messageOf(r sarifdoc.Result, rule *sarifdoc.Rule) string {
	text := r.Message.Text
	if text == "" && r.Message.ID != "" && rule != nil {
		text = rule.MessageStrings[r.Message.ID].Text
	}
	if text == "" {
		text = r.Message.Markdown
	}
	for i, a := range r.Message.Arguments {
		text = strings.ReplaceAll(text, "{"+strconv.Itoa(i)+"}", a)
	}
	if text == "" && rule != nil {
		text = rule.ShortDescription.Text
	}
	return strings.TrimSpace(text)
}

// severityOf maps a result to preflight's scale. GitHub's
// "security-severity" property (a CVSS score, written by CodeQL, Trivy and
// others) wins; otherwise the SARIF level: error → high, warning → medium,
// note → low, none → info. A result without a level takes its rule's
// default level, and SARIF's default is warning.
func severityOf(r sarifdoc.Result, rule *sarifdoc.Rule) model.Severity {
	if rule != nil {
		if score, ok := securitySeverity(rule.Properties); ok {
			switch {
			case score >= 9:
				return model.Blocker
			case score >= 7:
				return model.High
			case score >= 4:
				return model.Medium
			case score > 0:
				return model.Low
			}
			return model.Info
		}
	}
	level := r.Level
	if level == "" && rule != nil {
		level = rule.DefaultConfiguration.Level
	}
	switch level {
	case "error":
		return model.High
	case "note":
		return model.Low
	case "none":
		return model.Info
	}
	return model.Medium
}

func securitySeverity(props map[string]any) (float64, bool) {
	v, ok := props["security-severity"]
	if !ok {
		return 0, false
	}
	switch x := v.(type) {
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil && f >= 0 && f <= 10
	case float64:
		return x, x >= 0 && x <= 10
	}
	return 0, false
}

// baseOf is the absolute or relative URI a run gives for a base id: from
// originalUriBaseIds, or, for the conventional %SRCROOT%, the directory the
// tool ran in.
func baseOf(run sarifdoc.Run, id string) string {
	return baseDepth(run, id, 0)
}

// maxBaseDepth bounds chains of bases defined through other bases; a log
// whose bases refer to each other in a loop stops there.
const maxBaseDepth = 8

func baseDepth(run sarifdoc.Run, id string, depth int) string {
	if id != "" && depth < maxBaseDepth {
		if b, ok := run.OriginalURIBaseIDs[id]; ok {
			base := b.URI
			if b.URIBaseID != "" {
				base = joinURI(baseDepth(run, b.URIBaseID, depth+1), base)
			}
			return base
		}
	}
	for _, inv := range run.Invocations {
		if inv.WorkingDirectory != nil && inv.WorkingDirectory.URI != "" {
			return inv.WorkingDirectory.URI
		}
	}
	return ""
}

func joinURI(base, rel string) string {
	if base == "" {
		return rel
	}
	return strings.TrimSuffix(base, "/") + "/" + strings.TrimPrefix(rel, "/")
}

// uriPath turns a file URI or a plain path into a slash path; ok is false
// for other schemes (https://…), which do not name files in the tree.
func uriPath(u string) (string, bool) {
	if u == "" {
		return "", true
	}
	if strings.Contains(u, "://") || strings.HasPrefix(u, "file:") {
		p, err := url.Parse(u)
		if err != nil || p.Scheme != "file" {
			return "", false
		}
		return p.Path, true
	}
	if dec, err := url.PathUnescape(u); err == nil {
		u = dec
	}
	return path.Clean(u), true
}
