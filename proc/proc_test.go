package proc

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/internal/fixturetest"
)

func TestExitCodeIsNotAnError(t *testing.T) {
	out, err := Run(context.Background(), Cmd{Name: "sh", Args: []string{"-c", "echo out; echo err >&2; exit 3"}})
	if err != nil {
		t.Fatal(err)
	}
	if out.ExitCode != 3 || string(out.Stdout) != "out\n" || string(out.Stderr) != "err\n" {
		t.Fatalf("got %+v", out)
	}
}

func TestMissingToolIsNotFound(t *testing.T) {
	_, err := Run(context.Background(), Cmd{Name: "preflight-no-such-tool"})
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
}

// TestTimeoutKillsTheWholeProcessGroup starts a tool that leaves a
// grandchild behind (as npx or go test do) and checks the timeout kills it too.
func TestTimeoutKillsTheWholeProcessGroup(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	script := "sleep 300 & echo $! > " + pidFile + "; wait"
	// Long enough for a loaded machine to start the grandchild and write
	// its pid before the timeout kills the group.
	out, err := Run(context.Background(), Cmd{Name: "sh", Args: []string{"-c", script}, Timeout: 2 * time.Second})
	if !errors.Is(err, context.DeadlineExceeded) || !out.TimedOut || out.ExitCode != -1 {
		t.Fatalf("err %v out %+v", err, out)
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	// The grandchild is gone (or a zombie about to be reaped by init).
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := syscall.Kill(pid, 0)
		state, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil || strings.Contains(string(state), ") Z ") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("grandchild %d survived the timeout", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A tool stopped at its timeout says how long it had been quiet: one that
// still prints, for a moment; one that printed once and then waited, or
// never printed, for most of its run.
func TestQuietTimeOfAStoppedTool(t *testing.T) {
	run := func(script string) Output {
		out, err := Run(context.Background(), Cmd{Name: "sh", Args: []string{"-c", script}, Timeout: 2 * time.Second})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("%s: err %v", script, err)
		}
		return out
	}
	chatty := run("while :; do echo test passed; sleep 0.05; done")
	once := run("echo started; sleep 300")
	silent := run("sleep 300")
	if !(chatty.Quiet < once.Quiet/2 && once.Quiet > once.Duration/2 && silent.Quiet > silent.Duration/2 && silent.Quiet <= silent.Duration) {
		t.Errorf("quiet: chatty %v, once %v, silent %v (of %v)", chatty.Quiet, once.Quiet, silent.Quiet, silent.Duration)
	}
	if done, _ := Run(context.Background(), Cmd{Name: "sh", Args: []string{"-c", "echo x"}}); done.Quiet != 0 {
		t.Errorf("a tool that exited has quiet %v", done.Quiet)
	}
}

func TestCancelStopsTheTool(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(100 * time.Millisecond); cancel() }()
	out, err := Run(ctx, Cmd{Name: "sleep", Args: []string{"300"}})
	if !errors.Is(err, context.Canceled) || out.TimedOut {
		t.Fatalf("err %v out %+v", err, out)
	}
}

func TestOutputIsCappedAtTheStart(t *testing.T) {
	out, err := Run(context.Background(), Cmd{Name: "sh", Args: []string{"-c", "echo first; yes line | head -n 10000"}, MaxOutput: 64})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Stdout) != 64 || !out.Truncated || !strings.HasPrefix(string(out.Stdout), "first\n") {
		t.Fatalf("stdout %d bytes, truncated %v: %q", len(out.Stdout), out.Truncated, out.Stdout)
	}
}

func TestStdinAndEnv(t *testing.T) {
	out, err := Run(context.Background(), Cmd{Name: "sh", Args: []string{"-c", "cat; echo $PF_TEST"}, Stdin: []byte("in\n"), Env: []string{"PF_TEST=env"}})
	if err != nil || string(out.Stdout) != "in\nenv\n" {
		t.Fatalf("err %v stdout %q", err, out.Stdout)
	}
}

func TestCommandStringQuotesWhatNeedsIt(t *testing.T) {
	got := Cmd{Name: "tsc", Args: []string{"-p", "my app/tsconfig.json", "it's"}}.String()
	if got != `tsc -p 'my app/tsconfig.json' 'it'\''s'` {
		t.Fatalf("got %s", got)
	}
	// A glob the tool expands itself must reach it unexpanded when pasted.
	got = Cmd{Name: "eslint", Args: []string{"-f", "json", "{src,test}/**/*.ts", "a|b", "--out={report}"}}.String()
	if got != `eslint -f json '{src,test}/**/*.ts' 'a|b' --out={report}` {
		t.Fatalf("got %s", got)
	}
}

func TestExcerptKeepsTheLastLines(t *testing.T) {
	if got := Excerpt("a\nb\nc\n", 5); got != "a\nb\nc" {
		t.Errorf("short text changed: %q", got)
	}
	if got := Excerpt("1\n2\n3\n4\n5", 2); got != "… 3 lines omitted …\n4\n5" {
		t.Errorf("got %q", got)
	}
}

func TestTeeSeesOutputAsItArrives(t *testing.T) {
	var out, errOut strings.Builder
	res, err := Run(context.Background(), Cmd{Name: "sh", Args: []string{"-c", "echo one; echo two >&2"}, Tee: &out, TeeStderr: &errOut, MaxOutput: 2})
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != "one\n" || errOut.String() != "two\n" {
		t.Fatalf("tee got %q / %q", out.String(), errOut.String())
	}
	if string(res.Stdout) != "on" || !res.Truncated {
		t.Errorf("the cap must still apply to the captured output: %q", res.Stdout)
	}
}

// One writer for both streams, as progress readers take it, gets one
// write at a time: a plain buffer sees every byte (under -race, a data
// race otherwise).
func TestOneTeeForBothStreams(t *testing.T) {
	var both bytes.Buffer
	script := "for i in $(seq 2000); do echo out$i; echo err$i >&2; done"
	res, err := Run(context.Background(), Cmd{Name: "sh", Args: []string{"-c", script}, Tee: &both, TeeStderr: &both})
	if err != nil {
		t.Fatal(err)
	}
	if both.Len() != len(res.Stdout)+len(res.Stderr) || strings.Count(both.String(), "\n") != 4000 {
		t.Errorf("tee got %d bytes, %d lines; the streams had %d", both.Len(), strings.Count(both.String(), "\n"), len(res.Stdout)+len(res.Stderr))
	}
}

// A tool that runs `git status` would refresh the user's index and write
// it back under the index lock; preflight's tools take no optional lock.
func TestToolsLeaveTheUsersIndexAlone(t *testing.T) {
	untouched := fixturetest.IndexUntouched(t, func(dir string) {
		out, err := Run(context.Background(), Cmd{Dir: dir, Name: "git", Args: []string{"status", "--porcelain"}})
		if err != nil || out.ExitCode != 0 {
			t.Fatalf("git status: %v %s", err, out.Stderr)
		}
	})
	if !untouched {
		t.Error("a tool's git rewrote the user's index")
	}
}
