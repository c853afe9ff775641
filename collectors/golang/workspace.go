package golang

import (
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/repofs"
)

// Workspace is what a module's go commands see beyond the module itself:
// the go.work that governs it (go looks for one from the module's
// directory up), the other modules of that workspace, and the local
// directories its go.mod replaces modules with.
type Workspace struct {
	// Files are the go.work and go.work.sum files that may govern the
	// module, present or not: one in the module or a directory above it,
	// inside the repository. Repo-relative.
	Files []string
	// Modules are the repo-relative directories of the other modules its
	// build reads: the workspace's, and its go.mod's local replacements.
	Modules []string
	// Outside: a go.work governs the module but does not use it, so go
	// refuses to run there; the module is run by itself (GOWORK=off), as
	// it is built anywhere but in this workspace.
	Outside bool
}

// WorkspaceOf reads the workspace of the module in dir (repo-relative).
func WorkspaceOf(root, dir string) Workspace {
	var ws Workspace
	seen := map[string]bool{dir: true}
	add := func(d string) {
		if !seen[d] {
			seen[d] = true
			ws.Modules = append(ws.Modules, d)
		}
	}
	governed := os.Getenv("GOWORK") != "" // the user chose, for every module
	for d := dir; ; d = path.Dir(d) {
		work := path.Join(d, "go.work")
		ws.Files = append(ws.Files, work, work+".sum")
		if data, err := repofs.ReadFile(root, filepath.FromSlash(work)); err == nil && !governed {
			governed = true
			// A go.work go cannot read is reported by go itself.
			if wf, err := modfile.ParseWork(work, data, nil); err == nil {
				var uses []string
				for _, u := range wf.Use {
					if m, ok := inRepo(d, u.Path); ok {
						uses = append(uses, m)
					}
				}
				ws.Outside = !slices.Contains(uses, dir)
				if !ws.Outside {
					for _, m := range uses {
						add(m)
					}
				}
			}
		}
		if d == "." {
			break
		}
	}
	if data, err := repofs.ReadFile(root, filepath.Join(filepath.FromSlash(dir), "go.mod")); err == nil {
		// Parse, not ParseLax: only Parse keeps the replace directives.
		if mf, err := modfile.Parse("go.mod", data, nil); err == nil {
			for _, r := range mf.Replace {
				if r.New.Version == "" && modfile.IsDirectoryPath(r.New.Path) {
					if m, ok := inRepo(dir, r.New.Path); ok {
						add(m)
					}
				}
			}
		}
	}
	return ws
}

// inRepo resolves a directory written relative to base (both
// repo-relative), ok when it stays inside the repository.
func inRepo(base, p string) (string, bool) {
	if filepath.IsAbs(p) || strings.HasPrefix(p, "/") {
		return "", false
	}
	m := path.Join(base, filepath.ToSlash(p))
	return m, m != ".." && !strings.HasPrefix(m, "../")
}

// Inputs are the files of the workspace that decide the module's build.
func (ws Workspace) Inputs() []string {
	out := make([]string, 0, len(ws.Files)+3*len(ws.Modules))
	for _, f := range ws.Files {
		out = append(out, collectors.EscapeGlob(f))
	}
	for _, m := range ws.Modules {
		out = append(out, module{dir: m}.glob("**/*.go"), module{dir: m}.glob("go.mod"), module{dir: m}.glob("go.sum"))
	}
	return out
}

// Env is what the module's go commands run with: GOWORK=off outside the
// workspace that governs its directory.
func (ws Workspace) Env() []string {
	if ws.Outside {
		return []string{"GOWORK=off"}
	}
	return nil
}
