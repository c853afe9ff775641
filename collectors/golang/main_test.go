package golang

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/internal/capture"

	"github.com/preflight-dev/preflight/proc"
)

// The parser tests read real go output captured from the fixtures under
// testdata. To refresh it after changing a fixture or upgrading Go:
//
//	go test ./collectors/golang -capture
func TestMain(m *testing.M) { capture.Main(m, captureAll) }

// captureRun is one go invocation on one fixture.
type captureRun struct {
	Name     string   `json:"name"` // stem of the .stdout/.stderr files
	Fixture  string   `json:"fixture"`
	Args     []string `json:"args"`
	Env      []string `json:"env,omitempty"`
	ExitCode int      `json:"exit_code"`
	Warm     bool     `json:"warm,omitempty"` // run once before capturing, to fill go's caches
}

func (r captureRun) Stem() string { return r.Name }

// captureManifest records where and with what the output was captured:
// the parsers need the fixture's absolute directory at capture time to
// make the absolute paths in the output repo-relative.
type captureManifest struct {
	Go      string       `json:"go"`
	Testdir string       `json:"testdata"` // absolute testdata directory when captured
	Runs    []captureRun `json:"runs"`
}

const defaultBinaryTimeout = 9 * time.Minute

func captureRuns() []captureRun {
	test := testArgs(defaultBinaryTimeout)
	return []captureRun{
		// -count=1 bypasses the test cache so every package really runs.
		{Name: "tests.test", Fixture: "tests", Args: test, Env: []string{"GOFLAGS=-count=1"}},
		// With the cache warm, the passing package is replayed from it.
		{Name: "tests.test-cached", Fixture: "tests", Args: test, Warm: true},
		{Name: "tests.vet", Fixture: "tests", Args: vetArgs("")},
		{Name: "broken.build", Fixture: "broken", Args: buildArgs()},
		{Name: "broken.vet", Fixture: "broken", Args: vetArgs("")},
		{Name: "broken.test", Fixture: "broken", Args: test},
		// How go test reported build errors before Go 1.24: text on stderr.
		{Name: "broken.test-text", Fixture: "broken", Args: test, Env: []string{"GODEBUG=gotestjsonbuildtext=1"}},
		{Name: "vet.build", Fixture: "vet", Args: buildArgs()},
		{Name: "vet.vet", Fixture: "vet", Args: vetArgs("")},
		{Name: "clean.build", Fixture: "clean", Args: buildArgs()},
		{Name: "clean.vet", Fixture: "clean", Args: vetArgs("")},
		{Name: "clean.test", Fixture: "clean", Args: test},
		{Name: "crash.test", Fixture: "crash", Args: test},
		{Name: "hang.test", Fixture: "hang", Args: testArgs(2 * time.Second)},
		{Name: "needsservice.test", Fixture: "needsservice", Args: test, Env: []string{"GOFLAGS=-count=1"}},
		// Tests that need the network: a host of .invalid is found nowhere.
		{Name: "offline.test", Fixture: "offline", Args: test, Env: []string{"GOFLAGS=-count=1"}},
		{Name: "ginkgo.test", Fixture: "ginkgo", Args: test, Env: []string{"GOFLAGS=-count=1"}},
		// Failures written by testscript and matryer/is, not by t.Error.
		{Name: "libs.test", Fixture: "libs", Args: test, Env: []string{"GOFLAGS=-count=1"}},
	}
}

func captureAll() error {
	testdir, err := filepath.Abs("testdata")
	if err != nil {
		return err
	}
	man := captureManifest{Go: runtime.Version(), Testdir: testdir}
	for _, run := range captureRuns() {
		c := proc.Cmd{Dir: filepath.Join(testdir, run.Fixture), Name: "go", Args: run.Args, Env: run.Env}
		if run.Warm {
			if _, err := capture.Exec(run.Name+" (warm)", c); err != nil {
				return err
			}
		}
		out, err := capture.Exec(run.Name, c)
		if err != nil {
			return err
		}
		run.ExitCode = out.ExitCode
		if err := capture.WriteOutput(run.Name, out); err != nil {
			return err
		}
		man.Runs = append(man.Runs, run)
	}
	return capture.WriteManifest(man)
}

// captured is one captured run, loaded for a test.
type captured struct {
	run            captureRun
	stdout, stderr []byte
	mod            Module // the fixture as it was when captured
}

func loadCaptured(t testing.TB, name string) captured {
	t.Helper()
	var man captureManifest
	capture.ReadManifest(t, &man)
	run := capture.Find(t, man.Runs, name)
	gomod, err := os.ReadFile(filepath.Join("testdata", run.Fixture, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(man.Testdir, run.Fixture)
	return captured{run: run, stdout: capture.ReadFile(t, name+".stdout"), stderr: capture.ReadFile(t, name+".stderr"),
		mod: Module{Root: dir, Dir: dir, Path: ModulePath(gomod)}}
}
