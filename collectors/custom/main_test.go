package custom

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/proc"
)

// The reader tests read real tool output captured from the fixture repo
// under testdata/repo. To capture it again (go and tsc on PATH):
//
//	go test ./collectors/custom -capture
var captureFlag = flag.Bool("capture", false, "run the tools on testdata/repo and rewrite testdata/captured, then exit")

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

// captures are the tool runs whose output the reader tests read, run in a
// directory of testdata/repo.
var captures = []struct {
	name, dir string
	argv      []string
}{
	{"go-vet", "svc", []string{"go", "vet", "./..."}},
	{"go-test-json", "svc", []string{"go", "test", "-json", "-vet=off", "-count=1", "./..."}},
	{"tsc", "web", []string{"tsc", "--noEmit", "--pretty", "false", "-p", "."}},
}

func captureAll() error {
	out := filepath.Join("testdata", "captured")
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for _, c := range captures {
		dir, _ := filepath.Abs(filepath.Join("testdata", "repo", c.dir))
		res, err := proc.Run(context.Background(), proc.Cmd{Dir: dir, Name: c.argv[0], Args: c.argv[1:]})
		if err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
		for ext, data := range map[string][]byte{
			"stdout": res.Stdout, "stderr": res.Stderr, "exit": []byte(strconv.Itoa(res.ExitCode) + "\n"),
		} {
			if err := os.WriteFile(filepath.Join(out, c.name+"."+ext), data, 0o644); err != nil {
				return err
			}
		}
		fmt.Printf("%s: exit %d\n", c.name, res.ExitCode)
	}
	return nil
}

// captured is one run's output as saved by -capture.
type captured struct {
	stdout, stderr []byte
	exit           int
}

func loadCaptured(t *testing.T, name string) captured {
	t.Helper()
	read := func(ext string) []byte {
		data, err := os.ReadFile(filepath.Join("testdata", "captured", name+"."+ext))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	exit, err := strconv.Atoi(strings.TrimSpace(string(read("exit"))))
	if err != nil {
		t.Fatal(err)
	}
	return captured{stdout: read("stdout"), stderr: read("stderr"), exit: exit}
}

// requireTool skips when a real tool is missing, except in CI, where the
// integration must be proved.
func requireTool(t *testing.T, tool string) {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not on PATH (CI must run this test)", tool)
		}
		t.Skipf("%s not on PATH", tool)
	}
}

func fixtureRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("testdata", "repo"))
	if err != nil {
		t.Fatal(err)
	}
	return root
}
