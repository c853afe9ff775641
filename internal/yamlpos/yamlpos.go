// Package yamlpos reads YAML into a small tree that keeps the line and
// column of every key and value, so that rules can point a finding at the
// line to change and configuration errors at the key that is wrong. Loaders
// such as compose-go decode into structs and lose positions; this tree is
// what finds them again. It serves preflight.yaml, compose files,
// Kubernetes manifests and CI workflows alike.
//
// Anchors, aliases and merge keys (`<<: *defaults`) are resolved: a key
// that a map gets from an anchor is found at the line in the anchor where
// it is written, which is the line to edit. Explicit tags other than the
// core schema's (GitLab's `!reference`) are kept on the node.
//
// Repository files are untrusted input, so the work one file may cost is
// bounded: alias expansion (a "billion laughs" file, an anchor that merges
// itself), nesting depth and parse time each have a limit, and a file over
// one is an *Error like a syntax error.
package yamlpos

import (
	"errors"
	"fmt"
	"strings"
	"time"

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

// Type is how YAML typed a scalar; a scalar's Value is always its text as
// written, so "0755" stays "0755" and "1.10" stays "1.10".
type Type uint8

const (
	String Type = iota
	Int
	Float
	Bool
)

// Node is one YAML value with its position (1-based; 0 when unknown).
type Node struct {
	Kind   Kind
	Type   Type   // Scalar only
	Tag    string // explicit tag such as "!reference"; "" for none or a core tag
	Value  string // Scalar: the text without quotes
	Line   int
	Column int
	// Block is set for literal (|) and folded (>) scalars, whose text
	// starts on the line after Line.
	Block bool
	Pairs []Pair  // Map: explicit keys in order, then keys merged in by `<<`
	Items []*Node // Seq
	// MergeLine and MergeColumn are where the map's first `<<` key is
	// written (0 when it has none), for readers that refuse merges.
	MergeLine, MergeColumn int
}

// Pair is one key of a map with the position of the key itself.
type Pair struct {
	Key    string
	Line   int
	Column int
	Value  *Node
}

// Error is YAML that could not be read, with the position the parser (or
// the limit that was hit) gave.
type Error struct {
	Line, Column int // 0 when unknown
	Msg          string
	Syntax       bool // the parser refused the text
	Limit        bool // the file is over one of the Limits
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%d:%d: %s", e.Line, e.Column, e.Msg)
	}
	return e.Msg
}

// Limits bound the work of one Parse.
type Limits struct {
	// MaxNodes bounds the resolved tree, counting an alias as the size of
	// what it stands for.
	MaxNodes int
	// MaxDepth bounds nesting; real configuration is a few levels deep.
	MaxDepth int
	// Budget bounds the wall time of one parse.
	Budget time.Duration
}

// DefaultLimits fit every real configuration file by orders of magnitude.
var DefaultLimits = Limits{MaxNodes: 1 << 20, MaxDepth: 256, Budget: 2 * time.Second}

// Parse reads every document of a YAML stream with DefaultLimits.
func Parse(src []byte) ([]*Node, error) { return DefaultLimits.Parse(src) }

// Parse reads every document of a YAML stream. An empty document is a Null
// node. Errors are *Error.
func (lim Limits) Parse(src []byte) ([]*Node, error) {
	type result struct {
		docs []*Node
		err  error
	}
	done := make(chan result, 1)
	deadline := time.Now().Add(lim.Budget)
	// The parser cannot be interrupted, so it runs on its own: past the
	// budget the caller gets its answer and the parse finishes (its input
	// is size-capped) unobserved.
	go func() {
		docs, err := lim.parse(src, deadline)
		done <- result{docs, err}
	}()
	timer := time.NewTimer(lim.Budget)
	defer timer.Stop()
	select {
	case r := <-done:
		return r.docs, r.err
	case <-timer.C:
		return nil, budgetError(lim.Budget)
	}
}

func budgetError(d time.Duration) *Error {
	return &Error{Msg: fmt.Sprintf("parsing took longer than %s; the file is too large or too intricate to check", d), Limit: true}
}

func (lim Limits) parse(src []byte, deadline time.Time) (docs []*Node, err error) {
	// The parser is third-party code fed arbitrary repository files: a
	// crash in it must become an error for that file, not take the
	// collector (or the cockpit) down.
	defer func() {
		if r := recover(); r != nil {
			docs, err = nil, &Error{Msg: fmt.Sprintf("YAML parser failed: %v", r)}
		}
	}()
	c := converter{lim: lim, deadline: deadline, anchors: map[string]*Node{}, sizes: map[*Node]int{}, open: map[string]bool{}}
	// Each document is parsed on its own: the parser drops the document
	// after two markers in a row ("---\n---\n"), which multi-document
	// manifests often have.
	for _, chunk := range splitDocuments(src) {
		file, perr := parser.ParseBytes(chunk.text, 0)
		if perr != nil {
			e := toError(perr)
			if e.Line > 0 {
				e.Line += chunk.offset
			}
			return nil, e
		}
		c.offset = chunk.offset
		for _, d := range file.Docs {
			var body ast.Node
			if d != nil {
				body = d.Body
			}
			n, err := c.node(body, 0)
			if err != nil {
				return nil, err
			}
			if n == nil {
				n = &Node{Kind: Null}
			}
			docs = append(docs, n)
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
		e := &Error{Msg: ye.GetMessage(), Syntax: true}
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			e.Line, e.Column = tk.Position.Line, tk.Position.Column
		}
		return e
	}
	// Without a token the message is the whole formatted error; keep its
	// first line, the rest is a source excerpt.
	msg, _, _ := strings.Cut(err.Error(), "\n")
	return &Error{Msg: msg, Syntax: true}
}

type converter struct {
	lim      Limits
	deadline time.Time
	offset   int              // lines before the parsed chunk
	anchors  map[string]*Node // anchors defined so far
	sizes    map[*Node]int    // resolved size of anchored values
	open     map[string]bool  // anchors whose value is being read
	total    int
}

// count charges n nodes to the file and checks the limits.
func (c *converter) count(n, line, col int) error {
	c.total += n
	if c.total > c.lim.MaxNodes {
		return &Error{Line: line, Column: col, Msg: "too many alias expansions: the document is too large once its aliases are expanded", Limit: true}
	}
	if c.total&0xfff == 0 && time.Now().After(c.deadline) {
		return budgetError(c.lim.Budget)
	}
	return nil
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

// node converts one value; nil for nothing (comments, an empty body).
func (c *converter) node(n ast.Node, depth int) (*Node, error) {
	if n == nil {
		return nil, nil
	}
	line, col := c.position(n)
	if depth > c.lim.MaxDepth {
		return nil, &Error{Line: line, Column: col, Msg: "nesting too deep", Limit: true}
	}
	if err := c.count(1, line, col); err != nil {
		return nil, err
	}
	switch v := n.(type) {
	case *ast.NullNode:
		return &Node{Kind: Null, Line: line, Column: col}, nil
	case *ast.StringNode:
		return &Node{Kind: Scalar, Value: v.Value, Line: line, Column: col}, nil
	case *ast.LiteralNode:
		out := &Node{Kind: Scalar, Line: line, Column: col, Block: true}
		if v.Value != nil {
			out.Value = v.Value.Value
		}
		return out, nil
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		out := &Node{Kind: Scalar, Type: Float, Line: line, Column: col}
		switch n.(type) {
		case *ast.IntegerNode:
			out.Type = Int
		case *ast.BoolNode:
			out.Type = Bool
		}
		if tk := n.GetToken(); tk != nil {
			out.Value = tk.Value
		}
		return out, nil
	case *ast.MergeKeyNode:
		return &Node{Kind: Scalar, Value: "<<", Line: line, Column: col}, nil
	case *ast.TagNode:
		return c.tagged(v, line, col, depth)
	case *ast.AnchorNode:
		return c.anchor(v, line, col, depth)
	case *ast.AliasNode:
		return c.alias(v, line, col)
	case *ast.SequenceNode:
		out := &Node{Kind: Seq, Line: line, Column: col}
		for _, item := range v.Values {
			it, err := c.node(item, depth+1)
			if err != nil {
				return nil, err
			}
			if it == nil {
				it = &Node{Kind: Null, Line: line, Column: col}
			}
			out.Items = append(out.Items, it)
		}
		return out, nil
	case *ast.MappingNode:
		return c.mapping(v.Values, v.IsFlowStyle, line, col, depth)
	case *ast.MappingValueNode:
		// A single-pair mapping is sometimes given as its pair.
		return c.mapping([]*ast.MappingValueNode{v}, v.IsFlowStyle, line, col, depth)
	case *ast.MappingKeyNode:
		return c.node(v.Value, depth+1)
	case *ast.DocumentNode:
		return c.node(v.Body, depth+1)
	case *ast.CommentNode, *ast.CommentGroupNode:
		return nil, nil
	}
	return nil, &Error{Line: line, Column: col, Msg: fmt.Sprintf("unsupported YAML node %s", n.Type())}
}

// coreTags are the YAML core schema's own tags: they say what the value
// already is, so they are not kept.
var coreTags = map[string]bool{"!!str": true, "!!int": true, "!!bool": true, "!!float": true, "!!null": true, "!!map": true, "!!seq": true}

func (c *converter) tagged(v *ast.TagNode, line, col, depth int) (*Node, error) {
	inner, err := c.node(v.Value, depth+1)
	if err != nil {
		return nil, err
	}
	tag := ""
	if v.Start != nil {
		tag = v.Start.Value
	}
	if inner == nil {
		return &Node{Kind: Null, Tag: tag, Line: line, Column: col}, nil
	}
	if coreTags[tag] {
		return inner, nil
	}
	copied := *inner // an alias's target is shared: tag a copy
	copied.Tag = tag
	return &copied, nil
}

func (c *converter) anchor(v *ast.AnchorNode, line, col, depth int) (*Node, error) {
	name := ""
	if v.Name != nil {
		name = v.Name.String()
	}
	before := c.total
	c.open[name] = true
	val, err := c.node(v.Value, depth+1)
	delete(c.open, name)
	if err != nil {
		return nil, err
	}
	if val == nil {
		val = &Node{Kind: Null, Line: line, Column: col}
	}
	if name != "" {
		c.anchors[name] = val
		c.sizes[val] = c.total - before
	}
	return val, nil
}

func (c *converter) alias(v *ast.AliasNode, line, col int) (*Node, error) {
	name := ""
	if v.Value != nil {
		name = v.Value.String()
	}
	if c.open[name] {
		// Loaders that allow this (yaml.v3, so compose-go) expand it until
		// a limit stops them, seconds later: the file can never load.
		return nil, &Error{Line: line, Column: col, Msg: fmt.Sprintf("too many alias expansions: *%s is used inside its own anchor, so it never ends", name), Limit: true}
	}
	target, ok := c.anchors[name]
	if !ok {
		return nil, &Error{Line: line, Column: col, Msg: fmt.Sprintf("alias *%s refers to no anchor defined before it", name)}
	}
	if err := c.count(c.sizes[target], line, col); err != nil {
		return nil, err
	}
	return target, nil
}

// mapping builds a map: explicit keys first, then the keys of `<<` merge
// sources that the map does not set itself (YAML merge semantics: explicit
// keys win, earlier sources win over later ones).
func (c *converter) mapping(values []*ast.MappingValueNode, flow bool, line, col, depth int) (*Node, error) {
	out := &Node{Kind: Map, Line: line, Column: col}
	var merges []*Node
	for _, mv := range values {
		if mv == nil {
			continue
		}
		kl, kc := c.position(mv.Key)
		val, err := c.node(mv.Value, depth+1)
		if err != nil {
			return nil, err
		}
		if val == nil {
			val = &Node{Kind: Null, Line: kl, Column: kc}
		}
		if _, isMerge := mv.Key.(*ast.MergeKeyNode); isMerge {
			if out.MergeLine == 0 {
				out.MergeLine, out.MergeColumn = kl, kc
			}
			for _, m := range val.List() {
				if m.Kind != Map {
					return nil, &Error{Line: kl, Column: kc, Msg: "merge key << needs a mapping or a list of mappings"}
				}
				merges = append(merges, m)
			}
			continue
		}
		if err := c.count(1, kl, kc); err != nil {
			return nil, err
		}
		out.Pairs = append(out.Pairs, Pair{Key: keyText(mv.Key), Line: kl, Column: kc, Value: val})
	}
	for _, src := range merges {
		for _, p := range src.Pairs {
			if out.Has(p.Key) {
				continue
			}
			// Merged pairs are shared with their source: each costs one.
			if err := c.count(1, line, col); err != nil {
				return nil, err
			}
			out.Pairs = append(out.Pairs, p)
		}
	}
	if !flow && len(values) > 0 && values[0] != nil {
		// A block map starts at its first key; the parser's token for it
		// may be the first value. Flow maps keep their "{".
		if l, k := c.position(values[0].Key); l > 0 {
			out.Line, out.Column = l, k
		}
	}
	return out, nil
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
