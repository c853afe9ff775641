package app

import (
	"context"
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/preflight-dev/preflight/collectors/nodepkg"
	"github.com/preflight-dev/preflight/ignore"
	"github.com/preflight-dev/preflight/internal/repofs"
	"github.com/preflight-dev/preflight/model"
)

// ChangedSince is the plan of `check --changed-since REV`.
func ChangedSince(rev string) Plan {
	return func(ctx context.Context, s *Session) ([]string, func(model.Snapshot) model.Snapshot, error) {
		p, err := planChanged(ctx, s, rev)
		if err != nil {
			return nil, nil, err
		}
		return p.ids(s.engine.IDs()), p.markNotRun, nil
	}
}

// changedPlan is what `check --changed-since REV` runs: the collectors
// whose inputs changed since REV, and those of the packages and modules of
// the repository that depend on a changed one. The others are reported as
// not run, never as passing.
type changedPlan struct {
	rev    string
	commit string
	run    map[string]bool
}

func planChanged(ctx context.Context, s *Session, rev string) (changedPlan, error) {
	commit, err := gitLine(ctx, s.root, "rev-parse", "--verify", "--quiet", rev+"^{commit}")
	if err != nil || commit == "" {
		return changedPlan{}, baseError{fmt.Sprintf("--changed-since %s: no such revision in %s (fetch it first: git fetch origin %s)", rev, s.root, rev)}
	}
	changed, err := changedSince(ctx, s.root, commit, s.cacheRel)
	if err != nil {
		return changedPlan{}, err
	}
	files, _ := ignore.ListFiles(s.root, s.matcher)
	paths := append(slices.Clone(changed), dependents(s.root, files, changed)...)
	p := changedPlan{rev: rev, commit: commit, run: map[string]bool{}}
	for _, f := range paths {
		for _, id := range s.engine.Affected(f) {
			p.run[id] = true
		}
	}
	return p, nil
}

// ids lists the collectors to run, in the engine's order.
func (p changedPlan) ids(all []string) []string {
	var out []string
	for _, id := range all {
		if p.run[id] {
			out = append(out, id)
		}
	}
	return out
}

// markNotRun reports every collector outside the plan as not run.
func (p changedPlan) markNotRun(snap model.Snapshot) model.Snapshot {
	for i := range snap.Collectors {
		c := &snap.Collectors[i]
		if p.run[c.Collector] {
			continue
		}
		c.Result = model.Result{Collector: c.Collector, Kind: c.Kind, Domain: c.Domain, Status: model.StatusSkipped, ExitCode: -1,
			Error: "not run: none of its inputs changed since " + p.rev + " (" + short(p.commit) + ")"}
		c.Stale = false
	}
	return snap
}

// dependents names a manifest of every package and module of the
// repository that depends, directly or not, on one holding a changed
// file: npm, pnpm and yarn workspaces by package name, Go modules by a
// require of a module of the repository or a replace with a local path.
// A change to a library reruns the checks of what uses it.
func dependents(root string, files, changed []string) []string {
	var out []string
	pkgs := nodepkg.Packages(root, files)
	pkgDirs := make([]string, 0, len(pkgs))
	for _, p := range pkgs {
		pkgDirs = append(pkgDirs, p.Dir)
	}
	touched := touchedDirs(changed, pkgDirs)
	for _, p := range pkgs {
		if touched[p.Dir] {
			continue
		}
		for _, d := range nodepkg.DependencyDirs(p, pkgs) {
			if touched[d] {
				out = append(out, path.Join(p.Dir, "package.json"))
				break
			}
		}
	}
	mods := goModules(root, files)
	modDirs := make([]string, 0, len(mods))
	for dir := range mods {
		modDirs = append(modDirs, dir)
	}
	touched = touchedDirs(changed, modDirs)
	for _, dir := range slices.Sorted(slices.Values(modDirs)) {
		if !touched[dir] && dependsOnTouched(dir, mods, touched, map[string]bool{}) {
			out = append(out, path.Join(dir, "go.mod"))
		}
	}
	return out
}

// touchedDirs is the set of dirs that hold a changed path: for each path,
// the deepest of dirs it lies in.
func touchedDirs(changed, dirs []string) map[string]bool {
	touched := map[string]bool{}
	for _, f := range changed {
		best, depth := "", -1
		for _, d := range dirs {
			switch {
			case d == "." && depth < 0:
				best, depth = d, 0
			case d != "." && strings.HasPrefix(f, d+"/") && len(d) > depth:
				best, depth = d, len(d)
			}
		}
		if depth >= 0 {
			touched[best] = true
		}
	}
	return touched
}

// goModule is a go.mod of the repository: its path and the directories of
// the repository's modules it depends on.
type goModule struct {
	path string
	deps []string // module directories, repo-relative
}

func goModules(root string, files []string) map[string]goModule {
	type parsed struct {
		dir string
		f   *modfile.File
	}
	var all []parsed
	byPath := map[string]string{}
	for _, f := range files {
		if path.Base(f) != "go.mod" || nodepkg.InNodeModules(f) {
			continue
		}
		data, err := repofs.ReadFile(root, filepath.FromSlash(f))
		if err != nil {
			continue
		}
		mf, err := modfile.ParseLax(f, data, nil)
		if err != nil || mf.Module == nil {
			continue
		}
		all = append(all, parsed{path.Dir(f), mf})
		byPath[mf.Module.Mod.Path] = path.Dir(f)
	}
	mods := map[string]goModule{}
	for _, p := range all {
		m := goModule{path: p.f.Module.Mod.Path}
		for _, r := range p.f.Require {
			if dir, ok := byPath[r.Mod.Path]; ok {
				m.deps = append(m.deps, dir)
			}
		}
		for _, r := range p.f.Replace {
			if r.New.Version == "" && (strings.HasPrefix(r.New.Path, "./") || strings.HasPrefix(r.New.Path, "../")) {
				m.deps = append(m.deps, path.Clean(path.Join(p.dir, r.New.Path)))
			}
		}
		mods[p.dir] = m
	}
	return mods
}

func dependsOnTouched(dir string, mods map[string]goModule, touched, seen map[string]bool) bool {
	if seen[dir] {
		return false
	}
	seen[dir] = true
	for _, d := range mods[dir].deps {
		if touched[d] || dependsOnTouched(d, mods, touched, seen) {
			return true
		}
	}
	return false
}
