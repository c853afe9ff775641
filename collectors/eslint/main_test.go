package eslint

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/preflight-dev/preflight/collectors/nodepkg"
	"github.com/preflight-dev/preflight/internal/capture"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/proc"
)

// The parser tests read real ESLint output captured from the fixture
// packages under testdata/packages. To refresh it after changing a fixture
// or the pinned ESLint (npm ci --prefix collectors/eslint/testdata):
//
//	go test ./collectors/eslint -capture
func TestMain(m *testing.M) { capture.Main(m, captureAll) }

type captureRun struct {
	Fixture  string `json:"fixture"`
	ExitCode int    `json:"exit_code"`
	Report   bool   `json:"report"`
}

func (r captureRun) Stem() string { return r.Fixture }

type captureManifest struct {
	Testdata string       `json:"testdata"` // absolute testdata directory when captured
	Runs     []captureRun `json:"runs"`
}

var captureFixtures = []string{"flat", "legacy", "broken", "clean"}

// skipDirs are left out of fixture listings, as the engine leaves out
// installed packages; captured output is no part of any fixture.
var skipDirs = []string{"node_modules", "captured"}

func captureAll() error {
	testdata, err := filepath.Abs("testdata")
	if err != nil {
		return err
	}
	files, err := fixturetest.List(testdata, skipDirs...)
	if err != nil {
		return err
	}
	byDir := map[string]*Collector{}
	for _, c := range Detect(testdata, files) {
		byDir[c.(*Collector).dir] = c.(*Collector)
	}
	man := captureManifest{Testdata: testdata}
	for _, fixture := range captureFixtures {
		c := byDir["packages/"+fixture]
		if c == nil {
			return fmt.Errorf("fixture %s is not detected", fixture)
		}
		dir := filepath.Join(testdata, "packages", fixture)
		bin, ok := nodepkg.LocalBin(dir, "eslint")
		if !ok {
			return fmt.Errorf("eslint is not installed: npm ci --prefix collectors/eslint/testdata")
		}
		tmp, err := os.MkdirTemp("", "capture-")
		if err != nil {
			return err
		}
		report := filepath.Join(tmp, "report.json")
		out, err := capture.Exec(fixture, proc.Cmd{Dir: dir, Name: bin, Args: c.args(dir, report), Env: c.env()})
		if err != nil {
			return err
		}
		run := captureRun{Fixture: fixture, ExitCode: out.ExitCode}
		files := map[string][]byte{"stderr": out.Stderr}
		if data, err := os.ReadFile(report); err == nil {
			run.Report = true
			files["json"] = data
		}
		_ = os.RemoveAll(tmp)
		if err := capture.WriteFiles(fixture, files); err != nil {
			return err
		}
		man.Runs = append(man.Runs, run)
	}
	return capture.WriteManifest(man)
}

type captured struct {
	run    captureRun
	report []byte
	stderr []byte
	loc    Location
}

func loadCaptured(t testing.TB, fixture string) captured {
	t.Helper()
	var man captureManifest
	capture.ReadManifest(t, &man)
	run := capture.Find(t, man.Runs, fixture)
	c := captured{run: run, stderr: capture.ReadFile(t, fixture+".stderr"),
		loc: Location{Root: man.Testdata, Dir: filepath.Join(man.Testdata, "packages", fixture)}}
	if run.Report {
		c.report = capture.ReadFile(t, fixture+".json")
	}
	return c
}

func fixtureRoot(t testing.TB) string { return fixturetest.Testdata(t) }

func listFiles(t testing.TB, root string) []string { return fixturetest.Files(t, root, skipDirs...) }

// needESLint skips when node or the pinned ESLint is missing, except on
// CI, where that is a failure.
func needESLint(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		fixturetest.Unavailable(t, "node is not on PATH")
	} else if _, ok := nodepkg.LocalBin(filepath.Join(fixtureRoot(t), "packages"), "eslint"); !ok {
		fixturetest.Unavailable(t, "eslint is not installed in testdata (run: npm ci --prefix collectors/eslint/testdata)")
	}
}
