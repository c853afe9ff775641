package sarif

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/secrets"
	"github.com/preflight-dev/preflight/internal/findingtest"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"
)

var testRedactor = secrets.NewRedactor([]byte("preflight test redaction key"))

func readLog(t testing.TB, p string) *Log {
	t.Helper()
	data, err := os.ReadFile(filepath.FromSlash(p))
	if err != nil {
		t.Fatal(err)
	}
	l, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func itemLines(items []Item) string {
	var b strings.Builder
	for _, it := range items {
		fmt.Fprintf(&b, "%s %s %s %s %d:%d\n", it.Tool, it.RuleID, it.Severity, it.URI, it.Line, it.Column)
	}
	return b.String()
}

func TestItemsFromRealTools(t *testing.T) {
	cases := []struct {
		file, want string
		tools      []string
	}{
		{"testdata/tree/reports/staticcheck.sarif",
			"Staticcheck SA4006 medium main.go 15:2\n" +
				"Staticcheck SA4017 medium main.go 15:9\n" +
				"Staticcheck S1003 medium main.go 17:5\n",
			[]string{"Staticcheck"}},
		{"testdata/tree/greeter/govulncheck.sarif",
			"govulncheck GO-2020-0015 medium go.mod 1:0\n" +
				"govulncheck GO-2021-0113 high go.mod 1:0\n" +
				"govulncheck GO-2022-1059 medium go.mod 1:0\n",
			[]string{"govulncheck"}},
		{"testdata/captured/gitleaks.sarif",
			"", // checked below: order follows gitleaks's scan
			[]string{"gitleaks"}},
	}
	for _, tc := range cases {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			items, sum := readLog(t, tc.file).Items()
			if sum.Runs != 1 || strings.Join(sum.Tools, ",") != strings.Join(tc.tools, ",") {
				t.Errorf("summary %+v", sum)
			}
			if tc.want != "" && itemLines(items) != tc.want {
				t.Errorf("items:\n%s", itemLines(items))
			}
			for _, it := range items {
				if it.Message == "" || it.RuleID == "" {
					t.Errorf("item without message or rule: %+v", it)
				}
			}
		})
	}
	items, _ := readLog(t, "testdata/captured/gitleaks.sarif").Items()
	if len(items) != 7 {
		t.Fatalf("gitleaks: %d items", len(items))
	}
	for _, it := range items {
		if it.Severity != model.Medium || it.Line < 1 || it.URI == "" {
			t.Errorf("gitleaks item %+v", it)
		}
	}
}

func TestStaticcheckBaseIsItsWorkingDirectory(t *testing.T) {
	items, _ := readLog(t, "testdata/tree/reports/staticcheck.sarif").Items()
	if !strings.HasPrefix(items[0].Base, "file:///") || !strings.HasSuffix(items[0].Base, "/tree/svc") {
		t.Fatalf("base %q", items[0].Base)
	}
}

// copyTree copies testdata/tree to a temporary root and dates every file
// an hour back, reports last, so they are fresh relative to the sources.
func copyTree(t *testing.T) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "shop")
	src := filepath.Join("testdata", "tree")
	fixturetest.Copy(t, src, root)
	old := time.Now().Add(-time.Hour)
	for _, rel := range fixturetest.Files(t, root) {
		when := old
		if IsReport(rel) {
			when = old.Add(time.Minute)
		}
		if err := os.Chtimes(filepath.Join(root, rel), when, when); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func run(t *testing.T, c collectors.Collector, root string) model.Result {
	t.Helper()
	col := c.(*Collector)
	col.redactor = testRedactor
	return c.Run(context.Background(), collectors.Request{Root: root})
}

func TestCollectorOnTree(t *testing.T) {
	root := copyTree(t)
	cs := Detect(root, []string{"greeter/go.mod", "greeter/govulncheck.sarif", "reports/staticcheck.sarif", "svc/main.go", "a/testdata/x.sarif", "node_modules/y/z.sarif.json"})
	if len(cs) != 2 || cs[0].ID() != "sarif:govulncheck" || cs[1].ID() != "sarif:staticcheck" || cs[1].Inputs()[0] != "reports/staticcheck.sarif" {
		t.Fatalf("detect: %v", cs)
	}
	want := map[string][]string{
		"sarif:govulncheck": {
			"high govulncheck:GO-2021-0113 greeter/go.mod:1",
			"medium govulncheck:GO-2020-0015 greeter/go.mod:1",
			"medium govulncheck:GO-2022-1059 greeter/go.mod:1",
		},
		"sarif:staticcheck": {
			"medium staticcheck:SA4006 svc/main.go:15:2",
			"medium staticcheck:SA4017 svc/main.go:15:9",
			"medium staticcheck:S1003 svc/main.go:17:5",
		},
	}
	for _, c := range cs {
		res := run(t, c, root)
		if res.Status != model.StatusOK || res.ExitCode != -1 {
			t.Fatalf("%s: %s %s", c.ID(), res.Status, res.Error)
		}
		findingtest.CheckStamped(t, res.Findings, c.ID(), Domain)
		got := findingtest.Lines(res.Findings)
		if strings.Join(got, "\n") != strings.Join(want[c.ID()], "\n") {
			t.Errorf("%s findings:\n%s", c.ID(), strings.Join(got, "\n"))
		}
		if res.Facts["results"] != 3 || res.Facts["runs"] != 1 || res.Facts["suppressed"] != 0 {
			t.Errorf("%s facts %v", c.ID(), res.Facts)
		}
	}
	res := run(t, cs[1], root)
	if res.Command != "read reports/staticcheck.sarif (Staticcheck)" || res.Findings[0].Message != "this value of name is never used" {
		t.Errorf("command %q message %q", res.Command, res.Findings[0].Message)
	}
}

func TestStaleReport(t *testing.T) {
	root := copyTree(t)
	st, err := os.Stat(filepath.Join(root, "reports", "staticcheck.sarif"))
	if err != nil {
		t.Fatal(err)
	}
	edited := st.ModTime().Add(3 * time.Hour)
	if err := os.Chtimes(filepath.Join(root, "svc", "main.go"), edited, edited); err != nil {
		t.Fatal(err)
	}
	res := run(t, &Collector{file: "reports/staticcheck.sarif", id: "sarif:staticcheck"}, root)
	if res.Status != model.StatusUnknown || len(res.Findings) != 3 || res.Facts["results"] != 3 {
		t.Fatalf("status %s, %d findings", res.Status, len(res.Findings))
	}
	if res.Error != "reports/staticcheck.sarif is 3h older than the sources it covers (svc/main.go changed since)" ||
		res.Hint != "run Staticcheck again to refresh reports/staticcheck.sarif" {
		t.Errorf("error %q hint %q", res.Error, res.Hint)
	}
}

func TestMalformedReports(t *testing.T) {
	cases := map[string]string{
		"not json":    "<html>502 Bad Gateway</html>",
		"no version":  `{"runs":[]}`,
		"sarif 1.0":   `{"version":"1.0.0","runs":[]}`,
		"no runs":     `{"version":"2.1.0"}`,
		"wrong types": `{"version":"2.1.0","runs":[{"results":{"a":1}}]}`,
		"with secret": `{"version":"2.1.0","runs":"ghp_qBi5LkVs8eI9jPMsuDXTR3UuWb32k3DyhZxr"}`,
	}
	for name, text := range cases {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			if err := os.WriteFile(filepath.Join(root, "scan.sarif"), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			res := run(t, &Collector{file: "scan.sarif", id: "sarif:scan"}, root)
			if res.Status != model.StatusError || len(res.Findings) != 0 || res.Output == "" {
				t.Fatalf("status %s output %q", res.Status, res.Output)
			}
			if strings.Contains(res.Output, "qBi5LkVs8eI9jPMsuDXTR3") {
				t.Errorf("excerpt shows a token: %q", res.Output)
			}
		})
	}
}

// TestMessagesAreRedacted plants a token in one message of the real
// gitleaks report, as a scanner that quotes its match would.
func TestMessagesAreRedacted(t *testing.T) {
	l := readLog(t, "testdata/captured/gitleaks.sarif")
	l.Runs[0].Results[0].Message.Text = "found AKIAITJVVSYDMM63WJFA in {0}"
	l.Runs[0].Results[0].Message.Arguments = []string{".env"}
	items, _ := l.Items()
	c := &Collector{file: "gitleaks.sarif", id: "sarif:gitleaks"}
	fs := c.findings(t.TempDir(), items, testRedactor)
	found := false
	for _, f := range fs {
		if strings.Contains(f.Message, "AKIA") {
			t.Errorf("token in message %q", f.Message)
		}
		if strings.HasPrefix(f.Message, "found [redacted 20 chars, hmac ") && strings.HasSuffix(f.Message, "] in .env") {
			found = true
		}
	}
	if !found {
		t.Error("the redacted message is missing")
	}
}

func TestSeverityMapping(t *testing.T) {
	doc := `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"Scanner X","rules":[
		{"id":"CRIT","properties":{"security-severity":"9.8"}},
		{"id":"HIGH","properties":{"security-severity":7.5}},
		{"id":"MED","properties":{"security-severity":"4.0"}},
		{"id":"LOWSEC","properties":{"security-severity":"2"}},
		{"id":"NOTE","defaultConfiguration":{"level":"note"}},
		{"id":"BAD","properties":{"security-severity":"high"}, "defaultConfiguration":{"level":"error"}}]}},
		"results":[
		{"ruleId":"CRIT","level":"note","message":{"text":"a"}},
		{"ruleIndex":1,"message":{"text":"b"}},
		{"rule":{"id":"MED"},"message":{"text":"c"}},
		{"ruleId":"LOWSEC","message":{"text":"d"}},
		{"ruleId":"NOTE","message":{"text":"e"}},
		{"ruleId":"BAD","message":{"text":"f"}},
		{"ruleId":"UNLISTED","level":"none","message":{"text":"g"}},
		{"ruleId":"UNLISTED","message":{"text":"h"}},
		{"ruleId":"UNLISTED","level":"error","kind":"pass","message":{"text":"passed"}},
		{"ruleId":"UNLISTED","level":"error","suppressions":[{"kind":"inSource"}],"message":{"text":"suppressed"}},
		{"ruleId":"UNLISTED","level":"error","suppressions":[{"kind":"external","status":"rejected"}],"message":{"text":"rejected suppression"}},
		{"ruleId":"UNLISTED","level":"error","baselineState":"absent","message":{"text":"fixed"}}]}]}`
	l, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	items, sum := l.Items()
	var got []string
	for _, it := range items {
		got = append(got, it.RuleID+"="+it.Severity.String())
	}
	want := "CRIT=blocker HIGH=high MED=medium LOWSEC=low NOTE=low BAD=high UNLISTED=info UNLISTED=medium UNLISTED=high"
	if strings.Join(got, " ") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, " "), want)
	}
	if sum.Suppressed != 2 || sum.Passed != 1 {
		t.Errorf("summary %+v", sum)
	}
}

func TestResolve(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{"svc/main.go", "reports/x.go", "go.mod"} {
		p := filepath.Join(root, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rootURI := "file://" + filepath.ToSlash(root)
	cases := []struct{ sarifDir, uri, base, want string }{
		{"reports", "svc/main.go", "", "svc/main.go"},
		{"reports", "x.go", "", "reports/x.go"},
		{".", "go.mod", "%SRCROOT%", "go.mod"},
		{"reports", rootURI + "/svc/main.go", "", "svc/main.go"},
		{"reports", "main.go", "file:///home/runner/work/shop/shop/svc", "svc/main.go"},
		{"reports", "file:///home/runner/work/shop/shop/svc/main.go", "", "svc/main.go"},
		{"reports", "file:///elsewhere/nothing.go", "", "/elsewhere/nothing.go"},
		{"reports", "src/missing.ts", "", "src/missing.ts"},
		{"reports", "svc%2Fmain.go", "", "svc/main.go"},
		{"reports", "https://example.com/a.go", "", ""},
		{"reports", "", "", ""},
		{"sub/reports", "../x.go", "", "sub/x.go"},
	}
	for _, tc := range cases {
		if got := Resolve(root, tc.sarifDir, tc.uri, tc.base); got != tc.want {
			t.Errorf("Resolve(%q, %q, %q) = %q, want %q", tc.sarifDir, tc.uri, tc.base, got, tc.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, p := range []string{"testdata/tree/reports/staticcheck.sarif", "testdata/tree/greeter/govulncheck.sarif", "testdata/captured/gitleaks.sarif"} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data))
	}
	f.Add(`{"version":"2.1.0","runs":[{"results":[{"ruleIndex":-4,"locations":[{"physicalLocation":{"artifactLocation":{"uri":"%zz","uriBaseId":"A"},"region":{"startLine":-3}}}]}],"originalUriBaseIds":{"A":{"uri":"x","uriBaseId":"B"},"B":{"uri":"file:///r"}}}]}`)
	root := f.TempDir()
	f.Fuzz(func(t *testing.T, doc string) {
		l, err := Parse([]byte(doc))
		if err != nil {
			return
		}
		items, sum := l.Items()
		if sum.Runs != len(l.Runs) {
			t.Fatalf("runs %d vs %d", sum.Runs, len(l.Runs))
		}
		c := &Collector{file: "r.sarif", id: "sarif:r"}
		for _, fd := range c.findings(root, items, testRedactor) {
			if fd.Line < 0 || fd.Column < 0 || fd.Rule == "" || fd.Message == "" || fd.Severity < model.Info || fd.Severity > model.Blocker {
				t.Fatalf("bad finding %+v", fd)
			}
		}
	})
}
