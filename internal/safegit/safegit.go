// Package safegit runs git in a repository preflight did not write. A
// checkout's .git/config can name programs git runs by itself (the
// core.fsmonitor hook runs on `git ls-files` and `git status`, hooks on
// other commands); every git preflight runs turns them off, and takes no
// optional locks so it never competes with the user's own git.
package safegit

import (
	"context"
	"os/exec"
)

// Args are the options that override what the repository configures.
var Args = []string{"-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null"}

// Command is `git -C dir <safe options> args…`.
func Command(ctx context.Context, dir string, args ...string) *exec.Cmd {
	all := append([]string{"-C", dir}, Args...)
	cmd := exec.CommandContext(ctx, "git", append(all, args...)...)
	cmd.Env = append(cmd.Environ(), "GIT_OPTIONAL_LOCKS=0")
	return cmd
}
