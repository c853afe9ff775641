// Package golang collects evidence from the Go toolchain: one pair of
// collectors per go.mod. The build collector runs `go build` and `go vet`
// (domain build); the test collector runs `go test -json` (domain tests).
//
// Running and parsing are kept apart: the Parse functions turn captured tool
// output into findings and never touch the file system, so they can be
// table-tested on real output and fuzzed.
package golang

import (
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/repofs"
)

// InstallHint is shown when the go command is not on PATH.
const InstallHint = "install Go: https://go.dev/dl/"

// Detect returns a build and a test collector for every Go module in files
// (repo-relative, forward-slash paths). Modules under vendor/ or testdata/
// are skipped, as the go command skips them when matching ./...
func Detect(root string, files []string) []collectors.Collector {
	var dirs []string
	for _, f := range files {
		if path.Base(f) != "go.mod" || collectors.NotTheProjects(f) {
			continue
		}
		dirs = append(dirs, path.Dir(f))
	}
	sort.Strings(dirs)
	names := collectors.TargetNames(dirs)
	var out []collectors.Collector
	for _, dir := range dirs {
		m := module{dir: dir, name: names[dir], ws: WorkspaceOf(root, dir), embeds: &embeds{root: root, dir: dir}, nodeDirs: nodeDirs(dir, files)}
		out = append(out, &BuildCollector{mod: m}, &TestCollector{mod: m})
	}
	return out
}

// module is one go.mod: its repo-relative directory ("." at the root) and
// the name used in collector ids.
// moduleGroup is the run group of a module's go collectors (see
// collectors.Grouper).
func moduleGroup(m module) string { return "go:" + m.dir }

type module struct {
	dir  string
	name string
	ws   Workspace // as detected: its inputs (how go runs there is read anew each run)
	// embeds are the files its //go:embed lines name, shared by its two
	// collectors.
	embeds *embeds
	// nodeDirs are the Node packages inside it (a ui/ with its
	// package.json): their sources are another ecosystem's, which the
	// tests do not read.
	nodeDirs []string
}

// nodeDirs lists the directories below dir that hold a package.json.
func nodeDirs(dir string, files []string) []string {
	var out []string
	for _, f := range files {
		d := path.Dir(f)
		if path.Base(f) != "package.json" || collectors.NotTheProjects(f) || d == dir || dir != "." && !strings.HasPrefix(d, dir+"/") {
			continue
		}
		out = append(out, d)
	}
	return out
}

// sources are what go build compiles: Go files, and the C, C++, assembly
// and object files of cgo and assembly packages.
func (m module) sources() []string {
	return []string{m.glob("**/*.go"), m.glob("**/*.{c,h,s,S,cc,cpp,cxx,hh,hpp,hxx,m,f,F,for,f90,syso}"), m.glob("go.mod"), m.glob("go.sum")}
}

// glob prefixes a doublestar pattern with the module directory.
func (m module) glob(pattern string) string {
	if m.dir == "." {
		return pattern
	}
	return m.dir + "/" + pattern
}

func (m module) absDir(root string) string {
	return filepath.Join(root, filepath.FromSlash(m.dir))
}

// Module tells the parsers where tool output came from, so paths the tools
// print (relative to the module, absolute, or trimmed to an import path) can
// be turned into repo-relative ones.
type Module struct {
	Root string // absolute repository root
	Dir  string // absolute module directory, where the tool ran
	Path string // module path from go.mod; "" when unknown
}

// ModuleAt is the module of the go.mod in dir (absolute, inside root),
// read as a regular file inside the repository. ok is false when there is
// none to read; a go.mod without a module directive is still a module,
// whose path is unknown.
func ModuleAt(root, dir string) (m Module, ok bool) {
	m = Module{Root: root, Dir: dir}
	data, err := repofs.ReadFile(root, filepath.Join(dir, "go.mod"))
	if err != nil {
		return m, false
	}
	m.Path = ModulePath(data)
	return m, true
}

// Owns reports whether the package of this import path, as go vet -json
// names it ("example.com/shop/cart", "example.com/shop/cart [example.com/shop/cart.test]"),
// belongs to the module; any does when the module path is unknown.
func (m Module) Owns(importPath string) bool {
	pkg, _, _ := strings.Cut(importPath, " ")
	pkg = strings.TrimSuffix(pkg, "_test")
	return m.Path == "" || pkg == m.Path || strings.HasPrefix(pkg, m.Path+"/")
}

// RelFile turns a path printed by a Go tool into a repo-relative,
// forward-slash path. Paths outside the repository stay absolute.
func (m Module) RelFile(p string) string {
	if p == "" {
		return ""
	}
	p = filepath.FromSlash(p)
	switch {
	case filepath.IsAbs(p):
	case m.Path != "" && (strings.HasPrefix(filepath.ToSlash(p), m.Path+"/")):
		// -trimpath prints module-path-relative names.
		p = filepath.Join(m.Dir, strings.TrimPrefix(filepath.ToSlash(p), m.Path+"/"))
	default:
		p = filepath.Join(m.Dir, p)
	}
	rel, err := filepath.Rel(m.Root, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return filepath.ToSlash(filepath.Clean(p))
	}
	return filepath.ToSlash(rel)
}

// PackageDir returns the absolute directory of an import path inside the
// module, or "" when the path is not in it.
func (m Module) PackageDir(importPath string) string {
	if m.Path == "" {
		return ""
	}
	if importPath == m.Path {
		return m.Dir
	}
	if rest, ok := strings.CutPrefix(importPath, m.Path+"/"); ok {
		return filepath.Join(m.Dir, filepath.FromSlash(rest))
	}
	return ""
}

// ModulePath reads the module path from the contents of a go.mod file; it
// returns "" when there is no module directive.
func ModulePath(gomod []byte) string {
	for _, line := range strings.Split(string(gomod), "\n") {
		line = strings.TrimSpace(line)
		if i := strings.Index(line, "//"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		rest, ok := strings.CutPrefix(line, "module")
		if !ok || rest == "" || (rest[0] != ' ' && rest[0] != '\t' && rest[0] != '"') {
			continue
		}
		rest = strings.TrimSpace(rest)
		if len(rest) >= 2 && (rest[0] == '"' || rest[0] == '`') && rest[len(rest)-1] == rest[0] {
			rest = rest[1 : len(rest)-1]
		}
		if rest == "" || strings.ContainsAny(rest, " \t\"`") {
			continue
		}
		return rest
	}
	return ""
}
