package jstest

import (
	"encoding/json"
	"maps"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/nodepkg"
	"github.com/preflight-dev/preflight/internal/repofs"
)

// Config files by runner, matched on the base name.
var configFile = map[string]*regexp.Regexp{
	KindVitest: regexp.MustCompile(`^vitest\.(config|workspace)\.[cm]?[jt]s$`),
	KindJest:   regexp.MustCompile(`^jest\.config\.([cm]?[jt]s|json)$`),
}

// Detect returns a Vitest and/or a Jest collector for every npm package
// (a directory with a package.json, outside node_modules) that uses the
// runner: a runner config file beside package.json, the runner in its
// dependencies, an npm script that invokes it, or (Jest) a "jest" key in
// package.json.
//
// A workspace root is the exception for dependencies: monorepos list the
// runner at the root so it is hoisted for every workspace, and running it
// there as well would count every workspace's tests twice. A workspace
// root is therefore tested only when it has its own config file or script.
func Detect(root string, files []string) []collectors.Collector {
	configs := map[string]map[string]string{} // kind -> dir -> first config file
	for _, f := range files {
		if nodepkg.InNodeModules(f) {
			continue
		}
		for kind, re := range configFile {
			if re.MatchString(path.Base(f)) {
				if configs[kind] == nil {
					configs[kind] = map[string]string{}
				}
				if _, seen := configs[kind][path.Dir(f)]; !seen {
					configs[kind][path.Dir(f)] = f
				}
			}
		}
	}
	pkgs := nodepkg.Packages(root, files)
	covering, unused := coveringRuns(root, configs, pkgs)

	var found []*Collector
	for _, p := range pkgs {
		for _, kind := range []string{KindVitest, KindJest} {
			config := configs[kind][p.Dir]
			launcher, launchScript := "", ""
			if kind == KindJest {
				launcher, launchScript = jestLauncher(p.Manifest)
			}
			if !usesRunner(kind, p, config != "") && launcher == "" || coveredBy(covering[kind], p.Dir) || unused[kind][p.Dir] {
				continue
			}
			c := &Collector{
				run:         runners[kind],
				dir:         p.Dir,
				config:      config,
				testScript:  p.Manifest.Scripts["test"] != "",
				script:      p.Manifest.ScriptUsing(kind),
				nodeOptions: p.Manifest.NodeOptions(kind),
				declared:    nodepkg.Declares(p, pkgs, kind),
				deps:        nodepkg.DependencyDirs(p, pkgs),
				name:        p.Manifest.Name,
			}
			c.builtEntries = builtEntryDirs(root, append([]string{p.Dir}, c.deps...))
			if launcher != "" {
				c.launcher, c.script, c.declared = launcher, launchScript, nodepkg.Declares(p, pkgs, launcher)
			}
			c.manifestLine = manifestLine(root, c, p.Manifest.Keys["jest"])
			c.otherConfigs = otherConfigs(p.Manifest, kind, c.script)
			found = append(found, c)
		}
	}
	nameCollectors(root, found)
	sort.Slice(found, func(i, j int) bool { return found[i].id < found[j].id })
	out := make([]collectors.Collector, len(found))
	for i, c := range found {
		out[i] = c
	}
	return out
}

// manifestLine is where package.json sets the runner up, for findings
// about the whole run: Jest's "jest" key, else the script that runs the
// runner, else the test script.
func manifestLine(root string, c *Collector, jestKey bool) int {
	manifest := path.Join(c.dir, "package.json")
	switch {
	case c.run.kind == KindJest && jestKey:
		return nodepkg.KeyLine(root, manifest, "jest")
	case c.script != "":
		return nodepkg.KeyLine(root, manifest, "scripts", c.script)
	case c.testScript:
		return nodepkg.KeyLine(root, manifest, "scripts", "test")
	}
	return 0
}

// launchers run Jest with a configuration of their own: Create React
// App's `react-scripts test` and the tools that patch its configuration.
// A project tested through one is tested through it: bare jest would lack
// the transforms and setup the launcher adds, and fail on every import.
var launchers = []string{"react-scripts", "craco", "react-app-rewired"}

// jestLauncher is the launcher the package's scripts test with, and the
// script that does.
func jestLauncher(m nodepkg.Manifest) (launcher, script string) {
	for _, l := range launchers {
		if s := m.ScriptRunning(l, "test"); s != "" {
			return l, s
		}
	}
	return "", ""
}

func usesRunner(kind string, p nodepkg.Package, hasConfig bool) bool {
	m := p.Manifest
	switch {
	case hasConfig:
		return true
	case p.Err != nil:
		return false
	case m.ScriptRuns(kind):
		return true
	case kind == KindJest && m.Keys["jest"]:
		return true
	}
	return m.HasDependency(kind) && !m.IsWorkspaceRoot()
}

// nameCollectors gives ids per runner: vitest:web, jest:api; packages
// sharing a base name are told apart by their path.
func nameCollectors(root string, cs []*Collector) {
	byKind := map[string][]string{}
	for _, c := range cs {
		byKind[c.run.kind] = append(byKind[c.run.kind], c.dir)
	}
	names := map[string]map[string]string{}
	for kind, dirs := range byKind {
		names[kind] = collectors.TargetNames(dirs)
	}
	for _, c := range cs {
		c.id = c.run.kind + ":" + names[c.run.kind][c.dir]
	}
}

// projectsKey matches the option that makes one run cover several
// projects: Vitest's test.projects (and its older workspace file), Jest's
// projects.
var projectsKey = regexp.MustCompile(`(?m)^\s*["']?projects["']?\s*:`)

// coveringRuns finds, per runner, the package directories whose own run
// covers the packages below them: a Vitest config with test.projects or a
// vitest.workspace file, a Jest config (or package.json "jest") with
// projects. The project itself runs its tests once from there, so
// preflight does too.
//
// Unless the project does not: when no script of that package runs the
// runner while packages below it run it from their own scripts (nx, turbo
// or pnpm -r run each package's tests), the projects list is there for an
// editor, and the project's runs are the packages' own. The directory is
// then returned in unused, and gets no run of its own either.
func coveringRuns(root string, configs map[string]map[string]string, pkgs []nodepkg.Package) (covering map[string][]string, unused map[string]map[string]bool) {
	candidates := map[string][]string{}
	for kind, byDir := range configs {
		for dir, file := range byDir {
			if strings.Contains(path.Base(file), ".workspace.") {
				candidates[kind] = append(candidates[kind], dir)
				continue
			}
			if data, err := repofs.ReadFile(root, filepath.FromSlash(file)); err == nil && projectsKey.Match(data) {
				candidates[kind] = append(candidates[kind], dir)
			}
		}
	}
	for _, p := range pkgs {
		if p.Err == nil && p.Manifest.Keys["jest"] {
			if data, err := repofs.ReadFile(root, filepath.FromSlash(path.Join(p.Dir, "package.json"))); err == nil && jestProjects(data) {
				candidates[KindJest] = append(candidates[KindJest], p.Dir)
			}
		}
	}
	covering = map[string][]string{}
	unused = map[string]map[string]bool{}
	for kind, dirs := range candidates {
		for _, dir := range dirs {
			if runsItself(kind, dir, pkgs) {
				covering[kind] = append(covering[kind], dir)
				continue
			}
			if unused[kind] == nil {
				unused[kind] = map[string]bool{}
			}
			unused[kind][dir] = true
		}
	}
	return covering, unused
}

// runsItself reports whether the project runs the covering config in dir:
// a script of the package there runs the runner, or no package below it
// runs the runner from a script of its own.
func runsItself(kind, dir string, pkgs []nodepkg.Package) bool {
	below := false
	for _, p := range pkgs {
		if p.Err != nil || !p.Manifest.ScriptRuns(kind) {
			continue
		}
		if p.Dir == dir {
			return true
		}
		if coveredBy([]string{dir}, p.Dir) {
			below = true
		}
	}
	return !below
}

func jestProjects(pkgJSON []byte) bool {
	var m struct {
		Jest struct {
			Projects []json.RawMessage `json:"projects"`
		} `json:"jest"`
	}
	return json.Unmarshal(pkgJSON, &m) == nil && len(m.Jest.Projects) > 0
}

// coveredBy reports whether dir lies strictly below one of the covering
// directories.
func coveredBy(covering []string, dir string) bool {
	for _, c := range covering {
		if c != dir && (c == "." || strings.HasPrefix(dir, c+"/")) {
			return true
		}
	}
	return false
}

// configArg is a runner's --config (or -c) argument in a script.
var configArg = regexp.MustCompile(`(?:^|\s)(?:--config|-c)(?:=|\s+)["']?([^\s"'&|;]+)`)

// otherConfigs are the scripts other than runs (the one the collector
// runs as) that run the runner with a config of their own (jest --config
// ./test/jest-e2e.json), as "name (config)": runs the collector does not
// make.
func otherConfigs(m nodepkg.Manifest, kind, runs string) []string {
	names := slices.Sorted(maps.Keys(m.Scripts))
	var out []string
	for _, name := range names {
		body := m.Scripts[name]
		if name == runs || !(nodepkg.Manifest{Scripts: map[string]string{name: body}}).ScriptRuns(kind) {
			continue
		}
		if arg := configArg.FindStringSubmatch(body); arg != nil {
			out = append(out, name+" ("+arg[1]+")")
		}
	}
	return out
}

// builtEntryDirs are the directories, below the packages in dirs, that
// hold what the packages give whoever imports them (dist/ of main,
// exports): build output git ignores, which the tests import all the same
// — a dependency's, or the package's own when it imports itself by name
// (h3's "link:." resolution).
func builtEntryDirs(root string, dirs []string) []string {
	var out []string
	for _, d := range dirs {
		for _, e := range nodepkg.Entries(root, d) {
			if dir := path.Dir(e); dir != d && !nodepkg.InNodeModules(dir) && !slices.Contains(out, dir) {
				out = append(out, dir)
			}
		}
	}
	slices.Sort(out)
	return out
}
