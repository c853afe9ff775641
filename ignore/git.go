package ignore

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/preflight-dev/preflight/internal/safegit"
)

// gitTimeout bounds each git query; a tree so large that ls-files takes
// longer is better served without the tracked-file rule than not at all.
const gitTimeout = time.Minute

type repoInfo struct {
	top     string // work tree top, "" when root is not in one
	exclude string // the info/exclude file, "" when unknown
	git     bool   // git itself answered, so ls-files can be asked too
}

// findRepo locates the work tree around root. It asks git when git is
// installed (that handles linked work trees and submodules, whose .git is a
// file) and otherwise looks for a .git directory upwards.
func findRepo(root string) repoInfo {
	if out, err := runGit(root, "rev-parse", "--show-toplevel", "--git-path", "info/exclude"); err == nil {
		lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
		if len(lines) == 2 && lines[0] != "" {
			exclude := filepath.FromSlash(lines[1])
			if !filepath.IsAbs(exclude) {
				exclude = filepath.Join(root, exclude)
			}
			return repoInfo{top: filepath.FromSlash(lines[0]), exclude: exclude, git: true}
		}
	}
	for dir := root; ; {
		if st, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			r := repoInfo{top: dir}
			if st.IsDir() {
				r.exclude = filepath.Join(dir, ".git", "info", "exclude")
			}
			return r
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return repoInfo{}
		}
		dir = parent
	}
}

// trackedSet is what git tracks under root: repo-relative paths, sorted,
// all sharing the one string git printed. In a repository of tens of
// thousands of files that is their bytes and a string header each, where
// a set of files and one of their directories took twice as much.
type trackedSet []string

// trackedFiles lists what git tracks under root. Errors leave the set
// empty: the rule then simply does not apply.
func trackedFiles(root string) trackedSet {
	out, err := runGit(root, "ls-files", "-z")
	if err != nil {
		return nil
	}
	all := string(out)
	t := make(trackedSet, 0, strings.Count(all, "\x00"))
	for all != "" {
		f, rest, _ := strings.Cut(all, "\x00")
		if f != "" {
			t = append(t, f)
		}
		all = rest
	}
	// git lists its index in byte order already; a set that is not sorted
	// would make every lookup wrong, so make sure.
	if !slices.IsSorted(t) {
		slices.Sort(t)
	}
	return t
}

// hasFile reports whether git tracks rel itself.
func (t trackedSet) hasFile(rel string) bool {
	_, ok := slices.BinarySearch(t, rel)
	return ok
}

// hasDir reports whether git tracks anything under the directory rel:
// sorted, every path below it follows rel + "/" directly.
func (t trackedSet) hasDir(rel string) bool {
	prefix := rel + "/"
	i, _ := slices.BinarySearch(t, prefix)
	return i < len(t) && strings.HasPrefix(t[i], prefix)
}

func runGit(dir string, args ...string) ([]byte, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), gitTimeout)
	defer cancel()
	return safegit.Command(ctx, dir, args...).Output()
}
