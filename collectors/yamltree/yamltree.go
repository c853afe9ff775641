// Package yamltree reads YAML into a small tree that keeps the line and
// column of every key and value, so rule-based collectors can point a
// finding at the line to change. Loaders such as compose-go decode into
// structs and lose positions; this tree is what finds them again.
//
// Anchors, aliases and merge keys (`<<: *defaults`) are resolved: a key
// that a service gets from an anchor is found at the line in the anchor
// where it is written, which is the line to edit.
package yamltree

import (
	"errors"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Kind is what a node holds.
type Kind uint8

const (
	Null Kind = iota
	Scalar
	Map
	Seq
)

// Node is one YAML value with its position (1-based; 0 when unknown, as for
// the empty body of an empty document).
type Node struct {
	Kind   Kind
	Line   int
	Column int
	Value  string  // Scalar: the text without quotes
	Pairs  []Pair  // Map: explicit keys in order, then keys merged in by `<<`
	Items  []*Node // Seq
}

// Pair is one key of a map with the position of the key itself.
type Pair struct {
	Key    string
	Line   int
	Column int
	Value  *Node
}

// Error is a YAML syntax error with the position the parser reported.
type Error struct {
	Line, Column int // 0 when the parser gave none
	Msg          string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}

// Parse reads every document of a YAML stream. A document with no content
// yields a Null node or nothing. A syntax error is an *Error.
func Parse(src []byte) (docs []*Node, err error) {
	// The parser is third-party code fed arbitrary repository files: a
	// crash in it must become an error for that file, not take the
	// collector (or the cockpit) down.
	defer func() {
		if r := recover(); r != nil {
			docs, err = nil, &Error{Msg: fmt.Sprintf("YAML parser failed: %v", r)}
		}
	}()
	// Each document is parsed on its own: the parser drops the document
	// after two markers in a row ("---\n---\n"), which multi-document
	// manifests often have.
	for _, chunk := range splitDocuments(src) {
		file, err := parser.ParseBytes(chunk.text, 0)
		if err != nil {
			e := toError(err)
			if e.Line > 0 {
				e.Line += chunk.offset
			}
			return nil, e
		}
		for _, d := range file.Docs {
			c := converter{anchors: map[string]*Node{}, offset: chunk.offset}
			docs = append(docs, c.node(d.Body, 0))
		}
	}
	return docs, nil
}

type chunk struct {
	text   []byte
	offset int // lines before the chunk
}

// splitDocuments cuts a stream at document markers. "---" and "..." at the
// start of a line cannot occur inside a document (YAML 1.2, 9.1.4), so no
// scalar is ever cut. The "---" line stays with the document it opens
// because it may carry content ("--- |").
func splitDocuments(src []byte) []chunk {
	var out []chunk
	start, startLine, line := 0, 0, 0
	for i := 0; i < len(src); {
		end := i
		for end < len(src) && src[end] != '\n' {
			end++
		}
		text := src[i:end]
		next := end + 1
		switch {
		case isMarker(text, "---") && i > start:
			out = append(out, chunk{text: src[start:i], offset: startLine})
			start, startLine = i, line
		case isMarker(text, "..."):
			out = append(out, chunk{text: src[start:i], offset: startLine})
			start, startLine = min(next, len(src)), line+1
		}
		i = next
		line++
	}
	if start < len(src) {
		out = append(out, chunk{text: src[start:], offset: startLine})
	}
	return out
}

func isMarker(line []byte, m string) bool {
	if len(line) < 3 || string(line[:3]) != m {
		return false
	}
	return len(line) == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r'
}

func toError(err error) *Error {
	var ye yaml.Error
	if errors.As(err, &ye) {
		e := &Error{Msg: ye.GetMessage()}
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			e.Line, e.Column = tk.Position.Line, tk.Position.Column
		}
		return e
	}
	return &Error{Msg: err.Error()}
}

// maxDepth bounds nesting: real configuration is a few levels deep, and a
// bound keeps a hostile file from exhausting the stack.
const maxDepth = 500

type converter struct {
	anchors map[string]*Node
	offset  int // lines before the parsed chunk
}

func (c *converter) node(n ast.Node, depth int) *Node {
	if n == nil || depth > maxDepth {
		return &Node{Kind: Null}
	}
	line, col := c.position(n)
	switch v := n.(type) {
	case *ast.MappingNode:
		return c.mapping(v.Values, v.IsFlowStyle, line, col, depth)
	case *ast.MappingValueNode:
		return c.mapping([]*ast.MappingValueNode{v}, v.IsFlowStyle, line, col, depth)
	case *ast.SequenceNode:
		out := &Node{Kind: Seq, Line: line, Column: col}
		for _, item := range v.Values {
			out.Items = append(out.Items, c.node(item, depth+1))
		}
		return out
	case *ast.AnchorNode:
		out := c.node(v.Value, depth+1)
		if v.Name != nil {
			c.anchors[v.Name.String()] = out
		}
		return out
	case *ast.AliasNode:
		if v.Value != nil {
			if target, ok := c.anchors[v.Value.String()]; ok {
				return target
			}
		}
		return &Node{Kind: Null, Line: line, Column: col}
	case *ast.TagNode:
		return c.node(v.Value, depth+1)
	case *ast.MappingKeyNode:
		return c.node(v.Value, depth+1)
	case *ast.DocumentNode:
		return c.node(v.Body, depth+1)
	case *ast.NullNode:
		return &Node{Kind: Null, Line: line, Column: col}
	case *ast.StringNode:
		return &Node{Kind: Scalar, Line: line, Column: col, Value: v.Value}
	case *ast.LiteralNode:
		s := ""
		if v.Value != nil {
			s = v.Value.Value
		}
		return &Node{Kind: Scalar, Line: line, Column: col, Value: s}
	case ast.ScalarNode:
		// Numbers, booleans, infinities: keep the text as written so
		// "0755" stays "0755" and "yes" stays "yes".
		s := ""
		if tk := v.GetToken(); tk != nil {
			s = tk.Value
		}
		return &Node{Kind: Scalar, Line: line, Column: col, Value: s}
	}
	return &Node{Kind: Null, Line: line, Column: col}
}

// mapping builds a map: explicit keys first, then the keys of `<<` merge
// sources that the map does not set itself (YAML merge semantics: explicit
// keys win, earlier sources win over later ones).
func (c *converter) mapping(values []*ast.MappingValueNode, flow bool, line, col, depth int) *Node {
	out := &Node{Kind: Map, Line: line, Column: col}
	var merges []*Node
	for _, mv := range values {
		if mv == nil {
			continue
		}
		if _, isMerge := mv.Key.(*ast.MergeKeyNode); isMerge {
			src := c.node(mv.Value, depth+1)
			if src.Kind == Seq {
				merges = append(merges, src.Items...)
			} else {
				merges = append(merges, src)
			}
			continue
		}
		kl, kc := c.position(mv.Key)
		out.Pairs = append(out.Pairs, Pair{Key: keyText(mv.Key), Line: kl, Column: kc, Value: c.node(mv.Value, depth+1)})
	}
	for _, src := range merges {
		if src.Kind != Map {
			continue
		}
		for _, p := range src.Pairs {
			if !out.Has(p.Key) {
				out.Pairs = append(out.Pairs, p)
			}
		}
	}
	if !flow && len(out.Pairs) > 0 {
		// A block map starts at its first key; the parser's token for it
		// may be the first value. Flow maps keep their "{".
		out.Line, out.Column = out.Pairs[0].Line, out.Pairs[0].Column
	}
	return out
}

func keyText(k ast.Node) string {
	switch v := k.(type) {
	case nil:
		return ""
	case *ast.StringNode:
		return v.Value
	case *ast.MappingKeyNode:
		return keyText(v.Value)
	case *ast.TagNode:
		return keyText(v.Value)
	case *ast.AnchorNode:
		return keyText(v.Value)
	case ast.ScalarNode:
		if tk := v.GetToken(); tk != nil {
			return tk.Value
		}
	}
	return strings.TrimSpace(k.String())
}

func (c *converter) position(n ast.Node) (line, col int) {
	if n == nil {
		return 0, 0
	}
	tk := n.GetToken()
	if tk == nil || tk.Position == nil || tk.Position.Line <= 0 {
		return 0, 0
	}
	return tk.Position.Line + c.offset, tk.Position.Column
}

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

// True reports whether n is the boolean true.
func (n *Node) True() bool {
	return n != nil && n.Kind == Scalar && strings.EqualFold(n.Value, "true")
}

// False reports whether n is the boolean false (not merely absent).
func (n *Node) False() bool {
	return n != nil && n.Kind == Scalar && strings.EqualFold(n.Value, "false")
}

// Locate returns the position of the deepest key of path that exists:
// the key itself when the whole path is set, otherwise the closest parent
// that is. found says whether the whole path was there.
func (n *Node) Locate(path ...string) (line, col int, found bool) {
	if n == nil {
		return 0, 0, false
	}
	line, col = n.Line, n.Column
	cur := n
	for _, k := range path {
		p, ok := cur.Pair(k)
		if !ok {
			return line, col, false
		}
		line, col, cur = p.Line, p.Column, p.Value
	}
	return line, col, true
}
