package ignore

import (
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// repoTree exercises nested .gitignore files, info/exclude, negation,
// directory-only lines and files git tracks although they match.
var repoTree = map[string]string{
	".gitignore":            "*.log\n/tmp/\ngen/\n!important.log\n",
	"main.go":               "package main",
	"debug.log":             "x",
	"important.log":         "x",
	"tmp/scratch.txt":       "x",
	"pkg/tmp/kept.txt":      "x", // "/tmp/" is anchored to the root
	"pkg/a.go":              "x",
	"pkg/gen/out.go":        "x",
	"pkg/gen/forced.go":     "x", // ignored, but added with -f below
	"web/.gitignore":        "*.js\n!keep.js\n/local\n",
	"web/app.js":            "x",
	"web/keep.js":           "x",
	"web/app.ts":            "x",
	"web/local/x.ts":        "x",
	"web/sub/local/y.ts":    "x", // "/local" is anchored to web/
	"web/sub/.gitignore":    "!app.js\n",
	"web/sub/app.js":        "x", // re-included by the deeper file
	"docs/excluded.md":      "x",
	"docs/readme.md":        "x",
	"notes/.gitignore":      "*\n!.gitignore\n",
	"notes/secret.txt":      "x",
	"space name/file x.txt": "x",
	"weird/[brackets].txt":  "x",
	"weird/ünïcode.txt":     "x",
	"weird/tab\there.txt":   "x",
	"weird/quote\"here.txt": "x",
	"weird/back\\slash.txt": "x",
	"emptydir/":             "",
}

func setupRepo(t *testing.T) string {
	t.Helper()
	requireGit(t)
	hermeticGit(t)
	root := t.TempDir()
	git(t, root, "init", "-q")
	writeTree(t, root, repoTree)
	if err := os.WriteFile(filepath.Join(root, ".git", "info", "exclude"), []byte("docs/excluded.md\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	git(t, root, "add", "-A")
	git(t, root, "add", "-f", "pkg/gen/forced.go")
	git(t, root, "commit", "-q", "-m", "init")
	return root
}

// gitFiles is git's own answer: tracked plus untracked-not-ignored.
func gitFiles(t *testing.T, root string) []string {
	t.Helper()
	out := git(t, root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	set := map[string]bool{}
	for _, f := range strings.Split(out, "\x00") {
		if f != "" {
			set[f] = true
		}
	}
	files := slices.Sorted(maps.Keys(set))
	return files
}

func TestListFilesAgreesWithGit(t *testing.T) {
	root := setupRepo(t)
	// Untracked files, so the comparison covers the ignore rules and not
	// only the tracked set.
	writeTree(t, root, map[string]string{
		"new.log":            "x",
		"new.go":             "x",
		"pkg/gen/new.go":     "x",
		"web/new.js":         "x",
		"web/sub/new.js":     "x",
		"web/sub/local/z.ts": "x",
		"notes/more.txt":     "x",
		"tmp/more.txt":       "x",
		"fresh/dir/file.txt": "x",
		"docs/excluded.md~":  "x",
	})
	m := mustLoad(t, root, Options{NoBuildOutputs: true})
	got := mustList(t, root, m)
	want := gitFiles(t, root)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ListFiles disagrees with git\n got: %q\nwant: %q", got, want)
	}
	// Spot checks, so a shared mistake cannot pass unnoticed.
	for _, f := range []string{"pkg/gen/forced.go", "important.log", "web/keep.js", "web/sub/app.js", "pkg/tmp/kept.txt", "web/sub/local/y.ts", "notes/.gitignore"} {
		if !slices.Contains(got, f) {
			t.Errorf("%s missing", f)
		}
	}
	for _, f := range []string{"debug.log", "pkg/gen/out.go", "pkg/gen/new.go", "web/app.js", "web/local/x.ts", "docs/excluded.md", "notes/secret.txt", "tmp/scratch.txt"} {
		if slices.Contains(got, f) {
			t.Errorf("%s listed, should be ignored", f)
		}
	}
}

// The ignored files of the directories walked are listed beside: git's
// ignored files but those inside an ignored directory, which is not
// entered (tmp/, web/local/).
func TestListFilesAndIgnored(t *testing.T) {
	root := setupRepo(t)
	writeTree(t, root, map[string]string{"src/config.ts": "x", "src/.gitignore": "config.ts\n", "src/index.ts": "x"})
	m := mustLoad(t, root, Options{NoBuildOutputs: true})
	files, ignored, err := ListFilesAndIgnored(root, m)
	if err != nil {
		t.Fatal(err)
	}
	if want := mustList(t, root, m); !reflect.DeepEqual(files, want) {
		t.Errorf("files differ from ListFiles'")
	}
	want := []string{"debug.log", "docs/excluded.md", "notes/secret.txt", "pkg/gen/out.go", "src/config.ts", "web/app.js"}
	if !reflect.DeepEqual(ignored, want) {
		t.Errorf("ignored %q, want %q", ignored, want)
	}
}

func TestTrackedFileInsideIgnoredDirectory(t *testing.T) {
	root := setupRepo(t)
	writeTree(t, root, map[string]string{"pkg/gen/untracked.go": "x"})
	m := mustLoad(t, root, Options{})
	cases := []struct {
		rel  string
		dir  bool
		want bool
	}{
		{"pkg/gen", true, false},              // holds a tracked file: must be walked
		{"pkg/gen/forced.go", false, false},   // tracked
		{"pkg/gen/untracked.go", false, true}, // still inside an ignored directory
		{"pkg/gen/out.go", false, true},
		{"tmp", true, true},
	}
	for _, c := range cases {
		if got := m.Ignored(c.rel, c.dir); got != c.want {
			t.Errorf("Ignored(%q) = %v, want %v", c.rel, got, c.want)
		}
	}
}

func TestDefaultsAndTracking(t *testing.T) {
	requireGit(t)
	hermeticGit(t)
	root := t.TempDir()
	git(t, root, "init", "-q")
	writeTree(t, root, map[string]string{
		"node_modules/pkg/index.js":  "x",
		"node_modules/.gitignore":    "!*\n",
		"dist/bundle.js":             "x",
		"web/.next/cache.json":       "x",
		"internal/build/build.go":    "package build", // a Go package named build, committed
		"target/release/app":         "x",
		"vendor/github.com/x/y/y.go": "x",
		"coverage/lcov.info":         "x",
		"src/main.go":                "x",
		"reincluded/.gitignore":      "!out/\n", // brings back a build-output name
		"reincluded/out/keep.txt":    "x",
	})
	git(t, root, "add", "internal/build/build.go", "src/main.go")
	git(t, root, "add", "-f", "node_modules/pkg/index.js")
	git(t, root, "commit", "-q", "-m", "init")

	m := mustLoad(t, root, Options{})
	got := mustList(t, root, m)
	want := []string{
		"internal/build/build.go",
		"reincluded/.gitignore",
		"reincluded/out/keep.txt",
		"src/main.go",
		"vendor/github.com/x/y/y.go",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ListFiles\n got: %q\nwant: %q", got, want)
	}
	if !m.Ignored("node_modules/pkg/index.js", false) {
		t.Error("node_modules is ignored even when committed")
	}
	if !m.Ignored("internal/build/new.go", false) {
		t.Error("an untracked file in a build-output directory is ignored")
	}

	plain := mustLoad(t, root, Options{NoBuildOutputs: true})
	got = mustList(t, root, plain)
	for _, f := range []string{"dist/bundle.js", "web/.next/cache.json", "target/release/app", "coverage/lcov.info"} {
		if !slices.Contains(got, f) {
			t.Errorf("NoBuildOutputs: %s missing", f)
		}
	}
	if slices.Contains(got, "node_modules/pkg/index.js") {
		t.Error("NoBuildOutputs still leaves out node_modules")
	}
}

func TestExtraWinsOverTracking(t *testing.T) {
	root := setupRepo(t)
	m := mustLoad(t, root, Options{Extra: []string{"web/**", "**/*.md", "space name"}})
	got := mustList(t, root, m)
	for _, f := range got {
		if strings.HasPrefix(f, "web/") || strings.HasSuffix(f, ".md") || strings.HasPrefix(f, "space name/") {
			t.Errorf("%s listed despite Extra", f)
		}
	}
	if !slices.Contains(got, "main.go") {
		t.Error("main.go missing")
	}
	if !m.Ignored("space name/file x.txt", false) {
		t.Error("a file inside a directory matched by Extra is ignored")
	}
}

func TestRootBelowTheWorkTreeTop(t *testing.T) {
	requireGit(t)
	hermeticGit(t)
	top := t.TempDir()
	git(t, top, "init", "-q")
	writeTree(t, top, map[string]string{
		".gitignore":                  "packages/app/generated/\n*.tmp\n",
		"packages/.gitignore":         "app/local.txt\n",
		"packages/app/a.ts":           "x",
		"packages/app/b.tmp":          "x",
		"packages/app/local.txt":      "x",
		"packages/app/excl.txt":       "x",
		"packages/app/generated/":     "",
		"packages/app/generated/g.ts": "x",
	})
	if err := os.WriteFile(filepath.Join(top, ".git", "info", "exclude"), []byte("/packages/app/excl.txt\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(top, "packages", "app")
	m := mustLoad(t, root, Options{})
	got := mustList(t, root, m)
	if want := []string{"a.ts"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("ListFiles = %q, want %q", got, want)
	}
}

func TestWithoutGitInstalled(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		".gitignore":        "*.log\n",
		".git/info/exclude": "secret.txt\n",
		"a.go":              "x",
		"b.log":             "x",
		"secret.txt":        "x",
		"sub/.gitignore":    "!keep.log\n",
		"sub/keep.log":      "x",
		".git/HEAD":         "ref: refs/heads/main\n",
		"dist/out.js":       "x",
	})
	m := mustLoad(t, root, Options{})
	got := mustList(t, root, m)
	want := []string{".gitignore", "a.go", "sub/.gitignore", "sub/keep.log"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ListFiles = %q, want %q", got, want)
	}
}

func TestWalkDoesNotFollowSymlinkedDirs(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"real/f.txt": "x", "outside/": ""})
	outside := t.TempDir()
	writeTree(t, outside, map[string]string{"o.txt": "x"})
	must(t, os.Symlink(filepath.Join(root, "real"), filepath.Join(root, "link")))
	must(t, os.Symlink(root, filepath.Join(root, "real", "loop")))
	must(t, os.Symlink(outside, filepath.Join(root, "out-link")))
	must(t, os.Symlink(filepath.Join(root, "real", "f.txt"), filepath.Join(root, "file-link")))
	must(t, os.Symlink(filepath.Join(root, "missing"), filepath.Join(root, "dangling")))

	m := mustLoad(t, root, Options{})
	var entries []string
	err := Walk(root, m, func(rel string, d fs.DirEntry) error {
		entries = append(entries, rel)
		return nil
	})
	must(t, err)
	want := []string{".", "dangling", "file-link", "link", "out-link", "outside", "real", "real/f.txt", "real/loop"}
	if !reflect.DeepEqual(entries, want) {
		t.Fatalf("walk visited %q, want %q", entries, want)
	}
	files := mustList(t, root, m)
	if want := []string{"file-link", "real/f.txt"}; !reflect.DeepEqual(files, want) {
		t.Fatalf("ListFiles = %q, want %q", files, want)
	}
}

func TestWalkGoesOnPastUnreadableDirs(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"a/1.txt": "x", "b/2.txt": "x", "b/c/3.txt": "x", "d/4.txt": "x"})
	if os.Geteuid() != 0 {
		// A real permission error where the test can produce one.
		must(t, os.Chmod(filepath.Join(root, "b"), 0))
		t.Cleanup(func() { os.Chmod(filepath.Join(root, "b"), 0o755) })
	} else {
		// root reads everything: inject the failure instead.
		orig := readDir
		readDir = func(name string) ([]os.DirEntry, error) {
			if filepath.Base(name) == "b" {
				return nil, &fs.PathError{Op: "open", Path: name, Err: syscall.EACCES}
			}
			return orig(name)
		}
		t.Cleanup(func() { readDir = orig })
	}
	m := mustLoad(t, root, Options{})
	files, err := ListFiles(root, m)
	var ue *UnreadableError
	if !errors.As(err, &ue) {
		t.Fatalf("err = %v, want *UnreadableError", err)
	}
	if !reflect.DeepEqual(ue.Dirs, []string{"b"}) || !errors.Is(err, fs.ErrPermission) {
		t.Errorf("UnreadableError = %+v", ue)
	}
	if want := []string{"a/1.txt", "d/4.txt"}; !reflect.DeepEqual(files, want) {
		t.Fatalf("ListFiles = %q, want %q", files, want)
	}
}

func TestWalkDirAndSkips(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		".gitignore": "sub/skip/\n", "sub/a.txt": "x", "sub/b/c.txt": "x", "sub/skip/d.txt": "x",
		"sub/z/e.txt": "x", "other.txt": "x",
	})
	m := mustLoad(t, root, Options{})
	var seen []string
	must(t, WalkDir(root, "sub", m, func(rel string, d fs.DirEntry) error {
		seen = append(seen, rel)
		if rel == "sub/b" {
			return fs.SkipDir
		}
		return nil
	}))
	if want := []string{"sub", "sub/a.txt", "sub/b", "sub/z", "sub/z/e.txt"}; !reflect.DeepEqual(seen, want) {
		t.Fatalf("WalkDir visited %q, want %q", seen, want)
	}

	seen = nil
	must(t, WalkDir(root, "sub/skip", m, func(rel string, d fs.DirEntry) error {
		seen = append(seen, rel)
		return nil
	}))
	if len(seen) != 0 {
		t.Fatalf("WalkDir of an ignored dir visited %q", seen)
	}

	seen = nil
	must(t, Walk(root, m, func(rel string, d fs.DirEntry) error {
		seen = append(seen, rel)
		if rel == "sub/a.txt" {
			return fs.SkipAll
		}
		return nil
	}))
	if want := []string{".", ".gitignore", "other.txt", "sub", "sub/a.txt"}; !reflect.DeepEqual(seen, want) {
		t.Fatalf("SkipAll: visited %q, want %q", seen, want)
	}

	boom := errors.New("boom")
	if err := Walk(root, m, func(rel string, d fs.DirEntry) error {
		if rel == "sub/b/c.txt" {
			return boom
		}
		return nil
	}); !errors.Is(err, boom) {
		t.Fatalf("Walk error = %v, want the callback's", err)
	}

	if err := Walk(t.TempDir(), m, func(string, fs.DirEntry) error { return nil }); err == nil {
		t.Fatal("walking another root with this matcher must fail")
	}
}

func TestIgnoredAcceptsMessyPaths(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{".gitignore": "*.log\n"})
	m := mustLoad(t, root, Options{})
	for _, rel := range []string{"a.log", "./a.log", "x/../a.log", "d//a.log", "node_modules", "x/node_modules/y.js", ".git/config"} {
		if !m.Ignored(rel, false) {
			t.Errorf("Ignored(%q) = false", rel)
		}
	}
	for _, rel := range []string{".", "", "a.go", "node_modules_docs.md"} {
		if m.Ignored(rel, false) {
			t.Errorf("Ignored(%q) = true", rel)
		}
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// A build-output directory that no ignore file excludes is left out by its
// name alone: the project's own tools still see it.
func TestOutputOnly(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		".gitignore":          "dist/\n!build/\n",
		"coverage/x.js":       "x",
		"dist/a.js":           "x",
		"build/b.js":          "x",
		"web/coverage/c.js":   "x",
		"web/src/d.js":        "x",
		"vendored/.gitignore": "*\n",
		"vendored/coverage/e": "x",
	})
	m := mustLoad(t, root, Options{})
	for rel, want := range map[string]bool{
		"coverage":          true, // only its name leaves it out
		"web/coverage":      true,
		"dist":              false, // .gitignore excludes it
		"build":             false, // .gitignore keeps it: walked
		"web/src":           false, // not a build-output name
		"vendored/coverage": false, // inside an ignored directory
	} {
		if got := m.OutputOnly(rel); got != want {
			t.Errorf("OutputOnly(%q) = %v, want %v", rel, got, want)
		}
	}
	if m := mustLoad(t, root, Options{NoBuildOutputs: true}); m.OutputOnly("coverage") {
		t.Error("with NoBuildOutputs no directory is left out by its name")
	}
}
