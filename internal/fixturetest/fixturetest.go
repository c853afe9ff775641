// Package fixturetest is what the tests of collectors share about their
// fixture trees: listing a tree as detection gets it.
package fixturetest

import (
	"io/fs"
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
