package secrets

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/internal/capture"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/proc"
)

// The gitleaks parser tests read real gitleaks output captured from the
// fixture project. To refresh it after changing the fixture or upgrading
// gitleaks:
//
//	go test ./collectors/secrets -capture
//
// -update rewrites testdata/findings.golden from the built-in scanner.
var updateFlag = flag.Bool("update", false, "rewrite testdata/findings.golden")

func TestMain(m *testing.M) { capture.Main(m, captureAll) }

// captureManifest says what produced testdata/captured.
type captureManifest struct {
	Gitleaks string   `json:"gitleaks"`
	Args     []string `json:"args"`
	ExitCode int      `json:"exit_code"`
}

func captureAll() error {
	dir, err := filepath.Abs(filepath.Join("testdata", "project"))
	if err != nil {
		return err
	}
	ver, err := proc.Run(context.Background(), proc.Cmd{Name: GitleaksTool, Args: []string{"version"}})
	if err != nil {
		return err
	}
	// "." keeps the paths in the report relative, as on any machine.
	args := gitleaksArgs(".")
	out, err := proc.Run(context.Background(), proc.Cmd{Dir: dir, Name: GitleaksTool, Args: args})
	if err != nil {
		return err
	}
	if err := capture.WriteFiles("gitleaks", map[string][]byte{"json": out.Stdout}); err != nil {
		return err
	}
	fmt.Printf("gitleaks.json  exit %d  %s\n", out.ExitCode, proc.Cmd{Name: GitleaksTool, Args: args})
	return capture.WriteManifest(captureManifest{Gitleaks: toolVersion(GitleaksTool, string(ver.Stdout)), Args: args, ExitCode: out.ExitCode})
}

// toolVersion is what a tool says of its version or, for a binary built
// with go install (which leaves gitleaks's own version string unset), the
// module version recorded in the binary.
func toolVersion(tool, said string) string {
	said = strings.TrimSpace(said)
	if len(said) > 1 && said[0] == 'v' && said[1] >= '0' && said[1] <= '9' {
		return said
	}
	exe, err := exec.LookPath(tool)
	if err != nil {
		return said
	}
	out, err := proc.Run(context.Background(), proc.Cmd{Name: "go", Args: []string{"version", "-m", exe}})
	if err != nil {
		return said
	}
	for _, l := range strings.Split(string(out.Stdout), "\n") {
		if f := strings.Fields(l); len(f) >= 3 && f[0] == "mod" {
			return f[1] + "@" + f[2]
		}
	}
	return said
}

// testKey makes digests in goldens the same on every machine.
var testKey = []byte("preflight test redaction key")

// planted is one secret the fixture project holds, and the strings that
// must never appear in anything preflight prints.
type planted struct {
	File  string   `json:"file"`
	Value string   `json:"value"`
	Grep  []string `json:"grep"`
}

func loadPlanted(t testing.TB) []planted {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "planted.json"))
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Planted []planted `json:"planted"`
	}
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatal(err)
	}
	return p.Planted
}

// fixtureCopy copies testdata/project to a temporary root and adds the
// .env that its services/worker/.gitignore ignores (git would not keep an
// ignored file in the repository, so it is written here).
func fixtureCopy(t testing.TB) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "shop")
	src := filepath.Join("testdata", "project")
	fixturetest.Copy(t, src, root)
	ignored, err := os.ReadFile(filepath.Join("testdata", "ignored-dotenv.txt"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, root, "services/worker/.env", string(ignored))
	return root
}

func writeFile(t testing.TB, root, rel, content string) {
	t.Helper()
	fixturetest.WriteFiles(t, root, map[string]string{rel: content})
}

// withoutGitleaks hides gitleaks for the test, so results do not depend
// on whether it is installed.
func withoutGitleaks(t testing.TB) {
	t.Helper()
	old := lookGitleaks
	lookGitleaks = func() (string, error) { return "", os.ErrNotExist }
	t.Cleanup(func() { lookGitleaks = old })
}

// requireGitleaks skips without gitleaks, except in CI where a missing
// tool is a failure.
func requireGitleaks(t testing.TB) {
	t.Helper()
	if _, err := lookGitleaks(); err != nil {
		fixturetest.Unavailable(t, "gitleaks is not on PATH: "+err.Error())
	}
}
