package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/detect"
)

var updateReadme = flag.Bool("update-readme", false, "rewrite README.md's rule table from the rule catalogue")

const (
	rulesBegin = "<!-- rules:begin -->"
	rulesEnd   = "<!-- rules:end -->"
)

// TestREADMEListsEveryRule keeps the README's rule table equal to the rule
// tables in the code, so what users read is what runs.
func TestREADMEListsEveryRule(t *testing.T) {
	var b strings.Builder
	b.WriteString("| rule | severity | finding | fix |\n| --- | --- | --- | --- |\n")
	all := detect.Rules().All()
	if len(all) < 50 {
		t.Fatalf("only %d rules in the catalogue: are the families listed?", len(all))
	}
	for _, r := range all {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", r.ID, r.Severity, cell(r.Title), cell(r.Fix))
	}
	want := b.String()
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	start, end := strings.Index(text, rulesBegin), strings.Index(text, rulesEnd)
	if start < 0 || end < start {
		t.Fatalf("README.md lacks the %s … %s markers", rulesBegin, rulesEnd)
	}
	got := text[start+len(rulesBegin)+1 : end]
	if got == want {
		return
	}
	if *updateReadme {
		text = text[:start+len(rulesBegin)+1] + want + text[end:]
		if err := os.WriteFile("README.md", []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's rule table is out of date; run: go test . -run TestREADMEListsEveryRule -update-readme")
}

func cell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}
