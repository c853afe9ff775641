package eslint

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/internal/fixturetest"
)

func TestScriptArgs(t *testing.T) {
	for _, tt := range []struct {
		script string
		want   []string
	}{
		{"eslint ./src ./tests", []string{"./src", "./tests"}},
		{"eslint .", []string{"."}},
		{"eslint", nil},
		{"eslint --cache --max-warnings 0 -c eslint.config.mjs src", []string{"src"}},
		{"eslint --ext .ts,.tsx --format=stylish 'src/**/*.{ts,tsx}'", []string{"--ext", ".ts,.tsx", "'src/**/*.{ts,tsx}'"}},
		{"eslint --ext=.vue src", []string{"--ext=.vue", "src"}},
		{"eslint --ext .ts", nil},
		{"tsc --noEmit && eslint lib test --fix", []string{"lib", "test"}},
		{"prettier -c . && ../../node_modules/.bin/eslint src; echo done", []string{"src"}},
		{"eslint $FILES", nil},
		{"eslint --stdin < src/a.js", nil},
		{"run-p lint:*", nil},
		{"eslint src --ignore-path .gitignore", []string{"--ignore-path", ".gitignore", "src"}},
		{"eslint --ignore-pattern 'dist/**' --ignore-path=.lintignore --fix .", []string{"--ignore-pattern", "'dist/**'", "--ignore-path=.lintignore", "."}},
		{"eslint --ignore-path .gitignore", nil},
	} {
		if got := scriptArgs(tt.script); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("scriptArgs(%q) = %q, want %q", tt.script, got, tt.want)
		}
	}
}

func TestShellWords(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"src/a/x.js", "src/b/y.js", "src/top.js", "src/.hidden/z.js"} {
		p := filepath.Join(dir, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		words, want []string
	}{
		{[]string{"src/**/*"}, []string{"src/a/x.js", "src/b/y.js"}},
		{[]string{"'src/**/*'"}, []string{"src/**/*"}},
		{[]string{`"src/**/*.js"`, "."}, []string{"src/**/*.js", "."}},
		{[]string{"--ext", ".ts,.tsx", "lib/*.ts"}, []string{"--ext", ".ts,.tsx", "lib/*.ts"}},
		{[]string{"src/*.js"}, []string{"src/top.js"}},
		{[]string{"src/.hidden/*"}, []string{"src/.hidden/z.js"}},
	} {
		if got := shellWords(dir, tt.words); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("shellWords(%q) = %q, want %q", tt.words, got, tt.want)
		}
	}
}

// TestScriptArgsUnbalanced: a quote a script leaves open closes at the end
// of the line, as the words were read before shell parsing: the paths
// are still found.
func TestScriptArgsUnbalanced(t *testing.T) {
	for _, tt := range []struct {
		script string
		want   []string
	}{
		{"eslint 'src", []string{"'src"}},
		{`eslint src "tests`, []string{"src", `"tests`}},
		{`eslint lib && echo "it's done`, []string{"lib"}},
		{`echo "it's" ; eslint lib test`, []string{"lib", "test"}},
		{"eslint src )", []string{"src"}},
		{"echo 'linting && eslint src", []string{"src"}},
	} {
		if got := scriptArgs(tt.script); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("scriptArgs(%q) = %q, want %q", tt.script, got, tt.want)
		}
	}
}

func FuzzScriptArgs(f *testing.F) {
	for _, s := range []string{"eslint ./src ./tests", "eslint --ext .ts 'src/**'", "tsc && eslint lib --fix", "eslint 'src", "eslint --stdin < a.js"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, script string) {
		args := scriptArgs(script)
		paths := 0
		for i := 0; i < len(args); i++ {
			switch a := args[i]; {
			case selectionFlags[a]:
				i++
			case selectionFlags[strings.SplitN(a, "=", 2)[0]]:
			case strings.HasPrefix(a, "-"):
				t.Fatalf("scriptArgs(%q) = %q: an option that does not select files", script, args)
			default:
				paths++
			}
		}
		if args != nil && paths == 0 {
			t.Fatalf("scriptArgs(%q) = %q: no path", script, args)
		}
		shellWords(t.TempDir(), args) // any words, no panic
		if wrapped, _, ok := wrapperArgs(script, func(string) bool { return true }); ok && slices.Contains(wrapped, "") {
			t.Fatalf("wrapperArgs(%q) = %q: an empty path", script, wrapped)
		}
	})
}

// `next lint`, `vue-cli-service lint` and a Create React App build lint
// their default directories that exist, or the paths they are given: not
// the whole package.
func TestWrapperArgs(t *testing.T) {
	has := func(d string) bool { return d == "src" || d == "app" || d == "*.js" }
	for _, tt := range []struct {
		script string
		want   []string
		ok     bool
	}{
		{"next lint", []string{"app", "src"}, true},
		{"NEXT_TELEMETRY_DISABLED=1 next lint --max-warnings 0", []string{"app", "src"}, true},
		{"next lint --dir pages --dir=utils -d lib", []string{"pages", "utils", "lib"}, true},
		{"next lint --file src/a.ts --file=src/b.ts", []string{"src/a.ts", "src/b.ts"}, true},
		{"next build && next lint --fix", []string{"app", "src"}, true},
		{"next lint --dir $DIR", nil, true},
		{"next build", nil, false},
		{"eslint . && echo next lint", nil, false},
		{"next lint --max-warnings 0 --ext .tsx", []string{"app", "src"}, true},
		{"vue-cli-service lint", []string{"src", "*.js"}, true},
		{"vue-cli-service lint --no-fix --max-warnings 0 src/components 'tests/**/*.js'", []string{"src/components", "'tests/**/*.js'"}, true},
		{"vue-cli-service build", nil, false},
		{"react-scripts build", []string{"src", "--ext", ".js,.mjs,.jsx,.ts,.tsx"}, true},
		{"GENERATE_SOURCEMAP=false craco build", []string{"src", "--ext", ".js,.mjs,.jsx,.ts,.tsx"}, true},
		{"react-scripts test", nil, false},
	} {
		got, _, ok := wrapperArgs(tt.script, has)
		if !reflect.DeepEqual(got, tt.want) || ok != tt.ok {
			t.Errorf("wrapperArgs(%q) = %q %v, want %q %v", tt.script, got, ok, tt.want, tt.ok)
		}
	}
}

// A Create React App lints src/ with TypeScript and JSX as it builds, with
// the ESLint react-scripts brings: that is the run, and ESLint missing is
// never the package's fault for not listing it.
func TestCreateReactAppLintsWhatItsBuildLints(t *testing.T) {
	root := fixturetest.WriteRepo(t, map[string]string{
		"web/package.json": `{"dependencies": {"react-scripts": "5.0.1"}, "scripts": {"build": "react-scripts build", "test": "react-scripts test"}, "eslintConfig": {"extends": ["react-app"]}}`,
		"web/src/App.tsx":  "export const App = () => null;\n",
		"web/build/x.js":   "minified();\n",
	})
	c := detected(t, root)["eslint:web"]
	if c == nil || c.script != "build" || !slices.Equal(c.scriptArgs, []string{"src", "--ext", ".js,.mjs,.jsx,.ts,.tsx"}) || c.ext != nil || !c.declared {
		t.Fatalf("collector %+v", c)
	}
}

// `ng lint` lints the lintFilePatterns of angular.json (the
// @angular-eslint builder), templates included, not the whole package
// with its e2e/ the project never lints; the patterns are inputs.
func TestNgLintLintsAngularsPatterns(t *testing.T) {
	root := fixturetest.WriteRepo(t, map[string]string{
		"package.json":       `{"scripts": {"lint": "ng lint"}, "devDependencies": {"eslint": "8.57.0", "@angular-eslint/builder": "16.0.0"}}`,
		".eslintrc.json":     `{}`,
		"angular.json":       `{"projects": {"petclinic": {"architect": {"lint": {"builder": "@angular-eslint/builder:lint", "options": {"lintFilePatterns": ["src/**/*.ts", "src/**/*.html"]}}}}}}`,
		"src/app/app.ts":     "export const a = 1;\n",
		"e2e/.eslintrc.json": `{"extends": "missing-config"}`,
		"e2e/src/app.e2e.ts": "export {};\n",
	})
	c := detected(t, root)["eslint:."]
	if c == nil || c.script != "lint" || !slices.Equal(c.scriptArgs, []string{"'src/**/*.ts'", "'src/**/*.html'"}) {
		t.Fatalf("collector %+v", c)
	}
	if in := c.Inputs(); !slices.Contains(in, "src/**/*.html") {
		t.Errorf("inputs %q lack the templates", in)
	}
	if got := c.args(root, "out.json"); !slices.Contains(got, "src/**/*.html") || slices.Contains(got, ".") {
		t.Errorf("args %q", got)
	}
}

func TestLegacyExtensionsFollowTheInstalledParsers(t *testing.T) {
	root := fixturetest.WriteRepo(t, map[string]string{
		"vue/package.json":      `{"scripts": {"lint": "vue-cli-service lint"}, "devDependencies": {"eslint": "6.8.0", "eslint-plugin-vue": "6.2.2"}, "eslintConfig": {"extends": ["plugin:vue/essential"]}}`,
		"own/package.json":      `{"scripts": {"lint": "eslint --ext .js,.vue src"}, "devDependencies": {"eslint": "8.57.0", "eslint-plugin-vue": "9.0.0"}}`,
		"own/.eslintrc.json":    `{}`,
		"plain/package.json":    `{"scripts": {"lint": "eslint . --fix --ignore-path .gitignore"}, "devDependencies": {"eslint": "8.57.1", "eslint-plugin-vue": "9.33.0"}}`,
		"plain/.eslintrc.js":    "module.exports = {extends: ['plugin:vue/vue3-essential']};\n",
		"flat/package.json":     `{"devDependencies": {"eslint": "9.0.0", "eslint-plugin-vue": "9.0.0", "eslint-plugin-react": "7.0.0"}}`,
		"flat/eslint.config.js": "export default [];\n",
		"js/package.json":       `{"devDependencies": {"eslint": "8.57.0"}}`,
		"js/.eslintrc.json":     `{}`,
		"react/package.json":    `{"devDependencies": {"eslint": "8.57.0", "eslint-plugin-react": "7.0.0", "@typescript-eslint/parser": "7.0.0"}}`,
		"react/.eslintrc.json":  `{}`,
		"svelte/package.json":   `{"devDependencies": {"eslint": "8.57.0", "@typescript-eslint/parser": "7.0.0", "eslint-plugin-svelte": "2.46.0"}}`,
		"svelte/.eslintrc.cjs":  "module.exports = {overrides: [{files: ['*.svelte'], parser: 'svelte-eslint-parser'}]};\n",
	})
	cs := detected(t, root)
	for id, want := range map[string][]string{
		"eslint:vue": {".js", ".vue"},
		"eslint:own": nil, // the script chooses
		// ardanlabs/service's admin app: its lint script is plain eslint,
		// which lints its *.js only; so does preflight.
		"eslint:plain": nil,
		"eslint:flat":  nil, // a flat config's files decide
		"eslint:js":    nil,
		"eslint:react": {".js", ".ts", ".tsx", ".jsx"},
		// --ext turns off the overrides' *.svelte: it is listed too.
		"eslint:svelte": {".js", ".svelte", ".ts", ".tsx"},
	} {
		if c := cs[id]; c == nil || !slices.Equal(c.ext, want) {
			t.Errorf("%s: ext %v, want %v", id, c, want)
		}
	}
}

func TestLintGate(t *testing.T) {
	for script, want := range map[string]gate{
		"eslint .": {maxWarnings: -1},
		`tsc --noEmit && eslint "**/*.{js,ts}" --quiet --fix`: {quiet: true, maxWarnings: -1},
		"eslint --max-warnings 0 src":                         {maxWarnings: 0},
		"eslint --max-warnings=10 .":                          {maxWarnings: 10},
		"eslint --max-warnings -1 .":                          {maxWarnings: -1},
		"prettier --check . && eslint . --max-warnings 3":     {maxWarnings: 3},
		"echo --quiet && eslint .":                            {maxWarnings: -1},
		"tsc --quiet":                                         {maxWarnings: -1},
		"next lint --max-warnings 0":                          {maxWarnings: 0},
		"npx next lint --quiet":                               {quiet: true, maxWarnings: -1},
	} {
		if got := lintGate(script); got != want {
			t.Errorf("%s: %+v, want %+v", script, got, want)
		}
	}
}

func TestDetectReadsTheLintScriptsGate(t *testing.T) {
	root := t.TempDir()
	fixturetest.WriteFiles(t, root, map[string]string{
		"package.json":     `{"scripts": {"lint": "tsc --noEmit && eslint \"**/*.{js,ts}\" --quiet --fix"}, "devDependencies": {"eslint": "9.39.5"}}`,
		"eslint.config.js": "export default [];\n",
		"src/a.js":         "x\n",
	})
	cs := Detect(root, []string{"eslint.config.js", "package.json", "src/a.js"})
	if len(cs) != 1 || !cs[0].(*Collector).gate.quiet {
		t.Fatalf("detected %+v", cs)
	}
}
