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
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/proc"
)

//go:embed checker.js
var checkerScript string

// defaultMaxPrograms bounds the watch programs one checker keeps alive
// unless the request says otherwise (collectors.Request.LivePrograms): the
// one asked for least recently is dropped when another is needed, and
// rebuilt by a full check when asked for again.
const defaultMaxPrograms = 8

// programBound is the bound a checker started for a run with the
// requested one keeps: the default for 0, at least one.
func programBound(requested int) int {
	if requested <= 0 {
		return defaultMaxPrograms
	}
	return requested
}

// checker is a running checker.js: one Node process holding the TypeScript
// watch programs of every project of a repository, with each compiler the
// projects use loaded once in it. Requests may be written as soon as it is
// spawned; it answers them one at a time, in order.
type checker struct {
	key     checkerKey
	cmd     *exec.Cmd
	writeMu sync.Mutex // one request line at a time
	stdin   io.WriteCloser
	exited  chan struct{} // closed once the process has exited
	stderr  *tail
	root    string
	token   string // marks its descendants (proc.TrackedEnv)

	mu      sync.Mutex // guards the fields below
	broken  error      // why the process was killed or gave up
	lastID  int
	replies int // answers received, to tell a stuck checker from a busy one
	waiting map[int]chan CheckerReply
	users   int // projects using it; the last one to let go stops it
	// answered: it has answered a request, so a later failure is worth a
	// restart; one that never answered is not tried again in the same run.
	answered bool

	stopped sync.Once
}

// checkerKey tells checkers apart: the projects of one repository run by
// one Node share one, whichever compilers they use.
type checkerKey struct{ node, root string }

// keyFor is the checker of root's projects with the toolchain tc.
func keyFor(root string, tc toolchain) checkerKey { return checkerKey{tc.node, root} }

// compilerOf names the compiler tc's projects are checked with by its real
// path: package managers link one install into each package's
// node_modules (pnpm does so for every package that lists typescript), and
// those links are one compiler, loaded once.
func compilerOf(tc toolchain) string {
	if real, err := filepath.EvalSymlinks(tc.library); err == nil {
		return real
	}
	return tc.library
}

// checkers are the running checker processes, one per key.
var checkers = struct {
	sync.Mutex
	running map[checkerKey]*checker
}{running: map[checkerKey]*checker{}}

// errChecker marks a failure of the checker itself, as opposed to the run
// being cancelled.
var errChecker = errors.New("type-checker failed")

// projectError is a request the checker answered with an error: the
// project's program failed and was dropped, the process lives on.
type projectError struct{ err error }

func (e *projectError) Error() string { return e.err.Error() }
func (e *projectError) Unwrap() error { return e.err }

// acquireChecker returns the running checker of root's projects,
// starting one when there is none, and counts the caller as a user.
func acquireChecker(root string, tc toolchain, maxPrograms int) (*checker, error) {
	key := keyFor(root, tc)
	checkers.Lock()
	defer checkers.Unlock()
	c := checkers.running[key]
	if c == nil || !c.alive() {
		var err error
		if c, err = spawnChecker(key, maxPrograms); err != nil {
			return nil, err
		}
		checkers.running[key] = c
	}
	c.mu.Lock()
	c.users++
	c.mu.Unlock()
	return c, nil
}

// release lets go of a checker acquired before; the last user stops it.
func (c *checker) release() {
	checkers.Lock()
	c.mu.Lock()
	c.users--
	last := c.users <= 0
	c.mu.Unlock()
	if last && checkers.running[c.key] == c {
		delete(checkers.running, c.key) // under the lock: nobody acquires it meanwhile
	}
	checkers.Unlock()
	if last {
		c.stop()
	}
}

// retire takes the checker out of service for every project using it and
// stops it: it failed, or nobody uses it any more.
func (c *checker) retire() {
	checkers.Lock()
	if checkers.running[c.key] == c {
		delete(checkers.running, c.key)
	}
	checkers.Unlock()
	c.stop()
}

// spawnChecker launches the checker in its own process group.
func spawnChecker(key checkerKey, maxPrograms int) (*checker, error) {
	cmd := exec.Command(key.node, "-e", checkerScript, "--", strconv.Itoa(programBound(maxPrograms)))
	cmd.Dir = key.root
	token, mark := proc.TrackedEnv()
	cmd.Env = append(cmd.Environ(), mark)
	cmd.SysProcAttr = proc.SysProcAttr()
	c := &checker{
		key:     key,
		token:   token,
		cmd:     cmd,
		exited:  make(chan struct{}),
		stderr:  &tail{max: 16 << 10},
		root:    key.root,
		waiting: map[int]chan CheckerReply{},
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

// read hands each reply to the request waiting for it until the process
// closes stdout, then reaps it. A reply nobody waits for any more (its run
// was cancelled) is dropped. A line outside the protocol ends the process:
// the stream can no longer be trusted.
func (c *checker) read(stdout io.Reader) {
	r := bufio.NewReader(stdout)
	for {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 && err == nil {
			c.dispatch(line)
		}
		if err != nil {
			break
		}
	}
	_ = c.cmd.Wait()
	proc.Untrack(c.cmd.Process.Pid)
	close(c.exited)
}

func (c *checker) dispatch(line []byte) {
	reply, err := ParseCheckerReply(line, c.root, c.root)
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case err != nil:
		c.broken = err
	case reply.Fatal != "":
		c.broken = errors.New(reply.Fatal)
	case reply.Ready:
		return
	case reply.ID == 0:
		c.broken = fmt.Errorf("unaddressed reply: %s", reply.Error)
	default:
		c.replies++
		if w := c.waiting[reply.ID]; w != nil {
			delete(c.waiting, reply.ID)
			w <- reply
		}
		return
	}
	proc.KillTree(c.cmd.Process.Pid, c.token)
}

// request is one line to the checker.
type request struct {
	ID         int      `json:"id,omitempty"`
	TypeScript string   `json:"typescript,omitempty"` // the compiler's lib/typescript.js
	Project    string   `json:"project"`
	Changed    []string `json:"changed,omitempty"`
	Fresh      bool     `json:"fresh,omitempty"`
	Close      bool     `json:"close,omitempty"`
}

func (c *checker) send(req request) error {
	line, err := json.Marshal(req)
	if err != nil {
		return err
	}
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	_, err = c.stdin.Write(append(line, '\n'))
	return err
}

// check sends the changed absolute paths for the project with the config
// file config, checked with the compiler at library, and waits for the
// diagnostics of the rebuild they cause and the compiler's version; fresh
// asks for its program to be built anew. When ctx ends first the request
// stays queued in the checker, which goes on with it (a first full check
// included); the late reply is dropped.
func (c *checker) check(ctx context.Context, library, config string, changed []string, fresh bool) ([]Diagnostic, string, error) {
	wait := make(chan CheckerReply, 1)
	c.mu.Lock()
	c.lastID++
	id := c.lastID
	c.waiting[id] = wait
	replies := c.replies
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.waiting, id)
		c.mu.Unlock()
	}()
	if err := c.send(request{ID: id, TypeScript: library, Project: config, Changed: changed, Fresh: fresh}); err != nil {
		return nil, "", c.failure(err)
	}
	if err := ctx.Err(); err != nil {
		return nil, "", err // the paths are delivered all the same
	}
	select {
	case reply := <-wait:
		if reply.Error != "" {
			return nil, "", &projectError{c.failure(errors.New(reply.Error))}
		}
		c.mu.Lock()
		c.answered = true
		c.mu.Unlock()
		return reply.Diagnostics, reply.Version, nil
	case <-c.exited:
		c.mu.Lock()
		why := c.broken
		c.mu.Unlock()
		if why == nil {
			why = fmt.Errorf("the checker exited (%s)", c.cmd.ProcessState)
		}
		return nil, "", c.failure(why)
	case <-ctx.Done():
		c.mu.Lock()
		idle := c.replies == replies
		c.mu.Unlock()
		if idle && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, "", fmt.Errorf("%w: %w", errStuck, ctx.Err())
		}
		return nil, "", ctx.Err()
	}
}

// errStuck marks a run that timed out while the checker answered nothing
// at all, for any project: it may be stuck. One that answered others
// meanwhile was only busy with them.
var errStuck = errors.New("the checker answered nothing before the timeout")

// forget drops the project's program from the checker; nothing is answered.
func (c *checker) forget(config string) {
	if c.alive() {
		_ = c.send(request{Project: config, Close: true})
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

func (c *checker) hasAnswered() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.answered
}

// stop kills the checker's process group and waits for it to be reaped.
func (c *checker) stop() {
	c.stopped.Do(func() {
		_ = c.stdin.Close()
		proc.KillTree(c.cmd.Process.Pid, c.token)
		<-c.exited
	})
}

// runWatch answers a Watch-mode run from the checker of the project's
// compiler, starting one when there is none or it died. The project's
// program is built afresh on a full run (no changed paths: a rerun, or
// events were lost), when its configuration changed, and when the checker
// has not seen the project yet. If a checker that had been answering
// fails, a fresh one gets the run; if a fresh one fails too, one-shot tsc
// does, so a broken checker costs speed, never evidence. A request the
// checker answers with an error is tried once more on a new program when
// the project had been answered before. A cancelled run leaves the checker
// running, even mid-way through the project's first check, so quick
// successive edits do not keep restarting it.
func (p *Project) runWatch(ctx context.Context, req collectors.Request, tc toolchain) model.Result {
	root, changed, maxPrograms := req.Root, req.Changed, req.LivePrograms
	p.runMu.Lock()
	defer p.runMu.Unlock()
	display := p.shownCommand(root, tc)
	config := filepath.Join(root, filepath.FromSlash(p.configPath()))

	p.mu.Lock()
	c, closes := p.checker, p.closes
	p.mu.Unlock()
	if c != nil && (!c.alive() || c.key != keyFor(root, tc)) {
		p.dropChecker(c)
		c = nil
	}
	fresh := len(changed) == 0 || p.configChanged(changed)
	abs := make([]string, len(changed))
	for i, f := range changed {
		abs[i] = filepath.Join(root, filepath.FromSlash(f))
	}

	var failure error
	for attempt := 0; attempt < 2; attempt++ {
		if c == nil {
			var err error
			if c, err = p.useChecker(root, tc, closes, maxPrograms); err != nil {
				failure = err
				break
			}
		}
		p.mu.Lock()
		fresh = fresh || !p.delivered
		p.delivered = true // the checker builds the program even if this run is cancelled
		answered := p.answered
		p.mu.Unlock()
		diags, version, err := c.check(ctx, compilerOf(tc), config, abs, fresh)
		if err == nil {
			p.mu.Lock()
			p.answered = true
			p.mu.Unlock()
			// The checker never exits, so there is no exit code to show
			// (-1); the command names what really ran and what it stands for.
			pid := c.pid()
			command := fmt.Sprintf("TypeScript %s watch checker (pid %d), equivalent to: %s", version, pid, display)
			r := p.checked(root, diags, command, -1, fmt.Sprintf("checked by a running TypeScript %s watch program (pid %d); it reports what this command would:\n%s\n%s",
				version, pid, display, proc.Excerpt(formatTsc(diags), excerptLines)))
			r.ToolVersion = version // what the running process loaded
			return r
		}
		if ctx.Err() != nil {
			if errors.Is(err, errStuck) {
				c.retire() // for every project: a stuck process answers none
				p.dropChecker(c)
			}
			return p.interrupted(ctx.Err(), "the type-checker")
		}
		failure = err
		if pe := (*projectError)(nil); errors.As(err, &pe) {
			p.mu.Lock()
			p.delivered, p.answered = false, false
			p.mu.Unlock()
			if !answered || p.closedSince(closes) {
				p.dropChecker(c) // e.g. its compiler cannot be loaded: the process serves the others
				break
			}
			fresh = true
			continue
		}
		c.retire()
		p.dropChecker(c)
		if !c.hasAnswered() || p.closedSince(closes) {
			break
		}
		c = nil
	}
	if p.closedSince(closes) {
		return p.interrupted(errClosed, "the type-checker")
	}
	r := p.runOneShot(ctx, req, tc)
	r.Output = "the type-checker failed, so tsc ran instead: " + proc.Excerpt(failure.Error(), 10) + "\n" + r.Output
	return r
}

var errClosed = errors.New("closed")

// useChecker makes the running checker of the project's compiler the
// project's own, unless Close ran since the run began.
func (p *Project) useChecker(root string, tc toolchain, closes, maxPrograms int) (*checker, error) {
	c, err := acquireChecker(root, tc, maxPrograms)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closes != closes {
		go c.release()
		return nil, errClosed
	}
	p.checker, p.delivered, p.answered = c, false, false
	return c, nil
}

// dropChecker lets go of c if it is the project's checker.
func (p *Project) dropChecker(c *checker) {
	p.mu.Lock()
	mine := p.checker == c
	if mine {
		p.checker, p.delivered, p.answered = nil, false, false
	}
	p.mu.Unlock()
	if mine {
		c.release()
	}
}

func (p *Project) closedSince(closes int) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closes != closes
}

// configChanged reports a change to the project's tsconfig files or to a
// config it extends: the program is rebuilt rather than patched.
func (p *Project) configChanged(changed []string) bool {
	for _, f := range changed {
		f = path.Clean(f)
		dir, name := path.Dir(f), path.Base(f)
		if dir == p.dir && strings.HasPrefix(name, "tsconfig") && strings.HasSuffix(name, ".json") {
			return true
		}
		if slices.Contains(p.extends, f) {
			return true
		}
	}
	return false
}

// Close drops the project's program from its checker, and stops the
// checker when no other project uses it.
func (p *Project) Close() error {
	p.mu.Lock()
	c := p.checker
	p.checker, p.delivered, p.answered = nil, false, false
	p.closes++
	p.mu.Unlock()
	if c != nil {
		c.forget(filepath.Join(c.root, filepath.FromSlash(p.configPath())))
		c.release()
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
