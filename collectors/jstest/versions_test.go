package jstest

import (
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/collectors/nodepkg"
	"github.com/preflight-dev/preflight/internal/fixturetest"
)

// Every supported runner version, each installed in its own package under
// testdata/versions with the same four tests: two pass, one fails at
// expect(…).toBe(5), one is skipped. preflight must build a command line
// each version accepts and read the same numbers from each.
func TestRunnerVersionMatrix(t *testing.T) {
	needRunners(t)
	root := filepath.Join(fixtureRoot(t), "versions")
	versions := []struct{ pkg, kind, major string }{
		{"vitest1", KindVitest, "1"}, {"vitest2", KindVitest, "2"}, {"vitest3", KindVitest, "3"}, {"vitest4", KindVitest, "4"},
		{"jest27", KindJest, "27"}, {"jest29", KindJest, "29"}, {"jest30", KindJest, "30"},
	}
	// The failing assertion: line 12 of the ES module, 11 of the CommonJS one.
	failing := map[string]string{KindVitest: "src/sum.test.js:12:23", KindJest: "src/sum.test.js:11:23"}
	for _, v := range versions {
		t.Run(v.pkg, func(t *testing.T) {
			dir := filepath.Join(root, v.pkg)
			bin := filepath.Join(dir, "node_modules", ".bin", v.kind)
			if _, err := os.Stat(bin); err != nil {
				fixturetest.Unavailable(t, v.kind+" is not installed in testdata/versions/"+v.pkg+": make deps")
			}
			if got := nodepkg.InstalledTool(bin, v.kind).Major(); got == 0 || strconv.Itoa(got) != v.major {
				t.Fatalf("installed %s major %d, want %s", v.kind, got, v.major)
			}
			r := runCollector(t, collector(t, root, v.kind+":"+v.pkg), root, 3*time.Minute)
			want := map[string]float64{"tests.passed": 2, "tests.failed": 1, "tests.skipped": 1, "tests.todo": 0, "suites.failed": 1}
			if r.Status != "ok" || !reflect.DeepEqual(r.Facts, want) {
				t.Fatalf("status %s (%s), facts %v, want %v\n%s", r.Status, r.Error, r.Facts, want, r.Output)
			}
			wantLoc := []string{v.pkg + "/" + failing[v.kind] + " " + v.kind + "/test-failed"}
			if got := located(r.Findings); !reflect.DeepEqual(got, wantLoc) {
				t.Errorf("findings %q, want %q", got, wantLoc)
			}
			// Named by its describe and title, in every version (Vitest 1
			// reports the file's own suite as an empty title).
			if !strings.HasPrefix(r.Findings[0].Message, "sum › is wrong on purpose failed") || r.ToolVersion == "" {
				t.Errorf("finding %+v, tool version %q", r.Findings[0], r.ToolVersion)
			}
		})
	}
}

// A runner whose version preflight cannot read and that refuses an option
// preflight added is run again without it: the project is not to blame.
func TestRejectedOptionFallsBackToAPlainRun(t *testing.T) {
	needRunners(t)
	root := t.TempDir()
	report, err := os.ReadFile(filepath.Join(fixtureRoot(t), "captured", "vitest-pass.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "report.json"), report, 0o644); err != nil {
		t.Fatal(err)
	}
	script := `#!/bin/sh
for a in "$@"; do
  case "$a" in
    --includeTaskLocation) echo 'CACError: Unknown option ` + "`--includeTaskLocation`" + `' >&2; exit 1 ;;
    --outputFile.json=*) out="${a#--outputFile.json=}" ;;
  esac
done
echo "$@" > "` + filepath.Join(root, "args") + `"
cp "` + filepath.Join(root, "report.json") + `" "$out"
`
	bin := filepath.Join(root, "pkg", "node_modules", ".bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "vitest"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "pkg", "package.json"), []byte(`{"name":"pkg","scripts":{"test":"vitest run"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCollector(t, collector(t, root, "vitest:pkg"), root, time.Minute)
	if r.Status != "ok" || r.Facts["tests.passed"] == 0 || len(r.Findings) != 0 && r.Findings[0].Rule == "vitest/runner-failed" {
		t.Fatalf("status %s (%s), facts %v, findings %+v", r.Status, r.Error, r.Facts, r.Findings)
	}
	args, _ := os.ReadFile(filepath.Join(root, "args"))
	if strings.Contains(string(args), "includeTaskLocation") || !strings.Contains(r.Command, "--reporter=json") || strings.Contains(r.Command, "includeTaskLocation") {
		t.Errorf("second run's arguments %q, evidence %q", args, r.Command)
	}
}

// A runner that needs a newer Node than the one on PATH is unknown, naming
// both versions: it is the machine, not the project. So is a project whose
// own engines.node excludes that Node (its workspace root's here): its
// failures there would be the Node version's.
func TestRunnerNeedingANewerNodeIsUnknown(t *testing.T) {
	needRunners(t)
	node := nodepkg.NodeVersion()
	cases := []struct{ tool, project, want string }{
		{`"engines":{"node":">=99.0.0"}`, "", "vitest 9.0.0 needs Node >=99.0.0; the node on PATH is " + node},
		{"", `"engines":{"node":">=99.0.0"}`, "the project needs Node >=99.0.0 (engines.node in package.json); the node on PATH is " + node},
	}
	for _, c := range cases {
		root := t.TempDir()
		marker := filepath.Join(root, "ran")
		pkg := filepath.Join(root, "app", "node_modules", "vitest")
		mustWrite(t, filepath.Join(pkg, "package.json"), `{"name":"vitest","version":"9.0.0",`+c.tool+`}`, 0o644)
		mustWrite(t, filepath.Join(pkg, "vitest.mjs"), "#!/bin/sh\ntouch "+marker+"\n", 0o755)
		if err := os.MkdirAll(filepath.Join(root, "app", "node_modules", ".bin"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("../vitest/vitest.mjs", filepath.Join(root, "app", "node_modules", ".bin", "vitest")); err != nil {
			t.Fatal(err)
		}
		mustWrite(t, filepath.Join(root, "app", "package.json"), `{"name":"app","scripts":{"test":"vitest run"}}`, 0o644)
		mustWrite(t, filepath.Join(root, "package.json"), `{"name":"root","workspaces":["app"],`+c.project+`}`, 0o644)
		r := runCollector(t, collector(t, root, "vitest:app"), root, time.Minute)
		if r.Status != "unknown" || r.Error != c.want || r.Hint == "" || len(r.Findings) != 0 {
			t.Errorf("status %s, error %q, hint %q, findings %+v\nwant error %q", r.Status, r.Error, r.Hint, r.Findings, c.want)
		}
		if _, err := os.Stat(marker); err == nil {
			t.Error("the runner was started")
		}
	}
}

func mustWrite(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}

// A package whose test script runs Jest under `node
// --experimental-vm-modules` (ES module tests) is run with those options:
// without them every suite fails to load, which is preflight's command line
// at fault, not the project.
func TestJestRunsWithTheScriptsNodeOptions(t *testing.T) {
	needRunners(t)
	installed := filepath.Join(fixtureRoot(t), "versions", "jest29", "node_modules")
	if _, err := os.Stat(filepath.Join(installed, "jest", "bin", "jest.js")); err != nil {
		fixturetest.Unavailable(t, "jest is not installed in testdata/versions/jest29: make deps")
	}
	for _, script := range []string{
		"node --experimental-vm-modules node_modules/jest/bin/jest.js",
		"NODE_OPTIONS=--experimental-vm-modules jest",
		"jest", // the control: the suite does not load
	} {
		t.Run(script, func(t *testing.T) {
			root := t.TempDir()
			fixturetest.WriteFiles(t, root, map[string]string{
				"package.json":     `{"name":"esm","private":true,"type":"module","scripts":{"test":"` + script + `"},"devDependencies":{"jest":"29.7.0"}}`,
				"src/sum.js":       "export const sum = (a, b) => a + b;\n",
				"src/sum.test.js":  "import { sum } from './sum.js';\n\ntest('adds', () => {\n  expect(sum(1, 2)).toBe(3);\n});\n",
				"jest.config.json": `{"transform":{}}`,
			})
			if err := os.Symlink(installed, filepath.Join(root, "node_modules")); err != nil {
				t.Fatal(err)
			}
			r := runCollector(t, collector(t, root, "jest:."), root, 3*time.Minute)
			if script == "jest" {
				if r.Facts["suites.failed"] != 1 || strings.Contains(r.Command, "NODE_OPTIONS") {
					t.Fatalf("without the options the suite should not load: %s %v %s\n%s", r.Status, r.Facts, r.Command, r.Output)
				}
				return
			}
			want := map[string]float64{"tests.passed": 1, "tests.failed": 0, "tests.skipped": 0, "tests.todo": 0, "suites.failed": 0}
			if r.Status != "ok" || !reflect.DeepEqual(r.Facts, want) || !strings.HasPrefix(r.Command, "NODE_OPTIONS=--experimental-vm-modules ") {
				t.Fatalf("status %s (%s), facts %v, command %q\n%s", r.Status, r.Error, r.Facts, r.Command, r.Output)
			}
		})
	}
}

// Create React App's tests run through react-scripts, which holds the
// Jest configuration: the collector runs `react-scripts test` as the test
// script does, not watching, with Jest's report options behind it, and
// reads the report. The launcher here replays a report captured from
// react-scripts 3.4.1 (@ROOT@ stands for the package).
func TestReactScriptsRunsTheTests(t *testing.T) {
	needRunners(t)
	root := t.TempDir()
	report := filepath.Join(fixtureRoot(t), "captured", "react-scripts-3.4.1-fail.json")
	script := `#!/bin/sh
echo "$@" > "` + filepath.Join(root, "args") + `"
echo "CI=$CI" >> "` + filepath.Join(root, "args") + `"
for a in "$@"; do
  case "$a" in --outputFile=*) out="${a#--outputFile=}" ;; esac
done
sed "s#@ROOT@#$PWD#g" "` + report + `" > "$out"
exit 1
`
	fixturetest.WriteFiles(t, root, map[string]string{
		"app/package.json":    `{"name": "app", "dependencies": {"react-scripts": "3.4.1"}, "scripts": {"test": "react-scripts test"}, "jest": {"collectCoverageFrom": ["src/**"]}}`,
		"app/src/sum.test.js": "import { sum } from './sum';\n\ntest('adds', () => {\n  expect(sum(1, 2)).toBe(3);\n});\n",
	})
	bin := filepath.Join(root, "app", "node_modules", ".bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "react-scripts"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	r := runCollector(t, collector(t, root, "jest:app"), root, time.Minute)
	if r.Status != "ok" || r.Facts["tests.failed"] != 1 || r.Facts["suites.failed"] != 1 || len(r.Findings) != 1 {
		t.Fatalf("status %s (%s), facts %v, findings %+v", r.Status, r.Error, r.Facts, r.Findings)
	}
	if f := r.Findings[0]; f.Rule != "jest/test-failed" || f.File != "app/src/sum.test.js" || f.Line != 4 {
		t.Errorf("finding %s at %s:%d, want jest/test-failed at app/src/sum.test.js:4", f.Rule, f.File, f.Line)
	}
	args, _ := os.ReadFile(filepath.Join(root, "args"))
	if !strings.HasPrefix(string(args), "test --watchAll=false --ci --json --testLocationInResults --outputFile=") || !strings.HasSuffix(string(args), "\nCI=true\n") {
		t.Errorf("react-scripts ran with %q", args)
	}
	if !strings.HasPrefix(r.Command, "cd app && CI=true node_modules/.bin/react-scripts test --watchAll=false ") {
		t.Errorf("command %q", r.Command)
	}
	// Trust is asked for what runs: the launcher.
	if got := collector(t, root, "jest:app").RepoCode(); got != "node_modules/.bin/react-scripts and the tests in app" {
		t.Errorf("repository code %q", got)
	}
}
