package typescript

import (
	"bufio"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/proc"
)

//go:embed checker.js
var checkerScript string

// checker is a running checker.js: one Node process holding a TypeScript
// watch program for one project. Requests may be written as soon as it is
// spawned; it reads them once its first full check is done.
type checker struct {
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	replies chan []byte
	quit    chan struct{} // closed by stop: drop replies nobody will read
	exited  chan struct{} // closed once the process has exited
	stderr  *tail
	root    string
	library string // the compiler it runs
	token   string // marks its descendants (proc.TrackedEnv)
	version string // set by the ready line
	lastID  int
	// answered: it has answered a request, so a later failure is worth a
	// restart; one that never answered is not tried again in the same run.
	answered bool
	stopped  sync.Once
}

// errChecker marks a failure of the checker itself, as opposed to the run
// being cancelled.
var errChecker = errors.New("type-checker failed")

// spawnChecker launches the checker in its own process group.
func spawnChecker(root, config string, tc toolchain) (*checker, error) {
	cmd := exec.Command(tc.node, "-e", checkerScript, "--", tc.library, config)
	cmd.Dir = root
	token, mark := proc.TrackedEnv()
	cmd.Env = append(cmd.Environ(), mark)
	cmd.SysProcAttr = proc.SysProcAttr()
	c := &checker{
		token:   token,
		cmd:     cmd,
		replies: make(chan []byte),
		quit:    make(chan struct{}),
		exited:  make(chan struct{}),
		stderr:  &tail{max: 16 << 10},
		root:    root,
		library: tc.library,
	}
	cmd.Stderr = c.stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	c.stdin = stdin
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	proc.Track(cmd.Process.Pid, token)
	go c.read(stdout)
	return c, nil
}

// read forwards stdout lines until the process closes it, then reaps it.
func (c *checker) read(stdout io.Reader) {
	r := bufio.NewReader(stdout)
	for {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 && err == nil {
			select {
			case c.replies <- line:
			case <-c.quit:
			}
		}
		if err != nil {
			break
		}
	}
	_ = c.cmd.Wait()
	proc.Untrack(c.cmd.Process.Pid)
	close(c.exited)
}

// next waits for the next line and parses it.
func (c *checker) next(ctx context.Context) (CheckerReply, error) {
	select {
	case line := <-c.replies:
		reply, err := ParseCheckerReply(line, c.root, c.root)
		if err != nil {
			return CheckerReply{}, c.failure(err)
		}
		return reply, nil
	case <-c.exited:
		return CheckerReply{}, c.failure(fmt.Errorf("the checker exited (%s)", c.cmd.ProcessState))
	case <-ctx.Done():
		return CheckerReply{}, ctx.Err()
	}
}

// check sends the changed absolute paths and waits for the diagnostics of
// the rebuild they cause. When ctx ends first the request stays queued in
// the checker and the process keeps going (a first full check included);
// the late reply is skipped by the next check.
func (c *checker) check(ctx context.Context, changed []string) ([]Diagnostic, error) {
	c.lastID++
	id := c.lastID
	req, err := json.Marshal(struct {
		ID      int      `json:"id"`
		Changed []string `json:"changed"`
	}{id, changed})
	if err != nil {
		return nil, err
	}
	if _, err := c.stdin.Write(append(req, '\n')); err != nil {
		return nil, c.failure(err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err // the paths are delivered all the same
	}
	for {
		reply, err := c.next(ctx)
		switch {
		case err != nil:
			return nil, err
		case reply.Fatal != "":
			return nil, c.failure(errors.New(reply.Fatal))
		case reply.Ready:
			c.version = reply.Version
			continue
		case reply.ID < id && reply.ID > 0:
			continue // the answer to a request whose run was cancelled
		case reply.ID != id:
			return nil, c.failure(fmt.Errorf("reply to request %d while waiting for %d: %s", reply.ID, id, reply.Error))
		case reply.Error != "":
			return nil, c.failure(errors.New(reply.Error))
		}
		c.answered = true
		return reply.Diagnostics, nil
	}
}

// failure wraps what went wrong with the checker's last words on stderr.
func (c *checker) failure(err error) error {
	if stderr := strings.TrimSpace(c.stderr.String()); stderr != "" {
		return fmt.Errorf("%w: %v\n%s", errChecker, err, stderr)
	}
	return fmt.Errorf("%w: %v", errChecker, err)
}

// alive reports whether the process is still running.
func (c *checker) alive() bool {
	select {
	case <-c.exited:
		return false
	default:
		return true
	}
}

func (c *checker) pid() int { return c.cmd.Process.Pid }

// stop kills the checker's process group and waits for it to be reaped.
func (c *checker) stop() {
	c.stopped.Do(func() {
		close(c.quit)
		_ = c.stdin.Close()
		proc.KillTree(c.cmd.Process.Pid, c.token)
		<-c.exited
	})
}

// runWatch answers a Watch-mode run from the project's checker, starting
// it when there is none, when it died, when this is a full run (no changed
// paths: a rerun, or events were lost), or when its configuration changed.
// If a checker that had been answering fails, a fresh one gets the run; if
// a fresh one fails too, one-shot tsc does, so a broken checker costs
// speed, never evidence. A cancelled run leaves the checker running, even
// mid-way through its first check, so quick successive edits do not keep
// restarting it.
func (p *Project) runWatch(ctx context.Context, root string, tc toolchain, changed []string) model.Result {
	p.runMu.Lock()
	defer p.runMu.Unlock()
	_, display := p.oneShot(root, tc)

	p.mu.Lock()
	c, closes := p.checker, p.closes
	p.mu.Unlock()
	if c != nil && (!c.alive() || len(changed) == 0 || c.root != root || c.library != tc.library || p.configChanged(changed)) {
		p.dropChecker(c)
		c = nil
	}
	abs := make([]string, len(changed))
	for i, f := range changed {
		abs[i] = filepath.Join(root, filepath.FromSlash(f))
	}

	var failure error
	for attempt := 0; attempt < 2; attempt++ {
		if c == nil {
			var err error
			if c, err = p.spawnChecker(root, tc, closes); err != nil {
				failure = err
				break
			}
			abs = nil // a new checker reads the whole tree
		}
		diags, err := c.check(ctx, abs)
		if err == nil {
			// The checker never exits, so there is no exit code to show
			// (-1); the command names what really ran and what it stands for.
			command := fmt.Sprintf("TypeScript %s watch checker (pid %d), equivalent to: %s", c.version, c.pid(), display)
			return p.checked(diags, command, -1, fmt.Sprintf("checked by a running TypeScript %s watch program (pid %d); it reports what this command would:\n%s\n%s",
				c.version, c.pid(), display, proc.Excerpt(formatTsc(diags), excerptLines)))
		}
		if ctx.Err() != nil {
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				p.dropChecker(c) // it may be stuck: do not reuse it
			}
			return p.interrupted(ctx.Err(), "the type-checker")
		}
		p.dropChecker(c)
		failure = err
		if !c.answered || p.closedSince(closes) {
			break
		}
		c = nil
	}
	if p.closedSince(closes) {
		return p.interrupted(errClosed, "the type-checker")
	}
	r := p.runOneShot(ctx, root, tc)
	r.Output = "the type-checker failed, so tsc ran instead: " + proc.Excerpt(failure.Error(), 10) + "\n" + r.Output
	return r
}

var errClosed = errors.New("closed")

// spawnChecker starts the project's checker and makes it current, unless
// Close ran since the run began.
func (p *Project) spawnChecker(root string, tc toolchain, closes int) (*checker, error) {
	c, err := spawnChecker(root, filepath.Join(root, filepath.FromSlash(p.configPath())), tc)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closes != closes {
		go c.stop()
		return nil, errClosed
	}
	p.checker = c
	return c, nil
}

func (p *Project) dropChecker(c *checker) {
	p.mu.Lock()
	if p.checker == c {
		p.checker = nil
	}
	p.mu.Unlock()
	c.stop()
}

func (p *Project) closedSince(closes int) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closes != closes
}

// configChanged reports a change to the project's tsconfig files or to a
// config it extends: the checker is restarted rather than patched.
func (p *Project) configChanged(changed []string) bool {
	for _, f := range changed {
		f = path.Clean(f)
		dir, name := path.Dir(f), path.Base(f)
		if dir == p.dir && strings.HasPrefix(name, "tsconfig") && strings.HasSuffix(name, ".json") {
			return true
		}
		if contains(p.extends, f) {
			return true
		}
	}
	return false
}

// Close stops the project's checker process, if any.
func (p *Project) Close() error {
	p.mu.Lock()
	c := p.checker
	p.checker = nil
	p.closes++
	p.mu.Unlock()
	if c != nil {
		c.stop()
	}
	return nil
}

// tail keeps the last max bytes written to it: the checker's stderr, for
// the evidence when it dies.
type tail struct {
	mu  sync.Mutex
	buf []byte
	max int
}

func (t *tail) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if len(t.buf) > t.max {
		t.buf = append([]byte(nil), t.buf[len(t.buf)-t.max:]...)
	}
	return len(b), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}
