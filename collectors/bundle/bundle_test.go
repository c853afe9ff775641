package bundle

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"math/rand"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/cache"
	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/nodepkg"
	"github.com/preflight-dev/preflight/collectors/reportfile"
	"github.com/preflight-dev/preflight/collectors/rules"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"
)

// tree writes files under root with fixed modification times.
type tree struct {
	t    testing.TB
	root string
}

func newTree(t *testing.T) tree { return tree{t: t, root: t.TempDir()} }

// base is a fixed point in time the tests count from.
var base = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func (tr tree) write(rel string, data []byte, mtime time.Time) {
	tr.t.Helper()
	p := filepath.Join(tr.root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		tr.t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		tr.t.Fatal(err)
	}
	if err := os.Chtimes(p, mtime, mtime); err != nil {
		tr.t.Fatal(err)
	}
}

func (tr tree) files() []string {
	tr.t.Helper()
	// As the caller does: build outputs and dependencies are not listed.
	return fixturetest.Files(tr.t, tr.root, "dist", "build", "out", ".next", "node_modules")
}

// detects asserts the ids Detect gives, in its order.
func (tr tree) detects(want ...string) {
	tr.t.Helper()
	var got []string
	for _, c := range Detect(tr.root, tr.files()) {
		got = append(got, c.ID())
	}
	if !reflect.DeepEqual(got, want) {
		tr.t.Errorf("detected %q, want %q", got, want)
	}
}

// viteApp is the package.json of a private Vite app named name.
func viteApp(name string) []byte {
	return []byte(`{"name": "` + name + `", "private": true, "scripts": {"build": "vite build"}, "devDependencies": {"vite": "7"}}`)
}

func (tr tree) collector(id string) collectors.Collector {
	tr.t.Helper()
	var ids []string
	for _, c := range Detect(tr.root, tr.files()) {
		if c.ID() == id {
			return c
		}
		ids = append(ids, c.ID())
	}
	tr.t.Fatalf("no collector %s, detected %q", id, ids)
	return nil
}

func (tr tree) run(id string) model.Result {
	tr.t.Helper()
	return tr.collector(id).Run(context.Background(), collectors.Request{Root: tr.root, Mode: collectors.OneShot})
}

// incompressible is n bytes gzip cannot shrink: a bundle that big is that
// big over the wire.
func incompressible(n int, seed int64) []byte {
	b := make([]byte, n)
	rand.New(rand.NewSource(seed)).Read(b)
	return b
}

// gzipLen compresses in memory, independently of the collector's streaming.
func gzipLen(t *testing.T, data []byte) int64 {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	zw.Close()
	return int64(buf.Len())
}

const webManifest = `{
  "name": "web",
  "private": true,
  "scripts": {
    "dev": "vite",
    "build": "vite build"
  }
}
`

func TestMeasureSumsWhatBrowsersDownload(t *testing.T) {
	tr := newTree(t)
	app := bytes.Repeat([]byte("export const answer = 42;\n"), 2000)
	vendor := incompressible(30_000, 1)
	css := bytes.Repeat([]byte("body { margin: 0 }\n"), 500)
	tr.write("dist/assets/app.js", app, base)
	tr.write("dist/assets/vendor.mjs", vendor, base.Add(time.Minute))
	tr.write("dist/assets/app.css", css, base)
	tr.write("dist/assets/app.js.map", make([]byte, 90_000), base)
	tr.write("dist/index.html", []byte("<!doctype html>"), base)
	tr.write("dist/logo.png", make([]byte, 40_000), base)
	tr.write("dist/a/b/c.txt", []byte("x"), base)
	// Vite's build manifest is the server's, never downloaded.
	tr.write("dist/.vite/manifest.json", make([]byte, 9_821), base.Add(2*time.Minute))
	if err := os.Symlink(filepath.Join(tr.root, "dist", "logo.png"), filepath.Join(tr.root, "dist", "link.png")); err != nil {
		t.Fatal(err)
	}

	m, err := Measure(context.Background(), filepath.Join(tr.root, "dist"), "web/dist")
	if err != nil {
		t.Fatal(err)
	}
	jsGzip := gzipLen(t, app) + gzipLen(t, vendor)
	if m.Files != 7 || m.Bytes != int64(len(app)+len(vendor)+len(css)+90_000+15+40_000+1) {
		t.Errorf("files %d bytes %d", m.Files, m.Bytes)
	}
	if m.JSGzipBytes != jsGzip || m.GzipBytes != jsGzip+gzipLen(t, css) || m.JSBytes != int64(len(app)+len(vendor)) || m.MapBytes != 90_000 {
		t.Errorf("gzip %d js %d jsraw %d maps %d", m.GzipBytes, m.JSGzipBytes, m.JSBytes, m.MapBytes)
	}
	var largest []string
	for _, f := range m.Largest {
		largest = append(largest, f.Path)
	}
	if want := []string{"web/dist/assets/app.js.map", "web/dist/assets/app.js", "web/dist/logo.png", "web/dist/assets/vendor.mjs", "web/dist/assets/app.css"}; !reflect.DeepEqual(largest, want) {
		t.Errorf("largest %q", largest)
	}
	if m.Largest[1].Gzip != gzipLen(t, app) || m.Largest[0].Gzip != 0 {
		t.Errorf("per-file gzip %+v", m.Largest[:2])
	}
	if m.NewestFile != "web/dist/assets/vendor.mjs" || !m.Newest.Equal(base.Add(time.Minute)) {
		t.Errorf("newest %s %v", m.NewestFile, m.Newest)
	}
}

func TestOverBudget(t *testing.T) {
	for _, c := range []struct {
		name     string
		jsBytes  int
		findings []string
	}{
		{"under", 200_000, nil},
		{"over", 620_000, []string{"web/package.json:6 high bundle/over-budget"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			tr := newTree(t)
			tr.write("web/package.json", []byte(webManifest), base)
			tr.write("web/src/main.ts", []byte("console.log(1)\n"), base)
			js := incompressible(c.jsBytes, 2)
			tr.write("web/dist/assets/index.js", js, base.Add(time.Hour))
			r := tr.run("bundle:web")
			if r.Status != model.StatusOK || r.ExitCode != -1 {
				t.Fatalf("status %s error %q", r.Status, r.Error)
			}
			var got []string
			for _, f := range r.Findings {
				got = append(got, f.Location()+" "+f.Severity.String()+" "+f.Rule)
				if f.Collector != "bundle:web" || f.Domain != "performance" || f.ID == "" {
					t.Errorf("finding %+v", f)
				}
			}
			if !reflect.DeepEqual(got, c.findings) {
				t.Errorf("findings %q", got)
			}
			gz := gzipLen(t, js)
			want := map[string]float64{"bundle.bytes": float64(len(js)), "bundle.gzip_bytes": float64(gz), "bundle.js_gzip_bytes": float64(gz),
				"bundle.files": 1, "bundle.js_budget_bytes": 500_000}
			if !reflect.DeepEqual(r.Facts, want) {
				t.Errorf("facts %v, want %v", r.Facts, want)
			}
			if c.findings != nil {
				msg := r.Findings[0].Message
				if !strings.HasPrefix(msg, "JavaScript in web/dist is ") || !strings.Contains(msg, "gzipped, over the 500.0 kB budget by ") {
					t.Errorf("message %q", msg)
				}
			}
			if !strings.Contains(r.Output, "web/dist/assets/index.js (gzip ") || !strings.HasPrefix(r.Command, "measured web/dist ") {
				t.Errorf("command %q output:\n%s", r.Command, r.Output)
			}
			if _, ok := rules.NewCatalogue(AllRules()).Lookup(RuleOverBudget.ID); !ok {
				t.Error("rule not in the catalogue")
			}
		})
	}
}

func TestBudgetIsConfigurable(t *testing.T) {
	tr := newTree(t)
	tr.write("package.json", []byte(webManifest), base)
	tr.write("dist/a.js", incompressible(3000, 3), base)
	r := tr.collector("bundle:.").Run(context.Background(),
		collectors.Request{Root: tr.root, Budgets: collectors.Budgets{BundleJSGzipBytes: 1000}})
	if len(r.Findings) != 1 || r.Findings[0].File != "package.json" || r.Findings[0].Line != 6 || r.Facts["bundle.js_budget_bytes"] != 1000 {
		t.Fatalf("findings %+v facts %v", r.Findings, r.Facts)
	}
}

// Every chunk counts against the budget; the finding says how much of it
// the page loads when it opens (pocketbase: TinyMCE loads on demand).
func TestOverBudgetSaysWhatThePageLoads(t *testing.T) {
	tr := newTree(t)
	tr.write("package.json", []byte(webManifest), base)
	tr.write("dist/index.html", []byte(`<script type="module" src="./assets/index.js"></script>`), base)
	tr.write("dist/assets/index.js", incompressible(600, 3), base)
	tr.write("dist/libs/editor.min.js", incompressible(3000, 4), base)
	r := tr.collector("bundle:.").Run(context.Background(),
		collectors.Request{Root: tr.root, Budgets: collectors.Budgets{BundleJSGzipBytes: 1000}})
	entry := r.Facts["bundle.entry_js_gzip_bytes"]
	if len(r.Findings) != 1 || entry <= 0 || entry >= r.Facts["bundle.js_gzip_bytes"] {
		t.Fatalf("findings %+v facts %v", r.Findings, r.Facts)
	}
	if msg := r.Findings[0].Message; !strings.HasSuffix(msg, fmt.Sprintf(" (dist/index.html loads %s of it when it opens)", kB(int64(entry)))) {
		t.Errorf("message %q", msg)
	}
}

func TestStaleOutput(t *testing.T) {
	tr := newTree(t)
	tr.write("web/package.json", []byte(webManifest), base)
	tr.write("web/dist/index.js", []byte("console.log(1)"), base.Add(time.Hour))
	tr.write("web/src/old.ts", []byte("x"), base)
	// Newer files that are not sources of this build do not make it stale.
	later := base.Add(5 * time.Hour)
	tr.write("web/README.md", []byte("docs"), later)
	tr.write("web/node_modules/dep/index.js", []byte("x"), later)
	tr.write("web/.turbo/cache.json", []byte("x"), later)
	tr.write("web/tsconfig.tsbuildinfo", []byte("x"), later)
	tr.write("web/preflight.yaml", []byte("budgets: {bundle_size: 200KB}\n"), later)
	tr.write("web/nested/package.json", []byte(`{"name":"nested"}`), later)
	tr.write("web/nested/index.ts", []byte("x"), later)
	tr.write("web/.gitignore", []byte("dist\n"), later)
	tr.write("web/lib/db/migrations/0001_init.sql", []byte("CREATE TABLE t (id int);"), later)
	tr.write("web/components.json", []byte("{}"), later)
	tr.write("web/src/same-time.ts", []byte("x"), base.Add(time.Hour+500*time.Millisecond))
	if r := tr.run("bundle:web"); r.Status != model.StatusOK {
		t.Fatalf("fresh output: status %s error %q", r.Status, r.Error)
	}

	tr.write("web/src/app.ts", []byte("changed"), base.Add(4*time.Hour))
	r := tr.run("bundle:web")
	if r.Status != model.StatusUnknown || r.Error != "web/dist is 3h older than the sources it is built from (web/src/app.ts changed since)" ||
		r.Hint != "rebuild it: cd web && npm run build" {
		t.Fatalf("status %s error %q hint %q", r.Status, r.Error, r.Hint)
	}
	if r.Facts["bundle.bytes"] != 14 {
		t.Errorf("a stale measurement still reports its facts: %v", r.Facts)
	}
}

func TestNoBuildOutput(t *testing.T) {
	tr := newTree(t)
	tr.write("pnpm-lock.yaml", []byte("lockfileVersion: '9.0'\n"), base)
	tr.write("apps/web/package.json", []byte(webManifest), base)
	r := tr.run("bundle:web")
	if r.Status != model.StatusUnknown || r.Error != "no build output in apps/web (looked for .next/static, .svelte-kit/output/client, .output/public, public/build, dist, build, out): build the project to measure" ||
		r.Hint != "build the project to measure: cd apps/web && pnpm run build" || len(r.Facts) != 0 {
		t.Fatalf("status %s error %q hint %q facts %v", r.Status, r.Error, r.Hint, r.Facts)
	}
	// An empty output directory measures nothing either.
	if err := os.MkdirAll(filepath.Join(tr.root, "apps/web/dist"), 0o755); err != nil {
		t.Fatal(err)
	}
	r = tr.run("bundle:web")
	if r.Status != model.StatusUnknown || r.Error != "apps/web/dist is empty: build the project to measure" {
		t.Fatalf("empty: status %s error %q", r.Status, r.Error)
	}
}

func TestChoiceOfOutput(t *testing.T) {
	tr := newTree(t)
	tr.write("site/package.json", []byte(webManifest), base)
	tr.write("site/dist/old.js", []byte("old"), base)
	tr.write("site/build/new.js", []byte("new!"), base.Add(time.Hour))
	r := tr.run("bundle:site")
	if r.Facts["bundle.bytes"] != 4 || !strings.Contains(r.Output, "also present, not measured: site/dist") {
		t.Errorf("facts %v output:\n%s", r.Facts, r.Output)
	}
	// Next.js: the client assets, not the server code beside them, once
	// next build has finished (it writes BUILD_ID last): what a failed
	// build left is no build (create-t3-turbo, offline).
	tr.write("site/.next/static/chunks/main.js", []byte("client"), base)
	tr.write("site/.next/server/page.js", make([]byte, 5000), base.Add(2*time.Hour))
	r = tr.run("bundle:site")
	if r.Status != model.StatusUnknown || !strings.HasPrefix(r.Error, "site/.next has no BUILD_ID: the last next build did not finish") || len(r.Facts) != 0 {
		t.Errorf("failed next build: %s %q facts %v", r.Status, r.Error, r.Facts)
	}
	tr.write("site/.next/BUILD_ID", []byte("a1b2c3"), base.Add(2*time.Hour))
	r = tr.run("bundle:site")
	if r.Facts["bundle.bytes"] != 6 || !strings.HasPrefix(r.Command, "measured site/.next/static ") {
		t.Errorf("facts %v command %q", r.Facts, r.Command)
	}
	// SvelteKit: its client assets, whatever the adapter made of them
	// (adapter-node's build/ holds the server too).
	tr.write("kit/package.json", []byte(webManifest), base)
	tr.write("kit/.svelte-kit/output/client/_app/immutable/start.js", []byte("kit client"), base)
	tr.write("kit/build/server/index.js", make([]byte, 5000), base.Add(2*time.Hour))
	r = tr.run("bundle:kit")
	if r.Facts["bundle.bytes"] != 10 || !strings.HasPrefix(r.Command, "measured kit/.svelte-kit/output/client ") {
		t.Errorf("SvelteKit: facts %v command %q", r.Facts, r.Command)
	}
	// Astro with a server adapter, React Router, Remix: the client half of
	// an output that holds the server beside it.
	tr.write("astro/package.json", []byte(webManifest), base)
	tr.write("astro/dist/client/_astro/page.js", []byte("astro client"), base)
	tr.write("astro/dist/server/entry.mjs", make([]byte, 5000), base)
	r = tr.run("bundle:astro")
	if r.Facts["bundle.bytes"] != 12 || !strings.HasPrefix(r.Command, "measured astro/dist/client ") ||
		!strings.Contains(r.Output, "not measured: astro/dist/server (server code, which browsers do not download)") {
		t.Errorf("Astro server build: facts %v command %q output:\n%s", r.Facts, r.Command, r.Output)
	}
	// A static site's own client/ folder is a page of it, not a split.
	tr.write("static/package.json", []byte(webManifest), base)
	tr.write("static/dist/client/index.html", []byte("<p>"), base)
	tr.write("static/dist/app.js", []byte("static"), base)
	if r = tr.run("bundle:static"); r.Facts["bundle.bytes"] != 9 || !strings.HasPrefix(r.Command, "measured static/dist ") {
		t.Errorf("static site: facts %v command %q", r.Facts, r.Command)
	}
	// Remix's classic compiler: public/build for browsers, build/ the
	// server (indie-stack), newer or not.
	tr.write("remix/package.json", []byte(webManifest), base)
	tr.write("remix/public/build/entry.client-ABC.js", []byte("remix client"), base)
	tr.write("remix/build/index.js", make([]byte, 5000), base.Add(2*time.Hour))
	if r = tr.run("bundle:remix"); r.Facts["bundle.bytes"] != 12 || !strings.HasPrefix(r.Command, "measured remix/public/build ") {
		t.Errorf("Remix classic: facts %v command %q", r.Facts, r.Command)
	}
	// Nuxt (Nitro): .output/public, beside .output/server.
	tr.write("nuxt/package.json", []byte(webManifest), base)
	tr.write("nuxt/.output/public/_nuxt/entry.js", []byte("nuxt"), base)
	tr.write("nuxt/.output/server/index.mjs", make([]byte, 5000), base)
	if r = tr.run("bundle:nuxt"); r.Facts["bundle.bytes"] != 4 || !strings.HasPrefix(r.Command, "measured nuxt/.output/public ") {
		t.Errorf("Nuxt: facts %v command %q", r.Facts, r.Command)
	}
}

// An app's src/ may hold project templates it serves as data (an online
// editor's starter files): nothing installs or builds them.
func TestDetectLeavesOutTemplatesInAnAppsSources(t *testing.T) {
	tr := newTree(t)
	tr.write("package.json", viteApp("editor"), base)
	tr.write("src/lib/default_project_files/svelte/package.json", viteApp("starter"), base)
	tr.write("docs/package.json", viteApp("docs"), base)
	tr.detects("bundle:.", "bundle:docs")
}

func TestDetect(t *testing.T) {
	tr := newTree(t)
	tr.write("package.json", []byte(`{"name":"root","workspaces":["apps/*","packages/*"],"scripts":{"build":"turbo run build"}}`), base)
	tr.write("turbo.json", []byte(`{"tasks":{"build":{}}}`), base)
	tr.write("apps/web/package.json", []byte(webManifest), base)
	// A package's own turbo.json extends the root's: still an app.
	tr.write("apps/site/package.json", []byte(`{"name":"site","scripts":{"build":"next build"},"dependencies":{"next":"15.0.0"}}`), base)
	tr.write("apps/site/turbo.json", []byte(`{"extends":["//"],"tasks":{"build":{"outputs":[".next/**"]}}}`), base)
	// An app measured for its output alone.
	tr.write("apps/legacy/package.json", []byte(`{"name":"legacy","dependencies":{"react-scripts":"5.0.1"}}`), base)
	tr.write("apps/legacy/build/main.js", []byte("x"), base)
	// Servers and libraries ship no browser bundle.
	tr.write("apps/api/package.json", []byte(`{"name":"api","scripts":{"build":"tsc","start":"node dist/main.js"},"dependencies":{"express":"5.0.0"}}`), base)
	tr.write("apps/api/dist/main.js", []byte("x"), base)
	tr.write("apps/worker/package.json", []byte(`{"name":"worker","scripts":{"build":"esbuild src/main.ts --bundle --platform=node --outdir=dist"}}`), base)
	tr.write("packages/utils/package.json", []byte(`{"name":"utils"}`), base)
	tr.write("packages/ui/package.json", []byte(`{"scripts":{"build":"tsup"}}`), base)
	tr.write("packages/ui/dist/index.js", []byte("x"), base)
	tr.write("packages/broken/package.json", []byte(`{"scripts":`), base)
	tr.write("node_modules/x/package.json", []byte(webManifest), base)
	tr.write("apps/web/testdata/site/package.json", []byte(webManifest), base)
	var got []string
	for _, c := range Detect(tr.root, tr.files()) {
		got = append(got, c.ID()+" "+c.(*Package).Dir())
		if c.Kind() != "bundle" || c.Domain() != "performance" {
			t.Errorf("%s: kind %s domain %s", c.ID(), c.Kind(), c.Domain())
		}
	}
	want := []string{"bundle:legacy apps/legacy", "bundle:site apps/site", "bundle:web apps/web"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("detected %q, want %q", got, want)
	}
	c := tr.collector("bundle:legacy")
	if want := []string{"apps/legacy/**", "apps/legacy/.next/static/**", "apps/legacy/.svelte-kit/output/client/**", "apps/legacy/.output/public/**", "apps/legacy/public/build/**", "apps/legacy/dist/**", "apps/legacy/build/**", "apps/legacy/out/**"}; !reflect.DeepEqual(c.Inputs(), want) {
		t.Errorf("inputs %q", c.Inputs())
	}
	if want := []string{"apps/legacy/.next/static", "apps/legacy/.svelte-kit/output/client", "apps/legacy/.output/public", "apps/legacy/public/build", "apps/legacy/dist", "apps/legacy/build", "apps/legacy/out"}; !reflect.DeepEqual(collectors.OutputsOf(c), want) {
		t.Errorf("outputs %q", collectors.OutputsOf(c))
	}
	// A package measured for its output alone, once the output is gone.
	if err := os.RemoveAll(filepath.Join(tr.root, "apps/legacy/build")); err != nil {
		t.Fatal(err)
	}
	if r := c.Run(context.Background(), collectors.Request{Root: tr.root}); r.Status != model.StatusSkipped {
		t.Errorf("legacy without output: %s %q", r.Status, r.Error)
	}
	if err := os.Remove(filepath.Join(tr.root, "apps/legacy/package.json")); err != nil {
		t.Fatal(err)
	}
	if r := c.Run(context.Background(), collectors.Request{Root: tr.root}); r.Status != model.StatusSkipped || r.Error != "apps/legacy/package.json no longer exists" {
		t.Errorf("legacy removed: %s %q", r.Status, r.Error)
	}
}

func TestCancelled(t *testing.T) {
	tr := newTree(t)
	tr.write("package.json", []byte(webManifest), base)
	tr.write("dist/a.js", []byte("x"), base)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := tr.collector("bundle:.").Run(ctx, collectors.Request{Root: tr.root})
	if r.Status != model.StatusUnknown || r.Error != "measuring was cancelled" {
		t.Errorf("status %s error %q", r.Status, r.Error)
	}
}

func TestBuildCommandFollowsTheLockfile(t *testing.T) {
	cases := []struct {
		lock, dir, want string
	}{
		{"", ".", "npm run build"},
		{"yarn.lock", "web", "cd web && yarn build"},
		{"bun.lock", "a/b", "cd a/b && bun run build"},
		{"package-lock.json", "web", "cd web && npm run build"},
	}
	for _, c := range cases {
		tr := newTree(t)
		if c.lock != "" {
			tr.write(c.lock, nil, base)
		}
		if got := nodepkg.BuildLine(tr.root, c.dir); got != c.want {
			t.Errorf("%s in %s: %q", c.lock, c.dir, got)
		}
	}
}

func TestHumanizeAndKB(t *testing.T) {
	for d, want := range map[time.Duration]string{40 * time.Second: "40s", 12 * time.Minute: "12m", 3 * time.Hour: "3h", 72 * time.Hour: "3d"} {
		if got := reportfile.Human(d); got != want {
			t.Errorf("%v: %q", d, got)
		}
	}
	for n, want := range map[int64]string{999: "999 B", 1500: "1.5 kB", 500_000: "500.0 kB", 2_345_678: "2.35 MB"} {
		if got := kB(n); got != want {
			t.Errorf("%d: %q", n, got)
		}
	}
}

func FuzzParseManifest(f *testing.F) {
	f.Add([]byte(webManifest))
	f.Add([]byte(`{"scripts":{"build":"x"},"workspaces":{"packages":["a"]}}`))
	f.Add([]byte(`{"build": 1, "scripts": {"lint": "x", "build": "y"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := parseManifest(data)
		if err != nil {
			return
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		if m.buildLine < 0 || m.buildLine > lines || (m.buildLine > 0) != m.hasBuild() && m.buildLine > 0 {
			t.Fatalf("build line %d of %d, build script %q", m.buildLine, lines, m.Scripts["build"])
		}
	})
}

// listFiles lists a fixture's files, repository-relative, as detection gets them.
func listFiles(t *testing.T, root string) []string {
	return fixturetest.Files(t, root)
}

// In a pnpm workspace, libraries and a Nuxt module list Vite or Nuxt among
// their devDependencies (for tests, a playground) but build with tsc or
// nuxt-module-build, and a published library builds with vite build in
// library mode: only the private app that runs vite build ships a bundle.
func TestDetectLibrariesWithBrowserDevDependencies(t *testing.T) {
	root := fixturetest.Testdata(t, "pnpm-libraries")
	var got []string
	for _, c := range Detect(root, listFiles(t, root)) {
		got = append(got, c.ID()+" "+c.(*Package).Dir())
	}
	if want := []string{"bundle:app packages/app"}; !reflect.DeepEqual(got, want) {
		t.Errorf("detected %q, want %q", got, want)
	}
}

// A project template that a workspace member ships inside its sources (as
// pinia's online playground does) is not an app of the repository: pnpm
// neither installs nor builds it, and its build could never run.
func TestDetectLeavesOutATemplateInsideAMember(t *testing.T) {
	tr := newTree(t)
	tr.write("package.json", []byte(`{"private": true}`), base)
	tr.write("pnpm-workspace.yaml", []byte("packages:\n  - 'packages/*'\n"), base)
	tr.write("packages/web/package.json", viteApp("web"), base)
	tr.write("packages/web/src/download/template/package.json", viteApp("template"), base)
	tr.write("site/package.json", viteApp("site"), base)
	tr.detects("bundle:web", "bundle:site")
}

// A workspace root may be the app itself (Elk: `nuxt build` at the root,
// its docs site a pnpm workspace package): its build is measured; a root
// whose build only drives its packages (turbo, pnpm -r) is not.
func TestDetectAWorkspaceRootThatIsAnApp(t *testing.T) {
	tr := newTree(t)
	tr.write("package.json", []byte(`{"name":"elk","private":true,"scripts":{"build":"nuxt build"},"dependencies":{"nuxt":"4.4.2"}}`), base)
	tr.write("pnpm-workspace.yaml", []byte("packages:\n  - docs\n"), base)
	tr.write("docs/package.json", []byte(`{"name":"docs","private":true,"scripts":{"build":"nuxt build"},"dependencies":{"nuxt":"4.1.2"}}`), base)
	tr.detects("bundle:.", "bundle:docs")

	drives := newTree(t)
	drives.write("package.json", []byte(`{"name":"mono","private":true,"scripts":{"build":"pnpm -r build"},"devDependencies":{"vite":"6.0.0"}}`), base)
	drives.write("pnpm-workspace.yaml", []byte("packages:\n  - web\n"), base)
	drives.write("web/package.json", viteApp("web"), base)
	drives.detects("bundle:web")

	// umami: pnpm 10 keeps its settings in pnpm-workspace.yaml, and the
	// root is the only package: it builds itself (npm-run-all … next build).
	alone := newTree(t)
	alone.write("package.json", []byte(`{"name":"umami","private":true,"scripts":{"build":"npm-run-all build-db build-app","build-app":"next build"},"dependencies":{"next":"16.0.0"}}`), base)
	alone.write("pnpm-workspace.yaml", []byte("packages:\n  - '**'\nonlyBuiltDependencies:\n  - prisma\n"), base)
	alone.detects("bundle:.")
}

// Sample apps a project keeps under examples/ (or demo/, playground/ …)
// are not what it ships: a private one gets no budget until it has been
// built, so it does not sit unknown in the report forever. A public one,
// or one with a build output, is measured.
func TestDetectLeavesOutUnbuiltExampleApps(t *testing.T) {
	tr := newTree(t)
	tr.write("package.json", []byte(`{"private": true, "workspaces": ["packages/*", "examples/*"]}`), base)
	for _, dir := range []string{"packages/web", "examples/react", "examples/built", "packages/playground"} {
		tr.write(dir+"/package.json", viteApp(path.Base(dir)), base)
	}
	tr.write("examples/public/package.json", []byte(`{"name": "public", "scripts": {"build": "vite build"}, "devDependencies": {"vite": "7"}}`), base)
	tr.write("examples/built/dist/index.js", []byte("console.log(1)\n"), base)
	tr.detects("bundle:built", "bundle:public", "bundle:web")
}

// Vue CLI (webpack underneath), Rsbuild and Rspack apps ship browser
// bundles too.
func TestDetectOtherBrowserBuilds(t *testing.T) {
	tr := newTree(t)
	tr.write("web/package.json", []byte(`{"name": "web", "private": true, "scripts": {"build": "vue-cli-service build"}, "devDependencies": {"@vue/cli-service": "4.5.19"}}`), base)
	tr.write("rs/package.json", []byte(`{"name": "rs", "private": true, "scripts": {"build": "rsbuild build"}}`), base)
	tr.write("lib/package.json", []byte(`{"name": "lib", "scripts": {"build": "tsc -p ."}}`), base)
	tr.detects("bundle:rs", "bundle:web")
}

// excalidraw's shape: the app's build runs another script that runs vite
// build, with vite declared only at the workspace root (Yarn hoists it).
// A build that only calls scripts compiling a library is no app.
func TestDetectFollowsTheScriptsABuildRuns(t *testing.T) {
	tr := newTree(t)
	tr.write("package.json", []byte(`{"private": true, "workspaces": ["excalidraw-app", "packages/*"], "devDependencies": {"vite": "5.0.12"}, "scripts": {"build": "yarn --cwd ./excalidraw-app build"}}`), base)
	tr.write("excalidraw-app/package.json", []byte(`{"name": "excalidraw-app", "private": true, "scripts": {"build:app": "cross-env VITE_APP_GIT_SHA=x vite build", "build:version": "node ../scripts/build-version.js", "build": "yarn build:app && yarn build:version"}}`), base)
	tr.write("packages/common/package.json", []byte(`{"name": "common", "private": true, "scripts": {"build:esm": "tsc -p .", "build": "npm run build:esm"}}`), base)
	tr.write("packages/loop/package.json", []byte(`{"name": "loop", "private": true, "scripts": {"build": "pnpm run a", "a": "pnpm b", "b": "yarn run a"}}`), base)
	tr.detects("bundle:excalidraw-app")
}

// The build output is what is measured, and the ignore rules keep it out
// of every cache key: a measurement is never reused, or a rebuild (or a
// deleted output) would read as the old size.
func TestMeasurementsAreNotReused(t *testing.T) {
	root := t.TempDir()
	p := &Package{id: "bundle:.", dir: ".", root: root}
	results, err := cache.At(t.TempDir()).Results(root, []string{"package.json"}, "", "1.0")
	if err != nil {
		t.Fatal(err)
	}
	results.Put(p, model.Result{Collector: p.id, Status: model.StatusOK, Command: "measured dist", Facts: map[string]float64{"bundle.bytes": 27019}})
	if _, ok := results.Lookup(p); ok {
		t.Error("a bundle measurement was reused")
	}
}

// An Nx project bundles for browsers by its executor and the platform it
// is told: realworld's API (@nx/esbuild, "platform": "node") is a server.
func TestNxBuildsForBrowsers(t *testing.T) {
	api, err := os.ReadFile(filepath.Join("testdata", "nx", "realworld-api.project.json"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		project string
		want    bool
	}{
		{"realworld API", string(api), false},
		{"esbuild for browsers", `{"targets":{"build":{"executor":"@nx/esbuild:esbuild","options":{"platform":"browser"}}}}`, true},
		{"esbuild's default platform is node", `{"targets":{"build":{"executor":"@nx/esbuild:esbuild"}}}`, false},
		{"webpack's default target is the web", `{"targets":{"build":{"executor":"@nrwl/webpack:webpack"}}}`, true},
		{"webpack for node", `{"targets":{"build":{"executor":"@nx/webpack:webpack","options":{"target":"node"}}}}`, false},
		{"vite", `{"targets":{"build":{"executor":"@nx/vite:build"}}}`, true},
		{"a library", `{"targets":{"build":{"executor":"@nx/js:tsc"}}}`, false},
		{"not JSON", `{"targets":`, false},
	}
	for _, c := range cases {
		if got := nxBuildsForBrowsers([]byte(c.project)); got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}
