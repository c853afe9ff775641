package coverage

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseCaptured(t *testing.T) {
	tests := []struct {
		name                                   string
		parse                                  func([]byte) (Summary, error)
		lines, statements, functions, branches Counter
		files                                  []string
	}{
		{
			name: "web-coverage-summary.json", parse: ParseIstanbulSummary,
			lines: Counter{1, 14, true}, statements: Counter{1, 14, true}, functions: Counter{1, 4, true}, branches: Counter{0, 6, true},
		},
		{
			name: "web-lcov.info", parse: ParseLcov,
			lines: Counter{1, 14, true}, functions: Counter{1, 4, true}, branches: Counter{0, 6, true},
			files: []string{"src/price.js"},
		},
		{
			// go test printed "coverage: 27.3% of statements" for this profile.
			name: "go-coverprofile.txt", parse: ParseGoProfile,
			lines: Counter{7, 22, true}, statements: Counter{3, 11, true},
			files: []string{"example.com/shapes/shapes/shapes.go"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := tt.parse(captured(t, tt.name))
			if err != nil {
				t.Fatal(err)
			}
			got := [4]Counter{s.Lines, s.Statements, s.Functions, s.Branches}
			want := [4]Counter{tt.lines, tt.statements, tt.functions, tt.branches}
			if got != want {
				t.Errorf("lines/statements/functions/branches = %+v, want %+v", got, want)
			}
			if tt.files != nil && !reflect.DeepEqual(s.Files, tt.files) {
				t.Errorf("files %q, want %q", s.Files, tt.files)
			}
		})
	}
	s, _ := ParseIstanbulSummary(captured(t, "web-coverage-summary.json"))
	if len(s.Files) != 1 || !strings.HasSuffix(s.Files[0], "/web/src/price.js") {
		t.Errorf("summary files %q", s.Files)
	}
	if pct, _ := (Counter{3, 11, true}).Percent(); pct < 27.27 || pct > 27.28 {
		t.Errorf("27.3%% of statements read as %v", pct)
	}
}

func TestGoProfileMergesRepeatedBlocks(t *testing.T) {
	in := "mode: count\na/x.go:1.1,3.2 2 0\na/x.go:1.1,3.2 2 5\na/x.go:5.1,5.9 1 0\nmode: count\nb/y.go:2.1,2.5 0 0\n"
	s, err := ParseGoProfile([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if s.Statements != (Counter{2, 3, true}) || s.Lines != (Counter{3, 4, true}) || !reflect.DeepEqual(s.Files, []string{"a/x.go"}) {
		t.Errorf("%+v", s)
	}
}

func TestLcovWithoutSummaryLinesCountsDA(t *testing.T) {
	in := "TN:\nSF:/src/a.py\nDA:1,1\nDA:2,0\nDA:3,4\nend_of_record\nSF:b.py\nDA:1,0\nLF:1\nLH:0\nend_of_record\n"
	s, err := ParseLcov([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if s.Lines != (Counter{2, 4, true}) || s.Functions.Known || len(s.Files) != 2 {
		t.Errorf("%+v", s)
	}
}

func TestParseRejectsMalformed(t *testing.T) {
	cases := []struct {
		in    string
		parse func([]byte) (Summary, error)
	}{
		{``, ParseIstanbulSummary},
		{`{"a": {}}`, ParseIstanbulSummary},
		{`{"total": {"lines": {"total": 1}}}`, ParseIstanbulSummary},
		{`{"total": {"lines": {"total": 1, "covered": 2}}}`, ParseIstanbulSummary},
		{`{"total": {"statements": {"total": 1, "covered": 1}}}`, ParseIstanbulSummary},
		{`[]`, ParseIstanbulSummary},
		{"", ParseLcov},
		{"TN:\n", ParseLcov},
		{"DA:1,1\n", ParseLcov},
		{"SF:a\nDA:x,1\n", ParseLcov},
		{"SF:a\nLF:-1\n", ParseLcov},
		{"<coverage/>", ParseLcov},
		{" \n", ParseGoProfile},
		{"mode: fast\n", ParseGoProfile},
		{"mode: set\nx.go 1 1\n", ParseGoProfile},
		{"mode: set\nx.go:1.1,2.1 1\n", ParseGoProfile},
		{"mode: set\nx.go:3.1,2.1 1 1\n", ParseGoProfile},
		{"mode: set\nx.go:1.1,2.1 -1 1\n", ParseGoProfile},
		{"mode: set\nx.go:1.a,2.1 1 1\n", ParseGoProfile},
		{"mode: set\nx.go:1.1,200000.1 1 1\n", ParseGoProfile},
	}
	for _, c := range cases {
		if _, err := c.parse([]byte(c.in)); err == nil {
			t.Errorf("%q: no error", c.in)
		}
	}
}

// golang.org/x/tools/cover reads the blocks; an error still names the
// line of the file at fault, counting the blank lines and repeated
// headers the cover package never sees.
func TestGoProfileErrorsNameTheLine(t *testing.T) {
	cases := []struct{ in, want string }{
		{"mode: set\n\na.go:1.1,2.1 1 1\nmode: set\nx.go 1 1\n", `not a Go cover profile: line 5: "x.go 1 1": `},
		{"mode: set\nx.go:3.1,2.1 1 1\n", `not a Go cover profile: line 2: "x.go:3.1,2.1 1 1": the block ends before it starts`},
		{"mode: set\na.go:1.1,2.1 1 1\nx.go:0.1,2.1 1 1\n", `not a Go cover profile: line 3: "x.go:0.1,2.1 1 1": the block starts before line 1`},
		{"mode: set\nx.go:1.1,200000.1 1 1\n", `not a Go cover profile: line 2: "x.go:1.1,200000.1 1 1": the block spans more than 100000 lines`},
		// The same block with two statement counts: no one line is wrong.
		{"mode: count\nx.go:1.1,2.1 1 1\nx.go:1.1,2.1 3 0\n", "not a Go cover profile: "},
	}
	for _, c := range cases {
		_, err := ParseGoProfile([]byte(c.in))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q: error %v, want it to start with %q", c.in, err, c.want)
		}
	}
}

func fuzzSummary(t *testing.T, s Summary) {
	for _, c := range []Counter{s.Lines, s.Statements, s.Functions, s.Branches} {
		if c.Covered < 0 || c.Total < 0 || c.Covered > c.Total {
			t.Fatalf("impossible counter %+v", c)
		}
		if pct, ok := c.Percent(); ok && (pct < 0 || pct > 100) {
			t.Fatalf("percent %v", pct)
		}
	}
}

func FuzzParseIstanbulSummary(f *testing.F) {
	f.Add(captured(f, "web-coverage-summary.json"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if s, err := ParseIstanbulSummary(data); err == nil {
			fuzzSummary(t, s)
		}
	})
}

// The json reporter's per-file counts total to what Istanbul's own
// summary of the same Vitest run says.
func TestParseIstanbulFinalCaptured(t *testing.T) {
	final, err := ParseIstanbulFinal(captured(t, "web-coverage-final.json"))
	if err != nil {
		t.Fatal(err)
	}
	summary, err := ParseIstanbulSummary(captured(t, "web-coverage-summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	final.Files, summary.Files = nil, nil
	if !reflect.DeepEqual(final, summary) {
		t.Errorf("coverage-final.json totals %+v\nIstanbul's summary %+v", final, summary)
	}
}

func FuzzParseIstanbulFinal(f *testing.F) {
	f.Add(captured(f, "web-coverage-final.json"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if s, err := ParseIstanbulFinal(data); err == nil {
			fuzzSummary(t, s)
		}
	})
}

func FuzzParseLcov(f *testing.F) {
	f.Add(captured(f, "web-lcov.info"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if s, err := ParseLcov(data); err == nil {
			fuzzSummary(t, s)
		}
	})
}

func FuzzParseGoProfile(f *testing.F) {
	f.Add(captured(f, "go-coverprofile.txt"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if s, err := ParseGoProfile(data); err == nil {
			fuzzSummary(t, s)
		}
	})
}

// Counting by function declarations never counts more covered than
// counted, nor anything in a file without functions, whatever the source
// and the profile say.
func FuzzGoFuncStatements(f *testing.F) {
	src, err := os.ReadFile(filepath.Join("testdata", "gofuncs", "greet", "greet.go"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte("mode: set\nexample.com/gofuncs/greet/greet.go:9.35,10.13 1 1\nexample.com/gofuncs/greet/greet.go:17.32,18.16 1 1\n"), src)
	f.Add(captured(f, "go-coverprofile.txt"), []byte("package x\nfunc A() {}\n"))
	f.Fuzz(func(t *testing.T, profile, src []byte) {
		c, ok := GoFuncStatements(profile, func(string) ([]byte, bool) { return src, true })
		if !ok {
			return
		}
		if _, err := ParseGoProfile(profile); err != nil {
			t.Fatalf("counted a profile ParseGoProfile refuses: %v", err)
		}
		if c.Covered < 0 || c.Covered > c.Total {
			t.Fatalf("covered %d of %d", c.Covered, c.Total)
		}
		if funcs, _ := funcExtents(src); len(funcs) == 0 && c.Total != 0 {
			t.Fatalf("%d statements counted in a file without functions", c.Total)
		}
	})
}
