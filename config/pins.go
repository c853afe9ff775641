package config

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"path"
	"strings"

	"github.com/preflight-dev/preflight/internal/repofs"
)

// Pinned is what trusting the repository approves: the config's commands
// and, for every repository file a command names (./run.sh,
// scripts/lint.sh, --config=tools/x.js), the state of that file — a hash of
// its content, or that it is absent. Pinning the scripts means that an
// edited ./run.sh needs trust again, as an edited command does.
func (c *Config) Pinned(root string) []string {
	out := c.Commands()
	seen := map[string]bool{}
	for _, s := range c.Custom {
		for _, w := range commandWords(s.Command) {
			p, ok := repoPath(s.WorkDir(), w)
			if !ok || seen[p] {
				continue
			}
			seen[p] = true
			out = append(out, "file "+p+": "+fileState(root, p))
		}
	}
	return out
}

// commandWords splits commands into the words a shell would see, roughly:
// good enough to find the paths they name, never used to run anything.
func commandWords(cmd []string) []string {
	var out []string
	for _, part := range cmd {
		out = append(out, strings.FieldsFunc(part, func(r rune) bool {
			return strings.ContainsRune(" \t\n;&|()<>`'\"", r)
		})...)
	}
	return out
}

// repoPath turns a word that names a file (it has a slash and is not a URL
// or a flag) into a repo-relative path.
func repoPath(dir, w string) (string, bool) {
	if i := strings.IndexByte(w, '='); i >= 0 && strings.HasPrefix(w, "-") {
		w = w[i+1:]
	}
	if !strings.Contains(w, "/") || strings.Contains(w, "://") || strings.HasPrefix(w, "-") || strings.HasPrefix(w, "$") {
		return "", false
	}
	if path.IsAbs(w) {
		return "", false // outside the repository: the user's own tools
	}
	return path.Join(dir, w), true
}

func fileState(root, rel string) string {
	data, err := repofs.ReadFile(root, rel)
	switch {
	case err == nil:
		sum := sha256.Sum256(data)
		return "sha256:" + hex.EncodeToString(sum[:])
	case errors.Is(err, fs.ErrNotExist):
		return "absent"
	case errors.Is(err, repofs.ErrNotRegular):
		return "not a regular file"
	case errors.Is(err, repofs.ErrOutside):
		return "outside the repository"
	}
	return "unreadable"
}
