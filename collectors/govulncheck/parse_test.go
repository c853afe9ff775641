package govulncheck

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/capture"
	"github.com/preflight-dev/preflight/internal/findingtest"
	"github.com/preflight-dev/preflight/model"
)

func TestParseStreamSymbolScan(t *testing.T) {
	c := loadCaptured(t, "symbol")
	s, err := ParseStream(c.stdout)
	if err != nil {
		t.Fatal(err)
	}
	if s.Config == nil || s.Config.ScannerVersion != "v1.8.0" || s.Config.ScanLevel != "symbol" {
		t.Fatalf("config %+v", s.Config)
	}
	// govulncheck reports each vulnerability at every level it reaches:
	// 3 module-level, 4 package-level (GO-2020-0015 in two packages) and 2
	// call traces of GO-2021-0113.
	if len(s.Findings) != 9 || len(s.Entries) != 3 || len(s.Progress) != 2 {
		t.Fatalf("%d findings, %d entries, %d progress lines", len(s.Findings), len(s.Entries), len(s.Progress))
	}
	vulns := s.Vulns("example.com/greeter")
	var got []string
	for _, v := range vulns {
		var calls []string
		for _, cs := range v.Calls {
			calls = append(calls, fmt.Sprintf("%s:%d:%d %s→%s", cs.File, cs.Line, cs.Column, cs.Caller, cs.Symbol))
		}
		got = append(got, fmt.Sprintf("%s %s %s@%s fix %s pkgs %v calls %v", v.Level, v.ID, v.Module, v.Version, v.FixedVersion, v.Packages, calls))
	}
	want := []string{
		"called GO-2021-0113 golang.org/x/text@v0.3.2 fix v0.3.7 pkgs [golang.org/x/text/language] calls [main.go:17:27 fallback→language.MustParse main.go:13:23 parseTag→language.Parse]",
		"imported GO-2020-0015 golang.org/x/text@v0.3.2 fix v0.3.3 pkgs [golang.org/x/text/encoding/unicode golang.org/x/text/transform] calls []",
		"imported GO-2022-1059 golang.org/x/text@v0.3.2 fix v0.3.8 pkgs [golang.org/x/text/language] calls []",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("vulns:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// The call sites are in the order govulncheck's own text lists its
// example traces (by vulnerable symbol), so a finding stands where the
// user running govulncheck by hand reads #1.
func TestCallSitesInTheOrderOfGovulnchecksExampleTraces(t *testing.T) {
	c := loadCaptured(t, "symbol")
	s, err := ParseStream(c.stdout)
	if err != nil {
		t.Fatal(err)
	}
	text := string(capture.ReadFile(t, "symbol-text.stdout"))
	examples := map[string][]string{} // vulnerability → "file:line:col caller→symbol"
	trace := regexp.MustCompile(`^\s+#\d+: (\S+):(\d+):(\d+): \S+\.(\w+) calls (\S+)$`)
	var id string
	for line := range strings.Lines(text) {
		line = strings.TrimRight(line, "\n")
		if v, ok := strings.CutPrefix(line, "Vulnerability #"); ok {
			_, id, _ = strings.Cut(v, ": ")
		}
		if m := trace.FindStringSubmatch(line); m != nil {
			examples[id] = append(examples[id], fmt.Sprintf("%s:%s:%s %s→%s", m[1], m[2], m[3], m[4], m[5]))
		}
	}
	if len(examples) == 0 {
		t.Fatalf("no example traces in\n%s", text)
	}
	for _, v := range s.Vulns("example.com/greeter") {
		var calls []string
		for _, cs := range v.Calls {
			calls = append(calls, fmt.Sprintf("%s:%d:%d %s→%s", cs.File, cs.Line, cs.Column, cs.Caller, cs.Symbol))
		}
		if !slices.Equal(calls, examples[v.ID]) {
			t.Errorf("%s: call sites %v, govulncheck's example traces %v", v.ID, calls, examples[v.ID])
		}
	}
}

func TestInterpretCaptured(t *testing.T) {
	col := newCollector("services/greeter", "govulncheck:greeter")
	cases := []struct {
		name     string
		status   model.Status
		facts    map[string]float64
		findings []string // severity rule location
		errText  string
	}{
		{name: "symbol", status: model.StatusOK,
			facts: map[string]float64{"vulns": 3, "vulns.called": 1, "vulns.imported": 2, "vulns.required": 0},
			findings: []string{
				"high govulncheck/called services/greeter/main.go:17:27",
				"low govulncheck/imported services/greeter/go.mod:5",
				"low govulncheck/imported services/greeter/go.mod:5",
			}},
		{name: "module", status: model.StatusOK,
			facts: map[string]float64{"vulns": 3, "vulns.called": 0, "vulns.imported": 0, "vulns.required": 3},
			findings: []string{
				"info govulncheck/required services/greeter/go.mod:5",
				"info govulncheck/required services/greeter/go.mod:5",
				"info govulncheck/required services/greeter/go.mod:5",
			}},
		{name: "offline", status: model.StatusUnknown, errText: "vulnerability database unreachable: govulncheck: fetching vulnerabilities"},
		{name: "refused-db", status: model.StatusUnknown, errText: "vulnerability database unreachable: creating client"},
		// The module does not compile: the go collector reports it as the
		// project's; govulncheck measured nothing.
		{name: "broken", status: model.StatusUnknown, errText: "govulncheck could not load the module's packages: the packages do not compile"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := loadCaptured(t, tc.name)
			res := col.interpret(c.run.ExitCode, c.stdout, c.stderr, c.gomod)
			if res.Status != tc.status || !strings.HasPrefix(res.Error, tc.errText) {
				t.Fatalf("status %s error %q", res.Status, res.Error)
			}
			wantHint := OfflineHint
			if tc.name == "broken" {
				wantHint = "make the module build first: cd services/greeter && go build ./... says why (so does this module's go collector)"
			}
			if tc.status == model.StatusUnknown && res.Hint != wantHint {
				t.Errorf("hint %q", res.Hint)
			}
			if tc.status != model.StatusOK {
				if len(res.Findings) != 0 || res.Output == "" {
					t.Errorf("a failed run must have no findings and an excerpt: %d, %q", len(res.Findings), res.Output)
				}
				return
			}
			for k, v := range tc.facts {
				if res.Facts[k] != v {
					t.Errorf("fact %s = %v, want %v", k, res.Facts[k], v)
				}
			}
			findingtest.CheckStamped(t, res.Findings, col.ID(), Domain)
			got := findingtest.Lines(res.Findings)
			if strings.Join(got, "\n") != strings.Join(tc.findings, "\n") {
				t.Errorf("findings:\n%s", strings.Join(got, "\n"))
			}
		})
	}
}

func TestCalledMessage(t *testing.T) {
	c := loadCaptured(t, "symbol")
	res := newCollector(".", "govulncheck:greeter").interpret(0, c.stdout, c.stderr, c.gomod)
	want := "GO-2021-0113 (CVE-2021-38561): Out-of-bounds read in golang.org/x/text/language\n" +
		"golang.org/x/text@v0.3.2, fixed in v0.3.7.\n" +
		"Called from main.go:17 fallback → language.MustParse; main.go:13 parseTag → language.Parse"
	if res.Findings[0].Message != want {
		t.Errorf("message:\n%s\nwant:\n%s", res.Findings[0].Message, want)
	}
}

// One vulnerability found in two modules (GO-2026-6617: golang.org/x/net
// and net/http) needs both upgraded: the message names each module and its
// fix as govulncheck lists them (by module path), and the finding stands
// at govulncheck's trace #1 of the first, not at another module's call.
func TestVulnerabilityInTwoModules(t *testing.T) {
	c := loadCaptured(t, "multimod")
	res := newCollector(".", "govulncheck:.").interpret(0, c.stdout, c.stderr, c.gomod)
	if len(res.Findings) != 1 {
		t.Fatalf("findings:\n%s", strings.Join(findingtest.Lines(res.Findings), "\n"))
	}
	f := res.Findings[0]
	first, _, _ := strings.Cut(strings.SplitN(f.Message, "\n", 3)[1], "\n")
	if want := "golang.org/x/net@v0.55.0, fixed in v0.60.0; the standard library go1.26.8, fixed in go1.26.9."; first != want {
		t.Errorf("modules line %q, want %q", first, want)
	}
	if f.File != "main.go" || f.Line != 12 || f.Column != 44 {
		t.Errorf("at %s, want main.go:12:44 (http2.ConnectionError.Error, x/net's trace #1)", f.Location())
	}
	if !strings.Contains(f.Message, "main.go:11 main → http.CanonicalHeaderKey") {
		t.Errorf("the standard library's call is not listed:\n%s", f.Message)
	}
}

func TestParseStreamMalformed(t *testing.T) {
	cases := map[string]string{
		"empty":           "",
		"text mode":       "=== Symbol Results ===\n\nVulnerability #1: GO-2021-0113\n",
		"no config":       `{"progress":{"message":"x"}}`,
		"truncated":       `{"config":{"protocol_version":"v1.0.0"}} {"finding":{"osv":"GO-1","trace":[`,
		"finding, no osv": `{"config":{}} {"finding":{"trace":[]}}`,
	}
	col := newCollector(".", "govulncheck:x")
	for name, out := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseStream([]byte(out)); err == nil {
				t.Fatal("no error")
			}
			// govulncheck -json exits 0 even with findings, so exit 0 with
			// unreadable output must be an error, never a clean result.
			res := col.interpret(0, []byte(out), nil, nil)
			if res.Status != model.StatusError || len(res.Findings) != 0 {
				t.Fatalf("status %s", res.Status)
			}
		})
	}
}

func TestRequireLine(t *testing.T) {
	gomod := []byte("module a\n\ngo 1.22\n\nrequire (\n\tgolang.org/x/text v0.3.2\n\tgolang.org/x/net v0.1.0 // indirect\n)\nrequire golang.org/x/sys v0.1.0\n")
	cases := map[string]int{"golang.org/x/text": 6, "golang.org/x/net": 7, "golang.org/x/sys": 9, "stdlib": 3, "example.com/none": 0}
	for mod, want := range cases {
		if got := requireLine(gomod, mod); got != want {
			t.Errorf("requireLine(%s) = %d, want %d", mod, got, want)
		}
	}
}

func FuzzParseStream(f *testing.F) {
	for _, name := range []string{"symbol", "module", "offline"} {
		f.Add(string(loadCaptured(f, name).stdout))
	}
	f.Add(`{"config":{}}{"finding":{"osv":"X","trace":[{"module":"m","function":"F"}]}}`)
	f.Fuzz(func(t *testing.T, out string) {
		s, err := ParseStream([]byte(out))
		if err != nil {
			return
		}
		vulns := s.Vulns("example.com/greeter")
		seen := map[string]bool{}
		for _, v := range vulns {
			if v.ID == "" || seen[v.ID] {
				t.Fatalf("vulnerability listed twice or without id: %+v", v)
			}
			seen[v.ID] = true
			if len(v.Calls) > 0 && v.Level != Called {
				t.Fatalf("call sites on a %s vulnerability", v.Level)
			}
		}
		res := newCollector(".", "govulncheck:x").interpret(0, []byte(out), nil, nil)
		if res.Status != model.StatusOK || len(res.Findings) != len(vulns) {
			t.Fatalf("%s with %d findings for %d vulns", res.Status, len(res.Findings), len(vulns))
		}
	})
}

// interpret reads a captured run as Run would have read it.
func (c *Collector) interpret(exit int, stdout, stderr, gomod []byte) model.Result {
	in := collectors.Input{ExitCode: exit, Data: stdout, Stdout: stdout, Stderr: stderr}
	return c.Conclude(in, func(in collectors.Input) (collectors.Reading, error) { return c.read(in, gomod) })
}

// A failed run is named by the first line of stderr that says something,
// or says that it said nothing.
func TestReadFailureReason(t *testing.T) {
	col := newCollector(".", "govulncheck:x")
	cases := []struct {
		stderr string
		status model.Status
		want   string
	}{
		// The module does not load (captured): its go collector says why.
		{"govulncheck: loading packages: err: exit status 1: stderr: go: example.com/trainer@v0.0.0-00010101000000-000000000000 requires\n\tcloud.google.com/go/firestore@v1.5.0: missing go.sum entry for go.mod file; to add it:\n\tgo mod download cloud.google.com/go/firestore\n",
			model.StatusUnknown, "govulncheck could not load the module's packages: go: example.com/trainer@v0.0.0-00010101000000-000000000000 requires\n\tcloud.google.com/go/firestore@v1.5.0: missing go.sum entry for go.mod file; to add it:\n\tgo mod download cloud.google.com/go/firestore"},
		{"\n  \n\t go: no go.mod  \r\nmore\n", "", "govulncheck exited 1: go: no go.mod"},
		{"", "", "govulncheck exited 1: (no message)"},
		{" \n\t\n", "", "govulncheck exited 1: (no message)"},
		{"\n dial tcp: no such host \nretrying", model.StatusUnknown, "vulnerability database unreachable: dial tcp: no such host"},
	}
	for _, c := range cases {
		r, err := col.read(collectors.Input{ExitCode: 1, Stderr: []byte(c.stderr)}, nil)
		got := r.Error
		if err != nil {
			got = err.Error()
		}
		if got != c.want || r.Status != c.status {
			t.Errorf("stderr %q: %q (status %q), want %q (status %q)", c.stderr, got, r.Status, c.want, c.status)
		}
	}
}

// Symbols are named as govulncheck's text names them.
func TestSymbolName(t *testing.T) {
	for _, tc := range []struct {
		frame Frame
		want  string
	}{
		{Frame{Package: "golang.org/x/text/language", Function: "Parse"}, "language.Parse"},
		{Frame{Package: "golang.org/x/text/encoding/unicode", Receiver: "*utf16Decoder", Function: "Transform"}, "unicode.utf16Decoder.Transform"},
		{Frame{Package: "gopkg.in/yaml.v3", Function: "Unmarshal"}, "yaml.Unmarshal"},
		{Frame{Package: "github.com/go-chi/chi/v5", Function: "Walk"}, "chi.Walk"},
		{Frame{Package: "github.com/golang-jwt/jwt/v4", Function: "Parse$1"}, "jwt.Parse"},
		{Frame{Package: "v2", Function: "F"}, "v2.F"},
		{Frame{Function: "main"}, "main"},
	} {
		if got := symbolName(&tc.frame); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.frame, got, tc.want)
		}
	}
}
