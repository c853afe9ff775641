package workflows

import (
	"errors"
	"reflect"
	"testing"
)

// memLoader serves includes from a map, as the collector serves them from
// the repository.
func memLoader(files map[string]string) Loader {
	return func(pattern string) ([]Source, error) {
		if data, ok := files[pattern]; ok {
			return []Source{{Path: pattern, Data: []byte(data)}}, nil
		}
		return nil, nil
	}
}

func TestGitLabGoodFixture(t *testing.T) {
	root := fixtureRoot(t, "gitlab", "good")
	srcs, errs := readSources(root, []string{".gitlab-ci.yml", "ci/quality.yml"})
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	p := AnalyzeGitLab(srcs[0], memLoader(map[string]string{"ci/quality.yml": string(srcs[1].Data)}))
	if len(p.Errors) != 0 || len(p.Findings) != 0 || len(p.MissingStageFindings("GitLab CI")) != 0 {
		t.Fatalf("errors %v findings %q", p.Errors, located(p.Findings))
	}
	want := map[Stage]Evidence{
		Lint:           {"ci/quality.yml", 3, "npm run lint"},         // through extends:
		Typecheck:      {"ci/quality.yml", 4, "npx vue-tsc --noEmit"}, //
		Test:           {".gitlab-ci.yml", 21, "pytest -q tests/"},    // through !reference
		Build:          {".gitlab-ci.yml", 40, "go build ./..."},      // inside a block scalar
		SecurityScan:   {".gitlab-ci.yml", 5, "include template: Security/SAST.gitlab-ci.yml"},
		ContainerBuild: {".gitlab-ci.yml", 41, `docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA" .`},
		Deploy:         {".gitlab-ci.yml", 46, "job deploy deploys to environment production"},
	}
	if !reflect.DeepEqual(p.Stages, want) {
		t.Errorf("stages:\n got %+v\nwant %+v", p.Stages, want)
	}
	if want := []string{"remote include https://example.com/shared/ci.yml is not followed"}; !reflect.DeepEqual(p.Notes, want) {
		t.Errorf("notes %q", p.Notes)
	}
	if want := []string{".gitlab-ci.yml", "ci/quality.yml"}; !reflect.DeepEqual(p.Files, want) {
		t.Errorf("files %q", p.Files)
	}
}

func TestGitLabInheritance(t *testing.T) {
	main := `include: [ci/base.yml]
default:
  before_script: [npm run typecheck]
.a:
  script: [npm run lint]
.b:
  script: [npm test]
job:
  extends: [.a, .b]
other:
  extends: .a
  script: [echo overridden]
  artifacts:
    reports:
      sast: gl-sast-report.json
pages:
  script: [mkdocs build]
shared:
  variables: {X: "1"}
`
	base := `shared:
  script: [go vet ./...]
`
	p := AnalyzeGitLab(Source{Path: ".gitlab-ci.yml", Data: []byte(main)}, memLoader(map[string]string{"ci/base.yml": base}))
	if len(p.Errors) != 0 {
		t.Fatal(p.Errors)
	}
	got := map[Stage]string{}
	for s, ev := range p.Stages {
		got[s] = ev.File + " " + ev.What
	}
	want := map[Stage]string{
		Typecheck:    ".gitlab-ci.yml npm run typecheck",                // default before_script
		Test:         ".gitlab-ci.yml npm test",                         // the last extended template wins
		SecurityScan: ".gitlab-ci.yml job other produces a sast report", // artifacts:reports
		Build:        ".gitlab-ci.yml mkdocs build",                     //
		Deploy:       ".gitlab-ci.yml job pages publishes GitLab Pages", //
		Lint:         "ci/base.yml go vet ./...",                        // a job split over two files
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("stages:\n got %v\nwant %v", got, want)
	}
}

func TestGitLabCatalogue(t *testing.T) {
	main := `include:
  - component: $CI_SERVER_FQDN/components/secret-detection/secret-detection@1.1
  - template: Jobs/Code-Quality.gitlab-ci.yml
  - project: group/ci
    file: /templates/test.yml
`
	p := AnalyzeGitLab(Source{Path: ".gitlab-ci.yml", Data: []byte(main)}, memLoader(nil))
	if p.Found() != security|lint {
		t.Errorf("stages [%s]", names(p.Found()))
	}
	if want := []string{"include from project group/ci is not followed"}; !reflect.DeepEqual(p.Notes, want) {
		t.Errorf("notes %q", p.Notes)
	}
	if !reflect.DeepEqual(p.Elsewhere, []string{"group/ci"}) {
		t.Errorf("elsewhere %q", p.Elsewhere)
	}
	// The tests may be in group/ci's file, which is not read.
	if got := located(p.MissingStageFindings("GitLab CI")); !reflect.DeepEqual(got, []string{".gitlab-ci.yml info workflow/no-test-stage"}) {
		t.Errorf("missing %q", got)
	}
}

func TestGitLabErrors(t *testing.T) {
	cases := []struct {
		name  string
		main  string
		files map[string]string
		load  Loader
		want  []string
	}{
		{"missing include", "include: /ci/nope.yml\njob:\n  script: [make test]\n", nil, nil,
			[]string{".gitlab-ci.yml:1:10: included file ci/nope.yml does not exist"}},
		{"broken include", "include:\n  - local: ci/x.yml\n", map[string]string{"ci/x.yml": "job:\n  script: [\n"}, nil,
			[]string{"ci/x.yml:2:11: sequence end token ']' not found"}},
		{"broken main", "job:\n  script: make test\n bad: x\n", nil, nil,
			[]string{".gitlab-ci.yml:3:2: value is not allowed in this context"}},
		{"not a mapping", "- make test\n", nil, nil,
			[]string{".gitlab-ci.yml:1:1: a CI configuration is a mapping of jobs and keywords"}},
		{"loader failure", "include: ci/a.yml\n", nil, func(string) ([]Source, error) { return nil, errors.New("permission denied") },
			[]string{".gitlab-ci.yml:1:10: included file ci/a.yml: permission denied"}},
	}
	for _, c := range cases {
		load := c.load
		if load == nil {
			load = memLoader(c.files)
		}
		p := AnalyzeGitLab(Source{Path: ".gitlab-ci.yml", Data: []byte(c.main)}, load)
		var got []string
		for _, e := range p.Errors {
			got = append(got, e.Error())
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: errors %q, want %q", c.name, got, c.want)
		}
		if p.MissingStageFindings("GitLab CI") != nil {
			t.Errorf("%s: missing-stage findings from a pipeline that could not be read", c.name)
		}
	}
}

func TestGitLabIncludeCycleAndSpecHeader(t *testing.T) {
	files := map[string]string{
		"a.yml": "include: b.yml\njob-a:\n  script: [cargo test]\n",
		"b.yml": "spec:\n  inputs: {}\n---\ninclude: a.yml\njob-b:\n  script: [cargo audit]\n",
	}
	p := AnalyzeGitLab(Source{Path: ".gitlab-ci.yml", Data: []byte("include: a.yml\n")}, memLoader(files))
	if len(p.Errors) != 0 || p.Found() != test|security {
		t.Fatalf("errors %v stages [%s]", p.Errors, names(p.Found()))
	}
	if want := []string{".gitlab-ci.yml", "a.yml", "b.yml"}; !reflect.DeepEqual(p.Files, want) {
		t.Errorf("files %q", p.Files)
	}
}
