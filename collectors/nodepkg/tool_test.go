package nodepkg

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/preflight-dev/preflight/internal/fixturetest"
)

func TestInstalledToolFollowsTheBinLink(t *testing.T) {
	root := t.TempDir()
	pkg := filepath.Join(root, "node_modules", "vitest")
	must(t, os.MkdirAll(filepath.Join(pkg, "dist"), 0o755))
	must(t, os.WriteFile(filepath.Join(pkg, "package.json"), []byte(`{"name":"vitest","version":"5.0.1","engines":{"node":">=22.12.0"}}`), 0o644))
	must(t, os.WriteFile(filepath.Join(pkg, "dist", "package.json"), []byte(`{"type":"module"}`), 0o644))
	must(t, os.WriteFile(filepath.Join(pkg, "dist", "cli.mjs"), nil, 0o755))
	must(t, os.MkdirAll(filepath.Join(root, "node_modules", ".bin"), 0o755))
	bin := filepath.Join(root, "node_modules", ".bin", "vitest")
	must(t, os.Symlink("../vitest/dist/cli.mjs", bin))

	tool := InstalledTool(bin, "vitest")
	if tool.Version != "5.0.1" || tool.Major() != 5 || tool.Engines != ">=22.12.0" {
		t.Fatalf("got %+v", tool)
	}
	if why := tool.NodeTooOld("20.20.2"); why != "vitest 5.0.1 needs Node >=22.12.0; the node on PATH is 20.20.2" {
		t.Errorf("NodeTooOld(20) = %q", why)
	}
	for _, ok := range []string{"22.12.0", "24.1.0", ""} {
		if why := tool.NodeTooOld(ok); why != "" {
			t.Errorf("NodeTooOld(%q) = %q", ok, why)
		}
	}
	if got := InstalledTool(filepath.Join(root, "nope"), "vitest"); got.Version != "" || got.Major() != 0 {
		t.Errorf("missing bin: %+v", got)
	}
}

func TestEnginesRangesAsNpmWritesThem(t *testing.T) {
	cases := []struct {
		engines, node string
		ok            bool
	}{
		{"^20.0.0 || ^22.0.0 || >=24.0.0", "20.20.2", true},
		{"^20.0.0 || ^22.0.0 || >=24.0.0", "23.1.0", false},
		{"^14.15.0 || ^16.10.0 || >=18.0.0", "18.0.0", true},
		{">=22.12.0", "22.11.0", false},
	}
	for _, c := range cases {
		got := Tool{Name: "x", Version: "1.0.0", Engines: c.engines}.NodeTooOld(c.node) == ""
		if got != c.ok {
			t.Errorf("%s on %s: runs = %v, want %v", c.engines, c.node, got, c.ok)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// The frozen install differs between Yarn 1 (--frozen-lockfile; it ignores
// --immutable and rewrites the lockfile) and Yarn 2+ (--immutable): the
// lockfile's header tells them apart, else the packageManager field.
func TestInstallCommandForTheYarnThatWroteTheLockfile(t *testing.T) {
	cases := []struct{ fixture, dir, want string }{
		{"yarn-classic", "packages/core", "yarn install --frozen-lockfile"},
		{"yarn-classic", ".", "yarn install --frozen-lockfile"},
		{"yarn-berry", "packages/cli", "yarn install --immutable"},
		{"yarn-pinned", "packages/web", "yarn install --frozen-lockfile"},
	}
	for _, tc := range cases {
		root, err := filepath.Abs(filepath.Join("testdata", tc.fixture))
		must(t, err)
		if _, got := installAt(root, filepath.Join(root, filepath.FromSlash(tc.dir))); got != tc.want {
			t.Errorf("%s/%s: %q, want %q", tc.fixture, tc.dir, got, tc.want)
		}
	}
}

// The commands packages provide, from lockfiles made by Yarn 4, npm 10,
// Yarn 1 and pnpm 10.
func TestLockedBins(t *testing.T) {
	read := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		must(t, err)
		return data
	}
	berry := LockedBins("yarn.lock", read("lockbins/yarn.lock"))
	want := map[string][]string{
		"@babel/parser":          {"parser"},
		"@evilmartians/lefthook": {"lefthook"},
		"@lerna-lite/cli":        {"lerna"},
		"typescript":             {"tsc", "tsserver", "tsc", "tsserver"}, // the package and its patch
	}
	if !reflect.DeepEqual(berry, want) {
		t.Errorf("yarn 4: %v\nwant %v", berry, want)
	}
	npm := LockedBins("package-lock.json", read("lockbins/package-lock.json"))
	if got := npm["typescript"]; len(got) != 2 || !slices.Contains(got, "tsc") || !slices.Contains(got, "tsserver") || len(npm) != 1 {
		t.Errorf("npm: %v", npm)
	}
	// Yarn 1 names no commands: every package may provide any, but for the
	// well-known ones.
	if got := LockedBins("yarn.lock", read("yarn-classic/yarn.lock")); !reflect.DeepEqual(got, map[string][]string{"typescript": {"tsc", "tsserver"}}) {
		t.Errorf("yarn 1: %v", got)
	}
	// pnpm 10 marks the packages with commands (hasBin), direct or not, but
	// does not name the commands.
	pnpm := LockedBins("pnpm-lock.yaml", read("lockbins-pnpm/pnpm-lock.yaml"))
	want = map[string][]string{"npm-run-all2": {"npm-run-all", "npm-run-all2", "run-p", "run-s"}, "pidtree": nil, "semver": nil, "typescript": {"tsc", "tsserver"}, "which": nil}
	if !reflect.DeepEqual(pnpm, want) {
		t.Errorf("pnpm: %v\nwant %v", pnpm, want)
	}
	for _, garbage := range []string{"", "__metadata:\n\"x\n  bin:\n    :\n", "{", `{"packages":{"node_modules/a":{"bin":"a.js"}}}`} {
		if a, b := LockedBins("yarn.lock", []byte(garbage)), LockedBins("package-lock.json", []byte(garbage)); len(a)+len(b) != 0 {
			t.Errorf("%q: %v %v", garbage, a, b)
		}
	}
	if got := LockedBins("pnpm-lock.yaml", []byte("importers:\n  .:\n    hasBin: true\npackages:\n  \n    hasBin: true\n")); len(got) != 0 {
		t.Errorf("pnpm, hasBin outside a package entry: %v", got)
	}
}

// pnpm's package keys across lockfile versions.
func TestPnpmKeyName(t *testing.T) {
	for key, want := range map[string]string{
		"'@manypkg/cli@0.20.0'":                 "@manypkg/cli",
		"typescript@5.4.5":                      "typescript",
		"/typescript@5.4.5":                     "typescript",
		"'@vitest/ui@1.6.0(vitest@1.6.0)'":      "@vitest/ui",
		"/@scope/name/1.0.0":                    "@scope/name",
		"/react-dom/18.2.0_react@18.2.0":        "react-dom",
		"/@types/react-dom/18.2.0_react@18.2.0": "@types/react-dom",
		"@scope":                                "",
		"":                                      "",
	} {
		if got := pnpmKeyName(key); got != want {
			t.Errorf("pnpmKeyName(%q) = %q, want %q", key, got, want)
		}
	}
}

func FuzzLockedBins(f *testing.F) {
	for _, name := range []string{"lockbins/yarn.lock", "lockbins/package-lock.json", "yarn-classic/yarn.lock", "lockbins-pnpm/pnpm-lock.yaml"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(filepath.Base(name), data)
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		for dep, bins := range LockedBins(name, data) {
			if dep == "" || slices.Contains(bins, "") {
				t.Fatalf("%s: empty name in %q: %v", name, dep, bins)
			}
		}
	})
}

// The project's own engines.node decides whether a failing suite is the
// project's: the nearest package.json that declares a range, from the
// package up to the repository root.
func TestProjectNeedsOtherNode(t *testing.T) {
	root := t.TempDir()
	fixturetest.WriteFiles(t, root, map[string]string{
		"package.json":                 `{"name":"root","engines":{"node":">=22.19.0"}}`,
		"packages/plain/package.json":  `{"name":"plain"}`,
		"packages/own/package.json":    `{"name":"own","engines":{"node":">= 18 < 21"}}`,
		"packages/old/package.json":    `{"name":"old","engines":["node >= 0.4"]}`,
		"packages/odd/package.json":    `{"name":"odd","engines":{"node":"not a range"}}`,
		"packages/broken/package.json": `{"name":`,
	})
	cases := []struct{ dir, node, want string }{
		{".", "20.20.2", "the project needs Node >=22.19.0 (engines.node in package.json); the node on PATH is 20.20.2"},
		{".", "22.19.0", ""},
		{".", "", ""},
		{"packages/plain", "20.20.2", "the project needs Node >=22.19.0 (engines.node in package.json); the node on PATH is 20.20.2"},
		{"packages/own", "20.20.2", ""},
		{"packages/own", "22.1.0", "the project needs Node >= 18 < 21 (engines.node in packages/own/package.json); the node on PATH is 22.1.0"},
		// No range it can read: the root's applies to the package no more
		// than a range it cannot read; the run decides.
		{"packages/odd", "20.20.2", ""},
		{"packages/old", "20.20.2", "the project needs Node >=22.19.0 (engines.node in package.json); the node on PATH is 20.20.2"},
		{"packages/broken", "20.20.2", "the project needs Node >=22.19.0 (engines.node in package.json); the node on PATH is 20.20.2"},
	}
	for _, c := range cases {
		why, hint := ProjectNeedsOtherNode(root, filepath.Join(root, filepath.FromSlash(c.dir)), c.node)
		if why != c.want {
			t.Errorf("%s on %q:\n got %q\nwant %q", c.dir, c.node, why, c.want)
		}
		if (why == "") != (hint == "") {
			t.Errorf("%s on %q: why %q with hint %q", c.dir, c.node, why, hint)
		}
	}
}

func TestNotInstalled(t *testing.T) {
	root := t.TempDir()
	deps := `{"name":"p","dependencies":{"left-pad":"1"}}`
	fixturetest.WriteFiles(t, root, map[string]string{
		"package.json":                    `{"name":"root","workspaces":["packages/*"],"devDependencies":{"typescript":"*"}}`,
		"package-lock.json":               "{}",
		"node_modules/.package-lock.json": "{}",
		"packages/member/package.json":    deps, // served by the root's install
		"packages/member/src/deep/x.ts":   "",   // a project below its package.json
		"site/package.json":               deps, // its own lockfile, not installed
		"site/yarn.lock":                  "# yarn lockfile v1\n",
		"site/docs/x.ts":                  "",
		"done/package.json":               deps, // its own lockfile, installed
		"done/pnpm-lock.yaml":             "",
		"done/node_modules/.modules.yaml": "",
		"nothing/package.json":            `{"name":"n"}`, // nothing to install
		"nothing/package-lock.json":       "{}",
	})
	must(t, os.MkdirAll(filepath.Join(root, "plain"), 0o755))
	cases := []struct{ dir, why, hint string }{
		{".", "", ""},
		{"packages/member", "", ""},
		{"packages/member/src/deep", "", ""},
		{"site", "the package's dependencies are not installed: no site/node_modules beside site/yarn.lock", "install the dependencies: cd site && yarn install --frozen-lockfile"},
		{"site/docs", "the package's dependencies are not installed: no site/node_modules beside site/yarn.lock", "install the dependencies: cd site && yarn install --frozen-lockfile"},
		{"done", "", ""},
		{"nothing", "", ""},
		{"plain", "", ""},
	}
	for _, c := range cases {
		why, hint := NotInstalled(root, filepath.Join(root, filepath.FromSlash(c.dir)))
		if why != c.why || hint != c.hint {
			t.Errorf("%s:\n got %q, %q\nwant %q, %q", c.dir, why, hint, c.why, c.hint)
		}
	}

	// No lockfile and no node_modules anywhere: nothing says which
	// install serves it, and the run decides.
	bare := t.TempDir()
	must(t, os.WriteFile(filepath.Join(bare, "package.json"), []byte(deps), 0o644))
	if why, hint := NotInstalled(bare, bare); why != "" || hint != "" {
		t.Errorf("bare: %q, %q", why, hint)
	}
	// The same with a lockfile at its root: its install.
	must(t, os.WriteFile(filepath.Join(bare, "package-lock.json"), []byte("{}"), 0o644))
	if why, hint := NotInstalled(bare, bare); why != "the package's dependencies are not installed: no node_modules beside package-lock.json" || hint != "install the dependencies: npm ci" {
		t.Errorf("bare with a lockfile: %q, %q", why, hint)
	}
}

// pnpm writes node_modules/.bin entries as shell shims, not links (this
// one is pnpm 10.30's, for Vitest 4.0.18): the package is the one the shim
// runs, through the node_modules link into pnpm's store.
func TestInstalledToolReadsThePnpmShim(t *testing.T) {
	shim, err := os.ReadFile(filepath.Join("testdata", "pnpm10-shim-vitest"))
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	store := filepath.Join(root, "node_modules", ".pnpm", "vitest@4.0.18", "node_modules", "vitest")
	must(t, os.MkdirAll(store, 0o755))
	must(t, os.WriteFile(filepath.Join(store, "package.json"), []byte(`{"name":"vitest","version":"4.0.18","engines":{"node":"^20.19.0 || >=22.12.0"}}`), 0o644))
	must(t, os.WriteFile(filepath.Join(store, "vitest.mjs"), nil, 0o644))
	must(t, os.Symlink(filepath.Join(".pnpm", "vitest@4.0.18", "node_modules", "vitest"), filepath.Join(root, "node_modules", "vitest")))
	must(t, os.MkdirAll(filepath.Join(root, "node_modules", ".bin"), 0o755))
	bin := filepath.Join(root, "node_modules", ".bin", "vitest")
	must(t, os.WriteFile(bin, shim, 0o755))
	if tool := InstalledTool(bin, "vitest"); tool.Version != "4.0.18" || tool.Engines != "^20.19.0 || >=22.12.0" {
		t.Errorf("got %+v", tool)
	}
	// A shim for another package than the one asked for says nothing.
	if tool := InstalledTool(bin, "jest"); tool.Version != "" {
		t.Errorf("jest from vitest's shim: %+v", tool)
	}
}
