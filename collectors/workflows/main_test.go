package workflows

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/capture"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/proc"
)

// The actionlint parser tests read real actionlint output captured from
// the fixtures under testdata/github. To refresh it after changing a
// fixture or upgrading actionlint:
//
//	go test ./collectors/workflows -capture
func TestMain(m *testing.M) { capture.Main(m, captureAll) }

// githubFixtures are the fixtures actionlint output is captured from.
var githubFixtures = []string{"hardened", "bad", "broken", "shellscript"}

type captureManifest struct {
	Actionlint string         `json:"actionlint"` // version line
	ExitCodes  map[string]int `json:"exit_codes"`
}

func captureAll() error {
	bin, err := exec.LookPath("actionlint")
	if err != nil {
		return err
	}
	version, err := exec.Command(bin, "-version").Output()
	if err != nil {
		return err
	}
	man := captureManifest{Actionlint: strings.SplitN(string(version), "\n", 2)[0], ExitCodes: map[string]int{}}
	for _, name := range githubFixtures {
		root, _ := filepath.Abs(filepath.Join("testdata", "github", name))
		srcs, _ := readWorkflows(root)
		args := []string{"-format", ActionlintFormat}
		for _, s := range srcs {
			args = append(args, s.Path)
		}
		out, err := proc.Run(context.Background(), proc.Cmd{Dir: root, Name: bin, Args: args})
		if err != nil {
			return err
		}
		man.ExitCodes[name] = out.ExitCode
		if err := capture.WriteFiles(name, map[string][]byte{"actionlint.json": out.Stdout}); err != nil {
			return err
		}
	}
	return capture.WriteManifest(man)
}

func readCaptured(t testing.TB, name string) []byte { return capture.ReadFile(t, name) }

func readManifest(t testing.TB) captureManifest {
	var m captureManifest
	capture.ReadManifest(t, &m)
	return m
}

// requireActionlint skips when actionlint is missing, except in CI, where
// a missing tool must fail the run instead of hiding the tests.
func requireActionlint(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("actionlint"); err != nil {
		fixturetest.Unavailable(t, "actionlint is not on PATH ("+ActionlintHint+")")
	}
}

// withoutActionlint hides actionlint for the test, so the built-in rules
// are tested alone whatever is installed.
func withoutActionlint(t *testing.T) {
	t.Helper()
	t.Setenv("PATH", t.TempDir())
}

func fixtureRoot(t testing.TB, parts ...string) string { return fixturetest.Testdata(t, parts...) }

// runFixture detects the collector of kind in a fixture and runs it once.
func runFixture(t *testing.T, kind string, parts ...string) model.Result {
	t.Helper()
	root := fixtureRoot(t, parts...)
	for _, c := range Detect(root, fixturetest.Files(t, root)) {
		if c.Kind() == kind {
			return c.Run(context.Background(), collectors.Request{Root: root, Mode: collectors.OneShot})
		}
	}
	t.Fatalf("%s: no %s collector detected", strings.Join(parts, "/"), kind)
	return model.Result{}
}

// located lists findings as "file:line:col severity rule".
func located(fs []model.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s %s %s", f.Location(), f.Severity, f.Rule))
	}
	return out
}
