package unchecked

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"
)

// microservices-demo's shape: Go services are checked, the Java, C# and
// Python ones are said not to be; a Cargo workspace is one project; what
// lies in dependencies and fixtures is nobody's project.
func TestDetectNamesWhatIsNotChecked(t *testing.T) {
	files := []string{
		"go.mod", "src/adservice/build.gradle", "src/adservice/settings.gradle",
		"src/cartservice/src/cartservice.csproj", "src/cartservice/tests/cartservice.tests.csproj",
		"src/emailservice/requirements.txt", "src/emailservice/pyproject.toml",
		"tools/Cargo.toml", "tools/crates/a/Cargo.toml",
		"web/node_modules/x/setup.py", "internal/testdata/pom.xml", "README.md",
		"tools/playwright.config.ts", "e2e/cypress.config.js", "helm/api/Chart.yaml", "helm/api/charts/db/Chart.yaml",
		"petclinic/karma.conf.js", "petclinic/e2e/protractor.conf.js",
	}
	var got []string
	for _, c := range Detect("/repo", files) {
		res := c.Run(context.Background(), collectors.Request{Root: "/repo"})
		if res.Status != model.StatusSkipped || res.Domain != c.Domain() || res.Hint == "" {
			t.Errorf("%s: %+v", c.ID(), res)
		}
		got = append(got, c.ID()+" "+c.Domain()+" "+strings.Join(c.Inputs(), ",")+": "+res.Error)
	}
	const tail = ", which preflight has no collector for"
	want := []string{
		"unchecked:e2e tests e2e/cypress.config.js: not checked: a Cypress test project (e2e/cypress.config.js)" + tail,
		"unchecked:api deployment helm/api/Chart.yaml: not checked: a Helm chart project (helm/api/Chart.yaml)" + tail,
		"unchecked:petclinic tests petclinic/karma.conf.js: not checked: a Karma test project (petclinic/karma.conf.js)" + tail,
		"unchecked:petclinic/e2e tests petclinic/e2e/protractor.conf.js: not checked: a Protractor test project (petclinic/e2e/protractor.conf.js)" + tail,
		"unchecked:adservice build src/adservice/build.gradle: not checked: a Gradle (Java/Kotlin) project (src/adservice/build.gradle)" + tail,
		"unchecked:src build src/cartservice/src/cartservice.csproj: not checked: a .NET project (src/cartservice/src/cartservice.csproj)" + tail,
		"unchecked:tests build src/cartservice/tests/cartservice.tests.csproj: not checked: a .NET project (src/cartservice/tests/cartservice.tests.csproj)" + tail,
		"unchecked:emailservice build src/emailservice/requirements.txt: not checked: a Python project (src/emailservice/requirements.txt)" + tail,
		"unchecked:tools build tools/Cargo.toml,tools/playwright.config.ts: not checked: a Rust (Cargo) project (tools/Cargo.toml) and a Playwright test project (tools/playwright.config.ts)" + tail,
	}
	if !slices.Equal(got, want) {
		t.Errorf("detected\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !Marker("Cargo.toml") || !Marker("api.csproj") || Marker("go.mod") {
		t.Error("Marker disagrees with the ecosystems")
	}
}

// soft-serve's shape: a Go module with a .golangci.yml that its task lint
// runs; preflight runs go vet only, so the configuration is named as not
// checked, by the tool, once per file. So is a CI pipeline preflight does
// not read (wild-workouts' cloudbuild.yaml), a Terraform configuration
// (its modules below it belong to it), a Pulumi program and podinfo's
// Timoni module. A Svelte app's starter template
// under its src/ is data, not an app.
func TestDetectNamesLinterConfigurations(t *testing.T) {
	files := []string{"go.mod", ".golangci.yml", "tools/.golangci.yaml", "lint/golangci.yml", "vendor/x/.golangci.yml", "api/pyproject.toml",
		"cloudbuild.yaml", ".circleci/config.yml", "api/config.yml", "terraform/main.tf", "terraform/modules/db/db.tf", "timoni/podinfo/timoni.cue", "timoni/podinfo/cue.mod/module.cue", "infra/Pulumi.yaml", "fly.toml", "biome.json", "tslint.json", "appveyor.yml", "web/svelte.config.js", "web/package.json", "web/eas.json", "web/src/lib/templates/basic/svelte.config.js"}
	var got []string
	for _, c := range Detect("/repo", files) {
		res := c.Run(context.Background(), collectors.Request{Root: "/repo"})
		if res.Status != model.StatusSkipped || !strings.HasPrefix(res.Error, model.UncheckedPrefix) || res.Hint == "" {
			t.Errorf("%s: %+v", c.ID(), res)
		}
		got = append(got, c.ID()+" "+c.Domain()+" "+strings.Join(c.Inputs(), ",")+": "+res.Error)
	}
	want := []string{
		"unchecked:. deployment fly.toml: not checked: a Fly.io project (fly.toml), which preflight has no collector for",
		"unchecked:api build api/pyproject.toml: not checked: a Python project (api/pyproject.toml), which preflight has no collector for",
		"unchecked:infra deployment infra/Pulumi.yaml: not checked: a Pulumi project (infra/Pulumi.yaml), which preflight has no collector for",
		"unchecked:terraform deployment terraform/main.tf: not checked: a Terraform project (terraform/main.tf), which preflight has no collector for",
		"unchecked:podinfo deployment timoni/podinfo/timoni.cue: not checked: a Timoni (CUE) project (timoni/podinfo/timoni.cue), which preflight has no collector for",
		"unchecked:golangci-lint build .golangci.yml: not checked: .golangci.yml configures golangci-lint, which preflight does not run",
		"unchecked:golangci-lint:lint build lint/golangci.yml: not checked: lint/golangci.yml configures golangci-lint, which preflight does not run",
		"unchecked:golangci-lint:tools build tools/.golangci.yaml: not checked: tools/.golangci.yaml configures golangci-lint, which preflight does not run",
		"unchecked:biome build biome.json: not checked: biome.json configures Biome, which preflight does not run",
		"unchecked:svelte-check:web build web/svelte.config.js: not checked: web/svelte.config.js configures a Svelte app, whose typecheck is svelte-check (it checks the .svelte files too), which preflight does not run (tsc, where it runs, checks the .ts files only)",
		"unchecked:tslint build tslint.json: not checked: tslint.json configures TSLint, which preflight does not run",
		"unchecked:cloud-build ci cloudbuild.yaml: not checked: cloudbuild.yaml is a Google Cloud Build pipeline, which preflight does not read",
		"unchecked:circleci ci .circleci/config.yml: not checked: .circleci/config.yml is a CircleCI pipeline, which preflight does not read",
		"unchecked:appveyor ci appveyor.yml: not checked: appveyor.yml is an AppVeyor pipeline, which preflight does not read",
		"unchecked:eas:web deployment web/eas.json: not checked: web/eas.json configures Expo's EAS builds and store submissions, which preflight does not read",
	}
	if !slices.Equal(got, want) {
		t.Errorf("detected\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !Marker(".golangci.toml") || !Marker("golangci.yml") || Marker("golangci.md") || !Marker("main.tf") || Marker("config.yml") {
		t.Error("Marker disagrees with the linters")
	}
}

// create-t3-app's shape: a generator ships Biome and Astro configurations
// in its templates, as data it copies into new projects; the docs site's
// own Astro configuration is the site's typecheck, not run. A Biome
// configuration counts beside a package's package.json or at the root.
func TestJSLinterConfigurationsBelongToPackages(t *testing.T) {
	root := t.TempDir()
	fixturetest.WriteFiles(t, root, map[string]string{
		"package.json":        `{"name":"root","private":true}`,
		"pnpm-workspace.yaml": "packages:\n  - cli\n  - www\n",
	})
	files := []string{"package.json", "pnpm-workspace.yaml", "cli/package.json", "cli/template/base/package.json",
		"cli/template/base/astro.config.mjs", "cli/template/extras/config/biome.jsonc", "www/package.json", "www/astro.config.mjs",
		"www/biome.json", "tools/biome.json"}
	var got []string
	for _, c := range Detect(root, files) {
		got = append(got, c.ID()+" "+strings.Join(c.Inputs(), ","))
	}
	want := []string{"unchecked:biome:www www/biome.json", "unchecked:astro-check:www www/astro.config.mjs"}
	if !slices.Equal(got, want) {
		t.Errorf("detected %q, want %q", got, want)
	}
	res := Detect(root, files)[1].Run(context.Background(), collectors.Request{Root: root})
	if !strings.Contains(res.Error, "www/astro.config.mjs configures an Astro site, whose typecheck is astro check") || !strings.Contains(res.Hint, "astro check") {
		t.Errorf("astro: %q / %q", res.Error, res.Hint)
	}
}

// A command of preflight.yaml that runs the linter takes the place of the
// configurations in its directory and below; a CI pipeline is read, not
// run, so no command stands in for it.
func TestLinterIsRunByACommandThatRunsIt(t *testing.T) {
	files := []string{".golangci.yml", "tools/.golangci.yaml", "web/svelte.config.js", "web/package.json", "Jenkinsfile", "docs/package.json", "docs/astro.config.mjs"}
	linters := map[string]collectors.Placeholder{}
	for _, c := range Detect("/repo", files) {
		linters[c.ID()] = c.(collectors.Placeholder)
	}
	shell := func(dir, line string) collectors.CommandSpec {
		return collectors.CommandSpec{Dir: dir, Shell: true, Command: []string{line}}
	}
	for _, tc := range []struct {
		spec collectors.CommandSpec
		want []string
	}{
		{shell("", "golangci-lint run --output.sarif.path=golangci.sarif"), []string{"unchecked:golangci-lint", "unchecked:golangci-lint:tools"}},
		{shell("tools", "golangci-lint run"), []string{"unchecked:golangci-lint:tools"}},
		{shell("", "go run github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.1.0 run"), []string{"unchecked:golangci-lint", "unchecked:golangci-lint:tools"}},
		{collectors.CommandSpec{Dir: "web", Command: []string{"npx", "svelte-check", "--output", "machine"}}, []string{"unchecked:svelte-check:web"}},
		{shell("", "npx svelte-kit sync && npx svelte-check --output machine"), []string{"unchecked:svelte-check:web"}},
		{shell("api", "npx svelte-check"), nil},
		{shell("", "go vet ./... # not golangci-lint"), nil},
		{shell("", "echo golangci-lint-report"), nil},
		{shell("", "jenkins"), nil},
		{shell("docs", "npx astro check --minimumSeverity warning"), []string{"unchecked:astro-check:docs"}},
		{shell("docs", "npx astro build"), nil},
		{shell("", "npx astro-check"), nil},
	} {
		var got []string
		for _, id := range slices.Sorted(maps.Keys(linters)) {
			if linters[id].RunBy(tc.spec) {
				got = append(got, id)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: run by %v, want %v", tc.spec.CommandLine(), got, tc.want)
		}
	}
}

// Angular 15 and later keep Karma's configuration in the CLI: a test
// target built by :karma in angular.json is the suite, named as not
// checked; a workspace tested by another builder is not.
func TestDetectNamesAngularKarmaTargets(t *testing.T) {
	root := fixturetest.WriteRepo(t, map[string]string{
		"shop/angular.json":  `{"projects": {"shop": {"architect": {"test": {"builder": "@angular-devkit/build-angular:karma", "options": {"tsConfig": "tsconfig.spec.json"}}}}}}`,
		"shop/package.json":  `{"name": "shop"}`,
		"admin/angular.json": `{"projects": {"admin": {"architect": {"test": {"builder": "@angular-builders/jest:run"}}}}}`,
	})
	var got []string
	for _, c := range Detect(root, fixturetest.Files(t, root)) {
		res := c.Run(context.Background(), collectors.Request{Root: root})
		got = append(got, c.ID()+" "+c.Domain()+": "+res.Error)
	}
	want := []string{"unchecked:shop tests: not checked: a Karma test project (shop/angular.json), which preflight has no collector for"}
	if !slices.Equal(got, want) {
		t.Errorf("detected\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// golangci-lint 2 refuses a version 1 configuration and version 1 has
// other options, so the hint's command follows the configuration's
// version (go-clean-arch's v1 file had been given a v2-only flag).
func TestGolangciHintFollowsTheConfigurationVersion(t *testing.T) {
	root := t.TempDir()
	fixturetest.WriteFiles(t, root, map[string]string{
		".golangci.yaml":        "linters:\n  disable-all: true\n  enable: [gosec]\n",
		"v2/.golangci.yml":      "# the v2 layout\nversion: \"2\"\nlinters:\n  default: standard\n",
		"v2json/.golangci.json": `{"version": "2", "linters": {"default": "all"}}`,
		"v2toml/.golangci.toml": "version = '2'\n",
	})
	want := map[string]string{
		"unchecked:golangci-lint":        "--out-format line-number",
		"unchecked:golangci-lint:v2":     "--output.sarif.path=golangci.sarif",
		"unchecked:golangci-lint:v2json": "--output.sarif.path=golangci.sarif",
		"unchecked:golangci-lint:v2toml": "--output.sarif.path=golangci.sarif",
	}
	cs := Detect(root, fixturetest.Files(t, root))
	if len(cs) != len(want) {
		t.Fatalf("detected %d collectors, want %d", len(cs), len(want))
	}
	for _, c := range cs {
		res := c.Run(context.Background(), collectors.Request{Root: root})
		if w, ok := want[c.ID()]; !ok || !strings.Contains(res.Hint, w) {
			t.Errorf("%s: hint %q, want one with %q", c.ID(), res.Hint, w)
		}
	}
}

// A package whose test script runs a runner preflight does not run is
// named, so its Tests are not read as "nothing found" (hackathon-starter's
// `c8 … mocha --exit`); one that runs Vitest or Jest is preflight's own.
func TestTestScriptRunnersAreNamed(t *testing.T) {
	root := fixturetest.WriteRepo(t, map[string]string{
		"package.json":         `{"scripts": {"test": "c8 --reporter=lcov mocha --timeout=60000 --exit test/**/*.test.js"}}`,
		"api/package.json":     `{"scripts": {"test": "node --test --experimental-strip-types"}}`,
		"web/package.json":     `{"scripts": {"test": "vitest run"}}`,
		"lib/package.json":     `{"scripts": {"test": "npx ava"}}`,
		"lib/sub/package.json": `{"scripts": {"test": "ava"}}`,
	})
	var got []string
	for _, c := range Detect(root, fixturetest.Files(t, root)) {
		res := c.Run(context.Background(), collectors.Request{Root: root})
		got = append(got, c.ID()+" "+c.Domain()+": "+res.Error)
	}
	want := []string{
		"unchecked:. tests: not checked: a Mocha test project (package.json), which preflight has no collector for",
		"unchecked:api tests: not checked: a node:test project (api/package.json), which preflight has no collector for",
		"unchecked:lib tests: not checked: an AVA test project (lib/package.json), which preflight has no collector for",
	}
	if !slices.Equal(got, want) {
		t.Errorf("detected\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A Jest configuration in a directory without a package.json is run by
// no package's collector (realworld's Nx e2e project: e2e/jest.config.ts,
// which `nx e2e` runs with the server up): it is named. One a package
// runs, or that a configuration above takes in as a project, is not.
func TestJestConfigsNoPackageRunsAreNamed(t *testing.T) {
	root := fixturetest.WriteRepo(t, map[string]string{
		"package.json":                   `{"scripts": {"test": "nx test"}}`,
		"jest.config.ts":                 "export default { displayName: 'api', preset: './jest.preset.js' };\n",
		"e2e/project.json":               `{"name": "e2e", "targets": {"e2e": {"executor": "@nx/jest:jest", "options": {"jestConfig": "e2e/jest.config.ts"}}}}`,
		"e2e/jest.config.ts":             "export default { displayName: 'e2e', globalSetup: '<rootDir>/src/support/global-setup.ts' };\n",
		"web/package.json":               `{"scripts": {"test": "jest"}}`,
		"web/jest.config.js":             "module.exports = {};\n",
		"mono/package.json":              `{"scripts": {"test": "jest"}}`,
		"mono/jest.config.js":            "module.exports = { projects: ['<rootDir>/packages/*'] };\n",
		"mono/packages/a/jest.config.js": "module.exports = { displayName: 'a' };\n",
	})
	var got []string
	for _, c := range Detect(root, fixturetest.Files(t, root)) {
		res := c.Run(context.Background(), collectors.Request{Root: root})
		got = append(got, c.ID()+" "+c.Domain()+": "+res.Error+" | "+res.Hint)
	}
	want := []string{"unchecked:e2e tests: not checked: a Jest test project (e2e/jest.config.ts), which no package.json runs: preflight runs Jest in a package's directory" +
		" | run it from preflight.yaml (collectors: with command:, such as npx jest -c <config> --ci with a JUnit reporter, report: and output: junit), with what it needs running"}
	if !slices.Equal(got, want) {
		t.Errorf("detected\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A package script that runs Prettier as a check (sveltejs/realworld's
// lint: prettier --check .) is a gate preflight does not run: named, with
// the script, and covered by a preflight.yaml command that runs it. A
// script that only formats (--write) is none.
func TestPrettierChecksInScriptsAreNamed(t *testing.T) {
	root := fixturetest.WriteRepo(t, map[string]string{
		"package.json":       `{"scripts": {"lint": "prettier --check . && eslint .", "format": "prettier --write ."}}`,
		"web/package.json":   `{"scripts": {"fmt:check": "npx prettier -l src"}}`,
		"other/package.json": `{"scripts": {"format": "prettier --write ."}}`,
		".prettierrc":        "{}\n",
	})
	var got []string
	found := map[string]*Linter{}
	for _, c := range Detect(root, fixturetest.Files(t, root)) {
		if l, ok := c.(*Linter); ok && l.linter.tool == "prettier" {
			res := c.Run(context.Background(), collectors.Request{Root: root})
			got = append(got, c.ID()+" "+string(res.Status)+": "+res.Error)
			found[c.ID()] = l
		}
	}
	want := []string{
		`unchecked:prettier skipped: not checked: package.json runs prettier as a check in its "lint" script, which preflight does not run`,
		`unchecked:prettier:web skipped: not checked: web/package.json runs prettier as a check in its "fmt:check" script, which preflight does not run`,
	}
	if !slices.Equal(got, want) {
		t.Fatalf("detected\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if run := (collectors.CommandSpec{Shell: true, Command: []string{"npx prettier --check ."}}); !found["unchecked:prettier"].RunBy(run) || !found["unchecked:prettier:web"].RunBy(run) {
		t.Error("a preflight.yaml command running prettier does not stand for the scripts' checks")
	}
}

// Create React App 1 and 2 lint inside react-scripts' build, with no ESLint
// configuration of the package's (react-redux-realworld): preflight has
// none to run, and says so; a package with its own configuration (an
// eslintConfig key, an .eslintrc) is linted by the ESLint collector.
func TestCreateReactAppsBuiltInLintIsNamed(t *testing.T) {
	root := fixturetest.WriteRepo(t, map[string]string{
		"package.json":       `{"scripts": {"start": "react-scripts start", "build": "react-scripts build"}}`,
		"keyed/package.json": `{"scripts": {"build": "react-scripts build"}, "eslintConfig": {"extends": "react-app"}}`,
		"rc/package.json":    `{"scripts": {"build": "react-scripts build"}}`,
		"rc/.eslintrc.json":  "{}\n",
		"vite/package.json":  `{"scripts": {"build": "vite build"}}`,
	})
	var got []string
	for _, c := range Detect(root, fixturetest.Files(t, root)) {
		if l, ok := c.(*Linter); ok && l.linter.tool == "react-scripts-eslint" {
			res := c.Run(context.Background(), collectors.Request{Root: root})
			got = append(got, c.ID()+": "+res.Error)
			if !l.RunBy(collectors.CommandSpec{Shell: true, Command: []string{"npx eslint --ext .js,.jsx src"}}) {
				t.Error("a preflight.yaml command running eslint does not stand for it")
			}
		}
	}
	want := []string{`unchecked:react-scripts-eslint: not checked: package.json builds with react-scripts in its "build" script, which lints src with its own ESLint configuration; the package has none of its own, so preflight runs no ESLint`}
	if !slices.Equal(got, want) {
		t.Errorf("detected\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
