package typescript

import (
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/nodepkg"
)

// Detect returns one collector per directory that holds a tsconfig.json,
// which is what `tsc -p DIR` checks, whether or not the repository declares
// npm workspaces. files are the repository's non-ignored files, repo-relative
// with forward slashes; anything inside node_modules is skipped regardless.
// A solution-style tsconfig ("files": [] plus references) only groups other
// projects and is not one itself; a tsconfig that cannot be parsed still is
// (tsc will say what is wrong with it). Nor is a tsconfig inside a package
// (below the directory of a package.json) that leaves its inputs to tsc's
// default while no source file lies below it: the scaffold a project
// generator ships, whose sources are written when a project is created;
// tsc has nothing there to check.
func Detect(root string, files []string) []collectors.Collector {
	configs := map[string][]string{} // dir -> tsconfig*.json names in it
	tsBelow, jsBelow := map[string]bool{}, map[string]bool{}
	packages := map[string]bool{} // directories with a package.json
	angular := map[string]bool{}  // directories with an angular.json
	for _, f := range files {
		f = path.Clean(f)
		if inNodeModules(f) {
			continue
		}
		dir, name := path.Dir(f), path.Base(f)
		if strings.HasPrefix(name, "tsconfig") && strings.HasSuffix(name, ".json") {
			configs[dir] = append(configs[dir], name)
		}
		if name == "package.json" {
			packages[dir] = true
		}
		if name == "angular.json" {
			angular[dir] = true
		}
		switch path.Ext(name) {
		case ".ts", ".tsx", ".mts", ".cts":
			markAncestors(tsBelow, dir)
		case ".js", ".jsx", ".mjs", ".cjs":
			markAncestors(jsBelow, dir)
		}
	}

	var projects []*Project
	// addReferenced makes projects of the config files another names (a
	// solution-style tsconfig's references, angular.json's targets); a
	// directory's tsconfig.json is that directory's own project, found on
	// its own. It reports whether it added any.
	addReferenced := func(paths []string) bool {
		added := false
		for _, c := range paths {
			if d, n := path.Dir(c), path.Base(c); n != "tsconfig.json" && slices.Contains(configs[d], n) {
				projects = append(projects, referenced(root, d, n))
				added = true
			}
		}
		return added
	}
	for dir, names := range configs {
		if !slices.Contains(names, "tsconfig.json") {
			continue
		}
		// An Angular CLI workspace: tsconfig.json is the base its builds
		// extend; the configs angular.json builds and tests with are the
		// projects (tsc on the base would load every @types package and
		// check what no build compiles).
		if angular[dir] && addReferenced(angularConfigs(root, dir)) {
			continue
		}
		p := &Project{root: root, dir: dir}
		cfg, err := readTsconfig(root, filepath.Join(root, filepath.FromSlash(dir), "tsconfig.json"))
		if err == nil {
			if cfg.solutionStyle() {
				// What it groups is checked: a reference to a directory is
				// that directory's tsconfig.json; one to a file
				// (./tsconfig.app.json) is a project here.
				refs := cfg.referencedFiles(dir)
				addReferenced(refs)
				// A config a framework generates is ignored, so the walk
				// never lists it (Nuxt 4: .nuxt/tsconfig.app.json); it is
				// a project all the same, or the app's code would go
				// unchecked and read green.
				for _, c := range refs {
					if _, _, generated := generator(c); generated && !slices.Contains(configs[path.Dir(c)], path.Base(c)) {
						g := referenced(root, path.Dir(c), path.Base(c))
						g.solution = dir
						projects = append(projects, g)
					}
				}
				continue
			}
			if insidePackage(packages, dir) && !tsBelow[dir] {
				if defaults, allowJs := cfg.defaultInputs(root, dir); defaults && !(allowJs && jsBelow[dir]) {
					continue
				}
			}
			p.extends = cfg.extendedInRepo(dir)
			p.named = cfg.named(dir)
		}
		for _, n := range names {
			if n != "tsconfig.json" {
				p.variants = append(p.variants, path.Join(dir, n))
			}
		}
		sort.Strings(p.variants)
		projects = append(projects, p)
	}
	sort.Slice(projects, func(i, j int) bool { return projects[i].dir < projects[j].dir })
	nameProjects(projects)
	withDependencies(root, files, projects)

	out := make([]collectors.Collector, len(projects))
	for i, p := range projects {
		out[i] = p
	}
	return out
}

// withDependencies gives each project the inputs of the repository's
// packages its package depends on (a workspace's @acme/db): tsc reads their
// sources, or the declaration files their package.json points to, which
// are often build output git ignores (dist/schema.d.ts), so a change there
// is a change of the project's check.
func withDependencies(root string, files []string, projects []*Project) {
	pkgs := nodepkg.Packages(root, files)
	byDir := map[string]nodepkg.Package{}
	for _, pkg := range pkgs {
		byDir[pkg.Dir] = pkg
	}
	types := map[string][]string{} // a dependency's declaration files, read once
	checked := map[string]bool{}   // package directories a project of their own checks
	for _, p := range projects {
		checked[p.dir] = true
	}
	for _, p := range projects {
		owner, ok := byDir[p.dir]
		for d := p.dir; !ok && d != "." && d != "/"; {
			d = path.Dir(d)
			owner, ok = byDir[d]
		}
		if !ok {
			continue
		}
		typesOf := func(dir string) []string {
			if _, ok := types[dir]; !ok {
				types[dir] = nodepkg.TypesEntries(root, dir)
			}
			return types[dir]
		}
		// A package may import itself by name (h3's "link:." resolution,
		// or its exports): its own declarations, built and ignored, are
		// read then, as its dependencies' are. Those beside a package.json
		// are among the sources already.
		for _, dep := range append(nodepkg.DependencyDirs(owner, pkgs), owner.Dir) {
			if dep != owner.Dir {
				p.deps = append(p.deps, nodepkg.Glob(dep, "**/*.{ts,tsx,mts,cts,json,vue}"))
			}
			for _, t := range typesOf(dep) {
				if d := path.Dir(t); d != dep {
					p.typesDirs = append(p.typesDirs, d)
				}
			}
		}
		slices.Sort(p.typesDirs)
		p.typesDirs = slices.Compact(p.typesDirs)
		for _, d := range p.typesDirs {
			p.deps = append(p.deps, nodepkg.Glob(d, "**/*.d.{ts,mts,cts}"))
		}
		slices.Sort(p.deps)
		p.deps = slices.Compact(p.deps)
		if owner.Err == nil {
			p.self = workspaceDep{dir: owner.Dir, name: owner.Manifest.Name, types: typesOf(owner.Dir), self: true}
		}
		// Every other package of the repository outside the project, which
		// an import may reach whether or not the package declares it (a
		// hoisted workspace link): see unbuiltDependencies.
		for _, q := range pkgs {
			if q.Err == nil && !within(q.Dir, p.dir) && !within(p.dir, q.Dir) {
				p.workspace = append(p.workspace, workspaceDep{dir: q.Dir, name: q.Manifest.Name, types: typesOf(q.Dir), checked: checked[q.Dir]})
			}
		}
	}
}

// within reports whether repo-relative dir is parent or below it.
func within(dir, parent string) bool {
	return parent == "." || dir == parent || strings.HasPrefix(dir, parent+"/")
}

// angularConfigs are the tsconfig files the targets of an angular.json in
// dir build and test with (options.tsConfig), repo-relative and sorted:
// what ng build and ng test compile. None without an angular.json.
func angularConfigs(root, dir string) []string {
	var out []string
	for _, t := range nodepkg.AngularTargets(root, dir) {
		if c := t.TsConfig; c != "" && !path.IsAbs(c) {
			if rel := path.Join(dir, c); rel != ".." && !strings.HasPrefix(rel, "../") && !slices.Contains(out, rel) {
				out = append(out, rel)
			}
		}
	}
	slices.Sort(out)
	return out
}

// referenced is the project of a config file a solution-style tsconfig
// names: checked with it (tsc -p web/tsconfig.app.json).
func referenced(root, dir, config string) *Project {
	p := &Project{root: root, dir: dir, config: config}
	if cfg, err := readTsconfig(root, filepath.Join(root, filepath.FromSlash(dir), config)); err == nil {
		p.extends = cfg.extendedInRepo(dir)
		p.named = cfg.named(dir)
	}
	return p
}

// nameProjects sets each project's id from its directory's base name, which
// is what people call a package ("backend"), or its path when two share a
// base name (see collectors.TargetNames).
func nameProjects(projects []*Project) {
	dirs := make([]string, len(projects))
	for i, p := range projects {
		dirs[i] = p.target()
	}
	names := collectors.TargetNames(dirs)
	for _, p := range projects {
		p.id = Kind + ":" + names[p.target()]
	}
}

// insidePackage reports whether a directory above dir holds a package.json.
func insidePackage(packages map[string]bool, dir string) bool {
	for dir != "." && dir != "/" {
		dir = path.Dir(dir)
		if packages[dir] {
			return true
		}
	}
	return false
}

// markAncestors marks dir and every directory above it.
func markAncestors(marked map[string]bool, dir string) {
	for !marked[dir] {
		marked[dir] = true
		if dir == "." || dir == "/" {
			return
		}
		dir = path.Dir(dir)
	}
}

func inNodeModules(p string) bool {
	for _, seg := range strings.Split(p, "/") {
		if seg == "node_modules" {
			return true
		}
	}
	return false
}
