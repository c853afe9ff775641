package ui

import (
	"sort"
	"strconv"
	"strings"

	"github.com/preflight-dev/preflight/model"
)

// kind is what a tree node stands for.
type kind int

const (
	domainNode kind = iota
	collectorNode
	findingNode
	groupNode     // findings of one rule or one file, when grouped
	checklistNode // the root of READINESS.md
	sectionNode   // a heading of READINESS.md
	itemNode      // a checklist item
	ackNode       // an acknowledgment under Accepted risks
	problemNode   // something READINESS.md has that cannot be read
)

var kindNames = [...]string{"domain", "collector", "finding", "group", "checklist", "section", "item", "acknowledgment", "problem"}

// node is one entry of the tree. Its id is derived from what it shows
// (domain id, collector id, finding fingerprint, item text), never from its
// position, so the cursor and the fold state survive snapshots that add,
// remove or reorder things, and regrouping.
type node struct {
	id       string
	parent   string
	kind     kind
	depth    int
	children []string

	domain    model.DomainSummary  // domainNode
	collector model.CollectorState // collectorNode, and the owner of a findingNode
	finding   model.Finding        // findingNode

	// findingNode: triage marks.
	ack     model.Acknowledgment
	acked   bool // acknowledged and the acknowledgment holds
	expired bool // acknowledged, but the acknowledgment has run out
	isNew   bool // not in the previous run of its collector

	group   string                 // groupNode: the rule or file
	counts  map[model.Severity]int // groupNode: findings by severity
	item    model.ChecklistItem    // itemNode
	section string                 // sectionNode: the heading
	problem model.ChecklistProblem // problemNode
	gone    bool                   // ackNode: the finding is no longer reported

	blockers int // open blocker findings beneath: decides the default fold
	running  int // collectors running beneath a domain
	notOK    map[model.Status]int
	states   map[model.ItemState]int // checklistNode, sectionNode: items by state
}

// tree is the whole hierarchy of one snapshot, folded or not.
type tree struct {
	nodes map[string]*node
	roots []string
	// shown and total count findings after and before the filter.
	shown, total int
}

func domainKey(id string) string    { return "domain:" + id }
func collectorKey(id string) string { return "collector:" + id }
func findingKey(collector, id string) string {
	return "finding:" + collector + "/" + id
}

const checklistKey = "checklist"

// grouping is how findings are arranged under their domain.
type grouping int

const (
	byCollector grouping = iota
	byRule
	byFile
)

var groupingNames = [...]string{"collector", "rule", "file"}

// view is what the person chose to see: the grouping, the filter and the
// blockers-only switch, and which findings are new.
type view struct {
	group        grouping
	filter       filter
	blockersOnly bool
	isNew        map[string]bool // by finding key
	// sinceBase shows only the findings the base did not have, when the
	// snapshot was compared with one.
	sinceBase bool
}

// active reports whether anything is hidden.
func (v view) active() bool { return !v.filter.empty() || v.blockersOnly || v.sinceBase }

// buildTree arranges a snapshot for display: domains in the assessment's
// order, then collectors by id (or groups by size), findings most severe
// first, and the checklist last.
func buildTree(s model.Snapshot, a model.Assessment, v view) tree {
	t := tree{nodes: map[string]*node{}}
	addDomain := func(d model.DomainSummary) *node {
		n := &node{id: domainKey(d.ID), kind: domainNode, domain: d, notOK: map[model.Status]int{}}
		t.nodes[n.id] = n
		t.roots = append(t.roots, n.id)
		return n
	}
	for _, d := range a.Domains {
		addDomain(d)
	}

	cs := append([]model.CollectorState(nil), s.Collectors...)
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].Collector < cs[j].Collector })
	seenCollector := map[string]bool{}
	for _, c := range cs {
		if seenCollector[c.Collector] {
			continue // a collector id is unique in a repository; keep the first
		}
		seenCollector[c.Collector] = true
		dn, ok := t.nodes[domainKey(c.Domain)]
		if !ok {
			// Only skipped collectors are missing from the assessment;
			// they are still listed so nothing detected goes unseen.
			info := model.LookupDomain(c.Domain)
			dn = addDomain(model.DomainSummary{ID: c.Domain, Name: info.Name, Counts: map[string]int{}})
		}
		if c.Running {
			dn.running++
		}
		if firstRun := c.Running && c.FinishedAt.IsZero(); c.Status != model.StatusOK && !firstRun {
			dn.notOK[c.Status]++
		}

		var parent *node
		if v.group == byCollector {
			parent = &node{id: collectorKey(c.Collector), parent: dn.id, kind: collectorNode, depth: 1, collector: c}
		}
		fs := append([]model.Finding(nil), c.Findings...)
		model.SortFindings(fs)
		seen := map[string]bool{}
		var kept []*node
		for i, f := range fs {
			fid := f.ID
			if fid == "" || seen[fid] {
				// Fingerprints are assigned by collectors; a missing or
				// repeated one must not merge two rows into one.
				fid = "#" + strconv.Itoa(i)
			}
			seen[fid] = true
			t.total++
			if v.blockersOnly && f.Severity != model.Blocker || !v.filter.matches(f) ||
				v.sinceBase && s.Base != nil && s.Base.State(f) != model.BaselineNew {
				continue
			}
			t.shown++
			fn := &node{id: findingKey(c.Collector, fid), kind: findingNode, depth: 2, collector: c, finding: f}
			fn.ack, fn.acked, fn.expired = ackState(s, f)
			fn.isNew = v.isNew[fn.id]
			kept = append(kept, fn)
		}
		if v.group == byCollector {
			// With a filter on, a collector shows only for its matches.
			if v.active() && len(kept) == 0 {
				continue
			}
			t.nodes[parent.id] = parent
			dn.children = append(dn.children, parent.id)
			for _, fn := range kept {
				t.attach(parent, fn)
				if fn.finding.Severity == model.Blocker && !fn.acked {
					parent.blockers++
					dn.blockers++
				}
			}
			continue
		}
		for _, fn := range kept {
			key := fn.finding.Rule
			if v.group == byFile {
				key = fn.finding.File
				if key == "" {
					key = "(no file)"
				}
			}
			gid := "group:" + dn.domain.ID + "/" + groupingNames[v.group] + "/" + key
			gn, ok := t.nodes[gid]
			if !ok {
				gn = &node{id: gid, parent: dn.id, kind: groupNode, depth: 1, group: key, counts: map[model.Severity]int{}}
				t.nodes[gid] = gn
				dn.children = append(dn.children, gid)
			}
			t.attach(gn, fn)
			gn.counts[fn.finding.Severity]++
			if fn.finding.Severity == model.Blocker && !fn.acked {
				gn.blockers++
				dn.blockers++
			}
		}
	}
	if v.group != byCollector {
		// The most severe groups first, the biggest first among them: one
		// high finding matters more than two low ones, and 120 TS2322
		// errors are one line at the top, not 120 lines.
		for _, id := range t.roots {
			dn := t.nodes[id]
			sort.SliceStable(dn.children, func(i, j int) bool {
				a, b := t.nodes[dn.children[i]], t.nodes[dn.children[j]]
				if sa, sb := worst(a.counts), worst(b.counts); sa != sb {
					return sa > sb
				}
				if len(a.children) != len(b.children) {
					return len(a.children) > len(b.children)
				}
				return a.group < b.group
			})
		}
	}
	if v.active() || v.group != byCollector {
		// Domains with nothing left to show go away with the filter.
		var roots []string
		for _, id := range t.roots {
			if len(t.nodes[id].children) > 0 {
				roots = append(roots, id)
			} else {
				delete(t.nodes, id)
			}
		}
		t.roots = roots
	}
	if s.Checklist != nil && !v.blockersOnly {
		t.addChecklist(s, v)
	}
	return t
}

// worst is the most severe severity counted.
func worst(counts map[model.Severity]int) model.Severity {
	w := model.Severity(-1)
	for sev, n := range counts {
		if n > 0 && sev > w {
			w = sev
		}
	}
	return w
}

func (t *tree) attach(parent, child *node) {
	child.parent = parent.id
	child.depth = parent.depth + 1
	t.nodes[child.id] = child
	parent.children = append(parent.children, child.id)
}

// ackState is whether a finding is acknowledged, at the snapshot's time.
func ackState(s model.Snapshot, f model.Finding) (ack model.Acknowledgment, acked, expired bool) {
	a, active, found := s.Checklist.AckFor(f.ID, s.GeneratedAt)
	return a, active, found && !active
}

// addChecklist adds READINESS.md: its problems first, then its sections
// with their items (nested items under their parent) and acknowledgments.
func (t *tree) addChecklist(s model.Snapshot, v view) {
	cl := s.Checklist
	root := &node{id: checklistKey, kind: checklistNode, states: map[model.ItemState]int{}}
	for _, p := range cl.Problems {
		pn := &node{id: "problem:" + strconv.Itoa(p.Line) + ":" + p.Message, kind: problemNode, problem: p}
		if _, dup := t.nodes[pn.id]; !dup {
			t.attach(root, pn)
		}
	}
	sections := map[string]*node{}
	sectionOf := func(title string) *node {
		if sn, ok := sections[title]; ok {
			return sn
		}
		sn := &node{id: "section:" + title, kind: sectionNode, section: title, states: map[model.ItemState]int{}}
		if title == "" {
			sn.section = "(no heading)"
		}
		sections[title] = sn
		t.attach(root, sn)
		return sn
	}
	textual := v.filter.textOnly()
	var stack []*node // the open items of the current section, by depth
	current := ""
	ids := map[string]int{}
	for _, it := range cl.Items {
		if !textual.matchesText(it.Text + " " + it.Rule + " " + it.Section) {
			continue
		}
		sn := sectionOf(it.Section)
		if sn.id != current {
			current, stack = sn.id, nil
		}
		base := "item:" + it.Section + "/" + it.Text
		id := base
		if n := ids[base]; n > 0 {
			id += "#" + strconv.Itoa(n)
		}
		ids[base]++
		in := &node{id: id, kind: itemNode, item: it}
		for len(stack) > 0 && stack[len(stack)-1].item.Depth >= it.Depth {
			stack = stack[:len(stack)-1]
		}
		parent := sn
		if len(stack) > 0 {
			parent = stack[len(stack)-1]
		}
		t.attach(parent, in)
		stack = append(stack, in)
		root.states[it.State]++
		sn.states[it.State]++
	}
	if len(cl.Acks) > 0 && textual.empty() {
		found := map[string]bool{}
		for _, c := range s.Collectors {
			for _, f := range c.Findings {
				found[f.ID] = true
			}
		}
		title := "Accepted risks"
		for _, a := range cl.Acks {
			an := &node{id: "ack:" + a.Finding + "@" + strconv.Itoa(a.Line), kind: ackNode, ack: a, gone: !found[a.Finding]}
			an.expired = !a.Active(s.GeneratedAt)
			t.attach(sectionOf(title), an)
		}
	}
	if v.active() && len(root.children) == 0 {
		return // the filter left nothing of the checklist
	}
	t.nodes[root.id] = root
	t.roots = append(t.roots, root.id)
}

// flatten lists the visible rows: every root, and the children of every
// unfolded node.
func (t tree) flatten(unfolded func(*node) bool) []*node {
	var rows []*node
	var walk func(id string)
	walk = func(id string) {
		n := t.nodes[id]
		rows = append(rows, n)
		if len(n.children) > 0 && unfolded(n) {
			for _, c := range n.children {
				walk(c)
			}
		}
	}
	for _, r := range t.roots {
		walk(r)
	}
	return rows
}

// collectorIDs are the collectors a rerun of n means: a domain's
// collectors (not the skipped ones: they are disabled or do not apply), a
// collector itself, the collector that found a finding, or the collectors
// of a group's findings.
func (t tree) collectorIDs(n *node) []string {
	switch n.kind {
	case domainNode, groupNode:
		seen := map[string]bool{}
		var ids []string
		var walk func(*node)
		walk = func(n *node) {
			for _, id := range n.children {
				c := t.nodes[id]
				switch c.kind {
				case collectorNode, findingNode:
					if cid := c.collector.Collector; c.collector.Status != model.StatusSkipped && !seen[cid] {
						seen[cid] = true
						ids = append(ids, cid)
					}
				case groupNode:
					walk(c)
				}
			}
		}
		walk(n)
		return ids
	case collectorNode, findingNode:
		return []string{n.collector.Collector}
	}
	return nil
}

// label is a short name for a node in messages.
func (n *node) label() string {
	switch n.kind {
	case findingNode:
		loc := n.finding.Location()
		if loc == "" {
			loc = n.collector.Collector
		}
		return strings.TrimSpace(n.finding.Rule + " " + loc)
	case itemNode:
		return n.item.Text
	}
	return n.id
}
