package govulncheck

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"
)

// requireTool skips without govulncheck, except in CI where a missing
// tool is a failure.
func requireTool(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath(Tool); err != nil {
		fixturetest.Unavailable(t, "govulncheck is not on PATH; "+InstallHint)
	}
}

func TestDetect(t *testing.T) {
	cs := Detect("/r/shop", []string{"go.mod", "main.go", "tools/go.mod", "vendor/x/go.mod", "a/testdata/m/go.mod", "b/tools/go.mod"})
	var ids []string
	for _, c := range cs {
		ids = append(ids, c.ID())
	}
	if got := strings.Join(ids, " "); got != "govulncheck:. govulncheck:b/tools govulncheck:tools" {
		t.Fatalf("ids %q", got)
	}
	if in := cs[1].Inputs(); in[0] != "b/tools/go.mod" || in[2] != "b/tools/**/*.go" {
		t.Errorf("inputs %v", in)
	}
}

// TestRunWithLocalDatabase runs the real govulncheck on the fixture module
// against testdata/vulndb, named through GOVULNDB as a user offline would.
func TestRunWithLocalDatabase(t *testing.T) {
	requireTool(t)
	db, err := localDB()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(DBEnv, db)
	root, _ := filepath.Abs("testdata")
	c := newCollector("mod", "govulncheck:mod")
	res := c.Run(context.Background(), collectors.Request{Root: root, Timeout: 5 * time.Minute})
	if res.Status != model.StatusOK {
		t.Fatalf("status %s: %s\n%s", res.Status, res.Error, res.Output)
	}
	if res.ExitCode != 0 || res.Command != "cd mod && govulncheck -json -db "+db+" ./..." {
		t.Errorf("exit %d command %q", res.ExitCode, res.Command)
	}
	if res.Facts["vulns.called"] != 1 || res.Facts["vulns.imported"] != 2 || len(res.Findings) != 3 {
		t.Fatalf("facts %v findings %d", res.Facts, len(res.Findings))
	}
	f := res.Findings[0] // at govulncheck's example trace #1
	if f.Severity != model.High || f.Rule != RuleCalled.ID || f.Location() != "mod/main.go:17:27" {
		t.Errorf("first finding %s %s %s", f.Severity, f.Rule, f.Location())
	}
}

func TestRunWithUnreachableDatabase(t *testing.T) {
	requireTool(t)
	t.Setenv(DBEnv, "http://127.0.0.1:9")
	root, _ := filepath.Abs("testdata")
	res := newCollector("mod", "govulncheck:mod").Run(context.Background(), collectors.Request{Root: root, Timeout: time.Minute})
	if res.Status != model.StatusUnknown || res.Hint != OfflineHint || len(res.Findings) != 0 {
		t.Fatalf("status %s error %q hint %q", res.Status, res.Error, res.Hint)
	}
}

func TestMissingTool(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	res := newCollector(".", "govulncheck:x").Run(context.Background(), collectors.Request{Root: t.TempDir()})
	if res.Status != model.StatusUnknown || res.Hint != InstallHint || res.ExitCode != -1 {
		t.Fatalf("%+v", res)
	}
}

// goOnlyPath is a PATH with the go command and without govulncheck.
func goOnlyPath(t *testing.T) {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", filepath.Dir(goBin))
	if _, err := exec.LookPath(Tool); err == nil {
		t.Fatalf("%s is beside go in %s: the test needs a PATH without it", Tool, filepath.Dir(goBin))
	}
}

// A module that lists govulncheck among its tools is checked with that
// govulncheck (go tool govulncheck), after trust, instead of being told
// to install one.
func TestRunThroughTheModulesTool(t *testing.T) {
	goOnlyPath(t)
	db, err := localDB()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(DBEnv, db)
	root, _ := filepath.Abs("testdata")
	c := Detect(root, []string{"toolmod/go.mod"})[0].(*Collector)
	if res, known := c.Precheck(root); known {
		t.Fatalf("precheck answered %s: %s", res.Status, res.Error)
	}
	if got, want := c.RepoCode(), "go tool govulncheck (golang.org/x/vuln v1.8.0, from the tool block of toolmod/go.mod)"; got != want {
		t.Errorf("repo code %q, want %q", got, want)
	}
	res := c.Run(context.Background(), collectors.Request{Root: root, Timeout: 5 * time.Minute})
	if res.Status != model.StatusOK {
		t.Fatalf("status %s: %s %s\n%s", res.Status, res.Error, res.Hint, res.Output)
	}
	if want := "cd toolmod && go tool govulncheck -json -db " + db + " ./..."; res.Command != want {
		t.Errorf("command %q, want %q", res.Command, want)
	}
	if res.Facts["vulns"] != 0 || len(res.Findings) != 0 {
		t.Errorf("facts %v findings %v", res.Facts, res.Findings)
	}
}

// Without govulncheck anywhere the answer comes before any wait, and
// nothing waits for trust.
func TestPrecheckWithoutAnyGovulncheck(t *testing.T) {
	goOnlyPath(t)
	root, _ := filepath.Abs("testdata")
	c := Detect(root, []string{"mod/go.mod"})[0].(*Collector)
	res, known := c.Precheck(root)
	if !known || res.Status != model.StatusUnknown || res.Hint != InstallHint ||
		res.Error != "govulncheck is not on PATH, and mod/go.mod does not list it among its tools" {
		t.Fatalf("known %v: %+v", known, res)
	}
	if what := c.RepoCode(); what != "" {
		t.Errorf("repo code %q for a govulncheck that is not there", what)
	}
}

// go tool could not download the module's govulncheck: unknown, and not
// blamed on the vulnerability database.
func TestModulesToolThatCannotBeBuilt(t *testing.T) {
	bin := t.TempDir()
	fake := "#!/bin/sh\necho 'go: downloading golang.org/x/vuln v1.8.0' >&2\n" +
		"echo 'go: golang.org/x/vuln@v1.8.0: Get \"https://proxy.golang.org/golang.org/x/vuln/@v/v1.8.0.zip\": dial tcp: lookup proxy.golang.org: no such host' >&2\nexit 1\n"
	if err := os.WriteFile(filepath.Join(bin, "go"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	root, _ := filepath.Abs("testdata")
	c := Detect(root, []string{"toolmod/go.mod"})[0].(*Collector)
	res := c.Run(context.Background(), collectors.Request{Root: root, Timeout: time.Minute})
	want := `go could not build the govulncheck of go.mod's tool block: go: golang.org/x/vuln@v1.8.0: Get "https://proxy.golang.org/golang.org/x/vuln/@v/v1.8.0.zip": dial tcp: lookup proxy.golang.org: no such host`
	if res.Status != model.StatusUnknown || res.Error != want || res.Hint == OfflineHint {
		t.Errorf("status %s error %q hint %q", res.Status, res.Error, res.Hint)
	}
}

// A database govulncheck could not reach is not asked again by the other
// modules for a while: each would load its packages for minutes to hear
// the same (gofiber/recipes: 90 modules offline). Another database is.
func TestUnreachableDatabaseIsNotAskedAgainSoon(t *testing.T) {
	requireTool(t)
	t.Cleanup(func() { outages = &outageLog{} })
	outages = &outageLog{}
	t.Setenv(DBEnv, "http://127.0.0.1:9")
	root, _ := filepath.Abs("testdata")
	first := newCollector("mod", "govulncheck:mod").Run(context.Background(), collectors.Request{Root: root, Timeout: time.Minute})
	if first.Status != model.StatusUnknown || first.Command == "" {
		t.Fatalf("first: status %s command %q error %q", first.Status, first.Command, first.Error)
	}
	second := newCollector("mod", "govulncheck:other").Run(context.Background(), collectors.Request{Root: root, Timeout: time.Minute})
	said := strings.TrimPrefix(first.Error, unreachablePrefix)
	if second.Status != model.StatusUnknown || second.Command != "" || second.Hint != OfflineHint ||
		!strings.HasPrefix(second.Error, unreachablePrefix+said+" (govulncheck:mod found it ") {
		t.Errorf("second: status %s command %q error %q", second.Status, second.Command, second.Error)
	}
	t.Setenv(DBEnv, "http://127.0.0.1:10")
	if third := newCollector("mod", "govulncheck:mod").Run(context.Background(), collectors.Request{Root: root, Timeout: time.Minute}); third.Command == "" {
		t.Errorf("another database was not asked: %q", third.Error)
	}
}
