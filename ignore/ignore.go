// Package ignore decides which paths preflight neither watches nor scans.
//
// The rules, in order:
//
//  1. Version-control metadata and dependency trees (AlwaysIgnored:
//     .git, node_modules, …) are always left out, even when committed:
//     tools resolve them on their own and nobody edits them by hand.
//  2. Paths matching Options.Extra (preflight.yaml) are left out, even when
//     git tracks them: the user asked for it explicitly.
//  3. A file git tracks is never ignored, as in git itself, and a directory
//     holding tracked files is always walked.
//  4. Otherwise git's own rules decide: every .gitignore in the tree (and
//     those above the root up to the work tree's top) applies to its own
//     subtree, deeper files first, then .git/info/exclude. Negation,
//     directory-only patterns and "a path inside an ignored directory stays
//     ignored" work as in git. The user's global excludes file is not read,
//     so that every machine and CI see the same set of files.
//  5. Last and weakest, directories named like common build and cache
//     outputs (BuildOutputs: dist, build, target, …) are left out; a
//     .gitignore line such as "!build/" brings one back.
//
// vendor/ is not in either list: Go builds read it, and ecosystems whose
// vendor/ is generated ignore it in their .gitignore anyway.
package ignore

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/preflight-dev/preflight/internal/repofs"
)

// AlwaysIgnored are directory names never watched nor scanned.
var AlwaysIgnored = []string{".git", ".hg", ".svn", ".jj", "node_modules"}

// BuildOutputs are directory names of common build and cache outputs, left
// out unless git tracks files inside them or a .gitignore re-includes them.
var BuildOutputs = []string{
	"dist", "build", "out", "target", "coverage",
	".next", ".nuxt", ".svelte-kit", ".turbo", ".parcel-cache", ".cache", ".nyc_output",
	".gradle", ".terraform",
	"__pycache__", ".pytest_cache", ".mypy_cache", ".tox", ".venv",
}

// Options tunes a Matcher beyond what the repository's ignore files say.
type Options struct {
	// Extra are doublestar globs relative to the root (e.g. "fixtures/**",
	// "**/*.snap"). A directory that matches is left out with everything
	// in it. Extra wins over git tracking.
	Extra []string
	// NoBuildOutputs turns off the BuildOutputs names, leaving git's view.
	NoBuildOutputs bool
}

// Matcher answers whether a path is ignored. It is safe for concurrent use.
// It reads .gitignore files lazily, as the directories holding them are
// first asked about, so loading costs nothing for parts of the tree that
// are never visited (such as node_modules).
type Matcher struct {
	root  string // absolute
	opts  Options
	hard  map[string]bool
	soft  map[string]bool
	extra []string

	// outer are the lists that apply from outside the root: .gitignore files
	// of the root's ancestors within the work tree, closest first, then
	// .git/info/exclude. Each carries the path from its directory to root.
	outer []outerList

	mu    sync.RWMutex
	lists map[string]patternList // by repo-relative dir ("." for root); nil: no .gitignore

	tracked trackedSet // what git tracks, repo-relative
}

type outerList struct {
	prefix string // path from the list's directory down to root, "" when it is root
	list   patternList
}

// Load builds the Matcher for root with default options.
func Load(root string) (*Matcher, error) { return LoadWithOptions(root, Options{}) }

// LoadWithOptions builds the Matcher for root. It fails only when root is
// not a readable directory or an Extra glob is malformed; a missing git, or a
// root that is not in a git work tree, just means no tracked-file rule.
func LoadWithOptions(root string, o Options) (*Matcher, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(abs)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", root)
	}
	for _, g := range o.Extra {
		if !doublestar.ValidatePattern(g) {
			return nil, fmt.Errorf("ignore pattern %q is not a valid glob", g)
		}
	}
	m := &Matcher{
		root:  abs,
		opts:  o,
		hard:  make(map[string]bool),
		soft:  make(map[string]bool),
		extra: append([]string(nil), o.Extra...),
		lists: make(map[string]patternList),
	}
	for _, n := range AlwaysIgnored {
		m.hard[n] = true
	}
	if !o.NoBuildOutputs {
		for _, n := range BuildOutputs {
			m.soft[n] = true
		}
	}

	// git reports the top with symlinks resolved; compare like with like.
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		real = abs
	}
	repo := findRepo(real)
	if repo.top != "" {
		m.loadOuter(real, repo)
	}
	if repo.git {
		m.tracked = trackedFiles(abs)
	}
	m.lists["."] = readList(abs, filepath.Join(abs, ".gitignore"))
	return m, nil
}

// loadOuter reads the ignore files that apply to root from above it.
func (m *Matcher) loadOuter(root string, r repoInfo) {
	rel, err := filepath.Rel(r.top, root)
	if err != nil || strings.HasPrefix(rel, "..") {
		return
	}
	rel = filepath.ToSlash(rel)
	if rel != "." {
		// Ancestors of root, closest first; root's own .gitignore is an
		// inner list.
		parts := strings.Split(rel, "/")
		for i := len(parts) - 1; i >= 0; i-- {
			dir := filepath.Join(append([]string{r.top}, parts[:i]...)...)
			l := readList(r.top, filepath.Join(dir, ".gitignore"))
			if len(l) > 0 {
				m.outer = append(m.outer, outerList{prefix: strings.Join(parts[i:], "/"), list: l})
			}
		}
	}
	if r.exclude != "" {
		if l := readList(filepath.Dir(r.exclude), r.exclude); len(l) > 0 {
			prefix := rel
			if prefix == "." {
				prefix = ""
			}
			m.outer = append(m.outer, outerList{prefix: prefix, list: l})
		}
	}
}

// readList reads an ignore file that is a regular file inside root; a
// FIFO, a device or a link out of the repository is no list at all.
func readList(root, file string) patternList {
	b, err := repofs.ReadFile(root, file)
	if err != nil {
		return nil
	}
	return parseList(string(b))
}

// Root is the absolute directory the Matcher was loaded for.
func (m *Matcher) Root() string { return m.root }

// Options are the options the Matcher was loaded with.
func (m *Matcher) Options() Options { return m.opts }

// Reload builds a fresh Matcher for the same root and options, re-reading
// every ignore file and the tracked set.
func (m *Matcher) Reload() (*Matcher, error) { return LoadWithOptions(m.root, m.opts) }

// Ignored reports whether rel (repo-relative, forward slashes) is left out.
// A path inside an ignored directory is ignored too.
func (m *Matcher) Ignored(rel string, isDir bool) bool {
	rel = cleanRel(rel)
	if rel == "." {
		return false
	}
	parts := strings.Split(rel, "/")
	for _, p := range parts {
		if m.hard[p] {
			return true
		}
	}
	for i := 1; i <= len(parts); i++ {
		if m.extraMatch(strings.Join(parts[:i], "/")) {
			return true
		}
	}
	if m.isTracked(rel, isDir) {
		return false
	}
	for i := 1; i < len(parts); i++ {
		if m.byRules(strings.Join(parts[:i], "/"), true) {
			return true
		}
	}
	return m.byRules(rel, isDir)
}

// decide is Ignored for a walk, where every ancestor of rel has already been
// decided: parentByRules says an ancestor is excluded by the rules and is
// only walked because it holds tracked files. byRules is returned so the walk
// can pass it down.
func (m *Matcher) decide(rel, name string, isDir, parentByRules bool) (ignored, byRules bool) {
	if m.hard[name] || m.extraMatch(rel) {
		return true, true
	}
	byRules = parentByRules || m.byRules(rel, isDir)
	if byRules && !m.isTracked(rel, isDir) {
		return true, true
	}
	return false, byRules
}

func (m *Matcher) extraMatch(rel string) bool {
	for _, g := range m.extra {
		if ok, _ := doublestar.Match(g, rel); ok {
			return true
		}
	}
	return false
}

func (m *Matcher) isTracked(rel string, isDir bool) bool {
	if isDir && m.tracked.hasDir(rel) {
		return true
	}
	// A file, or a submodule: git lists it as one tracked entry.
	return m.tracked.hasFile(rel)
}

// OutputOnly reports a directory left out for its build-output name alone
// (BuildOutputs: coverage/, dist/ …): no ignore file excludes it, so the
// project's own tools, which do not know preflight's names, see it (ESLint
// lints an unignored coverage/).
func (m *Matcher) OutputOnly(rel string) bool {
	rel = cleanRel(rel)
	if rel == "." || !m.soft[path.Base(rel)] || m.extraMatch(rel) {
		return false
	}
	if dir := path.Dir(rel); dir != "." && m.Ignored(dir, true) {
		return false
	}
	_, decided := m.byIgnoreFiles(rel, true)
	return !decided
}

// byRules applies the ignore files and build-output names to rel itself,
// not its ancestors: the first list that has a matching line decides,
// deepest .gitignore first.
func (m *Matcher) byRules(rel string, isDir bool) bool {
	if ignored, decided := m.byIgnoreFiles(rel, isDir); decided {
		return ignored
	}
	return isDir && m.soft[path.Base(rel)]
}

// byIgnoreFiles is what the ignore files say of rel itself; decided is
// false when no line matches it.
func (m *Matcher) byIgnoreFiles(rel string, isDir bool) (ignored, decided bool) {
	name := path.Base(rel)
	dir := path.Dir(rel)
	for {
		if l := m.listFor(dir); l != nil {
			sub := rel
			if dir != "." {
				sub = rel[len(dir)+1:]
			}
			if ignored, ok := l.decide(sub, name, isDir); ok {
				return ignored, true
			}
		}
		if dir == "." {
			break
		}
		dir = path.Dir(dir)
	}
	for _, o := range m.outer {
		sub := rel
		if o.prefix != "" {
			sub = o.prefix + "/" + rel
		}
		if ignored, ok := o.list.decide(sub, name, isDir); ok {
			return ignored, true
		}
	}
	return false, false
}

// listFor returns the patterns of dir/.gitignore, reading it on first use.
func (m *Matcher) listFor(dir string) patternList {
	m.mu.RLock()
	l, ok := m.lists[dir]
	m.mu.RUnlock()
	if ok {
		return l
	}
	l = readList(m.root, filepath.Join(m.root, filepath.FromSlash(dir), ".gitignore"))
	m.setList(dir, l)
	return l
}

func (m *Matcher) setList(dir string, l patternList) {
	m.mu.Lock()
	m.lists[dir] = l
	m.mu.Unlock()
}

// noteDir lets a walk that has listed dir say whether it holds a .gitignore,
// sparing a failed open per directory in the common case.
func (m *Matcher) noteDir(dir string, hasGitignore bool) {
	m.mu.RLock()
	_, ok := m.lists[dir]
	m.mu.RUnlock()
	if ok {
		return
	}
	if !hasGitignore {
		m.setList(dir, nil)
		return
	}
	m.listFor(dir)
}

func cleanRel(rel string) string {
	return strings.TrimPrefix(path.Clean(filepath.ToSlash(rel)), "/")
}
