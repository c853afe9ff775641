package proc

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// BecomeSubreaper makes preflight the parent of every orphan among its
// tools' descendants (PR_SET_CHILD_SUBREAPER), instead of init: a child
// that double-forks or calls setsid stays in preflight's tree, where
// killTree finds it. Call it once, at start.
func BecomeSubreaper() error {
	return unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
}

// sysProcAttr starts a tool as the leader of its own process group, and
// kills it if preflight dies without cleaning up.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// killTree kills the process group led by leader and every process that
// descends from it or carries its token: its own children, those that
// left the group, and orphans reparented to preflight. Killed orphans are
// reaped; the leader itself is left for its exec.Cmd to reap unless
// reapLeader.
func killTree(leader int, token string, reapLeader bool) {
	if leader <= 0 {
		return
	}
	killed := map[int]bool{}
	for round := 0; round < 10; round++ {
		_ = syscall.Kill(-leader, syscall.SIGKILL)
		found := members(leader, token)
		fresh := 0
		for _, pid := range found {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			if !killed[pid] {
				killed[pid] = true
				fresh++
			}
		}
		if fresh == 0 {
			break
		}
		time.Sleep(5 * time.Millisecond) // let forks in progress show up
	}
	delete(killed, leader)
	if reapLeader {
		killed[leader] = true
	}
	reap(killed)
}

// reap collects the exit status of killed processes that became
// preflight's children, so no zombie is left; others are reaped by their
// own parents.
func reap(pids map[int]bool) {
	deadline := time.Now().Add(time.Second)
	for len(pids) > 0 && time.Now().Before(deadline) {
		for pid := range pids {
			var ws unix.WaitStatus
			got, err := unix.Wait4(pid, &ws, unix.WNOHANG, nil)
			switch {
			case got == pid:
				delete(pids, pid)
			case err != nil && !alive(pid):
				delete(pids, pid) // gone, reaped by someone else
			}
		}
		if len(pids) > 0 {
			time.Sleep(5 * time.Millisecond)
		}
	}
}

func alive(pid int) bool {
	_, err := os.Stat("/proc/" + strconv.Itoa(pid))
	return err == nil
}

type procInfo struct{ ppid, pgid int }

// members lists the processes that belong to a run: preflight's
// descendants in leader's group, below leader, or carrying its token.
func members(leader int, token string) []int {
	procs := snapshot()
	self := os.Getpid()
	var out []int
	for pid, info := range procs {
		if pid == self {
			continue
		}
		below, mine := false, false
		for p, hops := pid, 0; p > 0 && hops < 4096; hops++ {
			if p == leader {
				below = true
			}
			if p == self {
				mine = true
				break
			}
			next, ok := procs[p]
			if !ok {
				break
			}
			p = next.ppid
		}
		if !mine {
			continue // never touch what preflight did not start
		}
		if below || info.pgid == leader || (token != "" && hasToken(pid, token)) {
			out = append(out, pid)
		}
	}
	return out
}

// snapshot reads every process's parent and group from /proc.
func snapshot() map[int]procInfo {
	out := map[int]procInfo{}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return out
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// The command name is in parentheses and may hold spaces.
		s := string(stat)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) < 3 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		pgid, _ := strconv.Atoi(f[2])
		out[pid] = procInfo{ppid: ppid, pgid: pgid}
	}
	return out
}

func hasToken(pid int, token string) bool {
	env, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
	if err != nil {
		return false
	}
	want := []byte(runEnv + "=" + token)
	for _, kv := range bytes.Split(env, []byte{0}) {
		if bytes.Equal(kv, want) {
			return true
		}
	}
	return false
}
