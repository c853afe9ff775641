package typescript

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"
)

// located lists findings as "file:line:col RULE" for exact comparisons.
func locatedFindings(r model.Result) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, f.Location()+" "+f.Rule)
	}
	return out
}

func TestOneShotMonorepo(t *testing.T) {
	needTypeScript(t)
	root := testdata(t, monorepoFixture)

	api := run(t, project(t, root, "typescript:api"), root, collectors.OneShot)
	if api.Status != model.StatusOK || api.Facts["errors"] != 5 {
		t.Fatalf("api: status %s, errors %v, error %q\n%s", api.Status, api.Facts["errors"], api.Error, api.Output)
	}
	want := []string{
		"packages/api/src/index.ts:6:33 TS2322",
		"packages/api/src/index.ts:9:7 TS2322",
		"packages/api/src/index.ts:13:16 TS2345",
		"packages/api/src/index.ts:16:22 TS2304",
		"packages/api/src/index.ts:19:14 TS2322",
	}
	if got := locatedFindings(api); !reflect.DeepEqual(got, want) {
		t.Errorf("api findings:\n got %q\nwant %q", got, want)
	}
	multi := api.Findings[4].Message
	if lines := strings.Split(multi, "\n"); len(lines) != 3 || lines[2] != "    Type 'string' is not assignable to type 'number'." {
		t.Errorf("the three-line diagnostic was not kept whole: %q", multi)
	}
	for _, f := range api.Findings {
		if f.Severity != model.Blocker || f.Collector != "typescript:api" || f.Domain != "build" || f.ID == "" {
			t.Errorf("finding %+v", f)
		}
	}
	if api.ExitCode != 1 && api.ExitCode != 2 {
		t.Errorf("exit code %d", api.ExitCode)
	}
	if !strings.HasSuffix(api.Command, `/typescript/bin/tsc --noEmit --pretty false --tsBuildInfoFile "$(mktemp -d)/tsconfig.tsbuildinfo" -p packages/api/tsconfig.json`) {
		t.Errorf("command %q", api.Command)
	}
	if !strings.Contains(api.Output, "packages/api/src/index.ts(16,22): error TS2304: Cannot find name 'count'.") {
		t.Errorf("output excerpt lacks the tool's own line:\n%s", api.Output)
	}

	web := run(t, project(t, root, "typescript:web"), root, collectors.OneShot)
	if web.Status != model.StatusOK || web.Facts["errors"] != 0 || len(web.Findings) != 0 || web.ExitCode != 0 {
		t.Errorf("web: %+v", web)
	}
	if !strings.HasPrefix(web.Output, "variants present but not checked: packages/web/tsconfig.build.json\n") {
		t.Errorf("variants not listed in the evidence:\n%s", web.Output)
	}
}

func TestOneShotProjects(t *testing.T) {
	needTypeScript(t)
	root := testdata(t, projectsFixture)
	tests := []struct {
		id    string
		count int
		first string
	}{
		{"typescript:syntax", 10, "syntax/src/broken.ts:1:29 TS1005"},
		{"typescript:nolib", 8, " TS2318"}, // global: no location
		{"typescript:badconfig", 3, "badconfig/src/index.ts:1:14 TS2322"},
		// traceResolution, listFiles, explainFiles and extendedDiagnostics
		// print thousands of lines around the one diagnostic.
		{"typescript:traced", 1, "traced/src/index.ts:3:14 TS2322"},
	}
	for _, tt := range tests {
		r := run(t, project(t, root, tt.id), root, collectors.OneShot)
		got := locatedFindings(r)
		if r.Status != model.StatusOK || r.Facts["errors"] != float64(tt.count) || len(got) != tt.count || got[0] != tt.first {
			t.Errorf("%s: status %s, errors %v, findings %q\n%s", tt.id, r.Status, r.Facts["errors"], got, r.Output)
		}
	}
}

// The cockpit and `preflight check` must never disagree about the same tree.
func TestWatchAndOneShotAgree(t *testing.T) {
	needTypeScript(t)
	for _, fixture := range []string{monorepoFixture, projectsFixture, versionsFixture} {
		root := testdata(t, fixture)
		for _, c := range Detect(root, listFiles(t, root)) {
			p := project(t, root, c.ID())
			oneShot := run(t, p, root, collectors.OneShot)
			watch := run(t, p, root, collectors.Watch)
			if p.checker == nil {
				t.Fatalf("%s: watch run did not use the checker:\n%s", c.ID(), watch.Output)
			}
			if oneShot.Status != model.StatusOK || watch.Status != model.StatusOK {
				t.Fatalf("%s: statuses %s / %s: %s %s", c.ID(), oneShot.Status, watch.Status, oneShot.Error, watch.Error)
			}
			if !reflect.DeepEqual(watch.Findings, oneShot.Findings) || !reflect.DeepEqual(watch.Facts, oneShot.Facts) {
				t.Errorf("%s differs:\nwatch    %+v\none-shot %+v", c.ID(), watch.Findings, oneShot.Findings)
			}
			if !strings.HasSuffix(watch.Command, "watch checker (pid "+pidOf(watch.Command)+"), equivalent to: "+oneShot.Command) || watch.ExitCode != -1 {
				t.Errorf("%s: watch evidence names %q (exit %d), one-shot ran %q", c.ID(), watch.Command, watch.ExitCode, oneShot.Command)
			}
		}
	}
}

// pidOf pulls the checker's pid out of watch-mode evidence.
func pidOf(command string) string {
	_, rest, _ := strings.Cut(command, "(pid ")
	pid, _, _ := strings.Cut(rest, ")")
	return pid
}

// The real tsc on tsconfigs it refuses: each error in the configuration is
// a typescript/invalid-config blocker at the tsconfig, also those tsc
// prints without a place, and the code beside it is still checked.
func TestOneShotConfigErrorsAreFindings(t *testing.T) {
	needTypeScript(t)
	root := testdata(t, projectsFixture)
	tests := []struct {
		id   string
		want []string
	}{
		{"typescript:badjson", []string{"badjson/src/index.ts:1:14 TS2322", "badjson/tsconfig.json:4:5 typescript/invalid-config"}},
		{"typescript:truncated", []string{"truncated/src/index.ts:1:14 TS2322",
			"truncated/tsconfig.json:5:15 typescript/invalid-config", "truncated/tsconfig.json:5:17 typescript/invalid-config"}},
		{"typescript:badextends", []string{"badextends/tsconfig.json:2:14 typescript/invalid-config", "badextends/src/index.ts:1:14 TS2322"}},
		{"typescript:noinputs", []string{"noinputs/tsconfig.json:3:3 typescript/invalid-config"}},
		{"typescript:badconfig", []string{"badconfig/src/index.ts:1:14 TS2322",
			"badconfig/tsconfig.json:6:5 typescript/invalid-config", "badconfig/tsconfig.json:7:15 typescript/invalid-config"}},
	}
	for _, tt := range tests {
		r := run(t, project(t, root, tt.id), root, collectors.OneShot)
		if r.Status != model.StatusOK || r.Error != "" || r.ExitCode != 2 || r.Facts["errors"] != float64(len(tt.want)) {
			t.Errorf("%s: status %s %q, exit %d, errors %v\n%s", tt.id, r.Status, r.Error, r.ExitCode, r.Facts["errors"], r.Output)
		}
		if got := locatedFindings(r); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\n got %q\nwant %q", tt.id, got, tt.want)
		}
	}
	r := run(t, project(t, root, "typescript:badextends"), root, collectors.OneShot)
	if msg := r.Findings[0].Message; msg != "TS5083: Cannot read file 'badextends/tsconfig.base.json'." {
		t.Errorf("message %q names the file outside the repository's terms", msg)
	}
}

// A solution-style tsconfig.json (Vite's and Angular's layout: "files": []
// with references to tsconfig.app.json and tsconfig.node.json) checks
// nothing itself; what it references is checked, each config as tsc -p
// checks it, so neither the app's nor the build config's errors go unseen.
func TestSolutionStyleReferencesAreChecked(t *testing.T) {
	needTypeScript(t)
	root := testdata(t, "solutionstyle")
	detects(t, root, "typescript:tsconfig.app.json", "typescript:tsconfig.node.json")
	for id, want := range map[string]string{
		"typescript:tsconfig.app.json":  "src/main.ts:3:14 TS2322",
		"typescript:tsconfig.node.json": "build.config.ts:2:14 TS2322",
	} {
		p := project(t, root, id)
		for _, mode := range []collectors.Mode{collectors.OneShot, collectors.Watch} {
			r := run(t, p, root, mode)
			if got := locatedFindings(r); r.Status != model.StatusOK || !slices.Equal(got, []string{want}) {
				t.Errorf("%s, mode %d: %s %q, findings %q, want %q", id, mode, r.Status, r.Error, got, want)
			}
			if config := strings.TrimPrefix(id, "typescript:"); mode == collectors.OneShot && !strings.Contains(r.Command, "-p "+config) {
				t.Errorf("%s: command %q", id, r.Command)
			}
		}
	}
}

// An Angular CLI workspace before v17: tsconfig.json is the base that
// src/tsconfig.app.json and src/tsconfig.spec.json extend, and angular.json
// names those for ng build and ng test. They are the projects; tsc on the
// base would check e2e/ leftovers no build compiles.
func TestAngularWorkspaceChecksWhatItBuilds(t *testing.T) {
	needTypeScript(t)
	root := testdata(t, "angularcli")
	detects(t, root, "typescript:tsconfig.app.json", "typescript:tsconfig.spec.json")
	for id, want := range map[string][]string{
		"typescript:tsconfig.app.json":  {"src/main.ts:2:14 TS2322"},
		"typescript:tsconfig.spec.json": nil,
	} {
		r := run(t, project(t, root, id), root, collectors.OneShot)
		if got := locatedFindings(r); r.Status != model.StatusOK || !slices.Equal(got, want) {
			t.Errorf("%s: %s %q, findings %q, want %q", id, r.Status, r.Error, got, want)
		}
	}
}

// detects asserts the ids Detect gives for root, in its order.
func detects(t *testing.T, root string, want ...string) {
	t.Helper()
	var ids []string
	for _, c := range Detect(root, listFiles(t, root)) {
		ids = append(ids, c.ID())
	}
	if !slices.Equal(ids, want) {
		t.Fatalf("detected %q, want %q", ids, want)
	}
}

// Nuxt 4's tsconfig.json is solution-style and references only configs
// Nuxt generates into .nuxt/, which git ignores, so the walk never lists
// them. They are projects all the same, checked with tsc -p; before they
// are generated the project is unknown with the command that writes them,
// never an app whose code goes unchecked and reads green.
func TestSolutionReferencingGeneratedConfigs(t *testing.T) {
	needTypeScript(t)
	root := t.TempDir()
	linkTypeScript(t, root)
	fixturetest.WriteFiles(t, root, map[string]string{
		".gitignore":     ".nuxt/\n",
		"package.json":   `{"name":"app","private":true,"scripts":{"postinstall":"nuxt prepare"}}`,
		"tsconfig.json":  `{"files": [], "references": [{"path": "./.nuxt/tsconfig.app.json"}, {"path": "./.nuxt/tsconfig.node.json"}]}`,
		"app/bad.ts":     "export const n: number = \"not a number\"\n",
		"nuxt.config.ts": "export default {}\n",
	})
	files := []string{".gitignore", "package.json", "tsconfig.json", "app/bad.ts", "nuxt.config.ts"} // as the walk lists them
	ids := func() []string {
		var out []string
		for _, c := range Detect(root, files) {
			out = append(out, c.ID())
		}
		return out
	}
	if got := ids(); !slices.Equal(got, []string{"typescript:tsconfig.app.json", "typescript:tsconfig.node.json"}) {
		t.Fatalf("detected %q", got)
	}
	var p *Project
	for _, c := range Detect(root, files) {
		if c.ID() == "typescript:tsconfig.app.json" {
			p = c.(*Project)
		}
	}
	r := run(t, p, root, collectors.OneShot)
	if r.Status != model.StatusUnknown || r.Error != "tsconfig.json references .nuxt/tsconfig.app.json, which Nuxt generates and is not there" ||
		r.Hint != "run `npx nuxi prepare` in ., then check again" {
		t.Errorf("before nuxi prepare: %s %q %q", r.Status, r.Error, r.Hint)
	}
	fixturetest.WriteFiles(t, root, map[string]string{
		".nuxt/tsconfig.app.json":  `{"compilerOptions": {"strict": true, "noEmit": true}, "include": ["../app/**/*"]}`,
		".nuxt/tsconfig.node.json": `{"compilerOptions": {"strict": true, "noEmit": true}, "include": ["../nuxt.config.ts"]}`,
	})
	r = run(t, p, root, collectors.OneShot)
	if got := locatedFindings(r); r.Status != model.StatusOK || !slices.Equal(got, []string{"app/bad.ts:1:14 TS2322"}) || !strings.Contains(r.Command, "-p .nuxt/tsconfig.app.json") {
		t.Errorf("after nuxi prepare: %s %q, findings %q, command %q", r.Status, r.Error, got, r.Command)
	}
	if in := p.Inputs(); !collectors.MatchesInputs(in, "app/bad.ts") || !collectors.MatchesInputs(in, ".nuxt/tsconfig.app.json") {
		t.Errorf("inputs %q", in)
	}
	if out := collectors.OutputsOf(p); !slices.Equal(out, []string{".nuxt/tsconfig.app.json"}) {
		t.Errorf("outputs %q", out)
	}
}

// excalidraw's shape: an example depends on a workspace package whose
// package.json points TypeScript to dist/index.d.ts, which its build
// writes and is not there; tsc falls back to its sources, which need the
// root's paths to compile. The errors are the unbuilt checkout's, so the
// example's check is unknown with the build to run, until it is built;
// then it is tsc's own result again, measured afresh. The root project,
// whose paths read the sources, is clean either way.
func TestUnbuiltWorkspaceDependencyIsUnknown(t *testing.T) {
	needTypeScript(t)
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "package.json"), `{"name": "mono", "private": true, "workspaces": ["packages/*", "examples/*"], "devDependencies": {"typescript": "5.9.3"},
  "scripts": {"build:packages": "yarn --cwd packages/util build:esm && yarn --cwd packages/lib build:esm"}}`)
	writeFile(t, filepath.Join(root, "yarn.lock"), "# yarn lockfile v1\n")
	writeFile(t, filepath.Join(root, "tsconfig.json"), `{"compilerOptions": {"strict": true, "noEmit": true, "module": "ESNext", "moduleResolution": "bundler", "skipLibCheck": true,
  "paths": {"@demo/util": ["./packages/util/src/index.ts"], "@demo/lib": ["./packages/lib/src/index.ts"]}}, "include": ["packages"]}`)
	writeFile(t, filepath.Join(root, "packages/util/package.json"), `{"name": "@demo/util", "types": "./dist/index.d.ts"}`)
	writeFile(t, filepath.Join(root, "packages/util/src/index.ts"), "export const twice = (n: number): number => n * 2;\n")
	writeFile(t, filepath.Join(root, "packages/lib/package.json"), `{"name": "@demo/lib", "types": "./dist/index.d.ts", "dependencies": {"@demo/util": "*"}}`)
	writeFile(t, filepath.Join(root, "packages/lib/index.ts"), "export * from \"./src/index\";\n")
	writeFile(t, filepath.Join(root, "packages/lib/src/index.ts"), "import { twice } from \"@demo/util\";\nexport const quad = (n: number): number => twice(twice(n));\n")
	// The example does not declare @demo/lib: Yarn's hoisted link serves it.
	writeFile(t, filepath.Join(root, "examples/app/package.json"), `{"name": "app", "private": true}`)
	writeFile(t, filepath.Join(root, "examples/app/tsconfig.json"), `{"compilerOptions": {"strict": true, "noEmit": true, "module": "esnext", "moduleResolution": "node", "skipLibCheck": true}, "include": ["**/*.ts"]}`)
	writeFile(t, filepath.Join(root, "examples/app/src/main.ts"), "import { quad } from \"@demo/lib\";\nconsole.log(quad(2));\n")
	for link, target := range map[string]string{"typescript": testdata(t, "node_modules", "typescript"), "@demo/lib": filepath.Join(root, "packages/lib"), "@demo/util": filepath.Join(root, "packages/util")} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, "node_modules", link)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, filepath.Join(root, "node_modules", link)); err != nil {
			t.Fatal(err)
		}
	}

	if r := run(t, project(t, root, "typescript:."), root, collectors.OneShot); r.Status != model.StatusOK || r.Facts["errors"] != 0 {
		t.Errorf("root: %s %v %q", r.Status, r.Facts, locatedFindings(r))
	}
	app := project(t, root, "typescript:app")
	want := "1 of tsc's 1 errors come from workspace packages that are not built: packages/lib and 1 other workspace package (packages/lib/dist/index.d.ts is not there), whose sources tsc read instead"
	for _, mode := range []collectors.Mode{collectors.OneShot, collectors.Watch} {
		r := run(t, app, root, mode)
		if r.Status != model.StatusUnknown || r.Error != want || len(r.Findings) != 0 || !r.MachineBound ||
			r.Hint != "build them first (yarn build:packages), then check again" {
			t.Fatalf("unbuilt, mode %v: %s %q hint %q findings %q", mode, r.Status, r.Error, r.Hint, locatedFindings(r))
		}
	}

	// Built: the declarations are there, and tsc's verdict stands.
	writeFile(t, filepath.Join(root, "packages/lib/dist/index.d.ts"), "export declare const quad: (n: number) => number;\n")
	writeFile(t, filepath.Join(root, "packages/util/dist/index.d.ts"), "export declare const twice: (n: number) => number;\n")
	writeFile(t, filepath.Join(root, "examples/app/src/main.ts"), "import { quad } from \"@demo/lib\";\nconst s: string = quad(2);\n")
	r := run(t, app, root, collectors.OneShot)
	if got := locatedFindings(r); r.Status != model.StatusOK || r.Facts["errors"] != 1 || len(got) != 1 || !strings.HasPrefix(got[0], "examples/app/src/main.ts:2:7 TS2322") {
		t.Errorf("built: %s %q %v %q", r.Status, r.Error, r.Facts, got)
	}

	// A package read from its sources (no declarations to point to), whose
	// files fail under the example's settings: tsc's count stands, and its
	// errors are one finding at the example's configuration, not findings
	// at the package's lines.
	writeFile(t, filepath.Join(root, "packages/loose/package.json"), `{"name": "@demo/loose"}`)
	writeFile(t, filepath.Join(root, "packages/loose/index.ts"), "export const a: number = \"one\";\nexport const b: number = \"two\";\n")
	if err := os.Symlink(filepath.Join(root, "packages/loose"), filepath.Join(root, "node_modules/@demo/loose")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(root, "examples/app/src/loose.ts"), "import { a } from \"@demo/loose\";\nconsole.log(a);\n")
	// Without a project of its own, the package's lines are only ever
	// reported by its dependents' checks: they stay at those lines.
	app = project(t, root, "typescript:app") // a new package: detected again
	r = run(t, app, root, collectors.OneShot)
	if got := locatedFindings(r); r.Facts["errors"] != 3 || len(got) != 3 || !strings.HasPrefix(got[1], "packages/loose/index.ts:1:14 TS2322") {
		t.Errorf("other package without a project: %v %q", r.Facts, got)
	}
	writeFile(t, filepath.Join(root, "packages/loose/tsconfig.json"), `{"compilerOptions": {"strict": true, "noEmit": true}}`)
	app = project(t, root, "typescript:app")
	r = run(t, app, root, collectors.OneShot)
	got := locatedFindings(r)
	if r.Status != model.StatusOK || r.Facts["errors"] != 3 || len(got) != 2 || !strings.HasPrefix(got[0], "examples/app/src/main.ts:2:7 TS2322") || !strings.HasPrefix(got[1], "examples/app/tsconfig.json") ||
		r.Findings[1].Rule != RuleOtherPackageErrors.ID || !strings.HasPrefix(r.Findings[1].Message, "tsc reports 2 errors in packages/loose's files") {
		t.Errorf("other package: %s %q %v %q", r.Status, r.Error, r.Facts, got)
	}
}

// h3's shape: the package imports itself by name (its playground links it,
// "resolutions": {"h3": "link:."}), and its package.json points TypeScript
// to dist/index.d.mts, which its build writes. Before the build the check
// is unknown with the build to run; the declarations are inputs and
// outputs though git ignores them, so after the build (and after dist is
// gone again) tsc runs anew rather than a result being reused.
func TestAProjectImportingItsOwnUnbuiltPackageIsUnknown(t *testing.T) {
	needTypeScript(t)
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "package.json"), `{"name": "mini", "type": "module", "types": "./dist/index.d.ts", "exports": {".": {"types": "./dist/index.d.ts", "default": "./dist/index.mjs"}},
  "scripts": {"build": "tsc -p tsconfig.build.json"}, "devDependencies": {"typescript": "5.9.3"}}`)
	writeFile(t, filepath.Join(root, ".gitignore"), "dist\nnode_modules\n")
	writeFile(t, filepath.Join(root, "tsconfig.json"), `{"compilerOptions": {"strict": true, "noEmit": true, "module": "ESNext", "moduleResolution": "bundler", "skipLibCheck": true}, "include": ["src", "playground"]}`)
	writeFile(t, filepath.Join(root, "src/index.ts"), "export const hello = (n: string): string => \"hello \" + n;\n")
	writeFile(t, filepath.Join(root, "playground/app.ts"), "import { hello } from \"mini\";\nconsole.log(hello(\"you\"));\n")
	for link, target := range map[string]string{"node_modules/typescript": testdata(t, "node_modules", "typescript"), "playground/node_modules/mini": root} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, link)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Fatal(err)
		}
	}
	p := project(t, root, "typescript:.")
	if in, out := p.Inputs(), collectors.OutputsOf(p); !collectors.MatchesInputs(in, "dist/index.d.ts") || !slices.Equal(out, []string{"dist"}) {
		t.Fatalf("inputs %q, outputs %q: the package's own declarations are neither", in, out)
	}
	r := run(t, p, root, collectors.OneShot)
	want := "1 of tsc's 1 errors come from the project importing its own package, mini, which is not built (dist/index.d.ts is not there)"
	if r.Status != model.StatusUnknown || r.Error != want || !r.MachineBound || r.Hint != "build it first (npm run build), then check again" {
		t.Fatalf("unbuilt: %s %q hint %q findings %q", r.Status, r.Error, r.Hint, locatedFindings(r))
	}
	writeFile(t, filepath.Join(root, "dist/index.d.ts"), "export declare const hello: (n: string) => string;\n")
	if r := run(t, p, root, collectors.OneShot); r.Status != model.StatusOK || r.Facts["errors"] != 0 {
		t.Errorf("built: %s %q %v %q", r.Status, r.Error, r.Facts, locatedFindings(r))
	}
}
