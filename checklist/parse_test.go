package checklist

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// A checklist written the way people write them: emoji and accents,
// nested lists, tabs, code blocks that show task-list syntax, a comment
// block, headings named by alias.
const sample = "# Readiness — Café ☕ service\n" + // 1
	"\n" + // 2
	"<!--\n" + // 3
	"- [ ] hidden in a comment block\n" + // 4
	"-->\n" + // 5
	"\n" + // 6
	"## 🏗️ Build & TypeScript\n" + // 7
	"\n" + // 8
	"- [x] Backend compiles <!-- verify: typescript[\"backend\"].errors == 0 --> <!-- checked: 2026-03-14T14:05:00Z by Zoë Ångström -->\n" + // 9
	"- [ ] Web compiles\n" + // 10
	"  - [X] nested: shared types build\n" + // 11
	"\t- [ ] nested with a tab\n" + // 12
	"\n" + // 13
	"```md\n" + // 14
	"- [ ] inside a fenced block is not an item\n" + // 15
	"```\n" + // 16
	"\n" + // 17
	"## Testing\n" + // 18
	"\n" + // 19
	"Some prose.\n" + // 20
	"\n" + // 21
	"    - [ ] indented code is not an item\n" + // 22
	"\n" + // 23
	"1. [ ] numbered item über alles\n" + // 24
	"~~~\n" + // 25
	"- [x] tilde fence\n" + // 26
	"~~~\n" + // 27
	"\n" + // 28
	"## Docker\n" + // 29
	"* [ ] image builds <!-- from: old-report.md:12 -->\n" + // 30
	"\n" + // 31
	"## CI/CD Pipeline\n" + // 32
	"+ [ ] workflows pass\n" + // 33
	"\n" + // 34
	"## Hardening <!-- domain: security -->\n" + // 35
	"### Secrets\n" + // 36
	"- [ ] no secrets in the repo\n" + // 37
	"\n" + // 38
	"## Notes\n" + // 39
	"- [ ] a general item\n" + // 40
	"- plain list item, not a task\n" + // 41
	"- [ ]not an item without a space\n" + // 42
	"\n" + // 43
	"## Accepted risks\n" + // 44
	"\n" + // 45
	"- TS2322 at backend/src/a.ts:3 — legacy code, replaced next sprint <!-- ack: 3f1c9a0b7d2e4c11 by Ana Lima on 2026-03-01 until 2026-04-01 -->\n" + // 46
	"- no label, only the reason <!-- ack: 00aa11bb22cc33dd by Bo on 2026-03-02 -->\n" // 47

type itemView struct {
	Line    int
	Depth   int
	Checked bool
	Text    string
	Domain  string
	Rule    string
}

func views(d *Doc) []itemView {
	var out []itemView
	for _, it := range d.Items {
		out = append(out, itemView{it.Line, it.Depth, it.Checked, it.Text, it.Domain, it.Rule})
	}
	return out
}

var sampleItems = []itemView{
	{9, 0, true, "Backend compiles", "build", `typescript["backend"].errors == 0`},
	{10, 0, false, "Web compiles", "build", ""},
	{11, 1, true, "nested: shared types build", "build", ""},
	// The tab reaches the content column of the item above: a child of it.
	{12, 2, false, "nested with a tab", "build", ""},
	{24, 0, false, "numbered item über alles", "tests", ""},
	{30, 0, false, "image builds", "deployment", ""},
	{33, 0, false, "workflows pass", "ci", ""},
	{37, 0, false, "no secrets in the repo", "security", ""},
	{40, 0, false, "a general item", "", ""},
}

func TestParseFindsItemsWithLinesAndDomains(t *testing.T) {
	for _, variant := range []struct{ name, src string }{
		{"LF", sample},
		{"CRLF", strings.ReplaceAll(sample, "\n", "\r\n")},
		{"no final newline", strings.TrimSuffix(sample, "\n")},
	} {
		t.Run(variant.name, func(t *testing.T) {
			d := Parse("READINESS.md", []byte(variant.src))
			if len(d.Problems) > 0 {
				t.Fatalf("problems: %v", d.Problems)
			}
			if got := views(d); !reflect.DeepEqual(got, sampleItems) {
				t.Fatalf("items:\n got %+v\nwant %+v", got, sampleItems)
			}
			if string(d.Bytes()) != variant.src {
				t.Fatal("Bytes differs from the parsed source")
			}
			it := d.Items[0]
			want := time.Date(2026, 3, 14, 14, 5, 0, 0, time.UTC)
			if it.CheckedBy != "Zoë Ångström" || !it.CheckedAt.Equal(want) {
				t.Fatalf("record: %q at %v", it.CheckedBy, it.CheckedAt)
			}
			if d.Items[5].Source != "old-report.md:12" {
				t.Fatalf("source %q", d.Items[5].Source)
			}
			if len(d.Acks) != 2 {
				t.Fatalf("acks %+v", d.Acks)
			}
			a := d.Acks[0]
			if a.Finding != "3f1c9a0b7d2e4c11" || a.By != "Ana Lima" || a.Reason != "legacy code, replaced next sprint" ||
				a.Label != "TS2322 at backend/src/a.ts:3" || a.Line != 46 || a.Until.Format(dateLayout) != "2026-04-01" {
				t.Fatalf("ack %+v", a)
			}
			if b := d.Acks[1]; b.Label != "" || b.Reason != "no label, only the reason" || !b.Until.IsZero() {
				t.Fatalf("second ack %+v", b)
			}
		})
	}
}

func TestDomainOf(t *testing.T) {
	cases := map[string]string{
		"Testing": "tests", "Docker": "deployment", "Deploy": "deployment", "🛡️ SECURITY PRODUCTION READINESS": "security",
		"Build": "build", "TypeScript": "build", "Performance": "performance", "CI": "ci", "Pipeline": "ci",
		"CI/CD Pipeline Status": "ci", "Test Infrastructure Status": "tests", "Container Orchestration": "deployment",
		"Security Deployment Checklist": "security", "Notes": "", "Production readiness checklist": "",
	}
	for title, want := range cases {
		if got, _ := DomainOf(title); got != want {
			t.Errorf("DomainOf(%q) = %q, want %q", title, got, want)
		}
	}
}

func TestParseReportsProblemsWithTheirLines(t *testing.T) {
	cases := []struct {
		name, src string
		line      int
		contains  string
	}{
		{"conflict", "## Build\n<<<<<<< HEAD\n- [x] a\n=======\n- [ ] a\n>>>>>>> main\n", 2, "merge conflict"},
		{"rule syntax", "## Build\n\n- [ ] a <!-- verify: typescript[\"a\"].errors == -->\n", 3, "does not parse"},
		{"wrong helper call", "- [ ] a <!-- verify: sum(\"typescript\") == 0 -->\n", 1, "does not parse"},
		{"not a boolean", "- [ ] a <!-- verify: 1 + 2 -->\n", 1, "does not parse"},
		{"two rules", "- [ ] a <!-- verify: true --> <!-- verify: false -->\n", 1, "more than one"},
		{"empty rule", "- [ ] a <!-- verify: -->\n", 1, "empty verify"},
		{"bad record", "- [x] a <!-- checked: yesterday by me -->\n", 1, "not a date"},
		{"ack without reason", "## Accepted risks\n- TS1 at a.ts — <!-- ack: abcdef12 by A on 2026-01-01 -->\n", 2, "no reason"},
		{"bad ack", "- x <!-- ack: abcdef12 on 2026-01-01 -->\n", 1, "FINGERPRINT"},
		{"unknown domain", "## Stuff <!-- domain: marketing -->\n", 1, "unknown domain"},
		{"unclosed fence", "## A\n```\n- [ ] a\n", 2, "never closed"},
		{"unclosed comment", "## A\n- [ ] a <!-- verify: true\n- [ ] b\n", 2, "comment never closed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := Parse("READINESS.md", []byte(tc.src))
			if len(d.Problems) == 0 {
				t.Fatal("no problem reported")
			}
			p := d.Problems[0]
			if p.Line != tc.line || p.File != "READINESS.md" || !strings.Contains(p.Message, tc.contains) {
				t.Fatalf("problem %s, want line %d containing %q", p, tc.line, tc.contains)
			}
		})
	}
}

func TestSetextHeadingsAndParagraphsEndLists(t *testing.T) {
	src := "Security\n========\n\n- [ ] a\n\nTesting\n-------\n- [ ] b\n  continued text\n- [ ] c\n"
	d := Parse("R.md", []byte(src))
	got := views(d)
	want := []itemView{{4, 0, false, "a", "security", ""}, {8, 0, false, "b", "tests", ""}, {10, 0, false, "c", "tests", ""}}
	if !reflect.DeepEqual(got, want) || len(d.Problems) > 0 {
		t.Fatalf("got %+v problems %v", got, d.Problems)
	}
}
