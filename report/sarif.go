package report

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/preflight-dev/preflight/collectors/rules"
	"github.com/preflight-dev/preflight/internal/sarifdoc"
	"github.com/preflight-dev/preflight/model"
)

// SARIFSchema is the JSON schema URI written into SARIF logs.
const SARIFSchema = "https://json.schemastore.org/sarif-2.1.0.json"

// sarifLevel maps severities onto SARIF's three levels.
func sarifLevel(s model.Severity) string {
	switch s {
	case model.Blocker, model.High:
		return "error"
	case model.Medium:
		return "warning"
	}
	return "note"
}

const informationURI = "https://github.com/preflight-dev/preflight"

// WriteSARIF writes a SARIF 2.1.0 log for code-scanning UIs: one run per
// collector kind, each collector run an invocation, each finding a result
// with its rule (help text from the rule tables where the rule has one)
// and a stable fingerprint.
func WriteSARIF(w io.Writer, s model.Snapshot, m Meta) error {
	log := sarifdoc.Log{Schema: SARIFSchema, Version: sarifdoc.Version, Runs: []sarifdoc.Run{}}
	byKind := map[string]int{}
	ruleIndex := map[string]map[string]int{}
	root := rootURI(s.Root)
	for _, c := range s.Collectors {
		i, ok := byKind[c.Kind]
		if !ok {
			i = len(log.Runs)
			byKind[c.Kind] = i
			ruleIndex[c.Kind] = map[string]int{}
			run := sarifdoc.Run{
				Tool: sarifdoc.Tool{Driver: sarifdoc.Driver{Name: "preflight/" + c.Kind, Version: m.Version,
					InformationURI: informationURI, Rules: []sarifdoc.Rule{}}},
				AutomationDetails: &sarifdoc.AutomationDetails{ID: "preflight/" + c.Kind + "/"},
				Invocations:       []sarifdoc.Invocation{},
				Results:           []sarifdoc.Result{},
			}
			if root != "" {
				run.OriginalURIBaseIDs = map[string]sarifdoc.ArtifactLocation{"SRCROOT": {URI: root}}
			}
			if m.Commit != "" {
				run.Properties = map[string]any{"commit": m.Commit}
			}
			log.Runs = append(log.Runs, run)
		}
		run := &log.Runs[i]
		run.Invocations = append(run.Invocations, sarifInvocationOf(c, m))
		if c.Status == model.StatusSkipped {
			continue
		}
		fs := append([]model.Finding(nil), c.Findings...)
		model.SortFindings(fs)
		for _, f := range fs {
			ri, ok := ruleIndex[c.Kind][f.Rule]
			if !ok {
				ri = len(run.Tool.Driver.Rules)
				ruleIndex[c.Kind][f.Rule] = ri
				run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleOf(m.Rules, c.Kind, f))
			}
			run.Results = append(run.Results, sarifResultOf(s, f, ri, root != ""))
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
}

func rootURI(root string) string {
	if root == "" || !filepath.IsAbs(root) {
		return ""
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(root)}
	s := u.String()
	if !strings.HasSuffix(s, "/") {
		s += "/"
	}
	return s
}

func sarifInvocationOf(c model.CollectorState, m Meta) sarifdoc.Invocation {
	inv := sarifdoc.Invocation{
		ExecutionSuccessful: c.Status == model.StatusOK,
		CommandLine:         c.Command,
		Properties:          map[string]any{"collector": c.Collector, "status": string(c.Status), "stale": c.Stale},
	}
	if c.Command != "" && c.ExitCode >= 0 {
		code := c.ExitCode
		inv.ExitCode = &code
	}
	if !c.StartedAt.IsZero() {
		inv.StartTimeUTC = c.StartedAt.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	if !c.FinishedAt.IsZero() {
		inv.EndTimeUTC = c.FinishedAt.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	if v := m.toolVersion(c.Result); v != "" {
		inv.Properties["toolVersion"] = v
	}
	if c.Status != model.StatusOK && c.Error != "" {
		text := c.Error
		if c.Hint != "" {
			text += " (" + c.Hint + ")"
		}
		level := "error"
		if c.Status == model.StatusSkipped {
			level = "note"
		}
		inv.Notifications = []sarifdoc.Notification{{Level: level, Message: sarifdoc.Message{Text: text}}}
	}
	return inv
}

// sarifRuleOf describes a rule: from the rule catalogue when the rule is in
// them, else by the tool that reported it.
func sarifRuleOf(catalogue *rules.Catalogue, kind string, f model.Finding) sarifdoc.Rule {
	r := sarifdoc.Rule{ID: f.Rule, DefaultConfiguration: sarifdoc.Configuration{Level: sarifLevel(f.Severity)}}
	if rule, ok := catalogue.Lookup(f.Rule); ok {
		r.Name = rule.Title
		r.ShortDescription = sarifdoc.Message{Text: rule.Title}
		r.DefaultConfiguration.Level = sarifLevel(rule.Severity)
		if rule.Rationale != "" {
			r.FullDescription = &sarifdoc.Message{Text: rule.Rationale}
		}
		var text, md []string
		for _, part := range []struct{ label, value string }{
			{"", rule.Rationale}, {"Fix: ", rule.Fix}, {"Reference: ", rule.Reference},
		} {
			if part.value != "" {
				text = append(text, part.label+part.value)
				md = append(md, mdBold(part.label)+mdText(part.value))
			}
		}
		if len(text) > 0 {
			r.Help = &sarifdoc.Message{Text: strings.Join(text, "\n"), Markdown: strings.Join(md, "\n\n")}
		}
		r.Properties = map[string]any{"severity": rule.Severity.String()}
		return r
	}
	desc := fmt.Sprintf("%s, as reported by %s", f.Rule, kind)
	r.ShortDescription = sarifdoc.Message{Text: desc}
	r.Help = &sarifdoc.Message{Text: fmt.Sprintf("%s reported %s. The result's message is the tool's own; preflight ran the command named in this run's invocation.", kind, f.Rule)}
	return r
}

func mdBold(label string) string {
	if label == "" {
		return ""
	}
	return "**" + strings.TrimSuffix(label, " ") + "** "
}

func sarifResultOf(s model.Snapshot, f model.Finding, ruleIndex int, haveRoot bool) sarifdoc.Result {
	res := sarifdoc.Result{
		RuleID: f.Rule, RuleIndex: &ruleIndex, Level: sarifLevel(f.Severity),
		Message:             sarifdoc.Message{Text: strings.TrimSpace(f.Message)},
		PartialFingerprints: map[string]string{"preflight/v1": f.ID},
		Properties:          map[string]any{"collector": f.Collector, "domain": f.Domain, "severity": f.Severity.String()},
	}
	if res.Message.Text == "" {
		res.Message.Text = f.Rule
	}
	if s.Base != nil {
		res.BaselineState = s.Base.State(f)
	}
	if f.File != "" {
		loc := &sarifdoc.PhysicalLocation{ArtifactLocation: sarifdoc.ArtifactLocation{URI: fileURI(f.File)}}
		if !filepath.IsAbs(f.File) && haveRoot {
			loc.ArtifactLocation.URIBaseID = "SRCROOT"
		}
		if f.Line > 0 {
			loc.Region = &sarifdoc.Region{StartLine: f.Line, StartColumn: f.Column}
		}
		res.Locations = []sarifdoc.Location{{PhysicalLocation: loc}}
	}
	if ack, active, _ := s.Checklist.AckFor(f.ID, s.GeneratedAt); active {
		res.Suppressions = []sarifdoc.Suppression{{Kind: "external", Status: "accepted", Justification: ackText(ack)}}
	}
	return res
}

// fileURI turns a repo-relative (or absolute) path into a URI reference.
func fileURI(p string) string {
	if filepath.IsAbs(p) {
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	return (&url.URL{Path: p}).String()
}
