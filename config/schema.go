package config

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/agext/levenshtein"
	"github.com/santhosh-tekuri/jsonschema/v6"
	jskind "github.com/santhosh-tekuri/jsonschema/v6/kind"

	"github.com/preflight-dev/preflight/internal/yamlpos"
)

// Schema is the JSON Schema of preflight.yaml (draft-07), published at
// SchemaURL for editors. Parse validates every file against it, so it is
// the one place that says which keys and values are allowed; its
// x-expected and x-problem annotations word the messages.
//
//go:embed preflight.schema.json
var Schema []byte

// schema is Schema compiled, and as a tree that keeps the order of its
// keys, for the annotations and "expected one of" lists in messages.
var schema = sync.OnceValues(func() (*jsonschema.Schema, *yamlpos.Node) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema))
	if err != nil {
		panic(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(SchemaURL, doc); err != nil {
		panic(err)
	}
	docs, err := yamlpos.Parse(Schema)
	if err != nil {
		panic(err)
	}
	return c.MustCompile(SchemaURL), docs[0]
})

// schemaAt is the part of the schema a validation error's location (URL
// and JSON pointer) names; nil when there is none.
func schemaAt(loc string) *yamlpos.Node {
	_, n := schema()
	_, ptr, _ := strings.Cut(loc, "#")
	for _, tok := range strings.Split(ptr, "/")[1:] {
		if n != nil && n.Kind == yamlpos.Seq {
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n.Items) {
				return nil
			}
			n = n.Items[i]
			continue
		}
		n = n.Get(tok)
	}
	return n
}

// validate checks the tree against the schema and says what is wrong at
// the position of the key or value concerned.
func validate(root *node) Errors {
	sch, _ := schema()
	var ve *jsonschema.ValidationError
	if !errors.As(sch.Validate(root.json), &ve) {
		return nil
	}
	r := &reporter{root: root}
	r.walk(ve, nil)
	return r.Errors
}

// subject is what an error is about: a value, or a key for errors about
// key names.
type subject struct {
	where string // such as "collectors.go.timeout"; "" at the top level
	key   Pos    // of the key holding the value; a list item's own
	n     *node
}

func (s subject) name() string { return orDefault(s.where, "the top level") }

type reporter struct {
	root *node
	Errors
}

// locate follows an instance location through the tree, as far as it
// leads.
func (r *reporter) locate(loc []string, more ...string) subject {
	s := subject{key: Pos{1, 1}, n: r.root}
	for _, tok := range append(slices.Clip(loc), more...) {
		if i, ok := s.n.index[tok]; ok {
			e := s.n.entries[i]
			s = subject{where: strings.TrimPrefix(s.where+"."+tok, "."), key: e.keyPos, n: e.value}
		} else if i, err := strconv.Atoi(tok); err == nil && s.n.kind == kList && i >= 0 && i < len(s.n.items) {
			s = subject{where: fmt.Sprintf("%s[%d]", s.where, i), key: s.n.items[i].pos, n: s.n.items[i]}
		} else {
			break
		}
	}
	return s
}

// propertyNamesOf is the location of the object whose key names e is
// about. jsonschema v6.0.3 keeps that location without copying it, so an
// object validated after it may have overwritten it; the schema location
// says it too, for an object under properties only, as every propertyNames
// of this schema is.
func propertyNamesOf(e *jsonschema.ValidationError) []string {
	_, ptr, _ := strings.Cut(strings.TrimSuffix(e.SchemaURL, "/propertyNames"), "#")
	steps := strings.Split(ptr, "/")[1:]
	var loc []string
	for i := 0; i < len(steps); i += 2 {
		if steps[i] != "properties" || i+1 == len(steps) {
			return e.InstanceLocation
		}
		loc = append(loc, steps[i+1])
	}
	return loc
}

// walk reports the errors under e. Groups, references, allOf and
// if/then/else only gather their causes; a oneOf is one error, worded by
// the schema that offers the alternatives. A key name that breaks
// propertyNames is the subject of the errors under it.
func (r *reporter) walk(e *jsonschema.ValidationError, about *subject) {
	switch k := e.ErrorKind.(type) {
	case *jskind.PropertyNames:
		loc := propertyNamesOf(e)
		key := r.locate(loc, k.Property).key
		about = &subject{where: r.locate(loc).where, key: key, n: &node{kind: kString, pos: key, text: k.Property}}
	case *jskind.OneOf, *jskind.AnyOf:
		e.Causes = nil
	}
	for _, c := range e.Causes {
		r.walk(c, about)
	}
	if len(e.Causes) > 0 {
		return
	}
	s := r.locate(e.InstanceLocation)
	if about != nil {
		s = *about
	}
	r.report(e, s)
}

// report words one error about s, at the key or value concerned.
func (r *reporter) report(e *jsonschema.ValidationError, s subject) {
	at := schemaAt(e.SchemaURL)
	problem := at.Get("x-problem").Text()
	switch k := e.ErrorKind.(type) {
	case *jskind.AdditionalProperties:
		var allowed []string
		for _, p := range at.Get("properties").Pairs {
			allowed = append(allowed, p.Key)
		}
		in := "at the top level"
		if s.where != "" {
			in = "in " + s.where
		}
		for _, p := range k.Properties {
			msg := fmt.Sprintf("unknown key %q %s (expected one of: %s)", p, in, strings.Join(allowed, ", "))
			if sug := suggest(p, allowed); sug != "" {
				msg += fmt.Sprintf("; did you mean %q?", sug)
			}
			r.add(r.locate(e.InstanceLocation, p).key, "%s", msg)
		}
	case *jskind.Required:
		for _, m := range k.Missing {
			r.add(s.key, "%s: missing required key %q%s", s.name(), m, example(e.SchemaURL, m))
		}
	case *jskind.Type, *jskind.Const:
		r.add(s.n.pos, "%s: expected %s, got %s", s.name(), expected(at, k), describe(s.n))
	case *jskind.Enum, *jskind.AnyOf:
		sep := ","
		if s.n.kind == kString {
			sep = ";" // the choices are a list of words already
		}
		r.add(s.n.pos, "%s: expected %s%s got %s", s.name(), expected(at, k), sep, shown(s.n, k))
	case *jskind.Not:
		r.add(s.n.pos, "%s: %s", s.name(), orDefault(problem, "is not allowed here"))
	default:
		if problem != "" {
			r.add(s.n.pos, "%s: %s %s", s.name(), shown(s.n, k), problem)
		} else {
			r.add(s.n.pos, "%s: expected %s, got %s", s.name(), expected(at, k), shown(s.n, k))
		}
	}
}

// example shows a missing key's first example from the schema, found in
// the nearest schema at or above loc that describes the key.
func example(loc, key string) string {
	for ; strings.Contains(loc, "/"); loc = loc[:strings.LastIndex(loc, "/")] {
		if ex := schemaAt(loc).Path("properties", key, "examples"); ex != nil && len(ex.Items) > 0 && ex.Items[0].Kind == yamlpos.Scalar {
			v := ex.Items[0].Value
			if strings.ContainsAny(v, ":#'\"[]{}\\") {
				v = "'" + strings.ReplaceAll(v, "'", "''") + "'"
			}
			return fmt.Sprintf(" (e.g. %s: %s)", key, v)
		}
	}
	return ""
}

var typeNames = map[string]string{
	"object": string(kMap) + " (key: value lines)", "array": string(kList), "string": string(kString),
	"boolean": string(kBool), "number": string(kFloat), "integer": string(kInt),
}

// expected says what the schema wants: its x-expected, or what the
// keyword itself allows.
func expected(at *yamlpos.Node, k jsonschema.ErrorKind) string {
	if s := at.Get("x-expected").Text(); s != "" {
		return s
	}
	switch k := k.(type) {
	case *jskind.Enum:
		words := make([]string, len(k.Want))
		for i, w := range k.Want {
			words[i] = fmt.Sprint(w)
		}
		return "one of " + strings.Join(words, ", ")
	case *jskind.Type:
		for _, t := range k.Want {
			if t != "null" {
				return typeNames[t]
			}
		}
	}
	return "a value the schema allows"
}

// shown is a value of the right type that a check rejects: a string
// quoted, a number out of range as written ("from 0 to 100, got 101").
func shown(n *node, k jsonschema.ErrorKind) string {
	switch k.(type) {
	case *jskind.Minimum, *jskind.Maximum, *jskind.ExclusiveMinimum, *jskind.ExclusiveMaximum:
		return n.text
	}
	if n.kind == kString {
		return strconv.Quote(n.text)
	}
	return describe(n)
}

// describe names what was found, for "expected X, got Y".
func describe(n *node) string {
	switch {
	case n.kind == kString:
		return fmt.Sprintf("the string %q", n.text)
	case n.kind == kInt || n.kind == kFloat:
		return "the number " + n.text
	case n.kind == kBool:
		return n.text
	case n.kind == kList && len(n.items) == 0:
		return "an empty list"
	}
	return string(n.kind)
}

// suggest returns the allowed word closest to a misspelt key, if any is
// close enough to be a likely typo.
func suggest(key string, allowed []string) string {
	best, bestDist := "", 3
	for _, a := range allowed {
		if dist := levenshtein.Distance(strings.ToLower(key), a, nil); dist < bestDist {
			best, bestDist = a, dist
		}
	}
	return best
}
