package jstest

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/nodepkg"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"
)

func TestDetectFixtures(t *testing.T) {
	root := fixtureRoot(t)
	var got []string
	for _, c := range Detect(root, listFiles(t, root)) {
		col := c.(*Collector)
		got = append(got, c.ID()+" "+col.dir+" "+col.config)
		if c.Domain() != "tests" || c.Kind() != col.run.kind {
			t.Errorf("%s: kind %s domain %s", c.ID(), c.Kind(), c.Domain())
		}
	}
	// The workspace root lists both runners only to hoist them: it is not
	// a test target itself.
	want := []string{
		"jest:jest-broken packages/jest-broken packages/jest-broken/jest.config.js",
		"jest:jest-empty packages/jest-empty ",
		"jest:jest-fail packages/jest-fail ",
		"jest:jest-pass packages/jest-pass packages/jest-pass/jest.config.js",
		"vitest:vitest-broken packages/vitest-broken packages/vitest-broken/vitest.config.mjs",
		"vitest:vitest-empty packages/vitest-empty ",
		"vitest:vitest-fail packages/vitest-fail packages/vitest-fail/vitest.config.mjs",
		"vitest:vitest-pass packages/vitest-pass ",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("detected\n got %q\nwant %q", got, want)
	}
}

// A test run reruns when its package, a repository package it depends on,
// or the installed packages change; not for another package, nor for the
// reports that reporters write into the package.
func TestInputsFollowWorkspaceDependencies(t *testing.T) {
	root := fixtureRoot(t)
	byID := map[string]*Collector{}
	for _, c := range Detect(root, listFiles(t, root)) {
		byID[c.ID()] = c.(*Collector)
	}
	fail := byID["vitest:vitest-fail"]
	if !reflect.DeepEqual(fail.DependencyDirs(), []string{"packages/vitest-pass"}) {
		t.Fatalf("vitest-fail depends on %q", fail.DependencyDirs())
	}
	cases := map[string]bool{
		"packages/vitest-fail/test/cart.test.js":         true,
		"packages/vitest-fail/vitest.config.mjs":         true,
		"packages/vitest-fail/package.json":              true,
		"packages/vitest-fail/test/__snapshots__/a.snap": true,
		"packages/vitest-pass/src/math.js":               true, // a dependency
		"package-lock.json":                              true,
		"packages/jest-fail/src/cart.js":                 false,
		"packages/vitest-fail/junit.xml":                 false, // written by a reporter on each run
		"packages/vitest-fail/README.md":                 false,
	}
	for p, want := range cases {
		if got := matchesAny(fail.Inputs(), p); got != want {
			t.Errorf("%s: rerun = %v, want %v (inputs %q)", p, got, want, fail.Inputs())
		}
	}
	if matchesAny(byID["vitest:vitest-pass"].Inputs(), "packages/vitest-fail/src/cart.js") {
		t.Error("a package reruns for the packages that depend on it")
	}
}

func matchesAny(globs []string, p string) bool {
	for _, g := range globs {
		if ok, _ := doublestar.Match(g, p); ok {
			return true
		}
	}
	return false
}

func TestDetectRules(t *testing.T) {
	root := filepath.Join(t.TempDir(), "shop")
	write := func(rel, content string) {
		t.Helper()
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("package.json", `{"workspaces": ["apps/*", "libs/*"], "scripts": {"test": "vitest run"}, "devDependencies": {"jest": "30"}}`)
	write("apps/web/package.json", `{"name": "web", "devDependencies": {"vitest": "4"}}`)
	write("libs/web/package.json", `{"name": "libweb", "scripts": {"test:unit": "NODE_ENV=test node_modules/.bin/jest --coverage"}}`)
	write("libs/report/package.json", `{"name": "report", "devDependencies": {"jest-junit": "17", "vitest-preview": "1"}}`)
	write("apps/api/package.json", `{"name": "api", "devDependencies": {"vitest": "4"}}`)
	write("libs/api/package.json", `{"name": "libapi", "dependencies": {"vitest": "4"}}`)
	write("libs/broken/package.json", `{"name": `)
	write("libs/broken/jest.config.ts", `export default {}`)
	write("libs/broken2/package.json", `{"name": `)
	write("libs/odd/package.json", `{"name": 1, "scripts": {"test": "vitest run"}, "devDependencies": {"vitest": 4}}`)
	write("libs/keyed/package.json", `{"name": "keyed", "jest": {"testEnvironment": "node"}}`)
	write("libs/keyed/node_modules/dep/package.json", `{"devDependencies": {"vitest": "4"}}`)
	write("libs/keyed/node_modules/dep/vitest.config.ts", ``)
	write("apps/cra/package.json", `{"name": "cra", "dependencies": {"react-scripts": "5"}, "scripts": {"build": "react-scripts build", "test": "react-scripts test"}}`)
	write("apps/cra-keyed/package.json", `{"name": "crakeyed", "dependencies": {"react-scripts": "3.4.1"}, "scripts": {"test": "react-scripts test --env=jsdom"}, "jest": {"collectCoverageFrom": ["src/**"]}}`)
	write("apps/craco/package.json", `{"name": "craco", "scripts": {"test:ci": "npx craco test"}}`)
	write("apps/cra-built/package.json", `{"name": "crabuilt", "dependencies": {"react-scripts": "5"}, "scripts": {"build": "react-scripts build"}}`)
	files := listFiles(t, root)
	files = append(files, "libs/keyed/node_modules/dep/package.json", "libs/keyed/node_modules/dep/vitest.config.ts")

	var got []string
	for _, c := range Detect(root, files) {
		got = append(got, c.ID()+" "+c.(*Collector).dir)
		if l := c.(*Collector).launcher; l != "" {
			got = append(got, "  through "+l+" ("+c.(*Collector).script+")")
		}
	}
	want := []string{
		"jest:broken libs/broken", // a config file counts even when package.json is unreadable
		"jest:cra apps/cra",       // Create React App: react-scripts test runs Jest
		"  through react-scripts (test)",
		"jest:cra-keyed apps/cra-keyed", // its jest key is react-scripts' to read
		"  through react-scripts (test)",
		"jest:craco apps/craco",
		"  through craco (test:ci)",
		"jest:keyed libs/keyed",    // "jest" key in package.json
		"jest:web libs/web",        // a script runs it
		"vitest:. .",               // a workspace root with its own test script
		"vitest:apps/api apps/api", // two packages named api: told apart by path
		"vitest:libs/api libs/api",
		"vitest:odd libs/odd", // npm runs the scripts of a package.json with a value of the wrong type
		"vitest:web apps/web", // names collide only within one runner
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("detected\n got %q\nwant %q", got, want)
	}
}

// A root config whose projects cover the workspaces is the project's one
// test run: its workspaces do not get runs of their own as well.
func TestRootProjectsAreOneRun(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"vitest test.projects", map[string]string{
			"package.json":                `{"name":"mono","private":true,"workspaces":["packages/*"],"scripts":{"test":"vitest run"},"devDependencies":{"vitest":"4.1.12"}}`,
			"vitest.config.ts":            "import { defineConfig } from 'vitest/config'\nexport default defineConfig({\n  test: {\n    projects: ['packages/*'],\n  },\n})\n",
			"packages/a/package.json":     `{"name":"a","scripts":{"test":"vitest run"}}`,
			"packages/b/package.json":     `{"name":"b","devDependencies":{"vitest":"4.1.12"}}`,
			"packages/b/vitest.config.ts": "export default {}\n",
		}, []string{"vitest:."}},
		{"vitest workspace file", map[string]string{
			"package.json":            `{"name":"mono","private":true,"workspaces":["packages/*"],"scripts":{"test:unit":"vitest --coverage"}}`,
			"vitest.workspace.ts":     "export default ['packages/*']\n",
			"packages/a/package.json": `{"name":"a","scripts":{"test":"vitest run"}}`,
		}, []string{"vitest:."}},
		{"jest projects in package.json", map[string]string{
			"package.json":            `{"name":"mono","private":true,"scripts":{"test":"jest"},"jest":{"projects":["<rootDir>/packages/*"]}}`,
			"packages/a/package.json": `{"name":"a","scripts":{"test":"jest"}}`,
			"apps/web/package.json":   `{"name":"web","scripts":{"test":"vitest run"}}`,
		}, []string{"jest:.", "vitest:web"}},
		{"a pnpm workspace root only hoists the runner", map[string]string{
			"package.json":            `{"name":"mono","private":true,"devDependencies":{"vitest":"4.1.12"}}`,
			"pnpm-workspace.yaml":     "packages:\n  - 'packages/*'\n",
			"packages/a/package.json": `{"name":"a","scripts":{"test":"vitest run"}}`,
		}, []string{"vitest:a"}},
		{"packages that run the runner below an unscripted root", map[string]string{
			"package.json":            `{"name":"mono","private":true,"scripts":{"test":"turbo run test"},"jest":{"projects":["<rootDir>/packages/*"]}}`,
			"packages/a/package.json": `{"name":"a","scripts":{"test":"jest"}}`,
			"packages/b/package.json": `{"name":"b","devDependencies":{"jest":"30.0.0"}}`,
		}, []string{"jest:a", "jest:b"}},
		{"a root that runs no package's runner covers them", map[string]string{
			"package.json":            `{"name":"mono","private":true,"workspaces":["packages/*"]}`,
			"vitest.workspace.ts":     "export default ['packages/*']\n",
			"packages/a/package.json": `{"name":"a","devDependencies":{"vitest":"4.1.12"}}`,
		}, []string{"vitest:."}},
		{"a config without projects covers nothing", map[string]string{
			"package.json":            `{"name":"mono","private":true,"workspaces":["packages/*"]}`,
			"vitest.config.ts":        "export default { test: { environment: 'node' } }\n",
			"packages/a/package.json": `{"name":"a","scripts":{"test":"vitest run"}}`,
		}, []string{"vitest:.", "vitest:a"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			for name, content := range tc.files {
				mustWrite(t, filepath.Join(root, name), content, 0o644)
			}
			var got []string
			for _, c := range Detect(root, listFiles(t, root)) {
				got = append(got, c.ID())
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("detected %q, want %q", got, tc.want)
			}
		})
	}
}

// A vitest.workspace file at a pnpm workspace root that no script runs (nx
// runs each package's own "vitest"): the packages are the project's runs.
// From the root, the packages' "dir" resolves against the root and finds
// no test at all.
func TestWorkspaceFileTheProjectDoesNotRun(t *testing.T) {
	root := filepath.Join(fixtureRoot(t), "monorepos", "editor-workspace-file")
	var got []string
	for _, c := range Detect(root, listFiles(t, root)) {
		got = append(got, c.ID()+" "+c.(*Collector).dir+" "+c.(*Collector).script)
	}
	want := []string{"vitest:core packages/core test:lib", "vitest:react packages/react test:lib"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("detected %q, want %q", got, want)
	}
}

func TestShownNodeOptionsCanBePasted(t *testing.T) {
	for opts, want := range map[string]string{
		"--experimental-vm-modules":  "NODE_OPTIONS=--experimental-vm-modules",
		"-r ./setup.cjs --expose-gc": "NODE_OPTIONS='-r ./setup.cjs --expose-gc'",
		`--require "./my setup.cjs"`: `NODE_OPTIONS='--require "./my setup.cjs"'`,
	} {
		if got := shownNodeOptions(opts); got != want {
			t.Errorf("shownNodeOptions(%q) = %s, want %s", opts, got, want)
		}
	}
}

// "No tests" says which runs preflight did not make: a script that runs
// the runner with a config of its own (nestjs's test:e2e).
func TestNoTestsNamesTheRunsWithAnotherConfig(t *testing.T) {
	c := collector(t, fixtureRoot(t), "jest:jest-empty")
	want := "jest found no tests in packages/jest-empty, though package.json has a test script; " +
		"not run by preflight, with a config of their own: test:e2e (./e2e/jest-e2e.json)"
	if got := c.noTests().Message; got != want {
		t.Errorf("message %q\nwant %q", got, want)
	}
	m := nodepkg.Manifest{Scripts: map[string]string{"test": "jest -c jest.unit.json", "lint": "eslint -c .eslintrc ."}}
	if got := otherConfigs(m, KindJest, "test"); len(got) != 0 {
		t.Errorf("the script the collector runs, or another tool's -c: %q", got)
	}
}

// The built files a package and the packages it depends on give importers
// (h3's dist, which its own tests import by name through "link:."; a
// workspace library's dist) are inputs and outputs though git ignores
// them: after a build the tests run again rather than a result being
// reused.
func TestBuiltEntriesAreInputs(t *testing.T) {
	root := fixturetest.WriteRepo(t, map[string]string{
		"package.json":      `{"name": "h3", "workspaces": ["lib"], "exports": {".": {"types": "./dist/index.d.mts", "import": "./dist/index.mjs"}}, "dependencies": {"@acme/lib": "*"}, "devDependencies": {"vitest": "4.1.0"}, "scripts": {"test": "vitest"}}`,
		"src/index.ts":      "export const a = 1;\n",
		"test/a.test.ts":    "import { a } from 'h3';\n",
		"lib/package.json":  `{"name": "@acme/lib", "main": "build/cjs/index.js", "module": "./build/esm/index.js"}`,
		"lib/src/index.ts":  "export const b = 2;\n",
		"vitest.config.mjs": "export default {};\n",
	})
	var c *Collector
	for _, d := range Detect(root, []string{"lib/package.json", "lib/src/index.ts", "package.json", "src/index.ts", "test/a.test.ts", "vitest.config.mjs"}) {
		if d.(*Collector).dir == "." {
			c = d.(*Collector)
		}
	}
	if c == nil {
		t.Fatal("no collector for the root package")
	}
	if want := []string{"dist", "lib/build/cjs", "lib/build/esm"}; !slices.Equal(c.Outputs(), want) {
		t.Errorf("outputs %q, want %q", c.Outputs(), want)
	}
	for _, f := range []string{"dist/index.mjs", "dist/index.d.mts", "lib/build/esm/index.js", "lib/build/cjs/util.js"} {
		if !collectors.MatchesInputs(c.Inputs(), f) {
			t.Errorf("%s is not an input", f)
		}
	}
}

// A run that fails to import the package by its own name while its build
// is not there (h3's Vitest typecheck before pnpm build) says to build it;
// once built, or for another module, it says nothing.
func TestUnbuiltSelfImport(t *testing.T) {
	root := fixturetest.WriteRepo(t, map[string]string{
		"package.json":   `{"name": "h3", "exports": {".": {"types": "./dist/index.d.mts", "import": "./dist/index.mjs"}}, "scripts": {"build": "unbuild"}}`,
		"pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
	})
	c := &Collector{dir: ".", name: "h3"}
	const failed = "TypeCheckError: Cannot find module 'h3' or its corresponding type declarations."
	if why, how := c.unbuiltSelf(root, failed); why != "the tests import this package by its name, h3, and its build is not there (dist/index.d.mts)" ||
		how != "build it first (pnpm run build), then check again" {
		t.Errorf("unbuilt: %q, %q", why, how)
	}
	if why, _ := c.unbuiltSelf(root, "TypeCheckError: Cannot find module 'h3-utils'"); why != "" {
		t.Errorf("another module: %q", why)
	}
	// The run stopped on it alone: unknown, as tsc's check of the same
	// import; with a test of its own failing, a hint beside the failure.
	c.run = runners[KindVitest]
	run := c.runFinding(ruleRunFailed, "vitest exited with status 1 although no test failed: "+failed)
	failedTest := model.Finding{Rule: "vitest/" + ruleTestFailed, Severity: model.Blocker, Message: "adds failed: expected 3, got 4"}
	for _, tc := range []struct {
		findings []model.Finding
		status   model.Status // "": the reading's own
	}{{[]model.Finding{run}, model.StatusUnknown}, {[]model.Finding{failedTest, run}, ""}} {
		if got := c.judgeUnbuiltSelf(root, failed, collectors.Reading{Findings: tc.findings}); got.Status != tc.status || !got.MachineBound || !strings.Contains(got.Hint+got.Error, "h3") {
			t.Errorf("%d findings: %+v", len(tc.findings), got)
		}
	}
	fixturetest.WriteFiles(t, root, map[string]string{"dist/index.d.mts": "export {};\n", "dist/index.mjs": "export {};\n"})
	if why, _ := c.unbuiltSelf(root, failed); why != "" {
		t.Errorf("built: %q", why)
	}
}
