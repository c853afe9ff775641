package nodepkg

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/preflight-dev/preflight/internal/fixturetest"
)

func TestParseManifest(t *testing.T) {
	m, err := ParseManifest([]byte(`{"name": "web", "workspaces": {"packages": ["apps/*"]}, "jest": {}, "scripts": {"test": "vitest run"},
		"devDependencies": {"vitest": "4"}, "peerDependencies": {"react": "19"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "web" || !reflect.DeepEqual(m.Workspaces, []string{"apps/*"}) || !m.Keys["jest"] || m.Keys["eslintConfig"] {
		t.Errorf("%+v", m)
	}
	if !m.HasDependency("vitest") || !m.HasDependency("react") || m.HasDependency("jest") || !m.IsWorkspaceRoot() {
		t.Errorf("dependencies read wrong: %+v", m)
	}
	m, err = ParseManifest([]byte(`{"workspaces": ["a", "b/*"]}`))
	if err != nil || !reflect.DeepEqual(m.Workspaces, []string{"a", "b/*"}) {
		t.Errorf("array workspaces: %+v %v", m.Workspaces, err)
	}
}

// npm reads a package.json with a value of the wrong type (it runs the
// scripts of {"name": 1}), so such a field is left out, not the package.
func TestParseManifestLeavesOutFieldsOfTheWrongType(t *testing.T) {
	m, err := ParseManifest([]byte(`{"name": 1, "scripts": {"test": "vitest run", "n": 2}, "devDependencies": {"vitest": 4, "jest": "29"},
		"dependencies": "x", "workspaces": 7}`))
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "" || !reflect.DeepEqual(m.Scripts, map[string]string{"test": "vitest run"}) ||
		!reflect.DeepEqual(m.DevDependencies, map[string]string{"jest": "29"}) || m.Dependencies != nil || m.Workspaces != nil {
		t.Errorf("%+v", m)
	}
	if !m.ScriptRuns("vitest") || !m.HasDependency("jest") || !m.Keys["dependencies"] {
		t.Errorf("the well-typed fields were lost: %+v", m)
	}
}

// What npm refuses (EJSONPARSE, or no object at all) is a ManifestError at
// the character the parser stopped on, counted as an editor counts.
func TestParseManifestPlacesWhatNpmRefuses(t *testing.T) {
	cases := []struct {
		name, in  string
		line, col int
		msg       string
	}{
		{"trailing comma", "{\n  \"name\": \"broken\",\n  \"devDependencies\": { \"vitest\": \"4.1.12\" },\n}\n", 4, 1,
			"not valid JSON: invalid character '}' looking for beginning of object key string"},
		{"truncated", "{\n  \"name\": \"trunc\",\n  \"devDependencies\": { \"vitest\": \"4.1.", 3, 39, "not valid JSON: unexpected end of JSON input"},
		{"empty", "", 1, 1, "not valid JSON: unexpected end of JSON input"},
		{"comment", "{\n  // the name\n  \"name\": \"x\"\n}", 2, 3, "not valid JSON: invalid character '/' looking for beginning of object key string"},
		{"missing comma after a wide character", `{"é": "x" "b": 1}`, 1, 11, "not valid JSON: invalid character '\"' after object key:value pair"},
		{"text after the object", `{"a": 1} x`, 1, 10, "not valid JSON: invalid character 'x' after top-level value"},
		{"array", "  []", 1, 3, "the top level is an array, not an object"},
		{"string", `"x"`, 1, 1, "the top level is a string, not an object"},
		{"null", "null", 1, 1, "the top level is null, not an object"},
	}
	for _, c := range cases {
		_, err := ParseManifest([]byte(c.in))
		var me *ManifestError
		if !errors.As(err, &me) {
			t.Errorf("%s: %v, want a ManifestError", c.name, err)
			continue
		}
		if me.Line != c.line || me.Column != c.col || me.Msg != c.msg {
			t.Errorf("%s: %d:%d %q, want %d:%d %q", c.name, me.Line, me.Column, me.Msg, c.line, c.col, c.msg)
		}
	}
	if _, err := ParseManifest([]byte("\uFEFF{\"name\": \"bom\"}")); err != nil {
		t.Errorf("a byte order mark, which npm strips, was refused: %v", err)
	}
}

// FuzzParseManifest: any input either parses or is refused at a position
// inside it, and never panics.
func FuzzParseManifest(f *testing.F) {
	for _, seed := range []string{`{"name": "a", "workspaces": {"packages": ["x"]}}`, "{\n\"a\": 1,\n}", `{"scripts": {"t": 1}}`, "[", "\uFEFF", "{\"é\"\n:"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := ParseManifest(data)
		if err == nil {
			return
		}
		var me *ManifestError
		if !errors.As(err, &me) {
			t.Fatalf("%T %v: not a ManifestError", err, err)
		}
		lines := bytes.Split(data, []byte("\n"))
		if me.Line < 1 || me.Line > len(lines) || me.Column < 1 || me.Column > utf8.RuneCount(lines[me.Line-1])+1 || me.Msg == "" {
			t.Fatalf("%q refused at %d:%d (%q), outside the input", data, me.Line, me.Column, me.Msg)
		}
	})
}

func TestScriptRuns(t *testing.T) {
	cases := []struct {
		script string
		jest   bool
	}{
		{"jest", true},
		{"jest --coverage", true},
		{"NODE_ENV=test ./node_modules/.bin/jest", true},
		{"tsc && jest", true},
		{"(cd x; jest)", true},
		{"npx jest", true},
		{"jest-junit", false},
		{"node scripts/jester.js", false},
		{"echo \"Error: no test specified\" && exit 1", false},
	}
	for _, c := range cases {
		m := Manifest{Scripts: map[string]string{"test": c.script}}
		if got := m.ScriptRuns("jest"); got != c.jest {
			t.Errorf("%q: ScriptRuns(jest) = %v", c.script, got)
		}
	}
}

// TestScriptRunsUnbalanced: a script the shell grammar refuses still
// shows the tools it runs.
func TestScriptRunsUnbalanced(t *testing.T) {
	for _, script := range []string{
		`jest --testNamePattern "it's`,
		`echo 'starting && jest`,
		"jest )",
		"fi; jest",
		"echo \"it's\njest",
		"cross-env CI=1 jest $((",
	} {
		m := Manifest{Scripts: map[string]string{"test": script}}
		if !m.ScriptRuns("jest") {
			t.Errorf("%q: ScriptRuns(jest) = false", script)
		}
	}
}

func FuzzScriptRuns(f *testing.F) {
	for _, s := range []string{"jest", "tsc && jest --ci", "(cd x; jest)", "echo 'a", "NODE_ENV=test ./node_modules/.bin/jest"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, script string) {
		m := Manifest{Scripts: map[string]string{"test": script}}
		runs := m.ScriptRuns("jest")
		if m.ScriptUsing("jest") != map[bool]string{true: "test"}[runs] {
			t.Fatalf("%q: ScriptUsing disagrees with ScriptRuns %v", script, runs)
		}
		// A line that runs jest is found whatever comes before it.
		if strings.HasSuffix(strings.TrimRight(script, " \t\r"), `\`) {
			return
		}
		m.Scripts["test"] = script + "\njest --ci"
		if !m.ScriptRuns("jest") {
			t.Fatalf("%q: a line running jest is not seen", m.Scripts["test"])
		}
	})
}

func TestDependencyDirsAreTransitiveAndByName(t *testing.T) {
	pkg := func(dir, name string, deps ...string) Package {
		m := Manifest{Name: name, Dependencies: map[string]string{}}
		for _, d := range deps {
			m.Dependencies[d] = "*"
		}
		return Package{Dir: dir, Manifest: m}
	}
	all := []Package{
		pkg("apps/web", "web", "ui", "react"),
		pkg("libs/ui", "ui", "tokens"),
		pkg("libs/tokens", "tokens", "web"), // a cycle back to web
		pkg("libs/other", "other"),
	}
	if got := DependencyDirs(all[0], all); !reflect.DeepEqual(got, []string{"libs/tokens", "libs/ui"}) {
		t.Errorf("web depends on %q", got)
	}
	if got := DependencyDirs(all[3], all); len(got) != 0 {
		t.Errorf("other depends on %q", got)
	}
}

func TestLocalBinWalksUpToHoistedInstalls(t *testing.T) {
	root := t.TempDir()
	bin := filepath.Join(root, "node_modules", ".bin", "vitest")
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	pkg := filepath.Join(root, "packages", "web")
	if err := os.MkdirAll(pkg, 0o755); err != nil {
		t.Fatal(err)
	}
	if got, ok := LocalBin(pkg, "vitest"); !ok || got != bin {
		t.Errorf("LocalBin = %q %v", got, ok)
	}
	if _, ok := LocalBin(pkg, "jest-that-is-not-installed-anywhere"); ok {
		t.Error("found a tool that is not installed")
	}
}

func TestGlobEscapesDirectories(t *testing.T) {
	if g := Glob("app[old]", "**/*.js"); g != `app\[old\]/**/*.js` {
		t.Errorf("%q", g)
	}
	if g := Glob(".", "*.js"); g != "*.js" {
		t.Errorf("%q", g)
	}
}

// A package.json inside a workspace member that is not a member itself (a
// template the member ships, as in pinia's online playground) is part of
// the member; one outside every member, and members left out by a
// negated glob, stay projects.
func TestPackagesLeaveOutWhatAMemberEmbeds(t *testing.T) {
	for name, workspace := range map[string]map[string]string{
		"npm": {"package.json": `{"private": true, "workspaces": ["packages/*", "!packages/skip"]}`},
		"pnpm": {"package.json": `{"private": true}`,
			"pnpm-workspace.yaml": "packages:\n  - 'packages/*'\n  - '!packages/skip'\n"},
	} {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			files := map[string]string{
				"packages/playground/package.json":                       `{"name": "playground", "scripts": {"build": "vite build"}}`,
				"packages/playground/src/download/template/package.json": `{"name": "template", "scripts": {"build": "vite build"}}`,
				"packages/skip/package.json":                             `{"name": "skip"}`,
				"docs/package.json":                                      `{"name": "docs"}`,
			}
			for f, c := range workspace {
				files[f] = c
			}
			var list []string
			for f, c := range files {
				p := filepath.Join(root, filepath.FromSlash(f))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
					t.Fatal(err)
				}
				list = append(list, f)
			}
			var dirs []string
			for _, p := range Packages(root, list) {
				dirs = append(dirs, p.Dir)
			}
			if want := []string{".", "docs", "packages/playground", "packages/skip"}; !reflect.DeepEqual(dirs, want) {
				t.Errorf("packages %q, want %q", dirs, want)
			}
		})
	}
}

// FuzzFieldProblems: any manifest ParseManifest accepts gives problems that
// name a field and sit inside the text.
func FuzzFieldProblems(f *testing.F) {
	f.Add(`{"scripts": {"test": 5}, "dependencies": {"a": 1}, "workspaces": "x"}`)
	f.Add(`{"devDependencies": ["a"], "scripts": [1], "x": {"scripts": {"test": 1}}}`)
	f.Add("\uFEFF{\"dependencies\": {\"a\": {\"b\": [1, {\"c\": null}]}}}")
	f.Fuzz(func(t *testing.T, text string) {
		if _, err := ParseManifest([]byte(text)); err != nil {
			return
		}
		lines := strings.Count(text, "\n") + 1
		for _, p := range FieldProblems([]byte(text)) {
			if len(p.Path) == 0 || p.Line < 1 || p.Line > lines || p.Column < 1 || p.Message() == "" {
				t.Fatalf("problem %+v in %d lines", p, lines)
			}
		}
	})
}

func TestKeyLine(t *testing.T) {
	root := t.TempDir()
	fixturetest.WriteFiles(t, root, map[string]string{
		"web/package.json": "{\n  \"name\": \"test\",\n  \"jest\": {\"rootDir\": \"src\"},\n  \"scripts\": {\n    \"lint\": \"eslint\",\n    \"test\": \"jest\"\n  }\n}\n",
		"one/package.json": `{"scripts": {"test": "vitest run"}}`,
	})
	for _, tc := range []struct {
		manifest string
		keys     []string
		want     int
	}{
		{"web/package.json", []string{"scripts", "test"}, 6},
		{"web/package.json", []string{"jest"}, 3},
		{"web/package.json", []string{"test"}, 6}, // "name": "test" is a value
		{"one/package.json", []string{"scripts", "test"}, 1},
		{"one/package.json", []string{"scripts", "build"}, 0},
		{"missing/package.json", []string{"scripts"}, 0},
	} {
		if got := KeyLine(root, tc.manifest, tc.keys...); got != tc.want {
			t.Errorf("KeyLine(%s, %q) = %d, want %d", tc.manifest, tc.keys, got, tc.want)
		}
	}
}

func TestTypesEntries(t *testing.T) {
	root := fixturetest.WriteRepo(t, map[string]string{
		"packages/db/package.json": `{"types": "./dist/index.d.ts", "typings": "dist/index.d.ts", "exports": {
			".": {"types": "./dist/index.d.ts", "default": "./src/index.ts"},
			"./schema": {"import": {"types": "./dist/schema.d.mts"}, "require": {"types": "./dist/schema.d.cts"}},
			"./*": {"types": "./dist/*.d.ts"},
			"./up": {"types": "../../../outside.d.ts"}}}`,
		"broken/package.json": `{"types": `,
	})
	want := []string{"packages/db/dist/index.d.ts", "packages/db/dist/schema.d.cts", "packages/db/dist/schema.d.mts"}
	if got := TypesEntries(root, "packages/db"); !slices.Equal(got, want) {
		t.Errorf("TypesEntries = %q, want %q", got, want)
	}
	if got := TypesEntries(root, "broken"); got != nil {
		t.Errorf("a package.json npm refuses: %q", got)
	}
	// Every entry, for what imports the package runs: the default, and
	// a plain string of exports (h3's own dist, which its tests import).
	want = []string{"packages/db/dist/index.d.ts", "packages/db/dist/schema.d.cts", "packages/db/dist/schema.d.mts", "packages/db/src/index.ts"}
	if got := Entries(root, "packages/db"); !slices.Equal(got, want) {
		t.Errorf("Entries = %q, want %q", got, want)
	}
	root = fixturetest.WriteRepo(t, map[string]string{"package.json": `{"name": "h3", "main": "./dist/index.cjs", "module": "dist/index.mjs", "exports": "./dist/index.mjs"}`})
	if got, want := Entries(root, "."), []string{"dist/index.cjs", "dist/index.mjs"}; !slices.Equal(got, want) {
		t.Errorf("Entries = %q, want %q", got, want)
	}
	if got := TypesEntries(root, "."); got != nil {
		t.Errorf("a plain string of exports is no types entry: %q", got)
	}
}
