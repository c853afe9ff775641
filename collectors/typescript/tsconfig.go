package typescript

import (
	"encoding/json"
	"path"
	"path/filepath"
	"strings"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/repofs"
)

// tsconfig holds the few fields detection needs. Everything else in the file
// is the compiler's business.
type tsconfig struct {
	files      []json.RawMessage
	hasFiles   bool
	include    []json.RawMessage
	references []json.RawMessage
	extends    []string
	allowJs    bool // compilerOptions.allowJs or checkJs: JavaScript files are inputs too
}

// readTsconfig reads a tsconfig leniently: tsconfig files are JSON with
// comments and trailing commas, and a field of an unexpected type is
// ignored rather than failing the whole file (tsc will report it).
func readTsconfig(root, file string) (tsconfig, error) {
	data, err := repofs.ReadFile(root, file)
	if err != nil {
		return tsconfig{}, err
	}
	return parseTsconfig(data)
}

func parseTsconfig(data []byte) (tsconfig, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(stripJSONC(data), &fields); err != nil {
		return tsconfig{}, err
	}
	var c tsconfig
	if raw, ok := fields["files"]; ok && json.Unmarshal(raw, &c.files) == nil {
		c.hasFiles = true
	}
	_ = json.Unmarshal(fields["include"], &c.include)
	_ = json.Unmarshal(fields["references"], &c.references)
	var options struct {
		AllowJs bool `json:"allowJs"`
		CheckJs bool `json:"checkJs"`
	}
	_ = json.Unmarshal(fields["compilerOptions"], &options)
	c.allowJs = options.AllowJs || options.CheckJs
	if raw, ok := fields["extends"]; ok {
		var one string
		if json.Unmarshal(raw, &one) == nil {
			c.extends = []string{one}
		} else {
			_ = json.Unmarshal(raw, &c.extends)
		}
	}
	return c, nil
}

// solutionStyle reports a tsconfig that only lists project references
// ("files": [] and no include): `tsc -p` on it checks nothing, so it is not
// a project of its own.
func (c tsconfig) solutionStyle() bool {
	return c.hasFiles && len(c.files) == 0 && len(c.include) == 0 && len(c.references) > 0
}

// referencedFiles are the references that name a config file rather than
// a directory (Vite's and Angular's ./tsconfig.app.json), repo-relative,
// as tsc resolves them from dir.
func (c tsconfig) referencedFiles(dir string) []string {
	var out []string
	for _, raw := range c.references {
		var ref struct {
			Path string `json:"path"`
		}
		if json.Unmarshal(raw, &ref) != nil || !strings.HasSuffix(ref.Path, ".json") || path.IsAbs(ref.Path) {
			continue
		}
		if p := path.Join(dir, ref.Path); p != ".." && !strings.HasPrefix(p, "../") {
			out = append(out, p)
		}
	}
	return out
}

// defaultInputs reports a tsconfig that leaves its inputs to tsc's
// default, every source file below its directory: it names no files,
// include or references, nor does a config it extends in the repository.
// A config extended from a package is taken to set no inputs, as shared
// configs (@tsconfig/node20) do not; whether it allows JavaScript is not
// known, so it may.
func (c tsconfig) defaultInputs(root, dir string) (defaults, allowJs bool) {
	seen := map[string]bool{}
	var walk func(c tsconfig, dir string, depth int) bool
	walk = func(c tsconfig, dir string, depth int) bool {
		if c.hasFiles || len(c.include) > 0 || len(c.references) > 0 || depth > 8 {
			return false
		}
		allowJs = allowJs || c.allowJs
		for _, e := range c.extends {
			if !strings.HasPrefix(e, "./") && !strings.HasPrefix(e, "../") {
				allowJs = true
			}
		}
		for _, base := range c.extendedInRepo(dir) {
			if seen[base] {
				continue
			}
			seen[base] = true
			parent, err := readTsconfig(root, filepath.FromSlash(base))
			if err != nil {
				continue // missing or unreadable: it adds no inputs (tsc reports it)
			}
			if !walk(parent, path.Dir(base), depth+1) {
				return false
			}
		}
		return true
	}
	return walk(c, dir, 0), allowJs
}

// named returns, as input globs, the files and include patterns of a
// tsconfig in repo-relative dir: what tsc reads beside the sources a
// project's globs cover, such as generated types git ignores
// (next-env.d.ts, .next/types/**/*.ts). An include without a wildcard or
// an extension is a directory, as for tsc. Patterns that leave the
// repository are skipped.
func (c tsconfig) named(dir string) []string {
	var out []string
	add := func(raw []json.RawMessage, isInclude bool) {
		for _, r := range raw {
			var p string
			if json.Unmarshal(r, &p) != nil || p == "" {
				continue
			}
			p = path.Join(dir, p)
			if p == ".." || strings.HasPrefix(p, "../") || path.IsAbs(p) {
				continue
			}
			if isInclude && !strings.ContainsAny(p, "*?") && path.Ext(p) == "" {
				out = append(out, escapeDir(p)+"/**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs,json}")
				continue
			}
			out = append(out, escapeDir(p))
		}
	}
	add(c.files, false)
	add(c.include, true)
	return out
}

// escapeDir quotes the glob characters ({, [) that tsc does not treat as
// wildcards, keeping its * and ?.
func escapeDir(p string) string { return tscWildcards.Replace(collectors.EscapeGlob(p)) }

var tscWildcards = strings.NewReplacer(`\*`, "*", `\?`, "?")

// extendedInRepo returns the repo-relative paths of the local configs this
// one extends (from a tsconfig in repo-relative dir). Package specifiers
// ("@tsconfig/node20/tsconfig.json") live in node_modules and are skipped,
// as are paths that leave the repository.
func (c tsconfig) extendedInRepo(dir string) []string {
	var out []string
	for _, e := range c.extends {
		if !strings.HasPrefix(e, "./") && !strings.HasPrefix(e, "../") {
			continue
		}
		p := path.Join(dir, e)
		if !strings.HasSuffix(p, ".json") {
			p += ".json" // as the compiler resolves "./base" to base.json
		}
		if p == ".." || strings.HasPrefix(p, "../") {
			continue
		}
		out = append(out, p)
	}
	return out
}

// stripJSONC turns JSON with comments into JSON: comments become spaces and
// trailing commas before a closing bracket or brace are dropped. Strings
// are copied untouched. A leading byte order mark is removed.
func stripJSONC(in []byte) []byte {
	in = []byte(strings.TrimPrefix(string(in), "\uFEFF"))
	noComments := make([]byte, 0, len(in))
	for i := 0; i < len(in); i++ {
		c := in[i]
		switch {
		case c == '"':
			end := stringEnd(in, i)
			noComments = append(noComments, in[i:end]...)
			i = end - 1
		case c == '/' && i+1 < len(in) && in[i+1] == '/':
			for i < len(in) && in[i] != '\n' {
				i++
			}
			noComments = append(noComments, '\n')
		case c == '/' && i+1 < len(in) && in[i+1] == '*':
			i += 2
			for i < len(in) && !(in[i] == '*' && i+1 < len(in) && in[i+1] == '/') {
				i++
			}
			i++ // onto the closing '/'
			noComments = append(noComments, ' ')
		default:
			noComments = append(noComments, c)
		}
	}
	out := make([]byte, 0, len(noComments))
	for i := 0; i < len(noComments); i++ {
		c := noComments[i]
		switch c {
		case '"':
			end := stringEnd(noComments, i)
			out = append(out, noComments[i:end]...)
			i = end - 1
		case ',':
			j := i + 1
			for j < len(noComments) && strings.IndexByte(" \t\r\n", noComments[j]) >= 0 {
				j++
			}
			if j < len(noComments) && (noComments[j] == '}' || noComments[j] == ']') {
				continue
			}
			out = append(out, c)
		default:
			out = append(out, c)
		}
	}
	return out
}

// stringEnd returns the index just past the JSON string starting at
// in[start] (a '"'), or len(in) when it is not closed.
func stringEnd(in []byte, start int) int {
	for i := start + 1; i < len(in); i++ {
		switch in[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(in)
}
