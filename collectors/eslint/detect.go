package eslint

import (
	"maps"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/nodepkg"
)

var (
	flatConfig   = regexp.MustCompile(`^eslint\.config\.[cm]?[jt]s$`)
	legacyConfig = regexp.MustCompile(`^\.eslintrc(\.(js|cjs|yaml|yml|json))?$`)
)

// Detect returns one collector per npm package (a directory with a
// package.json, outside node_modules) that configures ESLint: an
// eslint.config.* or .eslintrc* file beside package.json, or an
// "eslintConfig" key in it. A flat config wins over a legacy one, as in
// ESLint 9. Nested .eslintrc files in a package's subdirectories are part of
// that package's configuration, not packages of their own.
func Detect(root string, files []string) []collectors.Collector {
	flat := map[string]string{}   // dir -> config file
	legacy := map[string]string{} // dir -> config file
	ignores := map[string]bool{}  // .eslintignore files
	for _, f := range files {
		if nodepkg.InNodeModules(f) {
			continue
		}
		dir, base := path.Dir(f), path.Base(f)
		switch {
		case base == ".eslintignore":
			ignores[f] = true
		case flatConfig.MatchString(base):
			if _, seen := flat[dir]; !seen {
				flat[dir] = f
			}
		case legacyConfig.MatchString(base):
			if _, seen := legacy[dir]; !seen {
				legacy[dir] = f
			}
		}
	}
	var found []*Collector
	pkgs := nodepkg.Packages(root, files)
	for _, p := range pkgs {
		c := &Collector{dir: p.Dir, script: p.Manifest.ScriptUsing("eslint"), declared: nodepkg.Declares(p, pkgs, "eslint"), gate: gate{maxWarnings: -1}}
		direct := c.script != ""
		if direct {
			c.scriptArgs = scriptArgs(p.Manifest.Scripts[c.script])
			c.gate = lintGate(p.Manifest.Scripts[c.script])
		} else if name, args, w, ok := lintWrapper(root, p, files); ok {
			c.script, c.scriptArgs, c.declared = name, args, c.declared || w.bringsESLint
			c.gate = lintGate(p.Manifest.Scripts[name])
		} else {
			c.scriptArgs = nxLintPatterns(root, p.Dir, files)
		}
		switch {
		case flat[p.Dir] != "":
			c.config, c.flat = flat[p.Dir], true
		case legacy[p.Dir] != "":
			c.config = legacy[p.Dir]
		case p.Err == nil && p.Manifest.Keys["eslintConfig"]:
			c.config = configPath(p.Dir, "package.json")
		default:
			continue
		}
		if !c.flat && ignorePath(c.scriptArgs) == "" && !(p.Err == nil && p.Manifest.Keys["eslintIgnore"]) {
			c.ignoreFile = ignoreFileAbove(p.Dir, ignores)
		}
		if !c.flat && !direct && !hasExt(c.scriptArgs) {
			// A script that runs eslint itself lints what it names, *.js
			// only with a legacy config: so does preflight.
			c.ext = legacyExtensions(p, pkgs)
		}
		found = append(found, c)
	}
	found = slices.DeleteFunc(found, sharedOnly(found))
	dirs := make([]string, len(found))
	for i, c := range found {
		dirs[i] = c.dir
	}
	names := collectors.TargetNames(dirs)
	for _, c := range found {
		c.id = Kind + ":" + names[c.dir]
		for _, d := range dirs {
			if rel, ok := under(c.dir, d); ok {
				c.nested = append(c.nested, rel)
			}
		}
	}
	sort.Slice(found, func(i, j int) bool { return found[i].id < found[j].id })
	out := make([]collectors.Collector, len(found))
	for i, c := range found {
		out[i] = c
	}
	return out
}

// ignoreFileAbove is the .eslintignore of the nearest directory above a
// package (up to the root) when the package has none of its own; "" when
// it has one, or none is above it.
func ignoreFileAbove(dir string, ignores map[string]bool) string {
	if dir == "." || ignores[path.Join(dir, ".eslintignore")] {
		return ""
	}
	for d := path.Dir(dir); ; d = path.Dir(d) {
		if f := path.Join(d, ".eslintignore"); ignores[f] {
			return f
		}
		if d == "." {
			return ""
		}
	}
}

// lintWrapper finds the package's script that runs next lint,
// vue-cli-service lint, ng lint or a Create React App build, and what it lints:
// those tools run ESLint on directories of their own choosing, not the
// whole package.
func lintWrapper(root string, p nodepkg.Package, files []string) (name string, args []string, w wrapper, ok bool) {
	has := func(pattern string) bool {
		if strings.ContainsAny(pattern, "*?") {
			// A pattern of files in the package's own directory.
			return slices.ContainsFunc(files, func(f string) bool {
				matched, _ := path.Match(pattern, path.Base(f))
				return path.Dir(f) == p.Dir && matched
			})
		}
		prefix := path.Join(p.Dir, pattern) + "/"
		return slices.ContainsFunc(files, func(f string) bool { return strings.HasPrefix(f, prefix) && !nodepkg.InNodeModules(f) })
	}
	for _, name := range slices.Sorted(maps.Keys(p.Manifest.Scripts)) {
		if args, w, ok := wrapperArgs(p.Manifest.Scripts[name], has); ok {
			if len(args) == 0 && w.configured != nil {
				args = w.configured(root, p.Dir)
			}
			return name, args, w, true
		}
	}
	return "", nil, wrapper{}, false
}

// ngLintPatterns are the lintFilePatterns of the projects of the
// package's angular.json, quoted for ESLint to expand: what `ng lint`
// (@angular-eslint/builder) lints, templates (*.html) included. Nil when
// there are none (the package is then linted whole).
func ngLintPatterns(root, dir string) []string {
	var out []string
	for _, t := range nodepkg.AngularTargets(root, dir) {
		if t.Name != "lint" {
			continue
		}
		for _, pat := range t.LintFilePatterns {
			if q := "'" + pat + "'"; !strings.Contains(pat, "'") && !slices.Contains(out, q) {
				out = append(out, q)
			}
		}
	}
	return out
}

// sharedOnly reports a configuration that only its packages use: it sits
// above packages that lint with their own scripts, and no script of its
// own package runs ESLint (a monorepo root whose eslint.config.js the
// packages extend, run per package by nx or turbo). Linting there would
// check files the project never lints.
func sharedOnly(found []*Collector) func(*Collector) bool {
	return func(c *Collector) bool {
		if c.script != "" {
			return false
		}
		for _, d := range found {
			if _, inside := under(c.dir, d.dir); inside && d.script != "" {
				return true
			}
		}
		return false
	}
}

// under reports whether dir lies strictly inside parent, and its path
// relative to parent.
func under(parent, dir string) (string, bool) {
	if parent == dir {
		return "", false
	}
	if parent == "." {
		return dir, true
	}
	rel, ok := strings.CutPrefix(dir, parent+"/")
	return rel, ok
}

// extensionParsers are the packages that let a legacy configuration parse
// more than JavaScript, and the extensions of the files they are for.
var extensionParsers = []struct {
	pkg string
	ext []string
}{
	{"eslint-plugin-vue", []string{".vue"}},
	{"vue-eslint-parser", []string{".vue"}},
	{"eslint-plugin-svelte", []string{".svelte"}},
	{"eslint-plugin-svelte3", []string{".svelte"}},
	{"svelte-eslint-parser", []string{".svelte"}},
	{"eslint-plugin-astro", []string{".astro"}},
	{"astro-eslint-parser", []string{".astro"}},
	{"@typescript-eslint/parser", []string{".ts", ".tsx"}},
	{"eslint-plugin-react", []string{".jsx"}},
}

// legacyExtensions is the --ext a legacy configuration needs when the
// package installs a parser for more than *.js and no script of its runs
// eslint itself (a wrapper does, or nothing): ESLint before flat config
// lints only *.js in the directories it is given (and the files its
// overrides name, which any --ext turns off: so every parser's
// extensions are listed, .svelte's and .astro's too), so a Vue app's
// components (vue-cli-service lint passes --ext .js,.jsx,.vue) or a
// TypeScript package's sources would otherwise never be linted. Nil when
// *.js is all there is.
func legacyExtensions(p nodepkg.Package, pkgs []nodepkg.Package) []string {
	exts := []string{".js"}
	for _, e := range extensionParsers {
		if nodepkg.Declares(p, pkgs, e.pkg) {
			for _, x := range e.ext {
				if !slices.Contains(exts, x) {
					exts = append(exts, x)
				}
			}
		}
	}
	if len(exts) == 1 {
		return nil
	}
	return exts
}

// hasExt reports whether the lint script chooses the extensions itself.
func hasExt(args []string) bool {
	return slices.ContainsFunc(args, func(a string) bool { return a == "--ext" || strings.HasPrefix(a, "--ext=") })
}
