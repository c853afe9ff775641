package detect

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/demo"
	"github.com/preflight-dev/preflight/ignore"
	"github.com/preflight-dev/preflight/model"
)

func TestScanTheDemoProject(t *testing.T) {
	dir := t.TempDir()
	if err := demo.UnpackInto(dir); err != nil {
		t.Fatal(err)
	}
	// Nothing under node_modules or an ignored dir becomes a collector.
	for _, p := range []string{"node_modules/lib/tsconfig.json", "generated/go.mod", ".gitignore"} {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte("generated/\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	m, err := ignore.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	cols, err := Scan(dir, m)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cols {
		got = append(got, c.ID()+"@"+c.Domain())
	}
	want := []string{"go:billing@build", "package-json:.@build", "typescript:api@build", "typescript:web@build", "go-test:billing@tests",
		"govulncheck:billing@security", "secrets:.@security", "compose:.@deployment",
		"dockerfile:billing@deployment", "github-actions:.@ci"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v (domain order, then id)", got, want)
		}
	}
}

func TestChangesCollectors(t *testing.T) {
	for path, want := range map[string]bool{
		"packages/new/tsconfig.json": true, "go.mod": true, "svc/.gitignore": true,
		"src/a.ts": false, "tsconfig.build.json": false, "go.sum": false,
	} {
		if got := ChangesCollectors(path); got != want {
			t.Errorf("ChangesCollectors(%q) = %v, want %v", path, got, want)
		}
	}
}

func TestFixturesUnderTestdataAreNotProjects(t *testing.T) {
	cols := Collectors(t.TempDir(), []string{"svc/go.mod", "svc/testdata/fixture/go.mod", "testdata/app/tsconfig.json"})
	var ids []string
	for _, c := range cols {
		if c.Kind() == "secrets" {
			continue // one per repository, whatever it holds
		}
		ids = append(ids, c.ID())
	}
	want := []string{"go:svc", "go-test:svc", "govulncheck:svc"}
	if strings.Join(ids, " ") != strings.Join(want, " ") {
		t.Fatalf("got %v, want %v", ids, want)
	}
}

// Vendored code is other people's: its compose files, Dockerfiles and
// lockfiles are not the repository's projects.
func TestVendoredCodeIsNotAProject(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"go.mod":             "module example.com/svc\n\ngo 1.22\n",
		"vendor/modules.txt": "# example.com/dep v1.0.0\n",
		"vendor/example.com/dep/docker-compose.yml": "services:\n  dep:\n    image: golang:1.18\n",
		"vendor/example.com/dep/Dockerfile":         "FROM golang:1.18\n",
		"third_party/static/package-lock.json":      "{}\n",
		"third_party/static/package.json":           `{"name":"static","scripts":{"build":"vite build"}}` + "\n",
	}
	var list []string
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		list = append(list, name)
	}
	for _, c := range Collectors(root, list) {
		switch c.Kind() {
		case "go", "go-test", "govulncheck", "secrets":
		default:
			t.Errorf("vendored code detected as %s", c.ID())
		}
	}
}

// Two clones of one repository in folders of different names have the
// same collectors and the same finding fingerprints, so a rule, an
// acknowledgment or a baseline written in one holds in the other.
func TestIDsDoNotDependOnTheCheckoutFolder(t *testing.T) {
	type evidence struct{ collectors, findings []string }
	measure := func(name string) evidence {
		dir := filepath.Join(t.TempDir(), name)
		if err := demo.UnpackInto(dir); err != nil {
			t.Fatal(err)
		}
		m, err := ignore.Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		cols, err := Scan(dir, m)
		if err != nil {
			t.Fatal(err)
		}
		var ev evidence
		for _, c := range cols {
			ev.collectors = append(ev.collectors, c.ID())
			switch c.Kind() { // the ones that read files and run nothing
			case "secrets", "compose", "github-actions", "dockerfile":
				res := c.Run(context.Background(), collectors.Request{Root: dir, Mode: collectors.OneShot, Timeout: time.Minute})
				for _, f := range res.Findings {
					ev.findings = append(ev.findings, f.ID+" "+f.Collector+" "+f.Rule)
				}
			}
		}
		return ev
	}
	shop, clone := measure("shop"), measure("shop-review-2")
	if len(shop.findings) == 0 {
		t.Fatal("the demo gave no findings to compare")
	}
	if !reflect.DeepEqual(shop, clone) {
		t.Errorf("ids differ between clones:\n shop  %v\n clone %v", shop, clone)
	}
}

// A workspace member whose package.json npm refuses loses nothing for its
// siblings: they keep their collectors, and the refused file is a finding
// of package-json:. at its line.
func TestMalformedManifestDoesNotDropItsWorkspace(t *testing.T) {
	root := filepath.Join(t.TempDir(), "shop")
	files := map[string]string{
		"package.json":                     `{"private": true, "workspaces": ["packages/*"], "devDependencies": {"vitest": "4", "eslint": "9"}}`,
		"packages/web/package.json":        `{"name": "web", "scripts": {"test": "vitest run", "build": "vite build"}, "devDependencies": {"vite": "7"}}`,
		"packages/web/eslint.config.js":    "export default [];\n",
		"packages/web/tsconfig.json":       `{"include": ["src"]}`,
		"packages/api/package.json":        "{\n  \"name\": \"api\",\n  \"scripts\": {\"test\": \"vitest run\"},\n}\n",
		"packages/api/eslint.config.js":    "export default [];\n",
		"packages/api/tsconfig.json":       "{\n  \"include\": [\"src\"]\n",
		"packages/worker/package.json":     `{"name": "worker", "scripts": {"test": "vitest`,
		"packages/worker/vitest.config.ts": "export default {};\n",
	}
	var list []string
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		list = append(list, name)
	}
	var ids []string
	var manifests collectors.Collector
	for _, c := range Collectors(root, list) {
		ids = append(ids, c.ID())
		if c.Kind() == "package-json" {
			manifests = c
		}
	}
	want := []string{"eslint:api", "eslint:web", "package-json:.", "typescript:api", "typescript:web",
		"vitest:web", "vitest:worker", "npm-audit:.", "secrets:.", "bundle:web"} // no lockfile: npm-audit says so
	if strings.Join(ids, " ") != strings.Join(want, " ") {
		t.Fatalf("got %v\nwant %v", ids, want)
	}
	r := manifests.Run(context.Background(), collectors.Request{Root: root})
	var got []string
	for _, f := range r.Findings {
		got = append(got, f.Rule+" "+f.Location())
	}
	if r.Status != model.StatusOK || strings.Join(got, ", ") != "package-json/invalid packages/api/package.json:4:1, package-json/invalid packages/worker/package.json:1:47" {
		t.Errorf("%s: %v", r.Status, got)
	}
}
