package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/app"
	"github.com/preflight-dev/preflight/internal/fixturetest"
)

// git runs git in dir with a fixed identity and no user configuration.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	return fixturetest.Git(t, dir, args...)
}

// fingerprintTree hashes every file of dir, .git included (the index, the
// refs, the stash), so a test can prove nothing was touched.
func fingerprintTree(t *testing.T, dir string, skip func(rel string) bool) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if skip(filepath.ToSlash(rel)) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		h.Write([]byte(rel + "\x00"))
		h.Write(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// baseRepo is a repository with history: main has one type error and one
// secret that stay, and one type error the branch fixes; the branch inserts
// lines above the old error, adds a type error and a secret. The user has
// a stash, a staged and an unstaged change in files no collector reads.
func baseRepo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	git(t, dir, "init", "-q", "-b", "main")
	fixturetest.WriteFiles(t, dir, map[string]string{
		"tsconfig.json":   `{"compilerOptions": {"strict": true, "noEmit": true}, "include": ["src"]}` + "\n",
		"src/old.ts":      "export const a: number = \"one\";\n",
		"src/fixme.ts":    "export const b: string = 2;\n",
		".env.production": "STRIPE_KEY=sk_live_4eC39HqLyjWDarjtT1zdp7dc\n",
		"notes.md":        "# notes\n",
		"todo.md":         "- one\n",
	})
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-q", "-m", "main")
	git(t, dir, "checkout", "-q", "-b", "feature")
	fixturetest.WriteFiles(t, dir, map[string]string{
		"src/old.ts":   "// a comment\n// another\n\nexport const a: number = \"one\";\n",
		"src/fixme.ts": "export const b: string = \"2\";\n",
		"src/new.ts":   "export const c: boolean = 1;\n",
		".env.staging": "GITHUB_TOKEN=ghp_Zq8vX2mN4pL6rT0yW3eK5uH7jB9cF1dA2sG4\n",
	})
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-q", "-m", "feature")
	fixturetest.WriteFiles(t, dir, map[string]string{"notes.md": "# notes\nstashed\n"})
	git(t, dir, "stash", "-q")
	fixturetest.WriteFiles(t, dir, map[string]string{"notes.md": "# notes\nstaged\n"})
	git(t, dir, "add", "notes.md")
	fixturetest.WriteFiles(t, dir, map[string]string{"todo.md": "- one\n- two, not staged\n"})
	return dir
}

type baseReport struct {
	Verdict string
	Base    *struct {
		Rev, Commit, Verdict string
		New, Fixed           int
	}
	Findings []struct {
		ID, Collector, Rule, File string
		Line                      int
		BaselineState             string `json:"baseline_state"`
	}
	Fixed *[]struct{ ID, Rule, File string }
}

func TestCheckBaseTellsNewFromUnchangedAndFixed(t *testing.T) {
	fixturetest.RequireTools(t, "git", "node", "tsc")
	dir := baseRepo(t)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	// Everything: .git/worktrees comes and goes with the temporary
	// worktree; the stash is refs/stash and its list .git/logs/refs/stash.
	skip := func(rel string) bool { return rel == ".git/worktrees" }
	before := fingerprintTree(t, dir, skip)
	statusBefore := git(t, dir, "status", "--porcelain")
	stashBefore := git(t, dir, "stash", "show", "-p", "stash@{0}")
	summary := filepath.Join(t.TempDir(), "summary.md")
	t.Setenv("GITHUB_STEP_SUMMARY", summary)
	reports := t.TempDir()

	code, out, stderr := run(t, false, "check", "--trust", "--base", "main", "--format", "json",
		"--format", "sarif", "--output", filepath.Join(reports, "r.sarif"),
		"--format", "text", "--output", filepath.Join(reports, "r.txt"), dir)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (a new blocker); stderr: %s", code, stderr)
	}
	var rep baseReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	mainCommit := strings.TrimSpace(git(t, dir, "rev-parse", "main"))
	if rep.Base == nil || rep.Base.Rev != "main" || rep.Base.Commit != mainCommit {
		t.Fatalf("base = %+v, want main at %s", rep.Base, mainCommit)
	}
	state := map[string]string{}
	for _, f := range rep.Findings {
		state[f.File+" "+f.Rule] = f.BaselineState
	}
	want := map[string]string{
		"src/old.ts TS2322": "unchanged", // three lines were inserted above it
		"src/new.ts TS2322": "new",
	}
	for k, v := range want {
		if state[k] != v {
			t.Errorf("%s: baseline_state %q, want %q (all: %v)", k, state[k], v, state)
		}
	}
	var secretStates []string
	for _, f := range rep.Findings {
		if strings.HasPrefix(f.File, ".env.") {
			secretStates = append(secretStates, f.File+" "+f.BaselineState)
		}
	}
	slices.Sort(secretStates)
	if !slices.Equal(secretStates, []string{".env.production unchanged", ".env.staging new"}) {
		t.Errorf("secrets: %v", secretStates)
	}
	if rep.Fixed == nil || len(*rep.Fixed) != 1 || (*rep.Fixed)[0].File != "src/fixme.ts" {
		t.Errorf("fixed = %+v, want the error of src/fixme.ts", rep.Fixed)
	}
	if rep.Base.New != 2 || rep.Base.Fixed != 1 || rep.Base.Verdict != "NO-GO" {
		t.Errorf("base summary = %+v", rep.Base)
	}

	// The other reports say the same: SARIF's baselineState, the text
	// report's summary line and marks, the step summary's heading.
	var sarif struct {
		Runs []struct {
			Results []struct {
				BaselineState string `json:"baselineState"`
			}
		}
	}
	if b, err := os.ReadFile(filepath.Join(reports, "r.sarif")); err != nil || json.Unmarshal(b, &sarif) != nil {
		t.Fatalf("sarif: %v\n%s", err, b)
	}
	states := map[string]int{}
	for _, r := range sarif.Runs {
		for _, res := range r.Results {
			states[res.BaselineState]++
		}
	}
	if states["new"] != 2 || states["unchanged"] != len(rep.Findings)-2 || len(states) != 2 {
		t.Errorf("SARIF baselineState counts %v, want 2 new and %d unchanged", states, len(rep.Findings)-2)
	}
	text, _ := os.ReadFile(filepath.Join(reports, "r.txt"))
	for _, want := range []string{
		"NO-GO  2 new, 1 fixed vs main (" + mainCommit[:12] + ")",
		"fixed TS2322 src/fixme.ts:1:",
		"src/new.ts:1:14  new Type 'number' is not assignable to type 'boolean'.",
		"src/old.ts:4:14  Type 'string'",
	} {
		if !strings.Contains(string(text), want) {
			t.Errorf("text report lacks %q:\n%s", want, text)
		}
	}
	if md, _ := os.ReadFile(summary); !strings.HasPrefix(string(md), "# 2 new, 1 fixed vs main") {
		t.Errorf("GITHUB_STEP_SUMMARY is not headed with the change:\n%.300s", md)
	}

	if after := fingerprintTree(t, dir, skip); after != before {
		t.Error("the repository (worktree, index, refs, logs or stash) changed")
	}
	if got := git(t, dir, "stash", "show", "-p", "stash@{0}"); got != stashBefore {
		t.Errorf("the stash changed:\n%s\nwas:\n%s", got, stashBefore)
	}
	if got := git(t, dir, "status", "--porcelain"); got != statusBefore {
		t.Errorf("git status changed:\n%s\nwas:\n%s", got, statusBefore)
	}
	if list := git(t, dir, "worktree", "list"); strings.Count(list, "\n") != 1 {
		t.Errorf("a temporary worktree was left:\n%s", list)
	}
	if stashes := git(t, dir, "stash", "list"); strings.Count(stashes, "\n") != 1 {
		t.Errorf("stash list: %q", stashes)
	}

	// The base's results are cached by commit: the same comparison again
	// checks nothing out.
	measured := app.BaseCheckouts()
	code, out2, stderr := run(t, false, "check", "--trust", "--base", "main", "--format", "json", dir)
	if code != 1 {
		t.Fatalf("second run: exit %d; %s", code, stderr)
	}
	if app.BaseCheckouts() != measured {
		t.Error("the second comparison with the same base checked it out again")
	}
	var rep2 baseReport
	if err := json.Unmarshal([]byte(out2), &rep2); err != nil {
		t.Fatal(err)
	}
	if rep2.Base == nil || rep2.Base.New != rep.Base.New || rep2.Base.Fixed != rep.Base.Fixed {
		t.Errorf("cached comparison differs: %+v vs %+v", rep2.Base, rep.Base)
	}
}

func TestCheckBaseGatesOnlyWhatTheChangeAdds(t *testing.T) {
	fixturetest.RequireTools(t, "git", "node", "tsc")
	dir := baseRepo(t)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	// A branch that only moves the old error down and fixes one: nothing
	// new, so the gate passes although the old blocker is still there.
	git(t, dir, "checkout", "-q", "-f", "main")
	git(t, dir, "checkout", "-q", "-b", "cleanup")
	fixturetest.WriteFiles(t, dir, map[string]string{
		"src/old.ts":   "\n\nexport const a: number = \"one\";\n",
		"src/fixme.ts": "export const b: string = \"2\";\n",
	})
	code, out, stderr := run(t, false, "check", "--trust", "--base", "main", "--format", "markdown", dir)
	if code != 0 {
		t.Fatalf("exit %d, want 0: the branch adds nothing; stderr: %s\n%s", code, stderr, out)
	}
	if !strings.HasPrefix(out, "# 0 new, 1 fixed vs main") {
		t.Errorf("markdown does not start with the change's summary:\n%s", out)
	}
	code, _, _ = run(t, false, "check", "--trust", "--base", "main", "--fail-on-all", dir)
	if code != 1 {
		t.Errorf("--fail-on-all: exit %d, want 1 (the old blocker is still open)", code)
	}
	code, _, stderr = run(t, false, "check", "--trust", "--base", "no-such-branch", dir)
	if code != exitUsage || !strings.Contains(stderr, "no-such-branch: no such revision") {
		t.Errorf("unknown base: exit %d, %s", code, stderr)
	}
}

func TestBaselineFileAcceptsTodaysFindings(t *testing.T) {
	fixturetest.RequireTools(t, "git", "node", "tsc")
	dir := baseRepo(t)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	code, out, stderr := run(t, false, "check", "--trust", "--baseline", dir)
	if code != exitUsage || !strings.Contains(stderr, "no .preflight/baseline.json") {
		t.Fatalf("no baseline yet: exit %d %s %s", code, out, stderr)
	}
	code, out, stderr = run(t, false, "baseline", "--trust", dir)
	if code != 0 || !strings.Contains(out, "wrote .preflight/baseline.json: 4 findings") {
		t.Fatalf("baseline: exit %d\n%s\n%s", code, out, stderr)
	}
	b, err := os.ReadFile(filepath.Join(dir, ".preflight", "baseline.json"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "sk_live") || strings.Contains(string(b), "ghp_") {
		t.Errorf("the baseline holds a secret value:\n%s", b)
	}
	if code, _, stderr = run(t, false, "baseline", "--trust", dir); code != exitUsage || !strings.Contains(stderr, "--update") {
		t.Errorf("baseline over an existing one: exit %d %s", code, stderr)
	}
	code, out, stderr = run(t, false, "check", "--trust", "--baseline", "--format", "json", dir)
	if code != 0 {
		t.Fatalf("every finding is in the baseline: exit %d\n%s", code, stderr)
	}
	var rep baseReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		if f.BaselineState != "unchanged" {
			t.Errorf("%s %s: %s", f.File, f.Rule, f.BaselineState)
		}
	}
	// A new error is new; fixing one lists it as fixed.
	fixturetest.WriteFiles(t, dir, map[string]string{
		"src/more.ts": "export const d: number = false;\n",
		"src/new.ts":  "export const c: boolean = true;\n",
	})
	code, out, _ = run(t, false, "check", "--trust", "--baseline", "--format", "json", dir)
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if code != 1 || rep.Base.New != 1 || rep.Base.Fixed != 1 {
		t.Errorf("exit %d, base %+v", code, rep.Base)
	}
	if err := os.WriteFile(filepath.Join(dir, ".preflight", "baseline.json"), []byte("{\n  \"schema\": 3\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr = run(t, false, "check", "--trust", "--baseline", dir); code != exitUsage || !strings.Contains(stderr, "baseline.json: 2:") {
		t.Errorf("malformed baseline: exit %d %s", code, stderr)
	}
}

func TestSecondCheckReusesResultsOfUnchangedInputs(t *testing.T) {
	fixturetest.RequireTools(t, "git", "node", "tsc")
	dir := baseRepo(t)
	cacheDir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	type rep struct {
		Collectors []struct {
			ID, Kind   string
			Cached     bool
			FinishedAt string `json:"finished_at"`
		}
		Findings []struct{ ID string }
	}
	check := func(extra ...string) rep {
		t.Helper()
		args := append([]string{"check", "--trust", "--cache-dir", cacheDir, "--format", "json", dir}, extra...)
		_, out, stderr := run(t, false, args...)
		var r rep
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("not JSON: %v\n%s\n%s", err, out, stderr)
		}
		return r
	}
	cached := func(r rep) map[string]bool {
		m := map[string]bool{}
		for _, c := range r.Collectors {
			m[c.Kind] = c.Cached
		}
		return m
	}
	first := check()
	for kind, c := range cached(first) {
		if c {
			t.Errorf("first run: %s cached", kind)
		}
	}
	second := check()
	for i, c := range second.Collectors {
		if !c.Cached || c.FinishedAt != first.Collectors[i].FinishedAt {
			t.Errorf("unchanged tree: %s cached=%v finished %s (first %s)", c.ID, c.Cached, c.FinishedAt, first.Collectors[i].FinishedAt)
		}
	}
	if len(second.Findings) != len(first.Findings) {
		t.Errorf("reused findings differ: %d vs %d", len(second.Findings), len(first.Findings))
	}
	if files, _ := filepath.Glob(filepath.Join(cacheDir, "*.json")); len(files) == 0 {
		t.Error("--cache-dir holds no cache")
	}
	// A secret file is an input of the secrets scanner only.
	fixturetest.WriteFiles(t, dir, map[string]string{".env.staging": "GITHUB_TOKEN=none\n"})
	third := cached(check())
	if !third["typescript"] || third["secrets"] {
		t.Errorf("after editing .env.staging: %v (want typescript reused, secrets rerun)", third)
	}
	fresh := check("--fresh")
	for _, c := range fresh.Collectors {
		if c.Cached {
			t.Errorf("--fresh reused %s", c.ID)
		}
	}
	// What --fresh measured is what the next check reuses.
	for i, c := range check().Collectors {
		if !c.Cached || c.FinishedAt != fresh.Collectors[i].FinishedAt {
			t.Errorf("after --fresh: %s cached=%v finished %s (--fresh finished %s)", c.ID, c.Cached, c.FinishedAt, fresh.Collectors[i].FinishedAt)
		}
	}
}

// CI keeps the cache in the checkout (--cache-dir .preflight-cache) to
// persist it: the cache is not an input of any check, or every run would
// change the next one's inputs and nothing that reads every file (the
// secrets scan) would ever be reused; nor is it a change since a base.
func TestCacheDirInsideTheRepositoryIsNoInput(t *testing.T) {
	fixturetest.RequireTools(t, "git")
	dir := t.TempDir()
	git(t, dir, "init", "-q", "-b", "main")
	fixturetest.WriteFiles(t, dir, map[string]string{
		".env.production": "STRIPE_KEY=sk_live_4eC39HqLyjWDarjtT1zdp7dc\n",
		"notes.md":        "# notes\n",
	})
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-q", "-m", "main")
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	type rep struct {
		Collectors []struct {
			ID     string
			Cached bool
			Facts  map[string]float64
			Error  string
		}
	}
	check := func(extra ...string) rep {
		t.Helper()
		args := append([]string{"check", "--cache-dir", filepath.Join(dir, ".preflight-cache"), "--format", "json", dir}, extra...)
		_, out, stderr := run(t, false, args...)
		var r rep
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("not JSON: %v\n%s\n%s", err, out, stderr)
		}
		return r
	}
	secrets := func(r rep) (cached bool, files float64, status string) {
		for _, c := range r.Collectors {
			if c.ID == "secrets:." {
				return c.Cached, c.Facts["files"], c.Error
			}
		}
		t.Fatalf("no secrets collector: %+v", r)
		return
	}
	c, scanned, _ := secrets(check())
	if c || scanned < 1 {
		t.Fatalf("first run: cached %v, %v files scanned", c, scanned)
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, ".preflight-cache")); len(entries) == 0 {
		t.Fatal("the cache is not in the repository")
	}
	if c, files, _ := secrets(check()); !c || files != scanned {
		t.Errorf("second run on an unchanged tree: secrets cached %v, %v files (want reused, %v files)", c, files, scanned)
	}
	if c, _, why := secrets(check("--changed-since", "main")); c || !strings.Contains(why, "not run: none of its inputs changed") {
		t.Errorf("--changed-since main with only the cache new: secrets cached %v, %q (want not run)", c, why)
	}
}

// Files that //go:embed lines name are compiled in: a check after one
// changed runs go again instead of reusing the result, whether git tracks
// the file (a schema a test reads) or ignores it (gotify's UI build, which
// `//go:embed build/*` needs to compile at all).
func TestEmbeddedFilesChangeGoResults(t *testing.T) {
	fixturetest.RequireTools(t, "git", "go")
	dir := t.TempDir()
	git(t, dir, "init", "-q", "-b", "main")
	fixturetest.WriteFiles(t, dir, map[string]string{
		".gitignore":       "ui/build/\n",
		"go.mod":           "module example.com/embedded\n\ngo 1.22\n",
		"ui/serve.go":      "package ui\n\nimport \"embed\"\n\n//go:embed build/*\nvar Build embed.FS\n",
		"store/store.go":   "package store\n\nimport _ \"embed\"\n\n//go:embed schema.sql\nvar Schema string\n",
		"store/schema.sql": "CREATE TABLE users (id INT);\n",
		"store/store_test.go": "package store\n\nimport (\n\t\"os\"\n\t\"strings\"\n\t\"testing\"\n)\n\n" +
			"func TestSchemaHasUsers(t *testing.T) {\n\tif !strings.Contains(Schema, \"users\") {\n\t\tt.Fatal(\"no users table\")\n\t}\n}\n\n" +
			"func TestAsset(t *testing.T) {\n\tif b, _ := os.ReadFile(\"../assets/greeting.txt\"); string(b) != \"hello\\n\" {\n\t\tt.Fatalf(\"%q\", b)\n\t}\n}\n",
		"assets/greeting.txt": "hello\n",
	})
	cacheDir := t.TempDir()
	type result struct {
		ID     string
		Cached bool
		Facts  map[string]float64
	}
	check := func() map[string]result {
		t.Helper()
		_, out, stderr := run(t, false, "check", "--trust", "--cache-dir", cacheDir, "--format", "json", dir)
		var rep struct{ Collectors []result }
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("not JSON: %v\n%s\n%s", err, out, stderr)
		}
		m := map[string]result{}
		for _, c := range rep.Collectors {
			m[c.ID] = c
		}
		return m
	}
	if r := check()["go:."]; r.Facts["build.errors"] != 1 {
		t.Fatalf("without ui/build: %+v", r)
	}
	fixturetest.WriteFiles(t, dir, map[string]string{"ui/build/index.html": "<html/>"})
	r := check()
	if b := r["go:."]; b.Cached || b.Facts["build.errors"] != 0 {
		t.Errorf("after the UI build: %+v", b)
	}
	if tr := r["go-test:."]; tr.Cached || tr.Facts["tests.passed"] != 2 {
		t.Errorf("after the UI build: %+v", tr)
	}
	fixturetest.WriteFiles(t, dir, map[string]string{"store/schema.sql": "CREATE TABLE accounts (id INT);\n"})
	if tr := check()["go-test:."]; tr.Cached || tr.Facts["tests.failed"] != 1 {
		t.Errorf("after the schema changed: %+v", tr)
	}
	// A file a test opens, outside testdata/, is an input of the tests.
	fixturetest.WriteFiles(t, dir, map[string]string{"store/schema.sql": "CREATE TABLE users (id INT);\n"})
	if tr := check()["go-test:."]; tr.Facts["tests.passed"] != 2 {
		t.Fatalf("after the schema was restored: %+v", tr)
	}
	fixturetest.WriteFiles(t, dir, map[string]string{"assets/greeting.txt": "bye\n"})
	if tr := check()["go-test:."]; tr.Cached || tr.Facts["tests.failed"] != 1 || tr.Facts["tests.passed"] != 1 {
		t.Errorf("after the asset changed: %+v", tr)
	}
}
