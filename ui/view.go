package ui

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/preflight-dev/preflight/model"
)

// Below this the cockpit says the terminal is too small instead of drawing
// a screen nobody can read.
const (
	minWidth  = 50
	minHeight = 12
	// From this width on the detail pane sits beside the tree.
	wideWidth = 100
	// header (2 lines), the rule or watch warning under it, the key bar
	chromeHeight = 4
	// A watch warning may take this many lines: it names the setting to
	// change, which must not be cut off.
	maxWarningLines = 2
)

// chrome is how many lines everything but the tree and detail take.
func (m Model) chrome() int {
	return chromeHeight + max(0, len(m.warningLines())-1)
}

// warningLines is the watcher's warning wrapped to the screen.
func (m Model) warningLines() []string {
	text := m.snap.Watch.Warning
	if ask := m.trustAsk(); ask != "" {
		text = strings.TrimSuffix(ask+" · "+text, " · ")
	}
	if text == "" || m.width <= 0 {
		return nil
	}
	lines := wrap(sanitize(strings.Join(strings.Fields(text), " ")), max(1, m.width-3))
	if len(lines) > maxWarningLines {
		lines = lines[:maxWarningLines]
		lines[maxWarningLines-1] = clip(lines[maxWarningLines-1]+" …", m.width-3)
	}
	for i := range lines {
		mark := "   "
		if i == 0 {
			mark = " ⚠ "
		}
		lines[i] = m.styles.warning.Render(fit(mark+lines[i], m.width))
	}
	return lines
}

// layout is where each pane goes for the current terminal size.
type layout struct {
	tooSmall         bool
	wide             bool
	detail           bool
	treeW, treeH     int
	detailW, detailH int
}

func (m Model) layout() layout {
	if m.width < minWidth || m.height < minHeight {
		return layout{tooSmall: true}
	}
	body := m.height - m.chrome()
	l := layout{detail: !m.hideDetail}
	switch {
	case !l.detail:
		l.treeW, l.treeH = m.width, body
	case m.width >= wideWidth:
		l.wide = true
		l.treeW = max(48, m.width*9/20)
		l.detailW = m.width - l.treeW - 1
		l.treeH, l.detailH = body, body
	default:
		// Below the tree, with a labelled rule between them.
		l.treeW, l.detailW = m.width, m.width
		l.detailH = (body - 1) * 9 / 20
		l.treeH = body - 1 - l.detailH
	}
	return l
}

// View draws the whole screen.
func (m Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "preflight · " + string(m.assess.Verdict)
	return v
}

func (m Model) render() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	l := m.layout()
	if l.tooSmall {
		return m.renderTooSmall()
	}
	lines := m.header()
	body := m.height - m.chrome()
	switch {
	case m.showHelp:
		lines = append(lines, m.helpLines(body)...)
	case l.wide:
		tree := m.treeLines(l)
		detail := m.detailPane(l.detailW, l.detailH)
		sep := m.styles.rule.Render("│")
		for i := 0; i < body; i++ {
			lines = append(lines, fit(tree[i], l.treeW)+sep+fit(detail[i], l.detailW))
		}
	default:
		lines = append(lines, m.treeLines(l)...)
		if l.detail {
			lines = append(lines, m.paneRule(m.width))
			lines = append(lines, m.detailPane(l.detailW, l.detailH)...)
		}
	}
	lines = append(lines, m.keyBar())
	for i, line := range lines {
		// Invalid UTF-8 from a tool would make the terminal swallow the
		// escape sequence after it.
		lines[i] = fit(strings.ToValidUTF8(line, "\uFFFD"), m.width)
	}
	return strings.Join(lines, "\n")
}

func (m Model) renderTooSmall() string {
	msg := []string{
		m.styles.bold.Render("terminal too small"),
		fmt.Sprintf("%d×%d, needs %d×%d", m.width, m.height, minWidth, minHeight),
		"q quits",
	}
	for i := range msg {
		msg[i] = clip(msg[i], m.width)
	}
	if len(msg) > m.height {
		msg = msg[:m.height]
	}
	return lipgloss.Place(m.width, m.height, lipgloss.Center, lipgloss.Center, strings.Join(msg, "\n"))
}

// header is the two header lines and the line under them, which carries
// the watcher's warning when there is one so it is never cut off.
func (m Model) header() []string {
	s := m.styles
	w := m.width
	a := m.assess

	score := "score — (no evidence)"
	if a.Score != nil {
		score = "score " + number(*a.Score)
	}
	fresh, applicable := m.coverage()
	score += fmt.Sprintf(" · coverage %d/%d", fresh, applicable)
	verdict := s.verdict[a.Verdict].Render(string(a.Verdict))
	fixed := lipgloss.Width("preflight  ") + lipgloss.Width(verdict) + 2 + len(score) + 2
	path := shortPath(sanitize(m.root), m.home, max(12, min(w-fixed, w/3)))
	line1 := s.brand.Render("preflight") + " " + path + "  " + verdict + "  " + s.bold.Render(score)
	if len(a.Reasons) > 0 {
		line1 += s.dim.Render("  " + sanitize(strings.Join(a.Reasons, "; ")))
	}

	var parts []string
	if t := m.triageState(); t != "" {
		parts = append(parts, t)
	}
	if d := m.changes(); d != "" {
		parts = append(parts, d)
	}
	ws := m.snap.Watch
	switch {
	case ws.Dirs > 0 && ws.Polled > 0:
		parts = append(parts, "watching "+plural(ws.Dirs, "dir")+", "+s.unknown.Render("polling "+itoa(ws.Polled)))
	case ws.Dirs > 0:
		parts = append(parts, "watching "+plural(ws.Dirs, "dir"))
	case ws.Polled > 0:
		parts = append(parts, s.unknown.Render("polling "+plural(ws.Polled, "dir")))
	case ws.Active:
		parts = append(parts, "watching")
	default:
		parts = append(parts, s.dim.Render("not watching"))
	}
	if m.snap.FromCache {
		parts = append(parts, s.unknown.Render("cached — refreshing"))
	}
	if m.snap.LastTrigger != "" {
		parts = append(parts, "last change "+sanitize(m.snap.LastTrigger))
	}
	if m.engineStopped {
		parts = append(parts, s.bad.Render("engine stopped: no more updates"))
	}
	line2 := strings.Join(parts, s.dim.Render(" · "))

	if warn := m.warningLines(); len(warn) > 0 {
		return append([]string{line1, line2}, warn...)
	}
	return []string{line1, line2, s.rule.Render(strings.Repeat("─", w))}
}

// paneRule separates the tree from the detail pane below it and names what
// the pane shows.
func (m Model) paneRule(w int) string {
	label := ""
	if n := m.current(); n != nil {
		label = kindNames[n.kind]
	}
	if label == "" {
		return m.styles.rule.Render(strings.Repeat("─", w))
	}
	head := "── " + label + " "
	return m.styles.rule.Render(head + strings.Repeat("─", max(0, w-ansi.StringWidth(head))))
}

func (m Model) treeLines(l layout) []string {
	lines := make([]string, 0, l.treeH)
	if len(m.rows) == 0 {
		msg := "Nothing to check was detected here."
		if m.snap.Generation == 0 && !m.engineStopped {
			msg = "Looking for things to check…"
		}
		lines = append(lines, " "+m.styles.dim.Render(msg))
	}
	offset := max(0, min(m.offset, len(m.rows)-l.treeH))
	if m.cursor < offset {
		offset = m.cursor
	}
	for i := offset; i < len(m.rows) && len(lines) < l.treeH; i++ {
		lines = append(lines, m.rowLine(m.rows[i], i == m.cursor, l.treeW))
	}
	for len(lines) < l.treeH {
		lines = append(lines, "")
	}
	return lines
}

// rowLine renders one tree row: a gutter with the cursor mark, the
// indentation and fold mark, then what the node is, with its summary right
// aligned.
func (m Model) rowLine(n *node, selected bool, w int) string {
	s := m.styles
	gutter := " "
	if selected {
		gutter = "›"
	}
	foldMark := "  "
	if len(n.children) > 0 {
		if m.unfolded(n) {
			foldMark = "▾ "
		} else {
			foldMark = "▸ "
		}
	}
	var left, right string
	switch n.kind {
	case domainNode:
		score := "—"
		if n.domain.Score != nil {
			score = number(*n.domain.Score)
		}
		left = s.bold.Render(fit(sanitize(n.domain.Name), m.domainNameWidth())) + "  " + fmt.Sprintf("%5s", score)
		right = m.domainSummary(n)
		// A domain's summary belongs next to its score, not across the
		// screen.
		left, right = left+"  "+right, ""
	case collectorNode:
		c := n.collector
		left = m.statusIcon(c) + " " + sanitize(c.Collector)
		right = m.collectorSummary(c)
		if d := duration(c.Duration); d != "" && !c.FinishedAt.IsZero() {
			right += "  " + fmt.Sprintf("%6s", d)
		} else {
			right += "        "
		}
	case findingNode:
		f := n.finding
		sev := s.sev(f.Severity)
		if n.acked {
			sev = s.dim
		}
		left = sev.Render(fmt.Sprintf("%-7s", f.Severity)) + " " + s.bold.Render(sanitize(f.Rule))
		switch {
		case n.acked:
			left += " " + s.dim.Render("[acked]")
		case n.expired:
			left += " " + s.unknown.Render("[ack expired]")
		}
		if loc := location(f); loc != "" {
			left += " " + loc
		}
		left += " " + sanitize(firstLine(f.Message))
		if n.isNew {
			foldMark = s.run.Render("+") + " "
		}
	case groupNode:
		left = s.bold.Render(sanitize(n.group))
		right = strings.Join(m.severityCounts(n.counts), s.dim.Render(" · "))
	default:
		left, right = m.checklistRow(n)
	}

	prefix := gutter + strings.Repeat("  ", n.depth) + foldMark
	avail := w - ansi.StringWidth(prefix)
	var line string
	if right == "" {
		line = prefix + clip(left, avail)
	} else {
		rw := ansi.StringWidth(right)
		lw := max(0, avail-rw-1)
		left = clip(left, lw)
		line = prefix + left + strings.Repeat(" ", max(1, avail-ansi.StringWidth(left)-rw)) + right
	}
	line = fit(line, w)
	if selected {
		return s.cursor.Render(ansi.Strip(line))
	}
	return line
}

// location is file:line, the way a finding is pointed at in a tree row.
func location(f model.Finding) string {
	if f.File == "" {
		return ""
	}
	if f.Line > 0 {
		return sanitize(f.File) + ":" + itoa(f.Line)
	}
	return sanitize(f.File)
}

func (m Model) domainNameWidth() int {
	w := 8
	for _, id := range m.tree.roots {
		n := m.tree.nodes[id]
		name := n.domain.Name
		if n.kind == checklistNode {
			name = "Checklist"
		}
		w = max(w, ansi.StringWidth(sanitize(name)))
	}
	return w
}

// severityCounts renders the non-zero counts, most severe first.
func (m Model) severityCounts(counts map[model.Severity]int) []string {
	var out []string
	for _, sev := range model.Severities {
		if n := counts[sev]; n > 0 {
			out = append(out, m.styles.sev(sev).Render(fmt.Sprintf("%d %s", n, sev)))
		}
	}
	return out
}

func (m Model) domainSummary(n *node) string {
	s := m.styles
	counts := map[model.Severity]int{}
	for _, sev := range model.Severities {
		counts[sev] = n.domain.Counts[sev.String()]
	}
	parts := m.severityCounts(counts)
	if a := n.domain.Acknowledged; a > 0 {
		parts = append(parts, s.dim.Render(fmt.Sprintf("%d acked", a)))
	}
	for _, st := range []model.Status{model.StatusError, model.StatusUnknown, model.StatusSkipped} {
		if c := n.notOK[st]; c > 0 {
			style := s.unknown
			switch st {
			case model.StatusError:
				style = s.bad
			case model.StatusSkipped:
				style = s.dim
			}
			parts = append(parts, style.Render(fmt.Sprintf("%d %s", c, st)))
		}
	}
	if n.running > 0 {
		parts = append(parts, s.run.Render(fmt.Sprintf("%d running", n.running)))
	}
	if len(parts) == 0 {
		return s.ok.Render("clean")
	}
	return strings.Join(parts, s.dim.Render(" · "))
}

func (m Model) collectorSummary(c model.CollectorState) string {
	s := m.styles
	if c.Running && c.FinishedAt.IsZero() {
		return s.run.Render(m.runningText("running", c))
	}
	var parts []string
	switch c.Status {
	case model.StatusOK:
		counts := map[model.Severity]int{}
		for _, f := range c.Findings {
			counts[f.Severity]++
		}
		parts = m.severityCounts(counts)
		if len(parts) == 0 {
			parts = []string{s.ok.Render("clean")}
		}
	case model.StatusError:
		parts = append(parts, s.bad.Render("error"))
	case model.StatusUnknown:
		parts = append(parts, s.unknown.Render("unknown"))
	default:
		parts = append(parts, s.dim.Render(string(c.Status)))
	}
	if c.Running {
		parts = append(parts, s.run.Render(m.runningText("rerunning", c)))
	} else if c.Stale {
		parts = append(parts, s.dim.Render("stale"))
	}
	return strings.Join(parts, s.dim.Render(" · "))
}

// statusIcon is one cell that says how a collector stands.
func (m Model) statusIcon(c model.CollectorState) string {
	s := m.styles
	if c.Running {
		return ansi.Truncate(m.spinner.View(), 1, "")
	}
	switch c.Status {
	case model.StatusOK:
		for _, f := range c.Findings {
			if f.Severity >= model.High && !m.snap.Acknowledged(f) {
				return s.bad.Render("✗")
			}
		}
		return s.ok.Render("✓")
	case model.StatusError:
		return s.bad.Render("!")
	case model.StatusUnknown:
		return s.unknown.Render("?")
	default:
		return s.dim.Render("–")
	}
}

func (m Model) keyBar() string {
	if p := m.prompt; p != nil {
		// The answer being typed, its end always in view, with a cursor.
		label := m.styles.bold.Render(sanitize(p.label))
		room := max(1, m.width-ansi.StringWidth(label)-1)
		value := sanitize(p.text())
		if w := ansi.StringWidth(value); w > room {
			value = "…" + ansi.TruncateLeft(value, w-room+1, "")
		}
		bar := label + value + m.styles.cursor.Render(" ")
		if m.status != "" {
			bar += "  " + m.styles.warning.Render(sanitize(m.status))
		}
		return bar
	}
	h := m.help
	status := ""
	if m.status != "" {
		status = m.styles.bold.Render(clip(sanitize(m.status), m.width)) + "  "
	}
	h.SetWidth(max(0, m.width-ansi.StringWidth(status)))
	n := m.current()
	k := domainNode
	if n != nil {
		k = n.kind
	}
	return status + h.ShortHelpView(m.keys.shortHelp(k, n != nil))
}

// helpLines is the help overlay: every key, what the tree's marks mean and
// how the score is computed, generated from the key map and the penalties
// so it cannot drift from what the program does. It scrolls like the
// detail pane when the terminal is short.
func (m Model) helpLines(height int) []string {
	return m.scroll(m.helpContent(), m.helpOffset, height, " ")
}

func (m Model) helpContent() []string {
	s := m.styles
	var lines []string
	add := func(l ...string) { lines = append(lines, l...) }
	add(s.bold.Render(" Keys"))
	groups := m.keys.fullHelp()
	keys, descs := make([]string, len(groups)), make([]string, len(groups))
	keyW := 0
	for i, group := range groups {
		var k, d []string
		for _, b := range group {
			k = append(k, b.Help().Key)
			d = append(d, b.Help().Desc)
		}
		keys[i], descs[i] = strings.Join(k, " "), strings.Join(d, " / ")
		keyW = max(keyW, ansi.StringWidth(keys[i]))
	}
	for i := range groups {
		add("   " + s.key.Render(keys[i]+strings.Repeat(" ", keyW-ansi.StringWidth(keys[i]))) + "  " + descs[i])
	}
	add("", s.bold.Render(" Marks"))
	add("   ✓ ran, nothing blocking   ✗ blocker or high findings   ! failed to run",
		"   ? could not run (see its hint)   – skipped   "+m.spinner.Spinner.Frames[0]+" running",
		"   stale: inputs changed since; still scored, not counted as coverage",
		"   + new in the last run   [acked] accepted: counted, but not in the verdict")
	add("", s.bold.Render(" Checklist"))
	add("   [x]/[ ] what a person ticked, a claim; on the right what the evidence says:",
		"   verified: its rule passes   failing: its rule fails   open: not ticked",
		"   claimed: ticked, no rule: a person's word   unknown: evidence missing or stale",
		"   CONTRADICTED: ticked while its rule fails")
	var pen []string
	for _, sev := range model.Severities {
		if p := model.Penalty[sev]; p > 0 {
			pen = append(pen, fmt.Sprintf("%g per %s", p, sev))
		}
	}
	add("", s.bold.Render(" Score"))
	add("   a collector starts at 100 and loses "+strings.Join(pen, ", "),
		"   a domain scores the mean of its collectors; the total weighs the domains",
		"   coverage: collectors with fresh evidence / collectors that apply",
		"   NO-GO with any open blocker; CONDITIONAL with high findings, no evidence,",
		"   or checklist items not met (contradicted ones are named in the header)",
		"", s.dim.Render(" ? or esc closes this help"))
	return lines
}

// scroll cuts lines to a window of h lines from off, marking hidden lines
// above and below, and pads it to exactly h lines.
func (m Model) scroll(all []string, off, h int, indent string) []string {
	if h <= 0 {
		return nil
	}
	off = max(0, min(off, len(all)-h))
	view := all[off:]
	if off > 0 && len(view) > 0 {
		view = append([]string{m.styles.dim.Render(fmt.Sprintf("%s↑ %d more lines (pgup)", indent, off+1))}, view[1:]...)
	}
	if len(view) > h {
		view = append(view[:h-1:h-1], m.styles.dim.Render(fmt.Sprintf("%s↓ %d more lines (pgdn)", indent, len(view)-h+1)))
	}
	for len(view) < h {
		view = append(view, "")
	}
	return view
}

// runningText says how long the run in flight has gone and what the tool
// reported so far: "running 12s · 40 passed so far".
func (m Model) runningText(verb string, c model.CollectorState) string {
	started := c.RunStarted
	if started.IsZero() && c.FinishedAt.IsZero() {
		started = c.StartedAt // a snapshot from before run start times were kept
	}
	if started.IsZero() {
		// Waiting for a free slot: at most one run per core at once.
		if verb == "running" {
			return "queued"
		}
		return "rerun queued"
	}
	text := verb
	if !started.IsZero() {
		// Whole seconds: a tenth that changes with every frame is noise.
		if d := m.now().Sub(started); d < time.Minute {
			text += fmt.Sprintf(" %ds", int(d.Seconds()))
		} else {
			text += " " + duration(d)
		}
	}
	if c.Progress != "" {
		text += " · " + sanitize(c.Progress)
	}
	return text
}
