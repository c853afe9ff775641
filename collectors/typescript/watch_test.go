package typescript

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/proc"
)

func checkerPID(t *testing.T, p *Project) int {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.checker == nil || !p.checker.alive() {
		t.Fatal("no running checker")
	}
	return p.checker.pid()
}

// recheck runs in Watch mode after changed, asserts the running checker
// answered, and that a one-shot tsc on the same tree agrees.
func recheck(t *testing.T, p *Project, root string, pid int, changed ...string) model.Result {
	t.Helper()
	r := run(t, p, root, collectors.Watch, changed...)
	if r.Status != model.StatusOK {
		t.Fatalf("watch run: %s %s\n%s", r.Status, r.Error, r.Output)
	}
	if got := checkerPID(t, p); got != pid {
		t.Fatalf("checker was restarted (pid %d, was %d):\n%s", got, pid, r.Output)
	}
	oneShot := run(t, p, root, collectors.OneShot)
	if !reflect.DeepEqual(r.Findings, oneShot.Findings) {
		t.Fatalf("after %v watch and one-shot differ:\nwatch    %q\none-shot %q", changed, locatedFindings(r), locatedFindings(oneShot))
	}
	return r
}

// watching copies the monorepo fixture and runs the project id once in
// watch mode, so its checker is up.
func watching(t *testing.T, id string) (root string, p *Project, first model.Result) {
	t.Helper()
	needTypeScript(t)
	root = copyFixture(t, monorepoFixture)
	p = project(t, root, id)
	return root, p, run(t, p, root, collectors.Watch)
}

func TestWatchFollowsEdits(t *testing.T) {
	needTypeScript(t)
	root := copyFixture(t, monorepoFixture)
	p := project(t, root, "typescript:api")
	index := filepath.Join(root, "packages/api/src/index.ts")

	first := run(t, p, root, collectors.Watch)
	if first.Status != model.StatusOK || first.Facts["errors"] != 5 {
		t.Fatalf("first run: %s %v %s", first.Status, first.Facts, first.Error)
	}
	pid := checkerPID(t, p)

	// Fix one error.
	replaceIn(t, index, `const port: number = "8080";`, `const port: number = 8080;`)
	r := recheck(t, p, root, pid, "packages/api/src/index.ts")
	if got := r.Facts["errors"]; got != 4 {
		t.Errorf("after the fix: %v errors, want 4: %q", got, locatedFindings(r))
	}

	// A new file with an error: only a directory watcher can see it.
	writeFile(t, filepath.Join(root, "packages/api/src/extra.ts"), "export const flag: boolean = 'yes';\n")
	r = recheck(t, p, root, pid, "packages/api/src/extra.ts")
	if got := locatedFindings(r); len(got) != 5 || got[0] != "packages/api/src/extra.ts:1:14 TS2322" {
		t.Errorf("after adding extra.ts: %q", got)
	}

	// An error in a file another one imports.
	replaceIn(t, filepath.Join(root, "packages/api/src/user.ts"), "zip: number;", "zip: string;")
	r = recheck(t, p, root, pid, "packages/api/src/user.ts")
	if got := r.Facts["errors"]; got != 3 {
		t.Errorf("after changing User.address.zip: %v errors, want 3: %q", got, locatedFindings(r))
	}

	// Deleting the new file and breaking the syntax of another.
	if err := os.Remove(filepath.Join(root, "packages/api/src/extra.ts")); err != nil {
		t.Fatal(err)
	}
	replaceIn(t, index, "export function start(): string {", "export function start(: string {")
	r = recheck(t, p, root, pid, "packages/api/src/extra.ts", "packages/api/src/index.ts")
	for _, f := range r.Findings {
		if f.Rule[:3] != "TS1" {
			t.Errorf("with a syntax error only syntax errors are reported, got %s %s", f.Location(), f.Rule)
		}
	}
	if len(r.Findings) == 0 {
		t.Error("the syntax error was not reported")
	}
}

func TestWatchRestartsDeadChecker(t *testing.T) {
	root, p, before := watching(t, "typescript:api")
	pid := checkerPID(t, p)

	old := p.checker
	proc.KillGroup(pid)
	<-old.exited

	after := run(t, p, root, collectors.Watch, "packages/api/src/index.ts")
	if after.Status != model.StatusOK || !reflect.DeepEqual(after.Findings, before.Findings) {
		t.Fatalf("after the kill: %s %s\n%s", after.Status, after.Error, after.Output)
	}
	if got := checkerPID(t, p); got == pid {
		t.Errorf("still pid %d", got)
	}
}

func TestWatchRestartsOnConfigChange(t *testing.T) {
	root, p, _ := watching(t, "typescript:api")
	pid := checkerPID(t, p)

	replaceIn(t, filepath.Join(root, "packages/api/tsconfig.json"), `"include": ["src"]`, `"include": ["src/user.ts"]`)
	r := run(t, p, root, collectors.Watch, "packages/api/tsconfig.json")
	if r.Status != model.StatusOK || r.Facts["errors"] != 0 {
		t.Errorf("with index.ts no longer included: %s, %v errors %q", r.Status, r.Facts["errors"], locatedFindings(r))
	}
	if checkerPID(t, p) != pid {
		t.Error("a tsconfig change restarted the process, not only the project's program")
	}
}

func TestWatchCancelledRunKeepsChecker(t *testing.T) {
	root, p, _ := watching(t, "typescript:api")
	pid := checkerPID(t, p)

	replaceIn(t, filepath.Join(root, "packages/api/src/index.ts"), `const port: number = "8080";`, `const port: number = 8080;`)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := p.Run(ctx, collectors.Request{Root: root, Mode: collectors.Watch, Changed: []string{"packages/api/src/index.ts"}})
	if r.Status != model.StatusUnknown {
		t.Errorf("cancelled run: %s %s", r.Status, r.Error)
	}

	// The change was delivered; the late reply to the cancelled request is
	// skipped, not mistaken for this one's.
	r = recheck(t, p, root, pid, "packages/api/src/user.ts")
	if r.Facts["errors"] != 4 {
		t.Errorf("after a cancelled run: %v errors, want 4", r.Facts["errors"])
	}
}

func TestCloseStopsChecker(t *testing.T) {
	_, p, _ := watching(t, "typescript:web")
	pid := checkerPID(t, p)
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("checker %d still exists after Close: %v", pid, err)
	}
	if p.checker != nil {
		t.Error("Close left a checker behind")
	}
}

// Edits arriving while the first full check is still running cancel the
// run that started it, but not the check: the next run picks it up.
func TestWatchCancelledStartKeepsChecker(t *testing.T) {
	needTypeScript(t)
	root := copyFixture(t, monorepoFixture)
	p := project(t, root, "typescript:api")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := p.Run(ctx, collectors.Request{Root: root, Mode: collectors.Watch})
	if r.Status != model.StatusUnknown {
		t.Fatalf("cancelled first run: %s %s", r.Status, r.Error)
	}
	pid := checkerPID(t, p)
	replaceIn(t, filepath.Join(root, "packages/api/src/index.ts"), "export const total = count + 1;", "export const total = 1;")
	if r := recheck(t, p, root, pid, "packages/api/src/index.ts"); r.Facts["errors"] != 4 {
		t.Errorf("%v errors, want 4", r.Facts["errors"])
	}
}

// A full run (no changed paths: a rerun, or after lost events) does not
// trust what the checker has seen and builds the project's program afresh.
func TestWatchFullRunRebuildsProgram(t *testing.T) {
	root, p, _ := watching(t, "typescript:api")
	pid := checkerPID(t, p)
	// An edit whose event was lost.
	replaceIn(t, filepath.Join(root, "packages/api/src/index.ts"), `const port: number = "8080";`, `const port: number = 8080;`)
	r := run(t, p, root, collectors.Watch)
	if r.Status != model.StatusOK || r.Facts["errors"] != 4 {
		t.Fatalf("full run after an unannounced fix: %s %s, %v errors, want 4", r.Status, r.Error, r.Facts["errors"])
	}
	if checkerPID(t, p) != pid {
		t.Error("a full run restarted the process, not only the project's program")
	}
}

type brokenPipe struct{}

func (brokenPipe) Write([]byte) (int, error) { return 0, syscall.EPIPE }
func (brokenPipe) Close() error              { return nil }

// A checker that fails in the middle of a run after having worked is
// replaced within the same run, without falling back to one-shot tsc.
func TestWatchReplacesCheckerFailingMidRun(t *testing.T) {
	root, p, before := watching(t, "typescript:api")
	pid := checkerPID(t, p)
	p.checker.stdin = brokenPipe{}

	after := run(t, p, root, collectors.Watch, "packages/api/src/index.ts")
	if after.Status != model.StatusOK || !reflect.DeepEqual(after.Findings, before.Findings) {
		t.Fatalf("%s %s\n%s", after.Status, after.Error, after.Output)
	}
	if !strings.HasPrefix(after.Output, "checked by a running TypeScript 5.9.3 watch program") {
		t.Errorf("the run fell back to one-shot tsc:\n%s", after.Output)
	}
	if got := checkerPID(t, p); got == pid {
		t.Error("the failed checker is still in use")
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("the failed checker %d was not stopped: %v", pid, err)
	}
}

// A file that vanished without an event (lost in a watcher overflow) must
// not stay in the program as TS6053 "file not found".
func TestWatchReconcilesFilesThatVanishedUnannounced(t *testing.T) {
	needTypeScript(t)
	root := copyFixture(t, monorepoFixture)
	p := project(t, root, "typescript:api")
	extra := filepath.Join(root, "packages/api/src/extra.ts")
	writeFile(t, extra, "export const flag: boolean = 'yes';\n")
	first := run(t, p, root, collectors.Watch)
	if first.Status != model.StatusOK {
		t.Fatalf("first run: %s %s", first.Status, first.Error)
	}
	pid := checkerPID(t, p)
	if err := os.Remove(extra); err != nil {
		t.Fatal(err)
	}
	// The run is told about another file only.
	r := recheck(t, p, root, pid, "packages/api/src/index.ts")
	for _, f := range r.Findings {
		if f.Rule == "TS6053" || strings.Contains(f.File, "extra.ts") {
			t.Errorf("the deleted file is still checked: %s %s %s", f.Location(), f.Rule, f.Message)
		}
	}
}
