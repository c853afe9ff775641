package coverage

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/proc"
)

// The parser tests read reports written by real tools on the fixtures in
// testdata: go test -coverprofile on testdata/gomod, and Vitest with
// @vitest/coverage-v8 on testdata/web (the runner pinned by the jstest
// collector's fixtures: npm ci --prefix collectors/jstest/testdata). To
// refresh them:
//
//	go test ./collectors/coverage -capture
var captureFlag = flag.Bool("capture", false, "run the tests of the fixtures with coverage and rewrite testdata/captured, then exit")

func TestMain(m *testing.M) {
	flag.Parse()
	if *captureFlag {
		if err := captureAll(); err != nil {
			fmt.Fprintln(os.Stderr, "capture:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

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
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
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
	for from, to := range map[string]string{"coverage-summary.json": "web-coverage-summary.json", "lcov.info": "web-lcov.info"} {
		data, err := os.ReadFile(filepath.Join(web, "coverage", from))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, to), data, 0o644); err != nil {
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
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			if d.Name() == "coverage" || d.Name() == "node_modules" {
				return filepath.SkipDir
			}
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	return dst, err
}

func captured(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "captured", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// need skips when a tool the test runs is missing, except on CI, where
// that is a failure.
func need(t testing.TB, what string, ok bool) {
	t.Helper()
	if ok {
		return
	}
	msg := what + " is not available"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
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
