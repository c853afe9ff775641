package sarif

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/preflight-dev/preflight/internal/capture"
	"github.com/preflight-dev/preflight/proc"
)

// The tests read SARIF written by real tools:
//
//   - testdata/tree/reports/staticcheck.sarif: staticcheck -f sarif on
//     testdata/tree/svc, kept away from the code as CI artifacts are;
//   - testdata/tree/greeter/govulncheck.sarif: govulncheck -format sarif on
//     testdata/tree/greeter, against the local database of the govulncheck
//     collector's tests;
//   - testdata/captured/gitleaks.sarif: gitleaks, redacting, on the secrets
//     collector's fixture project.
//
// To refresh them (the three tools must be on PATH):
//
//	go test ./collectors/sarif -capture
func TestMain(m *testing.M) { capture.Main(m, captureAll) }

type captureRun struct {
	Output   string   `json:"output"`
	Dir      string   `json:"dir"`
	Tool     string   `json:"tool"`
	Args     []string `json:"args"`
	ExitCode int      `json:"exit_code"`
}

func captureAll() error {
	vulndb, err := filepath.Abs(filepath.Join("..", "govulncheck", "testdata", "vulndb"))
	if err != nil {
		return err
	}
	runs := []captureRun{
		{Output: "testdata/tree/reports/staticcheck.sarif", Dir: "testdata/tree/svc", Tool: "staticcheck",
			Args: []string{"-f", "sarif", "./..."}},
		{Output: "testdata/tree/greeter/govulncheck.sarif", Dir: "testdata/tree/greeter", Tool: "govulncheck",
			Args: []string{"-format", "sarif", "-db", "file://" + filepath.ToSlash(vulndb), "./..."}},
		{Output: "testdata/captured/gitleaks.sarif", Dir: "../secrets/testdata/project", Tool: "gitleaks",
			Args: []string{"dir", "--no-banner", "--no-color", "--redact", "--log-level", "warn",
				"--report-format", "sarif", "--report-path", "-", "--exit-code", "0", "."}},
	}
	for i, run := range runs {
		out, err := capture.Exec(run.Output, proc.Cmd{Dir: run.Dir, Name: run.Tool, Args: run.Args})
		if err != nil {
			return err
		}
		if _, err := Parse(out.Stdout); err != nil {
			return fmt.Errorf("%s: exit %d, %v\n%s", run.Output, out.ExitCode, err, out.Stderr)
		}
		if err := os.MkdirAll(filepath.Dir(run.Output), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(run.Output, out.Stdout, 0o644); err != nil {
			return err
		}
		runs[i].ExitCode = out.ExitCode
	}
	return capture.WriteManifest(capture.Manifest[captureRun]{Runs: runs})
}
