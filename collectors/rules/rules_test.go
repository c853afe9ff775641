package rules

import (
	"testing"

	"github.com/preflight-dev/preflight/model"
)

func TestParseSuppressions(t *testing.T) {
	text := "FROM node:20\n# preflight:ignore dockerfile/root-user runs as root on purpose: init container\nUSER root\nRUN x # preflight:ignore dockerfile/sudo\n<!-- preflight:ignore md/x reason here -->\r\n"
	got := ParseSuppressions(text)
	want := []Suppression{
		{Rule: "dockerfile/root-user", Reason: "runs as root on purpose: init container", Line: 2},
		{Rule: "dockerfile/sudo", Reason: "", Line: 4},
		{Rule: "md/x", Reason: "reason here", Line: 5},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestApplySuppressions(t *testing.T) {
	sups := []Suppression{{Rule: "dockerfile/root-user", Reason: "init container", Line: 2}, {Rule: "dockerfile/sudo", Line: 4}}
	findings := []model.Finding{
		{Rule: "dockerfile/root-user", File: "Dockerfile", Line: 3},  // next line: suppressed
		{Rule: "dockerfile/sudo", File: "Dockerfile", Line: 4},       // same line: suppressed
		{Rule: "dockerfile/root-user", File: "Dockerfile", Line: 9},  // elsewhere: kept
		{Rule: "dockerfile/latest-tag", File: "Dockerfile", Line: 3}, // other rule: kept
	}
	kept, n, extra := Apply("Dockerfile", findings, sups)
	if n != 2 || len(kept) != 2 || kept[0].Line != 9 || kept[1].Rule != "dockerfile/latest-tag" {
		t.Fatalf("kept %+v suppressed %d", kept, n)
	}
	if len(extra) != 1 || extra[0].Rule != RuleSuppressionWithoutReason.ID || extra[0].Line != 4 || extra[0].Severity != model.Low {
		t.Fatalf("extra %+v", extra)
	}
}

func TestCatalogue(t *testing.T) {
	r := Rule{ID: "test/catalogue", Severity: model.High, Title: "t"}
	c := NewCatalogue([]Rule{r})
	if got, ok := c.Lookup("test/catalogue"); !ok || got != r {
		t.Fatalf("Lookup = %+v %v", got, ok)
	}
	if _, ok := c.Lookup(RuleSuppressionWithoutReason.ID); !ok {
		t.Error("the shared suppression rule is not in the catalogue")
	}
	if all := c.All(); len(all) != 2 || all[0].ID != RuleSuppressionWithoutReason.ID {
		t.Errorf("All = %+v", all)
	}
	var none *Catalogue
	if _, ok := none.Lookup("test/catalogue"); ok || none.All() != nil {
		t.Error("a nil catalogue knows a rule")
	}
	defer func() {
		if recover() == nil {
			t.Error("listing an id twice must panic")
		}
	}()
	NewCatalogue([]Rule{r}, []Rule{r})
}

func FuzzParseSuppressions(f *testing.F) {
	f.Add("# preflight:ignore a/b why\n")
	f.Add("x // preflight:ignore  \n")
	f.Fuzz(func(t *testing.T, text string) {
		for _, s := range ParseSuppressions(text) {
			if s.Rule == "" || s.Line < 1 {
				t.Fatalf("bad suppression %+v", s)
			}
		}
	})
}
