package detect

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/demo"
	"github.com/preflight-dev/preflight/ignore"
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
		id := c.ID()
		switch c.Kind() {
		case "secrets", "compose", "github-actions": // named after the temporary directory
			id = c.Kind() + ":<repo>"
		}
		got = append(got, id+"@"+c.Domain())
	}
	want := []string{"go:billing@build", "typescript:api@build", "typescript:web@build", "go-test:billing@tests",
		"govulncheck:billing@security", "secrets:<repo>@security", "compose:<repo>@deployment",
		"dockerfile:billing@deployment", "github-actions:<repo>@ci"}
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
