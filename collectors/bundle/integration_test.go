package bundle

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/proc"
)

// The fixture's bundler is installed with
//
//	npm ci --prefix collectors/bundle/testdata/esbuild
const esbuildDir = "testdata/esbuild"

func requireEsbuild(t *testing.T) string {
	t.Helper()
	bin, err := filepath.Abs(filepath.Join(esbuildDir, "node_modules", ".bin", "esbuild"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(bin); err != nil {
		fixturetest.Unavailable(t, "esbuild is not installed: npm ci --prefix collectors/bundle/"+esbuildDir)
	}
	return bin
}

func setTimes(t *testing.T, dir string, mtime time.Time) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		return os.Chtimes(p, mtime, mtime)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func esbuild(t *testing.T, bin, dir string) {
	t.Helper()
	out, err := proc.Run(context.Background(), proc.Cmd{Dir: dir, Name: bin,
		Args: []string{"src/main.js", "--bundle", "--minify", "--sourcemap", "--outdir=dist", "--log-level=warning"}})
	if err != nil || out.ExitCode != 0 {
		t.Fatalf("esbuild: %v exit %d\n%s", err, out.ExitCode, out.Stderr)
	}
}

func TestRealBuildOutput(t *testing.T) {
	bin := requireEsbuild(t)
	tr := newTree(t)
	app := filepath.Join(tr.root, "app")
	// A fresh repository, so builds never write into the source tree.
	fixturetest.Copy(t, filepath.Join(esbuildDir, "app"), app)
	setTimes(t, app, base)
	esbuild(t, bin, app)
	setTimes(t, filepath.Join(app, "dist"), base.Add(time.Hour))

	r := tr.run("bundle:app")
	if r.Status != model.StatusOK || len(r.Findings) != 0 {
		t.Fatalf("status %s error %q findings %+v", r.Status, r.Error, r.Findings)
	}
	// What esbuild wrote, measured here independently.
	read := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join(app, "dist", name))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	js, css, jsMap, cssMap := read("main.js"), read("main.css"), read("main.js.map"), read("main.css.map")
	want := map[string]float64{
		"bundle.files":           4,
		"bundle.bytes":           float64(len(js) + len(css) + len(jsMap) + len(cssMap)),
		"bundle.gzip_bytes":      float64(gzipLen(t, js) + gzipLen(t, css)),
		"bundle.js_gzip_bytes":   float64(gzipLen(t, js)),
		"bundle.js_budget_bytes": 500_000,
	}
	for k, v := range want {
		if r.Facts[k] != v {
			t.Errorf("%s = %v, want %v", k, r.Facts[k], v)
		}
	}
	if !strings.Contains(string(js), "padStart") || !strings.Contains(r.Output, "app/dist/main.js (gzip ") {
		t.Errorf("output:\n%s", r.Output)
	}

	// Editing a source makes the output stale; rebuilding makes it fresh.
	price := filepath.Join(app, "src", "price.js")
	if err := os.Chtimes(price, base.Add(3*time.Hour), base.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	r = tr.run("bundle:app")
	if r.Status != model.StatusUnknown || r.Error != "app/dist is 2h older than the sources it is built from (app/src/price.js changed since)" ||
		r.Hint != "rebuild it: cd app && npm run build" || r.Facts["bundle.files"] != 4 {
		t.Fatalf("stale: status %s error %q hint %q facts %v", r.Status, r.Error, r.Hint, r.Facts)
	}
	esbuild(t, bin, app)
	if r = tr.run("bundle:app"); r.Status != model.StatusOK {
		t.Fatalf("rebuilt: status %s error %q", r.Status, r.Error)
	}
}
