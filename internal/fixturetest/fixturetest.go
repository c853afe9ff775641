// Package fixturetest is what tests share about their fixture trees:
// writing one, listing it as detection gets it, and the real tools it needs.
package fixturetest

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"
)

// Files lists the files under root, repo-relative with forward slashes and
// sorted, leaving out directories named in skip (as the caller of Detect
// leaves out build outputs).
func Files(t testing.TB, root string, skip ...string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			for _, s := range skip {
				if p != root && d.Name() == s {
					return filepath.SkipDir
				}
			}
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		files = append(files, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return files
}

// RequireTools skips when a real tool is missing, except in CI where the
// suite must prove the integration works.
func RequireTools(t testing.TB, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is not on PATH (CI must run this test; `make test` puts the fixtures' TypeScript on PATH)", tool)
			}
			t.Skipf("%s not on PATH", tool)
		}
	}
}

// WriteFiles writes files (repo-relative name → content) under dir.
func WriteFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// WriteRepo writes files into a new temporary directory and returns its
// path with symlinks resolved, as tools report it.
func WriteRepo(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	WriteFiles(t, dir, files)
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	return dir
}
