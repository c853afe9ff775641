package ui

import (
	"sort"
	"strconv"

	"github.com/preflight-dev/preflight/model"
)

// kind is what a tree node stands for.
type kind int

const (
	domainNode kind = iota
	collectorNode
	findingNode
)

// node is one entry of the domain → collector → finding tree. Its id is
// derived from what it shows (domain id, collector id, finding fingerprint),
// never from its position, so the cursor and the fold state survive
// snapshots that add, remove or reorder things.
type node struct {
	id       string
	parent   string
	kind     kind
	depth    int
	children []string

	domain    model.DomainSummary  // domainNode
	collector model.CollectorState // collectorNode, and the owner of a findingNode
	finding   model.Finding        // findingNode

	blockers int // blocker findings beneath: decides the default fold
	running  int // collectors running beneath a domain
	notOK    map[model.Status]int
}

// tree is the whole hierarchy of one snapshot, folded or not.
type tree struct {
	nodes map[string]*node
	roots []string
}

func domainKey(id string) string    { return "domain:" + id }
func collectorKey(id string) string { return "collector:" + id }
func findingKey(collector, id string) string {
	return "finding:" + collector + "/" + id
}

// buildTree arranges a snapshot for display: domains in the assessment's
// order, collectors by id, findings most severe first.
func buildTree(s model.Snapshot, a model.Assessment) tree {
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
	for _, c := range cs {
		dn, ok := t.nodes[domainKey(c.Domain)]
		if !ok {
			// Only skipped collectors are missing from the assessment;
			// they are still listed so nothing detected goes unseen.
			info := model.LookupDomain(c.Domain)
			dn = addDomain(model.DomainSummary{ID: c.Domain, Name: info.Name, Counts: map[string]int{}})
		}
		cn := &node{id: collectorKey(c.Collector), parent: dn.id, kind: collectorNode, depth: 1, collector: c}
		if _, dup := t.nodes[cn.id]; dup {
			continue // a collector id is unique in a repository; keep the first
		}
		t.nodes[cn.id] = cn
		dn.children = append(dn.children, cn.id)
		if c.Running {
			dn.running++
		}
		if firstRun := c.Running && c.FinishedAt.IsZero(); c.Status != model.StatusOK && !firstRun {
			dn.notOK[c.Status]++
		}

		fs := append([]model.Finding(nil), c.Findings...)
		model.SortFindings(fs)
		seen := map[string]bool{}
		for i, f := range fs {
			fid := f.ID
			if fid == "" || seen[fid] {
				// Fingerprints are assigned by collectors; a missing or
				// repeated one must not merge two rows into one.
				fid = "#" + strconv.Itoa(i)
			}
			seen[fid] = true
			fn := &node{id: findingKey(c.Collector, fid), parent: cn.id, kind: findingNode, depth: 2, collector: c, finding: f}
			t.nodes[fn.id] = fn
			cn.children = append(cn.children, fn.id)
			if f.Severity == model.Blocker {
				cn.blockers++
				dn.blockers++
			}
		}
	}
	return t
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
// collector itself, or the collector that found a finding.
func (t tree) collectorIDs(n *node) []string {
	switch n.kind {
	case domainNode:
		ids := make([]string, 0, len(n.children))
		for _, id := range n.children {
			if c := t.nodes[id].collector; c.Status != model.StatusSkipped {
				ids = append(ids, c.Collector)
			}
		}
		return ids
	default:
		return []string{n.collector.Collector}
	}
}
