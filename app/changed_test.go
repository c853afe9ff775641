package app

import (
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"slices"
	"testing"
)

// A workspace with a root and a member npm refuses, and a member with a
// value of the wrong type: the packages npm reads still lead from a changed
// library to what uses it.
func TestDependentsSurviveMalformedManifests(t *testing.T) {
	root := t.TempDir()
	manifests := map[string]string{
		"package.json":                 "{\"private\": true, \"workspaces\": [\"packages/*\"],}",
		"packages/lib/package.json":    `{"name": "@shop/lib"}`,
		"packages/ui/package.json":     `{"name": "@shop/ui", "version": 1, "dependencies": {"@shop/lib": "*", "odd": 2}}`,
		"packages/app/package.json":    `{"name": "@shop/app", "dependencies": {"@shop/ui": "*"}}`,
		"packages/broken/package.json": `{"name": "@shop/broken", "dependencies": {"@shop/lib": "*"`,
	}
	fixturetest.WriteFiles(t, root, manifests)
	var files []string
	for f := range manifests {
		files = append(files, f)
	}
	got := dependents(root, files, []string{"packages/lib/src/money.ts"})
	slices.Sort(got)
	if want := []string{"packages/app/package.json", "packages/ui/package.json"}; !slices.Equal(got, want) {
		t.Errorf("dependents = %v, want %v", got, want)
	}
}

func TestDependentsOfAChangedPackageOrModule(t *testing.T) {
	root := t.TempDir()
	fixturetest.WriteFiles(t, root, map[string]string{
		"package.json":                `{"private": true, "workspaces": ["packages/*"]}`,
		"packages/lib/package.json":   `{"name": "@shop/lib"}`,
		"packages/app/package.json":   `{"name": "@shop/app", "dependencies": {"@shop/ui": "*"}}`,
		"packages/ui/package.json":    `{"name": "@shop/ui", "dependencies": {"@shop/lib": "*"}}`,
		"packages/other/package.json": `{"name": "@shop/other", "dependencies": {"left-pad": "1"}}`,
		"mods/a/go.mod":               "module example.com/a\n\ngo 1.22\n\nrequire example.com/b v0.0.0\n\nreplace example.com/b => ../b\n",
		"mods/b/go.mod":               "module example.com/b\n\ngo 1.22\n",
		"mods/c/go.mod":               "module example.com/c\n\ngo 1.22\n\nrequire example.com/a v0.0.0\n",
		"mods/d/go.mod":               "module example.com/d\n\ngo 1.22\n",
	})
	files := []string{"package.json", "packages/lib/package.json", "packages/app/package.json", "packages/ui/package.json",
		"packages/other/package.json", "mods/a/go.mod", "mods/b/go.mod", "mods/c/go.mod", "mods/d/go.mod"}
	got := dependents(root, files, []string{"packages/lib/src/money.ts", "mods/b/b.go"})
	slices.Sort(got)
	want := []string{"mods/a/go.mod", "mods/c/go.mod", "packages/app/package.json", "packages/ui/package.json"}
	if !slices.Equal(got, want) {
		t.Errorf("dependents = %v, want %v", got, want)
	}
	if got := dependents(root, files, []string{"packages/other/index.ts", "README.md"}); len(got) != 0 {
		t.Errorf("nothing depends on other: %v", got)
	}
}

// pnpm names its workspace in pnpm-workspace.yaml and its local
// dependencies with the workspace: protocol; yarn's workspaces field may
// be an object. Either way a change to a package reruns its dependents.
func TestDependentsInPnpmAndYarnWorkspaces(t *testing.T) {
	for name, files := range map[string]map[string]string{
		"pnpm": {
			"package.json":              `{"private": true}`,
			"pnpm-workspace.yaml":       "packages:\n  - 'packages/*'\n",
			"packages/lib/package.json": `{"name": "lib"}`,
			"packages/web/package.json": `{"name": "web", "dependencies": {"lib": "workspace:^"}}`,
			"packages/cli/package.json": `{"name": "cli", "devDependencies": {"web": "workspace:*"}}`,
			"packages/doc/package.json": `{"name": "doc"}`,
		},
		"yarn": {
			"package.json":              `{"private": true, "workspaces": {"packages": ["packages/*"]}}`,
			"packages/lib/package.json": `{"name": "lib"}`,
			"packages/web/package.json": `{"name": "web", "peerDependencies": {"lib": "^1"}}`,
			"packages/cli/package.json": `{"name": "cli", "dependencies": {"web": "workspace:*"}}`,
			"packages/doc/package.json": `{"name": "doc"}`,
		},
	} {
		root := t.TempDir()
		fixturetest.WriteFiles(t, root, files)
		var list []string
		for f := range files {
			list = append(list, f)
		}
		slices.Sort(list)
		got := dependents(root, list, []string{"packages/lib/src/index.ts"})
		slices.Sort(got)
		if want := []string{"packages/cli/package.json", "packages/web/package.json"}; !slices.Equal(got, want) {
			t.Errorf("%s: dependents = %v, want %v", name, got, want)
		}
	}
}
