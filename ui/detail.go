package ui

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/preflight-dev/preflight/model"
)

// outputLines caps how much of a tool's output excerpt the pane lists.
const outputLines = 40

// maxText caps one message or field shown in the pane.
const maxText = 8 << 10

// detailPane is the detail of the selected node cut to h lines from the
// scroll offset, with a mark where lines are hidden.
func (m Model) detailPane(w, h int) []string {
	all := m.detailLines(w-1, h)
	for i := range all {
		all[i] = " " + all[i]
	}
	return m.scroll(all, m.detailOffset, h, " ")
}

func (m Model) detailLines(w, h int) []string {
	n := m.current()
	if n == nil {
		return nil
	}
	switch n.kind {
	case domainNode:
		return m.domainDetail(n, w)
	case collectorNode:
		return m.collectorDetail(n.collector, w)
	case findingNode:
		return m.findingDetail(n, w, h)
	case groupNode:
		return m.groupDetail(n, w)
	case checklistNode:
		return m.checklistDetail(n, w)
	case sectionNode:
		return m.sectionDetail(n, w)
	case itemNode:
		return m.itemDetail(n, w)
	case ackNode:
		return m.ackDetail(n, w)
	default:
		return wrap(m.styles.bad.Render(sanitize(n.problem.String())), w)
	}
}

// field renders "label   value", wrapping the value under itself.
func (m Model) field(label, value string, w int) []string {
	const labelW = 10
	pad := strings.Repeat(" ", labelW)
	var out []string
	for i, l := range wrap(capText(value, maxText), max(10, w-labelW)) {
		if i == 0 {
			out = append(out, m.styles.label.Render(fmt.Sprintf("%-*s", labelW, label))+l)
		} else {
			out = append(out, pad+l)
		}
	}
	if len(out) == 0 {
		out = append(out, m.styles.label.Render(label))
	}
	return out
}

func (m Model) findingDetail(n *node, w, h int) []string {
	s := m.styles
	f := n.finding
	head := s.sev(f.Severity).Render(f.Severity.String()) + "  " + s.bold.Render(oneLine(f.Rule))
	if loc := f.Location(); loc != "" {
		head += "  " + oneLine(loc)
	}
	lines := []string{head}
	lines = append(lines, wrap(sanitize(capText(f.Message, maxText)), w)...)
	lines = append(lines, m.ruleLines(f.Rule, w)...)
	lines = append(lines, m.ackLines(n, w)...)
	if n.isNew {
		lines = append(lines, s.run.Render("new: not in the previous run of "+oneLine(f.Collector)))
	}
	// On a short pane fewer lines of context keep the marked line in
	// view; room is left for the caret under it and the scroll mark.
	radius := max(1, min(sourceRadius, (h-len(lines)-3)/2))
	if h-len(lines) > 2*sourceRadius+4 {
		lines = append(lines, "") // room to breathe on a tall pane
	}
	lines = append(lines, m.sourceLines(f, w, radius)...)
	lines = append(lines, "")
	lines = append(lines, m.evidence(n.collector, w, false)...)
	return lines
}

// sourceLines shows the lines around a finding with its line marked, and a
// caret under its column.
func (m Model) sourceLines(f model.Finding, w, radius int) []string {
	s := m.styles
	if f.File == "" {
		return []string{s.dim.Render("no file: this finding is about the project as a whole")}
	}
	src := m.src
	if src.key != sourceKey(f) || (!src.loaded && len(src.lines) == 0) {
		return []string{s.dim.Render("reading " + sanitize(f.File) + "…")}
	}
	var out []string
	if len(src.lines) > 0 {
		numW := len(itoa(src.lines[len(src.lines)-1].n))
		for _, l := range src.lines {
			if f.Line > 0 && (l.n < f.Line-radius || l.n > f.Line+radius) {
				continue
			}
			text := expandTabs(l.text)
			num := fmt.Sprintf("%*d", numW, l.n)
			if l.n == f.Line {
				out = append(out, clip(s.mark.Render("▶ "+num+" │ ")+s.bold.Render(text), w))
				if f.Column > 0 {
					col := ansi.StringWidth(expandTabs(prefixRunes(l.text, f.Column-1)))
					if col < w-numW-5 {
						out = append(out, s.mark.Render(strings.Repeat(" ", numW+2)+" │ "+strings.Repeat(" ", col)+"^"))
					}
				}
			} else {
				out = append(out, clip(s.dim.Render("  "+num+" │ ")+text, w))
			}
		}
	}
	if errors.Is(src.err, errFolder) {
		out = append(out, wrap(s.dim.Render(sanitize(f.File)+" is a folder: this finding is about what is in it as a whole"), w)...)
	} else if src.err != nil {
		out = append(out, wrap(s.unknown.Render("cannot show "+sanitize(f.File)+": "+sanitize(src.err.Error())), w)...)
	}
	return out
}

// prefixRunes is the first n runes of s (tool columns count characters).
func prefixRunes(s string, n int) string {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}

// evidence is what backs a collector's result: the run that produced it.
// full adds what only the collector's own pane needs.
func (m Model) evidence(c model.CollectorState, w int, full bool) []string {
	s := m.styles
	now := m.now()
	var lines []string
	add := func(label, value string) {
		if value != "" {
			lines = append(lines, m.field(label, value, w)...)
		}
	}
	if !full {
		lines = append(lines, s.bold.Render("evidence")+s.dim.Render(" from ")+oneLine(c.Collector))
	}

	status := string(c.Status)
	switch {
	case c.Running && c.FinishedAt.IsZero():
		status = m.runningText("running", c) + ": no result yet"
	case c.Running:
		// The same words as the tree row: "rerun queued" or "rerunning 3s".
		status += " · " + m.runningText("rerunning", c) + " (the last results stay until it finishes)"
	case c.Stale:
		status += " · stale: inputs changed since"
	}
	if m.snap.FromCache && c.Stale {
		status += " (cached)"
	}
	add("status", status)
	add("command", sanitize(c.Command))
	if c.Command != "" && !c.FinishedAt.IsZero() && c.ExitCode >= 0 {
		// A negative exit code means no process exited: preflight read
		// the files itself, or the tool is a long-lived checker. The
		// command says which.
		add("exit", itoa(c.ExitCode))
	}
	add("duration", duration(c.Duration))
	if !c.FinishedAt.IsZero() {
		add("finished", clock(now, c.FinishedAt)+" ("+ago(now, c.FinishedAt)+")")
	}
	add("trigger", sanitize(c.Trigger))
	if !(c.Running && c.FinishedAt.IsZero()) {
		// Before the first result there is no error: the status line
		// says it is running (or queued). A result that is ok may still
		// carry a hint (gitleaks not installed, generated code missing).
		if c.Status != model.StatusOK {
			add("error", sanitize(c.Error))
		}
		add("hint", sanitize(c.Hint))
	}
	if !full {
		return lines
	}
	if len(c.Facts) > 0 {
		names := slices.Sorted(maps.Keys(c.Facts))
		var facts []string
		for _, k := range names {
			facts = append(facts, sanitize(k)+" "+number(c.Facts[k]))
		}
		add("facts", strings.Join(facts, " · "))
	}
	if out := strings.TrimRight(sanitize(c.Output), "\n "); out != "" {
		lines = append(lines, "", s.bold.Render("output"))
		outLines := strings.Split(out, "\n")
		if len(outLines) > outputLines {
			outLines = append(outLines[:outputLines:outputLines], fmt.Sprintf("… %d more lines", len(outLines)-outputLines))
		}
		for _, l := range outLines {
			lines = append(lines, clip(s.dim.Render("│ ")+l, w))
		}
	}
	return lines
}

func (m Model) collectorDetail(c model.CollectorState, w int) []string {
	s := m.styles
	head := m.statusIcon(c) + " " + s.bold.Render(oneLine(c.Collector)) + s.dim.Render("  "+oneLine(model.LookupDomain(c.Domain).Name))
	lines := []string{head}
	if c.Status == model.StatusOK && !(c.Running && c.FinishedAt.IsZero()) {
		counts := map[model.Severity]int{}
		for _, f := range c.Findings {
			counts[f.Severity]++
		}
		summary := "no findings"
		if parts := m.severityCounts(counts); len(parts) > 0 {
			summary = strings.Join(parts, s.dim.Render(" · "))
		}
		score, _ := model.CollectorScore(c)
		lines = append(lines, m.field("findings", summary, w)...)
		lines = append(lines, m.field("score", number(score), w)...)
	}
	return append(lines, m.evidence(c, w, true)...)
}

func (m Model) domainDetail(n *node, w int) []string {
	s := m.styles
	d := n.domain

	// The score is explained in full, first: each scored collector's
	// score, every deduction that took points off, and what could not be
	// scored.
	var scored, unscored, skipped []string
	// Every collector of the domain, whatever the filter or grouping
	// shows: the score is computed from all of them.
	cs := append([]model.CollectorState(nil), m.snap.Collectors...)
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].Collector < cs[j].Collector })
	for _, c := range cs {
		if c.Domain != d.ID {
			continue
		}
		switch {
		case c.Status == model.StatusSkipped:
			skipped = append(skipped, oneLine(c.Collector))
		case !c.HasEvidence():
			why := string(c.Status)
			if c.Running && c.FinishedAt.IsZero() {
				why = "running"
			}
			unscored = append(unscored, oneLine(c.Collector)+" ("+why+")")
		default:
			sc, _ := model.CollectorScore(c)
			scored = append(scored, oneLine(c.Collector)+" "+number(sc))
		}
	}
	head := s.bold.Render(oneLine(d.Name)) + s.dim.Render("  score ")
	if d.Score != nil {
		head += s.bold.Render(number(*d.Score)) + s.dim.Render(" = mean of ") + strings.Join(scored, s.dim.Render(" · "))
	} else {
		head += s.bold.Render("—") + s.dim.Render(" no collector here produced evidence")
	}
	lines := wrap(head, w)
	lines = append(lines, s.bold.Render("deductions"))
	if len(d.Deductions) == 0 {
		lines = append(lines, s.dim.Render("  none"))
	}
	for _, ded := range d.Deductions {
		lines = append(lines, wrap("  "+sanitize(ded.String()), w)...)
	}
	if len(unscored) > 0 {
		lines = append(lines, s.bold.Render("not scored")+s.dim.Render(" (lowers coverage)"))
		lines = append(lines, wrap("  "+strings.Join(unscored, ", "), w)...)
	}
	if len(skipped) > 0 {
		lines = append(lines, s.bold.Render("skipped")+s.dim.Render(" (not counted)"))
		lines = append(lines, wrap("  "+strings.Join(skipped, ", "), w)...)
	}
	measured := fmt.Sprintf("%d of %d collectors", d.Measured, d.Collectors)
	if d.Provisional {
		measured += " — provisional: fewer than half, the score speaks for a part only"
	}
	lines = append(lines, m.field("measured", measured, w)...)
	lines = append(lines, m.field("evidence", fmt.Sprintf("%d of %d collectors fresh", d.Evidence, d.Collectors), w)...)
	var counts []string
	for _, sev := range model.Severities {
		counts = append(counts, fmt.Sprintf("%d %s", d.Counts[sev.String()], sev))
	}
	lines = append(lines, m.field("counts", strings.Join(counts, " · "), w)...)
	return lines
}

// ruleLines explains a rule from the rule catalogue: why it exists, how to fix
// what it found, and where it comes from. Tool rules (TS2322, vet) have no
// entry and show nothing.
func (m Model) ruleLines(id string, w int) []string {
	r, ok := m.rules.Lookup(id)
	if !ok {
		return nil
	}
	var out []string
	for _, part := range []struct{ label, text string }{
		{"why", r.Rationale}, {"fix", r.Fix}, {"ref", r.Reference},
	} {
		if part.text == "" {
			continue
		}
		wrapped := wrap(sanitize(part.text), max(10, w-5))
		for i, l := range wrapped {
			label := "     "
			if i == 0 {
				label = m.styles.dim.Render(part.label) + "  "
			}
			out = append(out, label+l)
		}
	}
	return out
}
