// Package nodepkg reads what the JavaScript collectors need to know about
// the npm packages of a repository: each package.json (name, scripts,
// dependencies, workspaces), which packages depend on which, and where a
// package's locally installed tools are.
package nodepkg

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/goccy/go-yaml"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/repofs"
	"github.com/preflight-dev/preflight/internal/shellwords"
)

// Manifest is the part of a package.json the collectors read.
type Manifest struct {
	Name                 string            `json:"name"`
	Scripts              map[string]string `json:"scripts"`
	Dependencies         map[string]string `json:"dependencies"`
	DevDependencies      map[string]string `json:"devDependencies"`
	PeerDependencies     map[string]string `json:"peerDependencies"`
	OptionalDependencies map[string]string `json:"optionalDependencies"`
	// Workspaces are the globs of an npm/yarn workspace root, from either
	// the array form or {"packages": [...]}.
	Workspaces []string `json:"-"`
	// Keys are the top-level keys present, for tool configuration kept in
	// package.json ("jest", "eslintConfig").
	Keys map[string]bool `json:"-"`
}

// ManifestError is a package.json that npm, pnpm and yarn refuse to read:
// not JSON, or JSON whose top level is not an object. Line and Column
// (1-based, in characters) say where the parser gave up.
type ManifestError struct {
	Line, Column int
	Msg          string
}

func (e *ManifestError) Error() string {
	return fmt.Sprintf("package.json:%d:%d: %s", e.Line, e.Column, e.Msg)
}

// ReadManifest reads and parses the package.json at manifest
// (repo-relative), a regular file inside root.
func ReadManifest(root, manifest string) (Manifest, error) {
	data, err := repofs.ReadFile(root, manifest)
	if err != nil {
		return Manifest{}, err
	}
	return ParseManifest(data)
}

// ParseManifest reads a package.json. Only what npm refuses is an error (a
// *ManifestError): invalid JSON, or a top level that is not an object. A
// field of an unexpected type is left out, as npm leaves it out, so one odd
// value does not hide the rest of the package.
func ParseManifest(data []byte) (Manifest, error) {
	// npm strips a byte order mark before parsing; so do we.
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return Manifest{}, manifestError(data, err)
	}
	if raw == nil { // the JSON value null
		return Manifest{}, &ManifestError{Line: 1, Column: 1, Msg: "the top level is null, not an object"}
	}
	m := Manifest{Keys: make(map[string]bool, len(raw))}
	for k := range raw {
		m.Keys[k] = true
	}
	_ = json.Unmarshal(raw["name"], &m.Name)
	m.Scripts = stringMap(raw["scripts"])
	m.Dependencies = stringMap(raw["dependencies"])
	m.DevDependencies = stringMap(raw["devDependencies"])
	m.PeerDependencies = stringMap(raw["peerDependencies"])
	m.OptionalDependencies = stringMap(raw["optionalDependencies"])
	if ws, ok := raw["workspaces"]; ok {
		var list []string
		if json.Unmarshal(ws, &list) != nil {
			var obj struct {
				Packages []string `json:"packages"`
			}
			if json.Unmarshal(ws, &obj) == nil {
				list = obj.Packages
			}
		}
		m.Workspaces = list
	}
	return m, nil
}

// stringMap reads an object of strings, leaving out entries of another
// type; nil when raw is not an object.
func stringMap(raw json.RawMessage) map[string]string {
	var obj map[string]json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &obj) != nil || obj == nil {
		return nil
	}
	out := make(map[string]string, len(obj))
	for k, v := range obj {
		var s string
		if json.Unmarshal(v, &s) == nil {
			out[k] = s
		}
	}
	return out
}

// manifestError places a decoding error: a syntax error where the parser
// stopped, a top level of the wrong type at its first character.
func manifestError(data []byte, err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		// The offset is just past the byte that was refused, or the
		// length of the input when it ended too early.
		at := int(syntax.Offset)
		if at > 0 && at <= len(data) && syntax.Error() != "unexpected end of JSON input" {
			at--
		}
		line, col := position(data, at)
		return &ManifestError{Line: line, Column: col, Msg: "not valid JSON: " + syntax.Error()}
	case errors.As(err, &typ):
		line, col := position(data, firstValue(data))
		return &ManifestError{Line: line, Column: col, Msg: "the top level is " + article(typ.Value) + ", not an object"}
	}
	return &ManifestError{Line: 1, Column: 1, Msg: err.Error()}
}

// position is the 1-based line and column (in characters) of byte offset at.
func position(data []byte, at int) (line, col int) {
	at = min(max(at, 0), len(data))
	before := data[:at]
	line = bytes.Count(before, []byte("\n")) + 1
	lineStart := bytes.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCount(before[lineStart:]) + 1
}

// firstValue is the offset of the first byte that is not JSON white space.
func firstValue(data []byte) int {
	return len(data) - len(bytes.TrimLeft(data, " \t\r\n"))
}

func article(kind string) string {
	if kind == "array" || kind == "object" {
		return "an " + kind
	}
	return "a " + kind
}

// HasDependency reports whether name is listed in any dependency section.
func (m Manifest) HasDependency(name string) bool {
	for _, deps := range m.dependencySections() {
		if _, ok := deps[name]; ok {
			return true
		}
	}
	return false
}

func (m Manifest) dependencySections() []map[string]string {
	return []map[string]string{m.Dependencies, m.DevDependencies, m.PeerDependencies, m.OptionalDependencies}
}

// ScriptRuns reports whether any npm script invokes the tool: a word of
// one of its commands (wrappers such as npx and cross-env included)
// equal to tool or ending in /tool (node_modules/.bin/tool), so
// "jest-junit" or "vitest-dev" do not count as "jest" or "vitest".
func (m Manifest) ScriptRuns(tool string) bool {
	for _, s := range m.Scripts {
		for _, c := range shellwords.Lenient(s) {
			for _, w := range c.Words {
				if w.Value == tool || strings.HasSuffix(w.Value, "/"+tool) {
					return true
				}
			}
		}
	}
	return false
}

// IsWorkspaceRoot reports whether the package declares workspaces.
func (m Manifest) IsWorkspaceRoot() bool { return len(m.Workspaces) > 0 }

// Package is one package.json in the repository.
type Package struct {
	Dir      string // repo-relative, forward slashes, "." for the root
	Manifest Manifest
	// Err is set when the package.json could not be read or parsed; the
	// package is still listed so a broken manifest is not silently skipped.
	Err error
}

// Packages reads every package.json in files (repo-relative, forward-slash
// paths) outside node_modules, sorted by directory.
func Packages(root string, files []string) []Package {
	var out []Package
	for _, f := range files {
		if path.Base(f) != "package.json" || InNodeModules(f) {
			continue
		}
		p := Package{Dir: path.Dir(f)}
		data, err := repofs.ReadFile(root, filepath.FromSlash(f))
		if err == nil {
			p.Manifest, err = ParseManifest(data)
		}
		if err == nil && len(p.Manifest.Workspaces) == 0 {
			p.Manifest.Workspaces = pnpmWorkspaces(root, p.Dir)
		}
		p.Err = err
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Dir < out[j].Dir })
	return withoutEmbedded(out)
}

// withoutEmbedded leaves out the packages Embedded names.
func withoutEmbedded(pkgs []Package) []Package {
	var globs, dirs []string
	for _, p := range pkgs {
		if p.Dir == "." {
			globs = p.Manifest.Workspaces
		}
		dirs = append(dirs, p.Dir)
	}
	embedded := embeddedDirs(globs, dirs)
	if len(embedded) == 0 {
		return pkgs
	}
	out := pkgs[:0:0]
	for _, p := range pkgs {
		if !embedded[p.Dir] {
			out = append(out, p)
		}
	}
	return out
}

// InSources reports whether a directory lies in the src/ of a package (a
// directory of ManifestDirs): a project template the app serves as data
// (an online editor's starter files), which nothing installs, builds or
// checks.
func InSources(dir string, manifestDirs map[string]bool) bool {
	for d := dir; d != "."; d = path.Dir(d) {
		if path.Base(d) == "src" && manifestDirs[path.Dir(d)] {
			return true
		}
	}
	return false
}

// ManifestDirs are the directories of the package.json files among files.
func ManifestDirs(files []string) map[string]bool {
	dirs := map[string]bool{}
	for _, f := range files {
		if path.Base(f) == "package.json" {
			dirs[path.Dir(f)] = true
		}
	}
	return dirs
}

// Embedded returns the directories of the package.json files among files
// that lie inside a workspace member without being members themselves: a
// project template the member ships, a fixture. The package manager
// neither installs nor runs them, so they are part of the member, not
// projects of their own. Packages outside every member (a docs site beside
// the workspace) are not embedded.
func Embedded(root string, files []string) map[string]bool {
	var globs, dirs []string
	for _, f := range files {
		if path.Base(f) == "package.json" && !InNodeModules(f) {
			dirs = append(dirs, path.Dir(f))
		}
	}
	if data, err := repofs.ReadFile(root, "package.json"); err == nil {
		if m, err := ParseManifest(data); err == nil {
			globs = m.Workspaces
		}
	}
	if len(globs) == 0 {
		globs = pnpmWorkspaces(root, ".")
	}
	return embeddedDirs(globs, dirs)
}

func embeddedDirs(globs, dirs []string) map[string]bool {
	if len(globs) == 0 {
		return nil
	}
	// The last glob that matches decides, as a "!" one takes back what an
	// earlier one listed.
	member := map[string]bool{}
	var members []string
	for _, d := range dirs {
		for _, g := range globs {
			pattern, negated := strings.CutPrefix(g, "!")
			if ok, _ := doublestar.Match(path.Clean(strings.TrimPrefix(pattern, "./")), d); ok {
				member[d] = !negated
			}
		}
		if d != "." && member[d] {
			members = append(members, d)
		}
	}
	embedded := map[string]bool{}
	for _, d := range dirs {
		if d == "." || member[d] {
			continue
		}
		for _, m := range members {
			if strings.HasPrefix(d, m+"/") {
				embedded[d] = true
				break
			}
		}
	}
	return embedded
}

// DependencyDirs returns the directories of the packages in all that p
// depends on, directly or through other packages of the repository, by
// package name (the way npm links workspaces). p itself is left out.
func DependencyDirs(p Package, all []Package) []string {
	byName := map[string]Package{}
	for _, q := range all {
		if q.Manifest.Name != "" && q.Err == nil {
			byName[q.Manifest.Name] = q
		}
	}
	seen := map[string]bool{p.Dir: true}
	var dirs []string
	queue := []Package{p}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		var names []string
		for _, deps := range cur.Manifest.dependencySections() {
			for name := range deps {
				names = append(names, name)
			}
		}
		sort.Strings(names)
		for _, name := range names {
			q, ok := byName[name]
			if !ok || seen[q.Dir] {
				continue
			}
			seen[q.Dir] = true
			dirs = append(dirs, q.Dir)
			queue = append(queue, q)
		}
	}
	sort.Strings(dirs)
	return dirs
}

// TypesEntries are the declaration files a package tells TypeScript to
// read for it, repo-relative: its types (or typings) and every "types"
// condition of its exports. They are often build output git ignores
// (dist/index.d.ts), which a dependent project's check reads all the same.
func TypesEntries(root, dir string) []string { return packageEntries(root, dir, true) }

// Entries are all the files a package gives whoever imports it,
// repo-relative: its main, module, types and every target of its exports.
// They are often build output git ignores (dist/index.mjs), which the
// tests of a dependent package, or of the package itself when it imports
// itself by name, run all the same.
func Entries(root, dir string) []string { return packageEntries(root, dir, false) }

func packageEntries(root, dir string, typesOnly bool) []string {
	data, err := repofs.ReadFile(root, path.Join(dir, "package.json"))
	if err != nil {
		return nil
	}
	var raw struct {
		Main    string          `json:"main"`
		Module  string          `json:"module"`
		Types   string          `json:"types"`
		Typings string          `json:"typings"`
		Exports json.RawMessage `json:"exports"`
	}
	if json.Unmarshal(data, &raw) != nil {
		return nil
	}
	var out []string
	add := func(p string) {
		if p == "" || path.IsAbs(p) || strings.Contains(p, "*") {
			return
		}
		if rel := path.Join(dir, p); rel != ".." && !strings.HasPrefix(rel, "../") && !slices.Contains(out, rel) {
			out = append(out, rel)
		}
	}
	add(raw.Types)
	add(raw.Typings)
	if !typesOnly {
		add(raw.Main)
		add(raw.Module)
	}
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch v := v.(type) {
		case string:
			if key == "types" || !typesOnly {
				add(v)
			}
		case map[string]any:
			for k, sub := range v {
				walk(k, sub)
			}
		}
	}
	var exports any
	if json.Unmarshal(raw.Exports, &exports) == nil {
		walk("", exports)
	}
	slices.Sort(out)
	return out
}

// InNodeModules reports whether a repo-relative path lies in node_modules.
func InNodeModules(p string) bool {
	for _, seg := range strings.Split(p, "/") {
		if seg == "node_modules" {
			return true
		}
	}
	return false
}

// LocalBin finds the executable an npm script would run as name: the first
// node_modules/.bin/name walking up from dir (absolute), as npm does for
// hoisted installs in workspaces. ok is false when there is none.
func LocalBin(dir, name string) (bin string, ok bool) {
	for d := dir; ; d = filepath.Dir(d) {
		candidate := filepath.Join(d, "node_modules", ".bin", name)
		if st, err := os.Stat(candidate); err == nil && !st.IsDir() {
			return candidate, true
		}
		if filepath.Dir(d) == d {
			return "", false
		}
	}
}

// Glob prefixes a doublestar pattern with a repo-relative directory,
// quoting the directory's glob characters so "app[old]" matches only itself.
func Glob(dir, pattern string) string {
	if dir == "." || dir == "" {
		return pattern
	}
	return collectors.EscapeGlob(dir) + "/" + pattern
}

// LockFiles are the root files whose change means installed packages
// changed: every JavaScript collector reruns on them.
var LockFiles = []string{"package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lockb", "bun.lock"}

// EnvNoColor asks Node tools for plain output.
var EnvNoColor = []string{"NO_COLOR=1", "FORCE_COLOR=0"}

// pnpmWorkspaces reads the package globs of a pnpm-workspace.yaml beside a
// package.json: pnpm declares workspaces there, not in package.json.
func pnpmWorkspaces(root, dir string) []string {
	data, err := repofs.ReadFile(root, filepath.Join(filepath.FromSlash(dir), "pnpm-workspace.yaml"))
	if err != nil {
		return nil
	}
	var ws struct {
		Packages []string `yaml:"packages"`
	}
	if yaml.Unmarshal(data, &ws) != nil {
		return nil
	}
	return ws.Packages
}

// KeyLine is the 1-based line of a key in the package.json at manifest
// (repo-relative): keys is a path, "scripts", "test" for the test script,
// each found after the line of the one before. 0 when it is not there or
// the file cannot be read; the position is for showing, not for parsing.
func KeyLine(root, manifest string, keys ...string) int {
	src, err := repofs.ReadFile(root, filepath.FromSlash(manifest))
	if err != nil || len(keys) == 0 {
		return 0
	}
	next := 0
	for i, line := range strings.Split(string(src), "\n") {
		for rest := line; ; {
			k := `"` + keys[next] + `"`
			at := strings.Index(rest, k)
			if at < 0 {
				break
			}
			rest = rest[at+len(k):]
			if !strings.HasPrefix(strings.TrimSpace(rest), ":") {
				continue // a value, not a key
			}
			if next++; next == len(keys) {
				return i + 1
			}
		}
	}
	return 0
}

// AngularTarget is one target (build, test, lint …) of a project in an
// Angular CLI workspace's angular.json, with the options the families read.
type AngularTarget struct {
	Project, Name    string
	Builder          string   // "@angular-devkit/build-angular:karma"
	TsConfig         string   // options.tsConfig, as written
	LintFilePatterns []string // options.lintFilePatterns
}

// NxTarget is one target of an Nx project.json.
type NxTarget struct {
	Name, Executor   string // "build", "@nx/esbuild:esbuild"
	Platform         string // options.platform (esbuild: browser, node, neutral)
	Target           string // options.target (webpack, rspack: web or node)
	LintFilePatterns []string
}

// ParseNxProject reads an Nx project.json's targets, sorted by name.
func ParseNxProject(data []byte) ([]NxTarget, error) {
	var p struct {
		Targets map[string]struct {
			Executor string `json:"executor"`
			Options  struct {
				Platform         string   `json:"platform"`
				Target           string   `json:"target"`
				LintFilePatterns []string `json:"lintFilePatterns"`
			} `json:"options"`
		} `json:"targets"`
	}
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, err
	}
	var out []NxTarget
	for _, name := range slices.Sorted(maps.Keys(p.Targets)) {
		t := p.Targets[name]
		out = append(out, NxTarget{Name: name, Executor: t.Executor, Platform: t.Options.Platform, Target: t.Options.Target,
			LintFilePatterns: t.Options.LintFilePatterns})
	}
	return out, nil
}

// AngularTargets reads the angular.json in dir (repo-relative), sorted by
// project and target; none when there is none or it cannot be read.
func AngularTargets(root, dir string) []AngularTarget {
	data, err := repofs.ReadFile(root, filepath.Join(filepath.FromSlash(dir), "angular.json"))
	if err != nil {
		return nil
	}
	var ws struct {
		Projects map[string]struct {
			Architect map[string]struct {
				Builder string `json:"builder"`
				Options struct {
					TsConfig         string   `json:"tsConfig"`
					LintFilePatterns []string `json:"lintFilePatterns"`
				} `json:"options"`
			} `json:"architect"`
		} `json:"projects"`
	}
	if json.Unmarshal(data, &ws) != nil {
		return nil
	}
	var out []AngularTarget
	for _, p := range slices.Sorted(maps.Keys(ws.Projects)) {
		for _, t := range slices.Sorted(maps.Keys(ws.Projects[p].Architect)) {
			a := ws.Projects[p].Architect[t]
			out = append(out, AngularTarget{Project: p, Name: t, Builder: a.Builder, TsConfig: a.Options.TsConfig, LintFilePatterns: a.Options.LintFilePatterns})
		}
	}
	return out
}
