package govulncheck

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/preflight-dev/preflight/internal/capture"

	"github.com/preflight-dev/preflight/proc"
)

// The parser tests read real govulncheck output captured from the fixture
// modules, against the small vulnerability database in testdata/vulndb (a
// copy of three real Go advisories for golang.org/x/text, laid out as the
// database protocol describes: index/db.json, index/modules.json, ID/*.json).
// To refresh it:
//
//	go test ./collectors/govulncheck -capture
func TestMain(m *testing.M) { capture.Main(m, captureAll) }

type captureRun struct {
	Name     string   `json:"name"`
	Fixture  string   `json:"fixture"`
	Args     []string `json:"args"`
	ExitCode int      `json:"exit_code"`
	Offline  bool     `json:"offline,omitempty"`
}

func (r captureRun) Stem() string { return r.Name }

// localDB is the file URL of testdata/vulndb.
func localDB() (string, error) { return dbURL("vulndb") }

// dbURL is the file URL of a database under testdata. vulndb-multimod
// holds one real advisory, GO-2026-6617, found in golang.org/x/net and in
// the standard library alike.
func dbURL(name string) (string, error) {
	abs, err := filepath.Abs(filepath.Join("testdata", name))
	if err != nil {
		return "", err
	}
	return "file://" + filepath.ToSlash(abs), nil
}

func captureRuns(db, multimodDB string) []captureRun {
	return []captureRun{
		// One vulnerability in two modules, each with its own fix.
		{Name: "multimod", Fixture: "multimod", Args: Args(multimodDB)},
		{Name: "symbol", Fixture: "mod", Args: Args(db)},
		{Name: "module", Fixture: "mod", Args: []string{"-json", "-db", db, "-scan", "module"}},
		// The text a user reads: its example traces are where a finding
		// stands.
		{Name: "symbol-text", Fixture: "mod", Args: []string{"-db", db, "./..."}},
		// The default database from a machine that cannot reach it: only
		// meaningful when captured offline (captureAll checks it failed).
		{Name: "offline", Fixture: "mod", Args: Args(""), Offline: true},
		{Name: "refused-db", Fixture: "mod", Args: Args("http://127.0.0.1:9")},
		{Name: "broken", Fixture: "broken", Args: Args(db)},
	}
}

func captureAll() error {
	db, err := localDB()
	if err != nil {
		return err
	}
	multimodDB, err := dbURL("vulndb-multimod")
	if err != nil {
		return err
	}
	var man capture.Manifest[captureRun]
	for _, run := range captureRuns(db, multimodDB) {
		out, err := capture.Exec(run.Name, proc.Cmd{Dir: filepath.Join("testdata", run.Fixture), Name: Tool, Args: run.Args})
		if err != nil {
			return err
		}
		run.ExitCode = out.ExitCode
		if run.Offline && out.ExitCode == 0 {
			return fmt.Errorf("%s: the default database was reachable; capture this run offline", run.Name)
		}
		if err := capture.WriteOutput(run.Name, out); err != nil {
			return err
		}
		man.Runs = append(man.Runs, run)
	}
	return capture.WriteManifest(man)
}

type captured struct {
	run            captureRun
	stdout, stderr []byte
	gomod          []byte
}

func loadCaptured(t testing.TB, name string) captured {
	t.Helper()
	run := capture.Load[captureRun](t, name)
	gomod, err := os.ReadFile(filepath.Join("testdata", run.Fixture, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	return captured{run: run, stdout: capture.ReadFile(t, name+".stdout"), stderr: capture.ReadFile(t, name+".stderr"), gomod: gomod}
}
