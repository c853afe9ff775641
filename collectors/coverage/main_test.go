package coverage

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/internal/capture"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/proc"
)

// The parser tests read reports written by real tools on the fixtures in
// testdata: go test -coverprofile on testdata/gomod, and Vitest with
// @vitest/coverage-v8 on testdata/web (the runner pinned by the jstest
// collector's fixtures: npm ci --prefix collectors/jstest/testdata). To
// refresh them:
//
//	go test ./collectors/coverage -capture
func TestMain(m *testing.M) { capture.Main(m, captureAll) }

// vitestModules is the pinned Vitest installation the JavaScript fixture
// runs with.
func vitestModules() (string, error) {
	return filepath.Abs(filepath.Join("..", "jstest", "testdata", "node_modules"))
}

func captureAll() error {
	testdata, err := filepath.Abs("testdata")
	if err != nil {
		return err
	}
	out := filepath.Join(testdata, "captured")
	if _, err := runTool(proc.Cmd{Dir: filepath.Join(testdata, "gomod"), Name: "go",
		Args: []string{"test", "-count=1", "-coverprofile=" + filepath.Join(out, "go-coverprofile.txt"), "./..."}}); err != nil {
		return err
	}
	modules, err := vitestModules()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "capture-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	web, err := copyTree(filepath.Join(testdata, "web"), filepath.Join(tmp, "web"))
	if err != nil {
		return err
	}
	if err := os.Symlink(modules, filepath.Join(tmp, "node_modules")); err != nil {
		return err
	}
	if _, err := runTool(proc.Cmd{Dir: web, Name: filepath.Join(modules, ".bin", "vitest"), Args: []string{"run", "--coverage"}, Env: []string{"NO_COLOR=1"}}); err != nil {
		return err
	}
	for from, to := range map[string]string{"coverage-summary.json": "web-coverage-summary.json", "lcov.info": "web-lcov.info", "coverage-final.json": "web-coverage-final.json"} {
		data, err := os.ReadFile(filepath.Join(web, "coverage", from))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(capture.Dir, to), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func runTool(c proc.Cmd) (proc.Output, error) {
	c.Timeout = 5 * time.Minute
	out, err := proc.Run(context.Background(), c)
	if err == nil && out.ExitCode != 0 {
		err = fmt.Errorf("%s exited %d: %s%s", c.String(), out.ExitCode, out.Stdout, out.Stderr)
	}
	return out, err
}

// copyTree copies a fixture so tests may run tools in it and change it.
func copyTree(src, dst string) (string, error) {
	return dst, fixturetest.CopyTree(src, dst, "coverage", "node_modules")
}

func captured(t testing.TB, name string) []byte { return capture.ReadFile(t, name) }

// need skips when a tool the test runs is missing, except on CI, where
// that is a failure.
func need(t testing.TB, what string, ok bool) {
	t.Helper()
	if !ok {
		fixturetest.Unavailable(t, what+" is not available")
	}
}

func haveGo() bool {
	_, err := exec.LookPath("go")
	return err == nil
}

func haveVitest() bool {
	modules, err := vitestModules()
	if err != nil {
		return false
	}
	if _, err := exec.LookPath("node"); err != nil {
		return false
	}
	_, err = os.Stat(filepath.Join(modules, "@vitest", "coverage-v8", "package.json"))
	return err == nil
}
