package custom

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/internal/capture"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/proc"
)

// The reader tests read real tool output captured from the fixture repo
// under testdata/repo. To capture it again (go and tsc on PATH):
//
//	go test ./collectors/custom -capture
func TestMain(m *testing.M) { capture.Main(m, captureAll) }

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
	for _, c := range captures {
		dir, _ := filepath.Abs(filepath.Join("testdata", "repo", c.dir))
		res, err := capture.Exec(c.name, proc.Cmd{Dir: dir, Name: c.argv[0], Args: c.argv[1:]})
		if err != nil {
			return err
		}
		if err := capture.WriteFiles(c.name, map[string][]byte{
			"stdout": res.Stdout, "stderr": res.Stderr, "exit": []byte(strconv.Itoa(res.ExitCode) + "\n"),
		}); err != nil {
			return err
		}
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
	exit, err := strconv.Atoi(strings.TrimSpace(string(capture.ReadFile(t, name+".exit"))))
	if err != nil {
		t.Fatal(err)
	}
	return captured{stdout: capture.ReadFile(t, name+".stdout"), stderr: capture.ReadFile(t, name+".stderr"), exit: exit}
}

func fixtureRoot(t *testing.T) string { return fixturetest.Testdata(t, "repo") }
