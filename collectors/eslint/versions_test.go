package eslint

import (
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/collectors/nodepkg"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"
)

// Every supported ESLint major in every configuration style it reads (8 and
// 9 both styles, 10 only flat), each
// installed in its own package under testdata/versions with the same two
// source files and the same four rules: two errors and two warnings at
// known places. preflight must pick the configuration style the package
// uses, build a command line the installed version accepts, and read the
// same numbers from each — what `eslint -f json .` reports there.
func TestESLintVersionMatrix(t *testing.T) {
	needESLint(t)
	root := filepath.Join(fixtureRoot(t), "versions")
	cs := detected(t, root)
	versions := []struct {
		pkg, major, config string
		flat               bool
		env                string
	}{
		{"eslint8-eslintrc", "8", ".eslintrc.json", false, "ESLINT_USE_FLAT_CONFIG=false"},
		{"eslint8-flat", "8", "eslint.config.js", true, "ESLINT_USE_FLAT_CONFIG=true"},
		{"eslint9-flat", "9", "eslint.config.js", true, "ESLINT_USE_FLAT_CONFIG=true"},
		{"eslint9-eslintrc", "9", ".eslintrc.json", false, "ESLINT_USE_FLAT_CONFIG=false"},
		{"eslint10-flat", "10", "eslint.config.js", true, "ESLINT_USE_FLAT_CONFIG=true"},
	}
	for _, v := range versions {
		t.Run(v.pkg, func(t *testing.T) {
			dir := filepath.Join(root, v.pkg)
			bin := filepath.Join(dir, "node_modules", ".bin", "eslint")
			if _, err := os.Stat(bin); err != nil {
				fixturetest.Unavailable(t, "eslint is not installed in testdata/versions/"+v.pkg+": make deps")
			}
			tool := nodepkg.InstalledTool(bin, "eslint")
			if got := tool.Major(); strconv.Itoa(got) != v.major {
				t.Fatalf("installed eslint major %d, want %s", got, v.major)
			}
			c := cs["eslint:"+v.pkg]
			if c == nil || c.config != v.pkg+"/"+v.config || c.flat != v.flat {
				t.Fatalf("detected %+v, want config %s flat %v", c, v.config, v.flat)
			}
			if _, known := c.Precheck(root); known {
				t.Fatal("an installed ESLint must run to be known")
			}
			r := run(t, c, root)
			want := map[string]float64{"errors": 2, "warnings": 2, "fatal": 0, "suppressed": 0, "files": 2}
			if r.Status != model.StatusOK || r.Broken || r.ExitCode != 1 || !reflect.DeepEqual(r.Facts, want) {
				t.Fatalf("status %s broken %v exit %d (%s), facts %v, want %v\n%s", r.Status, r.Broken, r.ExitCode, r.Error, r.Facts, want, r.Output)
			}
			wantFindings := []string{
				"high " + v.pkg + "/src/total.js:2:7 no-unused-vars",
				"high " + v.pkg + "/src/total.js:5:9 eqeqeq",
				"low " + v.pkg + "/src/label.js:2:7 prefer-const",
				"low " + v.pkg + "/src/total.js:1:1 no-var",
			}
			if got := described(r.Findings); !reflect.DeepEqual(got, wantFindings) {
				t.Errorf("findings\n got %q\nwant %q", got, wantFindings)
			}
			if r.ToolVersion != tool.Version {
				t.Errorf("tool version %q, want %q", r.ToolVersion, tool.Version)
			}
			if want := "cd " + v.pkg + " && " + v.env + " node_modules/.bin/eslint -f json -o "; !strings.HasPrefix(r.Command, want) {
				t.Errorf("command %q, want it to start %q", r.Command, want)
			}
		})
	}
}

// A legacy configuration given only as package.json's "eslintConfig" is
// read by ESLint 8 and 9 like an .eslintrc: by hand, `eslint -f json .`
// reports the matrix's four messages there too.
func TestESLintConfigInPackageJSON(t *testing.T) {
	needESLint(t)
	config := fixtureEslintrc(t)
	for _, v := range []string{"eslint8-eslintrc", "eslint9-eslintrc"} {
		t.Run(v, func(t *testing.T) {
			root := eslintrcApp(t, v, config, "", nil)
			c := detected(t, root)["eslint:."]
			if c == nil || c.flat || c.config != "package.json" {
				t.Fatalf("detected %+v", c)
			}
			r := run(t, c, root)
			want := map[string]float64{"errors": 2, "warnings": 2, "fatal": 0, "suppressed": 0, "files": 2}
			if r.Status != model.StatusOK || r.Broken || !reflect.DeepEqual(r.Facts, want) {
				t.Fatalf("status %s broken %v (%s), facts %v\n%s", r.Status, r.Broken, r.Error, r.Facts, r.Output)
			}
			wantFindings := []string{"high src/total.js:2:7 no-unused-vars", "high src/total.js:5:9 eqeqeq",
				"low src/label.js:2:7 prefer-const", "low src/total.js:1:1 no-var"}
			if got := described(r.Findings); !reflect.DeepEqual(got, wantFindings) {
				t.Errorf("findings\n got %q\nwant %q", got, wantFindings)
			}
		})
	}
}

// eslintrcApp is a package configured in package.json's eslintConfig,
// with the fixture's sources and the ESLint installed for version v; deps
// are more devDependencies ("\"x\": \"1\""), extra more files.
func eslintrcApp(t *testing.T, v, config, deps string, extra map[string]string) string {
	t.Helper()
	fixture := filepath.Join(fixtureRoot(t), "versions", v)
	installed := filepath.Join(fixture, "node_modules")
	if _, err := os.Stat(filepath.Join(installed, ".bin", "eslint")); err != nil {
		fixturetest.Unavailable(t, "eslint is not installed in testdata/versions/"+v+": make deps")
	}
	tool := nodepkg.InstalledTool(filepath.Join(installed, ".bin", "eslint"), "eslint")
	if deps != "" {
		deps = ", " + deps
	}
	root := filepath.Join(t.TempDir(), "app")
	files := map[string]string{
		"package.json": `{"name": "app", "devDependencies": {"eslint": "` + tool.Version + `"` + deps + `}, "eslintConfig": ` + config + `}`,
	}
	for _, f := range []string{"src/total.js", "src/label.js"} {
		b, err := os.ReadFile(filepath.Join(fixture, f))
		if err != nil {
			t.Fatal(err)
		}
		files[f] = string(b)
	}
	maps.Copy(files, extra)
	fixturetest.WriteFiles(t, root, files)
	if err := os.Symlink(installed, filepath.Join(root, "node_modules")); err != nil {
		t.Fatal(err)
	}
	return root
}

// A legacy configuration lints only *.js in the directories it is given;
// a package that installs a parser for more (here TypeScript's) has those
// files linted too, as its own lint script would (vue-cli-service lint
// passes --ext .js,.jsx,.vue).
func TestLegacyConfigLintsTheExtensionsItsParsersRead(t *testing.T) {
	needESLint(t)
	config := fixtureEslintrc(t)
	root := eslintrcApp(t, "eslint8-eslintrc", config, `"@typescript-eslint/parser": "8.0.0"`,
		map[string]string{"src/extra.ts": "var typed = 1;\nexport default typed;\n"})
	c := detected(t, root)["eslint:."]
	if c == nil || !slices.Equal(c.ext, []string{".js", ".ts", ".tsx"}) {
		t.Fatalf("detected %+v", c)
	}
	r := run(t, c, root)
	if r.Status != model.StatusOK || !strings.Contains(r.Command, "--ext .js,.ts,.tsx .") {
		t.Fatalf("status %s (%s) command %q\n%s", r.Status, r.Error, r.Command, r.Output)
	}
	if got := described(r.Findings); !slices.Contains(got, "low src/extra.ts:1:1 no-var") || r.Facts["files"] != 3 {
		t.Errorf("src/extra.ts not linted: files %v, findings %q", r.Facts["files"], got)
	}
}

// ESLint 10 reads no .eslintrc: the package's configuration stops it, which
// is the project's to fix, and the hint names the installed version.
func TestESLint10WithAnEslintrcIsBroken(t *testing.T) {
	needESLint(t)
	installed := filepath.Join(fixtureRoot(t), "versions", "eslint10-flat", "node_modules")
	if _, err := os.Stat(filepath.Join(installed, ".bin", "eslint")); err != nil {
		t.Skip("eslint 10 is not installed in testdata/versions/eslint10-flat: make deps")
	}
	root := filepath.Join(t.TempDir(), "app")
	fixturetest.WriteFiles(t, root, map[string]string{
		"package.json":   `{"name": "app", "devDependencies": {"eslint": "10.16.0"}}`,
		".eslintrc.json": `{"root": true, "rules": {"no-var": "warn"}}`,
		"src/a.js":       "var a = 1;\n",
	})
	if err := os.Symlink(installed, filepath.Join(root, "node_modules")); err != nil {
		t.Fatal(err)
	}
	r := run(t, detected(t, root)["eslint:."], root)
	if r.Status != model.StatusOK || !r.Broken || r.ExitCode != 2 || len(r.Facts) != 0 || r.ToolVersion != "10.16.0" {
		t.Fatalf("status %s broken %v exit %d facts %v version %q\n%s", r.Status, r.Broken, r.ExitCode, r.Facts, r.ToolVersion, r.Output)
	}
	if want := "eslint could not run: ESLint couldn't find an eslint.config.* file."; r.Error != want {
		t.Errorf("error %q, want %q", r.Error, want)
	}
	if !strings.HasPrefix(r.Hint, "ESLint 10.16.0 reads only eslint.config.*, not .eslintrc.json") {
		t.Errorf("hint %q", r.Hint)
	}
	if len(r.Findings) != 1 || r.Findings[0].Rule != RuleCouldNotRun.ID || r.Findings[0].File != ".eslintrc.json" {
		t.Errorf("findings %q", described(r.Findings))
	}
}

// An ESLint that refuses an option preflight added is run again with only
// the report options and the paths the lint script names: the project is
// not to blame.
func TestRejectedOptionFallsBackToAPlainRun(t *testing.T) {
	needESLint(t)
	root := filepath.Join(t.TempDir(), "mono")
	args := filepath.Join(root, "args")
	fixturetest.WriteFiles(t, root, map[string]string{
		"package.json":                  `{"workspaces": ["packages/*"], "scripts": {"lint": "eslint --ext .js src"}, "devDependencies": {"eslint": "9"}}`,
		"src/a.js":                      "var a = 1;\n",
		"eslint.config.js":              "export default []\n",
		"packages/app/package.json":     `{}`,
		"packages/app/eslint.config.js": "export default []\n",
	})
	script := `#!/bin/sh
for a in "$@"; do
  case "$a" in
    --ignore-pattern) echo "Invalid option '--ignore-pattern' - perhaps you meant '--ignore-path'?" >&2; exit 2 ;;
  esac
done
echo "$@" > "` + args + `"
while [ "$1" != "-o" ]; do shift; done
echo '[{"filePath":"` + filepath.Join(root, "a.js") + `","messages":[{"ruleId":"no-var","severity":1,"message":"Unexpected var.","line":1,"column":1}],"suppressedMessages":[]}]' > "$2"
exit 0
`
	bin := filepath.Join(root, "node_modules", ".bin", "eslint")
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	r := run(t, detected(t, root)["eslint:."], root)
	if r.Status != model.StatusOK || r.Broken || r.Facts["warnings"] != 1 || len(r.Findings) != 1 {
		t.Fatalf("status %s broken %v (%s), facts %v, findings %q\n%s", r.Status, r.Broken, r.Error, r.Facts, described(r.Findings), r.Output)
	}
	got, _ := os.ReadFile(args)
	if strings.Contains(string(got), "--ignore-pattern") || strings.Contains(string(got), "--ext") || !strings.HasSuffix(strings.TrimSpace(string(got)), " src") ||
		strings.Contains(r.Command, "--ignore-pattern") || !strings.HasSuffix(r.Command, " src") {
		t.Errorf("second run's arguments %q, evidence %q", got, r.Command)
	}
}

// An ESLint that needs a newer Node than the one on PATH is unknown, naming
// both versions, and is never started: it is the machine, not the project.
// So is a project whose own engines.node excludes that Node.
func TestESLintNeedingANewerNodeIsUnknown(t *testing.T) {
	needESLint(t)
	node := nodepkg.NodeVersion()
	cases := []struct{ tool, project, want string }{
		{`, "engines": {"node": ">=99.0.0"}`, "", "eslint 99.0.0 needs Node >=99.0.0; the node on PATH is " + node},
		{"", `, "engines": {"node": "^99"}`, "the project needs Node ^99 (engines.node in package.json); the node on PATH is " + node},
	}
	for _, c := range cases {
		root := filepath.Join(t.TempDir(), "app")
		marker := filepath.Join(root, "ran")
		fixturetest.WriteFiles(t, root, map[string]string{
			"package.json":                      `{"name": "app", "devDependencies": {"eslint": "99.0.0"}` + c.project + `}`,
			"eslint.config.js":                  "export default []\n",
			"node_modules/eslint/package.json":  `{"name": "eslint", "version": "99.0.0"` + c.tool + `}`,
			"node_modules/eslint/bin/eslint.js": "#!/bin/sh\ntouch " + marker + "\n",
		})
		if err := os.Chmod(filepath.Join(root, "node_modules/eslint/bin/eslint.js"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(root, "node_modules", ".bin"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("../eslint/bin/eslint.js", filepath.Join(root, "node_modules", ".bin", "eslint")); err != nil {
			t.Fatal(err)
		}
		r := run(t, detected(t, root)["eslint:."], root)
		if r.Status != model.StatusUnknown || r.Error != c.want || r.Hint == "" || len(r.Findings) != 0 {
			t.Errorf("status %s, error %q, hint %q, findings %+v\nwant error %q", r.Status, r.Error, r.Hint, r.Findings, c.want)
		}
		if _, err := os.Stat(marker); err == nil {
			t.Error("eslint was started")
		}
	}
}

// ESLint 8 reads no eslint.config.ts: it stops with "Could not find config
// file.", and the hint says which version does.
func TestESLint8WithATypeScriptConfigIsBroken(t *testing.T) {
	needESLint(t)
	installed := filepath.Join(fixtureRoot(t), "versions", "eslint8-flat", "node_modules")
	if _, err := os.Stat(filepath.Join(installed, ".bin", "eslint")); err != nil {
		t.Skip("eslint 8 is not installed in testdata/versions/eslint8-flat: make deps")
	}
	root := filepath.Join(t.TempDir(), "app")
	fixturetest.WriteFiles(t, root, map[string]string{
		"package.json":     `{"name": "app", "devDependencies": {"eslint": "8.57.1"}}`,
		"eslint.config.ts": "export default [{ rules: { \"no-var\": \"warn\" } }];\n",
		"src/a.js":         "var a = 1;\n",
	})
	if err := os.Symlink(installed, filepath.Join(root, "node_modules")); err != nil {
		t.Fatal(err)
	}
	r := run(t, detected(t, root)["eslint:."], root)
	if r.Status != model.StatusOK || !r.Broken || r.ExitCode != 2 || len(r.Facts) != 0 {
		t.Fatalf("status %s broken %v exit %d facts %v\n%s", r.Status, r.Broken, r.ExitCode, r.Facts, r.Output)
	}
	if want := "eslint could not run: Error: Could not find config file."; r.Error != want {
		t.Errorf("error %q, want %q", r.Error, want)
	}
	if !strings.HasPrefix(r.Hint, "ESLint 8.57.1 does not read eslint.config.ts: a TypeScript configuration file needs ESLint 9 or later") {
		t.Errorf("hint %q", r.Hint)
	}
}

func TestUnreadConfigHints(t *testing.T) {
	tests := []struct {
		config  string
		flat    bool
		version string
		want    string // prefix; "" for no hint
	}{
		{"eslint.config.js", true, "8.10.0", "ESLint 8.10.0 does not read eslint.config.js: flat configuration needs ESLint 8.21"},
		{"eslint.config.js", true, "8.21.0", ""},
		{"eslint.config.mts", true, "8.57.1", "ESLint 8.57.1 does not read eslint.config.mts: a TypeScript configuration file needs ESLint 9"},
		{"eslint.config.ts", true, "9.39.5", ""},
		{"eslint.config.cjs", true, "8.57.1", ""},
		{".eslintrc.json", false, "7.32.0", ""},
		{".eslintrc.json", false, "9.39.5", ""},
		{"web/package.json", false, "10.0.0", "ESLint 10.0.0 reads only eslint.config.*, not web/package.json"},
		{".eslintrc.json", false, "", ""}, // unknown version: no guess
	}
	for _, tt := range tests {
		c := &Collector{config: tt.config, flat: tt.flat}
		got := c.unreadConfig(nodepkg.Tool{Name: "eslint", Version: tt.version})
		if tt.want == "" && got != "" || !strings.HasPrefix(got, tt.want) {
			t.Errorf("%s flat=%v on %s: %q, want %q…", tt.config, tt.flat, tt.version, got, tt.want)
		}
	}
}

// A lint script that leaves files out ("eslint src --ignore-path
// .gitignore", bulletproof-react's) is linted as it says: the gitignored
// generated file is not, and the ignore file is an input.
func TestLintScriptIgnorePathIsKept(t *testing.T) {
	needESLint(t)
	config := fixtureEslintrc(t)
	root := eslintrcApp(t, "eslint8-eslintrc", config, "",
		map[string]string{".gitignore": "node_modules\nsrc/generated/\n", "src/generated/out.js": "var generated = 1;\n"})
	withLintScript(t, root, "eslint src --ignore-path .gitignore")
	c := detected(t, root)["eslint:."]
	if c == nil || !slices.Contains(c.Inputs(), ".gitignore") {
		t.Fatalf("detected %+v", c)
	}
	r := run(t, c, root)
	if r.Status != model.StatusOK || !strings.HasSuffix(r.Command, " --ignore-path .gitignore src") {
		t.Fatalf("status %s (%s) command %q\n%s", r.Status, r.Error, r.Command, r.Output)
	}
	for _, f := range r.Findings {
		if strings.HasPrefix(f.File, "src/generated/") {
			t.Errorf("an ignored file was linted: %s", f.Location())
		}
	}
	if r.Facts["files"] != 2 {
		t.Errorf("files %v, want src/total.js and src/label.js", r.Facts["files"])
	}
}

// withLintScript gives an eslintrcApp package a lint script.
func withLintScript(t *testing.T, root, script string) {
	t.Helper()
	manifest := filepath.Join(root, "package.json")
	b, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	withScript := strings.Replace(string(b), `{"name": "app",`, `{"name": "app", "scripts": {"lint": "`+script+`"},`, 1)
	if err := os.WriteFile(manifest, []byte(withScript), 0o644); err != nil {
		t.Fatal(err)
	}
}

// `next lint` lints Next.js's default directories that exist (here src/),
// not a script in scripts/ (bulletproof-react's nextjs-app: 130 files, not
// the package's 139); `vue-cli-service lint` lints src/, tests/ and the
// package's own *.js, not the build output in dist/ that ESLint 8 would
// lint given "." (wild-workouts' web: 1007 errors, all in dist/).
func TestLintWrapperScriptsLintTheirDirectories(t *testing.T) {
	needESLint(t)
	config := fixtureEslintrc(t)
	for _, script := range []string{"next lint", "vue-cli-service lint"} {
		t.Run(script, func(t *testing.T) {
			root := eslintrcApp(t, "eslint8-eslintrc", config, "",
				map[string]string{"scripts/tool.js": "var tool = 1;\n", "dist/js/app.js": "var built = 1;\n"})
			withLintScript(t, root, script)
			c := detected(t, root)["eslint:."]
			if c == nil || c.script != "lint" || !slices.Equal(c.scriptArgs, []string{"src"}) {
				t.Fatalf("detected %+v", c)
			}
			r := run(t, c, root)
			if r.Status != model.StatusOK || !strings.HasSuffix(r.Command, " src") {
				t.Fatalf("status %s (%s) command %q\n%s", r.Status, r.Error, r.Command, r.Output)
			}
			for _, f := range r.Findings {
				if !strings.HasPrefix(f.File, "src/") {
					t.Errorf("a file %s leaves alone was linted: %s", script, f.Location())
				}
			}
			if r.Facts["files"] != 2 {
				t.Errorf("files %v, want src/total.js and src/label.js", r.Facts["files"])
			}
		})
	}
}

// fixtureEslintrc is the legacy configuration of the eslint8-eslintrc
// fixture, for eslintrcApp packages.
func fixtureEslintrc(t *testing.T) string {
	t.Helper()
	config, err := os.ReadFile(filepath.Join(fixtureRoot(t), "versions", "eslint8-eslintrc", ".eslintrc.json"))
	if err != nil {
		t.Fatal(err)
	}
	return string(config)
}

// installedESLint8 is the node_modules of the eslint8-eslintrc fixture,
// for repositories written by a test to link.
func installedESLint8(t *testing.T) string {
	t.Helper()
	needESLint(t)
	installed := filepath.Join(fixtureRoot(t), "versions", "eslint8-eslintrc", "node_modules")
	if _, err := os.Stat(filepath.Join(installed, ".bin", "eslint")); err != nil {
		fixturetest.Unavailable(t, "eslint is not installed in testdata/versions/eslint8-eslintrc: make deps")
	}
	return installed
}

// ESLint with a legacy configuration reads .eslintignore only in the
// directory it runs in: a package linted in its own directory is given
// the root's, as the project's own lint from the root reads it
// (excalidraw: packages/common/dist, once built, is not linted).
func TestPackageLintUsesTheIgnoreFileAbove(t *testing.T) {
	installed := installedESLint8(t)
	root := filepath.Join(t.TempDir(), "mono")
	fixturetest.WriteFiles(t, root, map[string]string{
		"package.json":                   `{"private": true, "workspaces": ["packages/*"], "devDependencies": {"eslint": "8.57.1"}}`,
		".eslintignore":                  "dist/\n",
		"packages/common/package.json":   `{"name": "common"}`,
		"packages/common/.eslintrc.json": `{"root": true, "parserOptions": {"ecmaVersion": 2022, "sourceType": "module"}, "rules": {"no-undef": "error"}}`,
		"packages/common/src/index.js":   "export const one = 1;\n",
		"packages/common/dist/index.js":  "define(['exports'], function (e) { e.one = 1 });\n",
		"packages/other/package.json":    `{"name": "other"}`,
		"packages/other/.eslintrc.json":  `{"root": true, "rules": {"no-undef": "error"}}`,
		"packages/other/.eslintignore":   "build/\n",
		"packages/other/dist/index.js":   "define(1);\n",
	})
	if err := os.Symlink(installed, filepath.Join(root, "node_modules")); err != nil {
		t.Fatal(err)
	}
	cs := detected(t, root)
	r := run(t, cs["eslint:common"], root)
	if r.Status != model.StatusOK || r.Facts["files"] != 1 || len(r.Findings) != 0 || !strings.Contains(r.Command, "--ignore-path ../../.eslintignore") {
		t.Errorf("common: status %s (%s) facts %v findings %q command %q", r.Status, r.Error, r.Facts, described(r.Findings), r.Command)
	}
	// A package with its own .eslintignore keeps to it.
	r = run(t, cs["eslint:other"], root)
	if strings.Contains(r.Command, "--ignore-path") || !slices.Contains(described(r.Findings), "high packages/other/dist/index.js:1:1 no-undef") {
		t.Errorf("other: command %q findings %q", r.Command, described(r.Findings))
	}
	if !slices.Contains(cs["eslint:common"].Inputs(), ".eslintignore") {
		t.Errorf("the root's ignore file is no input: %q", cs["eslint:common"].Inputs())
	}
}

// An Nx workspace without a lint script lints what its projects' lint
// targets name: the root project's lintFilePatterns (./src) and, for a
// project that names none, its root (e2e/), not the build output and
// Nx's cache beside them (realworld: 33 errors as `nx run-many -t lint`,
// not 42 once built).
func TestNxWorkspaceLintsItsProjectsPatterns(t *testing.T) {
	installed := installedESLint8(t)
	root := filepath.Join(t.TempDir(), "api")
	fixturetest.WriteFiles(t, root, map[string]string{
		"package.json":       `{"name": "api", "scripts": {"build": "nx build", "test": "nx test"}, "devDependencies": {"eslint": "8.57.1", "nx": "20.0.0"}}`,
		"nx.json":            `{"targetDefaults": {"lint": {"cache": true}}}`,
		"project.json":       `{"name": "api", "targets": {"build": {"executor": "@nx/esbuild:esbuild"}, "lint": {"executor": "@nx/eslint:lint", "options": {"lintFilePatterns": ["./src"]}}}}`,
		"e2e/project.json":   `{"name": "e2e", "targets": {"lint": {"executor": "@nx/eslint:lint"}}}`,
		".eslintrc.json":     `{"root": true, "parserOptions": {"ecmaVersion": 2022}, "rules": {"no-unused-vars": "error"}}`,
		"src/main.js":        "const unused = 1;\n",
		"e2e/server.js":      "const alsoUnused = 2;\n",
		"dist/api/main.js":   "const built = 1;\n",
		".nx/cache/1/out.js": "const cached = 1;\n",
		"tools/script.js":    "const tool = 1;\n",
	})
	if err := os.Symlink(installed, filepath.Join(root, "node_modules")); err != nil {
		t.Fatal(err)
	}
	c := detected(t, root)["eslint:."]
	if c == nil || !slices.Equal(c.scriptArgs, []string{"'e2e'", "'src'"}) {
		t.Fatalf("detected %+v", c)
	}
	r := run(t, c, root)
	want := []string{"high e2e/server.js:1:7 no-unused-vars", "high src/main.js:1:7 no-unused-vars"}
	if got := described(r.Findings); r.Status != model.StatusOK || !slices.Equal(got, want) {
		t.Errorf("status %s (%s) findings %q, want %q\ncommand %q", r.Status, r.Error, got, want, r.Command)
	}
	// A project that lints the whole workspace: the package is linted whole.
	fixturetest.WriteFiles(t, root, map[string]string{"project.json": `{"targets": {"lint": {"executor": "@nrwl/linter:eslint", "options": {"lintFilePatterns": ["{projectRoot}"]}}}}`})
	if c := detected(t, root)["eslint:."]; c == nil || c.scriptArgs != nil {
		t.Errorf("whole workspace: %+v", c)
	}
}

// Files git ignores are no inputs, so a lint that takes them in (a legacy
// configuration linting dist/ after a build) is run again each check,
// and the hint says how to leave them out (realworld: a cached 33 errors
// where the built tree had 42).
func TestLintingIgnoredFilesIsNotReused(t *testing.T) {
	installed := installedESLint8(t)
	root := fixturetest.WriteRepo(t, map[string]string{
		"package.json":   `{"name": "app", "devDependencies": {"eslint": "8.57.1"}}`,
		".gitignore":     "dist/\n",
		".eslintrc.json": `{"root": true, "parserOptions": {"ecmaVersion": 2022}, "rules": {"no-unused-vars": "error"}}`,
		"src/main.js":    "export const used = 1;\n",
		"dist/main.js":   "const built = 1;\n",
	})
	if err := os.Symlink(installed, filepath.Join(root, "node_modules")); err != nil {
		t.Fatal(err)
	}
	r := run(t, detected(t, root)["eslint:."], root)
	if r.Status != model.StatusOK || !r.MachineBound || !strings.HasPrefix(r.Hint, "ESLint linted 1 file git ignores (in dist/)") {
		t.Errorf("status %s machine-bound %v hint %q", r.Status, r.MachineBound, r.Hint)
	}
	fixturetest.WriteFiles(t, root, map[string]string{".eslintignore": "dist/\n"})
	if r := run(t, detected(t, root)["eslint:."], root); r.MachineBound || r.Hint != "" || r.Facts["files"] != 1 {
		t.Errorf("with dist/ left out: machine-bound %v hint %q facts %v", r.MachineBound, r.Hint, r.Facts)
	}
}
