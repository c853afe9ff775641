package app

import (
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/demo"
	"github.com/preflight-dev/preflight/model"
)

// TestWatchRerunsWhatAnEditAffects opens a watch session on the demo, fixes
// the Go bug on disk, and waits for the snapshot in which the billing tests
// pass — while the TypeScript collectors, whose inputs did not change, are
// not rerun.
func TestWatchRerunsWhatAnEditAffects(t *testing.T) {
	fixturetest.RequireTools(t, "go")
	dir := t.TempDir()
	if err := demo.UnpackInto(dir); err != nil {
		t.Fatal(err)
	}
	// Keep the test to the Go collectors: the others have their own tests.
	for _, p := range []string{"packages", "tsconfig.json", "docker-compose.yml", ".github", "READINESS.md", "services/billing/Dockerfile"} {
		if err := os.RemoveAll(filepath.Join(dir, p)); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	s := watching(t, dir, WithTrust())

	s.engine.RunAll("start")
	first := waitFor(t, s, func(snap model.Snapshot) bool {
		st, ok := find(snap, "go-test:billing")
		build, built := find(snap, "go:billing")
		return ok && !st.Running && st.Status == model.StatusOK && st.Facts["tests.failed"] == 1 &&
			built && !build.Running && !build.FinishedAt.IsZero()
	})
	if !first.Watch.Active || first.Watch.Dirs == 0 {
		t.Errorf("watch state not reported: %+v", first.Watch)
	}
	buildBefore, _ := find(first, "go:billing")

	src := filepath.Join(dir, "services", "billing", "invoice.go")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	fixed := strings.Replace(string(data), "net*vatBasisPoints/1000", "net*vatBasisPoints/10000", 1)
	if fixed == string(data) {
		t.Fatal("the demo bug moved; update this test")
	}
	if err := os.WriteFile(src, []byte(fixed), 0o644); err != nil {
		t.Fatal(err)
	}
	// go:billing reads invoice.go too: it must rerun, but it may finish
	// before or after the tests do, so wait for both.
	after := waitFor(t, s, func(snap model.Snapshot) bool {
		st, ok := find(snap, "go-test:billing")
		build, built := find(snap, "go:billing")
		return ok && !st.Running && !st.Stale && st.Facts["tests.failed"] == 0 && st.Facts["tests.passed"] == 2 &&
			built && !build.Running && build.FinishedAt.After(buildBefore.FinishedAt)
	})
	st, _ := find(after, "go-test:billing")
	if st.Trigger != "services/billing/invoice.go" || after.LastTrigger != "services/billing/invoice.go" {
		t.Errorf("trigger = %q, last trigger = %q", st.Trigger, after.LastTrigger)
	}
	// GO, or CONDITIONAL when govulncheck cannot reach its database.
	if got := model.Assess(after).Verdict; got == model.NoGo {
		t.Errorf("verdict after the fix = %s (%v)", got, model.Assess(after).Reasons)
	}
	if buildAfter, _ := find(after, "go:billing"); buildAfter.Trigger != "services/billing/invoice.go" {
		t.Errorf("go:billing trigger = %q", buildAfter.Trigger)
	}
}

func find(s model.Snapshot, id string) (model.CollectorState, bool) {
	for _, c := range s.Collectors {
		if c.Collector == id {
			return c, true
		}
	}
	return model.CollectorState{}, false
}

func waitFor(t *testing.T, s *Session, ok func(model.Snapshot) bool) model.Snapshot {
	t.Helper()
	deadline := time.After(3 * time.Minute)
	var last model.Snapshot
	for {
		select {
		case snap := <-s.engine.Updates():
			last = snap
			if ok(snap) {
				return snap
			}
		case <-deadline:
			t.Fatalf("condition not reached; last snapshot: %+v", last.Collectors)
		}
	}
}

// TestWatchDetectsANewModule adds a Go module while watching and waits for
// its collectors to appear and run.
func TestWatchDetectsANewModule(t *testing.T) {
	fixturetest.RequireTools(t, "go")
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte("empty\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := watching(t, dir, WithTrust())
	for _, c := range s.engine.Snapshot().Collectors {
		if c.Kind != "secrets" { // every repository has the secrets scan
			t.Fatalf("%s detected in a repo without projects", c.Collector)
		}
	}
	mod := filepath.Join(dir, "svc")
	if err := os.MkdirAll(mod, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{
		"svc.go":      "package svc\n\nfunc One() int { return 1 }\n",
		"svc_test.go": "package svc\n\nimport \"testing\"\n\nfunc TestOne(t *testing.T) {\n\tif One() != 1 {\n\t\tt.Fatal(\"no\")\n\t}\n}\n",
		"go.mod":      "module example.com/svc\n\ngo 1.22\n",
	} {
		if err := os.WriteFile(filepath.Join(mod, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	snap := waitFor(t, s, func(snap model.Snapshot) bool {
		st, ok := find(snap, "go-test:svc")
		return ok && !st.Running && st.Status == model.StatusOK && st.Facts["tests.passed"] == 1
	})
	if _, ok := find(snap, "go:svc"); !ok {
		t.Error("go:svc not detected")
	}
}

// A repository with nothing to scan at start gets the secrets scan when its
// first .env.production appears, as check would.
func TestWatchScansTheFirstFileOfANewKind(t *testing.T) {
	// gitleaks on PATH would give every repository a secrets collector.
	t.Setenv("PATH", t.TempDir())
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte("empty\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := watching(t, dir)
	s.engine.RunAll("start")
	if n := len(s.engine.Snapshot().Collectors); n != 0 {
		t.Fatalf("%d collectors in a repository with nothing to check", n)
	}
	if err := os.WriteFile(filepath.Join(dir, ".env.production"), []byte("STRIPE_KEY=sk_live_4eC39HqLyjWDarjtT1zdp7dc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, s, func(snap model.Snapshot) bool {
		for _, c := range snap.Collectors {
			if c.Kind == "secrets" && !c.Running && c.Status == model.StatusOK && len(c.Findings) > 0 {
				return true
			}
		}
		return false
	})
}

// A build in another terminal writes the ignored output directory: the
// bundle collector measures again, with the output as its trigger.
func TestWatchMeasuresARebuild(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	for name, body := range map[string]string{
		"package.json":        `{"name":"web","private":true,"scripts":{"build":"vite build"},"dependencies":{"react":"18.3.1"}}`,
		"src/main.js":         "export const a = 1\n",
		"dist/index.html":     "<html></html>\n",
		"dist/assets/main.js": strings.Repeat("a", 1000),
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := watching(t, dir)
	s.engine.RunAll("start")
	waitFor(t, s, func(snap model.Snapshot) bool {
		st, ok := find(snap, "bundle:.")
		return ok && !st.Running && st.Facts["bundle.bytes"] > 1000
	})
	// A rebuild empties the output directory and writes it again.
	if err := os.RemoveAll(filepath.Join(dir, "dist")); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "dist", "assets"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "dist", "assets", "main.js"), []byte(strings.Repeat("b", 5000)), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, s, func(snap model.Snapshot) bool {
		st, ok := find(snap, "bundle:.")
		return ok && !st.Running && st.Facts["bundle.bytes"] == 5000 && st.Trigger == "dist"
	})
}
