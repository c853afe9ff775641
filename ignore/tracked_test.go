package ignore

import (
	"os/exec"
	"slices"
	"testing"

	"github.com/preflight-dev/preflight/internal/fixturetest"
)

// The tracked set answers for files and for the directories above them,
// and a name that only shares a prefix with a tracked directory is not one.
func TestTrackedSet(t *testing.T) {
	set := trackedSet{"a.b/x", "ab/y", "c/d/e", "sub"}
	cases := []struct {
		rel       string
		file, dir bool
	}{
		{"a.b/x", true, false},
		{"a", false, false},
		{"a.b", false, true},
		{"ab", false, true},
		{"c", false, true},
		{"c/d", false, true},
		{"c/d/e", true, false},
		{"c/d/e/f", false, false},
		{"sub", true, false}, // a submodule is one entry
		{"z", false, false},
	}
	for _, tc := range cases {
		if got := set.hasFile(tc.rel); got != tc.file {
			t.Errorf("hasFile(%q) = %v, want %v", tc.rel, got, tc.file)
		}
		if got := set.hasDir(tc.rel); got != tc.dir {
			t.Errorf("hasDir(%q) = %v, want %v", tc.rel, got, tc.dir)
		}
	}
	if (trackedSet(nil)).hasFile("a") || (trackedSet(nil)).hasDir("a") {
		t.Error("an empty set tracks something")
	}
}

// trackedFiles reads git's list, sorted, whatever order names were added in.
func TestTrackedFilesFromGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	root := t.TempDir()
	writeTree(t, root, map[string]string{"z.txt": "x", "a/b.txt": "x", "a.c": "x", "a-b/x": "x"})
	fixturetest.Git(t, root, "init", "-q")
	fixturetest.Git(t, root, "add", "z.txt", "a/b.txt", "a.c", "a-b/x")
	got := trackedFiles(root)
	want := trackedSet{"a-b/x", "a.c", "a/b.txt", "z.txt"}
	if !slices.Equal(got, want) {
		t.Errorf("tracked = %q, want %q", got, want)
	}
}
