package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/preflight-dev/preflight/internal/junitxml"
	"github.com/preflight-dev/preflight/model"
)

func textOf(s string) *junitxml.Text {
	if s == "" {
		return nil
	}
	return &junitxml.Text{Text: s}
}

// WriteJUnit writes a JUnit XML report for CI test tabs: one suite per
// domain with each collector run as a test case, failed when it has open
// blockers in a domain that gates the verdict, in error when it produced
// no evidence, skipped when disabled; and a Checklist suite with one case
// per READINESS.md item.
func WriteJUnit(w io.Writer, s model.Snapshot, m Meta) error {
	s = printable(s)
	a := model.Assess(s)
	doc := junitxml.Suite{XMLName: xml.Name{Local: "testsuites"}, Name: "preflight " + string(a.Verdict)}
	stamp := s.GeneratedAt.UTC().Format("2006-01-02T15:04:05")
	var total time.Duration
	props := junitMetaProps(s, m, a)
	for _, d := range a.Domains {
		suite := junitxml.Suite{Name: d.Name, Timestamp: stamp, Properties: props}
		var dur time.Duration
		for _, c := range s.Collectors {
			if c.Domain != d.ID {
				continue
			}
			tc := junitCase(s, c, m)
			suite.Cases = append(suite.Cases, tc)
			dur += c.Duration
		}
		suite.Time = seconds(dur)
		total += dur
		doc.Suites = append(doc.Suites, countSuite(suite))
	}
	// Domains whose collectors are all skipped do not appear in the
	// assessment; their cases still belong in the report.
	seen := map[string]bool{}
	for _, d := range a.Domains {
		seen[d.ID] = true
	}
	for _, c := range s.Collectors {
		if seen[c.Domain] {
			continue
		}
		seen[c.Domain] = true
		suite := junitxml.Suite{Name: s.Policy.Domain(c.Domain).Name, Timestamp: stamp, Properties: props, Time: seconds(0)}
		for _, other := range s.Collectors {
			if other.Domain == c.Domain {
				suite.Cases = append(suite.Cases, junitCase(s, other, m))
			}
		}
		doc.Suites = append(doc.Suites, countSuite(suite))
	}
	if cl := s.Checklist; cl != nil && len(cl.Items) > 0 {
		suite := junitxml.Suite{Name: "Checklist", Timestamp: stamp, Time: seconds(0)}
		for _, it := range cl.Items {
			suite.Cases = append(suite.Cases, checklistCase(it))
		}
		doc.Suites = append(doc.Suites, countSuite(suite))
	}
	for _, su := range doc.Suites {
		doc.Tests += su.Tests
		doc.Failures += su.Failures
		doc.Errors += su.Errors
		doc.Skipped += su.Skipped
	}
	doc.Time = seconds(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func junitMetaProps(s model.Snapshot, m Meta, a model.Assessment) *junitxml.Properties {
	p := &junitxml.Properties{Props: []junitxml.Property{{Name: "root", Value: s.Root}, {Name: "verdict", Value: string(a.Verdict)}}}
	if a.Score != nil {
		p.Props = append(p.Props, junitxml.Property{Name: "score", Value: fmt.Sprintf("%g", *a.Score)})
	}
	p.Props = append(p.Props, junitxml.Property{Name: "coverage", Value: fmt.Sprintf("%g", a.Coverage)})
	if m.Commit != "" {
		p.Props = append(p.Props, junitxml.Property{Name: "commit", Value: m.Commit})
	}
	if m.Version != "" {
		p.Props = append(p.Props, junitxml.Property{Name: "preflight", Value: m.Version})
	}
	return p
}

func countSuite(su junitxml.Suite) junitxml.Suite {
	su.Tests = junitxml.Count(len(su.Cases))
	for _, tc := range su.Cases {
		switch {
		case len(tc.Failures) > 0:
			su.Failures++
		case len(tc.Errors) > 0:
			su.Errors++
		case tc.Skipped != nil:
			su.Skipped++
		}
	}
	return su
}

func junitCase(s model.Snapshot, c model.CollectorState, m Meta) junitxml.Case {
	tc := junitxml.Case{Name: c.Collector, Classname: "preflight." + c.Domain, Time: seconds(c.Duration)}
	var out strings.Builder
	out.WriteString(strings.TrimPrefix(evidenceText(c, m), "\n"))
	switch c.Status {
	case model.StatusSkipped:
		tc.Skipped = &junitxml.Skip{Message: c.Error}
		return tc
	case model.StatusOK:
	default:
		text := c.Error
		if c.Hint != "" {
			text += "\nhint: " + c.Hint
		}
		tc.Errors = []junitxml.Issue{{Message: "no evidence: " + c.Error, Type: string(c.Status), Text: text}}
	}
	var blockers []model.Finding
	fs := append([]model.Finding(nil), c.Findings...)
	model.SortFindings(fs)
	for _, f := range fs {
		line := fmt.Sprintf("%s %s %s  %s", f.Severity, f.Rule, orDash(f.Location()), strings.TrimSpace(f.Message))
		if f.Severity == model.Blocker && !s.Acknowledged(f) && s.Policy.Gates(f.Domain) {
			blockers = append(blockers, f)
			continue
		}
		if ack, active, _ := s.Checklist.AckFor(f.ID, s.GeneratedAt); active {
			line += "\n  " + ackText(ack)
		}
		out.WriteString("\n" + line)
	}
	if len(blockers) > 0 && len(tc.Errors) == 0 {
		var text strings.Builder
		for _, f := range blockers {
			fmt.Fprintf(&text, "%s %s  %s\n", orDash(f.Location()), f.Rule, strings.TrimSpace(f.Message))
		}
		tc.Failures = []junitxml.Issue{{Message: plural(len(blockers), "open blocker"), Type: "blocker", Text: text.String()}}
		tc.File, tc.Line = blockers[0].File, junitxml.Count(blockers[0].Line)
	}
	tc.SystemOut = textOf(out.String())
	return tc
}

// evidenceText is the evidence line in plain text.
func evidenceText(c model.CollectorState, m Meta) string {
	if c.Command == "" {
		return "no command ran"
	}
	s := "$ " + c.Command
	if v := m.toolVersion(c.Result); v != "" {
		s += "  (" + v + ")"
	}
	s += "\n"
	if c.ExitCode >= 0 || c.Status != model.StatusOK {
		s += fmt.Sprintf("exit %d · ", c.ExitCode)
	}
	s += c.Duration.Round(time.Millisecond).String()
	if !c.FinishedAt.IsZero() {
		s += " · finished " + c.FinishedAt.UTC().Format(time.RFC3339)
	}
	if m.Commit != "" {
		s += " · commit " + shortCommit(m.Commit)
	}
	return s
}

func checklistCase(it model.ChecklistItem) junitxml.Case {
	tc := junitxml.Case{Name: it.Text, Classname: "preflight.checklist", Time: seconds(0), File: it.File, Line: junitxml.Count(it.Line)}
	detail := strings.Join(it.Evidence, "\n")
	if it.Why != "" {
		detail = strings.TrimPrefix(detail+"\n"+it.Why, "\n")
	}
	switch it.State {
	case model.ItemContradicted:
		tc.Failures = []junitxml.Issue{{Message: "contradicted: ticked, but the evidence fails", Type: "contradicted", Text: detail}}
	case model.ItemFailing:
		tc.Failures = []junitxml.Issue{{Message: "failing: " + it.Rule, Type: "failing", Text: detail}}
	case model.ItemUnknown:
		tc.Errors = []junitxml.Issue{{Message: "cannot decide: " + it.Rule, Type: "unknown", Text: detail}}
	case model.ItemUnchecked:
		tc.Skipped = &junitxml.Skip{Message: "not ticked"}
	default:
		tc.SystemOut = textOf(strings.TrimSuffix(string(it.State)+"\n"+detail, "\n"))
	}
	return tc
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
