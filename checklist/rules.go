package checklist

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm"

	"github.com/preflight-dev/preflight/model"
)

// A rule is an expr-lang expression (https://expr-lang.org) that must give
// true or false. It reads the facts of the current snapshot:
//
//	typescript["backend"].errors == 0          a fact of one collector instance
//	go_test["api"].tests.failed == 0           dotted fact names read as nested fields
//	go_test["api"]["tests.failed"] == 0        ... or with their full name in brackets
//	fact("go-test:api", "tests.failed") == 0   the same by collector id
//	sum("typescript", "errors") == 0           summed over every instance of a kind
//	sum("@tests", "tests.failed") == 0         ... over a domain's collectors ("*": all)
//	findings("go:api", "high") == 0            findings of a collector, kind or domain, by severity
//	status("npm-audit:web") == "ok"            a collector's status (absent when not detected)
//	score("security") >= 80                    a domain's score; score() the overall one
//
// Kinds are variables named after the collector kind with characters that
// cannot be in a name replaced by "_" (go-test → go_test).
//
// A rule is decided only on fresh evidence: when a collector it reads is
// unknown, failed, stale or missing, or a fact it names is not reported,
// the item is unknown, never passed or failed.

// helpers are the functions a rule may call, with their signatures.
var helpers = map[string][]any{
	"fact":     {new(func(string, string) float64)},
	"sum":      {new(func(string, string) float64)},
	"findings": {new(func(string) float64), new(func(string, string) float64)},
	"status":   {new(func(string) string)},
	"score":    {new(func() float64), new(func(string) float64)},
}

// checkRule compiles a rule without a snapshot, to report syntax errors
// and wrong calls when the file is read.
func checkRule(src string) error {
	_, err := compile(src, nil)
	return err
}

func compile(src string, e *evaluation) (*vm.Program, error) {
	opts := []expr.Option{expr.AllowUndefinedVariables(), expr.AsBool()}
	for name, types := range helpers {
		var fn func(params ...any) (any, error)
		if e != nil {
			fn = e.helper(name)
		} else {
			fn = func(...any) (any, error) { return nil, nil }
		}
		opts = append(opts, expr.Function(name, fn, types...))
	}
	return expr.Compile(src, opts...)
}

// Evaluate reads every item of d against the snapshot's evidence.
func Evaluate(d *Doc, snap model.Snapshot) *model.Checklist {
	cl := &model.Checklist{
		File:     d.Name,
		Acks:     append([]model.Acknowledgment(nil), d.Acks...),
		Problems: append([]model.ChecklistProblem(nil), d.Problems...),
	}
	renewLegacyAcks(cl.Acks, snap)
	e := newEvaluation(snap)
	for _, it := range d.Items {
		ci := model.ChecklistItem{
			File: d.Name, Line: it.Line, Section: it.Section, Domain: it.Domain, Depth: it.Depth,
			Text: it.Text, Checked: it.Checked, Rule: it.Rule, Source: it.Source,
		}
		if it.Checked {
			ci.CheckedBy, ci.CheckedAt = it.CheckedBy, it.CheckedAt
		}
		if it.Rule == "" {
			ci.State = model.ItemUnchecked
			if it.Checked {
				ci.State = model.ItemChecked
			}
		} else {
			r := e.run(it.Rule)
			ci.Evidence = r.evidence
			switch {
			case len(r.unknown) > 0:
				ci.State, ci.Why = model.ItemUnknown, strings.Join(dedupe(r.unknown), "; ")
			case r.pass:
				ci.State = model.ItemVerified
			case it.Checked:
				ci.State, ci.Why = model.ItemContradicted, "ticked, but the rule fails"
			default:
				ci.State, ci.Why = model.ItemFailing, "the rule fails"
			}
			if len(r.unknown) == 0 && len(r.stale) > 0 {
				// A rerun does not make what was known unknown: the last
				// state stands, marked stale, until the new results come.
				ci.Stale = true
				why := "last known state: " + strings.Join(dedupe(r.stale), ", ") + " rerunning"
				if ci.Why != "" {
					why = ci.Why + "; " + why
				}
				ci.Why = why
			}
		}
		cl.Items = append(cl.Items, ci)
	}
	return cl
}

// evaluation is one snapshot made readable by rules.
type evaluation struct {
	snap model.Snapshot
	byID map[string]*model.CollectorState
	// legacy holds root collectors under the folder-named ids they had
	// before ("secrets:shop" for "secrets:."), for rules written then.
	legacy   map[string]*model.CollectorState
	byKind   map[string][]*model.CollectorState
	kindVars map[string]string // variable name → kind
	env      map[string]any
	assessed *model.Assessment

	cur *outcome // the rule being run, for the helpers to record into
}

type outcome struct {
	pass     bool
	evidence []string
	unknown  []string
	// stale names the collectors read whose last result stands while
	// they rerun: the state is their last known one, marked stale.
	stale []string
}

func newEvaluation(s model.Snapshot) *evaluation {
	e := &evaluation{
		snap: s, byID: map[string]*model.CollectorState{}, byKind: map[string][]*model.CollectorState{},
		kindVars: map[string]string{}, env: map[string]any{},
	}
	for i := range s.Collectors {
		c := &s.Collectors[i]
		if c.Status == model.StatusSkipped {
			continue
		}
		e.byID[c.Collector] = c
		kind, target := splitID(c)
		e.byKind[kind] = append(e.byKind[kind], c)
		name := KindVar(kind)
		e.kindVars[name] = kind
		targets, _ := e.env[name].(map[string]any)
		if targets == nil {
			targets = map[string]any{}
			e.env[name] = targets
		}
		targets[target] = factTree(c.Facts)
	}
	e.legacy = map[string]*model.CollectorState{}
	for id, c := range e.byID {
		old := model.LegacyRootID(id, s.Root)
		if old == "" || e.byID[old] != nil {
			continue
		}
		e.legacy[old] = c
		kind, target := splitID(c)
		_, oldTarget, _ := strings.Cut(old, ":")
		if targets := e.env[KindVar(kind)].(map[string]any); targets[oldTarget] == nil {
			targets[oldTarget] = targets[target]
		}
	}
	return e
}

// collector is the collector a rule names by id, in today's form or the
// folder-named form a root collector had before.
func (e *evaluation) collector(id string) *model.CollectorState {
	if c := e.byID[id]; c != nil {
		return c
	}
	return e.legacy[id]
}

// splitID is a collector's kind and target ("go-test:api" → go-test, api).
func splitID(c *model.CollectorState) (kind, target string) {
	kind = c.Kind
	k, t, ok := strings.Cut(c.Collector, ":")
	if kind == "" {
		kind = k
	}
	if !ok {
		t = c.Collector
	}
	return kind, t
}

// KindVar is the variable a rule uses for a collector kind: the kind with
// every character that cannot be in a name replaced by "_".
func KindVar(kind string) string {
	var b strings.Builder
	for i, r := range kind {
		switch {
		case r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
			b.WriteRune(r)
		case r >= '0' && r <= '9':
			if i == 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// factTree holds a collector's facts under their full names and, for
// dotted names, as nested fields too: tests.failed is both
// x["tests.failed"] and x.tests.failed.
func factTree(facts map[string]float64) map[string]any {
	m := make(map[string]any, len(facts))
	for k, v := range facts {
		m[k] = v
	}
	for k, v := range facts {
		parts := strings.Split(k, ".")
		if len(parts) < 2 {
			continue
		}
		cur := m
		for _, p := range parts[:len(parts)-1] {
			next, ok := cur[p].(map[string]any)
			if !ok {
				if _, taken := cur[p]; taken {
					cur = nil // a fact has this name itself: only the full name reaches it
					break
				}
				next = map[string]any{}
				cur[p] = next
			}
			cur = next
		}
		if cur != nil {
			if _, taken := cur[parts[len(parts)-1]]; !taken {
				cur[parts[len(parts)-1]] = v
			}
		}
	}
	return m
}

// run decides one rule. Dependencies that can be seen in the expression
// (kind variables) are checked before it runs; helpers check theirs as
// they are called.
func (e *evaluation) run(rule string) outcome {
	var out outcome
	e.cur = &out
	defer func() { e.cur = nil }()
	prog, err := compile(rule, e)
	if err != nil {
		out.unknown = append(out.unknown, "the rule does not compile: "+firstLine(err.Error()))
		return out
	}
	e.checkReferences(prog.Node(), &out)
	if len(out.unknown) > 0 {
		return out
	}
	v, err := expr.Run(prog, e.env)
	if err != nil {
		out.unknown = append(out.unknown, "the rule failed: "+firstLine(err.Error()))
		return out
	}
	b, ok := v.(bool)
	if !ok {
		out.unknown = append(out.unknown, fmt.Sprintf("the rule gives %v, not true or false", v))
		return out
	}
	out.pass = b
	return out
}

// checkReferences finds every kind variable the rule reads, with the
// instance and fact where they are written out, and records whether there
// is fresh evidence for them.
func (e *evaluation) checkReferences(root ast.Node, out *outcome) {
	inner := map[ast.Node]bool{}
	var members []*ast.MemberNode
	var idents []*ast.IdentifierNode
	callees := map[ast.Node]bool{}
	ast.Walk(&root, visitor(func(n ast.Node) {
		switch n := n.(type) {
		case *ast.MemberNode:
			members = append(members, n)
			inner[n.Node] = true
		case *ast.CallNode:
			callees[n.Callee] = true
		case *ast.IdentifierNode:
			idents = append(idents, n)
		}
	}))
	covered := map[ast.Node]bool{}
	for _, m := range members {
		if inner[m] {
			continue // part of a longer chain
		}
		var props []ast.Node
		var base ast.Node = m
		for {
			mm, ok := base.(*ast.MemberNode)
			if !ok {
				break
			}
			props = append([]ast.Node{mm.Property}, props...)
			base = mm.Node
		}
		id, ok := base.(*ast.IdentifierNode)
		if !ok || callees[id] {
			continue
		}
		covered[id] = true
		e.checkChain(id.Value, props, out)
	}
	for _, id := range idents {
		if covered[id] || callees[id] {
			continue
		}
		e.checkChain(id.Value, nil, out)
	}
}

// isDotted reports whether a fact name was written as separate fields
// (x.tests.failed) rather than in one piece (x["tests.failed"]).
func isDotted(props []ast.Node) bool { return len(props) > 1 }

type visitor func(ast.Node)

func (v visitor) Visit(n *ast.Node) { v(*n) }

func (e *evaluation) checkChain(name string, props []ast.Node, out *outcome) {
	if _, isHelper := helpers[name]; isHelper {
		return
	}
	kind, ok := e.kindVars[name]
	if !ok {
		out.unknown = append(out.unknown, fmt.Sprintf("no collector of kind %q here%s", name, e.kindList()))
		return
	}
	var target string
	if len(props) > 0 {
		s, ok := props[0].(*ast.StringNode)
		if !ok {
			// A computed instance: every instance of the kind is read.
			for _, c := range e.byKind[kind] {
				e.needEvidence(c, out)
			}
			return
		}
		target = s.Value
	} else {
		for _, c := range e.byKind[kind] {
			e.needEvidence(c, out)
		}
		return
	}
	c := e.collector(kind + ":" + target)
	if c == nil {
		out.unknown = append(out.unknown, fmt.Sprintf("no collector %s:%s here%s", kind, target, e.instanceList(kind)))
		return
	}
	if !e.needEvidence(c, out) {
		return
	}
	var path []string
	for _, p := range props[1:] {
		s, ok := p.(*ast.StringNode)
		if !ok {
			return // a computed fact name: the rule's own run decides
		}
		path = append(path, s.Value)
	}
	if len(path) == 0 {
		return
	}
	fact := strings.Join(path, ".")
	for i := 1; i < len(path); i++ {
		if _, ok := c.Facts[strings.Join(path[:i], ".")]; ok && len(props) > 2 && isDotted(props[1:]) {
			out.unknown = append(out.unknown, fmt.Sprintf("%s has a fact named %q itself, so %q can only be read as %s[%q][%q]",
				c.Collector, strings.Join(path[:i], "."), fact, KindVar(kind), target, fact))
			return
		}
	}
	if v, ok := c.Facts[fact]; ok {
		out.evidence = append(out.evidence, fmt.Sprintf("%s %s = %s", c.Collector, fact, num(v)))
		return
	}
	for k := range c.Facts {
		if strings.HasPrefix(k, fact+".") {
			return // a group of facts, e.g. x.tests
		}
	}
	out.unknown = append(out.unknown, missingFact(c, fact))
}

// needEvidence records why a collector's facts cannot be trusted now, and
// reports whether they can.
func (e *evaluation) needEvidence(c *model.CollectorState, out *outcome) bool {
	why := ""
	switch {
	case c.Running && c.FinishedAt.IsZero():
		why = "has not finished its first run"
	case c.Status != model.StatusOK:
		why = "is " + string(c.Status)
		if c.Error != "" {
			why += ": " + c.Error
		}
	case c.Stale && c.Running:
		// Its last result stands while it reruns, as everywhere else in
		// the cockpit; the item is marked stale.
		out.stale = append(out.stale, c.Collector)
		return true
	case c.Stale:
		why = "is stale: its inputs changed since it ran"
	default:
		return true
	}
	out.unknown = append(out.unknown, c.Collector+" "+why)
	return false
}

func missingFact(c *model.CollectorState, fact string) string {
	have := slices.Sorted(maps.Keys(c.Facts))
	msg := fmt.Sprintf("%s reports no fact %q", c.Collector, fact)
	if len(have) > 0 {
		msg += " (it reports " + strings.Join(have, ", ") + ")"
	}
	return msg
}

func (e *evaluation) kindList() string {
	var kinds []string
	for k := range e.byKind {
		kinds = append(kinds, KindVar(k))
	}
	if len(kinds) == 0 {
		return " (no collectors were detected)"
	}
	sort.Strings(kinds)
	return " (kinds: " + strings.Join(kinds, ", ") + ")"
}

func (e *evaluation) instanceList(kind string) string {
	var ids []string
	for _, c := range e.byKind[kind] {
		ids = append(ids, c.Collector)
	}
	if len(ids) == 0 {
		return ""
	}
	sort.Strings(ids)
	return " (" + strings.Join(ids, ", ") + ")"
}

// selectCollectors resolves a selector: "kind:target" one instance, "kind"
// every instance, "@domain" a domain's collectors, "*" all of them.
func (e *evaluation) selectCollectors(sel string) []*model.CollectorState {
	var out []*model.CollectorState
	switch {
	case sel == "*":
		for _, c := range e.byID {
			out = append(out, c)
		}
	case strings.HasPrefix(sel, "@"):
		for _, c := range e.byID {
			if c.Domain == sel[1:] {
				out = append(out, c)
			}
		}
	case strings.Contains(sel, ":"):
		if c := e.collector(sel); c != nil {
			out = append(out, c)
		}
	default:
		out = append(out, e.byKind[sel]...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Collector < out[j].Collector })
	return out
}

func (e *evaluation) helper(name string) func(params ...any) (any, error) {
	str := func(p []any, i int) string {
		if i < len(p) {
			s, _ := p[i].(string)
			return s
		}
		return ""
	}
	unknown := func(format string, args ...any) {
		e.cur.unknown = append(e.cur.unknown, fmt.Sprintf(format, args...))
	}
	switch name {
	case "fact":
		return func(p ...any) (any, error) {
			id, fact := str(p, 0), str(p, 1)
			c := e.collector(id)
			if c == nil {
				unknown("no collector %s here", id)
				return 0.0, nil
			}
			if !e.needEvidence(c, e.cur) {
				return 0.0, nil
			}
			v, ok := c.Facts[fact]
			if !ok {
				unknown("%s", missingFact(c, fact))
				return 0.0, nil
			}
			e.cur.evidence = append(e.cur.evidence, fmt.Sprintf("%s %s = %s", id, fact, num(v)))
			return v, nil
		}
	case "sum":
		return func(p ...any) (any, error) {
			sel, fact := str(p, 0), str(p, 1)
			cs := e.selectCollectors(sel)
			if len(cs) == 0 {
				unknown("no collector matches %q%s", sel, e.kindList())
				return 0.0, nil
			}
			total, reporting, missing := 0.0, 0, 0
			for _, c := range cs {
				if !e.needEvidence(c, e.cur) {
					missing++
					continue
				}
				if v, ok := c.Facts[fact]; ok {
					total += v
					reporting++
				}
			}
			if reporting == 0 && missing == 0 {
				unknown("no collector matching %q reports %q", sel, fact)
			}
			e.cur.evidence = append(e.cur.evidence, fmt.Sprintf("sum of %s over %s = %s (reported by %d)", fact, sel, num(total), reporting))
			return total, nil
		}
	case "findings":
		return func(p ...any) (any, error) {
			sel := str(p, 0)
			var sev *model.Severity
			if len(p) > 1 {
				s, err := model.ParseSeverity(str(p, 1))
				if err != nil {
					unknown("%v", err)
					return 0.0, nil
				}
				sev = &s
			}
			cs := e.selectCollectors(sel)
			if len(cs) == 0 {
				unknown("no collector matches %q%s", sel, e.kindList())
				return 0.0, nil
			}
			n := 0
			for _, c := range cs {
				if !e.needEvidence(c, e.cur) {
					continue
				}
				for _, f := range c.Findings {
					if sev == nil || f.Severity == *sev {
						n++
					}
				}
			}
			what := "findings"
			if sev != nil {
				what = sev.String() + " findings"
			}
			e.cur.evidence = append(e.cur.evidence, fmt.Sprintf("%s of %s = %d", what, sel, n))
			return float64(n), nil
		}
	case "status":
		return func(p ...any) (any, error) {
			id := str(p, 0)
			st := "absent"
			if c := e.collector(id); c != nil {
				st = string(c.Status)
			}
			e.cur.evidence = append(e.cur.evidence, fmt.Sprintf("status of %s = %s", id, st))
			return st, nil
		}
	case "score":
		return func(p ...any) (any, error) {
			a := e.assessment()
			if len(p) == 0 {
				if a.Score == nil {
					unknown("no evidence to score")
					return 0.0, nil
				}
				fresh, applicable, rerunning := e.evidenceIn("")
				switch {
				case fresh+rerunning < applicable:
					unknown("the overall score is incomplete: coverage %s", num(a.Coverage))
				case rerunning > 0:
					e.cur.stale = append(e.cur.stale, e.rerunningIn("")...)
				}
				e.cur.evidence = append(e.cur.evidence, "score = "+num(*a.Score))
				return *a.Score, nil
			}
			id := str(p, 0)
			for _, d := range a.Domains {
				if d.ID != id {
					continue
				}
				if d.Score == nil {
					break
				}
				_, _, rerunning := e.evidenceIn(id)
				switch {
				case d.Evidence+rerunning < d.Collectors:
					unknown("the %s score is incomplete: %d of %d collectors have fresh evidence", id, d.Evidence, d.Collectors)
				case rerunning > 0:
					e.cur.stale = append(e.cur.stale, e.rerunningIn(id)...)
				}
				e.cur.evidence = append(e.cur.evidence, fmt.Sprintf("%s score = %s", id, num(*d.Score)))
				return *d.Score, nil
			}
			unknown("no evidence to score %s", id)
			return 0.0, nil
		}
	}
	return func(...any) (any, error) { return nil, fmt.Errorf("no helper %s", name) }
}

// evidenceIn counts, in a domain ("" for all), the collectors with fresh
// evidence, the applicable ones, and those rerunning on a stale result.
func (e *evaluation) evidenceIn(domain string) (fresh, applicable, rerunning int) {
	for _, c := range e.snap.Collectors {
		if c.Status == model.StatusSkipped || domain != "" && c.Domain != domain {
			continue
		}
		applicable++
		switch {
		case c.HasEvidence() && !c.Stale:
			fresh++
		case c.HasEvidence() && c.Running:
			rerunning++
		}
	}
	return fresh, applicable, rerunning
}

func (e *evaluation) rerunningIn(domain string) []string {
	var ids []string
	for _, c := range e.snap.Collectors {
		if c.HasEvidence() && c.Stale && c.Running && (domain == "" || c.Domain == domain) {
			ids = append(ids, c.Collector)
		}
	}
	return ids
}

// assessment scores the snapshot without its checklist, which is what is
// being decided.
func (e *evaluation) assessment() model.Assessment {
	if e.assessed == nil {
		s := e.snap
		s.Checklist = nil
		a := model.Assess(s)
		e.assessed = &a
	}
	return *e.assessed
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func dedupe(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// renewLegacyAcks points acknowledgments written with the fingerprint a
// root collector's finding had when the collector was named after the
// checkout folder at the finding's fingerprint today.
func renewLegacyAcks(acks []model.Acknowledgment, snap model.Snapshot) {
	if len(acks) == 0 {
		return // every snapshot is read against the file: hash nothing for nothing
	}
	legacy := model.LegacyFingerprints(snap)
	if len(legacy) == 0 {
		return
	}
	renewed := make(map[string]string, len(legacy))
	for now, old := range legacy {
		renewed[old] = now
	}
	for i := range acks {
		if now, ok := renewed[acks[i].Finding]; ok {
			acks[i].Finding = now
		}
	}
}
