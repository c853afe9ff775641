package workflows

import (
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/internal/yamlpos"
	"github.com/preflight-dev/preflight/model"
)

func analyzeOne(t *testing.T, src string) *Pipeline {
	t.Helper()
	return AnalyzeGitHub([]Source{{Path: ".github/workflows/w.yml", Data: []byte(src)}})
}

func TestGitHubBadFixtureFindings(t *testing.T) {
	srcs, errs := readWorkflows(fixtureRoot(t, "github", "bad"))
	if len(errs) != 0 || len(srcs) != 1 {
		t.Fatalf("srcs %d errs %v", len(srcs), errs)
	}
	p := AnalyzeGitHub(srcs)
	if len(p.Errors) != 0 {
		t.Fatalf("errors %v", p.Errors)
	}
	// Before suppressions: every per-line rule, where it is in the file.
	want := []string{
		".github/workflows/triage.yml:12:15 low workflow/unpinned-action",
		".github/workflows/triage.yml:14:16 blocker workflow/pr-target-checkout",
		".github/workflows/triage.yml:15:15 low workflow/unpinned-action",
		".github/workflows/triage.yml:19:28 high workflow/script-injection",
		".github/workflows/triage.yml:20:24 high workflow/script-injection",
		".github/workflows/triage.yml:24:26 high workflow/script-injection",
		".github/workflows/triage.yml:26:15 low workflow/unpinned-action",
		".github/workflows/triage.yml:27:15 low workflow/unpinned-action",
		".github/workflows/triage.yml:29:11 blocker workflow/pr-target-checkout",
		".github/workflows/triage.yml:36:11 low workflow/unpinned-action",
	}
	if got := located(p.Findings); !reflect.DeepEqual(got, want) {
		t.Errorf("findings:\n got %q\nwant %q", got, want)
	}
	msgs := map[string]bool{}
	for _, f := range p.Findings {
		msgs[f.Message] = true
	}
	for _, m := range []string{
		`actions/checkout is pinned to "v4", which can be moved: pin it to a full commit SHA`,
		"github.event.pull_request.title is expanded into the run script: pass it through env: and quote the variable",
		"github.event.issue.body is expanded into the github-script script: pass it through env: and quote the variable",
		"checks out the pull request's code (ref: ${{ github.event.pull_request.head.sha }}) in a pull_request_target workflow, which runs with secrets and a write token",
	} {
		if !msgs[m] {
			t.Errorf("no finding says %q", m)
		}
	}
	if got := p.Found(); got != build {
		t.Errorf("stages [%s], want build only", names(got))
	}
	// The release job calls another repository's workflow, which is not
	// read: the stages not seen may be there, so they are said as info.
	missing := p.MissingStageFindings("GitHub Actions")
	if want := []string{".github/workflows info workflow/no-test-stage", ".github/workflows info workflow/no-security-scan"}; !reflect.DeepEqual(located(missing), want) {
		t.Errorf("missing stages %q", located(missing))
	}
	if want := "no test stage in what preflight read of GitHub Actions; it runs octo-org/shared/.github/workflows/release.yml@v1 from another repository, which is not read and may have one"; len(missing) == 0 || missing[0].Message != want {
		t.Errorf("message %v\nwant %q", missing, want)
	}
	if want := []string{"reusable workflow octo-org/shared/.github/workflows/release.yml@v1 is not followed"}; !reflect.DeepEqual(p.Notes, want) {
		t.Errorf("notes %q", p.Notes)
	}
	// Without it, they are high.
	p.Elsewhere = nil
	if want := []string{".github/workflows high workflow/no-test-stage", ".github/workflows high workflow/no-security-scan"}; !reflect.DeepEqual(located(p.MissingStageFindings("GitHub Actions")), want) {
		t.Errorf("missing stages %q", located(p.MissingStageFindings("GitHub Actions")))
	}
}

func TestGitHubHardenedFixtureIsClean(t *testing.T) {
	srcs, _ := readWorkflows(fixtureRoot(t, "github", "hardened"))
	p := AnalyzeGitHub(srcs)
	if len(p.Errors) != 0 || len(p.Findings) != 0 || len(p.MissingStageFindings("GitHub Actions")) != 0 {
		t.Fatalf("errors %v findings %q", p.Errors, located(p.Findings))
	}
	want := map[Stage]Evidence{
		Lint:           {".github/workflows/ci.yml", 22, "npm run lint"},
		Typecheck:      {".github/workflows/ci.yml", 23, "npx tsc --noEmit -p web"},
		Build:          {".github/workflows/ci.yml", 36, "go build ./..."},
		Test:           {".github/workflows/ci.yml", 37, "go test -race ./..."},
		SecurityScan:   {".github/workflows/ci.yml", 54, "uses: github/codeql-action/init@48ab28a6f5dbc2a99bf1e0131198dd8f1df78169"},
		ContainerBuild: {".github/workflows/ci.yml", 67, "uses: docker/build-push-action@263435318d21b8e681c14492fe198d362a7d2c83"},
	}
	if !reflect.DeepEqual(p.Stages, want) {
		t.Errorf("stages:\n got %+v\nwant %+v", p.Stages, want)
	}
}

func TestGitHubTriggerForms(t *testing.T) {
	step := "\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683\n        with:\n          ref: refs/pull/${{ github.event.number }}/merge\n"
	for _, on := range []string{"on: pull_request_target", "on: [push, pull_request_target]", "on:\n  pull_request_target:\n    types: [opened]"} {
		p := analyzeOne(t, on+step)
		if got := located(p.Findings); !reflect.DeepEqual(got, []string{".github/workflows/w.yml:" + lineOf(on+step, "ref:") + ":16 blocker workflow/pr-target-checkout"}) {
			t.Errorf("%q: %q", on, got)
		}
	}
	// The same checkout under pull_request is the normal, safe case.
	if p := analyzeOne(t, "on: pull_request"+step); len(p.Findings) != 0 {
		t.Errorf("pull_request: %q", located(p.Findings))
	}
	// Checking out a fork's repository is the same as its head.
	fork := "on: pull_request_target\njobs:\n  a:\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683\n        with:\n          repository: ${{ github.event.pull_request.head.repo.full_name }}\n"
	if got := located(analyzeOne(t, fork).Findings); !reflect.DeepEqual(got, []string{".github/workflows/w.yml:7:23 blocker workflow/pr-target-checkout"}) {
		t.Errorf("fork: %q", got)
	}
}

// lineOf is the 1-based line of the first line containing s.
func lineOf(text, s string) string {
	for i, l := range strings.Split(text, "\n") {
		if strings.Contains(l, s) {
			return strconv.Itoa(i + 1)
		}
	}
	return "0"
}

func TestGitHubInjectionLocations(t *testing.T) {
	src := `on: issues
jobs:
  a:
    steps:
      - run: echo "${{ github.event.issue.title }}" && echo "${{ github.event.issue.title }}"
      - run: >
          folded line
          echo ${{ github.event.issue.body }}
      - run: "echo ${{ github.event.comment.body }}"
      - run: echo safe
        env:
          T: ${{ github.event.issue.title }}
      - uses: some/action@11bd71901bbe5b1630ceea73d27597364c9af683
        with:
          args: ${{ github.event.issue.title }}
`
	want := []string{
		".github/workflows/w.yml:5:20 high workflow/script-injection",
		".github/workflows/w.yml:5:62 high workflow/script-injection",
		".github/workflows/w.yml:8:16 high workflow/script-injection",
		".github/workflows/w.yml:9:20 high workflow/script-injection",
	}
	if got := located(analyzeOne(t, src).Findings); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestGitHubPinning(t *testing.T) {
	src := `on: push
jobs:
  a:
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
      - uses: actions/checkout@11BD71901BBE5B1630CEEA73D27597364C9AF683
      - uses: actions/checkout@11bd719
      - uses: actions/checkout
      - uses: ./local/action
      - uses: docker://alpine:3.20
  b:
    uses: org/repo/.github/workflows/x.yml@main
  c:
    uses: ./.github/workflows/y.yml
`
	want := []string{
		".github/workflows/w.yml:7:15 low workflow/unpinned-action",
		".github/workflows/w.yml:8:15 low workflow/unpinned-action",
		".github/workflows/w.yml:12:11 low workflow/unpinned-action",
	}
	p := analyzeOne(t, src)
	if got := located(p.Findings); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if p.Findings[0].Message != `actions/checkout is pinned to "11bd719", which can be moved: pin it to a full commit SHA` ||
		p.Findings[1].Message != "actions/checkout names no version: pin it to a full commit SHA" {
		t.Errorf("messages %q / %q", p.Findings[0].Message, p.Findings[1].Message)
	}
}

func TestGitHubStagesFromJobsAndSteps(t *testing.T) {
	src := `on: push
jobs:
  off:
    if: false
    steps:
      - run: npm test
  skipped-step:
    steps:
      - if: ${{ false }}
        run: pytest
      - uses: nick-fields/retry@v3
        with:
          command: npm run lint
  release:
    environment:
      name: production
    steps:
      - run: echo deploying
  shared:
    uses: org/ci/.github/workflows/security-scan.yml@11bd71901bbe5b1630ceea73d27597364c9af683
`
	p := analyzeOne(t, src)
	got := map[Stage]Evidence{}
	for s, ev := range p.Stages {
		got[s] = ev
	}
	want := map[Stage]Evidence{
		Lint:         {".github/workflows/w.yml", 13, "npm run lint"},
		Deploy:       {".github/workflows/w.yml", 16, "job release deploys to environment production"},
		SecurityScan: {".github/workflows/w.yml", 20, "uses: org/ci/.github/workflows/security-scan.yml@11bd71901bbe5b1630ceea73d27597364c9af683"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("stages:\n got %+v\nwant %+v", got, want)
	}
}

func TestGitHubUnreadableFiles(t *testing.T) {
	cases := []struct {
		src, want string
	}{
		{"", ".github/workflows/w.yml: empty workflow file"},
		{"- a\n- b\n", ".github/workflows/w.yml:1:1: a workflow is a mapping with on: and jobs:"},
		{"on: push\n", ".github/workflows/w.yml:1:1: a workflow needs a jobs: mapping"},
		{"on: push\njobs: [a]\n", ".github/workflows/w.yml:2:1: a workflow needs a jobs: mapping"},
		{"on: push\njobs: {}\n---\non: push\n", ".github/workflows/w.yml:4:1: a workflow file holds one YAML document; this one has more"},
		{"on: push\njobs:\n  a:\n    steps: [\n", ".github/workflows/w.yml:4:12: sequence end token ']' not found"},
	}
	for _, c := range cases {
		p := analyzeOne(t, c.src)
		if len(p.Errors) != 1 || p.Errors[0].Error() != c.want {
			t.Errorf("%q: errors %v, want %q", c.src, p.Errors, c.want)
		}
		if p.MissingStageFindings("x") != nil {
			t.Errorf("%q: missing-stage findings from a pipeline that could not be read", c.src)
		}
	}
	// One unreadable file does not hide the findings of the others.
	p := AnalyzeGitHub([]Source{
		{Path: "a.yml", Data: []byte("jobs: [\n")},
		{Path: "b.yml", Data: []byte("on: push\njobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n")},
	})
	if len(p.Errors) != 1 || len(p.Findings) != 1 || p.Findings[0].Severity != model.Low {
		t.Errorf("errors %v findings %q", p.Errors, located(p.Findings))
	}
}

func TestScriptLineOfABlockScalar(t *testing.T) {
	docs, err := yamlpos.Parse([]byte("job:\n  run: |\n    echo one\n    echo two\n  one: echo three\n"))
	if err != nil {
		t.Fatal(err)
	}
	if run := docs[0].Path("job", "run"); !run.Block || run.Line != 2 || scriptLine(run, 1) != 4 {
		t.Errorf("run %+v", run)
	}
	if one := docs[0].Path("job", "one"); one.Block || scriptLine(one, 0) != 5 {
		t.Errorf("one %+v", one)
	}
}
