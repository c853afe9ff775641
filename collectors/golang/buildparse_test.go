package golang

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"
)

// loc is the part of a finding the parser tests compare.
type loc struct {
	Severity model.Severity
	Rule     string
	File     string
	Line     int
	Column   int
	Message  string
}

func locs(fs []model.Finding) []loc {
	out := []loc{}
	for _, f := range fs {
		out = append(out, loc{f.Severity, f.Rule, f.File, f.Line, f.Column, f.Message})
	}
	return out
}

func TestParseBuildOutputCaptured(t *testing.T) {
	tests := []struct {
		capture string
		want    []loc
	}{
		{"broken.build", []loc{
			{model.Blocker, "compile", "bad/bad.go", 5, 13, "undefined: two"},
			{model.Blocker, "compile", "bad/bad.go", 9, 9, "cannot use 42 (untyped int constant) as string value in return statement"},
		}},
		{"vet.build", []loc{}},
		{"clean.build", []loc{}},
	}
	for _, tt := range tests {
		t.Run(tt.capture, func(t *testing.T) {
			c := loadCaptured(t, tt.capture)
			got := locs(ParseBuildOutput(append(c.stderr, c.stdout...), c.mod))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("findings:\n got %+v\nwant %+v", got, tt.want)
			}
			if wantExit := len(tt.want) > 0; (c.run.ExitCode != 0) != wantExit {
				t.Errorf("captured exit code %d does not match the findings expected", c.run.ExitCode)
			}
		})
	}
}

func TestParseVetOutputCaptured(t *testing.T) {
	tests := []struct {
		capture       string
		diagnostics   []loc
		compileErrors []loc
	}{
		{
			capture: "vet.vet",
			diagnostics: []loc{
				{model.High, "vet:printf", "notests/notests.go", 8, 22, "fmt.Sprintf format %s has arg n of wrong type int"},
				{model.High, "vet:printf", "report.go", 7, 22, "fmt.Sprintf format %s has arg count of wrong type int"},
				{model.High, "vet:printf", "report.go", 11, 21, "fmt.Printf format %s has arg total of wrong type int"},
				{model.High, "vet:unreachable", "report.go", 22, 2, "unreachable code"},
			},
			compileErrors: []loc{},
		},
		{
			// go vet type-checks test files (go build does not) and
			// re-reports the errors of packages it had to build.
			capture:     "broken.vet",
			diagnostics: []loc{},
			compileErrors: []loc{
				{model.Blocker, "compile", "bad/bad.go", 5, 13, "undefined: two"},
				{model.Blocker, "compile", "bad/bad.go", 5, 13, "undefined: two"},
				{model.Blocker, "compile", "bad/bad.go", 9, 9, "cannot use 42 (untyped int constant) as string value in return statement"},
				{model.Blocker, "compile", "testonly/testonly_test.go", 6, 20, "cannot use Triple(2) (value of type int) as string value in variable declaration"},
			},
		},
		{capture: "clean.vet", diagnostics: []loc{}, compileErrors: []loc{}},
		{capture: "tests.vet", diagnostics: []loc{}, compileErrors: []loc{}},
	}
	for _, tt := range tests {
		t.Run(tt.capture, func(t *testing.T) {
			c := loadCaptured(t, tt.capture)
			var diags, compile []model.Finding
			for _, stream := range [][]byte{c.stdout, c.stderr} {
				rep, err := ParseVetOutput(stream, c.mod)
				if err != nil {
					t.Fatal(err)
				}
				if len(rep.Unparsed) > 0 {
					t.Errorf("unparsed lines: %q", rep.Unparsed)
				}
				diags = append(diags, rep.Diagnostics...)
				compile = append(compile, rep.CompileErrors...)
			}
			sortFindings(diags)
			sortFindings(compile)
			if got := locs(diags); !reflect.DeepEqual(got, tt.diagnostics) {
				t.Errorf("diagnostics:\n got %+v\nwant %+v", got, tt.diagnostics)
			}
			if got := locs(compile); !reflect.DeepEqual(got, tt.compileErrors) {
				t.Errorf("compile errors:\n got %+v\nwant %+v", got, tt.compileErrors)
			}
		})
	}
}

func TestMergeCompileErrorsDropsRepeats(t *testing.T) {
	build := loadCaptured(t, "broken.build")
	vet := loadCaptured(t, "broken.vet")
	rep, err := ParseVetOutput(vet.stderr, vet.mod)
	if err != nil {
		t.Fatal(err)
	}
	merged := mergeCompileErrors(ParseBuildOutput(build.stderr, build.mod), rep.CompileErrors)
	got := []string{}
	for _, f := range merged {
		got = append(got, f.Location())
	}
	want := []string{"bad/bad.go:5:13", "bad/bad.go:9:9", "testonly/testonly_test.go:6:20"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("merged = %v, want %v", got, want)
	}
}

func TestParseBuildOutputShapes(t *testing.T) {
	mod := Module{Root: "/repo", Dir: "/repo/svc", Path: "example.com/svc"}
	tests := []struct {
		name string
		out  string
		want []loc
	}{
		{
			name: "continuation lines stay with their error",
			out:  "# example.com/svc\n./main.go:7:2: too many return values\n\thave (int, error)\n\twant (int)\n",
			want: []loc{{model.Blocker, "compile", "svc/main.go", 7, 2, "too many return values\nhave (int, error)\nwant (int)"}},
		},
		{
			name: "line without column, absolute path, trimmed path",
			out:  "/repo/svc/a.go:3: syntax error\nexample.com/svc/b/b.go:4:1: x\n",
			want: []loc{
				{model.Blocker, "compile", "svc/a.go", 3, 0, "syntax error"},
				{model.Blocker, "compile", "svc/b/b.go", 4, 1, "x"},
			},
		},
		{
			name: "go command chatter is not a diagnostic",
			out:  "go: downloading example.com/dep v1.0.0\ngo: updates to go.mod needed; to update it:\n\tgo mod tidy\ntoo many errors\n",
			want: []loc{},
		},
		{
			name: "C compiler warnings on cgo code are not errors",
			out:  "# example.com/svc/c\nc.go:10:3: warning: unused variable 'n' [-Wunused-variable]\nc.go:12:1: error: expected ';'\n",
			want: []loc{{model.Blocker, "compile", "svc/c.go", 12, 1, "error: expected ';'"}},
		},
		{
			name: "file outside the repository stays absolute",
			out:  "/home/u/go/pkg/mod/example.com/dep@v1.0.0/dep.go:1:1: boom\n",
			want: []loc{{model.Blocker, "compile", "/home/u/go/pkg/mod/example.com/dep@v1.0.0/dep.go", 1, 1, "boom"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := locs(ParseBuildOutput([]byte(tt.out), mod))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseVetOutputRejectsBrokenJSON(t *testing.T) {
	c := loadCaptured(t, "vet.vet")
	cut := c.stdout[:len(c.stdout)/2]
	if _, err := ParseVetOutput(cut, c.mod); err == nil {
		t.Fatal("half a JSON object parsed without error")
	}
	if _, err := ParseVetOutput([]byte("{\"pkg\": 3}\n"), c.mod); err == nil {
		t.Fatal("JSON of the wrong shape parsed without error")
	}
}

func TestParseVetOutputAnalyzerError(t *testing.T) {
	out := "# example.com/x\n{\n\t\"example.com/x\": {\n\t\t\"buildtag\": {\"error\": \"cannot read file\"}\n\t}\n}\n"
	rep, err := ParseVetOutput([]byte(out), Module{Root: "/r", Dir: "/r"})
	if err != nil {
		t.Fatal(err)
	}
	want := []loc{{model.High, "vet:buildtag", "", 0, 0, "analyzer failed: cannot read file"}}
	if got := locs(rep.Diagnostics); !reflect.DeepEqual(got, want) {
		t.Errorf("\n got %+v\nwant %+v", got, want)
	}
}

func TestSplitPosn(t *testing.T) {
	tests := []struct {
		in        string
		file      string
		line, col int
	}{
		{"/a/b.go:7:22", "/a/b.go", 7, 22},
		{"/a/b.go:7", "/a/b.go", 7, 0},
		{"C:/a/b.go:7:2", "C:/a/b.go", 7, 2},
		{"/a:b/c.go:1:2", "/a:b/c.go", 1, 2},
		{"-", "", 0, 0},
		{"", "", 0, 0},
	}
	for _, tt := range tests {
		f, l, c := splitPosn(tt.in)
		if f != tt.file || l != tt.line || c != tt.col {
			t.Errorf("splitPosn(%q) = %q %d %d, want %q %d %d", tt.in, f, l, c, tt.file, tt.line, tt.col)
		}
	}
}

func FuzzParseBuildOutput(f *testing.F) {
	for _, name := range []string{"broken.build", "broken.vet", "broken.test-text"} {
		c := loadCaptured(f, name)
		f.Add(append(c.stderr, c.stdout...))
	}
	f.Add([]byte("\tstray continuation\nx.go:0:0: zero\n:1:2: no file\n"))
	mod := Module{Root: "/repo", Dir: "/repo/m", Path: "example.com/m"}
	f.Fuzz(func(t *testing.T, out []byte) {
		for _, fd := range ParseBuildOutput(out, mod) {
			checkFinding(t, fd)
			if fd.Rule != RuleCompile || fd.Severity != model.Blocker {
				t.Errorf("unexpected rule or severity: %+v", fd)
			}
		}
	})
}

func FuzzParseVetOutput(f *testing.F) {
	for _, name := range []string{"vet.vet", "broken.vet", "clean.vet"} {
		c := loadCaptured(f, name)
		f.Add(c.stdout)
		f.Add(c.stderr)
	}
	mod := Module{Root: "/repo", Dir: "/repo/m", Path: "example.com/m"}
	f.Fuzz(func(t *testing.T, out []byte) {
		rep, err := ParseVetOutput(out, mod)
		if err != nil {
			return
		}
		for _, fd := range rep.Diagnostics {
			checkFinding(t, fd)
			if !strings.HasPrefix(fd.Rule, RuleVet+":") || fd.Severity != model.High {
				t.Errorf("unexpected vet finding: %+v", fd)
			}
		}
		for _, fd := range rep.CompileErrors {
			checkFinding(t, fd)
		}
	})
}

// checkFinding asserts what every parsed finding must satisfy.
func checkFinding(t *testing.T, f model.Finding) {
	t.Helper()
	if f.Rule == "" {
		t.Errorf("finding without rule: %+v", f)
	}
	if f.Line < 0 || f.Column < 0 {
		t.Errorf("negative position: %+v", f)
	}
	if f.File == "" && (f.Line != 0 || f.Column != 0) {
		t.Errorf("position without file: %+v", f)
	}
	// A backslash is a name character on Unix (a file may be called `a\b.go`);
	// only the platform's own separator must have become a slash.
	if filepath.Separator != '/' && strings.ContainsRune(f.File, filepath.Separator) {
		t.Errorf("file is not forward-slash: %+v", f)
	}
}

// A vet run can print another module's diagnostics (Go's cache replays a
// dependency's output): only the module's own packages count.
func TestVetOutputKeepsTheModulesOwnPackages(t *testing.T) {
	out := []byte(`{
	"example.com/lib/use": {"composites": [{"posn": "/repo/lib/use/use.go:7:14", "message": "struct literal uses unkeyed fields"}]},
	"example.com/app": {"printf": [{"posn": "/repo/app/main.go:9:2", "message": "wrong verb"}]},
	"example.com/app/internal/x_test [example.com/app/internal/x.test]": {"tests": [{"posn": "/repo/app/internal/x/x_test.go:3:1", "message": "bad test"}]},
	"example.com/application": {"printf": [{"posn": "/repo/application/a.go:1:1", "message": "another module"}]}
}
`)
	r, err := ParseVetOutput(out, Module{Root: "/repo", Dir: "/repo/app", Path: "example.com/app"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range r.Diagnostics {
		got = append(got, f.Location())
	}
	if want := []string{"app/internal/x/x_test.go:3:1", "app/main.go:9:2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("kept %q, want %q", got, want)
	}
	// Without a module path, nothing can be told apart: all is kept.
	r, _ = ParseVetOutput(out, Module{Root: "/repo", Dir: "/repo/app"})
	if len(r.Diagnostics) != 4 {
		t.Errorf("kept %d of 4 without a module path", len(r.Diagnostics))
	}
}

func TestGoCommandErrors(t *testing.T) {
	cases := []struct {
		name, out, msg string
		machine        bool
	}{
		{"a go.sum entry missing (captured)", "go: downloading example.com/x v1.0.0\ngo: github.com/ThreeDotsLabs/wild-workouts-go-ddd-example/internal/trainer@v0.0.0-00010101000000-000000000000 requires\n\tcloud.google.com/go/firestore@v1.5.0: missing go.sum entry for go.mod file; to add it:\n\tgo mod download cloud.google.com/go/firestore\n",
			"go: github.com/ThreeDotsLabs/wild-workouts-go-ddd-example/internal/trainer@v0.0.0-00010101000000-000000000000 requires\n\tcloud.google.com/go/firestore@v1.5.0: missing go.sum entry for go.mod file; to add it:\n\tgo mod download cloud.google.com/go/firestore", false},
		{"no network", "go: golang.org/x/text@v0.14.0: Get \"https://proxy.golang.org/golang.org/x/text/@v/v0.14.0.mod\": dial tcp: lookup proxy.golang.org on 10.0.0.53:53: no such host\n",
			"go: golang.org/x/text@v0.14.0: Get \"https://proxy.golang.org/golang.org/x/text/@v/v0.14.0.mod\": dial tcp: lookup proxy.golang.org on 10.0.0.53:53: no such host", true},
		{"an older go", "go: go.mod requires go >= 1.99 (running go 1.26.8; GOTOOLCHAIN=local)\n", "go: go.mod requires go >= 1.99 (running go 1.26.8; GOTOOLCHAIN=local)", true},
		{"two errors: the first", "go: first\n\tdetail\ngo: second\n", "go: first\n\tdetail", false},
		{"compiler output is not a go command error", "# example.com/x\n./x.go:3:1: syntax error\n", "", false},
		{"nothing", "", "", false},
	}
	for _, tc := range cases {
		msg := goCommandError(tc.out)
		if msg != tc.msg {
			t.Errorf("%s: message %q, want %q", tc.name, msg, tc.msg)
			continue
		}
		if _, mine := machineFault(msg); msg != "" && mine != tc.machine {
			t.Errorf("%s: the machine's = %v, want %v", tc.name, mine, tc.machine)
		}
	}
}

func FuzzGoCommandError(f *testing.F) {
	f.Add("go: a requires\n\tb: missing go.sum entry\n")
	f.Add("go: downloading x\n")
	f.Add("go: \r\n\t")
	f.Fuzz(func(t *testing.T, out string) {
		msg := goCommandError(out)
		// The message is whole lines of the output, their line endings
		// (\r\n or \n) read as one.
		var lines []string
		for _, l := range strings.Split(out, "\n") {
			lines = append(lines, strings.TrimRight(l, "\r"))
		}
		if msg != "" && (!strings.HasPrefix(msg, "go: ") || !strings.Contains(strings.Join(lines, "\n"), msg)) {
			t.Fatalf("message %q is not a part of the output", msg)
		}
	})
}

// A dependency the module proxy refused to serve (403 Forbidden, captured
// from gofiber/recipes' swagger) is the machine's network, not the code:
// go build's and go test's readings are unknown, with how to get it; a
// version that does not exist (404) stays the module's.
func TestDownloadRefusedIsTheMachines(t *testing.T) {
	mod := Module{Root: "/repo", Dir: "/repo/swagger", Path: "swagger"}
	read := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join("testdata", "proxy403", name))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	build := ParseBuildOutput(read("build.out"), mod)
	rep, err := ParseTestJSON(bytes.NewReader(read("test.json")), TestOptions{Module: mod, Stderr: read("test.err")})
	if err != nil {
		t.Fatal(err)
	}
	for name, fs := range map[string][]model.Finding{"build": build, "test": rep.Findings} {
		rd, ok := downloadFailure(fs)
		if !ok || rd.Status != model.StatusUnknown || rd.Hint != hintRefused ||
			!strings.HasPrefix(rd.Error, "go could not download a dependency: github.com/gofiber/contrib/v3/swaggerui@v1.0.10: reading https://proxy.golang.org/") {
			t.Errorf("%s: %d findings, reading %+v", name, len(fs), rd)
		}
	}
	missing := []model.Finding{{Rule: RuleCompile, Message: "example.com/x@v9.9.9: reading https://proxy.golang.org/example.com/x/@v/v9.9.9.zip: 404 Not Found"}}
	if _, ok := downloadFailure(missing); ok {
		t.Error("a version that does not exist is the module's")
	}
}

// An error in a file go generates in its build directory (the test main
// of a module named main: gofiber/recipes' https-pkcs12-tls) stands at
// the module's line of go.mod, not at a path that is nowhere.
func TestGeneratedFileErrorsStandAtTheModuleLine(t *testing.T) {
	root := fixturetest.WriteRepo(t, map[string]string{"tls/go.mod": "// A recipe.\nmodule main\n\ngo 1.25\n"})
	mod := Module{Root: root, Dir: filepath.Join(root, "tls"), Path: "main"}
	got := diagnosticFindings([]diagnostic{{file: "$WORK/b001/_testmain.go", line: 14, col: 8, message: `could not import main (cannot import "main")`}}, mod, RuleBuildFailed)
	want := model.Finding{Severity: model.Blocker, Rule: RuleBuildFailed, File: "tls/go.mod", Line: 2,
		Message: `go's generated _testmain.go: could not import main (cannot import "main")`}
	if len(got) != 1 || got[0] != want {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}
