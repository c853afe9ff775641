package jstest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/preflight-dev/preflight/internal/capture"
	"github.com/preflight-dev/preflight/internal/fixturetest"

	"github.com/preflight-dev/preflight/collectors/nodepkg"
	"github.com/preflight-dev/preflight/proc"
)

// The parser tests read real runner output captured from the fixture
// packages under testdata/packages. To refresh it after changing a
// fixture or the pinned runners (npm ci --prefix collectors/jstest/testdata):
//
//	go test ./collectors/jstest -capture
func TestMain(m *testing.M) { capture.Main(m, captureAll) }

// captureRun is one runner invocation on one fixture package.
type captureRun struct {
	Fixture  string `json:"fixture"` // directory under testdata/packages
	Kind     string `json:"kind"`
	ExitCode int    `json:"exit_code"`
	Report   bool   `json:"report"` // the runner wrote its JSON report
}

func (r captureRun) Stem() string { return r.Fixture }

// captureManifest records where the output was captured: the reports hold
// absolute paths, which the parsers make repo-relative.
type captureManifest struct {
	Testdata string       `json:"testdata"` // absolute testdata directory when captured
	Runs     []captureRun `json:"runs"`
}

var captureFixtures = []captureRun{
	{Fixture: "vitest-pass", Kind: KindVitest},
	{Fixture: "vitest-fail", Kind: KindVitest},
	{Fixture: "vitest-broken", Kind: KindVitest},
	{Fixture: "vitest-empty", Kind: KindVitest},
	{Fixture: "jest-pass", Kind: KindJest},
	{Fixture: "jest-fail", Kind: KindJest},
	{Fixture: "jest-broken", Kind: KindJest},
	{Fixture: "jest-empty", Kind: KindJest},
}

func captureAll() error {
	testdata, err := filepath.Abs("testdata")
	if err != nil {
		return err
	}
	man := captureManifest{Testdata: testdata}
	for _, run := range captureFixtures {
		dir := filepath.Join(testdata, "packages", run.Fixture)
		bin, ok := nodepkg.LocalBin(dir, run.Kind)
		if !ok {
			return fmt.Errorf("%s is not installed: npm ci --prefix collectors/jstest/testdata", run.Kind)
		}
		tmp, err := os.MkdirTemp("", "capture-")
		if err != nil {
			return err
		}
		report := filepath.Join(tmp, "report.json")
		r := runners[run.Kind]
		out, err := capture.Exec(run.Fixture, proc.Cmd{Dir: dir, Name: bin, Args: r.args(report, nodepkg.InstalledTool(bin, run.Kind)), Env: r.env})
		if err != nil {
			return err
		}
		run.ExitCode = out.ExitCode
		if data, err := os.ReadFile(report); err == nil {
			run.Report = true
			if err := capture.WriteFiles(run.Fixture, map[string][]byte{"json": data}); err != nil {
				return err
			}
		}
		_ = os.RemoveAll(tmp)
		if err := capture.WriteOutput(run.Fixture, out); err != nil {
			return err
		}
		man.Runs = append(man.Runs, run)
	}
	return capture.WriteManifest(man)
}

// captured is one captured run, loaded for a test.
type captured struct {
	run            captureRun
	report         []byte // nil when the runner wrote none
	stdout, stderr []byte
	loc            Location // the fixture as it was when captured
}

func loadCaptured(t testing.TB, fixture string) captured {
	t.Helper()
	var man captureManifest
	capture.ReadManifest(t, &man)
	run := capture.Find(t, man.Runs, fixture)
	c := captured{run: run, stdout: capture.ReadFile(t, fixture+".stdout"), stderr: capture.ReadFile(t, fixture+".stderr"),
		loc: Location{Root: man.Testdata, Dir: filepath.Join(man.Testdata, "packages", fixture)}}
	if run.Report {
		c.report = capture.ReadFile(t, fixture+".json")
	}
	return c
}

// fixtureRoot is the fixtures' repository root (an npm workspace root).
func fixtureRoot(t testing.TB) string { return fixturetest.Testdata(t) }

// listFiles lists a tree the way the engine hands it to Detect; versions
// and monorepos hold fixtures of their own, each its own root.
func listFiles(t testing.TB, root string) []string {
	return fixturetest.Files(t, root, "node_modules", "captured", "versions", "monorepos")
}

// needRunners skips when the pinned runners are not installed, except on
// CI, where that is a failure.
func needRunners(t testing.TB) {
	t.Helper()
	root := fixtureRoot(t)
	if _, err := exec.LookPath("node"); err != nil {
		fixturetest.Unavailable(t, "node is not on PATH")
	}
	for _, kind := range []string{KindVitest, KindJest} {
		if _, ok := nodepkg.LocalBin(filepath.Join(root, "packages"), kind); !ok {
			fixturetest.Unavailable(t, kind+" is not installed in testdata (run: npm ci --prefix collectors/jstest/testdata)")
		}
	}
}
