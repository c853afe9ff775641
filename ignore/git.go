package ignore

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path"
	"path/filepath"
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

// trackedFiles lists what git tracks under root, repo-relative, and every
// directory that holds any of it. Errors leave both sets empty: the rule
// then simply does not apply.
func trackedFiles(root string) (files, dirs map[string]struct{}) {
	out, err := runGit(root, "ls-files", "-z")
	if err != nil {
		return nil, nil
	}
	files = make(map[string]struct{})
	dirs = make(map[string]struct{})
	for _, b := range bytes.Split(out, []byte{0}) {
		if len(b) == 0 {
			continue
		}
		f := string(b)
		files[f] = struct{}{}
		for d := path.Dir(f); d != "."; d = path.Dir(d) {
			if _, seen := dirs[d]; seen {
				break
			}
			dirs[d] = struct{}{}
		}
	}
	return files, dirs
}

func runGit(dir string, args ...string) ([]byte, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), gitTimeout)
	defer cancel()
	return safegit.Command(ctx, dir, args...).Output()
}
