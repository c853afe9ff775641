package cache

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/coverage"
	"github.com/preflight-dev/preflight/collectors/junit"
	"github.com/preflight-dev/preflight/model"
)

type fakeCollector struct {
	id     string
	inputs []string
	online bool
}

func (f fakeCollector) ID() string       { return f.id }
func (f fakeCollector) Kind() string     { return "fake" }
func (f fakeCollector) Domain() string   { return "build" }
func (f fakeCollector) Inputs() []string { return f.inputs }
func (f fakeCollector) Online() bool     { return f.online }
func (f fakeCollector) Run(context.Context, collectors.Request) model.Result {
	return model.Result{}
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestResultsAreReusedOnlyForIdenticalInputs(t *testing.T) {
	root, bin := t.TempDir(), t.TempDir()
	t.Setenv("PATH", bin)
	writeFile(t, filepath.Join(bin, "faketool"), "#!/bin/sh\n")
	writeFile(t, filepath.Join(root, "src/a.ts"), "let a = 1\n")
	writeFile(t, filepath.Join(root, "README.md"), "# r\n")
	files := []string{"README.md", "src/a.ts"}
	store := At(t.TempDir())
	col := fakeCollector{id: "fake:src", inputs: []string{"src/**/*.ts"}}
	when := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	res := model.Result{Collector: col.id, Status: model.StatusOK, Command: "faketool --check src", ExitCode: 1,
		FinishedAt: when, Duration: 3 * time.Second, Facts: map[string]float64{"errors": 1},
		Findings: []model.Finding{{ID: "f1", Collector: col.id, Rule: "R1", File: "src/a.ts", Line: 1}}}

	open := func(config string) *Results {
		t.Helper()
		r, err := store.Results(root, files, config, "1.0")
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := open("cfg")
	if _, ok := r.Lookup(col); ok {
		t.Fatal("an empty cache returned a result")
	}
	r.Put(col, res)
	if err := r.Save(); err != nil {
		t.Fatal(err)
	}

	r = open("cfg")
	got, ok := r.Lookup(col)
	if !ok || !got.Cached || got.ExitCode != 1 || len(got.Findings) != 1 || got.Findings[0].ID != "f1" || !got.FinishedAt.Equal(when) || got.Duration != 3*time.Second {
		t.Fatalf("reopened cache: ok=%v %+v", ok, got)
	}

	// A file that is not an input changes nothing.
	writeFile(t, filepath.Join(root, "README.md"), "# changed\n")
	if _, ok := open("cfg").Lookup(col); !ok {
		t.Error("a change to a file that is not an input dropped the result")
	}
	if _, ok := open("other settings").Lookup(col); ok {
		t.Error("other settings reused the result")
	}
	if _, ok := open("cfg").Lookup(fakeCollector{id: "fake:src", inputs: []string{"src/**/*.ts", "README.md"}}); ok {
		t.Error("a collector with other inputs reused the result")
	}

	// A new build of the tool is another tool.
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(filepath.Join(bin, "faketool"), later, later); err != nil {
		t.Fatal(err)
	}
	if _, ok := open("cfg").Lookup(col); ok {
		t.Error("a changed tool reused the result")
	}
	r = open("cfg")
	r.Put(col, res)

	// Same content again, read anew: reused; other content: not.
	writeFile(t, filepath.Join(root, "src/a.ts"), "let a = 1\n")
	if _, ok := open("cfg").Lookup(col); ok {
		t.Error("the unsaved put was visible to another process")
	}
	if err := r.Save(); err != nil {
		t.Fatal(err)
	}
	if _, ok := open("cfg").Lookup(col); !ok {
		t.Error("rewriting a file with the same content dropped the result")
	}
	writeFile(t, filepath.Join(root, "src/a.ts"), "let a = 2\n")
	if _, ok := open("cfg").Lookup(col); ok {
		t.Error("an edited input reused the result")
	}
}

func TestOnlineResultsExpireAndFailuresAreNotKept(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "package-lock.json"), "{}")
	store := At(t.TempDir())
	r, err := store.Results(root, []string{"package-lock.json"}, "", "1.0")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	r.Now = func() time.Time { return now }
	audit := fakeCollector{id: "audit:.", inputs: []string{"package-lock.json"}, online: true}
	r.Put(audit, model.Result{Status: model.StatusOK, FinishedAt: now.Add(-23 * time.Hour)})
	if _, ok := r.Lookup(audit); !ok {
		t.Error("a 23-hour-old advisory result was not reused")
	}
	for _, env := range []string{"GOVULNDB", "npm_config_registry"} {
		t.Setenv(env, "file:///another/database")
		if _, ok := r.Lookup(audit); ok {
			t.Errorf("a result from another database was reused when %s changed", env)
		}
		os.Unsetenv(env)
	}
	r.Put(audit, model.Result{Status: model.StatusOK, FinishedAt: now.Add(-25 * time.Hour)})
	if _, ok := r.Lookup(audit); ok {
		t.Error("a 25-hour-old advisory result was reused")
	}
	offline := fakeCollector{id: "lint:.", inputs: []string{"package-lock.json"}}
	r.Put(offline, model.Result{Status: model.StatusOK, FinishedAt: now.Add(-25 * time.Hour)})
	if _, ok := r.Lookup(offline); !ok {
		t.Error("an offline result aged out")
	}
	r.Put(offline, model.Result{Status: model.StatusUnknown, Error: "not installed"})
	if _, ok := r.Lookup(offline); ok {
		t.Error("after a run without evidence the older result was still reused")
	}
}

func TestInstallingPackagesInvalidatesJavaScriptResults(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "web/package.json"), "{}")
	writeFile(t, filepath.Join(root, "web/a.ts"), "x")
	store := At(t.TempDir())
	col := fakeCollector{id: "ts:web", inputs: []string{"web/**"}}
	open := func() *Results {
		r, err := store.Results(root, []string{"web/a.ts", "web/package.json"}, "", "1.0")
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := open()
	r.Put(col, model.Result{Status: model.StatusOK})
	if _, ok := r.Lookup(col); !ok {
		t.Fatal("not reused")
	}
	writeFile(t, filepath.Join(root, "web/node_modules/.package-lock.json"), "{}")
	if _, ok := open().Lookup(col); ok {
		t.Error("npm install in web/ did not invalidate the result")
	}
	r = open()
	r.Put(col, model.Result{Status: model.StatusOK})
	writeFile(t, filepath.Join(root, "web/node_modules/.yarn-integrity"), "{}")
	if _, ok := open().Lookup(col); ok {
		t.Error("yarn 1 install in web/ did not invalidate the result")
	}
	r = open()
	r.Put(col, model.Result{Status: model.StatusOK})
	writeFile(t, filepath.Join(root, "node_modules/.prisma/client/index.d.ts"), "export class PrismaClient {}\n")
	if _, ok := open().Lookup(col); ok {
		t.Error("prisma generate at the root did not invalidate the result")
	}
}

// A package's .env files are inputs of its tests though git ignores them
// (so they are not among the files): creating, changing or renaming one
// is a new key; other ignored files are not read.
// storeOf opens the results of root (with files listed) afresh for each
// question, as each check does: whether col's result is reused, and
// keeping an ok one for it.
func storeOf(t *testing.T, store *Store, root string, files []string, col collectors.Collector, outputOnly func(string) bool) (reused func() bool, put func()) {
	open := func() *Results {
		r, err := store.Results(root, files, "", "1.0")
		if err != nil {
			t.Fatal(err)
		}
		r.OutputOnly = outputOnly
		return r
	}
	reused = func() bool {
		_, ok := open().Lookup(col)
		return ok
	}
	put = func() {
		r := open()
		r.Put(col, model.Result{Status: model.StatusOK})
		if err := r.Save(); err != nil {
			t.Fatal(err)
		}
	}
	return reused, put
}

func TestIgnoredDotenvFilesAreInputs(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "web/a.test.ts"), "x")
	store := At(t.TempDir())
	col := fakeCollector{id: "vitest:web", inputs: []string{"web/**/*.ts", "web/.env*"}}
	reused, put := storeOf(t, store, root, []string{"web/a.test.ts"}, col, nil)
	put()
	if !reused() {
		t.Fatal("not reused when nothing changed")
	}
	for _, step := range []struct {
		what string
		do   func()
	}{
		{"cp .env.example .env", func() { writeFile(t, filepath.Join(root, "web/.env"), "VITE_API_URL=http://localhost\n") }},
		{"an edit of .env", func() { writeFile(t, filepath.Join(root, "web/.env"), "VITE_API_URL=http://127.0.0.1\n") }},
		{"mv .env .env.bak", func() {
			if err := os.Rename(filepath.Join(root, "web/.env"), filepath.Join(root, "web/.env.bak")); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		step.do()
		if reused() {
			t.Errorf("%s: the result was reused", step.what)
		}
		put()
	}
	if !reused() {
		t.Error("not reused when nothing changed")
	}
	writeFile(t, filepath.Join(root, "web/notes.txt"), "ignored, and no input")
	writeFile(t, filepath.Join(root, ".env"), "the root's, not web's")
	if !reused() {
		t.Error("a file that is no input changed the key")
	}
}

// A build-output directory the file list leaves out by its name alone
// (an unignored coverage/) is seen by the project's tools: a file that
// appears in it, or goes, is a new input (ESLint lints it); a rewrite of
// the same files is not, and a directory git ignores is not looked into.
func TestFilesInUnignoredOutputDirectoriesAreInputsByName(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "src/a.js"), "x")
	store := At(t.TempDir())
	col := fakeCollector{id: "eslint:.", inputs: []string{"**/*.js"}}
	reused, put := storeOf(t, store, root, []string{"src/a.js"}, col, func(rel string) bool { return rel == "coverage" })
	put()
	for _, step := range []struct {
		what   string
		do     func()
		reused bool
	}{
		{"coverage/ appears", func() { writeFile(t, filepath.Join(root, "coverage/lcov-report/prettify.js"), "a") }, false},
		{"coverage/ rewritten", func() { writeFile(t, filepath.Join(root, "coverage/lcov-report/prettify.js"), "b") }, true},
		{"a file in it that is no input", func() { writeFile(t, filepath.Join(root, "coverage/lcov.info"), "TN:") }, true},
		{"dist/, which git ignores, appears", func() { writeFile(t, filepath.Join(root, "dist/app.js"), "a") }, true},
		{"another file appears in it", func() { writeFile(t, filepath.Join(root, "coverage/x.js"), "undefinedThing()") }, false},
		// Back to the tree before coverage/ came: that result stands again.
		{"coverage/ goes", func() {
			if err := os.RemoveAll(filepath.Join(root, "coverage")); err != nil {
				t.Fatal(err)
			}
		}, true},
	} {
		step.do()
		if got := reused(); got != step.reused {
			t.Errorf("%s: reused %v, want %v", step.what, got, step.reused)
		}
		put()
	}
}

type unreusable struct{ fakeCollector }

func (unreusable) Reusable() bool { return false }

func TestResultsThatCannotStandForARunAreNotKept(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "a.sh"), "x")
	r, err := At(t.TempDir()).Results(root, []string{"a.sh"}, "", "1.0")
	if err != nil {
		t.Fatal(err)
	}
	custom := unreusable{fakeCollector{id: "custom:x", inputs: []string{"*.sh"}}}
	r.Put(custom, model.Result{Status: model.StatusOK})
	if _, ok := r.Lookup(custom); ok {
		t.Error("a collector that is not reusable got a result back")
	}
	odd := fakeCollector{id: "docker:x", inputs: []string{"*.sh"}}
	r.Put(odd, model.Result{Status: model.StatusOK, Findings: []model.Finding{{File: "caf\xe9/Dockerfile"}}})
	if _, ok := r.Lookup(odd); ok {
		t.Error("a finding whose file name JSON cannot carry was reused")
	}
	// A test file that could not reach its database: starting it changes
	// no input, so the next run must ask again. An earlier result on the
	// same inputs goes too.
	tests := fakeCollector{id: "jest:.", inputs: []string{"*.sh"}}
	r.Put(tests, model.Result{Status: model.StatusOK})
	r.Put(tests, model.Result{Status: model.StatusOK, MachineBound: true, Findings: []model.Finding{{Rule: "jest/needs-service"}}})
	if _, ok := r.Lookup(tests); ok {
		t.Error("a result bound to the machine's state was reused")
	}
}

func TestABranchAndItsBaseShareResultsByContent(t *testing.T) {
	home, base := t.TempDir(), t.TempDir()
	writeFile(t, filepath.Join(home, "a.ts"), "branch")
	writeFile(t, filepath.Join(base, "a.ts"), "main")
	store := At(t.TempDir())
	col := fakeCollector{id: "ts:.", inputs: []string{"*.ts"}}
	open := func(root string) *Results {
		r, err := store.ResultsAs(home, root, []string{"a.ts"}, "", "1.0")
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := open(home)
	r.Put(col, model.Result{Status: model.StatusOK, Facts: map[string]float64{"errors": 2}})
	must(t, r.Save())
	r = open(base)
	if _, ok := r.Lookup(col); ok {
		t.Fatal("the base's other content reused the branch's result")
	}
	r.Put(col, model.Result{Status: model.StatusOK, Facts: map[string]float64{"errors": 1}})
	must(t, r.Save())
	// Both contents are kept: the branch's result is still there.
	if got, ok := open(home).Lookup(col); !ok || got.Facts["errors"] != 2 {
		t.Errorf("branch: %v %+v", ok, got)
	}
	// A worktree of main elsewhere has main's content: main's result.
	other := t.TempDir()
	writeFile(t, filepath.Join(other, "a.ts"), "main")
	if got, ok := open(other).Lookup(col); !ok || got.Facts["errors"] != 1 {
		t.Errorf("another checkout of main: %v %+v", ok, got)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// A package's own runner, run where the command's cd went, is stamped: a
// reinstall that replaces it is a new run, wherever preflight was started.
func TestTheRepositorysToolIsStampedWhereTheCommandRuns(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "web/a.test.ts"), "x")
	tool := filepath.Join(root, "web/node_modules/.bin/vitest")
	writeFile(t, tool, "#!/bin/sh\n")
	store := At(t.TempDir())
	col := fakeCollector{id: "vitest:web", inputs: []string{"web/**/*.ts"}}
	open := func() *Results {
		r, err := store.Results(root, []string{"web/a.test.ts"}, "", "1.0")
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := open()
	r.Put(col, model.Result{Status: model.StatusOK, Command: "cd web && node_modules/.bin/vitest run --reporter=json"})
	if err := r.Save(); err != nil {
		t.Fatal(err)
	}
	if got := r.entries[entryKey(col.id, r.key(col))].Tools; len(got) != 1 || got[0].Path != "web/node_modules/.bin/vitest" {
		t.Fatalf("tools %+v, want the package's vitest, relative to the repository", got)
	}
	// The environment a command shows before the tool is not the tool.
	for _, command := range []string{
		`cd web && CI=true node_modules/.bin/vitest run --outputFile.json="$(mktemp -d)/report.json"`,
		`cd web && CI=true NODE_OPTIONS='-r ./setup.cjs --expose-gc' node_modules/.bin/vitest run`,
	} {
		if got := toolsOf(root, command); len(got) != 1 || got[0].Path != "web/node_modules/.bin/vitest" {
			t.Errorf("%s: tools %+v, want the package's vitest", command, got)
		}
	}
	if _, ok := open().Lookup(col); !ok {
		t.Fatal("not reused")
	}
	writeFile(t, tool, "#!/bin/sh\n# 2.1.9\n")
	if _, ok := open().Lookup(col); ok {
		t.Error("a reinstalled vitest did not invalidate the result")
	}
}

// A report another tool left (coverage, JUnit) is read again each check:
// a result kept from an earlier run would say the report was as old as it
// was then ("written 25s ago" minutes later).
func TestReportReadersAreReadAnew(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "coverage/lcov.info"), "SF:a.js\nDA:1,1\nLF:1\nLH:1\nend_of_record\n")
	writeFile(t, filepath.Join(root, "reports/junit.xml"), `<testsuite name="a" tests="1"><testcase name="t"/></testsuite>`)
	writeFile(t, filepath.Join(root, "a.js"), "x\n")
	files := []string{"a.js", "coverage/lcov.info", "reports/junit.xml"}
	readers := append(coverage.Detect(root, files), junit.Detect(root, files)...)
	if len(readers) != 2 {
		t.Fatalf("detected %d report readers, want coverage and junit", len(readers))
	}
	store := At(t.TempDir())
	for _, col := range readers {
		reused, put := storeOf(t, store, root, files, col, nil)
		put()
		if reused() {
			t.Errorf("%s: a result of an earlier reading was reused", col.ID())
		}
	}
}

// A file the ignore rules keep out but a collector's inputs take in (a
// gitignored src/config.ts, copied from its example as the README says,
// which tsconfig's src/**/* reads) is keyed by its content: creating,
// changing or removing it does not reuse the result.
func TestIgnoredFilesInsideKeptDirectoriesAreInputs(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "src/index.ts"), "import c from './config';\n")
	files := []string{"src/index.ts"}
	col := fakeCollector{id: "typescript:.", inputs: []string{"src/**/*.ts"}}
	store := At(t.TempDir())
	open := func(ignored ...string) *Results {
		r, err := store.Results(root, files, "", "1.0")
		if err != nil {
			t.Fatal(err)
		}
		r.Ignored = ignored
		return r
	}
	r := open()
	r.Put(col, model.Result{Status: model.StatusOK})
	if err := r.Save(); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(root, "src/config.ts"), "export default {};\n")
	if _, ok := open("src/config.ts").Lookup(col); ok {
		t.Error("creating src/config.ts reused the result")
	}
	r = open("src/config.ts")
	r.Put(col, model.Result{Status: model.StatusOK})
	if err := r.Save(); err != nil {
		t.Fatal(err)
	}
	if _, ok := open("src/config.ts").Lookup(col); !ok {
		t.Error("not reused when nothing changed")
	}
	writeFile(t, filepath.Join(root, "src/config.ts"), "export default { secret: 1 };\n")
	if _, ok := open("src/config.ts").Lookup(col); ok {
		t.Error("changing src/config.ts reused the result")
	}
	r = open("src/config.ts")
	r.Put(col, model.Result{Status: model.StatusOK})
	if err := r.Save(); err != nil {
		t.Fatal(err)
	}
	if _, ok := open("notes.log", "src/config.ts").Lookup(col); !ok {
		t.Error("an ignored file no input names changed the key")
	}
}
