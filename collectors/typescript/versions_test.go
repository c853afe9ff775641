package typescript

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"
)

// versionsFixture holds one project per older compiler, each with its own
// node_modules/typescript and the same sources: four errors at known
// places, what `tsc --noEmit --pretty false -p <dir>/tsconfig.json` prints
// on each.
const versionsFixture = "versions"

var compilerVersions = []struct{ dir, version string }{
	{"ts44", "4.4.4"},
	{"ts49", "4.9.5"},
}

// needCompiler skips when a version's compiler is not installed, except on
// CI, where that is a failure.
func needCompiler(t *testing.T, dir, version string) toolchain {
	t.Helper()
	tc, missing := findToolchain(testdata(t, versionsFixture, dir))
	if missing == nil && tc.version != version {
		missing = &missingTool{reason: "TypeScript " + version + " is not installed in testdata/versions/" + dir + " (found " + tc.version + ")"}
	}
	if missing != nil {
		fixturetest.Unavailable(t, missing.reason+": make deps")
	}
	if tc.library == "" {
		t.Fatalf("TypeScript %s has no compiler API at %s", version, tc.tsc)
	}
	return tc
}

func versionFindings(dir string) []string {
	return []string{
		dir + "/src/index.ts:3:7 TS2322",
		dir + "/src/index.ts:4:38 TS2345",
		dir + "/src/index.ts:5:30 TS2304",
		dir + "/src/index.ts:7:1 TS2578",
	}
}

// TypeScript 4.x: the one-shot tsc reports what tsc prints by hand, and
// results name the compiler that ran.
func TestOneShotOnTypeScript4(t *testing.T) {
	needTypeScript(t)
	root := testdata(t, versionsFixture)
	for _, v := range compilerVersions {
		t.Run(v.dir, func(t *testing.T) {
			needCompiler(t, v.dir, v.version)
			r := run(t, project(t, root, "typescript:"+v.dir), root, collectors.OneShot)
			if r.Status != model.StatusOK || r.Facts["errors"] != 4 || r.ExitCode != 2 {
				t.Fatalf("status %s, errors %v, exit %d, error %q\n%s", r.Status, r.Facts["errors"], r.ExitCode, r.Error, r.Output)
			}
			if got, want := locatedFindings(r), versionFindings(v.dir); !reflect.DeepEqual(got, want) {
				t.Errorf("findings\n got %q\nwant %q", got, want)
			}
			if want := v.dir + "/node_modules/typescript/bin/tsc --noEmit --pretty false -p " + v.dir + "/tsconfig.json"; r.Command != want {
				t.Errorf("command %q, want %q", r.Command, want)
			}
			if want := v.dir + "/src/index.ts(4,38): error TS2345: Argument of type 'number' is not assignable to parameter of type 'string'."; !strings.Contains(r.Output, want) {
				t.Errorf("output lacks tsc's own line %q:\n%s", want, r.Output)
			}
			if r.ToolVersion != v.version {
				t.Errorf("tool version %q, want %s", r.ToolVersion, v.version)
			}
		})
	}
}

// TypeScript 4.x lacks compiler API functions 5.x has; the cockpit's
// checker still runs on it, through edits, and agrees with tsc throughout.
func TestWatchOnTypeScript4(t *testing.T) {
	needTypeScript(t)
	root := copyVersions(t)
	for _, v := range compilerVersions {
		t.Run(v.dir, func(t *testing.T) {
			needCompiler(t, v.dir, v.version)
			p := project(t, root, "typescript:"+v.dir)
			r := watchAgrees(t, p, root)
			if got, want := locatedFindings(r), versionFindings(v.dir); !reflect.DeepEqual(got, want) {
				t.Errorf("findings\n got %q\nwant %q", got, want)
			}
			if r.ToolVersion != v.version || !strings.HasPrefix(r.Output, "checked by a running TypeScript "+v.version+" watch program") {
				t.Errorf("tool version %q, evidence:\n%s", r.ToolVersion, r.Output)
			}
			pid := checkerPID(t, p)

			index := filepath.Join(root, v.dir, "src/index.ts")
			replaceIn(t, index, `const count: number = "three";`, `const count: number = 3;`)
			if r := recheck(t, p, root, pid, v.dir+"/src/index.ts"); r.Facts["errors"] != 3 {
				t.Errorf("after the fix: %q", locatedFindings(r))
			}
			// A new file: only a directory watcher sees it.
			writeFile(t, filepath.Join(root, v.dir, "src/extra.ts"), "export const flag: boolean = 'yes';\n")
			if got := locatedFindings(recheck(t, p, root, pid, v.dir+"/src/extra.ts")); len(got) != 4 || got[0] != v.dir+"/src/extra.ts:1:14 TS2322" {
				t.Errorf("after adding extra.ts: %q", got)
			}
			// A change in an imported file.
			replaceIn(t, filepath.Join(root, v.dir, "src/greet.ts"), "name: string", "name: number")
			if got := locatedFindings(recheck(t, p, root, pid, v.dir+"/src/greet.ts")); len(got) != 3 {
				t.Errorf("after greet takes a number: %q", got)
			}
		})
	}
}

// A repository whose projects pin different compilers has them all loaded
// in one checker process, each project checked by its own.
func TestWatchCompilersShareOneProcess(t *testing.T) {
	needTypeScript(t)
	root := copyVersions(t)
	pids := map[int][]string{} // checker pid -> the versions it checked
	var open []*Project
	for _, v := range compilerVersions {
		needCompiler(t, v.dir, v.version)
		p := project(t, root, "typescript:"+v.dir)
		open = append(open, p)
		r := watchAgrees(t, p, root)
		if got, want := locatedFindings(r), versionFindings(v.dir); !reflect.DeepEqual(got, want) || r.ToolVersion != v.version {
			t.Errorf("%s: version %q findings\n got %q\nwant %q", v.dir, r.ToolVersion, got, want)
		}
	}
	for _, p := range open {
		pid := checkerPID(t, p)
		pids[pid] = append(pids[pid], p.ID())
	}
	if len(pids) != 1 {
		t.Errorf("the projects ran in %d processes: %v", len(pids), pids)
	}
}

// copyVersions copies the versions fixture to a temporary repository, each
// project's node_modules a link to its installed compiler.
func copyVersions(t *testing.T) string {
	t.Helper()
	src := testdata(t, versionsFixture)
	dst := filepath.Join(t.TempDir(), versionsFixture)
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() && d.Name() == "node_modules" {
			if err := os.Symlink(p, target); err != nil {
				return err
			}
			return filepath.SkipDir
		}
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}
