package workflows

import (
	"path"
	"slices"
	"strings"

	"github.com/preflight-dev/preflight/internal/shellwords"
)

// The tables and readers below recognise what one command does. A tool
// whose use alone shows a stage is in tools; a tool whose stage depends on
// its arguments (npm run lint, make test, cargo clippy) has a runner.

// tools are programs whose mere use shows a stage.
var tools = map[string]Stages{
	// tests
	"pytest": test, "py.test": test, "vitest": test, "jest": test, "mocha": test, "karma": test,
	"jasmine": test, "rspec": test, "phpunit": test, "pest": test, "gotestsum": test, "ginkgo": test,
	"ctest": test, "behave": test, "nosetests": test, "nose2": test, "tap": test, "bats": test,
	"wdio": test, "testcafe": test, "ava": test, "tape": test, "unittest": test,
	// lint
	"eslint": lint, "golangci-lint": lint, "staticcheck": lint, "flake8": lint, "pylint": lint,
	"rubocop": lint, "stylelint": lint, "shellcheck": lint, "hadolint": lint, "markdownlint": lint,
	"markdownlint-cli2": lint, "yamllint": lint, "tflint": lint, "ktlint": lint, "swiftlint": lint,
	"revive": lint, "golint": lint, "oxlint": lint, "actionlint": lint, "pre-commit": lint,
	"commitlint": lint, "cspell": lint, "detekt": lint, "phpcs": lint, "phpstan": lint, "psalm": lint,
	"vale": lint, "editorconfig-checker": lint, "htmlhint": lint, "textlint": lint, "clang-tidy": lint,
	"cpplint": lint, "pycodestyle": lint, "pydocstyle": lint, "mdl": lint, "sqlfluff": lint,
	"typos": lint, "super-linter": lint, "megalinter": lint, "standard": lint, "xo": lint, "credo": lint,
	// type checks
	"vue-tsc": typecheck, "mypy": typecheck, "dmypy": typecheck, "pyright": typecheck,
	"basedpyright": typecheck, "pytype": typecheck, "pyre": typecheck, "svelte-check": typecheck,
	"tsgo": typecheck, "flow": typecheck,
	// security scans
	"gitleaks": security, "trivy": security, "grype": security, "snyk": security, "semgrep": security,
	"bandit": security, "gosec": security, "govulncheck": security, "safety": security,
	"pip-audit": security, "pip_audit": security, "trufflehog": security, "osv-scanner": security,
	"checkov": security, "tfsec": security, "kics": security, "retire": security, "audit-ci": security,
	"better-npm-audit": security, "detect-secrets": security, "ggshield": security, "codeql": security,
	"zizmor": security, "brakeman": security, "bundler-audit": security, "dependency-check": security,
	"dependency-check.sh": security, "sonar-scanner": security, "cargo-audit": security,
	"cargo-deny": security, "nancy": security, "dockle": security, "terrascan": security,
	"njsscan": security, "scorecard": security, "horusec": security, "secretlint": security,
	// container images
	"kaniko": container, "executor": container, "img": container, "buildctl": container,
	// deployments
	"ansible-playbook": deploy, "surge": deploy, "gh-pages": deploy, "dpl": deploy,
	"semantic-release": deploy, "twine": deploy, "deployctl": deploy,
	// builds
	"webpack": build, "rollup": build, "esbuild": build, "tsup": build, "ninja": build,
	"msbuild": build, "javac": build, "gcc": build, "g++": build, "clang": build, "cmake": build,
	"ncc": build, "rspack": build, "unbuild": build, "microbundle": build, "babel": build,
	"electron-builder": build, "sphinx-build": build, "hugo": build, "scons": build,
}

// runner reads the arguments of a tool whose stage depends on them.
type runner func(args []string, depth int) Stages

var runners map[string]runner

func init() {
	runners = map[string]runner{
		"npm": npm.stagesOf, "pnpm": pnpm.stagesOf, "yarn": yarnRunner, "bun": bun.stagesOf,
		"deno": subcommands(map[string]Stages{"test": test, "lint": lint, "check": typecheck, "compile": build, "bundle": build, "deploy": deploy}, taskArg("task")),
		"make": makeRunner, "gmake": makeRunner, "mingw32-make": makeRunner,
		"task": tasksRunner, "just": tasksRunner, "mage": tasksRunner, "rake": tasksRunner,
		"invoke": tasksRunner, "inv": tasksRunner, "run-s": tasksRunner, "run-p": tasksRunner,
		"npm-run-all": tasksRunner, "npm-run-all2": tasksRunner, "grunt": tasksRunner, "gulp": tasksRunner,
		"turbo": turboRunner, "nx": nxRunner, "lerna": lernaRunner, "rush": tasksRunner, "rushx": tasksRunner,
		"moon": tasksRunner, "earthly": tasksRunner, "mise": miseRunner, "nps": tasksRunner,
		"gradle": gradleRunner, "gradlew": gradleRunner, "mvn": mavenRunner, "mvnw": mavenRunner,
		"sbt": tasksRunner, "lein": tasksRunner, "ant": tasksRunner, "bazel": bazelRunner, "bazelisk": bazelRunner,
		"cargo": cargoRunner, "go": goRunner, "dotnet": dotnetRunner, "mix": tasksRunner,
		"swift":   subcommands(map[string]Stages{"test": test, "build": build}, nil),
		"flutter": subcommands(map[string]Stages{"test": test, "analyze": lint, "build": build}, nil),
		"dart":    subcommands(map[string]Stages{"test": test, "analyze": lint, "compile": build}, nil),
		"zig":     subcommands(map[string]Stages{"test": test, "build": build}, nil),
		"tox":     toxRunner, "nox": toxRunner, "hatch": pythonProjectRunner, "pdm": pythonProjectRunner,
		"poetry": pythonProjectRunner, "uv": pythonProjectRunner, "pipenv": pythonProjectRunner, "rye": pythonProjectRunner,
		"python": pythonRunner, "python3": pythonRunner, "py": pythonRunner, "python2": pythonRunner,
		"coverage": subcommands(map[string]Stages{"run": test}, nil),
		"nyc":      wrapperRunner, "c8": wrapperRunner, "concurrently": concurrentlyRunner,
		"sh": shellRunner, "bash": shellRunner, "zsh": shellRunner, "pwsh": shellRunner,
		"node": nodeRunner, "tsc": tscRunner, "ruby": interpreterRunner, "perl": interpreterRunner, "php": interpreterRunner,
		"tmux":            tmuxRunner,
		"ruff":            formatterRunner("format", "--check", "--diff"),
		"biome":           biomeRunner,
		"dprint":          subcommands(map[string]Stages{"check": lint}, nil),
		"prettier":        checkFlagRunner(lint, "--check", "-c", "--list-different", "-l"),
		"black":           checkFlagRunner(lint, "--check", "--diff"),
		"isort":           checkFlagRunner(lint, "--check", "--check-only", "-c", "--diff"),
		"gofmt":           checkFlagRunner(lint, "-l", "-d"),
		"rustfmt":         checkFlagRunner(lint, "--check"),
		"shfmt":           checkFlagRunner(lint, "-d", "-l"),
		"clang-format":    checkFlagRunner(lint, "--dry-run", "-n"),
		"cypress":         subcommands(map[string]Stages{"run": test}, nil),
		"playwright":      subcommands(map[string]Stages{"test": test}, nil),
		"vite":            subcommands(map[string]Stages{"build": build}, nil),
		"next":            subcommands(map[string]Stages{"build": build, "lint": lint}, nil),
		"nuxt":            subcommands(map[string]Stages{"build": build, "generate": build, "typecheck": typecheck, "test": test}, nil),
		"nuxi":            subcommands(map[string]Stages{"build": build, "generate": build, "typecheck": typecheck, "test": test}, nil),
		"astro":           subcommands(map[string]Stages{"build": build, "check": typecheck}, nil),
		"ng":              subcommands(map[string]Stages{"build": build, "test": test, "lint": lint, "e2e": test, "deploy": deploy}, nil),
		"react-scripts":   subcommands(map[string]Stages{"build": build, "test": test}, nil),
		"vue-cli-service": tasksRunner, "ember": tasksRunner, "gatsby": subcommands(map[string]Stages{"build": build}, nil),
		"remix":      subcommands(map[string]Stages{"build": build}, nil),
		"nest":       nestRunner,
		"parcel":     subcommands(map[string]Stages{"build": build}, nil),
		"tauri":      subcommands(map[string]Stages{"build": build}, nil),
		"wails":      subcommands(map[string]Stages{"build": build}, nil),
		"svelte-kit": subcommands(map[string]Stages{"build": build, "sync": none}, nil),
		"jekyll":     subcommands(map[string]Stages{"build": build}, nil),
		"mkdocs":     subcommands(map[string]Stages{"build": build, "gh-deploy": deploy}, nil),
		"docusaurus": subcommands(map[string]Stages{"build": build, "deploy": deploy}, nil),
		"meson":      subcommands(map[string]Stages{"compile": build, "test": test}, nil),
		"xcodebuild": xcodebuildRunner,
		"docker":     dockerRunner, "podman": dockerRunner, "nerdctl": dockerRunner,
		"docker-compose": func(args []string, _ int) Stages { return composeStages(args) },
		"buildah":        subcommands(map[string]Stages{"bud": container, "build": container}, nil),
		"pack":           subcommands(map[string]Stages{"build": container}, nil),
		"ko":             subcommands(map[string]Stages{"build": container, "publish": container, "resolve": container, "apply": container | deploy}, nil),
		"kubectl":        kubectlRunner, "oc": kubectlRunner,
		"helm":     subcommands(map[string]Stages{"upgrade": deploy, "install": deploy, "push": deploy, "lint": lint, "test": test}, nil),
		"helmfile": helmfileRunner,
		// chart-testing: install runs the charts' test hooks in a cluster.
		"ct":        subcommands(map[string]Stages{"install": test, "lint-and-install": lint | test, "lint": lint}, nil),
		"terraform": terraformRunner, "tofu": terraformRunner, "terragrunt": terraformRunner,
		"pulumi": subcommands(map[string]Stages{"up": deploy, "update": deploy}, nil),
		"gcloud": gcloudRunner, "az": azRunner, "aws": awsRunner,
		"vercel":     vercelRunner,
		"netlify":    subcommands(map[string]Stages{"deploy": deploy, "build": build}, nil),
		"fly":        subcommands(map[string]Stages{"deploy": deploy}, nil),
		"flyctl":     subcommands(map[string]Stages{"deploy": deploy}, nil),
		"firebase":   subcommands(map[string]Stages{"deploy": deploy}, nil),
		"serverless": subcommands(map[string]Stages{"deploy": deploy}, nil),
		"sls":        subcommands(map[string]Stages{"deploy": deploy}, nil),
		"cdk":        subcommands(map[string]Stages{"deploy": deploy}, nil),
		"sam":        subcommands(map[string]Stages{"deploy": deploy, "build": build}, nil),
		"wrangler":   wranglerRunner,
		"railway":    subcommands(map[string]Stages{"up": deploy, "deploy": deploy}, nil),
		"kamal":      subcommands(map[string]Stages{"deploy": deploy, "setup": deploy}, nil),
		"cap":        anyArgRunner(map[string]Stages{"deploy": deploy}),
		"skaffold":   subcommands(map[string]Stages{"run": deploy | container, "deploy": deploy, "build": container}, nil),
		"argocd":     anyArgRunner(map[string]Stages{"sync": deploy}),
		"eb":         subcommands(map[string]Stages{"deploy": deploy}, nil),
		"heroku":     anyArgRunner(map[string]Stages{"container:release": deploy, "deploy": deploy}),
		"git":        gitRunner,
		"gh":         anyArgRunner(map[string]Stages{"deploy": deploy}),
		"gem":        subcommands(map[string]Stages{"push": deploy, "build": build}, nil),
		"goreleaser": goreleaserRunner,
		"changeset":  subcommands(map[string]Stages{"publish": deploy}, nil),
		// Release tools that publish the package: changelogen only when
		// told to (unjs's nightly: changelogen --canary nightly --publish),
		// release-it and np by default.
		"changelogen": checkFlagRunner(deploy, "--publish"),
		"release-it":  func([]string, int) Stages { return deploy },
		"np":          func([]string, int) Stages { return deploy },
		"composer":    composerRunner,
		"bundle":      subcommands(map[string]Stages{"audit": security}, nil),
	}
}

// subcommands classifies by the first argument that is not a flag; other
// reads the arguments when the subcommand is not in the table.
func subcommands(table map[string]Stages, other runner) runner {
	return func(args []string, depth int) Stages {
		sub, rest := firstArg(args, nil)
		if st, ok := table[strings.ToLower(sub)]; ok {
			return st
		}
		if other != nil && sub != "" {
			return other(append([]string{sub}, rest...), depth)
		}
		return none
	}
}

// helmfileRunner reads helmfile's subcommand after its global options
// (helmfile -e ci -f helmfile.yaml test).
func helmfileRunner(args []string, depth int) Stages {
	sub, _ := firstArg(args, helmfileValueFlags)
	return helmfileStages[strings.ToLower(sub)]
}

var (
	helmfileStages     = map[string]Stages{"apply": deploy, "sync": deploy, "lint": lint, "test": test}
	helmfileValueFlags = map[string]bool{"-e": true, "--environment": true, "-f": true, "--file": true,
		"-l": true, "--selector": true, "-n": true, "--namespace": true, "--state-values-set": true, "--state-values-file": true}
)

// taskArg classifies the argument after sub as a task name: deno task lint.
func taskArg(sub string) runner {
	return func(args []string, depth int) Stages {
		if len(args) > 1 && strings.ToLower(args[0]) == sub {
			return TaskStages(args[1])
		}
		return none
	}
}

// anyArgRunner classifies by any argument: `argocd app sync`, `cap production deploy`.
func anyArgRunner(table map[string]Stages) runner {
	return func(args []string, depth int) Stages {
		var set Stages
		for _, a := range args {
			set |= table[strings.ToLower(a)]
		}
		return set
	}
}

// checkFlagRunner: formatters are lint only when they check instead of
// rewriting (prettier --check).
func checkFlagRunner(st Stages, flags ...string) runner {
	return func(args []string, depth int) Stages {
		for _, a := range args {
			for _, f := range flags {
				if a == f {
					return st
				}
			}
		}
		return none
	}
}

// formatterRunner: linters with a formatting subcommand (ruff format,
// biome format) lint unless that subcommand rewrites files.
func formatterRunner(formatSub string, checkFlags ...string) runner {
	return func(args []string, depth int) Stages {
		sub, rest := firstArg(args, nil)
		if strings.ToLower(sub) == formatSub {
			return checkFlagRunner(lint, checkFlags...)(rest, depth)
		}
		return lint
	}
}

// biomeRunner: `biome format` only reports unless told to --write.
func biomeRunner(args []string, depth int) Stages {
	if sub, rest := firstArg(args, nil); strings.ToLower(sub) == "format" {
		for _, a := range rest {
			if a == "--write" || a == "--apply" || a == "--fix" {
				return none
			}
		}
	}
	return lint
}

// firstArg returns the first argument that is not a flag, skipping the
// values of flags listed in valueFlags, and the arguments after it.
func firstArg(args []string, valueFlags map[string]bool) (string, []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			continue
		}
		if strings.HasPrefix(a, "-") {
			if valueFlags[a] && !strings.Contains(a, "=") {
				i++
			}
			continue
		}
		return a, args[i+1:]
	}
	return "", nil
}

// positional returns the arguments that are not flags (nor flag values
// from valueFlags) nor VAR=value assignments.
func positional(args []string, valueFlags map[string]bool) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") {
			if valueFlags[a] {
				i++
			}
			continue
		}
		if isAssignment(a) {
			continue
		}
		out = append(out, a)
	}
	return out
}

var npmValueFlags = map[string]bool{"--prefix": true, "-w": true, "--workspace": true, "-C": true, "--cwd": true,
	"--filter": true, "-F": true, "--dir": true, "--registry": true, "--loglevel": true}

// packageManager is what a JavaScript package manager's subcommands do in
// a pipeline.
type packageManager struct {
	stages map[string]Stages // test, audit, publish, pack, build
	run    []string          // subcommands that run the package script named next
	exec   []string          // subcommands that run the command given next
	// builtins do nothing a stage counts; any other subcommand runs the
	// package script of that name. Nil: no bare script names (npm).
	builtins map[string]bool
}

func words(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

var (
	npm = packageManager{
		stages: map[string]Stages{"test": test, "t": test, "tst": test, "install-test": test, "it": test, "cit": test,
			"install-ci-test": test, "audit": security, "publish": deploy, "pack": build},
		run: []string{"run", "run-script", "rum", "urn"},
	}
	pnpm = packageManager{
		stages: map[string]Stages{"test": test, "t": test, "tst": test, "audit": security, "publish": deploy, "pack": build},
		run:    []string{"run", "run-script"}, exec: []string{"exec", "dlx"},
		builtins: words("install i add remove update up ci fetch store why list ls outdated config setup env link import prune " +
			"rebuild start dev create init patch deploy"),
	}
	yarn = packageManager{
		stages: map[string]Stages{"test": test, "audit": security, "publish": deploy, "pack": build},
		run:    []string{"run"}, exec: []string{"exec", "dlx"},
		builtins: words("install add remove upgrade set config cache info why dedupe start dev init create link"),
	}
	bun = packageManager{
		stages: map[string]Stages{"test": test, "build": build, "publish": deploy, "audit": security},
		run:    []string{"run"}, exec: []string{"x"},
		builtins: words("install i add remove update pm link create init dev"),
	}
)

// stagesOf reads a package manager's command line.
func (pm packageManager) stagesOf(args []string, depth int) Stages {
	sub, rest := firstArg(args, npmValueFlags)
	sub = strings.ToLower(sub)
	switch {
	case pm.stages[sub] != none:
		return pm.stages[sub]
	case slices.Contains(pm.run, sub):
		name, _ := firstArg(rest, npmValueFlags)
		return TaskStages(name)
	case slices.Contains(pm.exec, sub):
		return classifyWords(rest, depth+1)
	case pm.builtins == nil || pm.builtins[sub]:
		return none
	}
	if st := TaskStages(sub); st != none {
		return st
	}
	// Without a script of that name, yarn X and pnpm X run X's binary:
	// yarn prettier --list-different is a format check.
	return classifyWords(append([]string{sub}, rest...), depth+1)
}

// yarnRunner: `yarn workspace <name> …` and `yarn workspaces [foreach] …`
// run a command in packages; `yarn npm audit|publish` are npm's.
func yarnRunner(args []string, depth int) Stages {
	for {
		sub, rest := firstArg(args, npmValueFlags)
		switch strings.ToLower(sub) {
		case "workspace":
			if len(rest) == 0 {
				return none
			}
			args = rest[1:]
			continue
		case "workspaces":
			args = rest
			if s, r := firstArg(args, npmValueFlags); strings.ToLower(s) == "foreach" {
				args = r
			}
			continue
		case "npm":
			s, _ := firstArg(rest, npmValueFlags)
			return map[string]Stages{"audit": security, "publish": deploy}[strings.ToLower(s)]
		}
		return yarn.stagesOf(args, depth)
	}
}

var makeValueFlags = map[string]bool{"-C": true, "-f": true, "-j": true, "-I": true, "-o": true, "-W": true,
	"--directory": true, "--file": true, "--makefile": true, "-l": true}

// makeRunner: `make` alone builds the default target; `make check` is the
// test suite by GNU convention.
func makeRunner(args []string, depth int) Stages {
	targets := positional(args, makeValueFlags)
	if len(targets) == 0 {
		return build
	}
	var set Stages
	for _, t := range targets {
		switch strings.ToLower(t) {
		case "check", "distcheck":
			set |= test
		case "all":
			set |= build
		default:
			set |= TaskStages(t)
		}
	}
	return set
}

// tasksRunner: every positional argument is a task name.
func tasksRunner(args []string, depth int) Stages {
	var set Stages
	for _, t := range positional(args, map[string]bool{"-f": true, "-d": true, "--dir": true, "-t": true, "--taskfile": true}) {
		set |= TaskStages(t)
	}
	return set
}

func miseRunner(args []string, depth int) Stages {
	sub, rest := firstArg(args, nil)
	switch strings.ToLower(sub) {
	case "run", "r":
		return tasksRunner(rest, depth)
	case "exec", "x":
		return classifyWords(rest, depth+1)
	}
	return none
}

func turboRunner(args []string, depth int) Stages {
	pos := positional(args, map[string]bool{"--filter": true, "-F": true, "--concurrency": true, "--cache-dir": true})
	if len(pos) > 0 && strings.ToLower(pos[0]) == "run" {
		pos = pos[1:]
	}
	var set Stages
	for _, t := range pos {
		set |= TaskStages(t)
	}
	return set
}

func nxRunner(args []string, depth int) Stages {
	var set Stages
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-t" || a == "--target" || a == "--targets":
			for i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
				i++
				for _, t := range strings.Split(args[i], ",") {
					set |= TaskStages(t)
				}
			}
		case strings.HasPrefix(a, "--target=") || strings.HasPrefix(a, "--targets=") || strings.HasPrefix(a, "-t="):
			_, v, _ := strings.Cut(a, "=")
			for _, t := range strings.Split(v, ",") {
				set |= TaskStages(t)
			}
		}
	}
	if set != none {
		return set
	}
	sub, rest := firstArg(args, nil)
	switch strings.ToLower(sub) {
	case "run-many", "affected", "graph", "":
		return none
	case "run":
		// nx run project:target[:configuration]
		t, _ := firstArg(rest, nil)
		parts := strings.Split(t, ":")
		if len(parts) >= 2 {
			return TaskStages(parts[1])
		}
		return none
	}
	return TaskStages(sub) // nx <target> <project>
}

func lernaRunner(args []string, depth int) Stages {
	sub, rest := firstArg(args, nil)
	switch strings.ToLower(sub) {
	case "run":
		name, _ := firstArg(rest, map[string]bool{"--scope": true, "--ignore": true, "--concurrency": true})
		return TaskStages(name)
	case "publish":
		return deploy
	}
	return none
}

var gradleValueFlags = map[string]bool{"-x": true, "--exclude-task": true, "-p": true, "--project-dir": true,
	"-b": true, "--build-file": true, "-c": true, "--settings-file": true, "-I": true, "--init-script": true,
	"-g": true, "--gradle-user-home": true, "--max-workers": true}

func gradleRunner(args []string, depth int) Stages {
	excluded := map[string]bool{}
	for i := 0; i+1 < len(args); i++ {
		if args[i] == "-x" || args[i] == "--exclude-task" {
			excluded[lastTaskPart(args[i+1])] = true
		}
	}
	var set Stages
	for _, t := range positional(args, gradleValueFlags) {
		task := lastTaskPart(t)
		switch strings.ToLower(task) {
		case "build":
			set |= build
			if !excluded["test"] && !excluded["check"] {
				set |= test | lint
			}
		case "check":
			if !excluded["test"] {
				set |= test
			}
			set |= lint
		case "assemble", "jar", "bootjar", "shadowjar", "installdist", "distzip", "war", "bootwar":
			set |= build
		case "jib", "jibdockerbuild", "jibbuildtar", "bootbuildimage":
			set |= container
		case "dependencycheckanalyze", "dependencycheckaggregate":
			set |= security
		default:
			set |= TaskStages(task)
		}
	}
	return set
}

func lastTaskPart(t string) string {
	if i := strings.LastIndexByte(t, ':'); i >= 0 {
		return t[i+1:]
	}
	return t
}

var mavenPhases = []string{"validate", "compile", "test", "package", "verify", "install", "deploy"}

// mavenRunner: a lifecycle phase runs every phase before it, so `mvn
// package` tests too unless tests are skipped.
func mavenRunner(args []string, depth int) Stages {
	skipTests := false
	for _, a := range args {
		if a == "-DskipTests" || a == "-DskipTests=true" || a == "-Dmaven.test.skip=true" || a == "-Dmaven.test.skip" {
			skipTests = true
		}
	}
	var set Stages
	for _, goal := range positional(args, map[string]bool{"-pl": true, "--projects": true, "-f": true, "--file": true,
		"-s": true, "--settings": true, "-P": true, "--activate-profiles": true, "-T": true, "--threads": true, "-rf": true}) {
		g := strings.ToLower(goal)
		phase := -1
		for i, p := range mavenPhases {
			if g == p {
				phase = i
			}
		}
		switch {
		case phase >= 0:
			if phase >= 2 && !skipTests {
				set |= test
			}
			if phase >= 1 {
				set |= build
			}
			if phase == 6 {
				set |= deploy
			}
		case strings.Contains(g, "jib:") || strings.Contains(g, "build-image") || strings.Contains(g, "dockerfile:build"):
			set |= container
		case strings.Contains(g, "dependency-check"):
			set |= security
		case strings.HasPrefix(g, "checkstyle:") || strings.HasPrefix(g, "spotless:check") || strings.HasPrefix(g, "pmd:") ||
			strings.HasPrefix(g, "spotbugs:"):
			set |= lint
		case strings.HasPrefix(g, "surefire:") || strings.HasPrefix(g, "failsafe:"):
			set |= test
		}
	}
	return set
}

func bazelRunner(args []string, depth int) Stages {
	sub, _ := firstArg(args, nil)
	switch strings.ToLower(sub) {
	case "test", "coverage":
		return test | build
	case "build":
		return build
	}
	return none
}

func cargoRunner(args []string, depth int) Stages {
	var rest []string
	for _, a := range args {
		if !strings.HasPrefix(a, "+") { // +nightly
			rest = append(rest, a)
		}
	}
	sub, after := firstArg(rest, map[string]bool{"-p": true, "--package": true, "--manifest-path": true, "-Z": true})
	switch strings.ToLower(sub) {
	case "test", "t", "nextest", "llvm-cov", "tarpaulin", "miri":
		return test
	case "build", "b":
		return build
	case "check", "c":
		return typecheck
	case "clippy":
		return lint
	case "fmt":
		return checkFlagRunner(lint, "--check")(after, depth)
	case "audit", "deny", "vet", "geiger":
		return security
	case "publish":
		return deploy
	case "make":
		return tasksRunner(after, depth)
	}
	return none
}

func goRunner(args []string, depth int) Stages {
	sub, rest := firstArg(args, nil)
	switch strings.ToLower(sub) {
	case "test":
		return test
	case "build", "install":
		return build
	case "vet":
		return lint
	case "run", "tool":
		// go run golang.org/x/vuln/cmd/govulncheck@latest ./...
		return classifyWords(positionalTool(rest), depth+1)
	}
	return none
}

// positionalTool drops the flags before the program of `go run` and
// `go tool`.
func positionalTool(args []string) []string {
	for i, a := range args {
		if !strings.HasPrefix(a, "-") {
			return args[i:]
		}
	}
	return nil
}

func dotnetRunner(args []string, depth int) Stages {
	sub, rest := firstArg(args, nil)
	switch strings.ToLower(sub) {
	case "test", "vstest":
		return test
	case "build", "publish", "pack", "msbuild":
		return build
	case "format":
		return lint
	case "list":
		for _, a := range rest {
			if a == "--vulnerable" {
				return security
			}
		}
	case "nuget":
		if s, _ := firstArg(rest, nil); s == "push" {
			return deploy
		}
	}
	return none
}

func toxRunner(args []string, depth int) Stages {
	var set Stages
	for i := 0; i+1 < len(args); i++ {
		if args[i] == "-e" || args[i] == "-s" || args[i] == "--session" || args[i] == "--sessions" {
			for _, env := range strings.Split(args[i+1], ",") {
				set |= TaskStages(env)
			}
		}
	}
	if set == none {
		return test // tox and nox run the test environments by default
	}
	return set
}

// pythonProjectRunner: poetry/uv/pdm/hatch/pipenv run a tool or a
// project script; `publish` and `build` are their own commands.
func pythonProjectRunner(args []string, depth int) Stages {
	sub, rest := firstArg(args, map[string]bool{"--with": true, "--directory": true, "--project": true, "-p": true, "--python": true, "-e": true, "--env": true})
	switch strings.ToLower(sub) {
	case "run", "exec":
		tool := positionalTool(rest)
		if st := classifyWords(tool, depth+1); st != none {
			return st
		}
		if len(tool) > 0 {
			return TaskStages(tool[0])
		}
	case "build":
		return build
	case "publish":
		return deploy
	case "test":
		return test
	case "tool":
		// uv tool run X
		if s, r := firstArg(rest, nil); s == "run" {
			return classifyWords(positionalTool(r), depth+1)
		}
	case "pip":
		if s, _ := firstArg(rest, nil); s == "audit" {
			return security
		}
	}
	return none
}

func pythonRunner(args []string, depth int) Stages {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-m" && i+1 < len(args):
			mod := strings.ToLower(args[i+1])
			rest := args[i+2:]
			switch mod {
			case "build":
				return build
			case "twine":
				return deploy
			case "pip":
				if s, _ := firstArg(rest, nil); s == "audit" {
					return security
				}
				return none
			}
			return classifyWords(append([]string{mod}, rest...), depth+1)
		case a == "-c":
			return none
		case strings.HasPrefix(a, "-"):
			continue
		default:
			rest := args[i+1:]
			switch strings.ToLower(path.Base(a)) {
			case "manage.py", "setup.py", "runtests.py":
				s, _ := firstArg(rest, nil)
				switch strings.ToLower(s) {
				case "test":
					return test
				case "build", "sdist", "bdist_wheel":
					return build
				}
				if path.Base(a) == "runtests.py" {
					return test
				}
				return none
			}
			return scriptFileStages(a)
		}
	}
	return none
}

func nodeRunner(args []string, depth int) Stages {
	for _, a := range args {
		if a == "--test" || strings.HasPrefix(a, "--test=") {
			return test
		}
	}
	return interpreterRunner(args, depth)
}

// interpreterRunner reads the script an interpreter runs (ruby
// test/runner.rb), by what it is.
func interpreterRunner(args []string, depth int) Stages {
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			// node node_modules/.bin/jest, node scripts/build.js
			if st := classifyWords([]string{a}, depth+1); st != none {
				return st
			}
			return none
		}
	}
	return none
}

// tscRunner: tsc --noEmit only checks; tsc that emits (or tsc -b) builds.
func tscRunner(args []string, depth int) Stages {
	for _, a := range args {
		if a == "--noEmit" || a == "--noemit" {
			return typecheck
		}
	}
	return typecheck | build
}

// nestRunner: nest build compiles with tsc, which type-checks, unless it
// builds with swc and is not asked to check (--type-check).
func nestRunner(args []string, depth int) Stages {
	if sub, _ := firstArg(args, nil); sub != "build" {
		return none
	}
	swc, check := false, false
	for i, a := range args {
		switch {
		case a == "--type-check":
			check = true
		case a == "--builder=swc", (a == "--builder" || a == "-b") && i+1 < len(args) && args[i+1] == "swc":
			swc = true
		}
	}
	if swc && !check {
		return build
	}
	return typecheck | build
}

func wrapperRunner(args []string, depth int) Stages {
	return classifyWords(positionalTool(args), depth+1)
}

// concurrentlyRunner: each argument is a command ("npm:lint" is npm run lint).
func concurrentlyRunner(args []string, depth int) Stages {
	var set Stages
	for _, a := range positional(args, map[string]bool{"-n": true, "--names": true, "-c": true, "--prefix-colors": true}) {
		if rest, ok := strings.CutPrefix(a, "npm:"); ok {
			set |= TaskStages(rest)
			continue
		}
		set |= scriptStagesDepth(a, depth+1)
	}
	return set
}

// shellRunner: sh -c '...' runs its argument; sh script.sh is a script file.
// commandFlagCluster is -c among a shell's other one-letter options:
// bash -ic, sh -ec, bash -lc.
func commandFlagCluster(a string) bool {
	if len(a) < 3 || a[0] != '-' || a[1] == '-' || !strings.Contains(a, "c") {
		return false
	}
	return !strings.ContainsFunc(a[1:], func(r rune) bool { return r < 'a' || r > 'z' })
}

// tmuxRunner reads the command tmux runs in a new session, window or
// pane: `tmux new 'ruby test/runner.rb'` (fzf's test image).
func tmuxRunner(args []string, depth int) Stages {
	sub, rest := firstArg(args, tmuxValueFlags)
	switch sub {
	case "new", "new-session", "new-window", "neww", "split-window", "splitw", "respawn-pane", "respawnp":
	default:
		return none
	}
	for i := 0; i < len(rest); i++ {
		switch a := rest[i]; {
		case tmuxValueFlags[a]:
			i++
		case strings.HasPrefix(a, "-"):
		default:
			return scriptStagesDepth(strings.Join(rest[i:], " "), depth+1)
		}
	}
	return none
}

// tmuxValueFlags are tmux's options (global and of new-session) that take
// the next word.
var tmuxValueFlags = map[string]bool{"-L": true, "-S": true, "-f": true, "-c": true, "-e": true, "-F": true,
	"-n": true, "-s": true, "-t": true, "-x": true, "-y": true, "-l": true}

func shellRunner(args []string, depth int) Stages {
	for i, a := range args {
		if a == "-c" || a == "-Command" || a == "-command" || commandFlagCluster(a) {
			if i+1 < len(args) {
				return scriptStagesDepth(args[i+1], depth+1)
			}
			return none
		}
		if !strings.HasPrefix(a, "-") {
			return scriptFileStages(a)
		}
	}
	return none
}

// scriptStagesDepth is ScriptStages for a script nested in a command.
func scriptStagesDepth(script string, depth int) Stages {
	if depth > maxNesting {
		return none
	}
	var set Stages
	for _, cmd := range shellwords.Commands(script) {
		set |= classifyWords(cmd.Values(), depth)
	}
	return set
}

func xcodebuildRunner(args []string, depth int) Stages {
	for _, a := range args {
		if a == "test" || a == "test-without-building" {
			return test | build
		}
	}
	return build
}

func dockerRunner(args []string, depth int) Stages {
	sub, rest := firstArg(args, map[string]bool{"-H": true, "--host": true, "--context": true, "-c": true, "--config": true, "--log-level": true})
	switch strings.ToLower(sub) {
	case "build":
		return container | pushes(rest)
	case "push":
		return deploy // publishes the image, as npm publish does a package
	case "buildx", "builder", "image":
		switch s, more := firstArg(rest, nil); s {
		case "build", "bake":
			return container | pushes(more)
		case "push":
			return deploy
		}
	case "compose":
		return composeStages(rest)
	case "scout":
		return security
	case "run":
		return dockerRunImage(rest, depth)
	}
	return none
}

// pushes is the deploy stage of a build that publishes what it builds
// (docker buildx bake --push).
func pushes(args []string) Stages {
	if slices.Contains(args, "--push") {
		return deploy
	}
	return none
}

// composeValueFlags are docker compose's global options that take a value.
var composeValueFlags = map[string]bool{"-f": true, "--file": true, "-p": true, "--project-name": true,
	"--profile": true, "--env-file": true, "--project-directory": true, "--ansi": true, "--progress": true, "--parallel": true}

// composeStages: compose build builds the images, and so do up, run and
// create with --build (docker compose up --build --exit-code-from api).
func composeStages(args []string) Stages {
	sub, rest := firstArg(args, composeValueFlags)
	switch sub {
	case "build":
		return container
	case "up", "run", "create":
		for _, a := range rest {
			if a == "--build" {
				return container
			}
		}
	}
	return none
}

var dockerRunValueFlags = map[string]bool{"-v": true, "--volume": true, "-e": true, "--env": true, "-w": true,
	"--workdir": true, "-u": true, "--user": true, "--name": true, "-p": true, "--publish": true, "--network": true,
	"--entrypoint": true, "--env-file": true, "--mount": true, "--platform": true, "-l": true, "--label": true}

// dockerRunImage recognises scanners run from their images:
// docker run aquasec/trivy image …, docker run zricethezav/gitleaks detect.
func dockerRunImage(args []string, depth int) Stages {
	image, rest := firstArg(args, dockerRunValueFlags)
	if image == "" {
		return none
	}
	name := strings.ToLower(image)
	if i := strings.IndexAny(name, ":@"); i >= 0 {
		name = name[:i]
	}
	name = path.Base(name)
	if st, ok := tools[name]; ok {
		return st
	}
	return classifyWords(rest, depth+1)
}

func kubectlRunner(args []string, depth int) Stages {
	sub, _ := firstArg(args, map[string]bool{"-n": true, "--namespace": true, "--context": true, "--kubeconfig": true})
	switch strings.ToLower(sub) {
	case "apply", "create", "replace", "rollout", "set", "patch":
		return deploy
	}
	return none
}

func terraformRunner(args []string, depth int) Stages {
	for _, a := range positional(args, nil) {
		switch strings.ToLower(a) {
		case "apply":
			return deploy
		case "validate":
			return lint
		case "fmt":
			return checkFlagRunner(lint, "-check", "--check")(args, depth)
		}
	}
	return none
}

func gcloudRunner(args []string, depth int) Stages {
	pos := positional(args, map[string]bool{"--project": true, "--region": true, "--tag": true, "--image": true, "--config": true})
	for i, a := range pos {
		switch strings.ToLower(a) {
		case "deploy":
			return deploy
		case "builds":
			if i+1 < len(pos) && pos[i+1] == "submit" {
				return container
			}
		}
	}
	if len(pos) >= 3 && pos[0] == "run" && pos[1] == "services" && pos[2] == "update" {
		return deploy
	}
	return none
}

func azRunner(args []string, depth int) Stages {
	pos := positional(args, map[string]bool{"-g": true, "--resource-group": true, "-n": true, "--name": true, "--src": true, "--src-path": true, "--image": true, "-r": true, "--registry": true, "-t": true})
	for i, a := range pos {
		switch strings.ToLower(a) {
		case "deploy", "deployment", "up":
			return deploy
		case "acr":
			if i+1 < len(pos) && pos[i+1] == "build" {
				return container
			}
		case "containerapp", "functionapp", "webapp":
			if i+1 < len(pos) && pos[i+1] == "update" {
				return deploy
			}
		}
	}
	return none
}

func awsRunner(args []string, depth int) Stages {
	pos := positional(args, map[string]bool{"--region": true, "--profile": true, "--cluster": true, "--service": true})
	if len(pos) < 2 {
		return none
	}
	svc, op := strings.ToLower(pos[0]), strings.ToLower(pos[1])
	switch {
	case svc == "ecs" && op == "update-service",
		svc == "deploy" && op == "create-deployment",
		svc == "cloudformation" && (op == "deploy" || op == "update-stack" || op == "create-stack"),
		svc == "lambda" && op == "update-function-code",
		svc == "apprunner" && op == "start-deployment",
		svc == "amplify" && op == "start-deployment",
		svc == "elasticbeanstalk" && op == "update-environment":
		return deploy
	}
	return none
}

func vercelRunner(args []string, depth int) Stages {
	sub, _ := firstArg(args, map[string]bool{"--token": true, "--scope": true, "--cwd": true, "-t": true, "--environment": true})
	switch strings.ToLower(sub) {
	case "", "deploy":
		return deploy // plain `vercel` deploys
	case "build":
		return build
	}
	return none
}

func wranglerRunner(args []string, depth int) Stages {
	for _, a := range positional(args, nil) {
		switch strings.ToLower(a) {
		case "deploy", "publish":
			return deploy
		}
	}
	return none
}

func gitRunner(args []string, depth int) Stages {
	sub, rest := firstArg(args, map[string]bool{"-C": true, "-c": true})
	if sub != "push" {
		return none
	}
	for _, a := range rest {
		l := strings.ToLower(a)
		if strings.Contains(l, "heroku") || strings.Contains(l, "dokku") {
			return deploy
		}
	}
	return none
}

func goreleaserRunner(args []string, depth int) Stages {
	sub, _ := firstArg(args, map[string]bool{"-f": true, "--config": true, "-p": true, "--parallelism": true})
	snapshot := false
	for _, a := range args {
		if a == "--snapshot" || a == "--skip=publish" || a == "--skip-publish" {
			snapshot = true
		}
	}
	switch strings.ToLower(sub) {
	case "", "release":
		if snapshot {
			return build
		}
		return build | deploy
	case "build":
		return build
	case "check":
		return lint
	}
	return none
}

func composerRunner(args []string, depth int) Stages {
	sub, rest := firstArg(args, map[string]bool{"-d": true, "--working-dir": true})
	switch strings.ToLower(sub) {
	case "audit":
		return security
	case "run", "run-script":
		name, _ := firstArg(rest, nil)
		return TaskStages(name)
	case "test":
		return test
	case "install", "update", "require", "dump-autoload", "validate", "":
		return none
	}
	return TaskStages(sub)
}
