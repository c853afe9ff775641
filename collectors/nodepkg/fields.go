package nodepkg

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
)

// FieldProblem is a field of a package.json whose type npm does not take:
// it either stops (Refused: npm install fails) or leaves the field out.
type FieldProblem struct {
	Line, Column int // of the field's key
	Path         []string
	Got          string // "an array", "a number" …
	Refused      bool
}

// Message says what npm does with the field.
func (p FieldProblem) Message() string {
	field := p.Path[0]
	for _, k := range p.Path[1:] {
		field += "." + k
	}
	switch {
	case p.Path[0] == "workspaces":
		return fmt.Sprintf("npm refuses workspaces (EWORKSPACESCONFIG): it is %s, not an array of globs", p.Got)
	case p.Refused && len(p.Path) > 1:
		return fmt.Sprintf("npm install fails (must provide string spec): %s is %s, not a version", field, p.Got)
	case p.Refused:
		return fmt.Sprintf("npm install fails: %s is %s, not an object of package versions", field, p.Got)
	case p.Path[0] == "scripts" && len(p.Path) == 1:
		return fmt.Sprintf("npm ignores scripts: it is %s, not an object; no script runs", p.Got)
	case p.Path[0] == "scripts":
		return fmt.Sprintf("npm ignores %s: it is %s, not a command; `npm run %s` says the script is missing", field, p.Got, p.Path[1])
	case len(p.Path) == 1:
		return fmt.Sprintf("npm ignores %s: it is %s, not an object", field, p.Got)
	}
	return fmt.Sprintf("npm ignores %s: it is %s", field, p.Got)
}

var dependencySections = []string{"dependencies", "devDependencies", "peerDependencies", "optionalDependencies"}

// FieldProblems lists the fields of a package.json (one ParseManifest
// accepts) whose type npm does not take, in file order.
func FieldProblems(data []byte) []FieldProblem {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	var raw map[string]json.RawMessage
	if json.Unmarshal(data, &raw) != nil {
		return nil
	}
	var out []FieldProblem
	add := func(refused bool, got string, path ...string) {
		line, col := locate(data, path)
		out = append(out, FieldProblem{Line: line, Column: col, Path: path, Got: got, Refused: refused})
	}
	if v, ok := raw["scripts"]; ok {
		entries(v, "scripts", false, add)
	}
	for _, section := range dependencySections {
		if v, ok := raw[section]; ok {
			entries(v, section, true, add)
		}
	}
	if v, ok := raw["workspaces"]; ok {
		var list []string
		var obj struct {
			Packages []string `json:"packages"`
		}
		if json.Unmarshal(v, &list) != nil && (json.Unmarshal(v, &obj) != nil || obj.Packages == nil) {
			add(true, jsonKind(v), "workspaces")
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Line < out[j].Line || out[i].Line == out[j].Line && out[i].Column < out[j].Column
	})
	return out
}

// entries checks an object of strings (scripts, a dependency section), as
// npm 11 reads it: a dependency whose version is not a string, or a
// non-empty array or string of dependencies (read as names and versions),
// makes npm install fail; a script that is not a string, or scripts that
// are not an object, are left out.
func entries(v json.RawMessage, section string, deps bool, add func(bool, string, ...string)) {
	kind := jsonKind(v)
	switch t := string(bytes.TrimSpace(v)); {
	case kind == "null" || t == "[]" || t == `""`:
		return
	case kind != "an object":
		add(deps && (kind == "an array" || kind == "a string"), kind, section)
		return
	}
	var obj map[string]json.RawMessage
	_ = json.Unmarshal(v, &obj)
	for k, e := range obj {
		if kind := jsonKind(e); kind != "a string" && (deps || kind != "null") {
			add(deps, kind, section, k)
		}
	}
}

func jsonKind(v json.RawMessage) string {
	t := bytes.TrimSpace(v)
	if len(t) == 0 {
		return "nothing"
	}
	switch t[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// locate finds the key at path and returns its line and column; 1:1 when
// it is not there.
func locate(data []byte, path []string) (int, int) {
	type frame struct {
		object, wantKey bool
		key             string
	}
	var stack []frame
	valueDone := func() {
		if n := len(stack); n > 0 && stack[n-1].object {
			stack[n-1].wantKey = true
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		at := int(dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			return 1, 1
		}
		if n := len(stack); n > 0 && stack[n-1].wantKey {
			key, ok := tok.(string)
			if !ok { // the object's closing brace
				stack = stack[:n-1]
				valueDone()
				continue
			}
			stack[n-1].key, stack[n-1].wantKey = key, false
			if len(stack) == len(path) && slices.EqualFunc(stack, path, func(f frame, k string) bool { return f.object && f.key == k }) {
				return position(data, keyStart(data, at))
			}
			continue
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, frame{object: true, wantKey: true})
		case json.Delim('['):
			stack = append(stack, frame{})
		case json.Delim(']'):
			stack = stack[:len(stack)-1]
			valueDone()
		default:
			valueDone()
		}
	}
}

// keyStart skips the separator and white space before a key's quote.
func keyStart(data []byte, at int) int {
	for at < len(data) && data[at] != '"' {
		at++
	}
	return at
}
