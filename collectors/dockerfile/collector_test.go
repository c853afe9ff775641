package dockerfile

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"
)

func fixture(t *testing.T, name string) (string, []collectors.Collector) {
	t.Helper()
	root := fixturetest.Testdata(t, name)
	return root, Detect(root, fixturetest.Files(t, root, "build"))
}

func TestDetect(t *testing.T) {
	_, cs := fixture(t, "repo")
	got := map[string][]string{}
	for _, c := range cs {
		got[c.ID()] = c.(*Collector).Files()
		if c.Kind() != "dockerfile" || c.Domain() != "deployment" {
			t.Errorf("%s: kind %s domain %s", c.ID(), c.Kind(), c.Domain())
		}
	}
	want := map[string][]string{
		"dockerfile:.":          {"Dockerfile"},
		"dockerfile:api":        {"api/Dockerfile", "api/Dockerfile.dev"},
		"dockerfile:legacy/api": {"legacy/api/Dockerfile"},
		// Named by compose only: not a Dockerfile by its name.
		"dockerfile:docker": {"web/docker/web.build"},
		"dockerfile:worker": {"worker/Dockerfile"},
		// Under build/, which the file list leaves out; compose builds it.
		"dockerfile:package": {"build/package/Dockerfile"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("detected %v\nwant %v", got, want)
	}
}

func TestInputsMatchOnlyTheirFiles(t *testing.T) {
	c := &Collector{id: "dockerfile:x", files: []string{"a/Dockerfile", "b/[x]/Dockerfile"}}
	in := c.Inputs()
	match := func(p string) bool {
		for _, g := range in {
			if ok, _ := doublestar.Match(g, p); ok {
				return true
			}
		}
		return false
	}
	if !match("a/Dockerfile") || !match("b/[x]/Dockerfile") || match("b/x/Dockerfile") || match("a/Dockerfile.dev") {
		t.Errorf("inputs %v match the wrong paths", in)
	}
}

func run(t *testing.T, name string) model.Result {
	t.Helper()
	root, cs := fixture(t, name)
	if len(cs) != 1 {
		t.Fatalf("%s: %d collectors", name, len(cs))
	}
	return cs[0].Run(context.Background(), collectors.Request{Root: root})
}

func TestRunReportsFindingsWithEvidence(t *testing.T) {
	res := run(t, "bad")
	if res.Status != model.StatusOK || res.Collector != "dockerfile:." || res.ExitCode != -1 {
		t.Fatalf("result %+v", res)
	}
	if res.Facts["dockerfiles"] != 1 || res.Facts["suppressed"] != 0 || len(res.Facts) != 2 {
		t.Errorf("facts %v", res.Facts)
	}
	if len(res.Findings) != 14 {
		t.Fatalf("%d findings", len(res.Findings))
	}
	seen := map[string]bool{}
	for i, f := range res.Findings {
		if f.Collector != "dockerfile:." || f.Domain != "deployment" || f.File != "Dockerfile" || f.ID == "" || seen[f.ID] {
			t.Errorf("finding %+v", f)
		}
		seen[f.ID] = true
		if i > 0 && f.Line < res.Findings[i-1].Line {
			t.Errorf("findings are not in line order at %d", i)
		}
	}
	if res.Command != "parsed 1 Dockerfile in . (preflight built-in rules)" {
		t.Errorf("command %q", res.Command)
	}
	if res.Output != "Dockerfile: 3 stages, 14 findings, 0 suppressed" {
		t.Errorf("output %q", res.Output)
	}
}

func TestRunHonoursSuppressions(t *testing.T) {
	res := run(t, "multi")
	if res.Status != model.StatusOK || res.Facts["dockerfiles"] != 3 || res.Facts["suppressed"] != 2 {
		t.Fatalf("status %s facts %v", res.Status, res.Facts)
	}
	// Both findings of worker.Dockerfile are suppressed; the suppression
	// that gives no reason is itself a finding at its own line.
	if len(res.Findings) != 1 {
		t.Fatalf("findings %+v", res.Findings)
	}
	f := res.Findings[0]
	if f.Rule != "preflight/suppression-without-reason" || f.File != "worker.Dockerfile" || f.Line != 1 || f.Severity != model.Low {
		t.Errorf("finding %+v", f)
	}
}

func TestRunOnHardenedDockerfileIsClean(t *testing.T) {
	res := run(t, "good")
	if res.Status != model.StatusOK || len(res.Findings) != 0 || res.Facts["dockerfiles"] != 1 {
		t.Fatalf("status %s findings %+v", res.Status, res.Findings)
	}
}

// A Dockerfile docker build refuses is a blocker at its line, quoting the
// line with secret values masked; the other Dockerfiles are still checked.
func TestUnparsableDockerfileIsABlockerAtItsLine(t *testing.T) {
	res := run(t, "broken")
	if res.Status != model.StatusOK || res.Error != "" {
		t.Fatalf("status %s error %q", res.Status, res.Error)
	}
	got := map[string]model.Finding{}
	others := 0
	for _, f := range res.Findings {
		if f.Rule == RuleInvalid.ID {
			got[f.File] = f
		} else if f.File == "Dockerfile.ok" {
			others++
		}
	}
	for file, want := range map[string]string{
		"Dockerfile":         "2: unknown instruction: RUNN (did you mean RUN?) (at: RUNN echo hi)",
		"Dockerfile.empty":   "2: file with no instructions",
		"heredoc.Dockerfile": "2: unterminated heredoc",
		"Dockerfile.flag":    `2: time: invalid duration "forever"`,
		"Dockerfile.secret":  `2: Syntax error - can't find = in "stray". Must be of the form: name=value (at: ENV DB_PASSWORD=**** stray)`,
	} {
		f := got[file]
		if f.Severity != model.Blocker || !strings.HasPrefix(fmt.Sprintf("%d: %s", f.Line, f.Message), want) {
			t.Errorf("%s: finding %+v, want %q", file, f, want)
		}
	}
	if strings.Contains(res.Output+fmt.Sprint(res.Findings), "hunter2") {
		t.Error("a secret value is shown")
	}
	if !strings.Contains(res.Output, "Dockerfile:2: unknown instruction: RUNN (did you mean RUN?) (at: RUNN echo hi)") {
		t.Errorf("output %q", res.Output)
	}
	if res.Facts["dockerfiles"] != 1 || others == 0 {
		t.Errorf("facts %v, %d findings in the valid sibling", res.Facts, others)
	}
}

func TestRemovedFileIsSkipped(t *testing.T) {
	root := fixturetest.Testdata(t, "good")
	c := &Collector{id: "dockerfile:good", dir: ".", files: []string{"Dockerfile", "Dockerfile.gone"}}
	res := c.Run(context.Background(), collectors.Request{Root: root})
	if res.Status != model.StatusOK || res.Facts["dockerfiles"] != 1 {
		t.Errorf("status %s facts %v error %q", res.Status, res.Facts, res.Error)
	}
}

// COPY . copies what .dockerignore lets through; git ignores a developer's
// .env, docker build does not (node-express-boilerplate's .dockerignore
// leaves it in). Only a context where a .env is kept counts, only the
// stages that ship, and BuildKit's own reading of .dockerignore decides.
func TestEnvFileInTheBuildContext(t *testing.T) {
	copyAll := "FROM alpine:3.20\nWORKDIR /app\nCOPY . .\nUSER app\n"
	cases := []struct {
		name  string
		files map[string]string
		want  string // the finding's message, "" for none
	}{
		{"no .dockerignore", map[string]string{"Dockerfile": copyAll, ".env.example": "PORT=3000\n"},
			"COPY . . copies the whole build context (the repository root, as docker build . takes it), and there is no .dockerignore for it (.env.example shows one is kept there): a developer's .env goes into the image with its secrets"},
		{".dockerignore without .env", map[string]string{"api/Dockerfile": copyAll, "api/.env": "JWT_SECRET=x\n", "api/.dockerignore": "node_modules\n"},
			"COPY . . copies the whole build context (api, as docker build api takes it), and api/.dockerignore does not exclude .env (a .env is there): a developer's .env goes into the image with its secrets"},
		{"excluded", map[string]string{"Dockerfile": copyAll, ".env.example": "", ".dockerignore": "node_modules\n.env\n"}, ""},
		{"excluded with the examples let back", map[string]string{"Dockerfile": copyAll, ".env.example": "", ".dockerignore": ".env*\n!.env.example\n"}, ""},
		{"an allow-list", map[string]string{"Dockerfile": copyAll, ".env.example": "", ".dockerignore": "*\n!src\n!package.json\n"}, ""},
		{"the Dockerfile's own ignore file", map[string]string{"Dockerfile": copyAll, ".env.example": "", "Dockerfile.dockerignore": "**/.env\n", ".dockerignore": "node_modules\n"}, ""},
		{"no .env kept here", map[string]string{"Dockerfile": copyAll}, ""},
		// The context is where the project builds from, not always the
		// Dockerfile's directory.
		{"compose builds it from the root", map[string]string{"docker/Dockerfile": copyAll, ".env": "JWT_SECRET=x\n",
			"docker-compose.yml": "services:\n  api:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile\n"},
			"COPY . . copies the whole build context (the repository root, as docker-compose.yml:3 builds it), and there is no .dockerignore for it (a .env is there): a developer's .env goes into the image with its secrets"},
		{"a Makefile builds it from the root", map[string]string{"build/Dockerfile": copyAll, ".env.example": "", ".dockerignore": "node_modules\n",
			"Makefile": "image:\n\tdocker build \\\n\t  -f build/Dockerfile -t app .\n"},
			"COPY . . copies the whole build context (the repository root, as Makefile:2 builds it), and .dockerignore does not exclude .env (.env.example shows one is kept there): a developer's .env goes into the image with its secrets"},
		{"a release workflow's build-push-action builds it from the root", map[string]string{"docker/Dockerfile": copyAll, ".env.example": "",
			".github/workflows/release.yml": "on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          context: .\n          file: docker/Dockerfile\n"},
			"COPY . . copies the whole build context (the repository root, as .github/workflows/release.yml:6 builds it), and there is no .dockerignore for it (.env.example shows one is kept there): a developer's .env goes into the image with its secrets"},
		// umami's shape: the builder copies the context, and the runner
		// takes Next.js's standalone output, where next build puts the
		// .env files it loaded.
		{"a Next.js standalone output carries it", map[string]string{".env.example": "",
			"Dockerfile": "FROM node:22-alpine AS builder\nWORKDIR /app\nCOPY . .\nRUN npm run build\nFROM node:22-alpine AS runner\nWORKDIR /app\nCOPY --from=builder /app/.next/standalone ./\nUSER node\n"},
			"COPY . . copies the whole build context (the repository root, as docker build . takes it), and there is no .dockerignore for it (.env.example shows one is kept there): next build copies the .env files it loads into /app/.next/standalone, which line 7 copies into the image with their secrets"},
		{"a builder's static output carries none", map[string]string{".env.example": "",
			"Dockerfile": "FROM node:22-alpine AS builder\nWORKDIR /app\nCOPY . .\nRUN npm run build\nFROM nginx:1.27\nCOPY --from=builder /app/.next/static /usr/share/nginx/html\n"}, ""},
		{"a sub-directory's Makefile builds from its directory", map[string]string{"api/Dockerfile": copyAll, "api/.env.example": "",
			"api/Makefile": "image:\n\tdocker build -t api .\n"},
			"COPY . . copies the whole build context (api, as api/Makefile:2 builds it), and there is no .dockerignore for it (.env.example shows one is kept there): a developer's .env goes into the image with its secrets"},
		{"built from a root whose .dockerignore keeps .env out", map[string]string{"docker/Dockerfile": copyAll, "docker/.env.example": "",
			".env.example": "", ".dockerignore": ".env\n", "compose.yaml": "services:\n  api:\n    build: {context: ., dockerfile: docker/Dockerfile}\n"}, ""},
		{"COPY --exclude", map[string]string{"Dockerfile": "# syntax=docker/dockerfile:1.7-labs\nFROM alpine:3.20\nCOPY --exclude=.env . .\n", ".env.example": ""}, ""},
		{"only a builder stage copies it", map[string]string{"Dockerfile": "FROM node:22 AS build\nCOPY . .\nRUN npm run build\nFROM nginx:1.27\nCOPY --from=build /dist /usr/share/nginx/html\n", ".env.example": ""}, ""},
	}
	for _, tc := range cases {
		root := t.TempDir()
		fixturetest.WriteFiles(t, root, tc.files)
		var got []string
		for _, c := range Detect(root, fixturetest.Files(t, root)) {
			for _, f := range c.Run(context.Background(), collectors.Request{Root: root}).Findings {
				if f.Rule == RuleEnvInImage.ID {
					got = append(got, f.Message)
					if f.Line != 3 && f.Line != 0 {
						t.Errorf("%s: at line %d", tc.name, f.Line)
					}
				}
			}
		}
		switch {
		case tc.want == "" && len(got) > 0:
			t.Errorf("%s: %q", tc.name, got)
		case tc.want != "" && (len(got) != 1 || got[0] != tc.want):
			t.Errorf("%s: %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

// What decides a Dockerfile's build context is an input: the file that
// builds it, and the .dockerignore, .env and examples of the context it
// builds from; an edit there reruns the rules with the context it names.
func TestBuildContextInputs(t *testing.T) {
	root := t.TempDir()
	fixturetest.WriteFiles(t, root, map[string]string{
		"build/Dockerfile": "FROM alpine:3.20\nCOPY . .\nUSER app\n", ".env": "A=b\n",
		"Makefile": "image:\n\tdocker build -f build/Dockerfile -t app .\n", "README.md": "Run make image.\n",
	})
	cols := Detect(root, fixturetest.Files(t, root))
	if len(cols) != 1 {
		t.Fatalf("%d collectors", len(cols))
	}
	in := cols[0].(interface{ Inputs() []string }).Inputs()
	for _, want := range []string{"Makefile", ".dockerignore", ".env", ".env.example", "build/Dockerfile", "build/Dockerfile.dockerignore"} {
		if !slices.Contains(in, want) {
			t.Errorf("inputs %q lack %s", in, want)
		}
	}
	if slices.Contains(in, "README.md") || slices.Contains(in, "build/.env") {
		t.Errorf("inputs %q hold files that do not decide the context", in)
	}
	envFindings := func() int {
		n := 0
		for _, f := range cols[0].Run(context.Background(), collectors.Request{Root: root}).Findings {
			if f.Rule == RuleEnvInImage.ID {
				n++
			}
		}
		return n
	}
	if envFindings() != 1 {
		t.Error("the root's .env goes into the image built from the root, unsaid")
	}
	// The Makefile now builds from build/, which keeps no .env.
	fixturetest.WriteFiles(t, root, map[string]string{"Makefile": "image:\n\tdocker build -t app build\n"})
	if n := envFindings(); n != 0 {
		t.Errorf("after the Makefile changed to build from build/: %d findings", n)
	}
}

// An image only developers or tests use (a Gitpod or dev container
// workspace, Dockerfile.dev) ships nothing: its findings are info, marked.
// One a workflow builds ships, whatever its name; so does the app's.
func TestDevImagesAreInfo(t *testing.T) {
	unpinned := "FROM node\nRUN npm ci\n"
	root := fixturetest.WriteRepo(t, map[string]string{
		".gitpod.Dockerfile":       "FROM gitpod/workspace-full\nRUN curl -fsSL https://fly.io/install.sh | sh\n",
		".gitpod.yml":              "image:\n  file: .gitpod.Dockerfile\n",
		".devcontainer/Dockerfile": unpinned,
		".codesandbox/Dockerfile":  "FROM node:24-bullseye\nRUN apt update -y && apt install -y xdg-utils\n",
		"Dockerfile":               unpinned,
		"worker/Dockerfile.dev":    unpinned,
		".github/workflows/ci.yml": "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker build -f worker/Dockerfile.dev worker\n",
	})
	bySeverity := map[string]map[model.Severity]int{}
	var gitpodRoot bool
	for _, c := range Detect(root, fixturetest.Files(t, root)) {
		res := c.Run(context.Background(), collectors.Request{Root: root})
		for _, f := range res.Findings {
			if bySeverity[f.File] == nil {
				bySeverity[f.File] = map[model.Severity]int{}
			}
			bySeverity[f.File][f.Severity]++
			if (f.Severity == model.Info) != strings.HasSuffix(f.Message, " [dev image]") {
				t.Errorf("%s: %s %q", f.File, f.Severity, f.Message)
			}
			if f.File == ".gitpod.Dockerfile" && f.Rule == RuleRootUser.ID {
				gitpodRoot = true
			}
		}
	}
	for file, dev := range map[string]bool{".gitpod.Dockerfile": true, ".devcontainer/Dockerfile": true, ".codesandbox/Dockerfile": true, "Dockerfile": false, "worker/Dockerfile.dev": false} {
		s := bySeverity[file]
		info := s[model.Info]
		if total := info + s[model.Low] + s[model.Medium] + s[model.High] + s[model.Blocker]; total == 0 || (info == total) != dev {
			t.Errorf("%s: findings by severity %v, dev image %v", file, s, dev)
		}
	}
	if gitpodRoot {
		t.Error("gitpod/workspace-full ends with USER gitpod: it does not run as root")
	}
}

// An image whose command runs the tests is a harness that runs to
// completion, not a server that ships (fzf's Dockerfile: CMD runs ruby
// test/runner.rb in tmux): its findings are info, marked. One that serves
// is judged as shipped.
func TestTestImagesAreInfo(t *testing.T) {
	root := fixturetest.WriteRepo(t, map[string]string{
		"Dockerfile": "FROM rubylang/ruby:3.4.1-noble\nRUN apt-get update && apt-get install -y git make golang tmux\nCOPY . /fzf\n" +
			`CMD ["bash", "-ic", "tmux new 'set -o pipefail; ruby /fzf/test/runner.rb | tee out && touch ok' && cat out && [ -e ok ]"]` + "\n",
		"api/Dockerfile":     "FROM node:24\nCOPY . .\nENTRYPOINT [\"npm\"]\nCMD [\"start\"]\n",
		"runner/Dockerfile":  "FROM golang:1.26\nCOPY . .\nENTRYPOINT [\"go\"]\nCMD [\"test\", \"./...\"]\n",
		"shellep/Dockerfile": "FROM node:24\nCOPY . .\nENTRYPOINT node server.js\nCMD [\"npm\", \"test\"]\n",
	})
	want := map[string]bool{"Dockerfile": true, "api/Dockerfile": false, "runner/Dockerfile": true, "shellep/Dockerfile": false}
	seen := map[string]bool{}
	for _, c := range Detect(root, fixturetest.Files(t, root)) {
		res := c.Run(context.Background(), collectors.Request{Root: root})
		for _, f := range res.Findings {
			seen[f.File] = true
			if marked := f.Severity == model.Info && strings.HasSuffix(f.Message, " [test image]"); marked != want[f.File] {
				t.Errorf("%s: %s %q, test image %v", f.File, f.Severity, f.Message, want[f.File])
			}
		}
		if want[c.(*Collector).files[0]] && !strings.Contains(res.Output, "an image that runs the tests (") {
			t.Errorf("output %q", res.Output)
		}
	}
	if len(seen) != len(want) {
		t.Errorf("findings in %v, want every Dockerfile", seen)
	}
}
