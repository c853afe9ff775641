package workflows

import (
	"fmt"
	"io/fs"
	"reflect"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/internal/yamlpos"
	"github.com/preflight-dev/preflight/model"
)

// Steps that will fail on every push: a script the package.json lacks
// (resolved through working-directory, defaults.run and cd, then upwards
// to the nearest package.json as npm does), a missing
// working-directory, npm ci without a lockfile.
func TestStepsThatWillFail(t *testing.T) {
	withoutActionlint(t)
	r := runFixture(t, KindGitHub, "github", "steps")
	var got []string
	for _, f := range r.Findings {
		if f.Rule == RuleMissingScript.ID || f.Rule == RuleMissingWorkingDirectory.ID || f.Rule == RuleNpmCIWithoutLockfile.ID {
			got = append(got, f.Location()+" "+f.Message)
			if f.Severity != model.High {
				t.Errorf("severity %s", f.Severity)
			}
		}
	}
	want := []string{
		".github/workflows/ci.yml:15 `npm run type-check` will fail: web/package.json has no \"type-check\" script",
		".github/workflows/ci.yml:25 `npm ci` runs in the repository root, and neither it nor a directory above has a package-lock.json: npm ci refuses to install without one",
		".github/workflows/ci.yml:30 `yarn e2e` will fail: package.json has no \"e2e\" script",
		".github/workflows/ci.yml:33 `npm run start:prod` will fail: web/package.json has no \"start:prod\" script",
		".github/workflows/ci.yml:39:28 working-directory app does not exist in the repository: the step fails before it runs",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("findings\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A yarn workspace runs `yarn lerna`, a command of @lerna-lite/cli: a bare
// `yarn X` runs a dependency's command when no script has its name, and
// the lockfile says which package provides which command. A command of a
// package that is only locked (a dependency's dependency) or of none is
// still missing.
func TestBareYarnRunsADependencysCommand(t *testing.T) {
	checkMissingScripts(t, "yarnworkspace",
		".github/workflows/check.yml:14 `yarn parser src/index.js` will fail: package.json has no \"parser\" script",
		".github/workflows/check.yml:15 `yarn release` will fail: package.json has no \"release\" script")
}

// checkMissingScripts compares the missing-script findings of a GitHub
// fixture with want.
func checkMissingScripts(t *testing.T, fixture string, want ...string) {
	t.Helper()
	withoutActionlint(t)
	r := runFixture(t, KindGitHub, "github", fixture)
	var got []string
	for _, f := range r.Findings {
		if f.Rule == RuleMissingScript.ID {
			got = append(got, f.Location()+" "+f.Message)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("findings\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// pnpm's lockfile marks the packages that have commands without naming
// them: a bare `pnpm X` may run any command of a direct dependency whose
// commands are not known (semver in packages/tool: not reported, even
// `pnpm release`), but not one of typescript or npm-run-all2, whose
// commands are known, nor of a dependency's dependency (pidtree), which
// pnpm does not link.
func TestBarePnpmRunsADependencysCommand(t *testing.T) {
	checkMissingScripts(t, "pnpmbins",
		".github/workflows/check.yml:14 `pnpm typecheck` will fail: package.json has no \"typecheck\" script",
		".github/workflows/check.yml:15 `pnpm pidtree` will fail: package.json has no \"pidtree\" script")
}

func TestScriptCall(t *testing.T) {
	cases := map[string]string{
		"npm test":                     "test",
		"npm run lint -- --fix":        "lint [--fix]",
		"npm test --coverage":          "test",
		"npm start api":                "start [api]",
		"npm --silent run build":       "build",
		"pnpm run e2e":                 "e2e",
		"pnpm typecheck":               "typecheck *",
		"pnpm install":                 "",
		"pnpm -r test":                 "",
		"pnpm --filter web build":      "",
		"yarn":                         "",
		"yarn install --immutable":     "",
		"yarn test":                    "test",
		"yarn run rimraf dist":         "rimraf * [dist]",
		"yarn run -T tsc":              "tsc *",
		"yarn workspace web build":     "",
		"npm run":                      "",
		"npm run build --if-present":   "build ?",
		"npm run --if-present lint":    "lint ?",
		"npm run lint -- --if-present": "lint [--if-present]",
		"pnpm run --if-present build":  "build ?",
		"npm ci":                       "",
		"npx vitest":                   "",
	}
	for cmd, want := range cases {
		got := ""
		if ref, ok := scriptCall(strings.Fields(cmd)); ok {
			got = ref.name
			if ref.bare {
				got += " *"
			}
			if ref.optional {
				got += " ?"
			}
			if len(ref.args) > 0 {
				got += " " + fmt.Sprint(ref.args)
			}
		}
		if got != want {
			t.Errorf("%q: %q, want %q", cmd, got, want)
		}
	}
}

// workflow_run runs with the base repository's secrets: checking out the
// triggering run's head with a token that can write is a blocker.
func TestWorkflowRunHeadCheckout(t *testing.T) {
	withoutActionlint(t)
	r := runFixture(t, KindGitHub, "github", "workflowrun")
	var got []string
	for _, f := range r.Findings {
		if f.Rule == RuleWorkflowRunCheckout.ID && f.Severity == model.Blocker {
			got = append(got, f.Location())
		}
	}
	// Posting a commit status names the head but fetches nothing.
	want := []string{".github/workflows/comment.yml:14:16", ".github/workflows/fetch.yml:8:11",
		".github/workflows/status.yml:11:14", ".github/workflows/status.yml:12:14"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("findings %q, want %q", got, want)
	}
}

type mapTree map[string]string

func (m mapTree) ReadFile(rel string) ([]byte, error) {
	if s, ok := m[rel]; ok {
		return []byte(s), nil
	}
	return nil, fs.ErrNotExist
}

func (m mapTree) IsDir(rel string) bool { return rel == "web" }

// FuzzAnalyze feeds arbitrary YAML to both analyses: whatever parses is
// accepted, and every finding is placed inside its file.
func FuzzAnalyze(f *testing.F) {
	f.Add([]byte("on: workflow_run\njobs:\n  a:\n    steps:\n      - run: cd web && npm run x\n        working-directory: web\n"))
	f.Add([]byte("x: &x {a: [1, 2]}\ny:\n  <<: *x\n  b: !reference [.x, a]\n"))
	f.Add([]byte("defaults: {run: {working-directory: app}}\njobs: {a: {steps: [{run: npm ci}]}}\n"))
	f.Add([]byte("on:\n  push:\n    branches: [master]\n  pull_request:\n    branches: master\njobs: {a: {steps: [{run: go test ./...}]}}\n"))
	// A checkout whose branches are known, so that the filters are judged.
	tree := onMain("develop")
	tree.mapTree = mapTree{"package.json": `{"scripts":{"test":"x"}}`, "web/package.json": "{"}
	f.Fuzz(func(t *testing.T, src []byte) {
		lines := strings.Count(string(src), "\n") + strings.Count(string(src), "\r") + 1
		p := AnalyzeGitHubIn([]Source{{Path: ".github/workflows/x.yml", Data: src}}, tree)
		for _, fd := range p.Findings {
			if fd.Line < 0 || fd.Line > lines {
				t.Fatalf("finding %+v outside the file", fd)
			}
		}
		AnalyzeGitLab(Source{Path: ".gitlab-ci.yml", Data: src}, func(string) ([]Source, error) {
			return []Source{{Path: "inc.yml", Data: src}}, nil
		})
	})
}

// A package.json npm reads despite a value of the wrong type still has its
// scripts checked; one npm refuses is package-json/invalid's finding, not a
// second one here.
func TestScriptsOfOddAndRefusedManifests(t *testing.T) {
	tree := mapTree{"package.json": `{"dependencies": [], "scripts": {"build": "tsc"}}`, "web/package.json": "{\n  \"scripts\": {\"lint\": \"eslint .\"},\n}\n"}
	src := []byte("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n      - run: npm run nothing\n        working-directory: web\n")
	p := AnalyzeGitHubIn([]Source{{Path: ".github/workflows/ci.yml", Data: src}}, tree)
	var got []string
	for _, f := range p.Findings {
		if f.Rule == RuleMissingScript.ID {
			got = append(got, f.Location()+" "+f.Message)
		}
	}
	want := []string{".github/workflows/ci.yml:6 `npm test` will fail: package.json has no \"test\" script"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("findings %q, want %q", got, want)
	}
}

// A step's package script counts by what it runs: `npm run lint` whose
// script runs `npm run lint:ts`, which runs `tsc --noEmit`, type-checks
// (cheerio's layout). A script that runs itself ends.
func TestStagesOfTheScriptsAStepRuns(t *testing.T) {
	tree := mapTree{"package.json": `{"scripts": {
		"lint": "npm run lint:es && npm run lint:ts",
		"lint:es": "eslint .",
		"lint:ts": "tsc --noEmit",
		"loop": "npm run loop && make",
		"greet": "echo ok"}}`}
	src := []byte("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm run lint\n      - run: npm run loop\n      - run: npm run greet\n")
	p := AnalyzeGitHubIn([]Source{{Path: ".github/workflows/ci.yml", Data: src}}, tree)
	ev, ok := p.Stages[Typecheck]
	if !ok {
		t.Fatalf("no typecheck stage; stages %+v", p.Stages)
	}
	want := Evidence{".github/workflows/ci.yml", 6, `npm run lint runs tsc --noEmit (package.json, script "lint:ts")`}
	if ev != want {
		t.Errorf("typecheck evidence %+v, want %+v", ev, want)
	}
	if _, ok := p.Stages[Build]; !ok {
		t.Errorf("make in the looping script: no build stage; stages %+v", p.Stages)
	}
	if len(p.Stages) != 3 {
		t.Errorf("stages %+v, want lint, typecheck and build only", p.Stages)
	}
}

// `npm run build --if-present`, as GitHub's starter workflow writes it, is
// followed when the script is there (TypeScript-Node-Starter: build runs
// tsc, then lint), and is no missing script
// when it is not.
func TestAStepThatRunsAScriptIfPresent(t *testing.T) {
	tree := mapTree{"package.json": `{"scripts": {
		"build": "npm run build-ts && npm run lint",
		"build-ts": "tsc",
		"lint": "tsc --noEmit && eslint \"**/*.{js,ts}\" --quiet --fix"}}`}
	src := []byte("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm run build --if-present\n      - run: npm run --if-present e2e\n      - run: npm run e2e\n")
	p := AnalyzeGitHubIn([]Source{{Path: ".github/workflows/ci.yml", Data: src}}, tree)
	for stage, want := range map[Stage]Evidence{
		Typecheck: {".github/workflows/ci.yml", 6, `npm run build --if-present runs tsc (package.json, script "build-ts")`},
		Lint:      {".github/workflows/ci.yml", 6, `npm run build --if-present runs npm run lint (package.json, script "build")`},
	} {
		if got := p.Stages[stage]; got != want {
			t.Errorf("%s: %+v, want %+v", stage, got, want)
		}
	}
	var missing []string
	for _, f := range p.Findings {
		if f.Rule == RuleMissingScript.ID {
			missing = append(missing, f.Location())
		}
	}
	if want := []string{".github/workflows/ci.yml:8"}; !reflect.DeepEqual(missing, want) {
		t.Errorf("missing scripts at %q, want %q (only the step without --if-present)", missing, want)
	}
}

// A shell script a step runs counts by what it runs, as nestjs-boilerplate's
// generator job: `npm run test:generators` → `bash test/run-static.sh` →
// `npm run lint`, `npx tsc --noEmit`; a step running ./ci.sh (go build)
// directly too. Scripts that run each other end.
func TestStagesOfTheShellScriptsAStepRuns(t *testing.T) {
	tree := mapTree{
		"package.json":       `{"scripts": {"test:generators": "bash test/run-static.sh", "lint": "eslint ."}}`,
		"test/run-static.sh": "#!/usr/bin/env bash\nset -e\n\nnpm run lint\nnpx tsc --noEmit\n./test/again.sh\n",
		"test/again.sh":      "bash test/run-static.sh\n",
		"ci.sh":              "#!/bin/sh\ngo build ./...\n",
	}
	src := []byte("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm run test:generators\n      - run: ./ci.sh\n")
	p := AnalyzeGitHubIn([]Source{{Path: ".github/workflows/ci.yml", Data: src}}, tree)
	want := map[Stage]Evidence{
		Lint:      {".github/workflows/ci.yml", 6, `npm run test:generators runs npm run lint (test/run-static.sh:4)`},
		Typecheck: {".github/workflows/ci.yml", 6, `npm run test:generators runs npx tsc --noEmit (test/run-static.sh:5)`},
		Build:     {".github/workflows/ci.yml", 7, `./ci.sh runs go build ./... (ci.sh:2)`},
	}
	checkStages(t, p, want)
}

// A package script that changes directory runs the scripts of the package
// there (create-t3-app: `pnpm pub:beta` → `cd cli && pnpm pub:beta` →
// `pnpm build && npm publish --tag beta`); a cd out of the repository, or
// to where the script does not say, ends the following.
func TestPackageScriptsFollowedIntoTheDirectoryTheyGoTo(t *testing.T) {
	tree := mapTree{
		"package.json":     `{"scripts": {"pub:beta": "cd cli && pnpm pub:beta", "out": "cd .. && pnpm x", "away": "cd $DIR && pnpm x", "x": "npm audit"}}`,
		"cli/package.json": `{"scripts": {"pub:beta": "pnpm build && npm publish --tag beta", "build": "tsup"}}`,
	}
	src := []byte("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pnpm pub:beta\n      - run: pnpm out\n      - run: pnpm away\n")
	p := AnalyzeGitHubIn([]Source{{Path: ".github/workflows/ci.yml", Data: src}}, tree)
	want := map[Stage]Evidence{
		Build:  {".github/workflows/ci.yml", 6, `pnpm pub:beta runs pnpm build (cli/package.json, script "pub:beta")`},
		Deploy: {".github/workflows/ci.yml", 6, `pnpm pub:beta runs npm publish --tag beta (cli/package.json, script "pub:beta")`},
	}
	checkStages(t, p, want)
	if ev, ok := p.Stages[SecurityScan]; ok {
		t.Errorf("followed a cd out of the repository or to an unknown place: %+v", ev)
	}
}

// The message names every scope the token can write, not only the first.
func TestWritesNamesEveryScope(t *testing.T) {
	docs, err := yamlpos.Parse([]byte("permissions:\n  contents: read\n  id-token: write\n  pull-requests: write\n  statuses: write\njobs: {}\n"))
	if err != nil {
		t.Fatal(err)
	}
	how, ok := writes(docs[0], docs[0].Get("jobs"))
	if want := "a token that can write id-token, pull-requests, statuses"; !ok || how != want {
		t.Errorf("writes = %q %v, want %q", how, ok, want)
	}
}

// A run: that is an expression choosing the command runs one of its
// strings: `make test` there is the test stage, at the step's line.
func TestCommandChosenByAnExpression(t *testing.T) {
	withoutActionlint(t)
	r := runFixture(t, KindGitHub, "github", "exprcommand")
	if r.Facts["stages.test"] != 1 {
		t.Errorf("facts %v: the test stage is not seen", r.Facts)
	}
	for _, f := range r.Findings {
		if f.Rule == RuleNoTestStage.ID {
			t.Errorf("finding %s %s", f.Location(), f.Message)
		}
	}
	if !strings.Contains(r.Output, ".github/workflows/test.yml:15  make test-race") {
		t.Errorf("evidence:\n%s", r.Output)
	}
}

// A package manager appends the words after a script's name to it:
// express-typescript-boilerplate's CI runs `npm start test`, and its start
// script is nps, so the step runs `nps test`. `npm start` without a start
// script runs node server.js: no missing script.
func TestScriptArgumentsAreAppendedToTheScript(t *testing.T) {
	tree := mapTree{"package.json": `{"scripts": {"start": "nps", "test": "npm start test"}}`}
	src := []byte("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm start build\n      - run: npm test\n      - run: yarn run start -- lint\n")
	p := AnalyzeGitHubIn([]Source{{Path: ".github/workflows/ci.yml", Data: src}}, tree)
	want := map[Stage]Evidence{
		Build: {".github/workflows/ci.yml", 6, `npm start build runs nps build (package.json, script "start")`},
		Test:  {".github/workflows/ci.yml", 7, `npm test runs nps test (package.json, script "start")`},
		Lint:  {".github/workflows/ci.yml", 8, `yarn run start -- lint runs nps lint (package.json, script "start")`},
	}
	checkStages(t, p, want)

	bare := AnalyzeGitHubIn([]Source{{Path: ".github/workflows/ci.yml", Data: []byte("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm start\n")}},
		mapTree{"package.json": `{"scripts": {}}`})
	for _, f := range bare.Findings {
		if f.Rule == RuleMissingScript.ID {
			t.Errorf("npm start without a start script: %s", f.Message)
		}
	}
}

// A package script's commands decide its stages, its name only when they
// show none: excalidraw's lint workflow runs `yarn test:other`, which is
// prettier --list-different (a lint, no test), before its test workflow
// runs `yarn test:app` (vitest). A script of a name alone, running a
// program preflight does not know, still counts by its name.
func TestScriptContentDecidesOverItsName(t *testing.T) {
	tree := mapTree{"package.json": `{"scripts": {"test:other": "yarn prettier --list-different", "test:app": "vitest", "test:e2e": "my-runner --all"}}`}
	lint := []byte("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: yarn test:other\n")
	p := AnalyzeGitHubIn([]Source{{Path: ".github/workflows/lint.yml", Data: lint}}, tree)
	if _, ok := p.Stages[Test]; ok {
		t.Errorf("prettier counted as a test stage: %+v", p.Stages[Test])
	}
	checkStages(t, p, map[Stage]Evidence{Lint: {".github/workflows/lint.yml", 6, `yarn test:other runs yarn prettier --list-different (package.json, script "test:other")`}})

	test := []byte("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: yarn test:other\n      - run: yarn test:app\n      - run: yarn test:e2e\n")
	p = AnalyzeGitHubIn([]Source{{Path: ".github/workflows/test.yml", Data: test}}, tree)
	checkStages(t, p, map[Stage]Evidence{Test: {".github/workflows/test.yml", 7, `yarn test:app runs vitest (package.json, script "test:app")`}})

	named := []byte("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: yarn test:e2e\n")
	p = AnalyzeGitHubIn([]Source{{Path: ".github/workflows/e2e.yml", Data: named}}, tree)
	checkStages(t, p, map[Stage]Evidence{Test: {".github/workflows/e2e.yml", 6, "yarn test:e2e"}})
}

// A bare tsc whose tsconfig says noEmit type-checks and builds nothing
// (excalidraw's test:typecheck); one that emits builds too.
func TestTscWithoutEmitIsNoBuild(t *testing.T) {
	step := []byte("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: yarn test:typecheck\n")
	for _, tc := range []struct {
		tsconfig string
		build    bool
	}{
		{`{"compilerOptions": {"strict": true, "noEmit": true}}`, false},
		{`{"compilerOptions": {"outDir": "dist"}}`, true},
	} {
		tree := mapTree{"package.json": `{"scripts": {"test:typecheck": "tsc"}}`, "tsconfig.json": tc.tsconfig}
		p := AnalyzeGitHubIn([]Source{{Path: ".github/workflows/lint.yml", Data: step}}, tree)
		_, build := p.Stages[Build]
		if _, typecheck := p.Stages[Typecheck]; !typecheck || build != tc.build {
			t.Errorf("%s: stages %+v", tc.tsconfig, p.Stages)
		}
	}
}
