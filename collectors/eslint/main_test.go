package eslint

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

	"github.com/preflight-dev/preflight/internal/capture"

	"github.com/preflight-dev/preflight/collectors/nodepkg"
	"github.com/preflight-dev/preflight/proc"
)

// The parser tests read real ESLint output captured from the fixture
// packages under testdata/packages. To refresh it after changing a fixture
// or the pinned ESLint (npm ci --prefix collectors/eslint/testdata):
//
//	go test ./collectors/eslint -capture
var captureFlag = flag.Bool("capture", false, "run eslint on the fixtures and rewrite testdata/captured, then exit")

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
	Fixture  string `json:"fixture"`
	ExitCode int    `json:"exit_code"`
	Report   bool   `json:"report"`
}

type captureManifest struct {
	Testdata string       `json:"testdata"` // absolute testdata directory when captured
	Runs     []captureRun `json:"runs"`
}

var captureFixtures = []string{"flat", "legacy", "broken", "clean"}

func captureAll() error {
	testdata, err := filepath.Abs("testdata")
	if err != nil {
		return err
	}
	outdir := filepath.Join(testdata, "captured")
	if err := os.MkdirAll(outdir, 0o755); err != nil {
		return err
	}
	files, err := walkFiles(testdata)
	if err != nil {
		return err
	}
	byDir := map[string]*Collector{}
	for _, c := range Detect(testdata, files) {
		byDir[c.(*Collector).dir] = c.(*Collector)
	}
	man := captureManifest{Testdata: testdata}
	for _, fixture := range captureFixtures {
		c := byDir["packages/"+fixture]
		if c == nil {
			return fmt.Errorf("fixture %s is not detected", fixture)
		}
		dir := filepath.Join(testdata, "packages", fixture)
		bin, ok := nodepkg.LocalBin(dir, "eslint")
		if !ok {
			return fmt.Errorf("eslint is not installed: npm ci --prefix collectors/eslint/testdata")
		}
		tmp, err := os.MkdirTemp("", "capture-")
		if err != nil {
			return err
		}
		report := filepath.Join(tmp, "report.json")
		out, err := proc.Run(context.Background(), proc.Cmd{Dir: dir, Name: bin, Args: c.args(dir, report), Env: c.env(), Timeout: 5 * time.Minute})
		if err != nil {
			return fmt.Errorf("%s: %v", fixture, err)
		}
		run := captureRun{Fixture: fixture, ExitCode: out.ExitCode}
		stem := filepath.Join(outdir, fixture)
		if data, err := os.ReadFile(report); err == nil {
			run.Report = true
			if err := os.WriteFile(stem+".json", data, 0o644); err != nil {
				return err
			}
		}
		_ = os.RemoveAll(tmp)
		if err := os.WriteFile(stem+".stderr", out.Stderr, 0o644); err != nil {
			return err
		}
		man.Runs = append(man.Runs, run)
		fmt.Printf("%-8s exit %d report %v\n", fixture, run.ExitCode, run.Report)
	}
	return capture.WriteManifest(outdir, man)
}

type captured struct {
	run    captureRun
	report []byte
	stderr []byte
	loc    Location
}

func loadCaptured(t testing.TB, fixture string) captured {
	t.Helper()
	var man captureManifest
	capture.ReadManifest(t, &man)
	var err error
	for _, run := range man.Runs {
		if run.Fixture != fixture {
			continue
		}
		stem := filepath.Join("testdata", "captured", fixture)
		c := captured{run: run, loc: Location{Root: man.Testdata, Dir: filepath.Join(man.Testdata, "packages", fixture)}}
		if run.Report {
			if c.report, err = os.ReadFile(stem + ".json"); err != nil {
				t.Fatal(err)
			}
		}
		if c.stderr, err = os.ReadFile(stem + ".stderr"); err != nil {
			t.Fatal(err)
		}
		return c
	}
	t.Fatalf("no captured run %q in testdata/captured/manifest.json", fixture)
	return captured{}
}

func walkFiles(root string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "captured") {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	return files, err
}

func fixtureRoot(t testing.TB) string {
	t.Helper()
	abs, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

func listFiles(t testing.TB, root string) []string {
	t.Helper()
	files, err := walkFiles(root)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// needESLint skips when node or the pinned ESLint is missing, except on
// CI, where that is a failure.
func needESLint(t testing.TB) {
	t.Helper()
	msg := ""
	if _, err := exec.LookPath("node"); err != nil {
		msg = "node is not on PATH"
	} else if _, ok := nodepkg.LocalBin(filepath.Join(fixtureRoot(t), "packages"), "eslint"); !ok {
		msg = "eslint is not installed in testdata (run: npm ci --prefix collectors/eslint/testdata)"
	}
	if msg == "" {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}
