package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/preflight-dev/preflight/model"
)

// MaxFindingsPerCollector keeps a text report readable in a CI log; the
// JSON report always has all of them.
const MaxFindingsPerCollector = 20

// WriteText writes the human report: verdict and why, then each domain with
// its collectors, their evidence and their findings.
func WriteText(w io.Writer, s model.Snapshot) error {
	a := model.Assess(s)
	var b strings.Builder
	fmt.Fprintf(&b, "preflight  %s\n", s.Root)
	fmt.Fprintf(&b, "%s  %s  %s\n", a.Verdict, scoreText(a.Score), coverageText(a))
	for _, r := range a.Reasons {
		fmt.Fprintf(&b, "  · %s\n", r)
	}
	for _, d := range a.Domains {
		fmt.Fprintf(&b, "\n%s  %s  %s\n", d.Name, scoreText(d.Score), countsText(d.Counts))
		for _, c := range s.Collectors {
			if c.Domain != d.ID || c.Status == model.StatusSkipped {
				continue
			}
			writeCollector(&b, c)
		}
		for _, x := range d.Deductions {
			fmt.Fprintf(&b, "  − %s\n", x)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeCollector(b *strings.Builder, c model.CollectorState) {
	line := fmt.Sprintf("  %s %-28s %-7s %s", statusMark(c), c.Collector, c.Status, factsText(c.Facts))
	b.WriteString(strings.TrimRight(line, " ") + "\n")
	if c.Command != "" {
		fmt.Fprintf(b, "      $ %s  (exit %d, %s)\n", c.Command, c.ExitCode, c.Duration.Round(time.Millisecond))
	}
	if c.Error != "" {
		fmt.Fprintf(b, "      %s\n", c.Error)
	}
	if c.Hint != "" {
		fmt.Fprintf(b, "      hint: %s\n", c.Hint)
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
		fmt.Fprintf(b, "      %-7s %s %s  %s\n", f.Severity, f.Rule, loc, msg)
	}
}

func statusMark(c model.CollectorState) string {
	switch {
	case c.Status != model.StatusOK:
		return "?"
	case len(c.Findings) > 0:
		return "✗"
	default:
		return "✓"
	}
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
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%g", k, f[k])
	}
	return strings.Join(parts, " ")
}
