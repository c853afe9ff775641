package eslint

import (
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/preflight-dev/preflight/internal/shellwords"
)

// valueFlags are the ESLint options that take their value as the next
// word: that word is not a path to lint.
var valueFlags = map[string]bool{
	"-c": true, "--config": true, "--ext": true, "-f": true, "--format": true,
	"-o": true, "--output-file": true, "--ignore-path": true, "--ignore-pattern": true,
	"--rule": true, "--plugin": true, "--parser": true, "--parser-options": true,
	"--resolve-plugins-relative-to": true, "--rulesdir": true, "--max-warnings": true,
	"--cache-location": true, "--cache-strategy": true, "--env": true, "--global": true,
	"--report-unused-disable-directives-severity": true, "--stdin-filename": true,
	"--flag": true, "--concurrency": true, "--suppressions-location": true,
}

// ignorePath is the file a lint script's --ignore-path names, "" for none.
func ignorePath(args []string) string {
	for i, a := range args {
		if v, ok := strings.CutPrefix(a, "--ignore-path="); ok {
			return strings.Trim(v, `'"`)
		}
		if a == "--ignore-path" && i+1 < len(args) {
			return strings.Trim(args[i+1], `'"`)
		}
	}
	return ""
}

// scriptArgs returns what the package's lint script hands to ESLint that
// decides which files are linted: its paths ("eslint ./src ./tests" lints
// those, not the whole package), its --ext (which files of a directory
// a legacy config lints) and its --ignore-path and --ignore-pattern (which
// it leaves out: "eslint src --ignore-path .gitignore"). Nil when the
// script names no path or cannot be read plainly (variables,
// substitutions, stdin): the package is then linted whole.
func scriptArgs(script string) []string {
	if strings.ContainsAny(script, "$`") {
		return nil
	}
	for _, command := range shellwords.Lenient(script) {
		for i, w := range command.Words {
			if w.Value != "eslint" && path.Base(w.Value) != "eslint" {
				continue
			}
			var args []string
			for _, a := range command.Words[i+1:] {
				args = append(args, a.Raw)
			}
			return positional(args)
		}
	}
	return nil
}

// gate is what a lint script's options make of warnings: --quiet reports
// errors only, --max-warnings N fails the lint over N warnings.
type gate struct {
	quiet       bool
	maxWarnings int // -1: no limit
}

// lintGate reads the gate of the script that runs ESLint, itself or as
// `next lint`, which takes the same options.
func lintGate(script string) gate {
	g := gate{maxWarnings: -1}
	for _, command := range shellwords.Lenient(script) {
		words := command.Values()
		i := slices.IndexFunc(words, func(w string) bool { return path.Base(w) == "eslint" })
		if j := slices.Index(words, "lint"); i < 0 && j > 0 && path.Base(words[j-1]) == "next" {
			i = j
		}
		if i < 0 {
			continue
		}
		for j := i + 1; j < len(words); j++ {
			flag, value, withValue := strings.Cut(words[j], "=")
			switch {
			case flag == "--quiet":
				g.quiet = true
			case flag == "--max-warnings" && !withValue && j+1 < len(words):
				j++
				value, withValue = words[j], true
				fallthrough
			case flag == "--max-warnings" && withValue:
				if n, err := strconv.Atoi(value); err == nil && n >= 0 {
					g.maxWarnings = n
				}
			}
		}
		return g
	}
	return g
}

// selectionFlags are the options that decide which files are linted.
var selectionFlags = map[string]bool{"--ext": true, "--ignore-path": true, "--ignore-pattern": true}

func positional(args []string) []string {
	var paths, ext []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		flag, _, withValue := strings.Cut(a, "=")
		switch {
		case a == "--stdin":
			return nil
		case selectionFlags[flag] && withValue:
			ext = append(ext, a)
		case selectionFlags[a] && i+1 < len(args):
			ext = append(ext, a, args[i+1])
			i++
		case strings.HasPrefix(a, "-"):
			if !strings.Contains(a, "=") && valueFlags[a] {
				i++
			}
		default:
			// Kept as written: quotes decide whether the shell expands it.
			if strings.Trim(a, `'"`) != "" {
				paths = append(paths, a)
			}
		}
	}
	if len(paths) == 0 {
		return nil
	}
	return append(ext, paths...)
}

// shellWords turns the script's words into the arguments ESLint gets when
// npm runs the script with sh in dir: a quoted word loses its quotes and
// reaches ESLint as written (ESLint expands the glob, ** included); a glob
// whose wildcards are unquoted is expanded by sh first, where ** is only *, hidden files
// are left out and a pattern that matches nothing stays as it is.
func shellWords(dir string, words []string) []string {
	var out []string
	for _, raw := range words {
		w, ok := shellwords.ParseWord(raw)
		if !ok {
			out = append(out, raw)
			continue
		}
		if !w.Glob {
			out = append(out, w.Value)
			continue
		}
		matches, err := filepath.Glob(filepath.Join(dir, filepath.FromSlash(w.Pattern)))
		var expanded []string
		for _, m := range matches {
			rel, rerr := filepath.Rel(dir, m)
			if rerr != nil || hiddenMatch(w.Value, filepath.ToSlash(rel)) {
				continue
			}
			expanded = append(expanded, filepath.ToSlash(rel))
		}
		if err != nil || len(expanded) == 0 {
			out = append(out, w.Value)
			continue
		}
		out = append(out, expanded...)
	}
	return out
}

// hiddenMatch reports whether a wildcard matched a name starting with a
// dot, which sh does not do unless the pattern spells the dot.
func hiddenMatch(pattern, match string) bool {
	ps, ms := strings.Split(pattern, "/"), strings.Split(match, "/")
	for i := range ms {
		if i < len(ps) && strings.HasPrefix(ms[i], ".") && !strings.HasPrefix(ps[i], ".") {
			return true
		}
	}
	return false
}

// wrapper is a tool that runs ESLint on paths of its own choosing.
type wrapper struct {
	command, sub string
	// pathFlags take a path to lint as their value; positional says the
	// command's other arguments are paths too.
	pathFlags  map[string]bool
	positional bool
	valueFlags map[string]bool // its own flags that take the next word, beside ESLint's it passes on
	// defaults are what it lints when told nothing: directories, or
	// patterns of files in the package's directory.
	defaults []string
	// ext is the --ext it lints those with, "" for ESLint's own choice.
	ext string
	// bringsESLint: it depends on ESLint itself, so the package need not.
	bringsESLint bool
	// configured reads its defaults from the project's configuration
	// instead (root, the package directory); nil: defaults stand.
	configured func(root, dir string) []string
}

var wrappers = []wrapper{
	// next lint: app/ components/ lib/ pages/ src/ (Next.js's docs).
	{command: "next", sub: "lint", pathFlags: map[string]bool{"--dir": true, "-d": true, "--file": true},
		defaults: []string{"app", "components", "lib", "pages", "src"}},
	// vue-cli-service lint: src/ tests/ *.js .*.js (@vue/cli-plugin-eslint).
	{command: "vue-cli-service", sub: "lint", positional: true, valueFlags: map[string]bool{"--max-errors": true},
		defaults: []string{"src", "tests", "*.js", ".*.js"}},
	// Create React App lints src/ as it builds (and starts): react-scripts
	// 3's eslint-loader and 4's eslint-webpack-plugin take these
	// extensions; craco and react-app-rewired run the same build.
	// ng lint: the lintFilePatterns of angular.json.
	{command: "ng", sub: "lint", valueFlags: map[string]bool{"--configuration": true, "-c": true}, configured: ngLintPatterns},
	{command: "react-scripts", sub: "build", defaults: []string{"src"}, ext: craExt, bringsESLint: true},
	{command: "craco", sub: "build", defaults: []string{"src"}, ext: craExt, bringsESLint: true},
	{command: "react-app-rewired", sub: "build", defaults: []string{"src"}, ext: craExt, bringsESLint: true},
}

const craExt = ".js,.mjs,.jsx,.ts,.tsx"

// wrapperArgs returns the paths a script's wrapper (next lint,
// vue-cli-service lint, react-scripts build) lints: the ones it names,
// else its defaults that has says match something, with its --ext. ok is
// false when the script runs none; args is nil when it cannot be read
// plainly (the package is then linted whole).
func wrapperArgs(script string, has func(pattern string) bool) (args []string, w wrapper, ok bool) {
	for _, command := range shellwords.Lenient(script) {
		words := command.Words
		for i := 0; i+1 < len(words); i++ {
			k := slices.IndexFunc(wrappers, func(w wrapper) bool {
				return path.Base(words[i].Value) == w.command && words[i+1].Value == w.sub
			})
			if k < 0 || !commandStart(words[:i]) {
				continue
			}
			w = wrappers[k]
			if strings.ContainsAny(script, "$`") {
				return nil, w, true
			}
			rest := words[i+2:]
			for j := 0; j < len(rest); j++ {
				// Paths are kept as written, as positional keeps them:
				// quotes decide whether the shell expands them.
				flag, value, withValue := strings.Cut(rest[j].Raw, "=")
				switch {
				case w.pathFlags[flag]:
					if !withValue && j+1 < len(rest) {
						j++
						value = rest[j].Raw
					}
					if strings.Trim(value, `'"`) != "" {
						args = append(args, value)
					}
				case strings.HasPrefix(flag, "-"):
					if !withValue && (valueFlags[flag] || w.valueFlags[flag]) {
						j++
					}
				case w.positional && strings.Trim(rest[j].Raw, `'"`) != "":
					args = append(args, rest[j].Raw)
				}
			}
			if len(args) == 0 {
				for _, d := range w.defaults {
					if has(d) {
						args = append(args, d)
					}
				}
			}
			if len(args) > 0 && w.ext != "" {
				args = append(args, "--ext", w.ext)
			}
			return args, w, true
		}
	}
	return nil, wrapper{}, false
}

// commandStart reports whether what comes before a word leaves it the
// command: nothing, environment assignments, or a package runner.
func commandStart(before []shellwords.Word) bool {
	for _, w := range before {
		switch {
		case packageRunners[w.Value]:
		case strings.Contains(w.Value, "=") && !strings.HasPrefix(w.Value, "-"):
		default:
			return false
		}
	}
	return true
}

var packageRunners = map[string]bool{"npx": true, "pnpm": true, "yarn": true, "bunx": true, "bun": true, "exec": true, "dlx": true, "run": true}
