package yamlpos

import (
	"strconv"
	"strings"
)

// Has reports whether a map sets key.
func (n *Node) Has(key string) bool {
	_, ok := n.Pair(key)
	return ok
}

// Pair returns the pair of key in a map.
func (n *Node) Pair(key string) (Pair, bool) {
	if n == nil || n.Kind != Map {
		return Pair{}, false
	}
	for _, p := range n.Pairs {
		if p.Key == key {
			return p, true
		}
	}
	return Pair{}, false
}

// Get returns the value of key in a map, or nil.
func (n *Node) Get(key string) *Node {
	p, ok := n.Pair(key)
	if !ok {
		return nil
	}
	return p.Value
}

// Path follows keys through nested maps; nil when any is missing.
func (n *Node) Path(keys ...string) *Node {
	for _, k := range keys {
		n = n.Get(k)
	}
	return n
}

// Text is a scalar's text, "" for anything else (or nil).
func (n *Node) Text() string {
	if n == nil || n.Kind != Scalar {
		return ""
	}
	return n.Value
}

// List returns the items of a sequence, or n itself when it is a single
// value (many keys accept either: `needs: a` and `needs: [a, b]`).
func (n *Node) List() []*Node {
	switch {
	case n == nil || n.Kind == Null:
		return nil
	case n.Kind == Seq:
		return n.Items
	}
	return []*Node{n}
}

// True reports whether n is the boolean true.
func (n *Node) True() bool {
	return n != nil && n.Kind == Scalar && strings.EqualFold(n.Value, "true")
}

// False reports whether n is the boolean false (not merely absent).
func (n *Node) False() bool {
	return n != nil && n.Kind == Scalar && strings.EqualFold(n.Value, "false")
}

// Empty reports whether a document (or value) holds nothing.
func (n *Node) Empty() bool { return n == nil || n.Kind == Null }

// Locate returns the position of the deepest key of path that exists:
// the key itself when the whole path is set, otherwise the closest parent
// that is. found says whether the whole path was there.
func (n *Node) Locate(path ...string) (line, col int, found bool) {
	line, col, depth := n.Walk(path...)
	return line, col, n != nil && depth == len(path)
}

// Walk follows path through maps and, for numeric steps, sequences, and
// returns the position of the deepest step that exists (a key, or an item)
// and how many steps were found.
func (n *Node) Walk(path ...string) (line, col, depth int) {
	if n == nil {
		return 0, 0, 0
	}
	line, col = n.Line, n.Column
	for i, k := range path {
		switch n.Kind {
		case Map:
			p, ok := n.Pair(k)
			if !ok {
				return line, col, i
			}
			line, col, n = p.Line, p.Column, p.Value
		case Seq:
			idx, err := strconv.Atoi(k)
			if err != nil || idx < 0 || idx >= len(n.Items) {
				return line, col, i
			}
			n = n.Items[idx]
			line, col = n.Line, n.Column
		default:
			return line, col, i
		}
	}
	return line, col, len(path)
}
