package custom

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/findingtest"
	"github.com/preflight-dev/preflight/model"
)

// vetPattern reads `go vet` text the way a team would configure it.
var vetPattern = regexp.MustCompile(`^(?P<file>[^:\s]+\.go):(?P<line>\d+):(?P<col>\d+): (?P<message>.*)$`)

func input(t *testing.T, name, dir string) Input {
	t.Helper()
	c := loadCaptured(t, name)
	root := fixtureRoot(t)
	return Input{Data: c.stdout, Stderr: c.stderr, ExitCode: c.exit, Root: root, Dir: filepath.Join(root, dir)}
}

func locs(fs []model.Finding) []string { return findingtest.Lines(fs) }

func TestReadersOnCapturedOutput(t *testing.T) {
	cases := []struct {
		name    string
		spec    Spec
		capture string
		dir     string
		want    []string
		facts   map[string]float64
	}{
		{
			name: "regex over go vet", capture: "go-vet", dir: "svc",
			spec: Spec{Name: "vet", Output: collectors.ReadRegex, Pattern: vetPattern, Severity: model.High},
			want: []string{"high vet svc/price.go:9:57"}, facts: map[string]float64{"findings": 1},
		},
		{
			name: "tsc lines", capture: "tsc", dir: "web",
			spec:  Spec{Name: "web", Output: collectors.ReadTsc, Severity: model.Blocker},
			want:  []string{"blocker TS2322 web/src/cart.ts:5:7", "blocker TS2322 web/src/cart.ts:6:14"},
			facts: map[string]float64{"errors": 2},
		},
		{
			name: "go test -json", capture: "go-test-json", dir: "svc",
			spec:  Spec{Name: "svc", Output: collectors.ReadGoTestJSON, Severity: model.Blocker},
			want:  []string{"blocker test-failed svc/price_test.go:7"},
			facts: map[string]float64{"tests.passed": 1, "tests.failed": 1, "tests.skipped": 0, "tests.build_failures": 0},
		},
		{
			name: "exit code of go vet", capture: "go-vet", dir: "svc",
			spec:  Spec{Name: "vet", Output: collectors.ReadExitCode, Severity: model.Medium},
			want:  []string{"medium exit-code "},
			facts: map[string]float64{"exit_code": 1},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Read(tc.spec, input(t, tc.capture, tc.dir))
			if err != nil {
				t.Fatal(err)
			}
			if got := locs(r.Findings); strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("findings = %q, want %q", got, tc.want)
			}
			for k, v := range tc.facts {
				if r.Facts[k] != v {
					t.Errorf("fact %s = %v, want %v (all %v)", k, r.Facts[k], v, r.Facts)
				}
			}
			for _, f := range r.Findings {
				if f.Message == "" {
					t.Errorf("finding without message: %+v", f)
				}
			}
		})
	}
}

func TestMessagesSayWhatFailed(t *testing.T) {
	r, _ := Read(Spec{Name: "vet", Output: collectors.ReadRegex, Pattern: vetPattern}, input(t, "go-vet", "svc"))
	if got := r.Findings[0].Message; got != "fmt.Sprintf format %d has arg name of wrong type string" {
		t.Errorf("regex message = %q", got)
	}
	r = readExitCode(Spec{Name: "vet", Severity: model.Blocker}, input(t, "go-vet", "svc"))
	if got := r.Findings[0].Message; got != "vet exited with 1: price.go:9:57: fmt.Sprintf format %d has arg name of wrong type string" {
		t.Errorf("exit-code message = %q", got)
	}
	if r := readExitCode(Spec{Name: "ok"}, Input{ExitCode: 0, Data: []byte("fine\n")}); len(r.Findings) != 0 {
		t.Errorf("exit 0 is no finding: %+v", r.Findings)
	}
}

// Output a reader cannot account for must never pass for a clean check.
func TestUnreadableOutputIsAnError(t *testing.T) {
	cases := []struct {
		name string
		spec Spec
		in   Input
		want string
	}{
		{"regex matched nothing on failure", Spec{Name: "x", Output: collectors.ReadRegex, Pattern: vetPattern},
			Input{ExitCode: 2, Data: []byte("Segmentation fault\n")}, "exited with 2 but no output line matched the pattern"},
		{"tsc text that is not tsc", Spec{Name: "x", Output: collectors.ReadTsc},
			Input{ExitCode: 1, Data: []byte("npm ERR! missing script: typecheck\n")}, `line 1: not a tsc diagnostic: "npm ERR! missing script: typecheck"`},
		{"tsc failure without diagnostics", Spec{Name: "x", Output: collectors.ReadTsc}, Input{ExitCode: 1}, "exited with 1 but printed no tsc diagnostic"},
		{"go test -json that is not JSON", Spec{Name: "x", Output: collectors.ReadGoTestJSON},
			Input{ExitCode: 1, Data: []byte("go: cannot find main module\n")}, "go test -json printed no JSON events"},
		{"unknown reader", Spec{Name: "x", Output: "xml"}, Input{}, `unknown output reader "xml"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.in.Root, tc.in.Dir = "/repo", "/repo"
			_, err := Read(tc.spec, tc.in)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestRegexSeverityWords(t *testing.T) {
	re := regexp.MustCompile(`^(?P<severity>\w+) (?P<rule>\S+) (?P<message>.*)$`)
	in := Input{Root: "/r", Dir: "/r", Data: []byte("error E1 broken\nwarning W1 iffy\nnote N1 fyi\nhigh H1 bad\nweird X1 unknown word\n")}
	r, err := Read(Spec{Name: "x", Output: collectors.ReadRegex, Pattern: re, Severity: model.Low}, in)
	if err != nil {
		t.Fatal(err)
	}
	want := []model.Severity{model.Low, model.Medium, model.Info, model.High, model.Low}
	for i, f := range r.Findings {
		if f.Severity != want[i] {
			t.Errorf("%s: severity %s, want %s", f.Rule, f.Severity, want[i])
		}
	}
}

func TestRepoPath(t *testing.T) {
	cases := map[[2]string]string{
		{"/r/svc", "a.go"}:        "svc/a.go",
		{"/r/svc", "./sub/b.go"}:  "svc/sub/b.go",
		{"/r/svc", "/r/web/c.ts"}: "web/c.ts",
		{"/r/svc", "../../etc/x"}: "/etc/x",
	}
	for in, want := range cases {
		if got := RepoPath("/r", in[0], in[1]); got != want {
			t.Errorf("RepoPath(/r, %s, %s) = %s, want %s", in[0], in[1], got, want)
		}
	}
}

func FuzzRead(f *testing.F) {
	for _, name := range []string{"go-vet", "tsc", "go-test-json"} {
		if c, err := readCapturedFile(name); err == nil {
			f.Add(c, 1)
		}
	}
	for _, name := range []string{"vitest.junit.xml", "eslint-flat.json"} {
		if data, err := os.ReadFile(filepath.Join("testdata", "captured", name)); err == nil {
			f.Add(data, 1)
		}
	}
	f.Add([]byte("a.go:1:2: x\n"), 0)
	f.Fuzz(func(t *testing.T, data []byte, exit int) {
		for _, spec := range []Spec{
			{Name: "r", Output: collectors.ReadRegex, Pattern: vetPattern, Severity: model.High},
			{Name: "t", Output: collectors.ReadTsc},
			{Name: "g", Output: collectors.ReadGoTestJSON},
			{Name: "e", Output: collectors.ReadExitCode, Severity: model.Blocker},
			{Name: "j", Output: collectors.ReadJUnit, Severity: model.Blocker},
			{Name: "l", Output: collectors.ReadESLintJSON},
		} {
			r, err := Read(spec, Input{Data: data, Stderr: data, ExitCode: exit, Root: "/r", Dir: "/r/d"})
			if err != nil {
				continue
			}
			if exit != 0 && len(r.Findings) == 0 {
				t.Fatalf("%s: a failed run read as clean", spec.Output)
			}
			for _, f := range r.Findings {
				if f.Rule == "" || f.Line < 0 || f.Column < 0 {
					t.Fatalf("%s: bad finding %+v", spec.Output, f)
				}
			}
		}
	})
}

func readCapturedFile(name string) ([]byte, error) {
	return os.ReadFile(filepath.Join("testdata", "captured", name+".stdout"))
}

func TestJUnitReaderOnARealVitestReport(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "captured", "vitest.junit.xml"))
	if err != nil {
		t.Fatal(err)
	}
	// The report's references are relative to where vitest ran; lay the
	// test files out under web/ as in a repository.
	root := t.TempDir()
	for _, f := range []string{"web/test/cart.test.js", "web/test/broken.test.js"} {
		if err := os.MkdirAll(filepath.Join(root, filepath.Dir(f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r, err := Read(Spec{Name: "unit", Output: collectors.ReadJUnit, Severity: model.High},
		Input{Data: data, ExitCode: 1, Root: root, Dir: filepath.Join(root, "web")})
	if err != nil {
		t.Fatal(err)
	}
	want := "high junit/test-failed web/test/broken.test.js:2:1|high junit/test-failed web/test/cart.test.js:10:43|high junit/test-failed web/test/cart.test.js:14:42"
	if got := strings.Join(locs(r.Findings), "|"); got != want {
		t.Errorf("findings = %s\nwant       %s", got, want)
	}
	if r.Facts["tests.failed"] != 3 || r.Facts["tests.passed"] != 1 {
		t.Errorf("facts = %v", r.Facts)
	}
	if !strings.HasPrefix(r.Findings[1].Message, "test/cart.test.js › cart > total > applies the discount failed: AssertionError: expected 10 to be 9") {
		t.Errorf("message = %q", r.Findings[1].Message)
	}
	if _, err := Read(Spec{Name: "unit", Output: collectors.ReadJUnit}, Input{Data: []byte("<html></html>"), ExitCode: 1}); err == nil {
		t.Error("HTML passed for a JUnit report")
	}
}

func TestESLintReaderOnARealReport(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "captured", "eslint-flat.json"))
	if err != nil {
		t.Fatal(err)
	}
	root := "/work/main/collectors/eslint/testdata"
	r, err := Read(Spec{Name: "lint", Output: collectors.ReadESLintJSON, Severity: model.Blocker},
		Input{Data: data, ExitCode: 1, Root: root, Dir: root + "/packages/flat"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Facts["errors"] != 3 || r.Facts["warnings"] != 3 || r.Facts["files"] != 4 {
		t.Errorf("facts = %v", r.Facts)
	}
	got := strings.Join(locs(r.Findings), "|")
	for _, want := range []string{"high no-unused-vars packages/flat/src/app.js:3:7", "low prefer-const packages/flat/src/app.js:6:7"} {
		if !strings.Contains(got, want) {
			t.Errorf("findings lack %s: %s", want, got)
		}
	}
	if _, err := Read(Spec{Name: "lint", Output: collectors.ReadESLintJSON}, Input{Data: []byte("[]"), ExitCode: 2}); err == nil {
		t.Error("a failed run with an empty report passed")
	}
}

// svelteCheckPattern reads svelte-check --output machine, as the README
// shows it for a Svelte app's own typecheck.
const svelteCheckPattern = `(?P<severity>ERROR|WARNING) "(?P<file>[^"]+)" (?P<line>\d+):(?P<col>\d+) "(?P<message>.*)"`

// readREADMECollector reads a captured tool output with one of the
// README's regex collectors, after checking that the README shows that
// very pattern.
func readREADMECollector(t *testing.T, capture, pattern, dir string) Reading {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "pattern: '"+pattern+"'") {
		t.Errorf("the README's collector for %s is not the one tested here", capture)
	}
	data, err := os.ReadFile(filepath.Join("testdata", capture))
	if err != nil {
		t.Fatal(err)
	}
	spec := Spec{Name: path.Dir(capture), Output: collectors.ReadRegex, Pattern: regexp.MustCompile(pattern), Severity: model.High}
	r, err := Read(spec, Input{Data: data, ExitCode: 1, Root: "/repo", Dir: filepath.Join("/repo", dir)})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range r.Findings {
		if strings.ContainsRune(f.Message, 0x1b) {
			t.Errorf("escape in %q", f.Message)
		}
	}
	return r
}

// The README's svelte-check collector reads real output (an excerpt of
// svelte-check 4.1.4 on a SvelteKit app): errors at the spec's severity,
// warnings medium, each at its file:line:col; the summary line is none.
func TestSvelteCheckMachineOutput(t *testing.T) {
	r := readREADMECollector(t, "svelte-check/machine-4.1.4.txt", svelteCheckPattern, ".")
	want := []string{"high svelte-check src/lib/default_project_files/index.ts:29:6", "high svelte-check src/lib/font_preferences.ts:28:70",
		"medium svelte-check src/lib/command_runner/commands_components/SearchResults.svelte:102:2",
		"medium svelte-check src/lib/command_runner/commands_components/ShareProject.svelte:160:3"}
	if got := locs(r.Findings); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("findings = %q, want %q", got, want)
	}
}

// astroCheckPattern reads astro check, as the README shows it for an Astro
// site's own typecheck.
const astroCheckPattern = `^(?P<file>\S+):(?P<line>\d+):(?P<col>\d+) - (?P<severity>error|warning) (?P<rule>\S+): (?P<message>.*)`

// The README's astro check collector reads real output (@astrojs/check
// 0.9.4 with astro 5.5.4 on a docs site, --minimumSeverity warning), which
// astro colours even into a pipe: each error at its file:line:col with its
// code, and none of the code frames, timestamps or the summary.
func TestAstroCheckOutput(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "astro-check", "minimum-warning-0.9.4.txt"))
	if err != nil || !bytes.Contains(data, []byte("\x1b[")) {
		t.Fatalf("the capture lost astro's colours (%v)", err)
	}
	r := readREADMECollector(t, "astro-check/minimum-warning-0.9.4.txt", astroCheckPattern, "www")
	want := []string{"high ts(6133) www/src/components/accessibility/jumpToContent.astro:2:7", "high ts(2322) www/src/components/accessibility/jumpToContent.astro:2:7"}
	var got []string
	for _, f := range r.Findings {
		got = append(got, fmt.Sprintf("%s %s %s:%d:%d", f.Severity, f.Rule, f.File, f.Line, f.Column))
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("findings = %q, want %q", got, want)
	}
}

// golangciV1Pattern reads golangci-lint 1's line-number output, as the
// README shows it for a version 1 configuration.
const golangciV1Pattern = `^(?P<file>[^\s:]+):(?P<line>\d+)(?::(?P<col>\d+))?: (?P<message>.*) \((?P<rule>[\w-]+)\)$`

// The README's golangci-lint 1 collector reads real output (golangci-lint
// 1.56.2, errcheck, gosec and govet enabled): each issue at its
// file:line:col, the linter as its rule, at the spec's severity.
func TestGolangciLintV1Output(t *testing.T) {
	r := readREADMECollector(t, "golangci-lint/line-number-1.56.2.txt", golangciV1Pattern, "svc")
	want := []string{
		"high errcheck svc/main.go:23:9 Error return value of `cmd.Run` is not checked",
		"high gosec svc/main.go:4:2 G501: Blocklisted import crypto/md5: weak cryptographic primitive",
		"high gosec svc/main.go:22:9 G204: Subprocess launched with a potential tainted input or cmd arguments",
		"high gosec svc/main.go:24:21 G401: Use of weak cryptographic primitive",
	}
	var got []string
	for _, f := range r.Findings {
		got = append(got, fmt.Sprintf("%s %s %s:%d:%d %s", f.Severity, f.Rule, f.File, f.Line, f.Column, f.Message))
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("findings =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// tslintPattern reads TSLint's verbose output, as the README shows it.
const tslintPattern = `^(?P<severity>ERROR|WARNING): \((?P<rule>[\w/-]+)\) (?P<file>.+)\[(?P<line>\d+), (?P<col>\d+)\]: (?P<message>.*)$`

// The README's TSLint collector reads real output (TSLint 5.20.1 -t
// verbose, tslint:recommended with no-console as a warning): each issue at
// its file:line:col from the absolute path TSLint prints with -p, the rule,
// errors at the spec's severity and warnings medium.
func TestTSLintVerboseOutput(t *testing.T) {
	r := readREADMECollector(t, "tslint/verbose-5.20.1.txt", tslintPattern, "web")
	want := []string{
		"high no-var-keyword web/src/a.ts:1:1 Forbidden 'var' keyword, use 'let' or 'const' instead",
		"high prefer-const web/src/a.ts:1:5 Identifier 'x' is never reassigned; use 'const' instead of 'var'.",
		"high semicolon web/src/a.ts:1:10 Missing semicolon",
		"medium no-console web/src/a.ts:2:1 Calls to 'console.log' are not allowed.",
		"high semicolon web/src/a.ts:2:21 Missing semicolon",
	}
	var got []string
	for _, f := range r.Findings {
		got = append(got, fmt.Sprintf("%s %s %s:%d:%d %s", f.Severity, f.Rule, f.File, f.Line, f.Column, f.Message))
	}
	slices.Sort(got)
	slices.Sort(want)
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("findings =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
