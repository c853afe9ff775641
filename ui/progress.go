package ui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/prefs"
)

// trackReported notes the collectors that reported a fresh result. A
// result from the cache, or one made stale by a change, is not a report
// of this session.
func (m *Model) trackReported(s model.Snapshot) {
	var add []string
	for _, c := range s.Collectors {
		if !c.FinishedAt.IsZero() && !c.Stale && !m.reported[c.Collector] {
			add = append(add, c.Collector)
		}
	}
	if len(add) == 0 {
		return
	}
	reported := make(map[string]bool, len(m.reported)+len(add))
	for k, v := range m.reported {
		reported[k] = v
	}
	for _, id := range add {
		reported[id] = true
	}
	m.reported = reported
}

// waiting lists the collectors running that have not reported in this
// session yet: until they have, the verdict is only what is known so far.
func (m Model) waiting() []model.CollectorState {
	var out []model.CollectorState
	for _, c := range m.snap.Collectors {
		if c.Running && !m.reported[c.Collector] {
			out = append(out, c)
		}
	}
	return out
}

// provisional reports whether the verdict may still change because
// collectors have not reported once yet.
func (m Model) provisional() bool {
	for _, c := range m.snap.Collectors {
		if c.Running && !m.reported[c.Collector] {
			return true
		}
	}
	return false
}

// waitingText names what the verdict still waits for, the longest runs
// first with what they are doing, within w cells:
// "waiting for 2 of 9: go:billing (go build: compiling 40s), govulncheck:billing (queued)".
func (m Model) waitingText(wait []model.CollectorState, w int) string {
	s := m.styles
	applicable := 0
	for _, c := range m.snap.Collectors {
		if c.Status != model.StatusSkipped || c.Running {
			applicable++
		}
	}
	head := fmt.Sprintf("waiting for %d of %d", len(wait), applicable)
	// Running ones first (longest first), then the queued.
	ordered := append([]model.CollectorState(nil), wait...)
	for i := 1; i < len(ordered); i++ {
		for j := i; j > 0 && runsLonger(ordered[j], ordered[j-1]); j-- {
			ordered[j], ordered[j-1] = ordered[j-1], ordered[j]
		}
	}
	text := head
	for i, c := range ordered {
		item := oneLine(c.Collector) + " (" + m.runBrief(c) + ")"
		if i == 0 {
			item = ": " + item
		} else {
			item = ", " + item
		}
		rest := ""
		if left := len(ordered) - i - 1; left > 0 {
			rest = fmt.Sprintf(", +%d", left)
		}
		if ansi.StringWidth(text+item+rest) > w {
			if i == 0 {
				return s.run.Render(text)
			}
			return s.run.Render(text + fmt.Sprintf(", +%d", len(ordered)-i))
		}
		text += item
	}
	return s.run.Render(text)
}

// runsLonger orders running collectors before queued ones, the longest
// running first.
func runsLonger(a, b model.CollectorState) bool {
	if a.RunStarted.IsZero() != b.RunStarted.IsZero() {
		return !a.RunStarted.IsZero()
	}
	return a.RunStarted.Before(b.RunStarted)
}

// progressBar is what the terminal's tab or taskbar shows while
// collectors run (OSC 9;4, where the terminal supports it): the share of
// collectors done, coloured by the verdict so far. Nothing when all is
// done or the person turned it off.
func (m Model) progressBar() *tea.ProgressBar {
	if m.prefs.NoProgress {
		return nil
	}
	total, running := 0, 0
	for _, c := range m.snap.Collectors {
		if c.Status == model.StatusSkipped && !c.Running {
			continue
		}
		total++
		if c.Running {
			running++
		}
	}
	if running == 0 || total == 0 {
		return nil
	}
	state := tea.ProgressBarDefault
	switch m.assess.Verdict {
	case model.NoGo:
		state = tea.ProgressBarError
	case model.Conditional:
		state = tea.ProgressBarWarning
	}
	return tea.NewProgressBar(state, (total-running)*100/total)
}

// announceVerdict rings the bell or sends a desktop notification when the
// settled verdict changes, if the person asked for it. A verdict is
// settled when nothing runs; the first one of the session is not a change.
func (m *Model) announceVerdict() tea.Cmd {
	if anyRunning(m.snap) || m.snap.FromCache || len(m.snap.Collectors) == 0 {
		return nil
	}
	v, before := m.assess.Verdict, m.notified
	m.notified = v
	if before == "" || before == v {
		return nil
	}
	text := fmt.Sprintf("preflight: %s → %s", before, v)
	if len(m.assess.Reasons) > 0 {
		text += ": " + m.assess.Reasons[0]
	}
	switch m.prefs.Notify {
	case prefs.NotifyBell:
		return tea.Raw("\a")
	case prefs.NotifyDesktop:
		// OSC 9 (iTerm2, WezTerm, Ghostty, kitty, foot …); terminals
		// without it ignore the sequence.
		return tea.Raw(ansi.Notify(strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f {
				return ' '
			}
			return r
		}, text)))
	}
	return nil
}

// runBrief is what a run in flight is doing, in a few words: "queued",
// "12s", "go build: compiling 40s".
func (m Model) runBrief(c model.CollectorState) string {
	started := c.RunStarted
	if started.IsZero() && c.FinishedAt.IsZero() {
		started = c.StartedAt
	}
	if started.IsZero() {
		return "queued"
	}
	t := elapsed(m.now().Sub(started))
	if p := firstLine(sanitize(c.Progress)); p != "" {
		return p + " " + t
	}
	return t
}

// rerunning counts the collectors rerunning on a result of their own: it
// stands, marked stale, until the new one arrives.
func (m Model) rerunning() int {
	n := 0
	for _, c := range m.snap.Collectors {
		if c.Running && c.Stale && c.HasEvidence() {
			n++
		}
	}
	return n
}

// reasons are the verdict's reasons as the header shows them. While the
// verdict is provisional the collectors still running are left out of
// "no evidence from …": the line under it names what is still awaited.
func (m Model) reasons() []string {
	return append(m.verdictReasons(), m.unassessed()...)
}

// unassessed names the domains the repository has nothing preflight checks
// in, once the scan has said what there is: not checked is not clean.
func (m Model) unassessed() []string {
	if m.scanning {
		return nil
	}
	var names, tools []string
	for _, d := range m.snap.Unassessed() {
		names = append(names, d.Name)
	}
	for _, c := range m.snap.Unchecked() {
		if !model.UncheckedProject(c) { // the verdict's reasons name projects
			tools = append(tools, model.UncheckedLabel(c))
		}
	}
	var out []string
	if len(names) > 0 {
		out = append(out, "not assessed: "+strings.Join(names, ", ")+" (nothing found to check)")
	}
	if len(tools) > 0 {
		out = append(out, model.NotChecked(tools))
	}
	return out
}

func (m Model) verdictReasons() []string {
	if !m.provisional() {
		return m.assess.Reasons
	}
	const noEvidence = "no evidence from "
	var out []string
	for _, r := range m.assess.Reasons {
		if rest, ok := strings.CutPrefix(r, noEvidence); ok {
			var kept []string
			for _, item := range strings.Split(rest, ", ") {
				if !strings.HasSuffix(item, " (running)") {
					kept = append(kept, item)
				}
			}
			if len(kept) == 0 {
				continue
			}
			r = noEvidence + strings.Join(kept, ", ")
		}
		out = append(out, r)
	}
	return out
}
