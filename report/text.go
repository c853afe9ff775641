package report

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/preflight-dev/preflight/model"
)

// MaxFindingsPerCollector keeps a text report readable in a CI log; the
// JSON report always has all of them.
const MaxFindingsPerCollector = 20

// WriteText writes the human report: verdict and why, then each domain with
// its collectors, their evidence and their findings. It is plain text; see
// Write with Options.Color for a terminal.
func WriteText(w io.Writer, s model.Snapshot) error { return writeText(w, s, Options{}) }

// painter adds ANSI colours when enabled, and nothing otherwise, so the
// coloured and plain reports have the same text.
type painter bool

const (
	bold    = "1"
	dim     = "2"
	red     = "31"
	green   = "32"
	yellow  = "33"
	magenta = "35"
	cyan    = "36"
)

func (p painter) paint(style, s string) string {
	if !p || s == "" {
		return s
	}
	return "\x1b[" + style + "m" + s + "\x1b[0m"
}

func (p painter) verdict(v model.Verdict) string {
	switch v {
	case model.NoGo:
		return p.paint(bold+";"+red, string(v))
	case model.Conditional:
		return p.paint(bold+";"+yellow, string(v))
	}
	return p.paint(bold+";"+green, string(v))
}

func (p painter) severity(s model.Severity, text string) string {
	switch s {
	case model.Blocker:
		return p.paint(red, text)
	case model.High:
		return p.paint(magenta, text)
	case model.Medium:
		return p.paint(yellow, text)
	}
	return p.paint(dim, text)
}

func writeText(w io.Writer, s model.Snapshot, o Options) error {
	s = printable(s)
	p := painter(o.Color)
	a := model.Assess(s)
	var b strings.Builder
	fmt.Fprintf(&b, "preflight  %s\n", s.Root)
	fmt.Fprintf(&b, "%s  %s  %s\n", p.verdict(a.Verdict), scoreText(a.Score), coverageText(a))
	if line := metaLine(o.Meta, trustOf(s, o.Meta)); line != "" {
		fmt.Fprintf(&b, "  %s\n", p.paint(dim, line))
	}
	for _, r := range a.Reasons {
		fmt.Fprintf(&b, "  · %s\n", r)
	}
	if s.Base != nil {
		g := model.Assess(s.Base.Gate(s))
		line := baseHeadline(s)
		if s.Base.Commit != "" {
			line += " (" + shortCommit(s.Base.Commit) + ")"
		}
		fmt.Fprintf(&b, "%s  %s\n", p.verdict(g.Verdict), line)
		for _, r := range g.Reasons {
			fmt.Fprintf(&b, "  · %s\n", r)
		}
		for _, f := range s.Base.Fixed {
			fmt.Fprintf(&b, "  fixed %s %s %s\n", f.Rule, orDash(f.Location()), firstLineOf(f.Message))
		}
	}
	for _, d := range a.Domains {
		fmt.Fprintf(&b, "\n%s  %s  %s\n", p.paint(bold, d.Name), domainScoreText(d), countsText(d.Counts))
		for _, c := range s.Collectors {
			if c.Domain != d.ID || c.Status == model.StatusSkipped {
				continue
			}
			writeCollector(&b, s, c, p)
		}
		for _, x := range d.Deductions {
			fmt.Fprintf(&b, "  − %s\n", x)
		}
	}
	if line := unassessedLine(s, o.Meta); line != "" {
		fmt.Fprintf(&b, "\n%s\n", line)
	}
	writeSkipped(&b, s, p)
	writeChecklistText(&b, s.Checklist, p)
	_, err := io.WriteString(w, b.String())
	return err
}

// metaLine says which commit and which preflight the report is about.
func metaLine(m Meta, t *Trust) string {
	var parts []string
	if m.Commit != "" {
		parts = append(parts, "commit "+shortCommit(m.Commit))
	}
	if m.Version != "" {
		parts = append(parts, "preflight "+m.Version)
	}
	if m.Shard != nil {
		parts = append(parts, m.Shard.summary())
	}
	if t != nil {
		parts = append(parts, t.summary())
	}
	return strings.Join(parts, " · ")
}

func shortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return c
}

func writeCollector(b *strings.Builder, s model.Snapshot, c model.CollectorState, p painter) {
	line := fmt.Sprintf("  %s %-28s %-7s %s", statusMark(s, c, p), c.Collector, c.Status, factsText(c.Facts))
	b.WriteString(strings.TrimRight(line, " ") + "\n")
	if c.Command != "" {
		reused := ""
		if c.Cached {
			reused = ", reused from " + c.FinishedAt.Local().Format("2006-01-02 15:04") + ": inputs unchanged"
		}
		exit := "" // a built-in analysis has no process, so no exit code
		switch {
		case c.ExitCode >= 0:
			exit = fmt.Sprintf("exit %d, ", c.ExitCode)
		case c.Status != model.StatusOK:
			exit = "no exit code, "
		}
		fmt.Fprintf(b, "      %s  (%s%s%s)\n", p.paint(cyan, "$ "+c.Command), exit, c.Duration.Round(time.Millisecond), reused)
	}
	if c.Error != "" {
		fmt.Fprintf(b, "      %s\n", c.Error)
	}
	if c.Hint != "" {
		fmt.Fprintf(b, "      hint: %s\n", c.Hint)
	}
	for _, e := range c.Evidence {
		fmt.Fprintf(b, "      %s %s  %s\n", p.paint(dim, fmt.Sprintf("%-22s", e.Fact)), e.Location(), e.Text)
	}
	fs := append([]model.Finding(nil), c.Findings...)
	model.SortFindings(fs)
	for i, f := range fs {
		if i == MaxFindingsPerCollector {
			fmt.Fprintf(b, "      … %d more (see --format json)\n", len(fs)-i)
			break
		}
		loc := f.Location()
		if loc == "" {
			loc = "-"
		}
		msg := strings.ReplaceAll(strings.TrimSpace(f.Message), "\n", "\n        ")
		if s.Base != nil && s.Base.State(f) == model.BaselineNew {
			msg = p.paint(bold, "new") + " " + msg
		}
		fmt.Fprintf(b, "      %s %s %s  %s\n", p.severity(f.Severity, fmt.Sprintf("%-7s", f.Severity)), f.Rule, loc, msg)
		if ack, active, _ := s.Checklist.AckFor(f.ID, s.GeneratedAt); active {
			fmt.Fprintf(b, "        %s\n", p.paint(dim, ackText(ack)))
		}
	}
}

func ackText(a model.Acknowledgment) string {
	s := "acknowledged by " + a.By + ": " + a.Reason
	if !a.Until.IsZero() {
		s += " (until " + a.Until.Format("2006-01-02") + ")"
	}
	return s
}

// writeSkipped lists disabled collectors once, so a report never hides
// that something was switched off.
func writeSkipped(b *strings.Builder, s model.Snapshot, p painter) {
	var lines []string
	for _, c := range s.Collectors {
		if c.Status == model.StatusSkipped {
			lines = append(lines, fmt.Sprintf("  - %s  %s", c.Collector, c.Error))
		}
	}
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s\n%s\n", p.paint(bold, "Skipped"), strings.Join(lines, "\n"))
}

func writeChecklistText(b *strings.Builder, cl *model.Checklist, p painter) {
	if cl == nil || len(cl.Items)+len(cl.Problems) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s  %s\n", p.paint(bold, "Checklist"), cl.File)
	for _, it := range cl.Items {
		box := "[ ]"
		if it.Checked {
			box = "[x]"
		}
		state := string(it.State)
		switch it.State {
		case model.ItemContradicted, model.ItemFailing:
			state = p.paint(red, state)
		case model.ItemUnknown, model.ItemUnchecked:
			state = p.paint(yellow, state)
		default:
			state = p.paint(green, state)
		}
		fmt.Fprintf(b, "  %s%s %s  %s  (%s)\n", strings.Repeat("  ", it.Depth), box, it.Text, state, it.Location())
		if it.State == model.ItemContradicted || it.State == model.ItemFailing {
			for _, e := range it.Evidence {
				fmt.Fprintf(b, "  %s      %s\n", strings.Repeat("  ", it.Depth), e)
			}
		}
		if it.Why != "" {
			fmt.Fprintf(b, "  %s      %s\n", strings.Repeat("  ", it.Depth), it.Why)
		}
	}
	for _, pr := range cl.Problems {
		fmt.Fprintf(b, "  ! %s\n", pr)
	}
}

func statusMark(s model.Snapshot, c model.CollectorState, p painter) string {
	mark := s.Mark(c)
	switch mark {
	case model.MarkClean:
		return p.paint(green, string(mark))
	case model.MarkBlocking, model.MarkFailed:
		return p.paint(red, string(mark))
	case model.MarkUnknown:
		return p.paint(yellow, string(mark))
	}
	return string(mark)
}

func scoreText(s *float64) string {
	if s == nil {
		return "score —"
	}
	return fmt.Sprintf("score %g", *s)
}

func coverageText(a model.Assessment) string {
	applicable, fresh := 0, 0
	for _, d := range a.Domains {
		applicable += d.Collectors
		fresh += d.Evidence
	}
	return fmt.Sprintf("coverage %d/%d (%.0f%%)", fresh, applicable, a.Coverage*100)
}

func countsText(counts map[string]int) string {
	var parts []string
	for _, sev := range model.Severities {
		if n := counts[sev.String()]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, sev))
		}
	}
	if len(parts) == 0 {
		return "no findings"
	}
	return strings.Join(parts, " · ")
}

func factsText(f map[string]float64) string {
	if len(f) == 0 {
		return ""
	}
	keys := slices.Sorted(maps.Keys(f))
	parts := make([]string, len(keys))
	for i, k := range keys {
		// 'f' with the shortest precision: 2968687, not %g's 2.968687e+06.
		parts[i] = k + "=" + strconv.FormatFloat(f[k], 'f', -1, 64)
	}
	return strings.Join(parts, " ")
}

// domainScoreText is a domain's score with how much of it was measured:
// "score 62 · 3/7 measured", and "(provisional)" when less than half was,
// so a score from thin evidence never reads as a plain 100.
func domainScoreText(d model.DomainSummary) string {
	s := fmt.Sprintf("%s · %d/%d measured", scoreText(d.Score), d.Measured, d.Collectors)
	if d.Provisional {
		s += " (provisional)"
	}
	return s
}
