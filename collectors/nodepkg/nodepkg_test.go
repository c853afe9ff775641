package nodepkg

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
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
	for _, bad := range []string{``, `[]`, `{"name": 1}`, `{"scripts": "x"}`} {
		if _, err := ParseManifest([]byte(bad)); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
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
