package workflows

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"
)

// branchTree is a tree whose checkout has the given branches.
type branchTree struct {
	mapTree
	b  Branches
	ok bool
}

func (t branchTree) Branches() (Branches, bool) { return t.b, t.ok }

func onMain(names ...string) branchTree {
	b := Branches{Default: "main", Names: map[string]bool{}}
	for _, n := range append(names, "main") {
		b.Names[n] = true
	}
	return branchTree{mapTree: mapTree{}, b: b, ok: true}
}

const testJob = "jobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: go test ./...\n"

func TestStaleBranchFilter(t *testing.T) {
	for _, tc := range []struct {
		name, on string
		tree     branchTree
		stale    string // the finding's location and message tail; "" when the workflow runs
	}{
		{"master only, the branch is main", "on:\n  push:\n    branches: [master]\n  pull_request:\n    branches: [master]\n", onMain(),
			"w.yml:3:5 its triggers (push, pull_request) wait for branch master, which this repository does not have (its default branch is main); it holds the pipeline's only test stage (.github/workflows/w.yml:10: go test ./...): none of it runs"},
		{"two names, neither there", "on:\n  push:\n    branches:\n      - master\n      - develop\n", onMain(),
			"w.yml:3:5 its triggers (push) wait for branches master, develop, which this repository does not have (its default branch is main); it holds the pipeline's only test stage (.github/workflows/w.yml:10: go test ./...): none of it runs"},
		{"the branch is there", "on:\n  push:\n    branches: [main]\n", onMain(), ""},
		{"a remote's branch counts", "on:\n  push:\n    branches: [develop]\n", onMain("develop"), ""},
		{"one name is there", "on:\n  push:\n    branches: [master, main]\n", onMain(), ""},
		{"a pattern waits for branches to come", "on:\n  push:\n    branches: ['release/**']\n", onMain(), ""},
		{"tags run it", "on:\n  push:\n    branches: [master]\n    tags: ['v*']\n", onMain(), ""},
		{"another event runs it", "on:\n  push:\n    branches: [master]\n  workflow_dispatch:\n", onMain(), ""},
		{"an event without a filter runs it", "on:\n  push:\n    branches: [master]\n  pull_request:\n", onMain(), ""},
		{"exclusions run it", "on:\n  push:\n    branches-ignore: [master]\n", onMain(), ""},
		{"no filter", "on: [push, pull_request]\n", onMain(), ""},
		{"branches unknown (a CI clone)", "on:\n  push:\n    branches: [master]\n", branchTree{mapTree: mapTree{}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := AnalyzeGitHubIn([]Source{{Path: ".github/workflows/w.yml", Data: []byte(tc.on + testJob)}}, tc.tree)
			var got string
			for _, f := range p.Findings {
				if f.Rule == RuleStaleBranchFilter.ID {
					got = strings.TrimPrefix(f.Location(), ".github/workflows/") + " " + strings.TrimPrefix(f.Message, "this workflow never runs: ")
				}
			}
			if got != tc.stale {
				t.Errorf("finding %q, want %q", got, tc.stale)
			}
			// A workflow that never runs tests nothing.
			if tested := p.Found()&test != 0; tested != (tc.stale == "") {
				t.Errorf("test stage counted: %v; stale %q", tested, tc.stale)
			}
			if p.BranchBound != (tc.stale != "") {
				t.Errorf("BranchBound %v", p.BranchBound)
			}
		})
	}
}

// A workflow that never runs and holds the pipeline's only test stage
// (go-clean-arch: branches [main] in a repository of master) is one high
// finding, the filter's, which names the stage; the missing test stage is
// said as info, pointing at it, not as a high asking for a job that
// exists. Where another workflow tests, the filter stays medium.
func TestAStaleFilterCarriesTheStagesItsWorkflowHolds(t *testing.T) {
	stale := Source{Path: ".github/workflows/test.yml", Data: []byte("on:\n  push:\n    branches: [master]\n" + testJob)}
	p := AnalyzeGitHubIn([]Source{stale}, onMain())
	var got []string
	for _, f := range append(p.Findings, p.MissingStageFindings("GitHub Actions")...) {
		got = append(got, f.Rule+" "+f.Severity.String())
	}
	want := []string{"workflow/stale-branch-filter high", "workflow/no-test-stage info", "workflow/no-security-scan high"}
	if !slices.Equal(got, want) {
		t.Fatalf("findings %q, want %q", got, want)
	}
	if msg := p.MissingStageFindings("GitHub Actions")[0].Message; msg != "no test stage in what runs of GitHub Actions: .github/workflows/test.yml:8 has one (go test ./...), in a workflow that never runs (workflow/stale-branch-filter)" {
		t.Errorf("missing test stage: %q", msg)
	}

	runs := Source{Path: ".github/workflows/ci.yml", Data: []byte("on: [push]\n" + testJob)}
	p = AnalyzeGitHubIn([]Source{runs, stale}, onMain())
	for _, f := range append(p.Findings, p.MissingStageFindings("GitHub Actions")...) {
		if f.Rule == RuleStaleBranchFilter.ID && (f.Severity != model.Medium || strings.Contains(f.Message, "only")) || f.Rule == RuleNoTestStage.ID {
			t.Errorf("another workflow tests: %s %s %q", f.Rule, f.Severity, f.Message)
		}
	}
}

// TestStaleBranchFilterInCheckout reads the branches of a real clone: its
// own branch and the remote's, and the remote's default branch.
func TestStaleBranchFilterInCheckout(t *testing.T) {
	fixturetest.RequireTools(t, "git")
	origin := t.TempDir()
	fixturetest.Git(t, origin, "init", "-q", "-b", "main")
	wf := filepath.Join(origin, ".github", "workflows")
	if err := os.MkdirAll(wf, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(wf, "ci.yml"), []byte("on:\n  push:\n    branches: [master]\n"+testJob), 0o644); err != nil {
		t.Fatal(err)
	}
	fixturetest.Git(t, origin, "add", ".")
	fixturetest.Git(t, origin, "commit", "-q", "-m", "ci")
	fixturetest.Git(t, origin, "branch", "develop")
	clone := filepath.Join(t.TempDir(), "clone")
	fixturetest.Git(t, origin, "clone", "-q", origin, clone)

	b, ok := newRepoTree(clone).Branches()
	if !ok || b.Default != "main" || !b.Names["develop"] || !b.Names["main"] || len(b.Names) != 2 {
		t.Fatalf("branches %+v, %v; want main (default) and develop", b, ok)
	}
	c := &GitHubActions{id: KindGitHub + ":.", root: clone}
	r := c.Run(context.Background(), collectors.Request{Root: clone})
	var stale []model.Finding
	for _, f := range r.Findings {
		if f.Rule == RuleStaleBranchFilter.ID {
			stale = append(stale, f)
		}
	}
	if len(stale) != 1 || stale[0].Location() != ".github/workflows/ci.yml:3:5" || r.Facts["stages.test"] != 0 || !r.MachineBound {
		t.Fatalf("stale %v, test stage %v, machine-bound %v", stale, r.Facts["stages.test"], r.MachineBound)
	}

	// The same file where master is a branch of the remote: it runs.
	fixturetest.Git(t, origin, "branch", "master")
	fixturetest.Git(t, clone, "fetch", "-q")
	r = c.Run(context.Background(), collectors.Request{Root: clone})
	if r.Facts["stages.test"] != 1 || r.MachineBound {
		t.Fatalf("after master appeared: test stage %v, machine-bound %v, findings %v", r.Facts["stages.test"], r.MachineBound, r.Findings)
	}
}

// A stage's evidence is taken from a workflow that runs on pushes, not
// from one that runs only by hand, whichever file comes first
// (soft-serve: lint-sync.yml, started by hand, before lint.yml).
func TestStageEvidencePrefersWorkflowsThatRunOnPushes(t *testing.T) {
	lint := "jobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: golangci-lint run\n"
	for _, tc := range []struct{ first, second, want string }{
		{"on: workflow_dispatch\n", "on: [push, pull_request]\n", ".github/workflows/b.yml"},
		{"on:\n  schedule:\n    - cron: '0 0 * * *'\n  workflow_dispatch:\n", "on: push\n", ".github/workflows/b.yml"},
		{"on: push\n", "on: workflow_dispatch\n", ".github/workflows/a.yml"},
		{"on: workflow_dispatch\n", "on: workflow_dispatch\n", ".github/workflows/a.yml"},
	} {
		p := AnalyzeGitHub([]Source{{Path: ".github/workflows/a.yml", Data: []byte(tc.first + lint)}, {Path: ".github/workflows/b.yml", Data: []byte(tc.second + lint)}})
		if got := p.Stages[Lint].File; got != tc.want {
			t.Errorf("%q then %q: lint evidence in %s, want %s", tc.first, tc.second, got, tc.want)
		}
	}
}
