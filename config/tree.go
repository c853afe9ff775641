package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/preflight-dev/preflight/internal/yamlpos"
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
	text    string // scalars: the value (numbers and booleans normalised)
	entries []entry
	index   map[string]int // of entries, by key
	items   []*node
	json    any // the value as JSON, as the schema reads it
}

type entry struct {
	key    string
	keyPos Pos
	value  *node
}

// parseTree reads YAML into nodes. An empty document is an empty mapping:
// an empty preflight.yaml is a valid (default) config.
func parseTree(data []byte) (*node, error) {
	docs, err := yamlpos.Parse(data)
	if err != nil {
		return nil, yamlError(err)
	}
	var body *yamlpos.Node
	for _, d := range docs {
		if d.Empty() {
			continue
		}
		if body != nil {
			return nil, &Error{Pos: posOf(d.Line, d.Column), Msg: "more than one YAML document (---); preflight.yaml holds one mapping"}
		}
		body = d
	}
	if body == nil {
		return &node{kind: kMap, pos: Pos{1, 1}, json: map[string]any{}}, nil
	}
	return convert(body)
}

func yamlError(err error) error {
	var ye *yamlpos.Error
	if !errors.As(err, &ye) {
		return &Error{Pos: Pos{1, 1}, Msg: "YAML syntax: " + err.Error()}
	}
	msg := ye.Msg
	if ye.Syntax {
		msg = "YAML syntax: " + msg
	}
	return &Error{Pos: posOf(ye.Line, ye.Column), Msg: msg}
}

func posOf(line, col int) Pos {
	if line <= 0 {
		return Pos{1, 1}
	}
	return Pos{line, col}
}

func convert(n *yamlpos.Node) (*node, error) {
	pos := posOf(n.Line, n.Column)
	switch n.Kind {
	case yamlpos.Map:
		if n.MergeLine > 0 {
			// Merged keys would be decoded at the anchor's lines, where an
			// error about the merging map would make no sense.
			return nil, &Error{Pos: posOf(n.MergeLine, n.MergeColumn), Msg: "merge keys (<<) are not supported; write the keys out"}
		}
		obj := map[string]any{}
		out := &node{kind: kMap, pos: pos, index: map[string]int{}, json: obj}
		for _, p := range n.Pairs {
			v, err := convert(p.Value)
			if err != nil {
				return nil, err
			}
			key := strings.TrimSpace(p.Key)
			if i, ok := out.index[key]; ok { // "go" and "go ": the schema would see only one
				return nil, &Error{Pos: posOf(p.Line, p.Column), Msg: fmt.Sprintf("key %q is written twice (also at %s)", key, out.entries[i].keyPos)}
			}
			out.index[key], obj[key] = len(out.entries), v.json
			out.entries = append(out.entries, entry{key: key, keyPos: posOf(p.Line, p.Column), value: v})
		}
		return out, nil
	case yamlpos.Seq:
		out, list := &node{kind: kList, pos: pos}, []any{}
		for _, it := range n.Items {
			c, err := convert(it)
			if err != nil {
				return nil, err
			}
			out.items, list = append(out.items, c), append(list, c.json)
		}
		out.json = list
		return out, nil
	case yamlpos.Scalar:
		return scalar(n, pos), nil
	}
	return &node{kind: kNull, pos: pos}, nil
}

// scalar keeps strings as written and normalises numbers and booleans, so
// that 0x10, 1_000 and True read as 16, 1000 and true.
func scalar(n *yamlpos.Node, pos Pos) *node {
	text := n.Value
	plain := strings.ReplaceAll(text, "_", "")
	switch n.Type {
	case yamlpos.Int:
		if v, err := strconv.ParseInt(plain, 0, 64); err == nil {
			text = strconv.FormatInt(v, 10)
		} else if u, err := strconv.ParseUint(plain, 0, 64); err == nil {
			text = strconv.FormatUint(u, 10)
		}
		return &node{kind: kInt, pos: pos, text: text, json: number(text)}
	case yamlpos.Float:
		if v, err := strconv.ParseFloat(plain, 64); err == nil {
			text = strconv.FormatFloat(v, 'g', -1, 64)
		}
		return &node{kind: kFloat, pos: pos, text: text, json: number(text)}
	case yamlpos.Bool:
		b := strings.EqualFold(text, "true")
		return &node{kind: kBool, pos: pos, text: strconv.FormatBool(b), json: b}
	}
	return &node{kind: kString, pos: pos, text: text, json: text}
}

// number is a normalised number as JSON; .inf and .nan, which JSON cannot
// hold, stay text.
func number(text string) any {
	if _, ok := new(big.Rat).SetString(text); ok {
		return json.Number(text)
	}
	return text
}
