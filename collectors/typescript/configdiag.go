package typescript

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/preflight-dev/preflight/collectors/rules"
	"github.com/preflight-dev/preflight/model"
)

// RuleInvalidConfig is an error tsc reports in the project's configuration
// rather than its code: tsconfig.json is not valid JSON, names an option or
// value tsc does not know, extends a file that is not there, or matches no
// source file. tsc exits with an error, so the build fails however clean
// the code is.
var RuleInvalidConfig = rules.Rule{
	ID:        "typescript/invalid-config",
	Severity:  model.Blocker,
	Title:     "tsconfig.json that tsc refuses",
	Rationale: "tsc reports the error and exits with status 2 whatever the code says: the build and every check that runs tsc fail, and options it could not read (a file cut short, a missing base config) are not applied to the code it did check.",
	Fix:       "Fix the configuration at the line shown; the message starts with tsc's own code (TS1005, TS5083 …), and `tsc --noEmit -p` prints the same.",
	Reference: "https://www.typescriptlang.org/tsconfig",
}

// RuleOtherPackageErrors stands for the errors tsc reports in another
// workspace package's files while it checks this project: that package's
// sources read under this project's configuration (a moduleResolution
// that ignores its exports, other strictness), whose own check is that
// package's collector's. One finding per package, at this project's
// configuration, not hundreds at the package's lines.
var RuleOtherPackageErrors = rules.Rule{
	ID:        "typescript/other-package-errors",
	Severity:  model.Blocker,
	Title:     "errors in another workspace package's sources under this configuration",
	Rationale: "tsc -p for this project fails on them all the same, but their lines are another package's, whose own check reads them with its own settings: the cause is how this project reaches that package (its sources rather than its built declarations, another moduleResolution).",
	Fix:       "Make the project read the package's declarations (build it, use a moduleResolution that reads its exports, or map paths to its dist), or check the package in its own project only.",
	Reference: "https://www.typescriptlang.org/docs/handbook/modules/reference.html",
}

// AllRules lists every rule the family reports, for the rule catalogue.
func AllRules() []rules.Rule { return []rules.Rule{RuleInvalidConfig, RuleOtherPackageErrors} }

var (
	cannotReadFile = regexp.MustCompile(`^Cannot read file '(.+)'\.$`)
	noInputs       = regexp.MustCompile(`^No inputs were found in config file '(.+?)'\.`)
	jsonString     = regexp.MustCompile(`"(?:[^"\\\n]|\\.)*"`)
)

// configChain is what placing a configuration error needs to know about a
// project: its tsconfig.json, the configs it extends inside the
// repository (all repo-relative), and how to read one of them ("" when it
// cannot be read).
type configChain struct {
	root    string
	config  string
	extends []string
	read    func(rel string) string
}

// files lists the project's own config first, then those it extends.
func (c configChain) files() []string { return append([]string{c.config}, c.extends...) }

// isConfig reports whether a diagnostic's file is a configuration of the
// project (tsc reports only configuration errors in tsconfig files), also
// one it extends from a package (node_modules/@tsconfig/node20/tsconfig.json).
func (c configChain) isConfig(file string) bool {
	if file == "" {
		return false
	}
	if slices.Contains(c.files(), file) {
		return true
	}
	base := path.Base(file)
	return strings.HasPrefix(base, "tsconfig") && strings.HasSuffix(base, ".json")
}

// place gives a location to the configuration errors tsc prints without
// one, so they are findings at the line to change: a base config that
// cannot be read (TS5083) at the "extends" naming it, no input files
// (TS18003) at "include" (or "files") of the config. The absolute paths in
// their messages become repo-relative, as the finding's file is.
func (c configChain) place(diags []Diagnostic) []Diagnostic {
	out := make([]Diagnostic, len(diags))
	copy(out, diags)
	for i := range out {
		d := &out[i]
		if d.File != "" || d.Category != "error" {
			continue
		}
		switch {
		case d.Code == 5083 && cannotReadFile.MatchString(d.Message):
			missing := repoPath(c.root, c.root, cannotReadFile.FindStringSubmatch(d.Message)[1])
			d.Message = fmt.Sprintf("Cannot read file '%s'.", missing) + generatedBy(missing)
			d.File, d.Line, d.Column = c.config, 0, 0
			for _, f := range c.files() {
				if line, col, ok := c.naming(f, missing); ok {
					d.File, d.Line, d.Column = f, line, col
					break
				}
			}
		case d.Code == 18003 && noInputs.MatchString(d.Message):
			abs := noInputs.FindStringSubmatch(d.Message)[1]
			file := repoPath(c.root, c.root, abs)
			if !c.isConfig(file) {
				continue
			}
			d.Message = strings.Replace(d.Message, "'"+abs+"'", "'"+file+"'", 1)
			d.File, d.Line, d.Column = file, 1, 1
			text := c.read(file)
			for _, key := range []string{`"include"`, `"files"`} {
				if at := strings.Index(text, key); at >= 0 {
					d.Line, d.Column = position(text, at)
					break
				}
			}
		}
	}
	return out
}

// generators are the frameworks that write a tsconfig other configs
// extend, by the directory they write it to, with the command that does.
type generatorOf struct{ dir, framework, command string }

var generators = []generatorOf{
	{".nuxt/", "Nuxt", "npx nuxi prepare"},
	{".svelte-kit/", "SvelteKit", "npx svelte-kit sync"},
	{".astro/", "Astro", "npx astro sync"},
	{".react-router/", "React Router", "npx react-router typegen"},
}

// generatedBy says which command writes a missing configuration a
// framework generates (usually on postinstall, which an install with
// --ignore-scripts skips); "" for any other file.
func generatedBy(missing string) string {
	if g, dir, ok := generator(missing); ok {
		return fmt.Sprintf(" %s generates it: run `%s` in %s, then check again.", g.framework, g.command, dir)
	}
	return ""
}

// generator is the framework that writes the missing file, and the
// directory to run its command in.
func generator(missing string) (g generatorOf, dir string, ok bool) {
	for _, g := range generators {
		if i := strings.Index("/"+missing, "/"+g.dir); i >= 0 {
			dir := strings.TrimSuffix(missing[:i], "/")
			if dir == "" {
				dir = "."
			}
			return g, dir, true
		}
	}
	return g, "", false
}

// naming finds the string in config file that resolves to target, as tsc
// resolves a relative "extends": from the config's directory, with .json
// added when it has no extension.
func (c configChain) naming(file, target string) (line, col int, ok bool) {
	text := c.read(file)
	for _, loc := range jsonString.FindAllStringIndex(text, -1) {
		s := text[loc[0]+1 : loc[1]-1]
		var resolved string
		switch {
		case strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../"):
			resolved = path.Join(path.Dir(file), s)
		case strings.HasPrefix(s, "/"):
			resolved = repoPath(c.root, c.root, s)
		default:
			continue
		}
		if resolved == target || (path.Ext(resolved) != ".json" && resolved+".json" == target) {
			line, col = position(text, loc[0])
			return line, col, true
		}
	}
	return 0, 0, false
}

// position is the 1-based line and column of byte offset at, the column in
// UTF-16 code units as tsc counts them.
func position(text string, at int) (line, col int) {
	before := text[:at]
	line = strings.Count(before, "\n") + 1
	col = 1
	for _, r := range before[strings.LastIndexByte(before, '\n')+1:] {
		col++
		if r >= 0x10000 {
			col++
		}
	}
	return line, col
}
