package proc

import (
	"crypto/rand"
	"encoding/hex"
	"sync"
	"syscall"
)

// runEnv names the variable every tool is started with: a token that is
// unique to the run, inherited by everything the tool starts, so that its
// descendants are found even after they left its process group (setsid)
// and were orphaned.
const runEnv = "PREFLIGHT_RUN"

func newToken() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// running lists the runs in flight (leader pid → token), for KillAll.
var running sync.Map

// Track registers a process started outside Run (a long-lived helper) so
// that KillAll stops it; the token is the one its environment carries
// (TrackedEnv), or "" when it has none.
func Track(pid int, token string) { running.Store(pid, token) }

// Untrack forgets a process registered with Track.
func Untrack(pid int) { running.Delete(pid) }

// TrackedEnv returns a fresh token and the environment entry that marks a
// helper's descendants with it.
func TrackedEnv() (token, entry string) {
	token = newToken()
	return token, runEnv + "=" + token
}

// KillAll kills every tool in flight and everything each started. Call it
// when preflight itself is told to stop (SIGINT, SIGTERM, SIGHUP).
func KillAll() {
	running.Range(func(k, v any) bool {
		killTree(k.(int), v.(string), false)
		return true
	})
}

// KillTree kills a helper started outside Run (see Track) and everything
// it started; its own exec.Cmd still reaps it.
func KillTree(pid int, token string) { killTree(pid, token, false) }

// SysProcAttr is how every tool is started: the leader of its own process
// group, killed when preflight dies (on Linux).
func SysProcAttr() *syscall.SysProcAttr { return sysProcAttr() }
