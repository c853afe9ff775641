package typescript

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/preflight-dev/preflight/cache"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"
)

func ids(t *testing.T, root string, files []string) []string {
	t.Helper()
	var out []string
	for _, c := range Detect(root, files) {
		if c.Kind() != "typescript" || c.Domain() != "build" {
			t.Errorf("%s: kind %q domain %q", c.ID(), c.Kind(), c.Domain())
		}
		out = append(out, c.ID())
	}
	return out
}

func TestDetectMonorepoFixture(t *testing.T) {
	root := testdata(t, monorepoFixture)
	got := Detect(root, listFiles(t, root))
	if len(got) != 2 {
		t.Fatalf("want api and web (the solution-style root is not a project), got %d: %v", len(got), got)
	}
	api, web := got[0].(*Project), got[1].(*Project)
	if api.ID() != "typescript:api" || api.Dir() != "packages/api" || len(api.Variants()) != 0 {
		t.Errorf("api: %s in %s, variants %v", api.ID(), api.Dir(), api.Variants())
	}
	if web.ID() != "typescript:web" || !reflect.DeepEqual(web.Variants(), []string{"packages/web/tsconfig.build.json"}) {
		t.Errorf("web: %s, variants %v", web.ID(), web.Variants())
	}
}

func TestDetectNamesAndSkips(t *testing.T) {
	root := filepath.Join(t.TempDir(), "shop")
	project := `{"compilerOptions": {"strict": true}}`
	writeFile(t, filepath.Join(root, "tsconfig.json"), project)
	writeFile(t, filepath.Join(root, "apps/backend/tsconfig.json"), project)
	writeFile(t, filepath.Join(root, "services/backend/tsconfig.json"), project)
	writeFile(t, filepath.Join(root, "web/tsconfig.json"), "// JSONC with a trailing comma\n{ \"include\": [\"src\",], }")
	writeFile(t, filepath.Join(root, "broken/tsconfig.json"), "{ this is not json")
	writeFile(t, filepath.Join(root, "solution/tsconfig.json"), `{"files": [], "references": [{"path": "../web"}]}`)
	writeFile(t, filepath.Join(root, "empty-but-included/tsconfig.json"), `{"files": [], "include": ["src"], "references": [{"path": "../web"}]}`)
	writeFile(t, filepath.Join(root, "only-variant/tsconfig.build.json"), project)
	writeFile(t, filepath.Join(root, "node_modules/lib/tsconfig.json"), project)
	writeFile(t, filepath.Join(root, "web/node_modules/x/tsconfig.json"), project)
	files := []string{
		"tsconfig.json", "apps/backend/tsconfig.json", "services/backend/tsconfig.json",
		"web/tsconfig.json", "broken/tsconfig.json", "solution/tsconfig.json",
		"empty-but-included/tsconfig.json", "only-variant/tsconfig.build.json",
		// the engine excludes these already; Detect must not rely on it
		"node_modules/lib/tsconfig.json", "web/node_modules/x/tsconfig.json",
	}
	want := []string{
		"typescript:.", "typescript:apps/backend", "typescript:broken",
		"typescript:empty-but-included", "typescript:services/backend", "typescript:web",
	}
	if got := ids(t, root, files); !reflect.DeepEqual(got, want) {
		t.Errorf("ids:\n got %q\nwant %q", got, want)
	}
}

// The root is "." even in a folder named like one of its packages, so the
// package keeps its short name.
func TestDetectRootNeverCollidesWithAPackage(t *testing.T) {
	root := filepath.Join(t.TempDir(), "app")
	writeFile(t, filepath.Join(root, "tsconfig.json"), "{}")
	writeFile(t, filepath.Join(root, "packages/app/tsconfig.json"), "{}")
	got := ids(t, root, []string{"tsconfig.json", "packages/app/tsconfig.json"})
	if want := []string{"typescript:.", "typescript:app"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestInputs(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "tsconfig.base.json"), "{}")
	writeFile(t, filepath.Join(root, "packages/api/tsconfig.json"), `{"extends": "../../tsconfig.base", "include": ["src"]}`)
	writeFile(t, filepath.Join(root, "packages/web/tsconfig.json"), `{"extends": ["@tsconfig/node20/tsconfig.json", "./local.json"]}`)
	cs := Detect(root, []string{"tsconfig.base.json", "packages/api/tsconfig.json", "packages/web/tsconfig.json"})
	if len(cs) != 2 {
		t.Fatalf("want 2 projects, got %d", len(cs))
	}
	matches := func(c interface{ Inputs() []string }, file string) bool {
		for _, g := range c.Inputs() {
			if ok, err := doublestar.Match(g, file); err != nil {
				t.Fatalf("bad glob %q: %v", g, err)
			} else if ok {
				return true
			}
		}
		return false
	}
	api, web := cs[0], cs[1]
	for _, f := range []string{
		"packages/api/src/index.ts", "packages/api/src/deep/view.tsx", "packages/api/src/a.mts",
		"packages/api/src/b.cts", "packages/api/src/c.js", "packages/api/src/d.jsx", "packages/api/e.mjs",
		"packages/api/f.cjs", "packages/api/src/data.json", "packages/api/tsconfig.json",
		"packages/api/tsconfig.build.json", "packages/api/package.json", "packages/api/src/types.d.ts",
		"tsconfig.base.json",
	} {
		if !matches(api, f) {
			t.Errorf("api inputs miss %s: %v", f, api.Inputs())
		}
	}
	for _, f := range []string{"packages/web/src/main.ts", "packages/api/README.md", "packages/api/src/style.css", "tsconfig.base.json"} {
		if matches(web, f) != (f == "packages/web/src/main.ts") {
			t.Errorf("web inputs and %s: %v", f, web.Inputs())
		}
	}
	if !matches(web, "packages/web/local.json") {
		t.Errorf("web inputs miss the config it extends: %v", web.Inputs())
	}
}

func TestInputsEscapeGlobCharacters(t *testing.T) {
	p := &Project{dir: "legacy[v1]/app"}
	var hit bool
	for _, g := range p.Inputs() {
		ok, err := doublestar.Match(g, "legacy[v1]/app/src/x.ts")
		if err != nil {
			t.Fatal(err)
		}
		hit = hit || ok
		if other, _ := doublestar.Match(g, "legacyv/app/src/x.ts"); other {
			t.Errorf("%q matches a directory it should not", g)
		}
	}
	if !hit {
		t.Errorf("inputs %v do not match their own directory", p.Inputs())
	}
}

func TestStripJSONC(t *testing.T) {
	in := "\uFEFF{\n  // comment with \"quotes\" and a comma,\n  \"a\": \"http://x/*not a comment*/\", /* block,\n */ \"b\": [1, 2,],\n  \"c\": \"trailing,]\",\n}\n"
	var got map[string]any
	if err := json.Unmarshal(stripJSONC([]byte(in)), &got); err != nil {
		t.Fatalf("%v in %s", err, stripJSONC([]byte(in)))
	}
	want := map[string]any{"a": "http://x/*not a comment*/", "b": []any{1.0, 2.0}, "c": "trailing,]"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// A yarn workspace whose package ships project templates: a template's
// tsconfig.json has no sources beside it (they are generated with the
// project), so tsc -p on it can only say TS18003; the packages and a
// nested config that does have sources are projects.
func TestDetectSkipsTemplatesInsideAPackage(t *testing.T) {
	root := testdata(t, "yarnworkspace")
	files := listFiles(t, root)
	if got, want := ids(t, root, files), []string{"typescript:cli", "typescript:core"}; !reflect.DeepEqual(got, want) {
		t.Errorf("ids %q, want %q", got, want)
	}

	tmp := copyFixtureUninstalled(t, "yarnworkspace")
	// Once the template holds a source file, or allows JavaScript beside
	// its index.js, or names its inputs, there is something to check.
	writeFile(t, filepath.Join(tmp, "packages/cli/templates/common/src/index.ts"), "export {};\n")
	writeFile(t, filepath.Join(tmp, "packages/cli/templates/example-app/example/tsconfig.json"), `{"compilerOptions": {"allowJs": true}}`)
	writeFile(t, filepath.Join(tmp, "packages/core/scripts/tsconfig.json"), `{"include": ["../src"]}`)
	want := []string{"typescript:cli", "typescript:common", "typescript:example", "typescript:core", "typescript:scripts"} // by directory
	if got := ids(t, tmp, listFiles(t, tmp)); !reflect.DeepEqual(got, want) {
		t.Errorf("ids %q, want %q", got, want)
	}
}

// The files and includes a tsconfig names are inputs, as globs: generated
// types git ignores are among them (Next.js's next-env.d.ts and
// .next/types/**/*.ts); a bare directory is its sources; a sibling's files
// are, what leaves the repository is not.
func TestTsconfigNamedInputs(t *testing.T) {
	cfg, err := parseTsconfig([]byte(`{
		// Next.js's
		"include": ["next-env.d.ts", "**/*.ts", ".next/types/**/*.ts", "src", "../shared/*.ts", "../../out/*.ts"],
		"files": ["types/global.d.ts", "app[old]/x.ts"],
	}`))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"web/types/global.d.ts", `web/app\[old\]/x.ts`, "web/next-env.d.ts", "web/**/*.ts", "web/.next/types/**/*.ts",
		"web/src/**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs,json}", "shared/*.ts"}
	if got := cfg.named("web"); !slices.Equal(got, want) {
		t.Errorf("named\n got %q\nwant %q", got, want)
	}
}

// A type error in a generated file the tsconfig includes, which git
// ignores, is not hidden by a result reused as "inputs unchanged".
func TestGeneratedIncludesAreInTheResultKey(t *testing.T) {
	root := fixturetest.WriteRepo(t, map[string]string{
		".gitignore":    "gen/\nnext-env.d.ts\n",
		"tsconfig.json": `{"include": ["src", "gen/**/*.ts", "next-env.d.ts"]}`,
		"src/a.ts":      "export const a = 1;\n",
	})
	files := []string{".gitignore", "src/a.ts", "tsconfig.json"}
	cols := Detect(root, files)
	if len(cols) != 1 {
		t.Fatalf("detected %d projects", len(cols))
	}
	store := cache.At(t.TempDir())
	open := func() *cache.Results {
		r, err := store.Results(root, files, "", "1.0")
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := open()
	r.Put(cols[0], model.Result{Collector: cols[0].ID(), Status: model.StatusOK, Command: "tsc --noEmit"})
	if err := r.Save(); err != nil {
		t.Fatal(err)
	}
	if _, ok := open().Lookup(cols[0]); !ok {
		t.Fatal("not reused with nothing changed")
	}
	fixturetest.WriteFiles(t, root, map[string]string{"gen/types.ts": `export const g: number = "generated";` + "\n"})
	if _, ok := open().Lookup(cols[0]); ok {
		t.Error("reused after a generated file the tsconfig includes appeared")
	}
}

// A project reads the workspace packages it depends on: their sources, and
// the declaration files their package.json points to, which git often
// ignores (create-t3-turbo's @acme/db exports types from dist/). A change
// to either is a change of the project's check, so the result is not
// reused; a package it does not depend on is no input.
func TestWorkspaceDependenciesAreInputs(t *testing.T) {
	root := fixturetest.WriteRepo(t, map[string]string{
		"package.json":                 `{"private": true, "workspaces": ["packages/*"]}`,
		"packages/db/package.json":     `{"name": "@acme/db", "exports": {"./schema": {"types": "./dist/schema.d.ts", "default": "./src/schema.ts"}}}`,
		"packages/db/src/schema.ts":    "export const CreatePostSchema = {}\n",
		"packages/db/dist/schema.d.ts": "export declare const CreatePostSchema: {}\n",
		"packages/api/package.json":    `{"name": "@acme/api", "dependencies": {"@acme/db": "workspace:*"}}`,
		"packages/api/tsconfig.json":   `{"include": ["src"]}`,
		"packages/api/src/post.ts":     "import { CreatePostSchema } from '@acme/db/schema'\nexport const s = CreatePostSchema\n",
		"packages/web/package.json":    `{"name": "@acme/web"}`,
		"packages/web/src/app.ts":      "export const app = 1\n",
	})
	files := []string{"package.json", "packages/db/package.json", "packages/db/src/schema.ts", "packages/api/package.json",
		"packages/api/tsconfig.json", "packages/api/src/post.ts", "packages/web/package.json", "packages/web/src/app.ts"} // dist/ is ignored
	cols := Detect(root, files)
	if len(cols) != 1 {
		t.Fatalf("detected %d projects", len(cols))
	}
	store := cache.At(t.TempDir())
	reused := func() bool {
		r, err := store.Results(root, files, "", "1.0")
		if err != nil {
			t.Fatal(err)
		}
		_, ok := r.Lookup(cols[0])
		return ok
	}
	put := func() {
		r, err := store.Results(root, files, "", "1.0")
		if err != nil {
			t.Fatal(err)
		}
		r.Put(cols[0], model.Result{Collector: cols[0].ID(), Status: model.StatusOK, Command: "tsc --noEmit"})
		if err := r.Save(); err != nil {
			t.Fatal(err)
		}
	}
	put()
	for _, step := range []struct {
		what   string
		file   string
		reused bool
	}{
		{"the dependency's build output changed", "packages/db/dist/schema.d.ts", false},
		{"the dependency's source changed", "packages/db/src/schema.ts", false},
		{"a package it does not depend on changed", "packages/web/src/app.ts", true},
	} {
		fixturetest.WriteFiles(t, root, map[string]string{step.file: "export declare const Renamed: {}\n"})
		if got := reused(); got != step.reused {
			t.Errorf("%s: reused %v, want %v", step.what, got, step.reused)
		}
		put()
	}
}

// The hint for unbuilt workspace packages names a script that exists: the
// root's that builds the packages (excalidraw's build:packages), else the
// package's build, else its build:… script.
func TestBuildStepOfUnbuiltPackages(t *testing.T) {
	for _, tc := range []struct {
		root, pkg, want string
	}{
		{`{"scripts": {"build": "turbo build", "build:packages": "yarn build:common && yarn build:lib"}}`, `{"scripts": {"build:esm": "tsc"}}`, "yarn build:packages"},
		// excalidraw's build:packages builds common, element … but not utils.
		{`{"scripts": {"build:packages": "yarn build:common && yarn build:element"}}`, `{"scripts": {"build:esm": "tsc"}}`, "cd packages/lib && yarn build:esm"},
		{`{"scripts": {"build:app": "vite build"}}`, `{"scripts": {"build:esm": "tsc", "build:types": "tsc -d"}}`, "cd packages/lib && yarn build:esm"},
		{`{}`, `{"scripts": {"build": "tsc", "build:esm": "tsc"}}`, "cd packages/lib && yarn build"},
		{`{}`, `{"scripts": {"test": "vitest"}}`, ""},
	} {
		root := t.TempDir()
		writeFile(t, filepath.Join(root, "yarn.lock"), "")
		writeFile(t, filepath.Join(root, "package.json"), tc.root)
		writeFile(t, filepath.Join(root, "packages/lib/package.json"), tc.pkg)
		if got := buildStep(root, "packages/lib"); got != tc.want {
			t.Errorf("%s / %s: %q, want %q", tc.root, tc.pkg, got, tc.want)
		}
	}
}
