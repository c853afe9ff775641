package typescript

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"
)

var capture = flag.Bool("capture", false, "rewrite testdata/captured from the real tsc and checker")

// fixture roots: each is a repository root for Detect.
const (
	monorepoFixture   = "monorepo"
	projectsFixture   = "projects"
	referencesFixture = "references"
)

func testdata(t testing.TB, elem ...string) string {
	t.Helper()
	return fixturetest.Testdata(t, elem...)
}

// needTypeScript skips when node or the pinned compiler is missing, except
// on CI, where a missing tool is a failure.
func needTypeScript(t testing.TB) toolchain {
	t.Helper()
	tc, missing := findToolchain(testdata(t, monorepoFixture))
	if missing == nil && tc.fromPath {
		missing = &missingTool{reason: "testdata/node_modules/typescript is not installed", hint: "npm ci --prefix collectors/typescript/testdata"}
	}
	if missing != nil {
		fixturetest.Unavailable(t, missing.reason+" ("+missing.hint+"; run: npm ci --prefix collectors/typescript/testdata)")
	}
	return tc
}

// listFiles lists a tree the way the engine hands it to Detect.
func listFiles(t testing.TB, root string) []string {
	return fixturetest.Files(t, root, "node_modules")
}

// project detects the fixture root and returns the project with id.
func project(t testing.TB, root, id string) *Project {
	t.Helper()
	for _, c := range Detect(root, listFiles(t, root)) {
		if c.ID() == id {
			p := c.(*Project)
			t.Cleanup(func() { _ = p.Close() })
			return p
		}
	}
	t.Fatalf("no collector %s detected in %s", id, root)
	return nil
}

// copyFixture copies a fixture to a temporary repository whose
// node_modules links to the pinned compiler, so tests may edit it.
func copyFixture(t testing.TB, name string) string {
	t.Helper()
	dst := copyFixtureUninstalled(t, name)
	linkTypeScript(t, dst)
	return dst
}

// copyFixtureUninstalled copies a fixture to a temporary repository with
// no node_modules in it or above it.
func copyFixtureUninstalled(t testing.TB, name string) string {
	t.Helper()
	src := testdata(t, name)
	dst := filepath.Join(t.TempDir(), name)
	fixturetest.Copy(t, src, dst)
	return dst
}

// linkTypeScript gives root a node_modules that is the pinned one.
func linkTypeScript(t testing.TB, root string) {
	t.Helper()
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(testdata(t, "node_modules"), filepath.Join(root, "node_modules")); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t testing.TB, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// replaceIn edits a file in place; the old text must be there.
func replaceIn(t testing.TB, name, old, new string) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s does not contain %q", name, old)
	}
	writeFile(t, name, strings.Replace(string(data), old, new, 1))
}

func run(t testing.TB, p *Project, root string, mode collectors.Mode, changed ...string) model.Result {
	t.Helper()
	return p.Run(context.Background(), collectors.Request{Root: root, Mode: mode, Changed: changed, Timeout: collectors.DefaultTimeout,
		LivePrograms: livePrograms})
}

// livePrograms is the bound run asks the checker for (0: the default).
var livePrograms int

// roomForPrograms makes the checkers the test starts keep n programs.
func roomForPrograms(t testing.TB, n int) {
	livePrograms = n
	t.Cleanup(func() { livePrograms = 0 })
}

// capturedCase is one fixture project whose real outputs are kept in
// testdata/captured for the parser tests.
type capturedCase struct {
	name    string // file name stem in testdata/captured
	fixture string // repository root under testdata
	config  string // tsconfig.json, relative to the fixture root
}

var capturedCases = []capturedCase{
	{"monorepo-api", monorepoFixture, "packages/api/tsconfig.json"},
	{"monorepo-web", monorepoFixture, "packages/web/tsconfig.json"},
	{"projects-syntax", projectsFixture, "syntax/tsconfig.json"},
	{"projects-nolib", projectsFixture, "nolib/tsconfig.json"},
	{"projects-badconfig", projectsFixture, "badconfig/tsconfig.json"},
	{"projects-badjson", projectsFixture, "badjson/tsconfig.json"},
	{"projects-truncated", projectsFixture, "truncated/tsconfig.json"},
	{"projects-badextends", projectsFixture, "badextends/tsconfig.json"},
	{"projects-noinputs", projectsFixture, "noinputs/tsconfig.json"},
}

// TestCapture rewrites testdata/captured with what the real tools print on
// the fixtures. It only runs with -capture:
//
//	go test ./collectors/typescript -run TestCapture -capture
func TestCapture(t *testing.T) {
	if !*capture {
		t.Skip("run with -capture to rewrite testdata/captured")
	}
	tc := needTypeScript(t)
	dir := testdata(t, "captured")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range capturedCases {
		root := testdata(t, c.fixture)
		tsc := exec.Command(tc.node, tc.tsc, "--noEmit", "--pretty", "false", "-p", c.config)
		tsc.Dir = root
		out, err := tsc.Output()
		if _, exited := err.(*exec.ExitError); err != nil && !exited {
			t.Fatal(err)
		}
		// Absolute paths in messages (TS5083, TS18003) name this machine's
		// checkout; the parser tests read them as if the fixture were /repo.
		writeFile(t, filepath.Join(dir, c.name+".tsc.txt"), strings.ReplaceAll(string(out), root, fixtureRoot))

		checker := exec.Command(tc.node, "-e", checkerScript, "--", tc.library)
		checker.Dir = root
		checker.Stdin = strings.NewReader(`{"id":1,"project":"` + c.config + `"}` + "\n")
		out, err = checker.Output()
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, c.name+".checker.jsonl"), strings.ReplaceAll(string(out), root, fixtureRoot))
	}
}
