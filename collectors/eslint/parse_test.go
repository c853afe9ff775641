package eslint

import (
	"reflect"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/model"
)

// described lists findings as "severity file:line:col rule" for exact
// comparisons.
func described(fs []model.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Severity.String()+" "+f.Location()+" "+f.Rule)
	}
	return out
}

func TestParseCaptured(t *testing.T) {
	tests := []struct {
		fixture                                    string
		files, errors, warnings, fatal, suppressed int
		findings                                   []string
	}{
		{
			fixture: "flat", files: 4, errors: 3, warnings: 3, fatal: 1, suppressed: 3,
			findings: []string{
				"high packages/flat/src/app.js:3:7 no-unused-vars",
				"low packages/flat/src/app.js:6:7 prefer-const",
				"high packages/flat/src/app.js:7:13 eqeqeq",
				"low packages/flat/src/app.js:8:5 no-console",
				"info packages/flat/src/app.js:11:3 eslint/suppressed",
				"info packages/flat/src/app.js:13:24 eslint/suppressed",
				"blocker packages/flat/src/broken.js:2:3 eslint/parse-error",
				"low packages/flat/src/helper.js:2:3 eslint/unused-disable-directive",
				"info packages/flat/src/helper.js:7:3 eslint/suppressed",
			},
		},
		{
			fixture: "legacy", files: 1, errors: 1, warnings: 1,
			findings: []string{
				"low packages/legacy/src/index.js:1:1 no-var",
				"high packages/legacy/src/index.js:4:10 no-undef",
			},
		},
		{fixture: "clean", files: 2},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			c := loadCaptured(t, tt.fixture)
			rep, err := ParseJSON(c.report, c.loc)
			if err != nil {
				t.Fatal(err)
			}
			got := [5]int{rep.Files, rep.Errors, rep.Warnings, rep.Fatal, rep.Suppressed}
			want := [5]int{tt.files, tt.errors, tt.warnings, tt.fatal, tt.suppressed}
			if got != want || !rep.SuppressedKnown {
				t.Errorf("files/errors/warnings/fatal/suppressed = %v (known %v), want %v", got, rep.SuppressedKnown, want)
			}
			if g := described(rep.Findings); !reflect.DeepEqual(g, tt.findings) {
				t.Errorf("findings\n got %q\nwant %q", g, tt.findings)
			}
		})
	}
}

// A suppression says which rule it silenced and whether someone wrote why.
func TestSuppressionMessages(t *testing.T) {
	c := loadCaptured(t, "flat")
	rep, err := ParseJSON(c.report, c.loc)
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, f := range rep.Findings {
		if f.Rule == RuleSuppressed.ID {
			msgs = append(msgs, f.Message)
		}
	}
	want := []string{
		"no-console suppressed: Unexpected console statement. (reason: the start-up banner is meant for operators)",
		"eqeqeq suppressed: Expected '===' and instead saw '=='. (no reason given)",
		"no-console suppressed: Unexpected console statement. (no reason given)",
	}
	if !reflect.DeepEqual(msgs, want) {
		t.Errorf("suppressions\n got %q\nwant %q", msgs, want)
	}
}

func TestParseOldReportWithoutSuppressions(t *testing.T) {
	in := `[{"filePath": "/r/a.js", "messages": [{"ruleId": "semi", "severity": 2, "message": "Missing semicolon.", "line": 1, "column": 9}]}]`
	rep, err := ParseJSON([]byte(in), Location{Root: "/r", Dir: "/r"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.SuppressedKnown || rep.Suppressed != 0 || rep.Errors != 1 {
		t.Errorf("%+v", rep)
	}
	if got := described(rep.Findings); !reflect.DeepEqual(got, []string{"high a.js:1:9 semi"}) {
		t.Errorf("%q", got)
	}
}

func TestParseRejectsWhatIsNotAReport(t *testing.T) {
	for _, in := range []string{``, `{}`, `null`, `[{"messages": []}]`, `[1]`, `{"filePath": "a"}`, `[{"filePath": "a", "messages": {}}]`} {
		if _, err := ParseJSON([]byte(in), Location{Root: "/r", Dir: "/r"}); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

func TestFailureReason(t *testing.T) {
	c := loadCaptured(t, "broken")
	if c.report != nil || c.run.ExitCode != 2 {
		t.Fatalf("the broken fixture wrote a report or exited %d", c.run.ExitCode)
	}
	got := failureReason(string(c.stderr))
	want := `TypeError: Key "rules": Key "no-such-rule": Could not find "no-such-rule" in plugin "@".`
	if got != want {
		t.Errorf("reason %q, want %q", got, want)
	}
	if got := failureReason(""); got != "it printed nothing and wrote no report" {
		t.Errorf("empty: %q", got)
	}
}

func FuzzParseJSON(f *testing.F) {
	for _, fixture := range []string{"flat", "legacy"} {
		f.Add(loadCaptured(f, fixture).report)
	}
	f.Add([]byte(`[{"filePath":"x","messages":[{"severity":2,"fatal":true,"line":-1}],"suppressedMessages":[{"ruleId":null}]}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := ParseJSON(data, Location{Root: "/repo", Dir: "/repo/pkg"})
		if err != nil {
			return
		}
		if rep.Fatal > rep.Errors || rep.Errors < 0 || rep.Warnings < 0 {
			t.Fatalf("impossible counts %+v", rep)
		}
		if len(rep.Findings) != rep.Errors+rep.Warnings+rep.Suppressed && rep.SuppressedKnown {
			t.Fatalf("%d findings for %d errors, %d warnings, %d suppressed", len(rep.Findings), rep.Errors, rep.Warnings, rep.Suppressed)
		}
		for _, f := range rep.Findings {
			if f.Rule == "" || f.Message == "" || f.Line < 0 || f.Column < 0 || strings.HasPrefix(f.File, "../") {
				t.Fatalf("bad finding %+v", f)
			}
		}
	})
}
