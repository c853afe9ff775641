package typescript

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"
)

// pathWith makes PATH a fresh directory holding only the given links
// (name -> target), so lookups cannot find the machine's own tools.
func pathWith(t *testing.T, links map[string]string) {
	t.Helper()
	bin := t.TempDir()
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(bin, name)); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", bin)
}

// bareProject is a one-file project with one type error and no
// node_modules anywhere above it (t.TempDir is outside the repository).
func bareProject(t *testing.T) (root string, p *Project) {
	t.Helper()
	root = filepath.Join(t.TempDir(), "bare")
	writeFile(t, filepath.Join(root, "tsconfig.json"), `{"compilerOptions": {"strict": true, "noEmit": true, "types": [], "lib": ["es2022"]}}`)
	writeFile(t, filepath.Join(root, "index.ts"), "export const n: number = 'x';\n")
	if _, err := os.Stat(filepath.Join(filepath.Dir(root), "node_modules")); err == nil {
		t.Skip("a node_modules above the temporary directory would be found first")
	}
	return root, project(t, root, "typescript:.")
}

func TestMissingTypeScriptIsUnknown(t *testing.T) {
	tc := needTypeScript(t)
	root, p := bareProject(t)
	pathWith(t, map[string]string{"node": tc.node})
	for _, mode := range []collectors.Mode{collectors.OneShot, collectors.Watch} {
		r := run(t, p, root, mode)
		if r.Status != model.StatusUnknown || r.Hint != "install TypeScript: npm i -D typescript" || len(r.Findings) != 0 {
			t.Errorf("mode %d: %+v", mode, r)
		}
	}
}

// A workspace root that lists typescript, not installed yet: the fix is the
// install the lockfile names, not adding TypeScript to the project.
func TestDeclaredTypeScriptNotInstalled(t *testing.T) {
	tc := needTypeScript(t)
	root := copyFixtureUninstalled(t, "yarnworkspace")
	if _, err := os.Stat(filepath.Join(filepath.Dir(root), "node_modules")); err == nil {
		t.Skip("a node_modules above the temporary directory would be found first")
	}
	pathWith(t, map[string]string{"node": tc.node})
	p := project(t, root, "typescript:cli")
	r := run(t, p, root, collectors.OneShot)
	if r.Status != model.StatusUnknown || !strings.HasPrefix(r.Error, "TypeScript is a dependency but is not installed") ||
		r.Hint != "install the dependencies: yarn install --immutable" || len(r.Findings) != 0 {
		t.Errorf("%+v", r)
	}
	// Known without running anything: it is not held back for trust first.
	if pre, ok := p.Precheck(root); !ok || pre.Error != r.Error || pre.Hint != r.Hint {
		t.Errorf("precheck %v %+v, want the run's answer", ok, pre)
	}
}

// Under Yarn Plug'n'Play there is no node_modules/typescript, and tsc on
// PATH would resolve no package import: unknown either way, with the way
// out rather than an install that changes nothing.
func TestPlugAndPlayIsUnknown(t *testing.T) {
	tc := needTypeScript(t)
	root := copyFixtureUninstalled(t, "yarnworkspace")
	writeFile(t, filepath.Join(root, ".pnp.cjs"), "#!/usr/bin/env node\n")
	if _, err := os.Stat(filepath.Join(filepath.Dir(root), "node_modules")); err == nil {
		t.Skip("a node_modules above the temporary directory would be found first")
	}
	p := project(t, root, "typescript:cli")
	for name, links := range map[string]map[string]string{
		"no tsc":      {"node": tc.node},
		"tsc on PATH": {"node": tc.node, "tsc": tc.tsc},
	} {
		pathWith(t, links)
		r := run(t, p, root, collectors.OneShot)
		if r.Status != model.StatusUnknown || !strings.Contains(r.Error, "Yarn Plug'n'Play") ||
			!strings.Contains(r.Hint, "nodeLinker: node-modules") || len(r.Findings) != 0 {
			t.Errorf("%s: %+v", name, r)
		}
	}
}

func TestMissingNodeIsUnknown(t *testing.T) {
	needTypeScript(t)
	root := testdata(t, monorepoFixture)
	p := project(t, root, "typescript:api")
	pathWith(t, nil)
	r := run(t, p, root, collectors.OneShot)
	if r.Status != model.StatusUnknown || !strings.Contains(r.Hint, "Node.js") || r.Error == "" {
		t.Errorf("%+v", r)
	}
}

func TestTscOnPath(t *testing.T) {
	tc := needTypeScript(t)
	root, p := bareProject(t)
	pathWith(t, map[string]string{"node": tc.node, "tsc": tc.tsc})

	found, missing := findToolchain(root)
	if missing != nil || !found.fromPath || found.library != tc.library {
		t.Fatalf("toolchain %+v, %v; want the library behind the PATH link %s", found, missing, tc.library)
	}
	oneShot := run(t, p, root, collectors.OneShot)
	if oneShot.Command != `tsc --noEmit --pretty false --tsBuildInfoFile "$(mktemp -d)/tsconfig.tsbuildinfo" -p tsconfig.json` {
		t.Errorf("command %q", oneShot.Command)
	}
	if got := locatedFindings(oneShot); !reflect.DeepEqual(got, []string{"index.ts:1:14 TS2322"}) {
		t.Errorf("one-shot: %s %q\n%s", oneShot.Status, got, oneShot.Output)
	}
	watch := run(t, p, root, collectors.Watch)
	if p.checker == nil || !reflect.DeepEqual(watch.Findings, oneShot.Findings) {
		t.Errorf("watch through PATH's compiler: %s %q\n%s", watch.Status, locatedFindings(watch), watch.Output)
	}
}

// fakeTypeScript installs a node_modules/typescript in root whose bin/tsc
// is the given shell script, with lib/typescript.js only when library is
// not "".
func fakeTypeScript(t *testing.T, root, tsc, library string) {
	t.Helper()
	pkg := filepath.Join(root, "node_modules", "typescript")
	writeFile(t, filepath.Join(pkg, "bin", "tsc"), "#!/bin/sh\n"+tsc)
	if err := os.Chmod(filepath.Join(pkg, "bin", "tsc"), 0o755); err != nil {
		t.Fatal(err)
	}
	if library != "" {
		writeFile(t, filepath.Join(pkg, "lib", "typescript.js"), library)
	}
}

func TestOneShotFailuresAreErrors(t *testing.T) {
	fixturetest.RequireTools(t, "node")
	tests := []struct {
		name, tsc, want string
	}{
		{"crash", "echo 'TypeError: Cannot read properties of undefined' >&2; exit 1", "without reporting an error"},
		{"garbage", "echo 'Segmentation fault in the type checker'; exit 2", "unreadable tsc output"},
		{"bad status", "echo 'index.ts(1,1): error TS1: m'; exit 134", "status 134"},
		{"killed by a signal", "kill -9 $$", "status -1"},
		{"errors but success", "echo 'index.ts(1,1): error TS1: m'; exit 0", "exited with status 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := filepath.Join(t.TempDir(), "repo")
			writeFile(t, filepath.Join(root, "tsconfig.json"), "{}")
			fakeTypeScript(t, root, tt.tsc, "")
			r := run(t, project(t, root, "typescript:."), root, collectors.OneShot)
			if r.Status != model.StatusError || !strings.Contains(r.Error, tt.want) {
				t.Errorf("got %s %q, want an error mentioning %q", r.Status, r.Error, tt.want)
			}
			if tt.name == "crash" && !strings.Contains(r.Output, "TypeError") {
				t.Errorf("the excerpt lacks the crash: %q", r.Output)
			}
		})
	}
}

// TypeScript 7's native compiler has no lib/typescript.js to drive: a
// Watch-mode run is a one-shot tsc run.
func TestNativeCompilerWatchRunsOneShot(t *testing.T) {
	tc := needTypeScript(t)
	root := copyFixture(t, monorepoFixture)
	if err := os.Remove(filepath.Join(root, "node_modules")); err != nil {
		t.Fatal(err)
	}
	fakeTypeScript(t, root, "exec '"+tc.node+"' '"+tc.tsc+"' \"$@\"\n", "")
	p := project(t, root, "typescript:api")
	r := run(t, p, root, collectors.Watch, "packages/api/src/index.ts")
	if p.checker != nil {
		t.Fatal("a checker was started without a compiler API")
	}
	if r.Status != model.StatusOK || r.Facts["errors"] != 5 || r.ExitCode != 2 {
		t.Errorf("%s %v exit %d %s", r.Status, r.Facts, r.ExitCode, r.Error)
	}
	if r.Command != `node_modules/typescript/bin/tsc --noEmit --pretty false --tsBuildInfoFile "$(mktemp -d)/tsconfig.tsbuildinfo" -p packages/api/tsconfig.json` {
		t.Errorf("command %q", r.Command)
	}
}

// A checker that cannot start must cost speed, never evidence.
func TestBrokenCheckerFallsBackToOneShot(t *testing.T) {
	tc := needTypeScript(t)
	root := copyFixture(t, monorepoFixture)
	if err := os.Remove(filepath.Join(root, "node_modules")); err != nil {
		t.Fatal(err)
	}
	fakeTypeScript(t, root, "exec '"+tc.node+"' '"+tc.tsc+"' \"$@\"\n", "throw new Error('compiler API exploded');\n")
	p := project(t, root, "typescript:api")
	r := run(t, p, root, collectors.Watch)
	if r.Status != model.StatusOK || r.Facts["errors"] != 5 {
		t.Fatalf("%s %v %s", r.Status, r.Facts, r.Error)
	}
	if !strings.Contains(r.Output, "compiler API exploded") || !strings.Contains(r.Output, "tsc ran instead") {
		t.Errorf("the evidence does not say the checker failed:\n%s", r.Output)
	}
	if p.checker != nil {
		t.Error("a failed checker was kept")
	}
}

// A sub-package with its own lockfile (a documentation site beside the
// library) is not served by the root's install: the root's compiler is
// found from it, but every import of the site's own dependencies would be
// an error. Unknown, with the install in that directory; once it is
// installed, tsc runs and its errors are the project's.
func TestSubPackageWithItsOwnUninstalledLockfileIsUnknown(t *testing.T) {
	needTypeScript(t)
	root := filepath.Join(t.TempDir(), "repo")
	linkTypeScript(t, root)
	writeFile(t, filepath.Join(root, "package.json"), `{"name":"lib","devDependencies":{"typescript":"*"}}`)
	writeFile(t, filepath.Join(root, "package-lock.json"), `{"lockfileVersion":3}`)
	writeFile(t, filepath.Join(root, "tsconfig.json"), `{"compilerOptions": {"strict": true, "noEmit": true, "types": [], "lib": ["es2022"]}}`)
	writeFile(t, filepath.Join(root, "index.ts"), "export const n = 1;\n")
	writeFile(t, filepath.Join(root, "website", "package.json"), `{"name":"site","dependencies":{"site-kit":"1.0.0"}}`)
	writeFile(t, filepath.Join(root, "website", "package-lock.json"), `{"lockfileVersion":3}`)
	writeFile(t, filepath.Join(root, "website", "tsconfig.json"), `{"extends": "site-kit/tsconfig.json"}`)
	writeFile(t, filepath.Join(root, "website", "page.ts"), "export const title: string = 1;\n")

	p := project(t, root, "typescript:website")
	r := run(t, p, root, collectors.OneShot)
	if r.Status != model.StatusUnknown || len(r.Findings) != 0 ||
		r.Error != "the package's dependencies are not installed: no website/node_modules beside website/package-lock.json" ||
		r.Hint != "install the dependencies: cd website && npm ci" {
		t.Errorf("not installed: status %s, error %q, hint %q, findings %d", r.Status, r.Error, r.Hint, len(r.Findings))
	}
	if r := run(t, project(t, root, "typescript:."), root, collectors.OneShot); r.Status != model.StatusOK {
		t.Errorf("the installed root: %s %s", r.Status, r.Error)
	}

	// Installed: its own kit is found, and the type error is the site's.
	writeFile(t, filepath.Join(root, "website", "node_modules", "site-kit", "package.json"), `{"name":"site-kit","version":"1.0.0"}`)
	writeFile(t, filepath.Join(root, "website", "node_modules", "site-kit", "tsconfig.json"), `{"compilerOptions": {"strict": true, "noEmit": true, "types": [], "lib": ["es2022"]}}`)
	r = run(t, p, root, collectors.OneShot)
	if r.Status != model.StatusOK || len(r.Findings) != 1 || r.Findings[0].File != "website/page.ts" {
		t.Errorf("installed: status %s, error %q, findings %+v", r.Status, r.Error, r.Findings)
	}
}

// An incremental project makes tsc write its build info even with
// --noEmit: a check must not leave it in the checkout.
func TestOneShotWritesNothingIntoTheCheckout(t *testing.T) {
	tc := needTypeScript(t)
	root, p := bareProject(t)
	writeFile(t, filepath.Join(root, "tsconfig.json"), `{"compilerOptions": {"strict": true, "incremental": true, "outDir": "dist", "types": [], "lib": ["es2022"]}}`)
	pathWith(t, map[string]string{"node": tc.node, "tsc": tc.tsc})
	r := run(t, p, root, collectors.OneShot)
	if got := locatedFindings(r); !reflect.DeepEqual(got, []string{"index.ts:1:14 TS2322"}) {
		t.Fatalf("%s %q\n%s", r.Status, got, r.Output)
	}
	var written []string
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && p != filepath.Join(root, "tsconfig.json") && p != filepath.Join(root, "index.ts") {
			written = append(written, p)
		}
		return nil
	})
	if len(written) > 0 {
		t.Errorf("the check wrote into the checkout: %q", written)
	}
}
