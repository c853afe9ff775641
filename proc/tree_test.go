//go:build linux

package proc

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	if err := BecomeSubreaper(); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}

// pidFrom waits for a tool to write a marker PID and returns it.
func pidFrom(t *testing.T, file string) int {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		b, err := os.ReadFile(file)
		if pid, perr := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && perr == nil && pid > 0 {
			return pid
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no pid in %s", file)
	return 0
}

// gone reports whether pid no longer runs (a zombie counts as running: it
// would mean nobody reaped it).
func gone(pid int) bool {
	_, err := os.Stat("/proc/" + strconv.Itoa(pid))
	return err != nil
}

func requireGone(t *testing.T, pid int, what string) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for !gone(pid) {
		if time.Now().After(deadline) {
			state, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
			syscallKill(pid)
			t.Fatalf("%s (pid %d) outlived the run: %s", what, pid, state)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestChildrenOfAToolThatExitsNormallyDoNotOutliveIt(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	start := time.Now()
	out, err := Run(context.Background(), Cmd{Name: "sh", Args: []string{"-c", "sleep 1001 & echo $! > " + pidFile + "; echo done; exit 0"}})
	if err != nil || out.ExitCode != 0 || string(out.Stdout) != "done\n" {
		t.Fatalf("err %v out %+v", err, out)
	}
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("Run waited %s for a background child holding its output", d)
	}
	requireGone(t, pidFrom(t, pidFile), "sleep 1001 left in the background")
}

func TestAChildThatLeftTheGroupIsKilledToo(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	// setsid puts sleep in a session of its own: a group kill misses it.
	script := "setsid sh -c 'sleep 1002 & echo $! > " + pidFile + "; wait' > /dev/null 2>&1 & while [ ! -s " + pidFile + " ]; do sleep 0.01; done; exit 0"
	if _, err := Run(context.Background(), Cmd{Name: "sh", Args: []string{"-c", script}}); err != nil {
		t.Fatal(err)
	}
	requireGone(t, pidFrom(t, pidFile), "sleep 1002 under setsid")
}

func TestKillAllStopsToolsInFlight(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	done := make(chan error, 1)
	go func() {
		_, err := Run(context.Background(), Cmd{Name: "sh", Args: []string{"-c", "sleep 1003 & echo $! > " + pidFile + "; wait"}})
		done <- err
	}()
	pid := pidFrom(t, pidFile)
	KillAll()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the tool survived KillAll")
	}
	requireGone(t, pid, "sleep 1003")
}

func syscallKill(pid int) {
	if p, err := os.FindProcess(pid); err == nil {
		_ = p.Kill()
	}
}
