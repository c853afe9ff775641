package report

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/preflight-dev/preflight/model"
)

// WriteMarkdown writes the readiness report for people: the verdict and
// why, the score with its evidence coverage, a table per domain, every
// blocker with its location, the checklist with its states, and under each
// collector the evidence line that backs its numbers (command, tool
// version, exit code, duration, finish time, commit).
func WriteMarkdown(w io.Writer, s model.Snapshot, m Meta) error {
	s = printable(s)
	a := model.Assess(s)
	var b strings.Builder
	name := filepath.Base(s.Root)
	if name == "." || name == "/" || name == "" {
		name = s.Root
	}
	if s.Base != nil {
		// The first line is what a pull request comment shows folded.
		fmt.Fprintf(&b, "# %s — readiness of %s\n\n", mdText(baseHeadline(s)), mdText(name))
	} else {
		fmt.Fprintf(&b, "# Readiness report: %s\n\n", mdText(name))
	}
	fmt.Fprintf(&b, "**Verdict: %s** · score **%s** · evidence coverage **%s**\n\n",
		a.Verdict, mdScore(a.Score, "/100"), strings.TrimPrefix(coverageText(a), "coverage "))
	fmt.Fprintf(&b, "Checked %s", code(s.Root))
	if m.Commit != "" {
		fmt.Fprintf(&b, " at commit %s", code(shortCommit(m.Commit)))
	}
	fmt.Fprintf(&b, " on %s", s.GeneratedAt.UTC().Format("2006-01-02 15:04 UTC"))
	if m.Version != "" {
		fmt.Fprintf(&b, " by preflight %s", mdText(m.Version))
	}
	b.WriteString(". Every number below comes from a tool preflight ran on that tree; the evidence line under each collector names the command, its exit code and when it finished. A collector without evidence is reported as such and never counts as passing.\n")
	if m.Shard != nil {
		fmt.Fprintf(&b, "\nThis is %s.\n", mdText(m.Shard.summary()))
	}
	if t := trustOf(s, m); t != nil {
		fmt.Fprintf(&b, "\nR%s.\n", mdText(strings.TrimPrefix(t.summary(), "r")))
	}

	writeBaseMarkdown(&b, s)
	if len(a.Reasons) > 0 {
		b.WriteString("\n## Why not GO\n\n")
		for _, r := range a.Reasons {
			fmt.Fprintf(&b, "- %s\n", mdText(r))
		}
	}

	if len(a.Domains) > 0 {
		b.WriteString("\n## Domains\n\n| Domain | Score | Measured | Blocker | High | Medium | Low | Info | Evidence |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n")
		var weights []string
		for _, d := range a.Domains {
			score := mdScore(d.Score, "")
			if d.Provisional && d.Score != nil {
				score += " (provisional)"
			}
			fmt.Fprintf(&b, "| %s | %s | %d/%d | %d | %d | %d | %d | %d | %d of %d collectors |\n", mdCell(d.Name), score, d.Measured, d.Collectors,
				d.Counts["blocker"], d.Counts["high"], d.Counts["medium"], d.Counts["low"], d.Counts["info"], d.Evidence, d.Collectors)
			if d.Score != nil {
				weights = append(weights, fmt.Sprintf("%s %g", d.Name, s.Policy.Domain(d.ID).Weight))
			}
		}
		if line := unassessedLine(s, m); line != "" {
			fmt.Fprintf(&b, "\n%s\n", mdText(line))
		}
		if len(weights) > 0 {
			fmt.Fprintf(&b, "\nThe overall score is the mean of the domain scores weighted %s. A collector scores 100 minus 25 per blocker, 10 per high, 3 per medium and 1 per low finding, at least 0; a domain scores the mean of its collectors with evidence; a tool the project stopped (a broken config) scores 0; a domain with fewer than half of its collectors measured is provisional.\n", mdText(strings.Join(weights, ", ")))
		}
	}

	writeBlockersMarkdown(&b, s)
	writeChecklistMarkdown(&b, s.Checklist)

	for _, d := range a.Domains {
		fmt.Fprintf(&b, "\n## %s — %s\n", mdText(d.Name), mdScore(d.Score, ""))
		if len(d.Deductions) > 0 {
			b.WriteString("\nDeductions:\n\n")
			for _, x := range d.Deductions {
				fmt.Fprintf(&b, "- %s\n", mdText(x.String()))
			}
		}
		for _, c := range s.Collectors {
			if c.Domain == d.ID && c.Status != model.StatusSkipped {
				writeCollectorMarkdown(&b, s, c, m)
			}
		}
	}

	var skipped []string
	for _, c := range s.Collectors {
		if c.Status == model.StatusSkipped {
			skipped = append(skipped, fmt.Sprintf("- %s — %s", code(c.Collector), mdText(c.Error)))
		}
	}
	if len(skipped) > 0 {
		fmt.Fprintf(&b, "\n## Skipped\n\n%s\n", strings.Join(skipped, "\n"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// baseHeadline is "3 new, 5 fixed vs main".
func baseHeadline(s model.Snapshot) string {
	return fmt.Sprintf("%d new, %d fixed vs %s", s.Base.NewCount(s), len(s.Base.Fixed), s.Base.Rev)
}

// mdBaseRows caps the new and fixed tables: a comment stays readable and
// the JSON report has them all.
const mdBaseRows = 50

func writeBaseMarkdown(b *strings.Builder, s model.Snapshot) {
	cmp := s.Base
	if cmp == nil {
		return
	}
	g := model.Assess(cmp.Gate(s))
	b.WriteString("\n## What this change adds\n\n")
	fmt.Fprintf(b, "Compared with %s", code(cmp.Rev))
	if cmp.Commit != "" {
		fmt.Fprintf(b, " (commit %s)", code(shortCommit(cmp.Commit)))
	}
	fmt.Fprintf(b, ": **%d new**, **%d fixed**; judged on what it adds, the verdict is **%s**", cmp.NewCount(s), len(cmp.Fixed), g.Verdict)
	if len(g.Reasons) > 0 {
		fmt.Fprintf(b, " (%s)", mdText(strings.Join(g.Reasons, "; ")))
	}
	b.WriteString(".\n")
	var fresh []model.Finding
	for _, f := range s.Findings() {
		if cmp.State(f) == model.BaselineNew {
			fresh = append(fresh, f)
		}
	}
	for _, part := range []struct {
		title string
		list  []model.Finding
	}{{"New", fresh}, {"Fixed", cmp.Fixed}} {
		if len(part.list) == 0 {
			continue
		}
		fmt.Fprintf(b, "\n### %s (%d)\n\n| Severity | Where | Rule | Message | Collector |\n| --- | --- | --- | --- | --- |\n", part.title, len(part.list))
		for i, f := range part.list {
			if i == mdBaseRows {
				fmt.Fprintf(b, "\n… and %d more (all are in the JSON report).\n", len(part.list)-mdBaseRows)
				break
			}
			fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", f.Severity, where(f), mdCell(f.Rule), mdCell(firstLineOf(f.Message)), mdCell(f.Collector))
		}
	}
}

func writeBlockersMarkdown(b *strings.Builder, s model.Snapshot) {
	var open, acked []model.Finding
	for _, f := range s.Findings() {
		if f.Severity != model.Blocker {
			continue
		}
		if s.Acknowledged(f) {
			acked = append(acked, f)
		} else {
			open = append(open, f)
		}
	}
	if len(open)+len(acked) == 0 {
		return
	}
	fmt.Fprintf(b, "\n## Blockers (%d open", len(open))
	if len(acked) > 0 {
		fmt.Fprintf(b, ", %d acknowledged", len(acked))
	}
	b.WriteString(")\n\n| Where | Rule | Message | Collector |\n| --- | --- | --- | --- |\n")
	for _, f := range append(open, acked...) {
		msg := firstLineOf(f.Message)
		if ack, active, _ := s.Checklist.AckFor(f.ID, s.GeneratedAt); active {
			msg = "*" + mdText(ackText(ack)) + ":* " + mdCell(msg)
		} else {
			msg = mdCell(msg)
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", where(f), mdCell(f.Rule), msg, mdCell(f.Collector))
	}
}

func writeChecklistMarkdown(b *strings.Builder, cl *model.Checklist) {
	if cl == nil || len(cl.Items)+len(cl.Problems) == 0 {
		return
	}
	fmt.Fprintf(b, "\n## Checklist (%s)\n\n", mdText(cl.File))
	if len(cl.Items) > 0 {
		b.WriteString("| State | Item | Evidence | Where |\n| --- | --- | --- | --- |\n")
	}
	for _, it := range cl.Items {
		evidence := strings.Join(it.Evidence, "; ")
		if it.Why != "" {
			evidence = strings.TrimPrefix(evidence+"; "+it.Why, "; ")
		}
		if it.Rule == "" {
			evidence = "a claim: no rule binds it to evidence"
			if it.CheckedBy != "" {
				evidence += " (ticked by " + it.CheckedBy + ")"
			}
		}
		text := strings.Repeat("↳ ", it.Depth) + it.Text
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", itemState(it), mdCell(text), mdCell(evidence), codeCell(it.Location()))
	}
	if len(cl.Problems) > 0 {
		b.WriteString("\nProblems reading the checklist:\n\n")
		for _, p := range cl.Problems {
			fmt.Fprintf(b, "- %s\n", mdText(p.String()))
		}
	}
}

func itemState(it model.ChecklistItem) string {
	switch it.State {
	case model.ItemContradicted:
		return "**contradicted**: ticked, but the evidence fails"
	case model.ItemFailing:
		return "failing"
	case model.ItemVerified:
		return "verified"
	case model.ItemChecked:
		return "ticked"
	case model.ItemUnknown:
		return "unknown"
	}
	return string(it.State)
}

func writeCollectorMarkdown(b *strings.Builder, s model.Snapshot, c model.CollectorState, m Meta) {
	status := string(c.Status)
	if c.Stale {
		status += ", stale"
	}
	fmt.Fprintf(b, "\n### %s — %s\n\n", mdText(c.Collector), status)
	b.WriteString(evidenceLine(c, m) + "\n")
	if c.Status != model.StatusOK {
		fmt.Fprintf(b, "\nNo evidence: %s.", mdText(strings.TrimSuffix(orDash(c.Error), ".")))
		if c.Hint != "" {
			fmt.Fprintf(b, " Hint: %s.", mdText(strings.TrimSuffix(c.Hint, ".")))
		}
		b.WriteString("\n")
	}
	if f := factsText(c.Facts); f != "" {
		facts := strings.Fields(f)
		for i, x := range facts {
			facts[i] = code(x)
		}
		fmt.Fprintf(b, "\nFacts: %s\n", strings.Join(facts, ", "))
	}
	if len(c.Evidence) > 0 {
		b.WriteString("\n| Fact | Where | Seen |\n| --- | --- | --- |\n")
		for _, e := range c.Evidence {
			fmt.Fprintf(b, "| %s | %s | %s |\n", codeCell(e.Fact), codeCell(e.Location()), codeCell(e.Text))
		}
	}
	fs := append([]model.Finding(nil), c.Findings...)
	model.SortFindings(fs)
	if len(fs) == 0 {
		return
	}
	b.WriteString("\n| Severity | Where | Rule | Message |\n| --- | --- | --- | --- |\n")
	for i, f := range fs {
		if i == MaxFindingsPerCollector {
			fmt.Fprintf(b, "\n… and %d more in the JSON report (`--format json`).\n", len(fs)-i)
			break
		}
		sev := f.Severity.String()
		if s.Acknowledged(f) {
			sev += " (acknowledged)"
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", sev, where(f), mdCell(f.Rule), mdCell(firstLineOf(f.Message)))
	}
}

// evidenceLine is the provenance of a collector's numbers.
func evidenceLine(c model.CollectorState, m Meta) string {
	var parts []string
	if c.Command != "" {
		parts = append(parts, code(c.Command))
	} else {
		parts = append(parts, "no command ran")
	}
	if v := m.toolVersion(c.Result); v != "" {
		parts = append(parts, mdText(v))
	}
	if c.Command != "" {
		switch {
		case c.ExitCode >= 0:
			parts = append(parts, fmt.Sprintf("exit %d", c.ExitCode))
		case c.Status != model.StatusOK:
			parts = append(parts, "no exit code (killed or never started)")
		}
		parts = append(parts, c.Duration.Round(time.Millisecond).String())
	}
	if !c.FinishedAt.IsZero() {
		finished := "finished " + c.FinishedAt.UTC().Format("2006-01-02 15:04:05 UTC")
		if c.Cached {
			finished = "reused from the run " + finished + ": its inputs, tool and settings are unchanged"
		}
		parts = append(parts, finished)
	}
	if c.Trigger != "" {
		parts = append(parts, "trigger "+mdText(c.Trigger))
	}
	if m.Commit != "" {
		parts = append(parts, "commit "+code(shortCommit(m.Commit)))
	}
	return "Evidence: " + strings.Join(parts, " · ")
}

func where(f model.Finding) string {
	if loc := f.Location(); loc != "" {
		return codeCell(loc)
	}
	return "—"
}

func mdScore(s *float64, suffix string) string {
	if s == nil {
		return "—"
	}
	return fmt.Sprintf("%g%s", *s, suffix)
}

var mdEscaper = strings.NewReplacer(`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "<", "&lt;", ">", "&gt;", "|", `\|`)

// mdText escapes what Markdown would otherwise read as markup.
func mdText(s string) string { return mdEscaper.Replace(s) }

// mdCell is mdText on one line, for table cells.
func mdCell(s string) string {
	return mdText(strings.Join(strings.Fields(s), " "))
}

// code renders s as inline code, with a longer fence when s has backticks.
func code(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if strings.Contains(s, "`") {
		return "`` " + s + " ``"
	}
	return "`" + s + "`"
}

// codeCell is code inside a table cell, where | must be escaped even in
// code.
func codeCell(s string) string { return strings.ReplaceAll(code(s), "|", `\|`) }

func firstLineOf(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " …"
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
