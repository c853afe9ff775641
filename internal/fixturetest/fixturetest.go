// Package fixturetest is what tests share about their fixture trees:
// writing one, listing it as detection gets it, and the real tools it needs.
package fixturetest

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// Files lists the files under root, repo-relative with forward slashes and
// sorted, leaving out directories named in skip (as the caller of Detect
// leaves out build outputs).
func Files(t testing.TB, root string, skip ...string) []string {
	t.Helper()
	files, err := List(root, skip...)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// List is Files for code that runs outside a test, as -capture does.
func List(root string, skip ...string) ([]string, error) {
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
	sort.Strings(files)
	return files, err
}

// RequireTools skips when a real tool is missing, except in CI where the
// suite must prove the integration works.
func RequireTools(t testing.TB, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			Unavailable(t, tool+" is not on PATH")
		}
	}
}

// Unavailable skips a test whose real tool is missing, except in CI where
// the suite must prove the integration works and a skip would hide it.
func Unavailable(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(why + " (CI must run this test; `make test` puts the fixtures' tools on PATH)")
	}
	t.Skip(why)
}

// Testdata is the absolute path of testdata/elem... in the package under
// test: tools report absolute paths, and tests compare with them.
func Testdata(t testing.TB, elem ...string) string {
	t.Helper()
	abs, err := filepath.Abs(filepath.Join(append([]string{"testdata"}, elem...)...))
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// Copy copies the tree src to dst, leaving out directories named in skip,
// so a test may run tools in a fixture and change it.
func Copy(t testing.TB, src, dst string, skip ...string) {
	t.Helper()
	if err := CopyTree(src, dst, skip...); err != nil {
		t.Fatal(err)
	}
}

// CopyTree is Copy for code that runs outside a test, as -capture does.
func CopyTree(src, dst string, skip ...string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			for _, s := range skip {
				if p != src && d.Name() == s {
					return filepath.SkipDir
				}
			}
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
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

// MarkerConfig is a preflight.yaml whose one collector leaves ran.marker
// in the repository, so a test can tell whether it ran.
const MarkerConfig = `custom:
  marker:
    command: touch ran.marker && echo made it
    domain: tests
`

// RepoWith makes a repository holding only a preflight.yaml (no built-in
// collector applies), with its own cache and trust store.
func RepoWith(t testing.TB, yaml string) string {
	t.Helper()
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	dir := t.TempDir()
	WriteConfig(t, dir, yaml)
	return dir
}

// WriteConfig writes dir/preflight.yaml.
func WriteConfig(t testing.TB, dir, yaml string) {
	t.Helper()
	WriteFiles(t, dir, map[string]string{"preflight.yaml": yaml})
}

// ReadFile reads a file a test wrote or left behind, as text.
func ReadFile(t testing.TB, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// Git runs git in dir as a test's own: no global or system config, a fixed
// author, no signing, so it behaves the same on every machine. A failure
// fails the test with git's output; the output is returned.
func Git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir, "-c", "commit.gpgsign=false"}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// LineDiff shows the first lines where a and b differ, numbered, for a
// test's failure message.
func LineDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for i := 0; i < max(len(al), len(bl)) && len(out) < 20; i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			out = append(out, fmt.Sprintf("%d: - %s", i+1, x), fmt.Sprintf("%d: + %s", i+1, y))
		}
	}
	return strings.Join(out, "\n")
}

// IndexUntouched reports whether status, a `git status` in dir started the
// way the caller starts git, left the repository's index byte for byte as
// it was although a tracked file has just been touched, so that plain git
// would refresh the index and write it back under its lock. It skips the
// test where git is missing or this git does not refresh on status.
func IndexUntouched(t testing.TB, status func(dir string)) bool {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not on PATH")
	}
	dir := t.TempDir()
	WriteFiles(t, dir, map[string]string{"f.txt": "one\n"})
	Git(t, dir, "init", "-q")
	Git(t, dir, "add", "f.txt")
	touched := func(ago time.Duration) []byte {
		t.Helper()
		at := time.Now().Add(-ago)
		if err := os.Chtimes(filepath.Join(dir, "f.txt"), at, at); err != nil {
			t.Fatal(err)
		}
		return []byte(ReadFile(t, filepath.Join(dir, ".git", "index")))
	}
	before := touched(time.Hour)
	Git(t, dir, "status", "--porcelain")
	if bytes.Equal(before, []byte(ReadFile(t, filepath.Join(dir, ".git", "index")))) {
		t.Skip("this git does not refresh the index on status")
	}
	before = touched(2 * time.Hour)
	status(dir)
	return bytes.Equal(before, []byte(ReadFile(t, filepath.Join(dir, ".git", "index"))))
}
