// Package proc runs external tools the way every collector needs: in their
// own process group (so a timeout kills the tool and everything it spawned),
// with a deadline and with output capped so a runaway tool cannot eat memory.
package proc

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// DefaultMaxOutput caps each of stdout and stderr.
const DefaultMaxOutput = 8 << 20

// Cmd describes one tool invocation.
type Cmd struct {
	Dir       string
	Name      string
	Args      []string
	Env       []string // added to the current environment
	Stdin     []byte
	Timeout   time.Duration // 0: no timeout beyond ctx
	MaxOutput int           // per stream; 0: DefaultMaxOutput
	// Tee and TeeStderr also receive stdout and stderr as they arrive
	// (uncapped), for progress; one write at a time, so both may be the
	// same writer.
	Tee, TeeStderr io.Writer
}

// String renders the command as a user could paste it (arguments with
// spaces quoted).
func (c Cmd) String() string {
	parts := append([]string{c.Name}, c.Args...)
	for i, p := range parts {
		// What a shell would split, expand or take as an operator; braces
		// are left alone for the {report} placeholder (a {a,b} argument
		// is rare).
		if p == "" || strings.ContainsAny(p, " \t\n\"'$\\*?[]|&;<>()`") {
			parts[i] = "'" + strings.ReplaceAll(p, "'", `'\''`) + "'"
		}
	}
	return strings.Join(parts, " ")
}

// Output is what a finished (or killed) tool left behind.
type Output struct {
	Stdout, Stderr []byte
	ExitCode       int // -1 when the process did not exit by itself
	Duration       time.Duration
	TimedOut       bool
	Truncated      bool
	// Quiet is how long the tool had printed nothing when it was killed
	// (its whole run when it printed nothing): a suite still reporting
	// tests is slow, one silent for minutes hangs.
	Quiet time.Duration
}

// ErrNotFound is returned when the tool's executable does not exist.
var ErrNotFound = exec.ErrNotFound

// Run starts the command and waits for it. A non-zero exit is not an error:
// most tools report findings that way. The error is set only when the tool
// could not be started, timed out, or ctx was cancelled.
func Run(ctx context.Context, c Cmd) (Output, error) {
	max := c.MaxOutput
	if max <= 0 {
		max = DefaultMaxOutput
	}
	if c.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.Timeout)
		defer cancel()
	}
	cmd := exec.Command(c.Name, c.Args...)
	cmd.Dir = c.Dir
	token := newToken()
	// A tool that runs git (go's version stamping, a script, a command of
	// preflight.yaml) takes no optional lock: the user's own git keeps
	// the index.
	cmd.Env = append(append(cmd.Environ(), c.Env...), runEnv+"="+token, "GIT_OPTIONAL_LOCKS=0")
	if c.Stdin != nil {
		cmd.Stdin = bytes.NewReader(c.Stdin)
	}
	stdout := &capped{max: max}
	stderr := &capped{max: max}
	var outW, errW io.Writer = stdout, stderr
	var teeMu sync.Mutex // the two copies run at once
	if c.Tee != nil {
		outW = io.MultiWriter(stdout, &lockedWriter{mu: &teeMu, w: c.Tee})
	}
	if c.TeeStderr != nil {
		errW = io.MultiWriter(stderr, &lockedWriter{mu: &teeMu, w: c.TeeStderr})
	}
	// Pipes of our own rather than exec's: Wait then returns when the tool
	// exits, not when the last process holding its output does (a
	// `sleep 1001 &` it left behind).
	outR, outPipe, err := os.Pipe()
	if err != nil {
		return Output{ExitCode: -1}, err
	}
	errR, errPipe, err := os.Pipe()
	if err != nil {
		outR.Close()
		outPipe.Close()
		return Output{ExitCode: -1}, err
	}
	cmd.Stdout, cmd.Stderr = outPipe, errPipe
	cmd.SysProcAttr = sysProcAttr()

	start := time.Now()
	err = cmd.Start()
	outPipe.Close()
	errPipe.Close()
	if err != nil {
		outR.Close()
		errR.Close()
		return Output{ExitCode: -1}, err
	}
	pid := cmd.Process.Pid
	running.Store(pid, token)
	defer running.Delete(pid)
	copied := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(outW, outR); copied <- struct{}{} }()
	go func() { _, _ = io.Copy(errW, errR); copied <- struct{}{} }()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	var waitErr error
	killed := false
	var killedAt time.Time
	select {
	case waitErr = <-done:
	case <-ctx.Done():
		killed, killedAt = true, time.Now()
		killTree(pid, token, false)
		waitErr = <-done
	}
	// Whatever the tool started goes with it, however it ended.
	killTree(pid, token, false)
	drain(copied, outR, errR)
	out := Output{
		Stdout:    stdout.buf.Bytes(),
		Stderr:    stderr.buf.Bytes(),
		Duration:  time.Since(start),
		Truncated: stdout.dropped || stderr.dropped,
		ExitCode:  -1,
	}
	if cmd.ProcessState != nil && cmd.ProcessState.Exited() {
		out.ExitCode = cmd.ProcessState.ExitCode()
	}
	if killed {
		last := start
		for _, c := range []*capped{stdout, stderr} {
			if c.last.After(last) {
				last = c.last
			}
		}
		if out.Quiet = killedAt.Sub(last); out.Quiet < 0 {
			out.Quiet = 0
		}
		out.ExitCode = -1
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			out.TimedOut = true
			return out, context.DeadlineExceeded
		}
		return out, ctx.Err()
	}
	var exitErr *exec.ExitError
	if waitErr != nil && !errors.As(waitErr, &exitErr) {
		return out, waitErr
	}
	return out, nil
}

// drain waits for the output copies to reach EOF. Every process that held
// the pipes is dead by now; if something outside preflight's reach still
// holds one, the pipes are closed after a moment rather than waiting on it.
func drain(copied chan struct{}, pipes ...*os.File) {
	timeout := time.After(2 * time.Second)
	for n := 0; n < 2; n++ {
		select {
		case <-copied:
		case <-timeout:
			for _, p := range pipes {
				p.Close()
			}
			for ; n < 2; n++ {
				<-copied
			}
			return
		}
	}
	for _, p := range pipes {
		p.Close()
	}
}

// KillGroup kills the process group led by pid: the tool and every child it
// started (tsc under npx, test binaries under go test, …).
func KillGroup(pid int) {
	if pid <= 0 {
		return
	}
	_ = syscall.Kill(-pid, syscall.SIGKILL)
}

// capped keeps the first max bytes and counts the rest, so the excerpt shows
// where the output began (tools print the cause first).
type capped struct {
	buf     bytes.Buffer
	max     int
	dropped bool
	last    time.Time // when the last bytes came
}

func (c *capped) Write(p []byte) (int, error) {
	if len(p) > 0 {
		c.last = time.Now()
	}
	room := c.max - c.buf.Len()
	if room <= 0 {
		c.dropped = true
		return len(p), nil
	}
	if len(p) > room {
		c.buf.Write(p[:room])
		c.dropped = true
		return len(p), nil
	}
	return c.buf.Write(p)
}

// Excerpt returns at most maxLines lines of s, the last ones, for evidence
// panes; a note says how many were left out.
func Excerpt(s string, maxLines int) string {
	s = strings.TrimRight(s, "\n")
	lines := strings.Split(s, "\n")
	if len(lines) <= maxLines {
		return s
	}
	omitted := len(lines) - maxLines
	return "… " + itoaPlural(omitted) + " omitted …\n" + strings.Join(lines[omitted:], "\n")
}

func itoaPlural(n int) string {
	if n == 1 {
		return "1 line"
	}
	return strconv.Itoa(n) + " lines"
}

// lockedWriter lets the stdout and stderr copies share a writer.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}
