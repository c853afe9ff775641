package ui

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/preflight-dev/preflight/model"
)

// actionDoneMsg reports how an edit of READINESS.md went.
type actionDoneMsg struct {
	text string
	err  error
}

// runAction runs an edit off the UI goroutine and reports it.
func runAction(done string, fn func() error) tea.Cmd {
	return func() tea.Msg {
		if err := fn(); err != nil {
			return actionDoneMsg{err: err}
		}
		return actionDoneMsg{text: done}
	}
}

// tick flips the checkbox of the selected checklist item.
func (m Model) tick() (tea.Model, tea.Cmd) {
	n := m.current()
	if n == nil || n.kind != itemNode {
		m.status = "space ticks checklist items: select one under Checklist"
		return m, nil
	}
	if m.actions == nil {
		m.status = "the checklist is read-only here"
		return m, nil
	}
	item, checked, act := n.item, !n.item.Checked, m.actions
	verb := "ticked"
	if !checked {
		verb = "unticked"
	}
	m.status = "writing " + item.File + "…"
	return m, runAction(verb+" “"+item.Text+"” in "+item.Location(), func() error { return act.Tick(item, checked) })
}

// acknowledge asks why the selected finding is accepted, or offers to
// withdraw an acknowledgment that holds.
func (m Model) acknowledge() (tea.Model, tea.Cmd) {
	n := m.current()
	if n == nil || n.kind != findingNode {
		m.status = "a acknowledges a finding: select one first"
		return m, nil
	}
	if m.actions == nil {
		m.status = "acknowledgments are not available here"
		return m, nil
	}
	if n.acked {
		m.prompt = &prompt{kind: withdrawPrompt, target: n,
			label: fmt.Sprintf("withdraw %s's acknowledgment of %s? (y/n) ", n.ack.By, n.label())}
		return m, nil
	}
	m.prompt = &prompt{kind: reasonPrompt, target: n, label: "why accept " + n.label() + "? "}
	return m, nil
}

// handlePrompt is where keys go while a prompt is open: enter answers,
// esc cancels, everything else edits the answer.
func (m Model) handlePrompt(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	p := *m.prompt
	p.value = append([]rune(nil), p.value...) // older copies of the model keep theirs
	m.prompt = &p
	switch msg.String() {
	case "ctrl+c":
		return m, tea.Quit
	case "esc":
		if p.kind == filterPrompt {
			m.setFilter(p.before)
			m.rebuild()
		}
		m.prompt = nil
		m.status = "cancelled"
		return m, m.sourceCmd()
	case "enter":
		return m.answer()
	}
	if p.kind == withdrawPrompt {
		switch msg.String() {
		case "y", "Y":
			m.prompt = nil
			f, act := p.target.finding, m.actions
			return m, runAction("withdrew the acknowledgment of "+p.target.label(), func() error { return act.Withdraw(f) })
		case "n", "N":
			m.prompt = nil
			m.status = "kept the acknowledgment"
		}
		return m, nil
	}
	if p.edit(msg) {
		m.promptChanged()
	}
	return m, nil
}

// promptChanged applies a filter as it is typed.
func (m *Model) promptChanged() {
	if m.prompt.kind == filterPrompt {
		m.setFilter(parseFilter(m.prompt.text()))
		m.rebuild()
	}
}

func (m Model) answer() (tea.Model, tea.Cmd) {
	p := m.prompt
	switch p.kind {
	case filterPrompt:
		m.prompt = nil
		m.setFilter(parseFilter(p.text()))
		m.rebuild()
		if !m.view.filter.empty() {
			m.status = fmt.Sprintf("%d of %d findings match; esc clears the filter", m.tree.shown, m.tree.total)
		}
		return m, m.sourceCmd()
	case reasonPrompt:
		reason := strings.TrimSpace(p.text())
		if reason == "" {
			m.status = "a reason is required: say why this is acceptable for now (esc cancels)"
			return m, nil
		}
		m.status = ""
		m.prompt = &prompt{kind: untilPrompt, target: p.target, reason: reason,
			label: "until (YYYY-MM-DD, empty for no end date): "}
		return m, nil
	case untilPrompt:
		var until time.Time
		if v := strings.TrimSpace(p.text()); v != "" {
			d, err := time.ParseInLocation("2006-01-02", v, time.Local)
			if err != nil {
				m.status = "not a date: write it as 2026-04-30, or leave it empty"
				return m, nil
			}
			today := m.now()
			if d.Before(time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.Local)) {
				m.status = "that day has passed: an acknowledgment must hold at least until today"
				return m, nil
			}
			until = d
		}
		m.prompt = nil
		f, reason, act := p.target.finding, p.reason, m.actions
		m.status = "writing the acknowledgment…"
		done := "acknowledged " + p.target.label()
		if !until.IsZero() {
			done += " until " + until.Format("2006-01-02")
		}
		return m, runAction(done+" — saved under Accepted risks", func() error { return act.Acknowledge(f, reason, until) })
	}
	m.prompt = nil
	return m, nil
}

// copySelection puts "file:line: message" of the selection on the
// clipboard with OSC 52, which terminals pass to the system clipboard
// (tmux needs set-clipboard on).
func (m Model) copySelection() (tea.Model, tea.Cmd) {
	n := m.current()
	if n == nil {
		return m, nil
	}
	var text string
	switch n.kind {
	case findingNode:
		f := n.finding
		where := f.File
		if where != "" && f.Line > 0 {
			where += ":" + itoa(f.Line)
		}
		if where == "" {
			where = f.Collector
		}
		text = where + ": " + strings.Join(strings.Fields(f.Message), " ")
	case itemNode:
		text = n.item.Location() + ": " + n.item.Text
	case ackNode:
		text = n.ack.File + ":" + itoa(n.ack.Line) + ": " + n.ack.Reason
	case problemNode:
		text = n.problem.String()
	case collectorNode:
		text = n.collector.Collector + ": " + n.collector.Command
		if n.collector.Status != model.StatusOK {
			text = n.collector.Collector + ": " + n.collector.Error
		}
	default:
		m.status = "nothing to copy here"
		return m, nil
	}
	m.status = "copied: " + text
	return m, tea.SetClipboard(text)
}

// initChecklist writes a starter READINESS.md when there is none.
func (m Model) initChecklist() (tea.Model, tea.Cmd) {
	switch {
	case m.actions == nil:
		m.status = "the checklist is read-only here"
		return m, nil
	case m.snap.Checklist != nil && m.snap.Checklist.File != "":
		m.status = m.snap.Checklist.File + " exists already"
		return m, nil
	}
	act := m.actions
	return m, func() tea.Msg {
		msg, err := act.Init()
		return actionDoneMsg{text: msg, err: err}
	}
}

// trackChanges compares each collector's new result with the one seen
// before it: the findings that appeared are marked new, and the counts of
// this run and of the whole session are kept. A run is every collector
// one change set going: a save that reruns three overlays of a base counts
// what all three found, however their results arrive.
func (m *Model) trackChanges(s model.Snapshot) {
	seen := make(map[string]seenResult, len(m.seen))
	for k, v := range m.seen {
		seen[k] = v
	}
	baseline := make(map[string][]model.Finding, len(m.baseline))
	for k, v := range m.baseline {
		baseline[k] = v
	}
	isNew := make(map[string]bool, len(m.view.isNew))
	for k, v := range m.view.isNew {
		isNew[k] = v
	}
	runs := map[uint64]delta{} // by the change that set the run going
	changed := false
	for _, c := range s.Collectors {
		if !c.HasEvidence() || c.FinishedAt.IsZero() {
			continue
		}
		prev, ok := seen[c.Collector]
		if ok && prev.finished.Equal(c.FinishedAt) {
			continue
		}
		seen[c.Collector] = seenResult{finished: c.FinishedAt, findings: c.Findings}
		if _, has := baseline[c.Collector]; !has {
			baseline[c.Collector] = c.Findings
		}
		prefix := findingKey(c.Collector, "")
		for k := range isNew {
			if strings.HasPrefix(k, prefix) {
				delete(isNew, k)
			}
		}
		if !ok {
			continue // its first result: nothing to compare with
		}
		d := model.DiffFindings(prev.findings, c.Findings)
		changed = true
		r := runs[c.Change]
		r.appeared += len(d.Appeared)
		r.fixed += len(d.Fixed)
		runs[c.Change] = r
		for _, f := range d.Appeared {
			if f.ID != "" {
				isNew[findingKey(c.Collector, f.ID)] = true
			}
		}
	}
	if changed {
		// The latest change's runs: they add to what its earlier results
		// brought, or start a new count. A run an older change set going
		// counts in the session only.
		latest := slices.Max(slices.Collect(maps.Keys(runs)))
		run := runs[latest]
		if latest == m.runOf && latest != 0 { // 0: not numbered, each result its own run
			run.appeared += m.lastRun.appeared
			run.fixed += m.lastRun.fixed
		}
		if latest >= m.runOf {
			m.lastRun, m.runOf = run, latest
		}
		m.compares++
	}
	var session delta
	for _, c := range s.Collectors {
		if base, ok := baseline[c.Collector]; ok && c.HasEvidence() {
			d := model.DiffFindings(base, c.Findings)
			session.appeared += len(d.Appeared)
			session.fixed += len(d.Fixed)
		}
	}
	m.session = session
	m.seen, m.baseline, m.view.isNew = seen, baseline, isNew
}

// maxHistory bounds the points kept in memory for the sparkline.
const maxHistory = 200

// recordHistory keeps a summary of the snapshot once every collector has
// finished with something new, and hands it to Options.Record.
func (m *Model) recordHistory() tea.Cmd {
	s := m.snap
	if s.FromCache || anyRunning(s) {
		return nil
	}
	var latest time.Time
	for _, c := range s.Collectors {
		if c.FinishedAt.After(latest) {
			latest = c.FinishedAt
		}
	}
	if latest.IsZero() || !latest.After(m.recorded) {
		return nil
	}
	m.recorded = latest
	p := model.Summarize(s, m.assess)
	if p.At.IsZero() {
		p.At = latest
	}
	h := append(append([]model.HistoryPoint(nil), m.history...), p)
	if len(h) > maxHistory {
		h = h[len(h)-maxHistory:]
	}
	m.history = h
	if m.record == nil {
		return nil
	}
	rec := m.record
	return func() tea.Msg {
		rec(p)
		return nil
	}
}

var sparks = []rune("▁▂▃▄▅▆▇█")

// sparkline draws the open blockers of the last n points, scaled to the
// largest.
func sparkline(points []model.HistoryPoint, n int) string {
	if len(points) > n {
		points = points[len(points)-n:]
	}
	top := 0
	for _, p := range points {
		top = max(top, p.Total())
	}
	var b strings.Builder
	for _, p := range points {
		i := 0
		if top > 0 {
			i = p.Total() * (len(sparks) - 1) / top
		}
		b.WriteRune(sparks[i])
	}
	return b.String()
}

func hasProblems(n *node) bool {
	return len(n.children) > 0 && strings.HasPrefix(n.children[0], "problem:")
}
