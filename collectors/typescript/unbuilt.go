package typescript

import (
	"cmp"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/preflight-dev/preflight/collectors/nodepkg"
	"github.com/preflight-dev/preflight/model"
)

// workspaceDep is a package of the repository outside a project, which
// the project may import.
type workspaceDep struct {
	dir, name string
	types     []string // the declaration files its package.json points to, repo-relative
	checked   bool     // a TypeScript project of its own checks its files
	self      bool     // the project's own package, which it may import by name
}

// missing is the first declaration file the package points TypeScript to
// that is not there: it is not built. "" when all are (a package that
// points to none is read from its sources and needs no build).
func (d workspaceDep) missing(root string) string {
	for _, t := range d.types {
		if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(t))); err != nil {
			return t
		}
	}
	return ""
}

// unbuiltDependencies explains errors that come from checking a project
// against workspace packages that are not built: their package.json
// points to declarations a build writes (dist/index.d.ts) and are not
// there, so tsc reads their sources with this project's settings, or
// finds no module at all (excalidraw's examples before yarn
// build:packages: 2004 of 2011 errors in packages/*, whose own check is
// clean). Such errors are the checkout's state, not the project's; ""
// when no error is one.
func (p *Project) unbuiltDependencies(root string, diags []Diagnostic) (why, hint string) {
	if countErrors(diags) == 0 {
		return "", "" // nothing to explain: the packages' files are not looked at
	}
	var unbuilt []workspaceDep
	missing := ""
	for _, d := range append(slices.Clone(p.workspace), p.self) {
		if m := d.missing(root); m != "" {
			unbuilt = append(unbuilt, d)
			missing = cmp.Or(missing, m)
		}
	}
	if len(unbuilt) == 0 {
		return "", ""
	}
	theirs, all := 0, 0
	for _, d := range diags {
		if d.Category != "error" {
			continue
		}
		all++
		if fromUnbuilt(d, unbuilt) {
			theirs++
		}
	}
	if theirs == 0 {
		return "", ""
	}
	first := unbuilt[0]
	if first.self && len(unbuilt) == 1 {
		why = fmt.Sprintf("%d of tsc's %d errors come from the project importing its own package, %s, which is not built (%s is not there)",
			theirs, all, first.name, missing)
		if step := buildStep(root, first.dir); step != "" {
			return why, "build it first (" + step + "), then check again"
		}
		return why, "build it first (its package.json points TypeScript to what a build writes), then check again"
	}
	others := ""
	switch n := len(unbuilt) - 1; {
	case n == 1:
		others = " and 1 other workspace package"
	case n > 1:
		others = fmt.Sprintf(" and %d other workspace packages", n)
	}
	why = fmt.Sprintf("%d of tsc's %d errors come from workspace packages that are not built: %s%s (%s is not there), whose sources tsc read instead",
		theirs, all, first.dir, others, missing)
	if step := buildStep(root, first.dir); step != "" {
		return why, "build them first (" + step + "), then check again"
	}
	return why, "build them first (their package.json points TypeScript to what a build writes), then check again"
}

// buildStep is a script of the repository that builds the workspace
// package in dir: the root's that builds the packages and names this one
// (excalidraw's build:packages runs build:common …, but not utils'),
// else the package's build, else its first build:… script; "" when
// there is none.
func buildStep(root, dir string) string {
	scripts := func(d string) map[string]string {
		if m, err := nodepkg.ReadManifest(root, path.Join(d, "package.json")); err == nil {
			return m.Scripts
		}
		return nil
	}
	rootScripts := scripts(".")
	for _, s := range slices.Sorted(maps.Keys(rootScripts)) {
		words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ':' || r == '-' || r == '_' })
		if len(words) == 2 && words[0] == "build" && buildsPackages[words[1]] && strings.Contains(rootScripts[s], path.Base(dir)) {
			return nodepkg.ScriptLine(root, ".", s)
		}
	}
	own := slices.Sorted(maps.Keys(scripts(dir)))
	if slices.Contains(own, "build") {
		return nodepkg.ScriptLine(root, dir, "build")
	}
	for _, s := range own {
		if strings.HasPrefix(s, "build:") {
			return nodepkg.ScriptLine(root, dir, s)
		}
	}
	return ""
}

// buildsPackages are the words after build: of a root script that builds
// a workspace's packages.
var buildsPackages = map[string]bool{"packages": true, "workspace": true, "workspaces": true, "libs": true, "deps": true}

// fromUnbuilt reports an error in an unbuilt package's files, or one
// that finds no module where an unbuilt package is imported.
func fromUnbuilt(d Diagnostic, unbuilt []workspaceDep) bool {
	for _, u := range unbuilt {
		if !u.self && strings.HasPrefix(d.File, u.dir+"/") {
			return true
		}
		if m := missingModule.FindStringSubmatch(d.Message); m != nil && u.name != "" && (m[1] == u.name || strings.HasPrefix(m[1], u.name+"/")) {
			return true
		}
	}
	return false
}

// byPackage splits the errors in files of the repository's other packages
// (by their directory) from the project's own diagnostics.
func (p *Project) byPackage(diags []Diagnostic) (own []Diagnostic, others map[string]int) {
	for _, d := range diags {
		if d.Category == "error" {
			if q := p.packageOf(d.File); q != "" {
				if others == nil {
					others = map[string]int{}
				}
				others[q]++
				continue
			}
		}
		own = append(own, d)
	}
	return own, others
}

// packageOf is the directory of the other workspace package file lies
// in, when a project of its own checks it; "" for none (a package read
// only from its dependents' checks keeps its errors at their lines).
func (p *Project) packageOf(file string) string {
	best := ""
	for _, d := range p.workspace {
		if d.checked && strings.HasPrefix(file, d.dir+"/") && len(d.dir) > len(best) {
			best = d.dir
		}
	}
	return best
}

// otherPackageFindings are one finding per other package with errors, at
// the project's configuration.
func (p *Project) otherPackageFindings(others map[string]int) []model.Finding {
	var out []model.Finding
	for _, dir := range slices.Sorted(maps.Keys(others)) {
		f := RuleOtherPackageErrors.Finding(p.configPath(), 0, 0, fmt.Sprintf("tsc reports %d errors in %s's files, read under this configuration; that package's own check is its own collector's", others[dir], dir))
		f.Collector, f.Domain = p.id, Domain
		out = append(out, f)
	}
	model.AssignIDs(out)
	return out
}
