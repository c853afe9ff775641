package typescript

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/model"
)

// watchAgrees runs p in Watch mode after changed and asserts that a
// one-shot tsc on the same tree finds the same; it returns the watch result.
func watchAgrees(t *testing.T, p *Project, root string, changed ...string) model.Result {
	t.Helper()
	r := run(t, p, root, collectors.Watch, changed...)
	if r.Status != model.StatusOK || !strings.Contains(r.Output, "checked by a running TypeScript") {
		t.Fatalf("%s watch run after %v: %s %s\n%s", p.ID(), changed, r.Status, r.Error, r.Output)
	}
	oneShot := run(t, p, root, collectors.OneShot)
	if got, want := locatedFindings(r), locatedFindings(oneShot); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("%s after %v: watch and one-shot differ:\nwatch    %q\none-shot %q", p.ID(), changed, got, want)
	}
	for i := range r.Findings {
		if r.Findings[i] != oneShot.Findings[i] {
			t.Fatalf("%s after %v: finding %d differs:\nwatch    %+v\none-shot %+v", p.ID(), changed, i, r.Findings[i], oneShot.Findings[i])
		}
	}
	return r
}

// The projects of one compiler installation share one checker process, and
// each still reports what tsc does on it.
func TestWatchProjectsShareOneChecker(t *testing.T) {
	needTypeScript(t)
	root := copyFixture(t, monorepoFixture)
	api := project(t, root, "typescript:api")
	web := project(t, root, "typescript:web")

	watchAgrees(t, api, root)
	watchAgrees(t, web, root)
	pid := checkerPID(t, api)
	if got := checkerPID(t, web); got != pid {
		t.Fatalf("api is checked by pid %d, web by pid %d", pid, got)
	}

	replaceIn(t, filepath.Join(root, "packages/web/src/main.ts"), "export", "export const broken: number = 'no';\nexport")
	if r := watchAgrees(t, web, root, "packages/web/src/main.ts"); r.Facts["errors"] != 1 {
		t.Errorf("web after the edit: %q", locatedFindings(r))
	}
	replaceIn(t, filepath.Join(root, "packages/api/src/index.ts"), `const port: number = "8080";`, `const port: number = 8080;`)
	if r := watchAgrees(t, api, root, "packages/api/src/index.ts"); r.Facts["errors"] != 4 {
		t.Errorf("api after the fix: %q", locatedFindings(r))
	}
	if checkerPID(t, api) != pid || checkerPID(t, web) != pid {
		t.Error("the shared checker was restarted")
	}

	// The process lives as long as one of its projects does.
	if err := api.Close(); err != nil {
		t.Fatal(err)
	}
	watchAgrees(t, web, root, "packages/web/src/main.ts")
	if checkerPID(t, web) != pid {
		t.Error("closing api stopped the checker web uses")
	}
}

// A project with references is checked against the declarations of the
// projects it references, as tsc -p does: missing ones are TS6305, and
// once they are written, their types count.
func TestWatchProjectReferences(t *testing.T) {
	needTypeScript(t)
	root := copyFixture(t, referencesFixture)
	app := project(t, root, "typescript:app")
	core := project(t, root, "typescript:core")

	if r := watchAgrees(t, app, root); len(r.Findings) != 1 || r.Findings[0].Rule != "TS6305" {
		t.Errorf("app before core is built: %q", locatedFindings(r))
	}
	if r := watchAgrees(t, core, root); r.Facts["errors"] != 1 {
		t.Errorf("core: %q", locatedFindings(r))
	}

	// What `tsc -b core` would write.
	writeFile(t, filepath.Join(root, "core/dist/index.d.ts"), "export declare function add(a: number, b: number): number;\nexport declare const label: string;\n")
	writeFile(t, filepath.Join(root, "core/dist/index.js"), "export function add(a, b) { return a + b; }\nexport const label = 42;\n")
	if r := watchAgrees(t, app, root, "core/dist/index.d.ts", "core/dist/index.js"); len(r.Findings) != 1 || r.Findings[0].Rule != "TS2322" {
		t.Errorf("app once core is built: %q", locatedFindings(r))
	}

	// A change to the declarations reaches the project that references them.
	replaceIn(t, filepath.Join(root, "core/dist/index.d.ts"), "b: number): number", "b: number): string")
	if r := watchAgrees(t, app, root, "core/dist/index.d.ts"); len(r.Findings) != 0 {
		t.Errorf("app once add returns a string: %q", locatedFindings(r))
	}
	replaceIn(t, filepath.Join(root, "core/src/index.ts"), "label: string = 42", `label: string = "core"`)
	if r := watchAgrees(t, core, root, "core/src/index.ts"); len(r.Findings) != 0 {
		t.Errorf("core after the fix: %q", locatedFindings(r))
	}
	if checkerPID(t, app) != checkerPID(t, core) {
		t.Error("app and core are checked by different processes")
	}
}

// With room for one program, every switch between two projects drops one
// program and rebuilds the other; the findings stay tsc's throughout.
func TestWatchEvictedProgramIsRebuilt(t *testing.T) {
	needTypeScript(t)
	roomForPrograms(t, 1)
	root := copyFixture(t, monorepoFixture)
	api := project(t, root, "typescript:api")
	web := project(t, root, "typescript:web")
	index := filepath.Join(root, "packages/api/src/index.ts")
	main := filepath.Join(root, "packages/web/src/main.ts")

	watchAgrees(t, api, root)
	pid := checkerPID(t, api)
	watchAgrees(t, web, root)

	edits := []struct {
		p         *Project
		file, rel string
		old, new  string
	}{
		{api, index, "packages/api/src/index.ts", `const port: number = "8080";`, `const port: number = 8080;`},
		{web, main, "packages/web/src/main.ts", "export", "export const one: number = 'one';\nexport"},
		{api, index, "packages/api/src/index.ts", "export const total = count + 1;", "export const total = 1;"},
		{web, main, "packages/web/src/main.ts", "const one: number = 'one'", "const one: number = 1"},
	}
	for _, e := range edits {
		replaceIn(t, e.file, e.old, e.new)
		watchAgrees(t, e.p, root, e.rel)
	}

	// An evicted program is rebuilt from the disk: an edit nobody announced
	// shows up in api's next run, which a kept program would have missed.
	replaceIn(t, index, "const port: number = 8080;", `const port: number = "8080";`)
	r := watchAgrees(t, web, root, "packages/web/src/main.ts")
	if r.Facts["errors"] != 0 {
		t.Errorf("web: %q", locatedFindings(r))
	}
	if r := watchAgrees(t, api, root, "packages/api/src/user.ts"); r.Facts["errors"] != 4 {
		t.Errorf("api after the unannounced edit: %v errors, want 4: %q", r.Facts["errors"], locatedFindings(r))
	}
	if checkerPID(t, api) != pid || checkerPID(t, web) != pid {
		t.Error("the checker was restarted")
	}
}

// A project with references whose program was dropped is rebuilt against
// the declarations on the disk: a change to them while its program was
// gone, which nobody announced to it, shows up in its next run.
func TestWatchEvictedProgramWithReferencesIsRebuilt(t *testing.T) {
	needTypeScript(t)
	roomForPrograms(t, 1)
	root := copyFixture(t, referencesFixture)
	app := project(t, root, "typescript:app")
	core := project(t, root, "typescript:core")
	decls := filepath.Join(root, "core/dist/index.d.ts")

	// What `tsc -b core` would write.
	writeFile(t, decls, "export declare function add(a: number, b: number): number;\nexport declare const label: string;\n")
	writeFile(t, filepath.Join(root, "core/dist/index.js"), "export function add(a, b) { return a + b; }\nexport const label = 42;\n")
	if r := watchAgrees(t, app, root); len(r.Findings) != 1 || r.Findings[0].Rule != "TS2322" {
		t.Fatalf("app once core is built: %q", locatedFindings(r))
	}
	pid := checkerPID(t, app)

	// Each step runs core (dropping app's program), changes core's
	// declarations in place, then runs app, told only of a file of its own
	// that did not change: only a program rebuilt from the disk sees the
	// new declarations. The second step's change is announced to core's run
	// while app's program is gone, which reaches no program of app's.
	steps := []struct {
		old, new    string
		announce    bool
		errors      float64
		description string
	}{
		{"b: number): number", "b: number): string", false, 0, "add returns a string"},
		{"label: string", "label: number", true, 1, "label is a number"},
		{"label: number", "label: string", false, 0, "label is a string again"},
	}
	for _, s := range steps {
		if r := watchAgrees(t, core, root, "core/src/index.ts"); r.Facts["errors"] != 1 {
			t.Fatalf("core: %q", locatedFindings(r))
		}
		replaceIn(t, decls, s.old, s.new)
		if s.announce {
			watchAgrees(t, core, root, "core/dist/index.d.ts")
		}
		r := watchAgrees(t, app, root, "app/src/main.ts")
		if r.Facts["errors"] != s.errors {
			t.Errorf("app once %s: %v errors, want %v: %q", s.description, r.Facts["errors"], s.errors, locatedFindings(r))
		}
	}
	if checkerPID(t, app) != pid || checkerPID(t, core) != pid {
		t.Error("the checker was restarted, or app and core run in different processes")
	}
}

// Several projects of different fixtures, each in Watch mode, agree with
// tsc while sharing the process of their root.
func TestWatchSharedProcessAgreesOnEveryFixture(t *testing.T) {
	needTypeScript(t)
	for _, fixture := range []string{monorepoFixture, projectsFixture, referencesFixture} {
		root := copyFixture(t, fixture)
		var pid int
		for i, c := range Detect(root, listFiles(t, root)) {
			p := project(t, root, c.ID())
			watchAgrees(t, p, root)
			if i == 0 {
				pid = checkerPID(t, p)
			} else if got := checkerPID(t, p); got != pid {
				t.Errorf("%s: %s runs in pid %d, not %d", fixture, c.ID(), got, pid)
			}
		}
	}
}

func TestProgramBound(t *testing.T) {
	for requested, want := range map[int]int{-1: defaultMaxPrograms, 0: defaultMaxPrograms, 1: 1, 3: 3} {
		if got := programBound(requested); got != want {
			t.Errorf("programBound(%d) = %d, want %d", requested, got, want)
		}
	}
}

// dropRequests stands in for a checker's stdin: request lines that contain
// drop never reach the process, as if it were stuck on them; seen is
// signalled for each one dropped.
type dropRequests struct {
	io.WriteCloser
	drop string
	seen chan struct{}
}

func (d dropRequests) Write(b []byte) (int, error) {
	if strings.Contains(string(b), d.drop) {
		d.seen <- struct{}{}
		return len(b), nil
	}
	return d.WriteCloser.Write(b)
}

// A run that times out while the checker answers nothing at all stops
// the checker: it may be stuck, for every project. The next run starts a
// new one.
func TestWatchTimeoutStopsAStuckChecker(t *testing.T) {
	needTypeScript(t)
	root := copyFixture(t, monorepoFixture)
	p := project(t, root, "typescript:api")
	before := run(t, p, root, collectors.Watch)
	pid := checkerPID(t, p)
	seen := make(chan struct{}, 1)
	p.checker.stdin = dropRequests{p.checker.stdin, "tsconfig", seen}

	r := p.Run(context.Background(), collectors.Request{Root: root, Mode: collectors.Watch, Changed: []string{"packages/api/src/index.ts"}, Timeout: 2 * time.Second})
	if r.Status != model.StatusUnknown || !strings.Contains(r.Error, "timed out") {
		t.Fatalf("%s %s", r.Status, r.Error)
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("the stuck checker %d still runs: %v", pid, err)
	}
	after := run(t, p, root, collectors.Watch, "packages/api/src/index.ts")
	if after.Status != model.StatusOK || !reflect.DeepEqual(after.Findings, before.Findings) || checkerPID(t, p) == pid {
		t.Errorf("after the timeout: %s %s\n%s", after.Status, after.Error, after.Output)
	}
}

// A run that times out while the checker answers other projects was only
// waiting its turn: the checker keeps serving them.
func TestWatchTimeoutKeepsABusyChecker(t *testing.T) {
	needTypeScript(t)
	root := copyFixture(t, monorepoFixture)
	api := project(t, root, "typescript:api")
	web := project(t, root, "typescript:web")
	run(t, api, root, collectors.Watch)
	watchAgrees(t, web, root)
	pid := checkerPID(t, api)
	seen := make(chan struct{}, 1)
	api.checker.stdin = dropRequests{api.checker.stdin, "packages/api/tsconfig.json", seen}

	done := make(chan model.Result, 1)
	go func() {
		done <- api.Run(context.Background(), collectors.Request{Root: root, Mode: collectors.Watch, Changed: []string{"packages/api/src/index.ts"}, Timeout: 20 * time.Second})
	}()
	<-seen
	watchAgrees(t, web, root, "packages/web/src/main.ts") // answered while api waits
	if r := <-done; r.Status != model.StatusUnknown || !strings.Contains(r.Error, "timed out") {
		t.Fatalf("api: %s %s", r.Status, r.Error)
	}
	watchAgrees(t, web, root, "packages/web/src/main.ts")
	if got := checkerPID(t, web); got != pid {
		t.Errorf("the checker was replaced (pid %d, was %d)", got, pid)
	}
}

// A package in node_modules is parsed once for every project that uses
// it. preflight never hears of changes there (node_modules is not
// watched), so a full run compares the shared files with the disk, and
// the other projects holding a changed one rebuild their programs.
func TestWatchFullRunRereadsSharedNodeModules(t *testing.T) {
	needTypeScript(t)
	root := filepath.Join(t.TempDir(), "repo")
	if err := os.MkdirAll(filepath.Join(root, "node_modules"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(testdata(t, "node_modules", "typescript"), filepath.Join(root, "node_modules", "typescript")); err != nil {
		t.Fatal(err)
	}
	dep := filepath.Join(root, "node_modules", "dep", "index.d.ts")
	writeFile(t, filepath.Join(root, "node_modules", "dep", "package.json"), `{"name": "dep", "version": "1.0.0", "types": "./index.d.ts"}`)
	writeFile(t, dep, "export declare const size: number;\n")
	for _, dir := range []string{"a", "b"} {
		writeFile(t, filepath.Join(root, dir, "tsconfig.json"), `{"compilerOptions": {"target": "es2022", "lib": ["es2022"], "module": "esnext", "moduleResolution": "bundler", "strict": true, "noEmit": true}, "include": ["src"]}`)
		writeFile(t, filepath.Join(root, dir, "src", "index.ts"), "import { size } from \"dep\";\n\nexport const label: string = size;\n")
	}
	a := project(t, root, "typescript:a")
	b := project(t, root, "typescript:b")
	for _, p := range []*Project{a, b} {
		if r := watchAgrees(t, p, root); r.Facts["errors"] != 1 {
			t.Fatalf("%s: %q", p.ID(), locatedFindings(r))
		}
	}

	writeFile(t, dep, "export declare const size: string; // reinstalled\n")
	if r := watchAgrees(t, a, root); r.Facts["errors"] != 0 {
		t.Errorf("a's full run after dep changed: %q", locatedFindings(r))
	}
	// Asked about a change that is not in its program, b still rebuilds.
	if r := watchAgrees(t, b, root, "a/src/index.ts"); r.Facts["errors"] != 0 {
		t.Errorf("b after a's full run saw dep change: %q", locatedFindings(r))
	}
	if checkerPID(t, a) != checkerPID(t, b) {
		t.Error("a and b are checked by different processes")
	}
}

// One process checks every project of a repository: a project with a
// TypeScript install of its own is checked in it with that install, and a
// link to the same install (as package managers make in each package's
// node_modules) is that compiler, loaded once.
func TestWatchOneCheckerForEveryCompilerInstall(t *testing.T) {
	tc := needTypeScript(t)
	root := copyFixture(t, monorepoFixture)
	real, err := filepath.EvalSymlinks(filepath.Dir(filepath.Dir(tc.library)))
	if err != nil {
		t.Fatal(err)
	}
	// web links the shared install into its own node_modules.
	if err := os.MkdirAll(filepath.Join(root, "packages/web/node_modules"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, filepath.Join(root, "packages/web/node_modules/typescript")); err != nil {
		t.Fatal(err)
	}
	// api has an install of its own: a package that loads the same compiler
	// code from another place, so it is another library to preflight.
	own := filepath.Join(root, "packages/api/node_modules/typescript")
	writeFile(t, filepath.Join(own, "package.json"), `{"name": "typescript", "version": "5.9.3"}`)
	writeFile(t, filepath.Join(own, "lib/typescript.js"), "module.exports = require("+strconv.Quote(filepath.Join(real, "lib/typescript.js"))+");\n")
	writeFile(t, filepath.Join(own, "bin/tsc"), "require("+strconv.Quote(filepath.Join(real, "lib/tsc.js"))+");\n")

	// tools uses the repository's install, through no link of its own.
	writeFile(t, filepath.Join(root, "packages/tools/tsconfig.json"), `{"compilerOptions": {"strict": true, "noEmit": true, "lib": ["es2022"]}, "include": ["src"]}`)
	writeFile(t, filepath.Join(root, "packages/tools/src/run.ts"), "export const steps: number = 'three';\n")

	api := project(t, root, "typescript:api")
	web := project(t, root, "typescript:web")
	tools := project(t, root, "typescript:tools")
	watchAgrees(t, web, root)
	watchAgrees(t, api, root)
	watchAgrees(t, tools, root)
	if a, w := checkerPID(t, api), checkerPID(t, web); a != w {
		t.Errorf("api, with a compiler of its own, runs in pid %d, web in pid %d", a, w)
	}
	if w, tl := checkerPID(t, web), checkerPID(t, tools); w != tl {
		t.Errorf("web's link to the repository's install got pid %d, tools pid %d", w, tl)
	}
	other := copyFixture(t, monorepoFixture) // another repository: its own checker
	webElsewhere := project(t, other, "typescript:web")
	watchAgrees(t, webElsewhere, other)
	if checkerPID(t, webElsewhere) == checkerPID(t, web) {
		t.Error("two repositories share a checker")
	}
}
