package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/creack/pty"
)

// terminal is a program running in a pseudo-terminal of 120×40, with
// everything it writes kept.
type terminal struct {
	cmd   *exec.Cmd
	tty   *os.File
	start time.Time

	mu    sync.Mutex
	out   bytes.Buffer
	ended chan struct{}
}

func spawn(env []string, name string, args ...string) (*terminal, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), append([]string{"TERM=xterm-256color", "COLORTERM=truecolor"}, env...)...)
	t := &terminal{cmd: cmd, ended: make(chan struct{})}
	t.start = time.Now()
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 120})
	if err != nil {
		return nil, err
	}
	t.tty = tty
	go func() {
		defer close(t.ended)
		buf := make([]byte, 64<<10)
		for {
			n, err := tty.Read(buf)
			if n > 0 {
				t.mu.Lock()
				t.out.Write(buf[:n])
				t.mu.Unlock()
			}
			if err != nil {
				return
			}
		}
	}()
	return t, nil
}

// waitFrame returns the time from spawning until the output holds every
// marker: the text of the frame's last line and of the rows that must be
// on it, so the frame is whole. The terminal answers no queries, so a
// program that waits for an answer waits here too.
func (t *terminal) waitFrame(timeout time.Duration, markers ...string) (time.Duration, error) {
	deadline := time.Now().Add(timeout)
	for {
		t.mu.Lock()
		out := t.out.Bytes()
		all := true
		for _, m := range markers {
			if !bytes.Contains(out, []byte(m)) {
				all = false
				break
			}
		}
		t.mu.Unlock()
		if all {
			return time.Since(t.start), nil
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("%s: no frame with %q within %v; it wrote %q", t.cmd.Path, markers, timeout, tail(t.output(), 400))
		}
		time.Sleep(200 * time.Microsecond)
	}
}

func (t *terminal) output() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.out.String()
}

// quit presses q and waits for the program to end; one that does not
// within the timeout is killed.
func (t *terminal) quit(timeout time.Duration) {
	io.WriteString(t.tty, "q")
	done := make(chan struct{})
	go func() { t.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(timeout):
		t.cmd.Process.Kill()
		<-done
	}
	t.tty.Close()
	<-t.ended
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// medianFrame spawns the program n times and returns the median time to
// its first whole frame.
func medianFrame(n int, env []string, markers []string, name string, args ...string) (time.Duration, error) {
	var times []time.Duration
	for i := 0; i < n; i++ {
		t, err := spawn(env, name, args...)
		if err != nil {
			return 0, err
		}
		d, err := t.waitFrame(30*time.Second, markers...)
		t.quit(30 * time.Second)
		if err != nil {
			return 0, err
		}
		times = append(times, d)
		time.Sleep(500 * time.Millisecond) // let what it started wind down
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	return times[len(times)/2], nil
}

// procStat is what /proc/PID/stat says about a process.
type procStat struct {
	pid, ppid int
	comm      string
	cpu       time.Duration // user + system
}

const clockTick = 100 // USER_HZ on Linux

func readStat(pid int) (procStat, error) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return procStat{}, err
	}
	s := string(b)
	open, close := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || close < open {
		return procStat{}, fmt.Errorf("odd /proc/%d/stat", pid)
	}
	f := strings.Fields(s[close+2:])
	// Fields after the name: state(0) ppid(1) … utime(11) stime(12).
	ppid, _ := strconv.Atoi(f[1])
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return procStat{pid: pid, ppid: ppid, comm: s[open+1 : close], cpu: time.Duration(ut+st) * time.Second / clockTick}, nil
}

// descendants are the live processes under pid, not pid itself.
func descendants(pid int) []procStat {
	entries, _ := os.ReadDir("/proc")
	children := map[int][]procStat{}
	for _, e := range entries {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if st, err := readStat(n); err == nil {
			children[st.ppid] = append(children[st.ppid], st)
		}
	}
	var out []procStat
	var walk func(int)
	walk = func(p int) {
		for _, c := range children[p] {
			out = append(out, c)
			walk(c.pid)
		}
	}
	walk(pid)
	return out
}

// rssKBOf is VmRSS of one process, without its children.
func rssKBOf(pid int) int {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			n, _ := strconv.Atoi(strings.Fields(line)[1])
			return n
		}
	}
	return 0
}

// treeCPU is the CPU time of pid and its live descendants.
func treeCPU(pid int) (own, children time.Duration) {
	if st, err := readStat(pid); err == nil {
		own = st.cpu
	}
	for _, d := range descendants(pid) {
		children += d.cpu
	}
	return own, children
}

// settle waits until pid and what it started have stayed nearly idle
// (under 3% of a core) for three seconds, or gives up after limit.
func settle(pid int, limit time.Duration) (time.Duration, bool) {
	start := time.Now()
	o, c := treeCPU(pid)
	last := o + c
	quiet := 0
	for time.Since(start) < limit {
		time.Sleep(time.Second)
		o, c := treeCPU(pid)
		if now := o + c; now-last < 30*time.Millisecond {
			quiet++
		} else {
			quiet = 0
		}
		last = o + c
		if quiet >= 3 {
			return time.Since(start), true
		}
	}
	return time.Since(start), false
}

// idleCPU is the share of one core pid used over d, and the share its
// descendants used (those alive at both ends).
func idleCPU(pid int, d time.Duration) (own, children float64) {
	o1, c1 := treeCPU(pid)
	time.Sleep(d)
	o2, c2 := treeCPU(pid)
	return 100 * float64(o2-o1) / float64(d), 100 * float64(max(0, c2-c1)) / float64(d)
}

// syncWriter keeps what a process writes while another goroutine reads it.
type syncWriter struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}
