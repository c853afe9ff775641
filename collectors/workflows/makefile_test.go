package workflows

import (
	"reflect"
	"strings"
	"testing"
)

// A step that runs a make target counts by what the recipe runs, through
// the variables it uses, its prerequisites and the targets it makes in
// turn (go-clean-template's layout: the compose command in a variable).
func TestStagesOfTheMakeTargetsAStepRuns(t *testing.T) {
	tree := mapTree{
		"Makefile": "BASE_STACK = docker compose -f docker-compose.yml\n" +
			"INTEGRATION_TEST_STACK = $(BASE_STACK) -f docker-compose-integration-test.yml\n" +
			"GO ?= go\n\n" +
			"all: build\n\n" +
			"build: ### build it\n\t@$(GO) build ./...\n\n" +
			"compose-up-integration-test: ### Run docker compose with integration test\n" +
			"\t$(INTEGRATION_TEST_STACK) up --build --abort-on-container-exit \\\n\t  --exit-code-from integration-test\n" +
			".PHONY: compose-up-integration-test\n\n" +
			"ci: lint\n\t$(MAKE) check-types\n" +
			"lint: GOFLAGS = -mod=mod\n" +
			"lint:\n\t-golangci-lint run\n" +
			"check-types:\n\tnpx tsc --noEmit\n",
	}
	src := []byte("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n" +
		"      - run: make compose-up-integration-test\n      - run: make\n      - run: make ci\n")
	p := AnalyzeGitHubIn([]Source{{Path: ".github/workflows/ci.yml", Data: src}}, tree)
	want := map[Stage]Evidence{
		ContainerBuild: {".github/workflows/ci.yml", 6, "make compose-up-integration-test runs docker compose -f docker-compose.yml -f docker-compose-integ… (Makefile:11, target compose-up-integration-test)"},
		Lint:           {".github/workflows/ci.yml", 8, "make ci runs golangci-lint run (Makefile:19, target lint)"},
		Typecheck:      {".github/workflows/ci.yml", 8, "make ci runs make check-types (Makefile:16, target ci)"},
	}
	checkStages(t, p, want)
	// `make` alone makes the first target.
	alone := AnalyzeGitHubIn([]Source{{Path: ".github/workflows/ci.yml", Data: []byte("on: push\njobs:\n  a:\n    steps:\n      - run: make\n")}},
		mapTree{"Makefile": ".PHONY: default\ndefault:\n\tgo test ./...\nother:\n\tnpm audit\n"})
	if got, want := alone.Stages[Test], (Evidence{".github/workflows/ci.yml", 5, "make runs go test ./... (Makefile:3, target default)"}); got != want {
		t.Errorf("make alone: %+v, want %+v", got, want)
	}
	if _, ok := alone.Stages[SecurityScan]; ok {
		t.Error("make alone made a target other than the first")
	}
}

// A prerequisite and a target may be written through variables that give
// the same name (fzf: install needs bin/fzf, which needs
// target/$(BINARY), made by the rule target/$(BINARY64)).
func TestMakePrerequisitesNamedThroughVariables(t *testing.T) {
	// Of an ifeq chain's branches, the first sets the variable (the
	// machine fzf tests first, x86_64, not the last, loong64).
	tree := mapTree{"Makefile": "GO ?= go\nBINARY64 := app-amd64\nBINARYLOONG := app-loong64\n" +
		"ifeq ($(UNAME_M),x86_64)\n\tBINARY := $(BINARY64)\nelse ifeq ($(UNAME_M),loongarch64)\n\tBINARY := $(BINARYLOONG)\nendif\n" +
		"install: bin/app\n\ntarget/$(BINARY64):\n\tGOARCH=amd64 $(GO) build -o $@\n\ntarget/$(BINARYLOONG):\n\tGOARCH=loong64 $(GO) build -o $@\n\n" +
		"bin/app: target/$(BINARY) | bin\n\tcp -f target/$(BINARY) bin/app\n"}
	p := AnalyzeGitHubIn([]Source{{Path: ".github/workflows/ci.yml", Data: []byte("on: push\njobs:\n  a:\n    steps:\n      - run: make install\n")}}, tree)
	checkStages(t, p, map[Stage]Evidence{
		Build: {".github/workflows/ci.yml", 5, "make install runs GOARCH=amd64 go build -o $@ (Makefile:12, target target/app-amd64)"},
	})
}

// GitLab jobs follow what they run of the repository too: a shell script
// and a make target in another directory (make -C).
func TestGitLabJobsFollowScriptsAndMake(t *testing.T) {
	tree := mapTree{
		"scripts/ci.sh": "#!/bin/sh\nshellcheck scripts/*.sh\n",
		"web/Makefile":  "verify:\n\tnpx vitest run\n",
	}
	src := []byte("lint:\n  script:\n    - ./scripts/ci.sh\ntest:\n  script:\n    - make -C web verify\n")
	p := AnalyzeGitLabIn(Source{Path: ".gitlab-ci.yml", Data: src}, nil, tree)
	want := map[Stage]Evidence{
		Lint: {".gitlab-ci.yml", 3, "./scripts/ci.sh runs shellcheck scripts/*.sh (scripts/ci.sh:2)"},
		Test: {".gitlab-ci.yml", 6, "make -C web verify runs npx vitest run (web/Makefile:2, target verify)"},
	}
	checkStages(t, p, want)
}

// Conditionals do not end a recipe, and before the first rule a tab only
// indents make's own lines.
func TestParseMakefileConditionals(t *testing.T) {
	mf := parseMakefile("Makefile", []byte("ifeq ($(OS),Linux)\n\tGO := go1.22\nendif\nbuild:\nifdef RACE\n\t$(GO) build -race\nelse\n\t$(GO) build\nendif\nother:\n\techo\n"))
	if mf.vars["GO"] != "go1.22" {
		t.Errorf("GO = %q, want the indented assignment's value", mf.vars["GO"])
	}
	if r := mf.rules["build"]; r == nil || len(r.recipe) != 2 || r.recipe[1] != (recipeLine{"$(GO) build", 8}) {
		t.Errorf("build: %+v, want both branches' recipe lines", r)
	}
}

func TestParseMakefile(t *testing.T) {
	mf := parseMakefile("Makefile", []byte("# comment\nA := one\nA += two\nB ?= $(A) three\nB ?= ignored\nSH != date\n"+
		".DEFAULT_GOAL := x\n%.o: %.c\n\tcc -c $<\nfirst second: dep ; echo inline # note\n\techo $(B) $${HOME} $(shell pwd)\n"+
		"ifeq ($(A),one)\nthird:\n\techo 3\nendif\ndep:\n"))
	if mf.goal != "first" {
		t.Errorf("goal %q, want first", mf.goal)
	}
	if got, want := mf.vars["B"], "$(A) three"; got != want {
		t.Errorf("B = %q, want %q", got, want)
	}
	if _, ok := mf.vars["SH"]; ok {
		t.Error("a != assignment is a shell command's output, unknown here")
	}
	first := mf.rules["first"]
	if first == nil || !reflect.DeepEqual(first.prereqs, []string{"dep"}) || len(first.recipe) != 2 {
		t.Fatalf("first: %+v", first)
	}
	if first.recipe[0] != (recipeLine{"echo inline", 10}) || first.recipe[1].line != 11 {
		t.Errorf("recipe %+v", first.recipe)
	}
	if got, want := mf.expand(first.recipe[1].text), "echo one two three ${HOME} $(shell pwd)"; got != want {
		t.Errorf("expanded %q, want %q", got, want)
	}
	if second := mf.rules["second"]; second == nil || len(second.recipe) != 2 {
		t.Errorf("second has the rule's recipe too: %+v", second)
	}
	if r := mf.rules["third"]; r == nil || len(r.recipe) != 1 {
		t.Errorf("a target inside a conditional: %+v", r)
	}
}

// A variable that refers to itself many times does not grow a recipe
// without end.
func TestMakeExpansionIsBounded(t *testing.T) {
	mf := parseMakefile("Makefile", []byte("A = "+strings.Repeat("$(A)", 100)+"\n"))
	if got := mf.expand("echo $(A)"); len(got) > maxExpansion {
		t.Errorf("expanded to %d bytes", len(got))
	}
}

// FuzzMakefile: any Makefile parses, expands and is followed without a
// crash or an endless loop, whatever its variables refer to.
func FuzzMakefile(f *testing.F) {
	f.Add([]byte("A = $(B)\nB = $(A)\nall: a\n\t$(A) $(MAKE) all\na: all\n"))
	f.Add([]byte("x: \\\n\ty\n\t@-+go test ./... \\\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		tree := mapTree{"Makefile": string(src)}
		for _, r := range parseMakefile("Makefile", src).rules {
			for _, l := range r.recipe {
				if l.line < 1 || l.line > strings.Count(string(src), "\n")+1 {
					t.Fatalf("recipe line %d outside the file", l.line)
				}
			}
		}
		wf := []byte("on: push\njobs:\n  a:\n    steps:\n      - run: make && make all x\n")
		AnalyzeGitHubIn([]Source{{Path: ".github/workflows/ci.yml", Data: wf}}, tree)
	})
}

// pre-commit runs the hooks of .pre-commit-config.yaml: a local hook's
// entry is followed like any command (slurm-operator's make-tests hook
// runs make test, which runs go test), another repository's hook counts by
// its id; a named hook runs alone. GitHub's pre-commit action too.
func TestPreCommitHooksAreFollowed(t *testing.T) {
	tree := mapTree{
		".pre-commit-config.yaml": "repos:\n  - repo: https://github.com/gitleaks/gitleaks\n    rev: v8.30.1\n    hooks:\n      - id: gitleaks\n" +
			"  - repo: local\n    hooks:\n      - id: make-tests\n        name: Make Tests\n        entry: make test\n        language: system\n",
		"Makefile": "test:\n\tgo test ./... -coverprofile cover.out\n",
	}
	lab := AnalyzeGitLabIn(Source{Path: ".gitlab-ci.yml", Data: []byte("test:\n  script:\n    - pre-commit run --verbose --all-files\n")}, nil, tree)
	want := map[Stage]Evidence{
		Test:         {".gitlab-ci.yml", 3, "pre-commit run --verbose --all-files runs make test (.pre-commit-config.yaml:8, hook make-tests)"},
		SecurityScan: {".gitlab-ci.yml", 3, "pre-commit run --verbose --all-files runs hook gitleaks (.pre-commit-config.yaml:5, hook gitleaks)"},
	}
	checkStages(t, lab, want)
	one := AnalyzeGitLabIn(Source{Path: ".gitlab-ci.yml", Data: []byte("scan:\n  script:\n    - pre-commit run gitleaks --all-files\n")}, nil, tree)
	if _, ok := one.Stages[Test]; ok {
		t.Errorf("pre-commit run gitleaks ran the make-tests hook too: %+v", one.Stages)
	}
	gh := AnalyzeGitHubIn([]Source{{Path: ".github/workflows/ci.yml", Data: []byte("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n" +
		"      - uses: pre-commit/action@2c7b3805fd2a0fd8c1884dcaebf91fc102a13ecd # v3.0.1\n")}}, tree)
	if ev, ok := gh.Stages[Test]; !ok || ev.Line != 6 {
		t.Errorf("the pre-commit action: test stage %+v", gh.Stages)
	}
}

// checkStages compares the evidence of the stages in want with p's.
func checkStages(t *testing.T, p *Pipeline, want map[Stage]Evidence) {
	t.Helper()
	for stage, ev := range want {
		if got := p.Stages[stage]; got != ev {
			t.Errorf("%v evidence\n got %+v\nwant %+v", stage, got, ev)
		}
	}
}
