package workflows

import (
	"path"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/preflight-dev/preflight/internal/shellwords"
	"github.com/preflight-dev/preflight/internal/wordsplit"
)

// Stage is one kind of pipeline step whose presence the CI domain checks.
type Stage uint8

const (
	Lint Stage = iota
	Typecheck
	Test
	Build
	SecurityScan
	ContainerBuild
	Deploy
	numStages
)

// AllStages lists the stages in display order.
var AllStages = []Stage{Lint, Typecheck, Test, Build, SecurityScan, ContainerBuild, Deploy}

var stageNames = [numStages]string{"lint", "typecheck", "test", "build", "security_scan", "container_build", "deploy"}

// String is the stage's id, used in fact names (stages.security_scan).
func (s Stage) String() string {
	if s < numStages {
		return stageNames[s]
	}
	return "stage?"
}

// Stages is a set of stages.
type Stages uint8

func setOf(ss ...Stage) Stages {
	var out Stages
	for _, s := range ss {
		out |= 1 << s
	}
	return out
}

// Has reports whether s is in the set.
func (set Stages) Has(s Stage) bool { return s < numStages && set&(1<<s) != 0 }

// List returns the stages in the set in display order.
func (set Stages) List() []Stage {
	var out []Stage
	for _, s := range AllStages {
		if set.Has(s) {
			out = append(out, s)
		}
	}
	return out
}

var (
	none      Stages
	lint      = setOf(Lint)
	typecheck = setOf(Typecheck)
	test      = setOf(Test)
	build     = setOf(Build)
	security  = setOf(SecurityScan)
	container = setOf(ContainerBuild)
	deploy    = setOf(Deploy)
)

// CommandMatch is one shell command that shows a stage.
type CommandMatch struct {
	Stages  Stages
	Command string // the command as written, trimmed
	Line    int    // 0-based line of the script it starts on
}

// CommandStages reads a shell script (a `run:` or `script:` entry) and
// returns the commands that show a stage. It is a reader of intent, not a
// shell: it reads the simple commands shellwords finds (those inside
// substitutions and subshells too), looks through wrappers (env
// assignments, sudo, npx, poetry run, python -m …) and recognises tools and
// the task names given to task runners (npm run lint, make test …).
func CommandStages(script string) []CommandMatch {
	var out []CommandMatch
	for _, cmd := range shellwords.Commands(script) {
		if st := classifyWords(cmd.Values(), 0); st != none {
			out = append(out, CommandMatch{Stages: st, Command: cmd.Text, Line: cmd.Line})
		}
	}
	return out
}

// ScriptStages is the union of the stages CommandStages finds.
func ScriptStages(script string) Stages {
	var set Stages
	for _, m := range CommandStages(script) {
		set |= m.Stages
	}
	return set
}

// maxNesting bounds wrappers that run other commands (concurrently,
// sh -c, docker run …) so odd input cannot recurse forever.
const maxNesting = 8

// classifyWords recognises one simple command.
func classifyWords(w []string, depth int) Stages {
	if depth > maxNesting {
		return none
	}
	w = stripPrefixes(w)
	if len(w) == 0 {
		return none
	}
	tool := toolName(w[0])
	if runtimeVariable.MatchString(w[0]) {
		tool = "docker" // $CONTAINER_RUNTIME buildx build: docker or podman, which read the same
	}
	args := w[1:]
	if fn, ok := runners[tool]; ok {
		return fn(args, depth)
	}
	if st, ok := tools[tool]; ok {
		return st
	}
	// A script file named after what it does: ./scripts/test.sh, lint.py.
	if ext := path.Ext(w[0]); scriptExts[ext] || strings.Contains(w[0], "/") {
		return scriptFileStages(w[0])
	}
	return none
}

// runtimeVariable is a command word that names the container engine
// through a variable, as Makefiles and scripts that run on docker or
// podman do: $CONTAINER_RUNTIME, ${DOCKER}, $(CONTAINER_ENGINE).
var runtimeVariable = regexp.MustCompile(`(?i)^\$[({]?[A-Z_]*(DOCKER|PODMAN|CONTAINER_(RUNTIME|ENGINE|CLI|TOOL|CMD)|OCI_(RUNTIME|ENGINE))[A-Z_]*[)}]?$`)

var scriptExts = map[string]bool{".sh": true, ".bash": true, ".py": true, ".js": true, ".mjs": true, ".ts": true, ".ps1": true, ".rb": true, ".pl": true}

// toolName is the program a word names: its base name, lower case,
// without a Windows suffix or a `go run` version.
func toolName(w string) string {
	w = strings.ToLower(w)
	if i := strings.LastIndexByte(w, '@'); i > 0 {
		w = w[:i]
	}
	w = strings.TrimRight(w, "/")
	w = path.Base(w)
	for _, ext := range []string{".exe", ".cmd", ".bat"} {
		w = strings.TrimSuffix(w, ext)
	}
	return w
}

// prefixWords run the rest of the command unchanged.
var prefixWords = map[string]bool{
	"sudo": true, "time": true, "exec": true, "command": true, "builtin": true, "nohup": true,
	"if": true, "then": true, "else": true, "elif": true, "do": true, "while": true, "until": true,
	"!": true, "{": true, "}": true, "xvfb-run": true, "dotenv": true, "cross-env": true, "env": true,
	"npx": true, "pnpx": true, "bunx": true, "uvx": true, "with-contenv": true, "retry": true,
}

// wrapperPairs are two-word wrappers: `poetry run pytest`.
var wrapperPairs = map[string]map[string]bool{
	"pnpm":   {"exec": true, "dlx": true},
	"yarn":   {"exec": true, "dlx": true},
	"npm":    {"exec": true, "x": true},
	"bundle": {"exec": true},
	"pipx":   {"run": true},
	"nix":    {"develop": true, "shell": true},
	"conda":  {"run": true},
	"mamba":  {"run": true},
	"mise":   {"exec": true, "x": true},
	"asdf":   {"exec": true},
}

// prefixValueFlags are flags of prefix words that take a value.
var prefixValueFlags = map[string]bool{"-p": true, "--package": true, "-u": true, "--user": true, "-s": true, "--signal": true, "-k": true, "--kill-after": true}

// stripPrefixes drops what only sets up the command: VAR=value, sudo,
// timeouts, `npx --yes`, `bundle exec` …, and `--` markers.
func stripPrefixes(w []string) []string {
	for len(w) > 0 {
		first := strings.ToLower(w[0])
		switch {
		case isAssignment(w[0]), first == "--":
			w = w[1:]
		case first == "timeout":
			w = skipFlags(w[1:])
			if len(w) > 0 && startsWithDigit(w[0]) {
				w = w[1:]
			}
		case prefixWords[first]:
			w = skipFlags(w[1:])
		case len(w) > 1 && wrapperPairs[first][strings.ToLower(w[1])]:
			w = skipFlags(w[2:])
		default:
			return w
		}
	}
	return w
}

// skipFlags drops leading flags (and the values of prefixValueFlags) up
// to and including a "--".
func skipFlags(w []string) []string {
	for len(w) > 0 && strings.HasPrefix(w[0], "-") {
		if w[0] == "--" {
			return w[1:]
		}
		if prefixValueFlags[w[0]] && len(w) > 1 {
			w = w[1:]
		}
		w = w[1:]
	}
	return w
}

func isAssignment(w string) bool {
	i := strings.IndexByte(w, '=')
	if i <= 0 {
		return false
	}
	for j, r := range w[:i] {
		if !(r == '_' || unicode.IsLetter(r) || (j > 0 && unicode.IsDigit(r))) {
			return false
		}
	}
	return true
}

func startsWithDigit(w string) bool { return w != "" && w[0] >= '0' && w[0] <= '9' }

// scriptNameStages reads a script file's stem (test, run_tests,
// lint-all) as a task name: ./scripts/test.sh tests, ./bin/server shows
// nothing. A file is named for what it makes as often as for what it
// does, so every word must be a stage's or a plain modifier:
// build-locales-coverage.js computes translation figures, no build.
func scriptNameStages(stem string) Stages {
	for _, w := range splitName(stem) {
		if !scriptModifiers[w] && TaskStages(w) == none {
			return none
		}
	}
	return TaskStages(stem)
}

// scriptFileStages reads a script file by its name (scriptNameStages);
// a runner in a test directory (test/runner.rb, tests/run.sh,
// spec/all.rb) runs the tests.
func scriptFileStages(file string) Stages {
	stem := strings.TrimSuffix(path.Base(file), path.Ext(file))
	if st := scriptNameStages(stem); st != none {
		return st
	}
	if testDirs[path.Base(path.Dir(file))] && runnerNames[strings.ToLower(stem)] {
		return test
	}
	return none
}

var (
	testDirs    = map[string]bool{"test": true, "tests": true, "spec": true, "specs": true, "e2e": true, "__tests__": true}
	runnerNames = map[string]bool{"run": true, "runner": true, "run_all": true, "run-all": true, "runall": true, "all": true, "main": true, "index": true}
)

// scriptModifiers are words that may stand beside a stage's in a script
// file's name: where, how much, or of which part.
var scriptModifiers = map[string]bool{"run": true, "all": true, "and": true, "ci": true, "local": true, "prod": true,
	"production": true, "staging": true, "dev": true, "release": true, "full": true, "unit": true, "integration": true,
	"check": true, "fix": true, "push": true, "docker": true, "image": true, "images": true, "app": true, "web": true,
	"api": true, "server": true, "client": true, "frontend": true, "backend": true, "go": true, "js": true, "ts": true,
	"container": true, "containers": true, "sh": true, "script": true, "types": true, "type": true, "format": true, "fmt": true}

// TaskStages classifies the name of a task, package script or make
// target: test:unit, lint-fix, typecheck, build:prod, docker-build, audit,
// deploy. Ambiguous names (check, ci, verify, all) show nothing: they
// could mean anything, and a stage that is claimed without evidence is
// worse than one reported missing.
func TaskStages(name string) Stages {
	words := splitName(name)
	if len(words) == 0 {
		return none
	}
	has := func(ws ...string) bool {
		for _, w := range words {
			for _, x := range ws {
				if w == x {
					return true
				}
			}
		}
		return false
	}
	var set Stages
	for _, w := range words {
		if strings.HasPrefix(w, "test") && w != "testdata" {
			set |= test
		}
	}
	if has("spec", "specs", "e2e", "jest", "vitest", "mocha", "pytest", "cypress", "playwright", "unittest", "unittests") {
		set |= test
	}
	// Coverage of the tests (coverage, test:coverage, coverage-report),
	// not of something else (excalidraw's locales-coverage computes how
	// much of the UI is translated).
	if has("coverage") && !slices.ContainsFunc(words, func(w string) bool { return !coverageWords[w] }) {
		set |= test
	}
	if has("lint", "linter", "linting", "eslint", "stylelint", "clippy", "ktlint", "checkstyle", "detekt", "golangci", "rubocop", "flake8", "pylint", "ruff", "biome", "oxlint", "shellcheck", "hadolint", "staticcheck") ||
		(has("format", "fmt", "prettier", "style", "formatting") && has("check", "verify", "ci", "lint")) {
		set |= lint
	}
	joined := strings.Join(words, "")
	if strings.Contains(joined, "typecheck") || has("tsc", "types", "mypy", "pyright", "typescript") ||
		(has("type", "types") && has("check", "checks", "checking")) {
		set |= typecheck
	}
	if has("docker", "image", "images", "container", "containers", "podman", "oci", "kaniko") && !has("scan", "lint") {
		if has("build", "bake", "image", "images", "push", "kaniko") {
			set |= container
		}
	} else if has("build", "compile", "bundle", "dist", "assemble", "webpack", "rollup", "esbuild", "tsup", "jar", "bootjar", "shadowjar") {
		set |= build
	}
	if has("audit", "security", "sec", "vuln", "vulns", "vulncheck", "govulncheck", "snyk", "trivy", "gitleaks", "semgrep", "sast", "dast", "codeql", "secrets", "bandit", "gosec", "scan", "scanning") ||
		(has("dependency", "dependencies", "deps") && has("check")) {
		set |= security
	}
	if has("deploy", "deployment", "deploys", "publish", "rollout", "ship") {
		set |= deploy
	}
	return set
}

// coverageWords may stand beside "coverage" in the name of a test run.
var coverageWords = map[string]bool{"coverage": true, "cov": true, "test": true, "tests": true, "unit": true, "run": true,
	"ci": true, "all": true, "report": true, "html": true, "lcov": true, "check": true, "full": true, "js": true, "go": true}

// splitName splits a task name into lower-case words at punctuation and
// camelCase boundaries: "test:unit" → test unit, "typeCheck" → type check.
func splitName(name string) []string {
	return wordsplit.Split(name, wordsplit.Options{Case: strings.ToLower})
}
