package ignore

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/internal/fixturetest"
)

// writeTree creates files under root; a key ending in "/" is an empty dir.
func writeTree(t testing.TB, root string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// requireGit skips without git, except in CI where a missing git is a
// broken environment, not a reason to test less.
func requireGit(t testing.TB) {
	t.Helper()
	fixturetest.RequireTools(t, "git")
}

// hermeticGit keeps the user's and the system's git configuration (and
// with it a global excludes file) out of the test.
func hermeticGit(t testing.TB) {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", home)
	t.Setenv("GIT_CONFIG_GLOBAL", os.DevNull)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("GIT_AUTHOR_NAME", "t")
	t.Setenv("GIT_AUTHOR_EMAIL", "t@example.com")
	t.Setenv("GIT_COMMITTER_NAME", "t")
	t.Setenv("GIT_COMMITTER_EMAIL", "t@example.com")
}

func git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	return fixturetest.Git(t, dir, args...)
}

func mustLoad(t testing.TB, root string, o Options) *Matcher {
	t.Helper()
	m, err := LoadWithOptions(root, o)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func mustList(t testing.TB, root string, m *Matcher) []string {
	t.Helper()
	files, err := ListFiles(root, m)
	if err != nil {
		t.Fatal(err)
	}
	return files
}
