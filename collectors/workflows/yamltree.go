package workflows

import (
	"errors"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// NodeKind is the kind of a YAML value once anchors and merge keys are
// resolved.
type NodeKind int

const (
	Null NodeKind = iota
	Scalar
	Mapping
	Sequence
)

// Node is one YAML value with its position. The rules only need values and
// where they are written, so the parser's syntax tree is turned into this
// small tree once: aliases point at their anchor's value (findings inside
// an alias are reported where the text really is, at the anchor) and merge
// keys (`<<: *defaults`) are applied.
type Node struct {
	Kind   NodeKind
	Tag    string // explicit tag such as GitLab's "!reference"; "" when none
	Value  string // scalar text, unquoted; "" for non-scalars
	Line   int    // 1-based
	Column int    // 1-based
	Keys   []*Node
	Values []*Node // parallel to Keys
	Items  []*Node // sequence items
	// Block is set for literal (|) and folded (>) scalars, whose text
	// starts on the line after Line.
	Block bool
}

// Get returns the value of key in a mapping, or nil.
func (n *Node) Get(key string) *Node {
	if n == nil || n.Kind != Mapping {
		return nil
	}
	for i, k := range n.Keys {
		if k.Value == key {
			return n.Values[i]
		}
	}
	return nil
}

// KeyNode returns the key node of key in a mapping, or nil.
func (n *Node) KeyNode(key string) *Node {
	if n == nil || n.Kind != Mapping {
		return nil
	}
	for _, k := range n.Keys {
		if k.Value == key {
			return k
		}
	}
	return nil
}

// Str is the scalar text of n, "" for anything else.
func (n *Node) Str() string {
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
	case n.Kind == Sequence:
		return n.Items
	default:
		return []*Node{n}
	}
}

// ParseError is a YAML file that could not be read, with the position the
// parser gave.
type ParseError struct {
	Line, Column int
	Message      string
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%d:%d: %s", e.Line, e.Column, e.Message)
	}
	return e.Message
}

const (
	// maxNodes bounds the resolved tree, counting an alias as the size of
	// what it points to, so a "billion laughs" file cannot make the rules
	// walk forever.
	maxNodes = 1 << 20
	// maxDepth bounds nesting; deeper documents are not workflows.
	maxDepth = 256
)

// ParseYAML reads every document of a YAML stream. An empty document is a
// nil entry. Errors are *ParseError.
func ParseYAML(src []byte) (docs []*Node, err error) {
	// The parser is third-party code fed untrusted files; a panic in it is
	// reported as an unreadable file rather than taking the process down.
	defer func() {
		if r := recover(); r != nil {
			docs, err = nil, &ParseError{Message: fmt.Sprintf("YAML parser failed: %v", r)}
		}
	}()
	f, perr := parser.ParseBytes(src, 0)
	if perr != nil {
		return nil, toParseError(perr)
	}
	c := converter{anchors: map[string]*Node{}, sizes: map[*Node]int{}}
	for _, d := range f.Docs {
		var body ast.Node
		if d != nil {
			body = d.Body
		}
		n, err := c.convert(body, 0)
		if err != nil {
			return nil, err
		}
		docs = append(docs, n)
	}
	return docs, nil
}

func toParseError(err error) *ParseError {
	var ye yaml.Error
	if errors.As(err, &ye) {
		pe := &ParseError{Message: ye.GetMessage()}
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			pe.Line, pe.Column = tk.Position.Line, tk.Position.Column
		}
		return pe
	}
	// Without a token the message is the whole formatted error; keep its
	// first line, the rest is a source excerpt.
	msg, _, _ := strings.Cut(err.Error(), "\n")
	return &ParseError{Message: msg}
}

type converter struct {
	anchors map[string]*Node
	sizes   map[*Node]int // resolved size of anchored values
	total   int
}

func (c *converter) count(n int, line, col int) error {
	c.total += n
	if c.total > maxNodes {
		return &ParseError{Line: line, Column: col, Message: "too many nodes once aliases are expanded"}
	}
	return nil
}

func position(n ast.Node) (int, int) {
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Line, tk.Position.Column
	}
	return 0, 0
}

func (c *converter) convert(n ast.Node, depth int) (*Node, error) {
	if n == nil {
		return nil, nil
	}
	line, col := position(n)
	if depth > maxDepth {
		return nil, &ParseError{Line: line, Column: col, Message: "nesting too deep"}
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
		// Keep the text as written: `on: 1.10` is a version, not 1.1.
		text := ""
		if tk := n.GetToken(); tk != nil {
			text = tk.Value
		}
		return &Node{Kind: Scalar, Value: text, Line: line, Column: col}, nil
	case *ast.MergeKeyNode:
		return &Node{Kind: Scalar, Value: "<<", Line: line, Column: col}, nil
	case *ast.TagNode:
		inner, err := c.convert(v.Value, depth+1)
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
		if tag == "!!str" || tag == "!!int" || tag == "!!bool" || tag == "!!float" || tag == "!!null" ||
			tag == "!!map" || tag == "!!seq" {
			return inner, nil
		}
		copied := *inner
		copied.Tag = tag
		return &copied, nil
	case *ast.AnchorNode:
		before := c.total
		val, err := c.convert(v.Value, depth+1)
		if err != nil {
			return nil, err
		}
		if val == nil {
			val = &Node{Kind: Null, Line: line, Column: col}
		}
		if v.Name != nil {
			c.anchors[v.Name.String()] = val
			c.sizes[val] = c.total - before
		}
		return val, nil
	case *ast.AliasNode:
		name := ""
		if v.Value != nil {
			name = v.Value.String()
		}
		target, ok := c.anchors[name]
		if !ok {
			return nil, &ParseError{Line: line, Column: col, Message: fmt.Sprintf("alias *%s refers to no anchor defined before it", name)}
		}
		if err := c.count(c.sizes[target], line, col); err != nil {
			return nil, err
		}
		return target, nil
	case *ast.SequenceNode:
		out := &Node{Kind: Sequence, Line: line, Column: col}
		for _, item := range v.Values {
			cn, err := c.convert(item, depth+1)
			if err != nil {
				return nil, err
			}
			if cn == nil {
				cn = &Node{Kind: Null, Line: line, Column: col}
			}
			out.Items = append(out.Items, cn)
		}
		return out, nil
	case *ast.MappingNode:
		return c.mapping(v.Values, line, col, depth)
	case *ast.MappingValueNode:
		// A single-pair mapping is sometimes given as its pair.
		return c.mapping([]*ast.MappingValueNode{v}, line, col, depth)
	case *ast.MappingKeyNode:
		return c.convert(v.Value, depth+1)
	case *ast.CommentNode, *ast.CommentGroupNode:
		return nil, nil
	default:
		return nil, &ParseError{Line: line, Column: col, Message: fmt.Sprintf("unsupported YAML node %s", n.Type())}
	}
}

// mapping converts key/value pairs and applies merge keys: explicit keys
// win over merged ones, and earlier merged mappings over later ones.
func (c *converter) mapping(pairs []*ast.MappingValueNode, line, col, depth int) (*Node, error) {
	out := &Node{Kind: Mapping, Line: line, Column: col}
	var merged []*Node
	for _, kv := range pairs {
		if kv == nil {
			continue
		}
		var key *Node
		if kv.Key != nil {
			k, err := c.convert(kv.Key, depth+1)
			if err != nil {
				return nil, err
			}
			key = k
		}
		val, err := c.convert(kv.Value, depth+1)
		if err != nil {
			return nil, err
		}
		if key == nil {
			key = &Node{Kind: Null, Line: line, Column: col}
		}
		if val == nil {
			val = &Node{Kind: Null, Line: key.Line, Column: key.Column}
		}
		if key.Kind == Scalar && key.Value == "<<" && key.Tag == "" {
			for _, m := range val.List() {
				if m.Kind != Mapping {
					return nil, &ParseError{Line: key.Line, Column: key.Column, Message: "merge key << needs a mapping or a list of mappings"}
				}
				merged = append(merged, m)
			}
			continue
		}
		out.Keys = append(out.Keys, key)
		out.Values = append(out.Values, val)
	}
	if len(merged) == 0 {
		return out, nil
	}
	// Merged entries are copied by reference, so each costs one node.
	for _, m := range merged {
		for i, k := range m.Keys {
			if k.Kind == Scalar && out.KeyNode(k.Value) != nil {
				continue
			}
			if err := c.count(1, line, col); err != nil {
				return nil, err
			}
			out.Keys = append(out.Keys, k)
			out.Values = append(out.Values, m.Values[i])
		}
	}
	return out, nil
}
