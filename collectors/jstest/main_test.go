package jstest

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

// The parser tests read real runner output captured from the fixture
// packages under testdata/packages. To refresh it after changing a
// fixture or the pinned runners (npm ci --prefix collectors/jstest/testdata):
//
//	go test ./collectors/jstest -capture
var captureFlag = flag.Bool("capture", false, "run the runners on the fixtures and rewrite testdata/captured, then exit")

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

// captureRun is one runner invocation on one fixture package.
type captureRun struct {
	Fixture  string `json:"fixture"` // directory under testdata/packages
	Kind     string `json:"kind"`
	ExitCode int    `json:"exit_code"`
	Report   bool   `json:"report"` // the runner wrote its JSON report
}

// captureManifest records where the output was captured: the reports hold
// absolute paths, which the parsers make repo-relative.
type captureManifest struct {
	Testdata string       `json:"testdata"` // absolute testdata directory when captured
	Runs     []captureRun `json:"runs"`
}

var captureFixtures = []captureRun{
	{Fixture: "vitest-pass", Kind: KindVitest},
	{Fixture: "vitest-fail", Kind: KindVitest},
	{Fixture: "vitest-broken", Kind: KindVitest},
	{Fixture: "vitest-empty", Kind: KindVitest},
	{Fixture: "jest-pass", Kind: KindJest},
	{Fixture: "jest-fail", Kind: KindJest},
	{Fixture: "jest-broken", Kind: KindJest},
	{Fixture: "jest-empty", Kind: KindJest},
}

func captureAll() error {
	testdata, err := filepath.Abs("testdata")
	if err != nil {
		return err
	}
	outdir := filepath.Join(testdata, "captured")
	if err := os.MkdirAll(outdir, 0o755); err != nil {
		return err
	}
	man := captureManifest{Testdata: testdata}
	for _, run := range captureFixtures {
		dir := filepath.Join(testdata, "packages", run.Fixture)
		bin, ok := nodepkg.LocalBin(dir, run.Kind)
		if !ok {
			return fmt.Errorf("%s is not installed: npm ci --prefix collectors/jstest/testdata", run.Kind)
		}
		tmp, err := os.MkdirTemp("", "capture-")
		if err != nil {
			return err
		}
		report := filepath.Join(tmp, "report.json")
		r := runners[run.Kind]
		c := proc.Cmd{Dir: dir, Name: bin, Args: r.args(report, nodepkg.InstalledTool(bin, run.Kind)), Env: r.env, Timeout: 5 * time.Minute}
		out, err := proc.Run(context.Background(), c)
		if err != nil {
			return fmt.Errorf("%s: %v", run.Fixture, err)
		}
		run.ExitCode = out.ExitCode
		stem := filepath.Join(outdir, run.Fixture)
		if data, err := os.ReadFile(report); err == nil {
			run.Report = true
			if err := os.WriteFile(stem+".json", data, 0o644); err != nil {
				return err
			}
		}
		_ = os.RemoveAll(tmp)
		if err := os.WriteFile(stem+".stdout", out.Stdout, 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(stem+".stderr", out.Stderr, 0o644); err != nil {
			return err
		}
		man.Runs = append(man.Runs, run)
		fmt.Printf("%-14s exit %d report %v\n", run.Fixture, run.ExitCode, run.Report)
	}
	return capture.WriteManifest(outdir, man)
}

// captured is one captured run, loaded for a test.
type captured struct {
	run            captureRun
	report         []byte // nil when the runner wrote none
	stdout, stderr []byte
	loc            Location // the fixture as it was when captured
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
		if c.stdout, err = os.ReadFile(stem + ".stdout"); err != nil {
			t.Fatal(err)
		}
		if c.stderr, err = os.ReadFile(stem + ".stderr"); err != nil {
			t.Fatal(err)
		}
		return c
	}
	t.Fatalf("no captured run %q in testdata/captured/manifest.json", fixture)
	return captured{}
}

// fixtureRoot is the fixtures' repository root (an npm workspace root).
func fixtureRoot(t testing.TB) string {
	t.Helper()
	abs, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// listFiles lists a tree the way the engine hands it to Detect.
func listFiles(t testing.TB, root string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "captured" || (d.Name() == "versions" && p != root) || (d.Name() == "monorepos" && p != root)) {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// needRunners skips when the pinned runners are not installed, except on
// CI, where that is a failure.
func needRunners(t testing.TB) {
	t.Helper()
	root := fixtureRoot(t)
	if _, err := exec.LookPath("node"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node is not on PATH")
		}
		t.Skip("node is not on PATH")
	}
	for _, kind := range []string{KindVitest, KindJest} {
		if _, ok := nodepkg.LocalBin(filepath.Join(root, "packages"), kind); ok {
			continue
		}
		msg := kind + " is not installed in testdata (run: npm ci --prefix collectors/jstest/testdata)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
}
