package ui

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/prefs"
)

// Below this the cockpit says the terminal is too small instead of drawing
// a screen nobody can read.
const (
	minWidth  = 50
	minHeight = 12
	// From this width on the detail pane sits beside the tree.
	wideWidth = 100
	// A watch warning may take this many lines: it names the setting to
	// change, which must not be cut off.
	maxWarningLines = 2
)

// chrome is how many lines everything but the tree and detail take: the
// header and the key bar.
func (m Model) chrome() int {
	return len(m.header()) + 1
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

// Split bounds and steps, in percent of the screen the tree takes.
const (
	splitStep = 5
	// The detail pane beside the tree is never narrower than this, nor
	// the tree narrower than minTreeW: below that the pane goes under
	// the tree.
	minDetailW = 30
	minTreeW   = 40
	// Stacked, each pane keeps at least this many lines.
	minPaneH = 3
)

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
		l.treeW = m.treeWidth()
		l.detailW = m.width - l.treeW - 1
		l.treeH, l.detailH = body, body
	default:
		// Below the tree, with a labelled rule between them.
		l.treeW, l.detailW = m.width, m.width
		share := m.split
		if share == 0 {
			share = 55
		}
		l.treeH = max(minPaneH, min((body-1)*share/100, body-1-minPaneH))
		l.detailH = body - 1 - l.treeH
	}
	return l
}

// treeWidth is the tree's width beside the detail pane. Unless the person
// chose a split, it adapts to the terminal: the detail pane takes two
// fifths, at least 40 and at most 100 columns, so a finding's message
// fits in the tree at 100 columns and a wide terminal gives the extra
// room to the tree.
func (m Model) treeWidth() int {
	w := m.width
	tree := w - max(40, min(100, w*2/5)) - 1
	if m.split > 0 {
		tree = w * m.split / 100
	}
	return max(minTreeW, min(tree, w-1-minDetailW))
}

// treeShare is the percentage of the screen the tree takes now.
func (m Model) treeShare() int {
	l := m.layout()
	switch {
	case l.tooSmall || !l.detail:
		if m.split > 0 {
			return m.split
		}
		return 55
	case l.wide:
		return (l.treeW*100 + m.width/2) / m.width
	}
	return (l.treeH*100 + (l.treeH+l.detailH)/2) / max(1, l.treeH+l.detailH)
}

// resizeSplit gives the tree more (delta > 0) or less of the screen.
func (m Model) resizeSplit(delta int) Model {
	before := m.layout()
	share := m.treeShare()
	for step := delta; ; step += delta {
		if before.tooSmall || !before.detail {
			// Nothing to see change: the split applies when the pane is back.
			m.split = max(prefs.MinSplit, min(prefs.MaxSplit, share+delta))
			break
		}
		m.split = max(prefs.MinSplit, min(prefs.MaxSplit, share+step))
		// On a short terminal one step can be less than a line: go on
		// until the panes change, or a bound is reached.
		if l := m.layout(); l.treeW != before.treeW || l.treeH != before.treeH ||
			m.split == prefs.MinSplit || m.split == prefs.MaxSplit {
			break
		}
	}
	l := m.layout()
	got := m.treeShare()
	what := "height"
	if l.wide {
		what = "width"
	}
	m.status = fmt.Sprintf("tree %d%% of the %s (%s %s; split: %d in the preferences keeps it)",
		got, what, m.keys.Narrower.Help().Key, m.keys.Wider.Help().Key, m.split)
	m.scrollToCursor()
	return m
}

// View draws the whole screen.
func (m Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "preflight · " + string(m.assess.Verdict)
	if m.provisional() {
		v.WindowTitle += " so far"
	}
	v.ProgressBar = m.progressBar()
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
	case m.showMessages:
		lines = append(lines, m.scroll(m.messageContent(), m.msgOffset, body, " ")...)
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

// maxReasonLines bounds the lines the verdict's reasons may take when they
// do not fit beside it: two on a short terminal, three from 30 lines on.
// What does not fit is in the messages view.
func (m Model) maxReasonLines() int {
	if m.height >= 30 {
		return 3
	}
	return 2
}

// header is the lines above the tree: the verdict with its score and
// reasons, the session's state, and warnings (the watcher's, a message
// not read yet) or a rule. Nothing in it is cut off where it matters:
// reasons that do not fit beside the verdict get lines of their own, and
// the state line gives up its least useful parts first.
func (m Model) header() []string {
	s := m.styles
	w := m.width
	a := m.assess

	score := "score — (no evidence)"
	if m.provisional() {
		score = "score —" // the line under it says what is awaited
	}
	if a.Score != nil {
		score = "score " + number(*a.Score)
	}
	fresh, applicable := m.coverage()
	// Collectors rerunning keep their last results, marked stale, and the
	// coverage they gave: it does not drop to nothing on R.
	rerunning := m.rerunning()
	score += fmt.Sprintf(" · coverage %d/%d", fresh+rerunning, applicable)
	if rerunning > 0 {
		score += fmt.Sprintf(" (%d rerunning)", rerunning)
	}
	verdict := s.verdict[a.Verdict].Render(string(a.Verdict))
	if m.provisional() {
		// Collectors have still to report: more findings may come.
		verdict += " " + s.run.Render("so far")
	}
	fixed := lipgloss.Width("preflight  ") + lipgloss.Width(verdict) + 2 + len(score) + 2
	path := shortPath(oneLine(m.root), m.home, max(12, min(w-fixed, w/3)))
	line1 := s.brand.Render("preflight") + " " + path + "  " + verdict + "  " + s.bold.Render(score)
	lines := []string{line1}
	if reasons := oneLine(strings.Join(m.reasons(), "; ")); reasons != "" {
		if ansi.StringWidth(line1)+2+ansi.StringWidth(reasons) <= w {
			lines[0] += s.dim.Render("  " + reasons)
		} else {
			wrapped := wrap(reasons, max(1, w-1))
			if n := m.maxReasonLines(); len(wrapped) > n {
				more := " … (" + m.keys.Messages.Help().Key + ": all)"
				wrapped = wrapped[:n]
				last := wrapped[n-1]
				wrapped[n-1] = strings.TrimRight(clip(last, max(1, w-1-ansi.StringWidth(more)), ""), " ") + more
			}
			for _, r := range wrapped {
				lines = append(lines, s.dim.Render(" "+r))
			}
		}
	}
	lines = append(lines, m.stateLine(w))

	warn := append(m.warningLines(), m.unreadLine())
	if warn[len(warn)-1] == "" {
		warn = warn[:len(warn)-1]
	}
	if len(warn) > 0 {
		return append(lines, warn...)
	}
	return append(lines, s.rule.Render(strings.Repeat("─", w)))
}

// baseName is what the findings are compared with, as the user named it.
func (m Model) baseName() string {
	if m.snap.Base == nil {
		return "the base"
	}
	return oneLine(m.snap.Base.Rev)
}

// stateForm is one way to write a part of the header's state line, with
// how much it matters: when the line is too long, the part whose current
// form matters least gives way to its next, shorter form, or goes.
type stateForm struct {
	text string
	rank int
}

// stateLine says what the session is doing: collectors still to report,
// the filter, progress, watching, the last change.
func (m Model) stateLine(w int) string {
	s := m.styles
	var parts [][]stateForm
	add := func(forms ...stateForm) {
		if forms[0].text != "" {
			parts = append(parts, forms)
		}
	}
	if m.engineStopped {
		add(stateForm{s.bad.Render("engine stopped: no more updates"), 90})
	}
	if m.scanning {
		add(stateForm{s.run.Render("scanning the repository…"), 85}, stateForm{s.run.Render("scanning…"), 90})
	}
	if wait := m.waiting(); len(wait) > 0 {
		// Who is still running matters less than that someone is.
		add(stateForm{m.waitingText(wait, w), 35}, stateForm{m.waitingText(wait, 0), 80})
	}
	add(stateForm{m.triageState(), 70})
	if b := m.snap.Base; b != nil {
		n, f := b.NewCount(m.snap), len(b.Fixed)
		long := fmt.Sprintf("+%d new · −%d fixed vs %s", n, f, m.baseName())
		if m.view.sinceBase {
			long += " (showing the new)"
		}
		add(stateForm{long, 55}, stateForm{fmt.Sprintf("+%d −%d", n, f), 75})
	}
	ws := m.snap.Watch
	switch {
	case ws.Dirs > 0 && ws.Polled > 0:
		add(stateForm{"watching " + plural(ws.Dirs, "dir") + ", " + s.unknown.Render("polling "+itoa(ws.Polled)), 55},
			stateForm{s.unknown.Render("polling " + itoa(ws.Polled)), 60})
	case ws.Dirs > 0:
		add(stateForm{"watching " + plural(ws.Dirs, "dir"), 30})
	case ws.Polled > 0:
		add(stateForm{s.unknown.Render("polling " + plural(ws.Polled, "dir")), 60})
	case ws.Active:
		add(stateForm{"watching", 30})
	default:
		add(stateForm{s.dim.Render("not watching"), 30})
	}
	if m.snap.FromCache {
		add(stateForm{s.unknown.Render("cached — refreshing"), 55}, stateForm{s.unknown.Render("cached"), 60})
	}
	if t := oneLine(m.snap.LastTrigger); t != "" {
		add(stateForm{"last change " + t, 50}, stateForm{"last change " + shortPath(t, "", 24), 45})
	}
	if full := m.changes(); full != "" {
		add(stateForm{full, 40}, stateForm{m.deltas(), 55})
	}

	sep := s.dim.Render(" · ")
	join := func() string {
		var out []string
		for _, p := range parts {
			out = append(out, p[0].text)
		}
		return strings.Join(out, sep)
	}
	line := join()
	for ansi.StringWidth(line) > w && len(parts) > 1 {
		low := 0
		for i, p := range parts {
			if p[0].rank < parts[low][0].rank {
				low = i
			}
		}
		if len(parts[low]) > 1 && parts[low][1].text != "" {
			parts[low] = parts[low][1:]
		} else {
			parts = append(parts[:low], parts[low+1:]...)
		}
		line = join()
	}
	return line
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
		switch {
		case m.scanning, m.snap.Generation == 0 && !m.engineStopped:
			msg = "Looking for things to check…"
		case m.filtering():
			msg = fmt.Sprintf("Nothing matches the filter “%s” (%s in all); %s clears it.",
				sanitize(m.view.filter.text), plural(m.tree.total, "finding"), m.keys.Close.Help().Key)
		case m.view.blockersOnly:
			msg = "No open blockers. " + m.keys.Blockers.Help().Key + " shows everything."
		case m.view.sinceBase:
			msg = "Nothing new since " + m.baseName() + ". " + m.keys.NewOnly.Help().Key + " shows everything."
		}
		for _, l := range wrap(msg, max(1, l.treeW-2)) {
			lines = append(lines, " "+m.styles.dim.Render(l))
		}
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
	prefix := gutter + strings.Repeat("  ", n.depth) + foldMark
	avail := w - ansi.StringWidth(prefix)
	var left, right string
	// keep is how much of left must stay whole before anything on the
	// right is shown: a collector's name, never cut for its status.
	keep := 0
	switch n.kind {
	case domainNode:
		score := "—"
		if n.domain.Score != nil {
			score = number(*n.domain.Score)
		}
		// How much of the domain was measured sits beside its score; a
		// score from fewer than half of its collectors is dimmed and
		// marked "~", so it never reads as a plain 100.
		scoreCell := fmt.Sprintf("%5s", score)
		if n.domain.Provisional && n.domain.Score != nil {
			scoreCell = s.dim.Render(fmt.Sprintf("%4s~", score))
		}
		left = s.bold.Render(fit(oneLine(n.domain.Name), m.domainNameWidth())) + "  " + scoreCell +
			s.dim.Render(fmt.Sprintf(" · %d/%d measured", n.domain.Measured, n.domain.Collectors))
		right = m.domainSummary(n)
		// A domain's summary belongs next to its score, not across the
		// screen.
		left, right = left+"  "+right, ""
	case collectorNode:
		c := n.collector
		left = m.statusIcon(c) + " " + oneLine(c.Collector)
		keep = ansi.StringWidth(left)
		right = m.collectorSummary(c)
		if d := duration(c.Duration); d != "" && !c.FinishedAt.IsZero() {
			right += "  " + fmt.Sprintf("%6s", d)
		} else {
			right += "        "
		}
		if keep+1+ansi.StringWidth(right) > avail {
			// The duration goes first, then the status is cut.
			right = m.collectorSummary(c)
		}
	case findingNode:
		if n.isNew {
			foldMark = s.run.Render("+") + " "
			prefix = gutter + strings.Repeat("  ", n.depth) + foldMark
		}
		left = m.findingRow(n, avail)
	case groupNode:
		left = s.bold.Render(oneLine(n.group))
		right = strings.Join(m.severityCounts(n.counts), s.dim.Render(" · "))
	default:
		left, right = m.checklistRow(n)
	}

	var line string
	if right == "" {
		line = prefix + clip(left, avail)
	} else {
		rw := ansi.StringWidth(right)
		if keep > 0 && keep+1+rw > avail {
			right = clip(right, avail-keep-1)
			rw = ansi.StringWidth(right)
			if avail-keep-1 < 4 {
				right, rw = "", 0
			}
		}
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

// minMessage is how much of a finding's message a tree row keeps before
// its location may take room: the message says what is wrong, the detail
// pane says where.
const minMessage = 20

// findingRow is a finding's row within w cells: severity, rule, marks,
// location and message. When the row is narrow the message has priority:
// the path shrinks to its file name, then goes.
func (m Model) findingRow(n *node, w int) string {
	s := m.styles
	f := n.finding
	sev := s.sev(f.Severity)
	if n.acked {
		sev = s.dim
	}
	head := sev.Render(fmt.Sprintf("%-7s", f.Severity)) + " " + s.bold.Render(oneLine(f.Rule))
	switch {
	case n.acked:
		head += " " + s.dim.Render("[acked]")
	case n.expired:
		head += " " + s.unknown.Render("[ack expired]")
	}
	msg := sanitize(firstLine(f.Message))
	room := w - ansi.StringWidth(head) - 1
	want := min(ansi.StringWidth(msg), minMessage)
	loc := location(f)
	if loc != "" && ansi.StringWidth(loc)+1+want > room {
		loc = shortLocation(f)
		if ansi.StringWidth(loc)+1+want > room {
			loc = ""
		}
	}
	if loc != "" {
		return head + " " + loc + " " + msg
	}
	return head + " " + msg
}

// shortLocation is a finding's file name and line, its directory shown
// as "…/" so that it does not read as a file at the root.
func shortLocation(f model.Finding) string {
	if f.File == "" {
		return ""
	}
	name := oneLine(f.File)
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = "…/" + name[i+1:]
	}
	if f.Line > 0 {
		return name + ":" + itoa(f.Line)
	}
	return name
}

// location is file:line, the way a finding is pointed at in a tree row.
func location(f model.Finding) string {
	if f.File == "" {
		return ""
	}
	if f.Line > 0 {
		return oneLine(f.File) + ":" + itoa(f.Line)
	}
	return oneLine(f.File)
}

// domainNameWidth is the width of the domain name column: the widest of
// every domain of the snapshot, whatever the filter shows, so the score
// column stays put when a filter hides a domain.
func (m Model) domainNameWidth() int {
	w := ansi.StringWidth("Checklist")
	for _, d := range m.assess.Domains {
		w = max(w, ansi.StringWidth(oneLine(d.Name)))
	}
	for _, c := range m.snap.Collectors {
		w = max(w, ansi.StringWidth(oneLine(m.snap.Policy.Domain(c.Domain).Name)))
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
	mark := m.snap.Mark(c)
	switch mark {
	case model.MarkClean:
		return s.ok.Render(string(mark))
	case model.MarkBlocking, model.MarkFailed:
		return s.bad.Render(string(mark))
	case model.MarkUnknown:
		return s.unknown.Render(string(mark))
	}
	return s.dim.Render(string(mark))
}

func (m Model) keyBar() string {
	if p := m.prompt; p != nil {
		// The answer being typed, its end always in view, with a cursor.
		label := m.styles.bold.Render(oneLine(p.label))
		room := max(1, m.width-ansi.StringWidth(label)-1)
		value := oneLine(p.text())
		if w := ansi.StringWidth(value); w > room {
			value = "…" + ansi.TruncateLeft(value, w-room+1, "")
		}
		bar := label + value + m.styles.cursor.Render(" ")
		if m.status != "" {
			bar += "  " + m.styles.warning.Render(oneLine(m.status))
		}
		return bar
	}
	h := m.help
	status := ""
	if m.status != "" {
		status = m.styles.bold.Render(clip(oneLine(m.status), m.width)) + "  "
	}
	h.SetWidth(max(0, m.width-ansi.StringWidth(status)))
	n := m.current()
	k := domainNode
	if n != nil {
		k = n.kind
	}
	return status + h.ShortHelpView(m.keys.shortHelp(k, n != nil, !m.hideDetail))
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
// reported so far: "running 12s · 40 passed so far". A run waiting for a
// free slot (at most one per core at once) is "queued". The tree, the
// header and the detail pane all say it with this, so they never
// disagree.
func (m Model) runningText(verb string, c model.CollectorState) string {
	started := c.RunStarted
	if started.IsZero() && c.FinishedAt.IsZero() {
		started = c.StartedAt // a snapshot from before run start times were kept
	}
	if started.IsZero() {
		if verb == "running" {
			return "queued"
		}
		return "rerun queued"
	}
	text := verb + " " + elapsed(m.now().Sub(started))
	if c.Progress != "" {
		text += " · " + sanitize(c.Progress)
	}
	return text
}

// elapsed is how long a run has gone: whole seconds (a tenth that changes
// with every frame is noise), then minutes.
func elapsed(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%ds", int(max(0, d.Seconds())))
	}
	return duration(d)
}
