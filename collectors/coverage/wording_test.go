package coverage

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"
)

// What a result says, to the byte: the command, the output, the error and
// the hint of a fresh, a stale and an unreadable report of each kind.
func TestResultWording(t *testing.T) {
	root := filepath.Join(t.TempDir(), "repo")
	fixturetest.WriteFiles(t, root, map[string]string{
		"package.json":       `{}`,
		"coverage/lcov.info": string(captured(t, "web-lcov.info")),
		"src/price.js":       "// fixture\n",
		"svc/go.mod":         "module example.com/svc\n",
		"svc/a.go":           "package svc\n",
		"svc/sub/b.go":       "package sub\n",
		// A profile below its module: the go.mod is found above it.
		"svc/sub/cover.out": "mode: set\nexample.com/svc/sub/b.go:1.1,2.2 2 1\nexample.com/svc/a.go:1.1,2.2 2 0\n",
	})
	now := time.Now()
	for _, f := range []string{"package.json", "src/price.js", "svc/go.mod", "svc/a.go", "svc/sub/b.go"} {
		touch(t, filepath.Join(root, filepath.FromSlash(f)), now.Add(-3*time.Hour))
	}
	for _, f := range []string{"coverage/lcov.info", "svc/sub/cover.out"} {
		touch(t, filepath.Join(root, filepath.FromSlash(f)), now.Add(-2*time.Hour-10*time.Minute))
	}
	type wording struct{ Status, Command, Output, Error, Hint string }
	got := func(r model.Result) wording {
		return wording{string(r.Status), r.Command, r.Output, r.Error, r.Hint}
	}

	lcov := &Collector{id: "coverage:.", report: "coverage/lcov.info", format: Lcov, owner: ".", Threshold: DefaultThreshold}
	profile := &Collector{id: "coverage:svc/sub", report: "svc/sub/cover.out", format: GoProfile, owner: "svc/sub", Threshold: DefaultThreshold}
	fresh := map[*Collector]wording{
		lcov: {"ok", "read coverage/lcov.info (lcov, written 2h ago)",
			"lines 1/14 covered (7.14%) in 1 files; threshold 60%", "", ""},
		profile: {"ok", "read svc/sub/cover.out (go-coverprofile, written 2h ago)",
			"lines 2/4 covered (50.00%) in 2 files; threshold 60%", "", ""},
	}
	for c, want := range fresh {
		r := run(c, root)
		if g := got(r); !reflect.DeepEqual(g, want) {
			t.Errorf("%s fresh:\n got %+v\nwant %+v", c.id, g, want)
		}
		if r.Facts["report.age_seconds"] < 7800 || r.Facts["report.age_seconds"] > 7900 {
			t.Errorf("%s age %v", c.id, r.Facts["report.age_seconds"])
		}
	}
	if r := run(lcov, root); len(r.Findings) != 1 || r.Findings[0].Message != "line coverage is 7.1% (1 of 14 lines), below the 60% threshold" {
		t.Errorf("finding %+v", r.Findings)
	}

	// The sources the reports name change after them.
	touch(t, filepath.Join(root, "src", "price.js"), now)
	touch(t, filepath.Join(root, "svc", "a.go"), now.Add(-time.Hour))
	stale := map[*Collector]wording{
		lcov: {"unknown", "read coverage/lcov.info (lcov, written 2h ago)",
			"lines 1/14 covered (7.14%) in 1 files; threshold 60%",
			"the coverage report is 2h older than the sources it covers (newest: src/price.js)",
			"regenerate it: run the tests with coverage (vitest run --coverage, jest --coverage) in the repository root"},
		profile: {"unknown", "read svc/sub/cover.out (go-coverprofile, written 2h ago)",
			"lines 2/4 covered (50.00%) in 2 files; threshold 60%",
			"the coverage report is 1h older than the sources it covers (newest: svc/a.go)",
			"regenerate it: go test -coverprofile=cover.out ./... in svc/sub"},
	}
	for c, want := range stale {
		if g := got(run(c, root)); !reflect.DeepEqual(g, want) {
			t.Errorf("%s stale:\n got %+v\nwant %+v", c.id, g, want)
		}
	}

	// A report that leads out of the repository is not read; one whose
	// link leads nowhere is gone.
	outside := filepath.Join(t.TempDir(), "lcov.info")
	if err := os.WriteFile(outside, captured(t, "web-lcov.info"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(root, "coverage", "lcov.info")
	if err := os.Remove(link); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, link); err != nil {
		t.Fatal(err)
	}
	want := wording{Status: "error", Error: "cannot read coverage/lcov.info: read " + link + ": leads outside the repository"}
	if g := got(run(lcov, root)); !reflect.DeepEqual(g, want) {
		t.Errorf("outside:\n got %+v\nwant %+v", g, want)
	}
	if err := os.Remove(outside); err != nil {
		t.Fatal(err)
	}
	want = wording{Status: "unknown", Error: "the coverage report coverage/lcov.info no longer exists",
		Hint: "regenerate it: run the tests with coverage (vitest run --coverage, jest --coverage) in the repository root"}
	if g := got(run(lcov, root)); !reflect.DeepEqual(g, want) {
		t.Errorf("dangling:\n got %+v\nwant %+v", g, want)
	}
}
