package junit

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/preflight-dev/preflight/internal/capture"
	"github.com/preflight-dev/preflight/proc"
)

// The parser tests read JUnit XML written by real tools on real fixtures:
// gotestsum on the Go module in testdata/gomod, and Vitest's junit
// reporter and jest-junit on the failing fixture packages of the jstest
// collector (whose pinned runners come from npm ci --prefix
// collectors/jstest/testdata). To refresh them:
//
//	go install gotest.tools/gotestsum@v1.13.0
//	go test ./collectors/junit -capture
func TestMain(m *testing.M) { capture.Main(m, captureAll) }

// captureRun is one tool writing one report.
type captureRun struct {
	Report  string   `json:"report"` // file name in testdata/captured
	Dir     string   `json:"dir"`    // absolute directory the tool ran in
	Command string   `json:"command"`
	Env     []string `json:"env,omitempty"`
}

func (r captureRun) Stem() string { return r.Report }

func captureRuns(testdata string) ([]captureRun, []proc.Cmd, error) {
	gotestsum, err := exec.LookPath("gotestsum")
	if err != nil {
		return nil, nil, fmt.Errorf("gotestsum is not on PATH: go install gotest.tools/gotestsum@v1.13.0")
	}
	jstest := filepath.Join(filepath.Dir(testdata), "..", "jstest", "testdata")
	jstest = filepath.Clean(jstest)
	out := filepath.Join(testdata, "captured")
	cmds := []proc.Cmd{
		{Dir: filepath.Join(testdata, "gomod"), Name: gotestsum,
			Args: []string{"--junitfile", filepath.Join(out, "gotestsum.xml"), "--format", "standard-quiet", "--", "-count=1", "./..."}},
		{Dir: filepath.Join(jstest, "packages", "vitest-fail"), Name: filepath.Join(jstest, "node_modules", ".bin", "vitest"),
			Args: []string{"run", "--reporter=junit", "--outputFile.junit=" + filepath.Join(out, "vitest.xml")},
			Env:  []string{"NO_COLOR=1"}},
		{Dir: filepath.Join(jstest, "packages", "jest-fail"), Name: filepath.Join(jstest, "node_modules", ".bin", "jest"),
			Args: []string{"--ci", "--reporters=default", "--reporters=jest-junit"},
			Env: []string{"NO_COLOR=1", "JEST_JUNIT_OUTPUT_FILE=" + filepath.Join(out, "jest-junit.xml"),
				"JEST_JUNIT_ADD_FILE_ATTRIBUTE=true", "JEST_JUNIT_REPORT_TEST_SUITE_ERRORS=true"}},
	}
	var runs []captureRun
	for i, c := range cmds {
		name := []string{"gotestsum.xml", "vitest.xml", "jest-junit.xml"}[i]
		runs = append(runs, captureRun{Report: name, Dir: c.Dir, Command: c.String(), Env: c.Env})
	}
	return runs, cmds, nil
}

func captureAll() error {
	testdata, err := filepath.Abs("testdata")
	if err != nil {
		return err
	}
	runs, cmds, err := captureRuns(testdata)
	if err != nil {
		return err
	}
	for i, c := range cmds {
		out, err := capture.Exec(runs[i].Report, c)
		if err != nil {
			return err
		}
		if _, err := os.Stat(filepath.Join(testdata, "captured", runs[i].Report)); err != nil {
			return fmt.Errorf("%s was not written (exit %d): %s", runs[i].Report, out.ExitCode, out.Stderr)
		}
	}
	return capture.WriteManifest(runs)
}

// loadCaptured returns a captured report.
func loadCaptured(t testing.TB, name string) []byte {
	t.Helper()
	var runs []captureRun
	capture.ReadManifest(t, &runs)
	return capture.ReadFile(t, capture.Find(t, runs, name).Report)
}
