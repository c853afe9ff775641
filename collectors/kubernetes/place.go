package kubernetes

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/preflight-dev/preflight/internal/yamlpos"
)

// step is one step into an object: a map key, or a list item known by its
// index and, for items Kubernetes merges by name (containers, volumes),
// by its name.
type step struct {
	key   string
	index int // -1 for a key
	name  string
}

// spot is a position in a file of the repository.
type spot struct {
	file      string
	line, col int
}

// located is what a position of a rendered object holds.
type located struct {
	steps      []step
	collection bool // a map or list (a container), not a key or a value
	value      bool // a key's value (image: app:latest), not the key
}

// placer gives each position of an object kustomize rendered the file and
// line it comes from: the patch that last wrote a setting, the images:
// entry that renamed an image, or else the object in the file kustomize
// read it from.
type placer struct {
	at      map[[2]int]located
	origin  *yamlpos.Node // the object in its file; nil when generated
	file    string        // its file, or the kustomization that generated it
	patches []patch       // those that apply to the object, the one applied last first
	images  []imageEntry
}

type imageEntry struct {
	file  string
	pairs map[string]yamlpos.Pair
}

// newPlacer indexes rendered, an object that came from origin in file and
// that the kustomizations (top first) patched.
func newPlacer(rendered, origin *yamlpos.Node, file string, kind string, names []string, ks []*kustomization) *placer {
	p := &placer{at: map[[2]int]located{}, origin: origin, file: file}
	p.index(rendered, nil)
	for _, k := range ks {
		for i := len(k.patches) - 1; i >= 0; i-- {
			if k.patches[i].appliesTo(kind, names) {
				p.patches = append(p.patches, k.patches[i])
			}
		}
		p.images = append(p.images, imageEntry{file: k.file, pairs: k.images})
	}
	return p
}

// index records the positions the rules report: keys, values, the object
// and list items (containers). A map under a key starts where its first
// key does, so it is not recorded: that position is the key's.
func (p *placer) index(n *yamlpos.Node, steps []step) {
	if n == nil {
		return
	}
	p.mark(n.Line, n.Column, located{steps: steps, collection: n.Kind == yamlpos.Map || n.Kind == yamlpos.Seq})
	p.children(n, steps)
}

func (p *placer) children(n *yamlpos.Node, steps []step) {
	switch n.Kind {
	case yamlpos.Map:
		for _, pr := range n.Pairs {
			s := append(append([]step{}, steps...), step{key: pr.Key, index: -1})
			// A key holding a map or list (spec:) is a container too: a
			// finding there is about what it lacks, which no patch that
			// writes something else under it decided.
			p.mark(pr.Line, pr.Column, located{steps: s, collection: pr.Value != nil && (pr.Value.Kind == yamlpos.Map || pr.Value.Kind == yamlpos.Seq)})
			if pr.Value != nil && pr.Value.Kind == yamlpos.Scalar {
				p.mark(pr.Value.Line, pr.Value.Column, located{steps: s, value: true})
			} else if pr.Value != nil {
				p.children(pr.Value, s)
			}
		}
	case yamlpos.Seq:
		for i, it := range n.Items {
			s := step{index: i}
			if it.Kind == yamlpos.Map {
				s.name = it.Get("name").Text()
			}
			p.index(it, append(append([]step{}, steps...), s))
		}
	}
}

// mark records the first (outermost) thing written at a position: a
// container's position is its own, not its first key's.
func (p *placer) mark(line, col int, l located) {
	if _, ok := p.at[[2]int{line, col}]; !ok {
		p.at[[2]int{line, col}] = l
	}
}

// place maps a rendered position to its source.
func (p *placer) place(line, col int) (string, int, int) {
	l, ok := p.at[[2]int{line, col}]
	if !ok || p.origin == nil {
		return p.file, p.line(), p.col()
	}
	fromOrigin := func() (spot, bool) {
		line, col, depth := walk(p.origin, l.steps)
		if depth == len(l.steps) && l.value {
			line, col = valueAt(p.origin, l.steps, line, col)
		}
		return spot{p.file, line, col}, depth == len(l.steps)
	}
	if l.collection { // a container is where it is defined
		if s, ok := fromOrigin(); ok {
			return s.file, s.line, s.col
		}
	}
	for _, pt := range p.patches {
		if s, ok := pt.find(l.steps, l.value); ok {
			return s.file, s.line, s.col
		}
	}
	s, full := fromOrigin()
	if full && len(l.steps) > 0 && l.steps[len(l.steps)-1].key == "image" {
		if img, ok := p.renamed(l.steps); ok {
			return img.file, img.line, img.col
		}
	}
	return s.file, s.line, s.col
}

func (p *placer) line() int {
	if p.origin != nil {
		return p.origin.Line
	}
	return 1
}

func (p *placer) col() int {
	if p.origin != nil {
		return p.origin.Column
	}
	return 1
}

// renamed finds the images: entry that replaces the image written at
// steps in the object's file.
func (p *placer) renamed(steps []step) (spot, bool) {
	n := p.origin
	for _, s := range steps {
		if n = follow(n, s); n == nil {
			return spot{}, false
		}
	}
	name := imageName(n.Text())
	for _, e := range p.images {
		if pr, ok := e.pairs[name]; ok {
			return spot{e.file, pr.Line, pr.Column}, true
		}
	}
	return spot{}, false
}

// imageName is an image reference without its tag or digest, as images:
// entries name it.
func imageName(ref string) string {
	if i := strings.Index(ref, "@"); i >= 0 {
		ref = ref[:i]
	}
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		ref = ref[:i]
	}
	return ref
}

// valueAt is the position of the value at steps from n (the image, not
// image:), or line and col when it is not a plain value.
func valueAt(n *yamlpos.Node, steps []step, line, col int) (int, int) {
	for _, s := range steps {
		if n = follow(n, s); n == nil {
			return line, col
		}
	}
	if n.Kind != yamlpos.Scalar {
		return line, col
	}
	return n.Line, n.Column
}

// walk follows steps from n and returns the position of the deepest one
// written and how many were.
func walk(n *yamlpos.Node, steps []step) (line, col, depth int) {
	line, col = n.Line, n.Column
	for i, s := range steps {
		if s.index < 0 && n.Kind == yamlpos.Map {
			pr, ok := n.Pair(s.key)
			if !ok {
				return line, col, i
			}
			line, col, n = pr.Line, pr.Column, pr.Value
			continue
		}
		if n = follow(n, s); n == nil {
			return line, col, i
		}
		line, col = n.Line, n.Column
	}
	return line, col, len(steps)
}

// follow takes one step from n, or returns nil.
func follow(n *yamlpos.Node, s step) *yamlpos.Node {
	switch {
	case n == nil:
		return nil
	case s.index < 0:
		return n.Get(s.key)
	case n.Kind != yamlpos.Seq:
		return nil
	case s.name != "":
		for _, it := range n.Items {
			if it.Get("name").Text() == s.name {
				return it
			}
		}
		return nil
	case s.index < len(n.Items):
		return n.Items[s.index]
	}
	return nil
}

// appliesTo reports whether a patch targets an object of kind known by any
// of names (its name in the file, and after prefixes and suffixes).
func (pt patch) appliesTo(kind string, names []string) bool {
	if pt.doc == nil {
		return false
	}
	targetKind, targetName := pt.kind, pt.name
	if pt.doc.Kind == yamlpos.Map && targetKind == "" && targetName == "" {
		targetKind, targetName = pt.doc.Get("kind").Text(), pt.doc.Path("metadata", "name").Text()
		if targetKind == "" || targetName == "" {
			return false
		}
	}
	if pt.doc.Kind == yamlpos.Seq && targetKind == "" && targetName == "" {
		return false
	}
	if targetKind != "" && targetKind != kind {
		return false
	}
	if targetName == "" {
		return true
	}
	re, err := regexp.Compile("^(?:" + targetName + ")$")
	for _, n := range names {
		if n == targetName || (err == nil && re.MatchString(n)) {
			return true
		}
	}
	return false
}

// find locates steps in the patch: in a strategic-merge document, or in
// the value of a JSON 6902 operation whose path leads to them.
func (pt patch) find(steps []step, value bool) (spot, bool) {
	if pt.doc.Kind == yamlpos.Map {
		line, col, depth := walk(pt.doc, steps)
		if depth == len(steps) && value {
			line, col = valueAt(pt.doc, steps, line, col)
		}
		return pt.spot(line, col), depth == len(steps)
	}
	for _, op := range pt.doc.Items {
		if op.Get("op").Text() == "remove" {
			continue
		}
		prefix, ok := jsonPointer(op.Get("path").Text())
		if !ok || len(prefix) > len(steps) || !matches(prefix, steps) {
			continue
		}
		rest := steps[len(prefix):]
		if len(rest) == 0 {
			pr, _ := op.Pair("value")
			if pr.Line == 0 {
				pr, _ = op.Pair("path")
			}
			return pt.spot(pr.Line, pr.Column), true
		}
		if v := op.Get("value"); v != nil {
			if line, col, depth := walk(v, rest); depth == len(rest) {
				return pt.spot(line, col), true
			}
		}
	}
	return spot{}, false
}

func (pt patch) spot(line, col int) spot {
	return spot{pt.file, line + pt.line, col + pt.col}
}

// jsonPointer splits an RFC 6901 pointer into its tokens.
func jsonPointer(p string) ([]string, bool) {
	if !strings.HasPrefix(p, "/") {
		return nil, false
	}
	tokens := strings.Split(p[1:], "/")
	for i, t := range tokens {
		tokens[i] = strings.NewReplacer("~1", "/", "~0", "~").Replace(t)
	}
	return tokens, true
}

// matches reports whether pointer tokens lead along steps.
func matches(tokens []string, steps []step) bool {
	for i, t := range tokens {
		s := steps[i]
		if s.index < 0 {
			if t != s.key {
				return false
			}
			continue
		}
		if n, err := strconv.Atoi(t); t != "-" && (err != nil || n != s.index) {
			return false
		}
	}
	return true
}
