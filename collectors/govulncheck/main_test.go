package govulncheck

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

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
var captureFlag = flag.Bool("capture", false, "run govulncheck on the fixtures and rewrite testdata/captured, then exit")

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

type captureRun struct {
	Name     string   `json:"name"`
	Fixture  string   `json:"fixture"`
	Args     []string `json:"args"`
	ExitCode int      `json:"exit_code"`
	Offline  bool     `json:"offline,omitempty"`
}

// localDB is the file URL of testdata/vulndb.
func localDB() (string, error) {
	abs, err := filepath.Abs(filepath.Join("testdata", "vulndb"))
	if err != nil {
		return "", err
	}
	return "file://" + filepath.ToSlash(abs), nil
}

func captureRuns(db string) []captureRun {
	return []captureRun{
		{Name: "symbol", Fixture: "mod", Args: Args(db)},
		{Name: "module", Fixture: "mod", Args: []string{"-json", "-db", db, "-scan", "module"}},
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
	outdir := filepath.Join("testdata", "captured")
	if err := os.MkdirAll(outdir, 0o755); err != nil {
		return err
	}
	var runs []captureRun
	for _, run := range captureRuns(db) {
		c := proc.Cmd{Dir: filepath.Join("testdata", run.Fixture), Name: Tool, Args: run.Args, Timeout: 5 * time.Minute}
		out, err := proc.Run(context.Background(), c)
		if err != nil {
			return fmt.Errorf("%s: %v", run.Name, err)
		}
		run.ExitCode = out.ExitCode
		if run.Offline && out.ExitCode == 0 {
			return fmt.Errorf("%s: the default database was reachable; capture this run offline", run.Name)
		}
		if err := os.WriteFile(filepath.Join(outdir, run.Name+".stdout"), out.Stdout, 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(outdir, run.Name+".stderr"), out.Stderr, 0o644); err != nil {
			return err
		}
		runs = append(runs, run)
		fmt.Printf("%-16s exit %d  %s\n", run.Name, out.ExitCode, c.String())
	}
	data, err := json.MarshalIndent(struct {
		Runs []captureRun `json:"runs"`
	}{runs}, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(outdir, "manifest.json"), append(data, '\n'), 0o644)
}

type captured struct {
	run            captureRun
	stdout, stderr []byte
	gomod          []byte
}

func loadCaptured(t testing.TB, name string) captured {
	t.Helper()
	var man struct {
		Runs []captureRun `json:"runs"`
	}
	capture.ReadManifest(t, &man)
	var err error
	for _, run := range man.Runs {
		if run.Name != name {
			continue
		}
		c := captured{run: run}
		for p, dst := range map[string]*[]byte{
			filepath.Join("testdata", "captured", name+".stdout"): &c.stdout,
			filepath.Join("testdata", "captured", name+".stderr"): &c.stderr,
			filepath.Join("testdata", run.Fixture, "go.mod"):      &c.gomod,
		} {
			if *dst, err = os.ReadFile(p); err != nil {
				t.Fatal(err)
			}
		}
		return c
	}
	t.Fatalf("no captured run %q", name)
	return captured{}
}
