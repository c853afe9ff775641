package packagejson

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"
)

func fixture(t *testing.T) (root string, files []string) {
	t.Helper()
	root = fixturetest.Testdata(t, "workspace")
	files = fixturetest.Files(t, root)
	return root, files
}

func TestDetectTakesEveryManifestOutsideDependencies(t *testing.T) {
	root, files := fixture(t)
	files = append(files, "node_modules/left-pad/package.json", "vendor/x/package.json")
	cs := Detect(root, files)
	if len(cs) != 1 || cs[0].ID() != "package-json:." || cs[0].Domain() != "build" {
		t.Fatalf("detected %v", cs)
	}
	want := []string{"package.json", "packages/commented/package.json", "packages/trailing-comma/package.json",
		"packages/truncated/package.json", "packages/web/package.json"}
	if got := cs[0].(*Collector).Manifests(); !reflect.DeepEqual(got, want) {
		t.Errorf("manifests %q", got)
	}
	if !collectors.MatchesInputs(cs[0].Inputs(), "packages/web/package.json") {
		t.Errorf("inputs %q miss a member's manifest", cs[0].Inputs())
	}
	if got := Detect(root, []string{"src/index.ts", "node_modules/a/package.json"}); len(got) != 0 {
		t.Errorf("no manifest of its own, yet detected %v", got)
	}
}

// Each manifest npm refuses is a blocker where the parser stopped; the
// valid ones beside them are read, and the collector is ok.
func TestRunFindsEachRefusedManifestAndReadsTheRest(t *testing.T) {
	root, files := fixture(t)
	c := Detect(root, files)[0]
	r := c.Run(context.Background(), collectors.Request{Root: root})
	if r.Status != model.StatusOK || r.Error != "" {
		t.Fatalf("status %s %q", r.Status, r.Error)
	}
	var got []string
	for _, f := range r.Findings {
		got = append(got, f.Severity.String()+" "+f.Rule+" "+f.Location())
		if f.Collector != "package-json:." || f.ID == "" || !strings.HasPrefix(f.Message, "npm refuses this package.json: ") {
			t.Errorf("finding %+v", f)
		}
	}
	want := []string{
		"blocker package-json/invalid packages/commented/package.json:3:3",
		"blocker package-json/invalid packages/trailing-comma/package.json:5:1",
		"blocker package-json/invalid packages/truncated/package.json:4:39",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("findings\n got %q\nwant %q", got, want)
	}
	if msg := r.Findings[1].Message; msg != "npm refuses this package.json: not valid JSON: invalid character '}' looking for beginning of object key string (at: })" {
		t.Errorf("message %q", msg)
	}
	if r.Facts["manifests"] != 5 || r.Facts["invalid"] != 3 {
		t.Errorf("facts %v", r.Facts)
	}
	if !strings.Contains(r.Output, "packages/truncated/package.json:4:39: ") || r.Command != "parsed 5 package.json files (preflight built-in rules)" {
		t.Errorf("evidence %q / %q", r.Command, r.Output)
	}
}

func TestRunOnValidManifestsIsClean(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "package.json"), []byte("\uFEFF{\"name\": 1, \"scripts\": []}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := Detect(root, []string{"package.json"})[0].Run(context.Background(), collectors.Request{Root: root})
	if r.Status != model.StatusOK || len(r.Findings) != 0 || r.Facts["manifests"] != 1 || r.Facts["invalid"] != 0 {
		t.Errorf("%+v", r)
	}
}

// A manifest that is a link out of the repository is not read, and says so.
func TestRunReportsAManifestItMayNotRead(t *testing.T) {
	root := t.TempDir()
	outside := filepath.Join(t.TempDir(), "package.json")
	if err := os.WriteFile(outside, []byte(`{}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "package.json")); err != nil {
		t.Fatal(err)
	}
	r := Detect(root, []string{"package.json"})[0].Run(context.Background(), collectors.Request{Root: root})
	if r.Status != model.StatusOK || len(r.Findings) != 1 || r.Findings[0].Rule != "preflight/unreadable-file" {
		t.Errorf("%+v", r)
	}
}

// npm itself refuses exactly the manifests the collector reports: each is
// copied alone into a directory and read with `npm pkg get name`.
func TestNpmRefusesWhatTheCollectorReports(t *testing.T) {
	fixturetest.RequireTools(t, "npm")
	root, files := fixture(t)
	c := Detect(root, files)[0].(*Collector)
	r := c.Run(context.Background(), collectors.Request{Root: root})
	reported := map[string]bool{}
	for _, f := range r.Findings {
		reported[f.File] = true
	}
	for _, m := range c.Manifests() {
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(m)))
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "package.json"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("npm", "pkg", "get", "name")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "npm_config_cache="+t.TempDir(), "npm_config_update_notifier=false")
		out, err := cmd.CombinedOutput()
		refused := err != nil
		if refused != reported[m] {
			t.Errorf("%s: npm refused it: %v, preflight reported it: %v\n%s", m, refused, reported[m], out)
		}
		if refused && !strings.Contains(string(out), "EJSONPARSE") {
			t.Errorf("%s: npm failed for another reason:\n%s", m, out)
		}
	}
}

// A pnpm-workspace.yaml pnpm refuses is a blocker beside the package.json
// it belongs to. pnpm 9.15 says "unexpected end of the stream within a
// single quoted scalar (4:1)"; the finding is where the quote opens.
func TestRefusedPnpmWorkspaceIsAFinding(t *testing.T) {
	root := fixturetest.Testdata(t, "pnpm")
	cs := Detect(root, []string{"package.json", "pnpm-workspace.yaml", "node_modules/x/pnpm-workspace.yaml"})
	if len(cs) != 1 || !collectors.MatchesInputs(cs[0].Inputs(), "pnpm-workspace.yaml") {
		t.Fatalf("detected %v", cs)
	}
	r := cs[0].Run(context.Background(), collectors.Request{Root: root})
	if r.Status != model.StatusOK || len(r.Findings) != 1 || r.Facts["invalid"] != 1 || r.Command != "parsed 1 package.json file and 1 pnpm-workspace.yaml (preflight built-in rules)" {
		t.Fatalf("status %s, facts %v, command %q, findings %+v", r.Status, r.Facts, r.Command, r.Findings)
	}
	f := r.Findings[0]
	if f.Rule != RuleInvalidWorkspace.ID || f.Severity != model.Blocker || f.File != "pnpm-workspace.yaml" || f.Line != 2 || f.Column != 5 ||
		!strings.HasPrefix(f.Message, "pnpm refuses this pnpm-workspace.yaml: ") {
		t.Errorf("finding %+v", f)
	}
}

func runTypes(t *testing.T) (string, model.Result) {
	t.Helper()
	root := fixturetest.Testdata(t, "types")
	var files []string
	for _, d := range []string{"dep-array", "deps", "fine", "script", "scripts", "workspaces"} {
		files = append(files, d+"/package.json")
	}
	return root, Detect(root, files)[0].Run(context.Background(), collectors.Request{Root: root})
}

// A field npm does not take for its type is a finding at its key: a blocker
// when npm install fails on it, high when npm leaves it out.
func TestFieldsOfTheWrongType(t *testing.T) {
	_, r := runTypes(t)
	var got []string
	for _, f := range r.Findings {
		got = append(got, f.Severity.String()+" "+f.Rule+" "+f.Location()+" "+f.Message)
	}
	want := []string{
		"blocker package-json/invalid dep-array/package.json:3:3 npm install fails: devDependencies is an array, not an object of package versions",
		"blocker package-json/invalid deps/package.json:5:5 npm install fails (must provide string spec): dependencies.right-pad is a number, not a version",
		"high package-json/ignored-field script/package.json:5:5 npm ignores scripts.test: it is a number, not a command; `npm run test` says the script is missing",
		"high package-json/ignored-field scripts/package.json:3:3 npm ignores scripts: it is an array, not an object; no script runs",
		"blocker package-json/invalid workspaces/package.json:4:3 npm refuses workspaces (EWORKSPACESCONFIG): it is a string, not an array of globs",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("findings\n got %q\nwant %q", got, want)
	}
	if r.Facts["invalid"] != 3 || r.Facts["manifests"] != 6 {
		t.Errorf("facts %v", r.Facts)
	}
}

// npm 11 fails to install exactly the manifests reported as blockers, and
// says a script of the wrong type is missing.
func TestNpmFailsOnTheFieldsReportedAsBlockers(t *testing.T) {
	fixturetest.RequireTools(t, "npm")
	root, r := runTypes(t)
	blocked := map[string]bool{}
	for _, f := range r.Findings {
		if f.Severity == model.Blocker {
			blocked[filepath.Dir(f.File)] = true
		}
	}
	npm := func(dir string, args ...string) (string, error) {
		cmd := exec.Command("npm", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "npm_config_cache="+t.TempDir(), "npm_config_update_notifier=false")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	for _, d := range []string{"dep-array", "deps", "fine", "script", "scripts", "workspaces"} {
		data, err := os.ReadFile(filepath.Join(root, d, "package.json"))
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "package.json"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := npm(dir, "install", "--package-lock-only", "--offline", "--ignore-scripts", "--no-audit", "--no-fund")
		if (err != nil) != blocked[d] {
			t.Errorf("%s: npm install failed: %v, preflight reported a blocker: %v\n%s", d, err != nil, blocked[d], out)
		}
		if d == "script" {
			if out, err := npm(dir, "run", "test"); err == nil || !strings.Contains(out, `Missing script: "test"`) {
				t.Errorf("npm run test on a numeric script: %v\n%s", err, out)
			}
		}
	}
}
