package config

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Pos is a 1-based line and column in the config file.
type Pos struct {
	Line, Col int
}

func (p Pos) String() string { return strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Col) }

// kind is the shape of a YAML value, named as an error message names it.
type kind string

const (
	kMap    kind = "a mapping"
	kList   kind = "a list"
	kString kind = "a string"
	kInt    kind = "an integer"
	kFloat  kind = "a number"
	kBool   kind = "true or false"
	kNull   kind = "nothing (null)"
)

// node is a YAML value with the position it was written at. The decoder
// walks these instead of reflecting into structs so that every error can
// point at the exact key or value that is wrong.
type node struct {
	kind    kind
	pos     Pos
	text    string // scalars: the value as written (unquoted)
	entries []entry
	items   []*node
}

type entry struct {
	key    string
	keyPos Pos
	value  *node
}

// parseTree reads YAML into nodes. An empty document is an empty mapping:
// an empty preflight.yaml is a valid (default) config.
func parseTree(data []byte) (*node, error) {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, syntaxError(err)
	}
	var body ast.Node
	for _, d := range f.Docs {
		if d == nil || d.Body == nil {
			continue
		}
		if body != nil {
			return nil, &Error{Pos: posOf(d.Body), Msg: "more than one YAML document (---); preflight.yaml holds one mapping"}
		}
		body = d.Body
	}
	if body == nil {
		return &node{kind: kMap, pos: Pos{1, 1}}, nil
	}
	anchors := map[string]*node{}
	return convert(body, anchors, 0)
}

// syntaxError turns the parser's error into one with a position.
func syntaxError(err error) error {
	var se *yaml.SyntaxError
	if errors.As(err, &se) && se.Token != nil && se.Token.Position != nil {
		return &Error{Pos: Pos{se.Token.Position.Line, se.Token.Position.Column}, Msg: "YAML syntax: " + se.Message}
	}
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil && ye.GetToken().Position != nil {
		p := ye.GetToken().Position
		return &Error{Pos: Pos{p.Line, p.Column}, Msg: "YAML syntax: " + ye.GetMessage()}
	}
	return &Error{Pos: Pos{1, 1}, Msg: "YAML syntax: " + err.Error()}
}

func posOf(n ast.Node) Pos {
	switch v := n.(type) {
	case nil:
		return Pos{1, 1}
	case *ast.MappingNode:
		if len(v.Values) > 0 {
			return posOf(v.Values[0].Key)
		}
	case *ast.MappingValueNode:
		return posOf(v.Key)
	}
	tk := n.GetToken()
	if tk == nil || tk.Position == nil {
		return Pos{1, 1}
	}
	return Pos{tk.Position.Line, tk.Position.Column}
}

// maxDepth bounds nesting (and alias expansion) so a hostile file cannot
// exhaust the stack; a real preflight.yaml is four levels deep.
const maxDepth = 32

func convert(n ast.Node, anchors map[string]*node, depth int) (*node, error) {
	if depth > maxDepth {
		return nil, &Error{Pos: posOf(n), Msg: "nested too deeply"}
	}
	pos := posOf(n)
	switch v := n.(type) {
	case *ast.MappingNode:
		out := &node{kind: kMap, pos: pos}
		seen := map[string]Pos{}
		for _, mv := range v.Values {
			e, err := convertEntry(mv, anchors, depth)
			if err != nil {
				return nil, err
			}
			if first, dup := seen[e.key]; dup {
				return nil, &Error{Pos: e.keyPos, Msg: fmt.Sprintf("duplicate key %q (first at line %d)", e.key, first.Line)}
			}
			seen[e.key] = e.keyPos
			out.entries = append(out.entries, e)
		}
		return out, nil
	case *ast.MappingValueNode:
		e, err := convertEntry(v, anchors, depth)
		if err != nil {
			return nil, err
		}
		return &node{kind: kMap, pos: e.keyPos, entries: []entry{e}}, nil
	case *ast.SequenceNode:
		out := &node{kind: kList, pos: pos}
		for _, item := range v.Values {
			c, err := convert(item, anchors, depth+1)
			if err != nil {
				return nil, err
			}
			out.items = append(out.items, c)
		}
		return out, nil
	case *ast.AnchorNode:
		c, err := convert(v.Value, anchors, depth+1)
		if err != nil {
			return nil, err
		}
		if v.Name != nil {
			anchors[v.Name.String()] = c
		}
		return c, nil
	case *ast.AliasNode:
		name := ""
		if v.Value != nil {
			name = v.Value.String()
		}
		c, ok := anchors[name]
		if !ok {
			return nil, &Error{Pos: pos, Msg: fmt.Sprintf("alias *%s refers to no anchor defined before it", name)}
		}
		return c, nil
	case *ast.TagNode:
		return convert(v.Value, anchors, depth+1)
	case *ast.LiteralNode:
		text := ""
		if v.Value != nil {
			text = v.Value.Value
		}
		return &node{kind: kString, pos: pos, text: text}, nil
	case *ast.StringNode:
		return &node{kind: kString, pos: pos, text: v.Value}, nil
	case *ast.IntegerNode:
		return &node{kind: kInt, pos: pos, text: fmt.Sprint(v.Value)}, nil
	case *ast.FloatNode:
		return &node{kind: kFloat, pos: pos, text: strconv.FormatFloat(v.Value, 'g', -1, 64)}, nil
	case *ast.InfinityNode, *ast.NanNode:
		return &node{kind: kFloat, pos: pos, text: n.String()}, nil
	case *ast.BoolNode:
		return &node{kind: kBool, pos: pos, text: strconv.FormatBool(v.Value)}, nil
	case *ast.NullNode:
		return &node{kind: kNull, pos: pos}, nil
	case *ast.MergeKeyNode:
		return nil, &Error{Pos: pos, Msg: "merge keys (<<) are not supported; write the keys out"}
	case nil:
		return &node{kind: kNull, pos: pos}, nil
	}
	return nil, &Error{Pos: pos, Msg: fmt.Sprintf("unsupported YAML construct (%s)", n.Type())}
}

func convertEntry(mv *ast.MappingValueNode, anchors map[string]*node, depth int) (entry, error) {
	keyPos := posOf(mv.Key)
	if _, merge := mv.Key.(*ast.MergeKeyNode); merge {
		return entry{}, &Error{Pos: keyPos, Msg: "merge keys (<<) are not supported; write the keys out"}
	}
	k, err := convert(mv.Key, anchors, depth+1)
	if err != nil {
		return entry{}, err
	}
	switch k.kind {
	case kString, kInt, kFloat, kBool:
	default:
		return entry{}, &Error{Pos: keyPos, Msg: "a key must be a plain word, not " + string(k.kind)}
	}
	var value *node
	if mv.Value == nil {
		value = &node{kind: kNull, pos: keyPos}
	} else if value, err = convert(mv.Value, anchors, depth+1); err != nil {
		return entry{}, err
	}
	if value.kind == kNull && value.pos.Line == 0 {
		value.pos = keyPos
	}
	return entry{key: strings.TrimSpace(k.text), keyPos: keyPos, value: value}, nil
}
