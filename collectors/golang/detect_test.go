package golang

import (
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		name  string
		root  string
		files []string
		want  []string // collector ids in order
	}{
		{
			name:  "root module is named . whatever the checkout is called",
			root:  "/home/u/shop",
			files: []string{"go.mod", "main.go", "README.md"},
			want:  []string{"go:.", "go-test:."},
		},
		{
			name:  "modules side by side",
			root:  "/r",
			files: []string{"services/api/go.mod", "tools/lint/go.mod", "web/package.json"},
			want:  []string{"go:api", "go-test:api", "go:lint", "go-test:lint"},
		},
		{
			name:  "colliding names fall back to the directory",
			root:  "/r",
			files: []string{"a/cli/go.mod", "b/cli/go.mod", "c/server/go.mod"},
			want:  []string{"go:a/cli", "go-test:a/cli", "go:b/cli", "go-test:b/cli", "go:server", "go-test:server"},
		},
		{
			name:  "vendor and testdata are not modules of the repository",
			root:  "/r",
			files: []string{"go.mod", "vendor/example.com/x/go.mod", "pkg/testdata/fixture/go.mod", "testdata/go.mod"},
			want:  []string{"go:.", "go-test:."},
		},
		{
			name:  "a file merely named like go.mod does not count",
			root:  "/r",
			files: []string{"docs/go.mod.md", "x/notgo.mod"},
			want:  nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, c := range Detect(tt.root, tt.files) {
				got = append(got, c.ID())
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ids = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDetectKindsAndDomains(t *testing.T) {
	cs := Detect("/r", []string{"svc/go.mod"})
	if len(cs) != 2 {
		t.Fatalf("got %d collectors, want 2", len(cs))
	}
	if cs[0].Kind() != "go" || cs[0].Domain() != "build" {
		t.Errorf("build collector: kind %q domain %q", cs[0].Kind(), cs[0].Domain())
	}
	if cs[1].Kind() != "go-test" || cs[1].Domain() != "tests" {
		t.Errorf("test collector: kind %q domain %q", cs[1].Kind(), cs[1].Domain())
	}
	// A module's build and tests run one after the other; another
	// module's may run beside them.
	two := Detect("/r", []string{"svc/go.mod", "tools/go.mod"})
	if g := collectors.GroupOf(two[0]); g == "" || collectors.GroupOf(two[1]) != g || collectors.GroupOf(two[2]) == g || collectors.GroupOf(two[3]) != collectors.GroupOf(two[2]) {
		t.Errorf("groups %q %q %q %q", collectors.GroupOf(two[0]), collectors.GroupOf(two[1]), collectors.GroupOf(two[2]), collectors.GroupOf(two[3]))
	}
}

func TestInputs(t *testing.T) {
	tests := []struct {
		path         string
		build, tests bool
	}{
		{"svc/main.go", true, true},
		{"svc/internal/db/db_test.go", true, true},
		{"svc/go.mod", true, true},
		{"svc/go.sum", true, true},
		{"svc/internal/db/testdata/rows.json", false, true},
		// Tests read what they like: a README a doc test checks, assets.
		{"svc/README.md", false, true},
		{"svc/test/assets/image.png", false, true},
		{"svc/crypto/aes_amd64.s", true, true},
		{"svc/sqlite/sqlite3.c", true, true},
		// The UI's sources are another ecosystem's; its build output is
		// embedded, so it counts.
		{"svc/ui/src/app.tsx", false, false},
		{"svc/ui/build/index.html", true, true},
		{"other/main.go", false, false},
		{"svcx/main.go", false, false},
		// The root's Makefile may give go test its -short and -tags.
		{"Makefile", false, true},
		{"other/Makefile", false, false},
	}
	root := t.TempDir()
	fixturetest.WriteFiles(t, root, map[string]string{
		"svc/go.mod":      "module svc\n",
		"svc/ui/serve.go": "package ui\n\n//go:embed build\nvar b embed.FS\n",
	})
	cs := Detect(root, []string{"svc/go.mod", "svc/ui/package.json", "svc/ui/serve.go"})
	for _, tt := range tests {
		for i, want := range []bool{tt.build, tt.tests} {
			if got := collectors.MatchesInputs(cs[i].Inputs(), tt.path); got != want {
				t.Errorf("%s inputs match %s = %v, want %v", cs[i].ID(), tt.path, got, want)
			}
		}
	}
	atRoot := Detect("/r", []string{"go.mod"})
	if !collectors.MatchesInputs(atRoot[0].Inputs(), "cmd/tool/main.go") || !collectors.MatchesInputs(atRoot[1].Inputs(), "testdata/x.txt") {
		t.Errorf("root module inputs %v / %v miss files", atRoot[0].Inputs(), atRoot[1].Inputs())
	}
}

func TestModulePath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"module example.com/a\n\ngo 1.22\n", "example.com/a"},
		{"// comment\nmodule   example.com/b // trailing\n", "example.com/b"},
		{"module \"example.com/quoted\"\n", "example.com/quoted"},
		{"go 1.22\n", ""},
		{"modules example.com/no\n", ""},
		{"module\n", ""},
	}
	for _, tt := range tests {
		if got := ModulePath([]byte(tt.in)); got != tt.want {
			t.Errorf("ModulePath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestModuleAt(t *testing.T) {
	root := t.TempDir()
	for dir, gomod := range map[string]string{"svc": "module example.com/svc\n", "bare": "go 1.22\n"} {
		if err := os.MkdirAll(filepath.Join(root, dir), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, dir, "go.mod"), []byte(gomod), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(root, "fifo"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(root, "fifo", "go.mod"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		dir  string
		want Module
		ok   bool
	}{
		{"svc", Module{Root: root, Dir: filepath.Join(root, "svc"), Path: "example.com/svc"}, true},
		{"bare", Module{Root: root, Dir: filepath.Join(root, "bare")}, true},
		{"fifo", Module{Root: root, Dir: filepath.Join(root, "fifo")}, false},
		{"none", Module{Root: root, Dir: filepath.Join(root, "none")}, false},
	}
	for _, tt := range tests {
		if got, ok := ModuleAt(root, filepath.Join(root, tt.dir)); got != tt.want || ok != tt.ok {
			t.Errorf("ModuleAt(%s) = %+v, %v; want %+v, %v", tt.dir, got, ok, tt.want, tt.ok)
		}
	}
}

func TestRelFile(t *testing.T) {
	m := Module{Root: "/repo", Dir: "/repo/svc", Path: "example.com/svc"}
	tests := []struct{ in, want string }{
		{"./main.go", "svc/main.go"},
		{"internal/x.go", "svc/internal/x.go"},
		{"/repo/svc/x.go", "svc/x.go"},
		{"example.com/svc/y/y.go", "svc/y/y.go"},
		{"/usr/local/go/src/fmt/print.go", "/usr/local/go/src/fmt/print.go"},
		{"../../elsewhere.go", "/elsewhere.go"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := m.RelFile(tt.in); got != tt.want {
			t.Errorf("RelFile(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzModulePath(f *testing.F) {
	f.Add([]byte("module example.com/a\n"))
	f.Add([]byte("module \"x\"\ngo 1.2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := ModulePath(data)
		for _, r := range p {
			if r == ' ' || r == '\t' || r == '\n' || r == '"' {
				t.Fatalf("module path %q holds a separator", p)
			}
		}
	})
}

// The files //go:embed lines name are compiled into the packages: they are
// inputs of both collectors (a changed schema.sql must not reuse a passing
// result), and where they lie, the watcher follows them though git ignores
// them (gotify's `//go:embed build/*` of a UI build).
func TestEmbeddedFilesAreInputs(t *testing.T) {
	root := t.TempDir()
	fixturetest.WriteFiles(t, root, map[string]string{
		"go.mod":                "module example.com/x\n\ngo 1.22\n",
		"store/store.go":        "package store\n\nimport _ \"embed\"\n\n//go:embed schema.sql\nvar Schema string\n",
		"ui/serve.go":           "package ui\n\nimport \"embed\"\n\n//go:embed build/* \"static files\" all:.well-known\nvar Files embed.FS\n",
		"ui/build/index.html":   "<html/>",
		"vendor/v/v.go":         "package v\n\n//go:embed vendored.txt\nvar V string\n",
		"tools/_old/old.go":     "package old\n\n//go:embed old.txt\nvar O string\n",
		"cmd/tpl/tpl.go":        "package main\n\n//go:embed templates/{a,b}.tmpl\nvar T string\n",
		"store/store_test.go":   "package store\n\n//go:embed testschema.sql\nvar Test string\n",
		"docs/nothing_embed.go": "package docs\n\n// go:embed is not a directive with a space\nvar D = \"//go:embed x\"\n",
	})
	cols := Detect(root, []string{"go.mod"})
	for _, c := range cols {
		in := c.Inputs()
		for _, f := range []string{"store/schema.sql", "store/testschema.sql", "ui/build/index.html", "ui/build/assets/app.js", "ui/static files", "ui/.well-known/security.txt", "cmd/tpl/templates/{a,b}.tmpl"} {
			if !collectors.MatchesInputs(in, f) {
				t.Errorf("%s: %s is not an input of %v", c.ID(), f, in)
			}
		}
		for _, f := range []string{"vendor/v/vendored.txt", "tools/_old/old.txt", "docs/x", "ui/other/index.html", "cmd/tpl/templates/a.tmpl"} {
			if c.Kind() == "go" && collectors.MatchesInputs(in, f) { // the tests' inputs are every file
				t.Errorf("%s: %s is an input", c.ID(), f)
			}
		}
		want := []string{"cmd/tpl/templates/{a,b}.tmpl", "store/schema.sql", "store/testschema.sql", "ui/.well-known", "ui/build", "ui/static files"}
		if got := collectors.OutputsOf(c); !slices.Equal(got, want) {
			t.Errorf("%s: outputs %q, want %q", c.ID(), got, want)
		}
	}
	// A directive added since is read at the next run.
	fixturetest.WriteFiles(t, root, map[string]string{"store/more.go": "package store\n\n//go:embed migrations\nvar M string\n"})
	cols[0].(*BuildCollector).mod.embeds.refresh()
	if in := cols[1].Inputs(); !collectors.MatchesInputs(in, "store/migrations/001.sql") {
		t.Errorf("after the edit, inputs %v", in)
	}
}

func TestEmbedPatterns(t *testing.T) {
	for src, want := range map[string][]string{
		"//go:embed a.txt b/*.html\n":             {"a.txt", "b/*.html"},
		"//go:embed \"with space.txt\" `x y`\r\n": {"with space.txt", "x y"},
		"//go:embed all:static\n":                 {"static"},
		"//go:embed ./dir/\n":                     {"dir"},
		"//go:embedded x\n//go:embed\n":           nil,
		"  //go:embed indented\n":                 nil,
		"//go:embed ../up /abs ok\n":              {"ok"},
		"//go:embed \"unterminated\n":             nil,
		"//go:embed \"esc\\\"q\" after\n":         {"esc\"q", "after"},
	} {
		if got := EmbedPatterns([]byte(src)); !slices.Equal(got, want) {
			t.Errorf("%q: %q, want %q", src, got, want)
		}
	}
}

func FuzzEmbedPatterns(f *testing.F) {
	f.Add([]byte("//go:embed a b \"c d\" `e`\n"))
	f.Add([]byte("//go:embed all:x/../y\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		for _, p := range EmbedPatterns(src) {
			if p == "" || strings.HasPrefix(p, "/") || p == ".." || strings.HasPrefix(p, "../") || path.Clean(p) != p {
				t.Fatalf("%q: pattern %q", src, p)
			}
		}
	})
}

// go's error for an embed pattern that matches nothing says what is
// missing, and the build that writes it when a Node package there has one.
func TestEmbedMissNamesTheBuild(t *testing.T) {
	root := t.TempDir()
	fixturetest.WriteFiles(t, root, map[string]string{
		"ui/package.json": `{"name":"ui","scripts":{"build":"vite build"}}`,
		"ui/yarn.lock":    "",
	})
	fs := []model.Finding{
		{File: "ui/serve.go", Line: 15, Message: "pattern build/*: no matching files found"},
		{File: "docs/swagger.go", Line: 3, Message: "pattern spec.json: no matching files found"},
		{File: "ui/serve.go", Line: 20, Message: "undefined: x"},
	}
	explainEmbedMisses(root, fs)
	want := []string{
		"pattern build/*: no matching files found (ui/build is not in the checkout: a build writes it? cd ui && yarn build)",
		"pattern spec.json: no matching files found (docs/spec.json is not in the checkout)",
		"undefined: x",
	}
	for i, f := range fs {
		if f.Message != want[i] {
			t.Errorf("%q, want %q", f.Message, want[i])
		}
	}
	if explainEmbedMisses(root, fs); fs[0].Message != want[0] {
		t.Errorf("explained twice: %q", fs[0].Message)
	}
}

// A run that timed out names the preflight.yaml key of its own kind: go
// for build and vet, go-test for the tests.
func TestTimeoutHintNamesTheCollectorsKey(t *testing.T) {
	for _, kind := range []string{"go", "go-test"} {
		if h := goInvocation(module{dir: "/r"}, kind, nil, 0, nil, "test").TimeoutHint; !strings.Contains(h, "collectors: {"+kind+": {timeout: 30m}}") {
			t.Errorf("%s: %q", kind, h)
		}
	}
}
