package workflows

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/rules"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"
)

func TestDetect(t *testing.T) {
	files := []string{
		".github/workflows/ci.yml", ".github/workflows/release.yaml", ".github/workflows/README.md",
		".github/workflows/old/legacy.yml", ".github/actions/x/action.yml", ".gitlab-ci.yml", "src/.gitlab-ci.yml",
	}
	cs := Detect("/work/shop", files)
	if len(cs) != 2 {
		t.Fatalf("detected %d collectors", len(cs))
	}
	gh, gl := cs[0], cs[1]
	if gh.ID() != "github-actions:." || gh.Kind() != KindGitHub || gh.Domain() != "ci" {
		t.Errorf("github: %s %s %s", gh.ID(), gh.Kind(), gh.Domain())
	}
	if gl.ID() != "gitlab-ci:." || gl.Kind() != KindGitLab || gl.Domain() != "ci" {
		t.Errorf("gitlab: %s %s %s", gl.ID(), gl.Kind(), gl.Domain())
	}
	lockfiles := "**/{package-lock.json,npm-shrinkwrap.json,yarn.lock,pnpm-lock.yaml}"
	if want := []string{".github/workflows/*.{yml,yaml}", ".github/actionlint.{yml,yaml}",
		"**/action.{yml,yaml}", "**/package.json", "**/*.{sh,bash}", "**/{Makefile,makefile,GNUmakefile}", ".pre-commit-config.yaml", "**/.golangci.{yml,yaml,json}", lockfiles}; !reflect.DeepEqual(gh.Inputs(), want) {
		t.Errorf("inputs %q", gh.Inputs())
	}
	if got := Detect("/work/shop", []string{".github/workflows/README.md", "ci.yml", ".github/workflows/sub/x.yml"}); len(got) != 0 {
		t.Errorf("detected %d collectors without workflows", len(got))
	}
	// The GitLab collector watches the files its configuration includes,
	// and what its jobs may run.
	root := fixtureRoot(t, "gitlab", "good")
	cs = Detect(root, fixturetest.Files(t, root))
	if len(cs) != 1 || !reflect.DeepEqual(cs[0].Inputs(), []string{".gitlab-ci.yml", "ci/quality.yml", "**/package.json", "**/*.{sh,bash}", "**/{Makefile,makefile,GNUmakefile}", ".pre-commit-config.yaml", "**/.golangci.{yml,yaml,json}", lockfiles}) {
		t.Fatalf("gitlab inputs %q", cs[0].Inputs())
	}
}

func TestRunGitHubBadBuiltInRules(t *testing.T) {
	withoutActionlint(t)
	r := runFixture(t, KindGitHub, "github", "bad")
	if r.Status != model.StatusOK || r.ExitCode != -1 || r.Command != "parsed 1 workflow file (preflight built-in rules)" {
		t.Fatalf("status %s exit %d command %q error %q", r.Status, r.ExitCode, r.Command, r.Error)
	}
	want := []string{
		".github/workflows info workflow/no-security-scan",
		".github/workflows info workflow/no-test-stage",
		".github/workflows/triage.yml:12:15 low workflow/unpinned-action",
		".github/workflows/triage.yml:14:16 blocker workflow/pr-target-checkout",
		".github/workflows/triage.yml:15:15 low workflow/unpinned-action",
		".github/workflows/triage.yml:19:28 high workflow/script-injection",
		".github/workflows/triage.yml:20:24 high workflow/script-injection",
		".github/workflows/triage.yml:24:26 high workflow/script-injection",
		".github/workflows/triage.yml:27 low preflight/suppression-without-reason",
		".github/workflows/triage.yml:29:11 blocker workflow/pr-target-checkout",
		".github/workflows/triage.yml:36:11 low workflow/unpinned-action",
	}
	if got := located(r.Findings); !reflect.DeepEqual(got, want) {
		t.Errorf("findings:\n got %q\nwant %q", got, want)
	}
	ids := map[string]bool{}
	for _, f := range r.Findings {
		if f.Collector != "github-actions:." || f.Domain != "ci" || f.ID == "" || ids[f.ID] {
			t.Errorf("finding %+v", f)
		}
		ids[f.ID] = true
		if _, ok := rules.NewCatalogue(AllRules()).Lookup(f.Rule); !ok {
			t.Errorf("rule %s is not in the catalogue", f.Rule)
		}
	}
	// npm run build runs `tsc -p .`: it builds and type-checks.
	wantFacts := map[string]float64{"files": 1, "suppressed": 2, "stages.lint": 0, "stages.typecheck": 1, "stages.test": 0,
		"stages.build": 1, "stages.security_scan": 0, "stages.container_build": 0, "stages.deploy": 0}
	if !reflect.DeepEqual(r.Facts, wantFacts) {
		t.Errorf("facts %v", r.Facts)
	}
	// Reports carry where each stage was seen; a stage not seen has none.
	wantEvidence := []model.Evidence{
		{Fact: "stages.typecheck", File: ".github/workflows/triage.yml", Line: 16, Text: `npm run build runs tsc -p . (package.json, script "build")`},
		{Fact: "stages.build", File: ".github/workflows/triage.yml", Line: 16, Text: `npm run build runs tsc -p . (package.json, script "build")`},
	}
	if !reflect.DeepEqual(r.Evidence, wantEvidence) {
		t.Errorf("evidence %+v", r.Evidence)
	}
	for _, s := range []string{"build           .github/workflows/triage.yml:16  npm run build runs tsc -p . (package.json, script \"build\")", "test            —",
		"actionlint: not on PATH, only the built-in rules ran (" + ActionlintHint + ")"} {
		if !strings.Contains(r.Output, s) {
			t.Errorf("output lacks %q:\n%s", s, r.Output)
		}
	}
	if !strings.HasPrefix(r.Hint, "actionlint is not on PATH") || !strings.HasSuffix(r.Hint, ActionlintHint) {
		t.Errorf("hint %q does not say actionlint is missing", r.Hint)
	}
}

func TestRunGitHubHardenedIsClean(t *testing.T) {
	withoutActionlint(t)
	r := runFixture(t, KindGitHub, "github", "hardened")
	if r.Status != model.StatusOK || len(r.Findings) != 0 {
		t.Fatalf("status %s error %q findings %q", r.Status, r.Error, located(r.Findings))
	}
	for _, s := range AllStages {
		want := 1.0
		if s == Deploy {
			want = 0
		}
		if r.Facts["stages."+s.String()] != want {
			t.Errorf("stages.%s = %v", s, r.Facts["stages."+s.String()])
		}
	}
}

func TestRunGitHubBrokenYAML(t *testing.T) {
	withoutActionlint(t)
	r := runFixture(t, KindGitHub, "github", "broken")
	// The broken workflow is a blocker at its line; GitHub will not run
	// it, so its tests do not count, and the fine workflow's scan does.
	if r.Status != model.StatusOK || r.Error != "" {
		t.Fatalf("status %s error %q", r.Status, r.Error)
	}
	want := []string{
		".github/workflows high workflow/no-test-stage",
		".github/workflows/broken.yml:8:15 blocker workflow/invalid",
	}
	if got := located(r.Findings); !reflect.DeepEqual(got, want) {
		t.Fatalf("findings %q", got)
	}
	if m := r.Findings[1].Message; m != "sequence end token ']' not found (at: name: [unclosed)" {
		t.Errorf("message %q", m)
	}
	if r.Facts["stages.test"] != 0 || r.Facts["stages.security_scan"] != 1 {
		t.Errorf("facts %v", r.Facts)
	}
	if !strings.Contains(r.Output, "error: .github/workflows/broken.yml:8:15") {
		t.Errorf("output:\n%s", r.Output)
	}
}

func TestRunGitHubWithActionlint(t *testing.T) {
	requireActionlint(t)
	r := runFixture(t, KindGitHub, "github", "bad")
	if r.Status != model.StatusOK || r.ExitCode != 1 || r.Command != "actionlint -format '{{json .}}' .github/workflows/triage.yml" {
		t.Fatalf("status %s exit %d command %q error %q\n%s", r.Status, r.ExitCode, r.Command, r.Error, r.Output)
	}
	var theirs []string
	for _, f := range r.Findings {
		if strings.HasPrefix(f.Rule, "actionlint/") {
			theirs = append(theirs, located([]model.Finding{f})...)
		}
	}
	// The two untrusted-input findings are ours already; the runner label
	// is actionlint's alone.
	if want := []string{".github/workflows/triage.yml:40:14 medium actionlint/runner-label"}; !reflect.DeepEqual(theirs, want) {
		t.Errorf("actionlint findings %q", theirs)
	}
	if len(r.Findings) != 12 || r.Facts["actionlint.findings"] != 1 {
		t.Errorf("%d findings, facts %v", len(r.Findings), r.Facts)
	}
	if !strings.Contains(r.Output, "actionlint: exit 1, 3 findings (2 already reported by the built-in rules)") {
		t.Errorf("output:\n%s", r.Output)
	}

	clean := runFixture(t, KindGitHub, "github", "hardened")
	if clean.Status != model.StatusOK || clean.ExitCode != 0 || len(clean.Findings) != 0 || clean.Facts["actionlint.findings"] != 0 {
		t.Errorf("hardened with actionlint: status %s exit %d findings %q", clean.Status, clean.ExitCode, located(clean.Findings))
	}

	broken := runFixture(t, KindGitHub, "github", "broken")
	// actionlint's syntax error is the one already reported.
	if broken.Status != model.StatusOK || len(broken.Findings) != 2 || broken.Findings[1].Rule != RuleInvalid.ID {
		t.Errorf("broken with actionlint: status %s findings %q", broken.Status, located(broken.Findings))
	}
}

// With ShellCheck installed, actionlint checks run: scripts; what it says
// stands at the script's line and column, at ShellCheck's level.
func TestRunGitHubActionlintShellcheck(t *testing.T) {
	requireActionlint(t)
	fixturetest.RequireTools(t, "shellcheck")
	r := runFixture(t, KindGitHub, "github", "shellscript")
	want := []string{".github/workflows high workflow/no-security-scan", ".github/workflows/ci.yml:14:30 low actionlint/shellcheck", ".github/workflows/ci.yml:15:19 low actionlint/shellcheck",
		".github/workflows/ci.yml:16:9 low actionlint/shellcheck"}
	if got := located(r.Findings); r.Status != model.StatusOK || !reflect.DeepEqual(got, want) {
		t.Errorf("status %s findings %q, want %q\n%s", r.Status, got, want, r.Output)
	}
}

// fakeActionlint puts a shell script named actionlint first on PATH.
func fakeActionlint(t *testing.T, script string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "actionlint"), []byte("#!/bin/sh\n"+script+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
}

func TestRunGitHubActionlintFailures(t *testing.T) {
	cases := []struct {
		script, err string
	}{
		{"echo 'panic: boom' >&2; exit 2", "actionlint exited with status 2"},
		{"echo 'this is not JSON'; exit 1", "unreadable actionlint output: not actionlint JSON"},
		{"echo '[]'; exit 1", "actionlint exited with status 1 without reporting a finding"},
	}
	for _, c := range cases {
		t.Run(c.err, func(t *testing.T) {
			fakeActionlint(t, c.script)
			r := runFixture(t, KindGitHub, "github", "bad")
			if r.Status != model.StatusError || !strings.HasPrefix(r.Error, c.err) {
				t.Fatalf("status %s error %q", r.Status, r.Error)
			}
			// Our own evidence is kept: the findings of the built-in rules.
			if len(r.Findings) != 11 {
				t.Errorf("%d findings", len(r.Findings))
			}
		})
	}
	t.Run("cancelled", func(t *testing.T) {
		fakeActionlint(t, "sleep 5")
		root := fixtureRoot(t, "github", "bad")
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		r := Detect(root, fixturetest.Files(t, root))[0].Run(ctx, collectors.Request{Root: root})
		if r.Status != model.StatusUnknown || !strings.Contains(r.Error, "interrupted") {
			t.Errorf("status %s error %q", r.Status, r.Error)
		}
	})
}

func TestRunGitLab(t *testing.T) {
	good := runFixture(t, KindGitLab, "gitlab", "good")
	if good.Status != model.StatusOK || len(good.Findings) != 0 || good.Command != "parsed 2 GitLab CI files (preflight built-in rules)" ||
		good.Facts["stages.deploy"] != 1 || good.Facts["files"] != 2 {
		t.Errorf("good: status %s findings %q command %q facts %v", good.Status, located(good.Findings), good.Command, good.Facts)
	}
	if !strings.Contains(good.Output, "note: remote include https://example.com/shared/ci.yml is not followed") {
		t.Errorf("good output:\n%s", good.Output)
	}
	// The security scan is missing too, but suppressed with a reason
	// anywhere in the pipeline's files.
	bare := runFixture(t, KindGitLab, "gitlab", "bare")
	if got := located(bare.Findings); !reflect.DeepEqual(got, []string{".gitlab-ci.yml high workflow/no-test-stage"}) {
		t.Errorf("bare findings %q", got)
	}
	if bare.Facts["suppressed"] != 1 || bare.Facts["stages.container_build"] != 1 {
		t.Errorf("bare facts %v", bare.Facts)
	}
}

func TestRunAfterFilesAreGone(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{".github/workflows/ci.yml", ".gitlab-ci.yml"} {
		p := filepath.Join(root, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x: 1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cs := Detect(root, []string{".github/workflows/ci.yml", ".gitlab-ci.yml"})
	if err := os.RemoveAll(filepath.Join(root, ".github")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(root, ".gitlab-ci.yml")); err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if r := c.Run(context.Background(), collectors.Request{Root: root}); r.Status != model.StatusSkipped {
			t.Errorf("%s: status %s", c.ID(), r.Status)
		}
	}
}

// Invalid workflows beside valid ones (a YAML error, an empty file, one
// without jobs, a FIFO): each is a finding, and the valid one is checked.
func TestRunGitHubInvalidWorkflowsBesideValidOnes(t *testing.T) {
	withoutActionlint(t)
	r := runFixture(t, KindGitHub, "github", "mixed")
	if r.Status != model.StatusOK || r.Error != "" {
		t.Fatalf("status %s error %q", r.Status, r.Error)
	}
	want := []string{
		".github/workflows/deploy.yml:1:1 blocker workflow/invalid",
		".github/workflows/empty.yml blocker workflow/invalid",
		".github/workflows/lint.yml:8:8 blocker workflow/invalid",
	}
	if got := located(r.Findings); !reflect.DeepEqual(got, want) {
		t.Errorf("findings %q", got)
	}
	if r.Facts["stages.test"] != 1 || r.Facts["stages.security_scan"] != 1 || r.Facts["files"] != 4 {
		t.Errorf("facts %v", r.Facts)
	}

	root := t.TempDir()
	dir := filepath.Join(root, ".github", "workflows")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.yml"), 0o644); err != nil {
		t.Skip(err)
	}
	done := make(chan model.Result, 1)
	go func() {
		done <- Detect(root, []string{".github/workflows/fifo.yml"})[0].Run(context.Background(), collectors.Request{Root: root})
	}()
	select {
	case r := <-done:
		if got := located(r.Findings); len(got) != 1 || got[0] != ".github/workflows/fifo.yml high preflight/unreadable-file" {
			t.Errorf("fifo: findings %q", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a FIFO named like a workflow stalls the collector")
	}
}

// A missing stage belongs to the pipeline: adding a workflow that sorts
// before the others must not move it, or a change that only adds a
// workflow would show it as new (and as fixed at its old place).
func TestMissingStageKeepsItsFingerprintWhenAWorkflowIsAdded(t *testing.T) {
	withoutActionlint(t)
	root := t.TempDir()
	fixturetest.WriteFiles(t, root, map[string]string{
		".github/workflows/release.yml": "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make build\n",
	})
	run := func() map[string]string {
		t.Helper()
		ids := map[string]string{}
		for _, c := range Detect(root, fixturetest.Files(t, root)) {
			for _, f := range c.Run(context.Background(), collectors.Request{Root: root, Mode: collectors.OneShot}).Findings {
				if f.Rule == RuleNoTestStage.ID || f.Rule == RuleNoSecurityScan.ID {
					ids[f.Rule] = f.File + " " + f.ID
				}
			}
		}
		return ids
	}
	before := run()
	if len(before) != 2 {
		t.Fatalf("missing-stage findings before: %v", before)
	}
	fixturetest.WriteFiles(t, root, map[string]string{
		".github/workflows/another.yml": "on: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make lint\n",
	})
	if after := run(); !reflect.DeepEqual(after, before) {
		t.Errorf("after adding a workflow %v, before %v", after, before)
	}
}

// create-t3-app's shape: every job uses a composite action of the
// repository. Its steps run in the job: their unpinned actions are found
// at their lines in action.yml (once, however many jobs use it), a
// suppression there is honoured, its scripts count as stages, and a
// JavaScript action of the repository runs its own code, not read.
func TestRunGitHubReadsTheRepositorysCompositeActions(t *testing.T) {
	withoutActionlint(t)
	root := t.TempDir()
	pinned := "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683"
	fixturetest.WriteFiles(t, root, map[string]string{
		".github/workflows/ci.yml": "on: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: " + pinned + "\n      - uses: ./.github/actions/setup\n      - run: pnpm lint\n" +
			"  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: " + pinned + "\n      - uses: ./.github/actions/setup\n      - uses: ./.github/actions/js\n",
		".github/actions/setup/action.yml": "name: setup\nruns:\n  using: composite\n  steps:\n    - uses: pnpm/action-setup@v3\n" +
			"    - uses: actions/setup-node@v4 # preflight:ignore workflow/unpinned-action -- pinned by Renovate\n    - run: pnpm install && pnpm test\n      shell: bash\n",
		".github/actions/js/action.yml": "name: js\nruns:\n  using: node20\n  main: index.js\n",
		"package.json":                  `{"scripts": {"lint": "eslint .", "test": "vitest run"}}`,
	})
	var r model.Result
	for _, c := range Detect(root, fixturetest.Files(t, root)) {
		if c.Kind() == KindGitHub {
			r = c.Run(context.Background(), collectors.Request{Root: root, Mode: collectors.OneShot})
		}
	}
	var unpinned []string
	for _, f := range r.Findings {
		if f.Rule == RuleUnpinnedAction.ID {
			unpinned = append(unpinned, f.Location())
		}
	}
	if want := []string{".github/actions/setup/action.yml:5:13"}; !reflect.DeepEqual(unpinned, want) {
		t.Errorf("unpinned actions at %q, want %q", unpinned, want)
	}
	if r.Facts["files"] != 2 || r.Facts["suppressed"] != 1 || r.Facts["stages.test"] != 1 || r.Facts["stages.lint"] != 1 {
		t.Errorf("facts %v", r.Facts)
	}
	if !strings.Contains(r.Output, ".github/actions/setup/action.yml:7") {
		t.Errorf("the test stage is not evidenced in the action:\n%s", r.Output)
	}
}
