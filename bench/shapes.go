package main

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// tsProject is a TypeScript project of the generated trees: its directory
// and how many modules it has. A flat project (writeTSProject) is one chain
// of modules in src; the others (writeTSPackage) are chains of tsPerDir
// modules, one a directory.
type tsProject struct {
	dir     string
	modules int
	flat    bool
}

// tsPerDir is how many modules writeTSPackage puts in one directory.
const tsPerDir = 30

// editModule is the module the TypeScript edit figures rewrite: the one in
// the middle of the chain, or of the chain in the middle of the project.
// It returns its path, relative to the tree and slash-separated, and its
// number.
func (p tsProject) editModule() (rel string, n int) {
	if p.flat {
		n = p.modules / 2
		return fmt.Sprintf("%s/src/mod%d.ts", p.dir, n), n
	}
	dir := p.modules / 2 / tsPerDir
	first := dir * tsPerDir
	n = first + min(tsPerDir, p.modules-first)/2
	return fmt.Sprintf("%s/src/part%02d/mod%d.ts", p.dir, dir, n), n
}

// largest is the project of most modules, the first of them on a tie.
func largest(projects []tsProject) tsProject {
	best := projects[0]
	for _, p := range projects[1:] {
		if p.modules > best.modules {
			best = p
		}
	}
	return best
}

// generateReal writes a tree shaped like a product repository that grew
// up: committed Python virtualenvs holding most of its files (nobody
// ignores them), three TypeScript projects of different sizes, and a
// .gitignore that ignores a source file git tracks all the same. It is a
// git repository with everything committed.
func generateReal(root string, venvFiles int, projects []tsProject) error {
	venvs := []string{"services/api/venv", "services/ml/venv", "tools/venv"}
	perVenv := venvFiles / len(venvs)
	for i, v := range venvs {
		if err := writeVenv(filepath.Join(root, v), perVenv, i); err != nil {
			return err
		}
	}
	for _, p := range projects {
		if err := writeTSPackage(filepath.Join(root, p.dir), p.modules, ""); err != nil {
			return err
		}
	}
	files := map[string]string{
		".gitignore":                    "node_modules/\ndist/\n*.log\n# generated, but one of them was committed on purpose\nweb/src/generated/\n",
		"web/src/generated/schema.ts":   "export const schemaVersion: number = 3;\n",
		"README.md":                     "# bench\n\nA generated repository shaped like a real one.\n",
		"services/api/app.py":           "def handler(event):\n    return {\"ok\": True}\n",
		"services/api/requirements.txt": "requests==2.31.0\n",
	}
	for name, body := range files {
		if err := writeFile(filepath.Join(root, name), body); err != nil {
			return err
		}
	}
	return gitCommitAll(root, "web/src/generated/schema.ts")
}

// writeVenv writes a virtualenv's site-packages: packages of a few nested
// modules each, about files in all.
func writeVenv(dir string, files, seed int) error {
	const perDir = 22
	site := filepath.Join(dir, "lib", "python3.11", "site-packages")
	for _, f := range []string{"bin/activate", "bin/python", "pyvenv.cfg"} {
		if err := writeFile(filepath.Join(dir, f), "# generated\n"); err != nil {
			return err
		}
	}
	written := 0
	for pkg := 0; written < files; pkg++ {
		name := fmt.Sprintf("pkg%d_%03d", seed, pkg)
		for _, sub := range []string{"", "core", "utils", "tests"} {
			d := filepath.Join(site, name, sub)
			for f := 0; f < perDir && written < files; f++ {
				body := fmt.Sprintf("\"\"\"%s.%s module %d.\"\"\"\n\n\ndef f%d(x):\n    return x + %d\n", name, sub, f, f, f)
				if err := writeFile(filepath.Join(d, fmt.Sprintf("mod_%02d.py", f)), body); err != nil {
					return err
				}
				written++
			}
		}
	}
	return nil
}

// writeTSPackage writes a TypeScript project of modules in directories of
// thirty, each module importing the one before it in its directory.
// pkgName, when set, makes it an npm workspace package of that name.
func writeTSPackage(dir string, modules int, pkgName string) error {
	tsconfig := `{"compilerOptions": {"target": "es2022", "module": "nodenext", "strict": true, "noEmit": true, "types": []}, "include": ["src"]}`
	pkg := `{"type": "module"}`
	if pkgName != "" {
		pkg = fmt.Sprintf(`{"name": %q, "version": "1.0.0", "private": true, "type": "module"}`, pkgName)
	}
	if err := writeFile(filepath.Join(dir, "tsconfig.json"), tsconfig); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, "package.json"), pkg); err != nil {
		return err
	}
	const perDir = tsPerDir
	for i := 0; i < modules; i++ {
		sub := fmt.Sprintf("part%02d", i/perDir)
		var b strings.Builder
		if i%perDir > 0 {
			fmt.Fprintf(&b, "import { make%d } from \"./mod%d.js\";\n", i-1, i-1)
		}
		fmt.Fprintf(&b, "export interface Item%d { id: number; name: string; tags: string[] }\n", i)
		fmt.Fprintf(&b, "export function make%d(id: number): Item%d {\n", i, i)
		if i%perDir > 0 {
			fmt.Fprintf(&b, "  const prev = make%d(id - 1);\n  return { id, name: prev.name + \"/\" + id, tags: [...prev.tags, String(id)] };\n}\n", i-1)
		} else {
			b.WriteString("  return { id, name: String(id), tags: [] };\n}\n")
		}
		fmt.Fprintf(&b, "export const total%d: number = 1;\n", i)
		if err := writeFile(filepath.Join(dir, "src", sub, fmt.Sprintf("mod%d.ts", i)), b.String()); err != nil {
			return err
		}
	}
	return nil
}

// generateMonorepo writes an npm workspaces monorepo of n TypeScript
// packages of modules each.
func generateMonorepo(root string, n, modules int) ([]tsProject, error) {
	if err := writeFile(filepath.Join(root, "package.json"), `{"name": "bench-monorepo", "private": true, "workspaces": ["packages/*"]}`); err != nil {
		return nil, err
	}
	var projects []tsProject
	for i := 0; i < n; i++ {
		p := tsProject{dir: fmt.Sprintf("packages/pkg%02d", i), modules: modules}
		if err := writeTSPackage(filepath.Join(root, p.dir), modules, fmt.Sprintf("@bench/pkg%02d", i)); err != nil {
			return nil, err
		}
		projects = append(projects, p)
	}
	return projects, gitCommitAll(root)
}

// gitCommitAll makes root a git repository with every file committed;
// force are paths .gitignore ignores that are committed all the same.
func gitCommitAll(root string, force ...string) error {
	steps := [][]string{
		{"init", "-q"},
		{"add", "-A"},
	}
	if len(force) > 0 {
		steps = append(steps, append([]string{"add", "-f", "--"}, force...))
	}
	steps = append(steps, []string{"-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "generated"})
	for _, args := range steps {
		cmd := exec.Command("git", args...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	return nil
}

func writeFile(path, body string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(body), 0o644)
}

// countTree counts the files and directories under root, .git left out.
func countTree(root string) (files, dirs int, err error) {
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" {
				return filepath.SkipDir
			}
			dirs++
			return nil
		}
		files++
		return nil
	})
	return files, dirs, err
}
