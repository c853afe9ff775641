package safegit

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/preflight-dev/preflight/internal/fixturetest"
)

// A checkout whose .git/config names an fsmonitor hook: git ls-files runs
// it unless it is turned off. The hook writes a marker that must not
// appear.
func TestRepositoryConfiguredProgramsDoNotRun(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not on PATH")
	}
	dir := t.TempDir()
	marker := filepath.Join(t.TempDir(), "fsmonitor-ran")
	hook := filepath.Join(dir, "hook.sh")
	if err := os.WriteFile(hook, []byte("#!/bin/sh\ntouch "+marker+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"init", "-q"}, {"config", "core.fsmonitor", hook}} {
		if out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v %s", args, err, out)
		}
	}
	// The hook is live: plain git runs it.
	_ = exec.Command("git", "-C", dir, "ls-files").Run()
	if _, err := os.Stat(marker); err != nil {
		t.Skip("this git does not run core.fsmonitor hooks")
	}
	os.Remove(marker)
	cmd := Command(context.Background(), dir, "ls-files")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ls-files: %v %s", err, out)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("the repository's fsmonitor hook ran")
	}
}

// `git status` refreshes the index's stat information and writes it back,
// under the index lock, when a tracked file's timestamp changed; that write
// is an optional lock. Preflight's git must leave the user's index alone,
// byte for byte, or it competes with the user's own git for the lock.
func TestStatusDoesNotRewriteTheIndex(t *testing.T) {
	untouched := fixturetest.IndexUntouched(t, func(dir string) {
		if out, err := Command(context.Background(), dir, "status", "--porcelain").CombinedOutput(); err != nil {
			t.Fatalf("status: %v %s", err, out)
		}
	})
	if !untouched {
		t.Error("git run by preflight rewrote the index")
	}
}
