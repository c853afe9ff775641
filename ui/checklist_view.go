package ui

import (
	"fmt"
	"sort"
	"strings"

	"github.com/preflight-dev/preflight/model"
)

// stateOrder is how checklist states are listed: what stands in the way
// first.
var stateOrder = []model.ItemState{
	model.ItemContradicted, model.ItemFailing, model.ItemUnknown,
	model.ItemUnchecked, model.ItemChecked, model.ItemVerified,
}

// stateWord is how a state reads in a row; "checked" is a claim and
// "unchecked" is simply open.
func stateWord(s model.ItemState) string {
	switch s {
	case model.ItemChecked:
		return "claimed"
	case model.ItemUnchecked:
		return "open"
	}
	return string(s)
}

// stateLabel renders a state: evidence in colour, claims plain, and a
// contradiction as loud as the screen allows.
func (m Model) stateLabel(st model.ItemState) string {
	s := m.styles
	switch st {
	case model.ItemVerified:
		return s.ok.Render("✓ verified")
	case model.ItemFailing:
		return s.bad.Render("✗ failing")
	case model.ItemContradicted:
		return s.contradicted.Render("✗ CONTRADICTED")
	case model.ItemUnknown:
		return s.unknown.Render("? unknown")
	case model.ItemChecked:
		return s.dim.Render("claimed")
	}
	return s.dim.Render("open")
}

// stateCounts summarises items by state, most pressing first.
func (m Model) stateCounts(states map[model.ItemState]int) string {
	var parts []string
	for _, st := range stateOrder {
		n := states[st]
		if n == 0 {
			continue
		}
		text := fmt.Sprintf("%d %s", n, stateWord(st))
		switch st {
		case model.ItemContradicted:
			parts = append(parts, m.styles.contradicted.Render(text))
		case model.ItemFailing:
			parts = append(parts, m.styles.bad.Render(text))
		case model.ItemUnknown:
			parts = append(parts, m.styles.unknown.Render(text))
		case model.ItemVerified:
			parts = append(parts, m.styles.ok.Render(text))
		default:
			parts = append(parts, m.styles.dim.Render(text))
		}
	}
	return strings.Join(parts, m.styles.dim.Render(" · "))
}

func box(checked bool) string {
	if checked {
		return "[x]"
	}
	return "[ ]"
}

// checklistRow is the left and right part of a checklist row.
func (m Model) checklistRow(n *node) (left, right string) {
	s := m.styles
	cl := m.snap.Checklist
	switch n.kind {
	case checklistNode:
		left = s.bold.Render(fit("Checklist", m.domainNameWidth()))
		if cl == nil || cl.File == "" {
			return left + "  " + s.dim.Render("no READINESS.md — press I to write one"), ""
		}
		summary := m.stateCounts(n.states)
		if p := len(cl.Problems); p > 0 {
			summary = s.bad.Render(plural(p, "problem")) + s.dim.Render(" · ") + summary
		}
		if summary == "" {
			summary = s.dim.Render("no items")
		}
		return left + "  " + summary, ""
	case sectionNode:
		left = s.bold.Render(oneLine(n.section))
		if d := m.sectionDomain(n); d != "" && !strings.EqualFold(d, n.section) {
			left += s.dim.Render(" → " + d)
		}
		if counts := m.stateCounts(n.states); counts != "" {
			left += "  " + counts
		}
		return left, ""
	case itemNode:
		it := n.item
		label := m.stateLabel(it.State)
		if it.Stale {
			// The last known state, while a collector it reads reruns.
			label += s.dim.Render(" stale")
		}
		return box(it.Checked) + " " + oneLine(it.Text), label
	case ackNode:
		a := n.ack
		left = s.dim.Render("ack ") + oneLine(a.Label)
		if a.Label != "" {
			left += s.dim.Render(" — ")
		}
		left += sanitize(a.Reason)
		switch {
		case n.expired:
			right = s.unknown.Render("expired " + a.Until.Format("2006-01-02"))
		case n.gone:
			right = s.dim.Render("no longer found")
		case !a.Until.IsZero():
			right = s.dim.Render("until " + a.Until.Format("2006-01-02"))
		default:
			right = s.dim.Render(oneLine(a.By))
		}
		return left, right
	case problemNode:
		return s.bad.Render("! " + sanitize(n.problem.String())), ""
	}
	return n.id, ""
}

// sectionDomain is the name of the domain a section's items count for.
func (m Model) sectionDomain(n *node) string {
	for _, id := range n.children {
		if c := m.tree.nodes[id]; c.kind == itemNode && c.item.Domain != "" {
			return model.LookupDomain(c.item.Domain).Name
		}
	}
	return ""
}

// triageState says how the findings are narrowed and arranged.
func (m Model) triageState() string {
	s := m.styles
	var parts []string
	if !m.view.filter.empty() {
		parts = append(parts, s.run.Render(fmt.Sprintf("filter “%s” %d/%d", sanitize(m.view.filter.text), m.tree.shown, m.tree.total)))
	}
	if m.view.blockersOnly {
		parts = append(parts, s.run.Render("blockers only"))
	}
	if m.view.group != byCollector {
		parts = append(parts, s.run.Render("by "+groupingNames[m.view.group]))
	}
	return strings.Join(parts, s.dim.Render(" · "))
}

// changes is the header's account of progress: open blockers over time,
// and what the last run and the whole session fixed and brought.
func (m Model) changes() string {
	s := m.styles
	var parts []string
	if len(m.history) > 1 {
		last := m.history[len(m.history)-1]
		parts = append(parts, "blockers "+s.run.Render(sparkline(m.history, 12))+" "+itoa(last.Total()))
	}
	if m.compares > 0 {
		parts = append(parts, "run "+m.deltaText(m.lastRun), "session "+m.deltaText(m.session))
	}
	return strings.Join(parts, s.dim.Render(" · "))
}

// deltas is the run's and the session's counts without the sparkline.
func (m Model) deltas() string {
	if m.compares == 0 {
		return ""
	}
	return "run " + m.deltaText(m.lastRun) + m.styles.dim.Render(" · ") + "session " + m.deltaText(m.session)
}

func (m Model) deltaText(d delta) string {
	s := m.styles
	return s.bad.Render(fmt.Sprintf("+%d", d.appeared)) + " " + s.ok.Render(fmt.Sprintf("−%d", d.fixed))
}

// itemDetail shows a checklist item: the claim, the rule, what it read,
// and the verdict on the claim.
func (m Model) itemDetail(n *node, w int) []string {
	s := m.styles
	it := n.item
	lines := wrap(box(it.Checked)+" "+s.bold.Render(sanitize(it.Text)), w)
	where := it.Location()
	if it.Section != "" {
		where += " · " + oneLine(it.Section)
	}
	if d := model.LookupDomain(it.Domain).Name; it.Domain != "" && !strings.EqualFold(d, it.Section) {
		where += " → " + d
	}
	lines = append(lines, s.dim.Render(where))

	claim := "not ticked"
	switch {
	case it.Checked && it.CheckedBy != "":
		claim = "ticked by " + oneLine(it.CheckedBy)
		if !it.CheckedAt.IsZero() {
			claim += " on " + it.CheckedAt.Local().Format("2006-01-02 15:04")
		}
	case it.Checked:
		claim = "ticked by hand (no record of who or when)"
	}
	lines = append(lines, m.field("claim", claim, w)...)
	if it.Rule == "" {
		lines = append(lines, m.field("rule", "none: this is a person's claim, not evidence. Bind it with <!-- verify: … --> on its line (see the README for rules).", w)...)
	} else {
		lines = append(lines, m.field("rule", sanitize(it.Rule), w)...)
		measured := strings.Join(it.Evidence, "; ")
		if measured == "" {
			measured = "nothing could be read"
		}
		lines = append(lines, m.field("measured", sanitize(measured), w)...)
	}
	state := m.stateLabel(it.State)
	if it.Why != "" {
		state += s.dim.Render(" — ") + sanitize(it.Why)
	}
	lines = append(lines, m.field("state", state, w)...)
	if it.Source != "" {
		lines = append(lines, m.field("from", sanitize(it.Source), w)...)
	}
	return append(lines, append([]string{""}, wrap(s.dim.Render("space ticks or unticks it; the change is written to "+it.File), w)...)...)
}

func (m Model) checklistDetail(n *node, w int) []string {
	s := m.styles
	cl := m.snap.Checklist
	if cl == nil || cl.File == "" {
		return append(wrap(s.bold.Render("No READINESS.md")+" in this repository.", w), wrap(
			"Press I to write a starter checklist with items bound to the collectors detected here, "+
				"or run `preflight init`, or `preflight import REPORT.md` to turn an existing readiness report into one.", w)...)
	}
	lines := []string{s.bold.Render(oneLine(cl.File))}
	if len(cl.Problems) > 0 {
		lines = append(lines, s.bad.Render("problems")+s.dim.Render(" (preflight will not write the file until they are fixed)"))
		for _, p := range cl.Problems {
			lines = append(lines, wrap("  "+sanitize(p.String()), w)...)
		}
		lines = append(lines, "")
	}
	for _, st := range stateOrder {
		lines = append(lines, fmt.Sprintf("  %-13s%d", stateWord(st), n.states[st]))
	}
	return append(lines, append([]string{""}, wrap(s.dim.Render("Items not met keep the verdict at CONDITIONAL; a contradicted item is named in the header."), w)...)...)
}

func (m Model) sectionDetail(n *node, w int) []string {
	lines := []string{m.styles.bold.Render(oneLine(n.section))}
	if d := m.sectionDomain(n); d != "" {
		lines = append(lines, m.field("domain", d, w)...)
	}
	return append(lines, m.field("items", m.stateCounts(n.states), w)...)
}

func (m Model) ackDetail(n *node, w int) []string {
	a := n.ack
	lines := []string{m.styles.bold.Render("acknowledged") + " " + oneLine(a.Label)}
	lines = append(lines, m.field("reason", sanitize(a.Reason), w)...)
	lines = append(lines, m.field("by", sanitize(a.By)+" on "+a.On.Format("2006-01-02"), w)...)
	until := "no end date"
	if !a.Until.IsZero() {
		until = a.Until.Format("2006-01-02")
	}
	lines = append(lines, m.field("until", until, w)...)
	state := "holds: the finding counts, but not in the verdict"
	switch {
	case n.expired:
		state = "expired: the finding is back in the verdict"
	case n.gone:
		state = "the finding is no longer reported: this line can go"
	}
	lines = append(lines, m.field("state", state, w)...)
	lines = append(lines, m.field("finding", a.Finding, w)...)
	return append(lines, m.field("written", a.File+":"+itoa(a.Line), w)...)
}

func (m Model) groupDetail(n *node, w int) []string {
	lines := []string{m.styles.bold.Render(oneLine(n.group))}
	lines = append(lines, m.field("findings", strings.Join(m.severityCounts(n.counts), m.styles.dim.Render(" · ")), w)...)
	cols, files := map[string]int{}, map[string]int{}
	for _, id := range n.children {
		f := m.tree.nodes[id].finding
		cols[f.Collector]++
		if f.File != "" {
			files[f.File]++
		}
	}
	lines = append(lines, m.field("from", topCounts(cols, 5), w)...)
	if len(files) > 0 && m.view.group != byFile {
		lines = append(lines, m.field("files", topCounts(files, 5), w)...)
	}
	return lines
}

// topCounts lists the most frequent keys with their counts.
func topCounts(counts map[string]int, n int) string {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if counts[keys[i]] != counts[keys[j]] {
			return counts[keys[i]] > counts[keys[j]]
		}
		return keys[i] < keys[j]
	})
	var parts []string
	for i, k := range keys {
		if i == n {
			parts = append(parts, fmt.Sprintf("and %d more", len(keys)-n))
			break
		}
		parts = append(parts, fmt.Sprintf("%s (%d)", oneLine(k), counts[k]))
	}
	return strings.Join(parts, ", ")
}

// ackLines is what the finding pane says about an acknowledgment.
func (m Model) ackLines(n *node, w int) []string {
	a := n.ack
	switch {
	case n.acked:
		text := "by " + sanitize(a.By) + " on " + a.On.Format("2006-01-02")
		if !a.Until.IsZero() {
			text += ", until " + a.Until.Format("2006-01-02")
		}
		text += ": " + sanitize(a.Reason)
		return m.field("accepted", text, w)
	case n.expired:
		return m.field("accepted", m.styles.unknown.Render("expired on "+a.Until.Format("2006-01-02"))+": "+sanitize(a.Reason), w)
	}
	return nil
}
