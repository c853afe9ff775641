package eslint

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/findingtest"
	"github.com/preflight-dev/preflight/model"
)

func detected(t testing.TB, root string) map[string]*Collector {
	t.Helper()
	out := map[string]*Collector{}
	for _, c := range Detect(root, listFiles(t, root)) {
		out[c.ID()] = c.(*Collector)
	}
	return out
}

func run(t testing.TB, c *Collector, root string) model.Result {
	t.Helper()
	return c.Run(context.Background(), collectors.Request{Root: root, Mode: collectors.OneShot, Timeout: 5 * time.Minute})
}

func TestDetectFixtures(t *testing.T) {
	var got []string
	for id, c := range detected(t, fixtureRoot(t)) {
		got = append(got, id+" "+c.config+" flat="+map[bool]string{true: "yes", false: "no"}[c.flat])
	}
	want := []string{
		"eslint:broken packages/broken/eslint.config.js flat=yes",
		"eslint:clean packages/clean/eslint.config.js flat=yes",
		"eslint:eslint10-flat versions/eslint10-flat/eslint.config.js flat=yes",
		"eslint:eslint8-eslintrc versions/eslint8-eslintrc/.eslintrc.json flat=no",
		"eslint:eslint8-flat versions/eslint8-flat/eslint.config.js flat=yes",
		"eslint:eslint9-eslintrc versions/eslint9-eslintrc/.eslintrc.json flat=no",
		"eslint:eslint9-flat versions/eslint9-flat/eslint.config.js flat=yes",
		"eslint:flat packages/flat/eslint.config.js flat=yes",
		"eslint:globbed globbed/eslint.config.js flat=yes",
		"eslint:legacy packages/legacy/.eslintrc.json flat=no",
		"eslint:scoped scoped/eslint.config.js flat=yes",
	}
	sort.Strings(got)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("detected\n got %q\nwant %q", got, want)
	}
}

func TestDetectRules(t *testing.T) {
	root := filepath.Join(t.TempDir(), "mono")
	for name, content := range map[string]string{
		"package.json":                        `{"workspaces": ["packages/*"]}`,
		"eslint.config.mjs":                   `export default []`,
		".eslintrc.json":                      `{}`,
		"packages/a/package.json":             `{"eslintConfig": {"rules": {}}}`,
		"packages/a/src/.eslintrc.json":       `{}`, // nested override, not a package
		"packages/b/package.json":             `{}`,
		"packages/b/.eslintrc.yml":            ``,
		"packages/c/package.json":             `{"name": "c"}`,
		"packages/d/.eslintrc.json":           `{}`, // no package.json
		"packages/a/node_modules/x/.eslintrc": ``,
	} {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files := append(listFiles(t, root), "packages/a/node_modules/x/.eslintrc", "packages/a/node_modules/x/package.json")
	var got []string
	for _, c := range Detect(root, files) {
		col := c.(*Collector)
		got = append(got, c.ID()+" "+col.config+" "+strings.Join(col.args(root, "R"), " "))
	}
	want := []string{
		// the root is linted without the packages that are linted on their own
		"eslint:. eslint.config.mjs -f json -o R --ignore-pattern packages/a/** --ignore-pattern packages/b/** .",
		"eslint:a packages/a/package.json -f json -o R .",
		"eslint:b packages/b/.eslintrc.yml -f json -o R .",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("detected\n got %q\nwant %q", got, want)
	}
	inputs := detected(t, root)["eslint:a"].Inputs()
	for p, want := range map[string]bool{
		"packages/a/src/x.ts": true, "packages/a/src/.eslintrc.json": true, "packages/a/src/.eslintrc": true,
		"packages/a/.eslintignore": true, "package-lock.json": true, "packages/b/x.js": false, "packages/a/README.md": false,
	} {
		got := false
		for _, g := range inputs {
			if ok, _ := doublestar.Match(g, p); ok {
				got = true
			}
		}
		if got != want {
			t.Errorf("%s: rerun %v, want %v", p, got, want)
		}
	}
}

func TestESLintOnFixtures(t *testing.T) {
	needESLint(t)
	root := fixtureRoot(t)
	cs := detected(t, root)
	tests := []struct {
		id       string
		exit     int
		facts    map[string]float64
		findings int
		blockers int
	}{
		{"eslint:flat", 1, map[string]float64{"errors": 3, "warnings": 3, "fatal": 1, "suppressed": 3, "files": 4}, 9, 1},
		{"eslint:legacy", 1, map[string]float64{"errors": 1, "warnings": 1, "fatal": 0, "suppressed": 0, "files": 1}, 2, 0},
		{"eslint:clean", 0, map[string]float64{"errors": 0, "warnings": 0, "fatal": 0, "suppressed": 0, "files": 2}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			r := run(t, cs[tt.id], root)
			if r.Status != model.StatusOK || r.ExitCode != tt.exit {
				t.Fatalf("status %s exit %d error %q\n%s", r.Status, r.ExitCode, r.Error, r.Output)
			}
			if !reflect.DeepEqual(r.Facts, tt.facts) {
				t.Errorf("facts %v, want %v", r.Facts, tt.facts)
			}
			blockers := 0
			for _, f := range r.Findings {
				if f.Severity == model.Blocker {
					blockers++
				}
			}
			findingtest.CheckStamped(t, r.Findings, tt.id, "build")
			if len(r.Findings) != tt.findings || blockers != tt.blockers {
				t.Errorf("%d findings (%d blockers), want %d (%d): %q", len(r.Findings), blockers, tt.findings, tt.blockers, described(r.Findings))
			}
		})
	}
	flat := run(t, cs["eslint:flat"], root)
	if want := "packages/flat/src/broken.js:2:3"; flat.Findings[0].Location() != want || flat.Findings[0].Message != "Parsing error: Unexpected keyword 'return'" {
		t.Errorf("first finding %+v, want the parse error at %s", flat.Findings[0], want)
	}
	if want := "cd packages/flat && ESLINT_USE_FLAT_CONFIG=true ../../node_modules/.bin/eslint -f json -o "; !strings.HasPrefix(flat.Command, want) || !strings.HasSuffix(flat.Command, " .") {
		t.Errorf("command %q", flat.Command)
	}
}

func TestBrokenConfigIsOneBlockerWithoutFacts(t *testing.T) {
	needESLint(t)
	root := fixtureRoot(t)
	r := run(t, detected(t, root)["eslint:broken"], root)
	if r.Status != model.StatusOK || !r.Broken || len(r.Facts) != 0 || r.ExitCode != 2 {
		t.Fatalf("status %s broken %v facts %v exit %d", r.Status, r.Broken, r.Facts, r.ExitCode)
	}
	if len(r.Findings) != 1 {
		t.Fatalf("findings %+v", r.Findings)
	}
	f := r.Findings[0]
	if f.Rule != RuleCouldNotRun.ID || f.Severity != model.Blocker || f.File != "packages/broken/eslint.config.js" ||
		!strings.HasPrefix(f.Message, `ESLint could not run: TypeError: Key "rules": Key "no-such-rule"`) {
		t.Errorf("finding %+v", f)
	}
}

// A package linted on its own is left out of the run of the package
// around it, so its problems are counted once.
func TestNestedPackagesAreLintedOnce(t *testing.T) {
	needESLint(t)
	root := filepath.Join(t.TempDir(), "mono")
	for name, content := range map[string]string{
		"package.json":                  `{"workspaces": ["packages/*"], "type": "module"}`,
		"eslint.config.js":              "export default [{ rules: { 'no-var': 'error' } }]\n",
		"tools/build.js":                "var x = 1\nexport default x\n",
		"packages/app/package.json":     `{"type": "module"}`,
		"packages/app/eslint.config.js": "export default [{ rules: { 'no-var': 'error' } }]\n",
		"packages/app/src/a.js":         "var a = 1\nvar b = 2\nexport { a, b }\n",
	} {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(fixtureRoot(t), "node_modules"), filepath.Join(root, "node_modules")); err != nil {
		t.Fatal(err)
	}
	cs := detected(t, root)
	outer, inner := run(t, cs["eslint:."], root), run(t, cs["eslint:app"], root)
	if outer.Status != model.StatusOK || outer.Facts["errors"] != 1 || outer.Findings[0].File != "tools/build.js" {
		t.Errorf("root: %s %v %q\n%s", outer.Status, outer.Facts, described(outer.Findings), outer.Output)
	}
	if inner.Status != model.StatusOK || inner.Facts["errors"] != 2 {
		t.Errorf("app: %s %v %q\n%s", inner.Status, inner.Facts, described(inner.Findings), inner.Output)
	}
}

func TestMissingESLintIsUnknown(t *testing.T) {
	root := filepath.Join(t.TempDir(), "repo")
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{"package.json": `{}`, "eslint.config.js": `export default []`} {
		if err := os.WriteFile(filepath.Join(root, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := run(t, detected(t, root)["eslint:."], root)
	if r.Status != model.StatusUnknown || r.Hint == "" || r.ExitCode != -1 || len(r.Findings) != 0 || !strings.Contains(r.Error, "no node_modules/.bin/eslint") {
		t.Fatalf("%+v", r)
	}
}

// A package whose lint script names what it lints ("eslint ./src
// ./tests") is linted there, as the project lints it: a file outside those
// paths is not the project's lint problem and is not counted.
func TestLintScriptPathsAreWhatIsLinted(t *testing.T) {
	needESLint(t)
	root := fixtureRoot(t)
	r := run(t, detected(t, root)["eslint:scoped"], root)
	if r.Status != model.StatusOK || r.ExitCode != 1 {
		t.Fatalf("status %s exit %d error %q\n%s", r.Status, r.ExitCode, r.Error, r.Output)
	}
	if want := map[string]float64{"errors": 2, "warnings": 0, "fatal": 0, "suppressed": 0, "files": 2}; !reflect.DeepEqual(r.Facts, want) {
		t.Errorf("facts %v, want %v", r.Facts, want)
	}
	var files []string
	for _, f := range r.Findings {
		files = append(files, f.Location())
	}
	if want := []string{"scoped/src/index.js:1:1", "scoped/tests/index.test.js:1:1"}; !reflect.DeepEqual(files, want) {
		t.Errorf("findings at %q, want %q", files, want)
	}
	if !strings.HasSuffix(r.Command, " ./src ./tests") {
		t.Errorf("command %q does not lint the script's paths", r.Command)
	}
}

// npm runs a script with sh: an unquoted glob in it is expanded by sh,
// where ** is only *, before ESLint sees it. "eslint src/**/*" lints what
// sh lists (src/lib/util.js), not what ESLint's own ** would add
// (src/top.js, src/.cache/hidden.js).
func TestUnquotedScriptGlobIsExpandedAsShDoes(t *testing.T) {
	needESLint(t)
	root := fixtureRoot(t)
	r := run(t, detected(t, root)["eslint:globbed"], root)
	if r.Status != model.StatusOK || r.ExitCode != 1 {
		t.Fatalf("status %s exit %d error %q\n%s", r.Status, r.ExitCode, r.Error, r.Output)
	}
	var files []string
	for _, f := range r.Findings {
		files = append(files, f.Location())
	}
	if want := []string{"globbed/src/lib/util.js:2:1"}; !reflect.DeepEqual(files, want) || r.Facts["files"] != 1 {
		t.Errorf("findings at %q (files %v), want %q", files, r.Facts["files"], want)
	}
	if !strings.HasSuffix(r.Command, " src/lib/util.js") {
		t.Errorf("command %q", r.Command)
	}
}

// A monorepo root whose eslint.config.js its packages extend, and whose own
// scripts never run ESLint, is not linted: the packages' lint scripts are
// what the project runs. Once a root script runs ESLint, the root is a
// target again.
func TestSharedRootConfigIsNotATarget(t *testing.T) {
	for rootScripts, want := range map[string][]string{
		`{"test:eslint": "nx run-many -t test:eslint"}`: {"eslint:app", "eslint:lib"},
		`{"lint:root": "eslint tools"}`:                 {"eslint:.", "eslint:app", "eslint:lib"},
	} {
		root := filepath.Join(t.TempDir(), "mono")
		for name, content := range map[string]string{
			"package.json":                  `{"workspaces": ["packages/*"], "scripts": ` + rootScripts + `}`,
			"eslint.config.js":              "export default []\n",
			"packages/app/package.json":     `{"scripts": {"test:eslint": "eslint ./src"}}`,
			"packages/app/eslint.config.js": "export { default } from '../../eslint.config.js'\n",
			"packages/lib/package.json":     `{}`,
			"packages/lib/eslint.config.js": "export { default } from '../../eslint.config.js'\n",
		} {
			p := filepath.Join(root, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		var got []string
		for id := range detected(t, root) {
			got = append(got, id)
		}
		sort.Strings(got)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("root scripts %s: detected %q, want %q", rootScripts, got, want)
		}
	}
}

// Warnings are judged as the lint script judges them (TypeScript-Node-
// Starter lints with --quiet): with --quiet the script does not report
// them, so they are info; over --max-warnings the script fails, one high
// finding at the script. The counts stay what ESLint found.
func TestLintScriptGateJudgesWarnings(t *testing.T) {
	needESLint(t)
	root := fixtureRoot(t)
	legacy := detected(t, root)["eslint:legacy"]
	const (
		undef = "no-undef high packages/legacy/src/index.js:4:10"
		warn  = "no-var low packages/legacy/src/index.js:1:1"
	)
	for _, tc := range []struct {
		gate gate
		want []string // the findings' rule, severity and place
	}{
		{gate{maxWarnings: -1}, []string{undef, warn}},
		{gate{quiet: true, maxWarnings: -1}, []string{undef, "no-var info packages/legacy/src/index.js:1:1"}},
		{gate{maxWarnings: 1}, []string{undef, warn}},
		{gate{maxWarnings: 0}, []string{"eslint/too-many-warnings high packages/legacy/package.json:4", undef, warn}},
	} {
		c := *legacy
		c.gate = tc.gate
		r := run(t, &c, root)
		if r.Status != model.StatusOK || r.Facts["warnings"] != 1 || r.Facts["errors"] != 1 {
			t.Fatalf("%+v: status %s facts %v findings %q", tc.gate, r.Status, r.Facts, described(r.Findings))
		}
		var got []string
		for _, f := range r.Findings {
			got = append(got, f.Rule+" "+f.Severity.String()+" "+f.Location())
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%+v: %q, want %q", tc.gate, got, tc.want)
		}
		last, first := r.Findings[len(r.Findings)-1], r.Findings[0]
		if tc.gate.quiet && !strings.HasSuffix(last.Message, "[a warning: the lint script runs ESLint with --quiet]") {
			t.Errorf("quiet: %q does not say why it is info", last.Message)
		}
		if tc.gate.maxWarnings == 0 && first.Message != `ESLint reports 1 warning, and the "lint" script allows 0 (--max-warnings 0): it fails` {
			t.Errorf("over the limit: %q", first.Message)
		}
	}
}
