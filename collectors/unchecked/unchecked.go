// Package unchecked names the projects of the repository that preflight
// has no collector for: a Gradle service beside the Go ones, a Python
// worker, a .NET API. Each is one collector that is always skipped, with
// what it is and how to check it: the score does not count it, and every
// report lists it, so a report never reads as complete while part of the
// code went unchecked.
package unchecked

import (
	"context"
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/nodepkg"
	"github.com/preflight-dev/preflight/internal/repofs"
	"github.com/preflight-dev/preflight/internal/shellwords"
	"github.com/preflight-dev/preflight/model"
)

const (
	// Kind is the collector kind; ids are "unchecked:<project>".
	Kind   = model.KindUnchecked
	Domain = "build"
)

// ecosystem is a kind of project preflight does not check, known by the
// file at its root.
type ecosystem struct {
	name   string // what a user calls it
	match  func(base string) bool
	domain string // "" for build
}

func named(names ...string) func(string) bool {
	return func(base string) bool {
		for _, n := range names {
			if base == n {
				return true
			}
		}
		return false
	}
}

// karma is the index of Karma in ecosystems.
var karma = slices.IndexFunc(ecosystems, func(e ecosystem) bool { return e.name == "Karma test" })

// ecosystems in the order a directory with several markers is named by.
var ecosystems = []ecosystem{
	{"Maven (Java)", named("pom.xml"), ""},
	{"Gradle (Java/Kotlin)", named("build.gradle", "build.gradle.kts"), ""},
	{".NET", func(b string) bool { return strings.HasSuffix(b, ".csproj") || strings.HasSuffix(b, ".fsproj") }, ""},
	{"Python", named("pyproject.toml", "setup.py", "requirements.txt", "Pipfile"), ""},
	{"Rust (Cargo)", named("Cargo.toml"), ""},
	{"Ruby (Bundler)", named("Gemfile"), ""},
	{"PHP (Composer)", named("composer.json"), ""},
	{"Elixir (Mix)", named("mix.exs"), ""},
	{"Swift (SwiftPM)", named("Package.swift"), ""},
	{"Helm chart", named("Chart.yaml"), "deployment"},
	{"Terraform", func(b string) bool { return strings.HasSuffix(b, ".tf") }, "deployment"},
	{"Timoni (CUE)", named("timoni.cue"), "deployment"},
	{"Pulumi", named("Pulumi.yaml", "Pulumi.yml"), "deployment"},
	// Hosting platforms' app descriptors: health checks, regions, sizes.
	{"Fly.io", named("fly.toml"), "deployment"},
	{"Netlify", named("netlify.toml"), "deployment"},
	{"Render", named("render.yaml"), "deployment"},
	{"Playwright test", prefixed("playwright.config."), "tests"},
	{"Cypress test", prefixed("cypress.config."), "tests"},
	// Karma, the runner of Angular CLI unit tests up to v20, and
	// Protractor, its former end-to-end runner.
	{"Karma test", prefixed("karma.conf."), "tests"},
	{"Protractor test", prefixed("protractor.conf."), "tests"},
	// Runners a package's test script names (see scriptRunners): known by
	// what the script runs, not by a file.
	{"Mocha test", never, "tests"},
	{"AVA test", never, "tests"},
	{"node:test", never, "tests"},
	{"tap test", never, "tests"},
	{"Jasmine test", never, "tests"},
	// A Jest configuration in a directory no package.json owns: an Nx
	// project's (realworld's e2e/jest.config.ts, which `nx e2e` runs).
	// preflight runs Jest per package.
	{"Jest test", never, "tests"},
}

// notForWant are why preflight leaves an ecosystem's projects out, and
// the hint, where it is not for want of a collector.
var notForWant = map[string]struct{ why, hint string }{
	"Jest test": {"which no package.json runs: preflight runs Jest in a package's directory",
		"run it from preflight.yaml (collectors: with command:, such as npx jest -c <config> --ci with a JUnit reporter, report: and output: junit), with what it needs running"},
}

// strayJest is the index of the Jest configurations no package runs.
var strayJest = slices.IndexFunc(ecosystems, func(e ecosystem) bool { return e.name == "Jest test" })

// jestConfig is a Jest configuration file's name.
var jestConfig = regexp.MustCompile(`^jest\.config\.(?:[cm]?js|[cm]?ts|json)$`)

// strayJestConfigs are the Jest configurations in directories without a
// package.json that no configuration above takes in as one of its
// projects (Jest's projects: […]).
func strayJestConfigs(root string, files []string, manifests map[string]bool) map[string]bool {
	var configs []string
	for _, f := range files {
		if jestConfig.MatchString(path.Base(f)) && !collectors.NotTheProjects(f) {
			configs = append(configs, f)
		}
	}
	stray := map[string]bool{}
	for _, f := range configs {
		if manifests[path.Dir(f)] {
			continue
		}
		dir := path.Dir(f)
		takenIn := slices.ContainsFunc(configs, func(above string) bool {
			if d := path.Dir(above); d == dir || !(d == "." || strings.HasPrefix(dir, d+"/")) {
				return false // not in a directory above f's
			}
			data, err := repofs.ReadFile(root, above)
			return err == nil && strings.Contains(string(data), "projects")
		})
		if !takenIn {
			stray[f] = true
		}
	}
	return stray
}

func never(string) bool { return false }

// article is "an" before a name that starts with a vowel (an AVA test, an
// Elixir project), else "a".
func article(name string) string {
	if name != "" && strings.ContainsRune("AEIOU", rune(name[0])) {
		return "an"
	}
	return "a"
}

// scriptRunners are the test runners a package's test script may run that
// preflight does not (it runs Vitest and Jest), by the word that runs them.
var scriptRunners = map[string]string{"mocha": "Mocha test", "ava": "AVA test", "tap": "tap test", "jasmine": "Jasmine test"}

// testScriptRunner is the ecosystem name of the runner a package.json's
// test script runs, when preflight does not run it: `c8 mocha --exit`,
// `node --test`. "" for none.
func testScriptRunner(root, manifest string) string {
	for _, cmd := range shellwords.Commands(scriptsOf(root, manifest)["test"]) {
		words := cmd.Values()
		for i, w := range words {
			if name := scriptRunners[path.Base(w)]; name != "" {
				return name
			}
			if path.Base(w) == "node" && slices.Contains(words[i+1:], "--test") {
				return "node:test"
			}
		}
	}
	return ""
}

// scriptsOf are the scripts of the package.json at manifest; none when
// it cannot be read or npm refuses it.
func scriptsOf(root, manifest string) map[string]string {
	m, err := nodepkg.ReadManifest(root, manifest)
	if err != nil {
		return nil
	}
	return m.Scripts
}

func prefixed(prefix string) func(string) bool {
	return func(base string) bool { return strings.HasPrefix(base, prefix) }
}

// kind is one ecosystem a directory is a project of, and the file that
// says so.
type kind struct {
	eco    *ecosystem
	rank   int // its place in ecosystems
	marker string
}

// Marker reports whether a file of this base name makes a directory a
// project preflight does not check, or configures a linter it does not run.
func Marker(base string) bool {
	return slices.ContainsFunc(ecosystems, func(e ecosystem) bool { return e.match(base) }) || jestConfig.MatchString(base) ||
		slices.ContainsFunc(linters, func(l linter) bool { return slices.Contains(l.names, base) && !strings.Contains(l.at, "/") })
}

// linter is a check a project configures that preflight does not run, or
// a CI pipeline it does not read. It is named by the tool, not the
// directory: it is no project of its own.
type linter struct {
	tool   string
	names  []string // base names of its configuration
	at     string   // where it must be, repo-relative; "" for anywhere
	domain string
	says   string // what the file is, after its path
	hint   string
	// runs is the command that runs the check, when it is not the tool's
	// name ("astro check").
	runs string
	// inPackage: the configuration belongs to a Node package, beside its
	// package.json (or at the root); elsewhere, or in a package another
	// one ships as a template, it is data.
	inPackage bool
}

func (l linter) match(rel string) bool {
	return slices.Contains(l.names, path.Base(rel)) && (l.at == "" || rel == l.at)
}

var linters = []linter{
	// golangci.yml without the dot is one too, run with -c (pocketbase's
	// make lint: golangci-lint run -c ./golangci.yml).
	{"golangci-lint", []string{".golangci.yml", ".golangci.yaml", ".golangci.toml", ".golangci.json",
		"golangci.yml", "golangci.yaml", "golangci.toml", "golangci.json"}, "", "build",
		"configures golangci-lint, which preflight does not run",
		"run it as a custom collector in preflight.yaml (command: golangci-lint run --output.sarif.path=golangci.sarif, report: golangci.sarif, output: sarif, domain: build)", "", false},
	{"biome", []string{"biome.json", "biome.jsonc"}, "", "build",
		"configures Biome, which preflight does not run",
		"run it as a custom collector in preflight.yaml (command: npx biome lint ., or biome ci ., domain: build)", "", true},
	{"svelte-check", []string{"svelte.config.js", "svelte.config.mjs", "svelte.config.cjs", "svelte.config.ts"}, "", "build",
		"configures a Svelte app, whose typecheck is svelte-check (it checks the .svelte files too), which preflight does not run (tsc, where it runs, checks the .ts files only)",
		"run it as a custom collector in preflight.yaml (command: npx svelte-kit sync && npx svelte-check --output machine, output: regex; the README gives the pattern)", "", true},
	{"astro-check", []string{"astro.config.mjs", "astro.config.js", "astro.config.ts", "astro.config.cjs", "astro.config.mts"}, "", "build",
		"configures an Astro site, whose typecheck is astro check (it checks the .astro files too), which preflight does not run (tsc, where it runs, checks the .ts files only)",
		"run it as a custom collector in preflight.yaml (command: npx astro check --minimumSeverity warning, output: regex; the README gives the pattern)", "astro check", true},
	{"tslint", []string{"tslint.json", "tslint.yaml", "tslint.yml"}, "", "build",
		"configures TSLint, which preflight does not run",
		"run it as a custom collector in preflight.yaml (command: npx tslint -p . -t verbose, output: regex, domain: build; the README gives the pattern), or move to ESLint, which preflight runs (TSLint is deprecated since 2019)", "", true},
	{"cloud-build", []string{"cloudbuild.yaml", "cloudbuild.yml"}, "", "ci", "is a Google Cloud Build pipeline, which preflight does not read", ciHint, "", false},
	{"jenkins", []string{"Jenkinsfile"}, "", "ci", "is a Jenkins pipeline, which preflight does not read", ciHint, "", false},
	{"circleci", []string{"config.yml"}, ".circleci/config.yml", "ci", "is a CircleCI pipeline, which preflight does not read", ciHint, "", false},
	{"azure-pipelines", []string{"azure-pipelines.yml"}, "azure-pipelines.yml", "ci", "is an Azure Pipelines pipeline, which preflight does not read", ciHint, "", false},
	{"bitbucket-pipelines", []string{"bitbucket-pipelines.yml"}, "bitbucket-pipelines.yml", "ci", "is a Bitbucket Pipelines pipeline, which preflight does not read", ciHint, "", false},
	{"travis", []string{".travis.yml"}, ".travis.yml", "ci", "is a Travis CI pipeline, which preflight does not read", ciHint, "", false},
	{"appveyor", []string{"appveyor.yml", ".appveyor.yml"}, "", "ci", "is an AppVeyor pipeline, which preflight does not read", ciHint, "", false},
	{"eas", []string{"eas.json"}, "", "deployment", "configures Expo's EAS builds and store submissions, which preflight does not read",
		"check its build profiles by hand (eas build:inspect), or add a check of your own as a custom collector", "", true},
}

const ciHint = "preflight reads GitHub Actions and GitLab CI only: check that this pipeline runs the tests and a security scan, or add the checks as custom collectors"

// Detect returns one collector per directory that is a project of an
// ecosystem preflight does not check (a Python service that also holds
// Playwright tests is one); a project inside another of the same
// ecosystem (a Cargo workspace member, a Gradle subproject) is part of it.
// Each configuration of a linter preflight does not run is one more.
func Detect(root string, files []string) []collectors.Collector {
	return append(append(detectProjects(root, files), detectLinters(root, files)...), detectFormatChecks(root, files)...)
}

// formatCheck is Prettier run as a check by a package script: a gate its
// CI or its developers hold the code to (sveltejs/realworld's lint script
// is prettier --check .), which preflight does not run. A Prettier
// configuration alone is no gate: formatting on save is not a check.
var formatCheck = linter{tool: "prettier", domain: "build",
	hint: "run it as a custom collector in preflight.yaml (command: npx prettier --check ., domain: build)"}

// craLint is the ESLint run that Create React App 1 and 2 build into
// react-scripts (eslint-config-react-app, in its webpack config): with no
// ESLint configuration of the package's own, preflight has none to run,
// while the build lints src and CI=true makes its warnings errors.
var craLint = linter{tool: "react-scripts-eslint", domain: "build", runs: "eslint",
	hint: "give the package its own configuration (\"eslintConfig\": {\"extends\": \"react-app\"} in package.json), which preflight's ESLint collector runs"}

// detectFormatChecks returns one collector per package whose scripts run
// prettier --check (or --list-different): unchecked:prettier for the
// root's, unchecked:prettier:<dir> for another package's; and one per
// package built by react-scripts that lints with its built-in
// configuration only.
func detectFormatChecks(root string, files []string) []collectors.Collector {
	var found []*Linter
	embedded := nodepkg.Embedded(root, files)
	configured := map[string]bool{} // directories with an ESLint configuration file
	for _, f := range files {
		if eslintConfigs.MatchString(path.Base(f)) {
			configured[path.Dir(f)] = true
		}
	}
	for _, f := range files {
		if path.Base(f) != "package.json" || nodepkg.InNodeModules(f) || collectors.NotTheProjects(f) || embedded[path.Dir(f)] {
			continue // a generator's templates are data
		}
		m, err := nodepkg.ReadManifest(root, f)
		if err != nil {
			continue
		}
		if name := scriptRunning(m.Scripts, "prettier", "--check", "-c", "--list-different", "-l"); name != "" {
			l := formatCheck
			l.says = fmt.Sprintf("runs prettier as a check in its %q script, which preflight does not run", name)
			found = append(found, &Linter{linter: l, config: f})
		}
		// With no ESLint configuration of the package's own (no file
		// beside it, no eslintConfig key), ESLint has none to run with.
		if configured[path.Dir(f)] || m.Keys["eslintConfig"] {
			continue
		}
		if name := scriptRunning(m.Scripts, "react-scripts", "build"); name != "" {
			l := craLint
			l.says = fmt.Sprintf("builds with react-scripts in its %q script, which lints src with its own ESLint configuration; the package has none of its own, so preflight runs no ESLint", name)
			found = append(found, &Linter{linter: l, config: f})
		}
	}
	dirs := make([]string, len(found))
	for i, l := range found {
		dirs[i] = path.Dir(l.config)
	}
	names := collectors.TargetNames(dirs)
	out := make([]collectors.Collector, len(found))
	for i, l := range found {
		id := Kind + ":" + l.linter.tool
		if dirs[i] != "." {
			id += ":" + names[dirs[i]]
		}
		l.Base = collectors.NewBase(id, Kind, l.linter.domain)
		out[i] = l
	}
	return out
}

// eslintConfigs are the names of ESLint's configuration files.
var eslintConfigs = regexp.MustCompile(`^(?:\.eslintrc(?:\.(?:js|cjs|yaml|yml|json))?|eslint\.config\.(?:js|mjs|cjs|ts|mts|cts))$`)

// scriptRunning is the first script (by name) with a command that runs
// tool with one of words after it (prettier --check, react-scripts
// build); "" for none.
func scriptRunning(scripts map[string]string, tool string, words ...string) string {
	for _, name := range slices.Sorted(maps.Keys(scripts)) {
		for _, cmd := range shellwords.Commands(scripts[name]) {
			vals := cmd.Values()
			if i := slices.IndexFunc(vals, func(w string) bool { return path.Base(w) == tool }); i >= 0 &&
				slices.ContainsFunc(vals[i+1:], func(w string) bool { return slices.Contains(words, w) }) {
				return name
			}
		}
	}
	return ""
}

// detectLinters returns one collector per linter configuration:
// unchecked:golangci-lint for the root's, unchecked:golangci-lint:<dir>
// for another directory's.
func detectLinters(root string, files []string) []collectors.Collector {
	var out []collectors.Collector
	manifests := nodepkg.ManifestDirs(files)
	embedded := nodepkg.Embedded(root, files)
	for _, l := range linters {
		var configs []string
		for _, f := range files {
			if !l.match(f) || collectors.NotTheProjects(f) || nodepkg.InSources(path.Dir(f), manifests) {
				continue // an app's starter templates are data
			}
			if d := path.Dir(f); l.inPackage && d != "." && (!manifests[d] || embedded[d]) {
				continue // a generator's templates are data too
			}
			configs = append(configs, f)
		}
		slices.Sort(configs)
		dirs := make([]string, len(configs))
		for i, f := range configs {
			dirs[i] = path.Dir(f)
		}
		names := collectors.TargetNames(dirs)
		for i, f := range configs {
			id := Kind + ":" + l.tool
			if dirs[i] != "." && l.at == "" {
				id += ":" + names[dirs[i]]
			}
			out = append(out, &Linter{Base: collectors.NewBase(id, Kind, l.domain), linter: l, config: f})
		}
	}
	return out
}

// Linter is one configuration of a linter preflight does not run.
type Linter struct {
	collectors.Base
	linter linter
	config string
}

func (c *Linter) Cost() collectors.Cost { return collectors.CostFiles }

func (c *Linter) Inputs() []string { return []string{collectors.EscapeGlob(c.config)} }

// RunBy reports whether a command of preflight.yaml runs the linter for
// this configuration: from its directory or one above it. A CI pipeline is
// read, not run, so no command stands in for it.
func (c *Linter) RunBy(spec collectors.CommandSpec) bool {
	runs := c.linter.runs
	if runs == "" {
		runs = c.linter.tool
	}
	if c.linter.domain == "ci" || !spec.Runs(runs) {
		return false
	}
	dir, at := spec.WorkDir(), path.Dir(c.config)
	return dir == "." || at == dir || strings.HasPrefix(at, dir+"/")
}

// Run measures nothing: it says which configured check did not run.
func (c *Linter) Run(_ context.Context, req collectors.Request) model.Result {
	r := c.Result()
	r.Status = model.StatusSkipped
	r.Error = model.UncheckedPrefix + c.config + " " + c.linter.says
	r.Hint = c.linter.hint
	if c.linter.tool == "golangci-lint" {
		if data, err := repofs.ReadFile(req.Root, c.config); err == nil && !golangciV2.Match(data) {
			r.Hint = golangciV1Hint
		}
	}
	return r
}

// golangciV2 matches the version key of a golangci-lint configuration of
// version 2 (YAML, TOML or JSON); golangci-lint 2 refuses any other, and
// golangci-lint 1 has other options, so each gets its own command.
var golangciV2 = regexp.MustCompile(`(?m)(^|[{,])\s*"?version"?\s*[:=]\s*["']?2\b`)

const golangciV1Hint = "a version 1 configuration (golangci-lint 2 refuses it): run it as a custom collector in preflight.yaml (command: golangci-lint run --out-format line-number --print-issued-lines=false, output: regex, domain: build; the README gives the pattern)"

func detectProjects(root string, files []string) []collectors.Collector {
	found := map[string][]kind{} // dir → its ecosystems, each once
	stray := strayJestConfigs(root, files, nodepkg.ManifestDirs(files))
	add := func(i int, f string) {
		if e := &ecosystems[i]; !slices.ContainsFunc(found[path.Dir(f)], func(k kind) bool { return k.eco == e }) {
			found[path.Dir(f)] = append(found[path.Dir(f)], kind{e, i, f})
		}
	}
	for _, f := range files {
		if collectors.NotTheProjects(f) {
			continue
		}
		for i := range ecosystems {
			if ecosystems[i].match(path.Base(f)) {
				add(i, f)
				break
			}
		}
		if stray[f] {
			add(strayJest, f)
		}
		if path.Base(f) == "package.json" && !nodepkg.InNodeModules(f) {
			if name := testScriptRunner(root, f); name != "" {
				add(slices.IndexFunc(ecosystems, func(e ecosystem) bool { return e.name == name }), f)
			}
		}
		// Angular 15 and later keep Karma's configuration inside the CLI:
		// angular.json's test target is the only trace of the suite.
		if path.Base(f) == "angular.json" && slices.ContainsFunc(nodepkg.AngularTargets(root, path.Dir(f)), func(t nodepkg.AngularTarget) bool {
			return strings.HasSuffix(t.Builder, ":karma")
		}) {
			add(karma, f)
		}
	}
	projects := map[string][]kind{}
	for d, ks := range found {
		for _, k := range ks {
			if !insideSame(d, k.eco, found) {
				projects[d] = append(projects[d], k)
			}
		}
	}
	dirs := slices.Sorted(maps.Keys(projects))
	names := collectors.TargetNames(dirs)
	out := make([]collectors.Collector, 0, len(dirs))
	for _, d := range dirs {
		ks := projects[d]
		// In the order of the ecosystems table, builds before tests.
		slices.SortFunc(ks, func(a, b kind) int { return a.rank - b.rank })
		domain := ks[0].eco.domain
		if domain == "" {
			domain = Domain
		}
		out = append(out, &Collector{Base: collectors.NewBase(Kind+":"+names[d], Kind, domain), kinds: ks})
	}
	return out
}

// insideSame reports whether a directory above d is a project of the same
// ecosystem.
func insideSame(d string, e *ecosystem, found map[string][]kind) bool {
	for d != "." && d != "/" {
		d = path.Dir(d)
		if slices.ContainsFunc(found[d], func(k kind) bool { return k.eco == e }) {
			return true
		}
	}
	return false
}

// Collector is one unchecked project.
type Collector struct {
	collectors.Base
	kinds []kind
}

func (c *Collector) Cost() collectors.Cost { return collectors.CostFiles }

func (c *Collector) Inputs() []string {
	out := make([]string, len(c.kinds))
	for i, k := range c.kinds {
		out[i] = collectors.EscapeGlob(k.marker)
	}
	return out
}

// Run measures nothing: it says what was not checked, and how it could be.
func (c *Collector) Run(context.Context, collectors.Request) model.Result {
	var what []string
	why, hint := "which preflight has no collector for", "run its build and tests from preflight.yaml (collectors: with command:), or import their reports (JUnit XML, SARIF, coverage)"
	for _, k := range c.kinds {
		what = append(what, article(k.eco.name)+" "+k.eco.name+" project ("+k.marker+")")
		if n, ok := notForWant[k.eco.name]; ok && len(c.kinds) == 1 {
			why, hint = n.why, n.hint
		}
	}
	r := c.Result()
	r.Status = model.StatusSkipped
	r.Error = model.UncheckedPrefix + strings.Join(what, " and ") + ", " + why
	r.Hint = hint
	return r
}
