package compose

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/compose-spec/compose-go/v2/schema"

	"github.com/preflight-dev/preflight/internal/yamlpos"
)

// Locator finds where a compose setting is written. compose-go merges files
// and interpolates values but keeps no positions, so each file is read a
// second time into a yamlpos. A key set in several files is found in the
// last one, the one that wins the merge.
type Locator struct {
	order []string // repo-relative files in load order
	trees map[string]*yamlpos.Node
	errs  map[string]*yamlpos.Error
}

// NewLocator reads files (repo-relative) with read. A file that cannot be
// read or parsed has no positions; ParseError says why.
func NewLocator(files []string, read func(rel string) ([]byte, error)) *Locator {
	l := &Locator{order: files, trees: map[string]*yamlpos.Node{}, errs: map[string]*yamlpos.Error{}}
	for _, f := range files {
		src, err := read(f)
		if err != nil {
			l.errs[f] = &yamlpos.Error{Msg: err.Error()}
			continue
		}
		docs, err := yamlpos.Parse(src)
		var ye *yamlpos.Error
		switch {
		case err != nil && selfAlias(src) != nil:
			// The two parsers may read a malformed line apart; the one
			// compose-go uses decides whether its loader would spend
			// seconds expanding an anchor that holds itself.
			l.errs[f] = selfAlias(src)
		case errors.As(err, &ye):
			l.errs[f] = ye
		case err != nil:
			l.errs[f] = &yamlpos.Error{Msg: err.Error()}
		case len(docs) > 0:
			l.trees[f] = docs[0] // compose reads the first document only
		}
	}
	return l
}

// With returns the locator for one configuration: the same files, searched
// in that configuration's load order.
func (l *Locator) With(order []string) *Locator {
	c := *l
	c.order = order
	return &c
}

// ParseError is the YAML error of a file, nil when it parsed.
func (l *Locator) ParseError(file string) *yamlpos.Error { return l.errs[file] }

// LineIn is the line of the deepest part of path written in file.
func (l *Locator) LineIn(file string, path []string) int {
	line, _, depth := l.trees[file].Walk(path...)
	if depth == 0 && len(path) > 0 {
		return 0
	}
	return line
}

// firstUnknownKey is the first key, in the order file writes them, of the
// mapping at path (services.web) that the compose schema does not know;
// "" when none is, or path is not a mapping of plain names. Each key is
// checked alone, on a configuration that holds it only.
func (l *Locator) firstUnknownKey(file string, path []string) string {
	n := l.trees[file].Path(path...)
	if n == nil || n.Kind != yamlpos.Map || slices.ContainsFunc(path, func(p string) bool { _, err := strconv.Atoi(p); return err == nil }) {
		return ""
	}
	for _, p := range n.Pairs {
		var cfg any = map[string]any{p.Key: nil}
		for i := len(path) - 1; i >= 0; i-- {
			cfg = map[string]any{path[i]: cfg}
		}
		err := schema.Validate(cfg.(map[string]any))
		if err != nil && err.Error() == strings.Join(append(slices.Clone(path), p.Key), ".")+" false schema" {
			return p.Key
		}
	}
	return ""
}

// Find is where path is written: the last file that has all of it, else
// the first file among those that have most of it.
func (l *Locator) Find(path []string) (file string, line int) {
	best := -1
	for i := len(l.order) - 1; i >= 0; i-- {
		f := l.order[i]
		ln, _, depth := l.trees[f].Walk(path...)
		if depth == len(path) {
			return f, ln
		}
		if depth > 0 && depth >= best {
			file, line, best = f, ln, depth
		}
	}
	if file == "" && len(l.order) > 0 {
		file = l.order[0]
	}
	return file, line
}

// Service is where to report an issue of a service: keys under it when
// some file writes them (the last such file), otherwise the service's own
// key in the first file that defines it.
func (l *Locator) Service(name string, keys []string) (file string, line, col int) {
	full := append([]string{"services", name}, keys...)
	if len(keys) > 0 {
		for i := len(l.order) - 1; i >= 0; i-- {
			f := l.order[i]
			if ln, c, depth := l.trees[f].Walk(full...); depth == len(full) {
				return f, ln, c
			}
		}
	}
	for _, f := range l.order {
		if ln, c, depth := l.trees[f].Walk(full[:2]...); depth == 2 {
			return f, ln, c
		}
	}
	if len(l.order) > 0 {
		return l.order[0], 0, 0
	}
	return "", 0, 0
}

// selfAlias is the first alias that compose-go's YAML parser reads inside
// the anchor it names (`&h {a: *h}`), as a limit error: its loader would
// visit the node a hundred thousand times, for seconds, before it gave up.
// nil when there is none, or the text does not parse (compose-go says so).
func selfAlias(src []byte) *yamlpos.Error {
	var doc yaml.Node
	if yaml.Unmarshal(src, &doc) != nil {
		return nil
	}
	open := map[*yaml.Node]bool{}
	var walk func(n *yaml.Node) *yamlpos.Error
	walk = func(n *yaml.Node) *yamlpos.Error {
		if n.Kind == yaml.AliasNode {
			if open[n.Alias] {
				return &yamlpos.Error{Line: n.Line, Column: n.Column, Limit: true,
					Msg: fmt.Sprintf("too many alias expansions: *%s is used inside its own anchor, so it never ends", n.Value)}
			}
			return nil
		}
		open[n] = true
		defer delete(open, n)
		for _, c := range n.Content {
			if e := walk(c); e != nil {
				return e
			}
		}
		return nil
	}
	return walk(&doc)
}
