package model

import (
	"slices"
	"testing"
)

// A project no collector checks is named, unless the user disabled it;
// its domain is not one where nothing was found. It keeps the verdict from
// GO (an express-like library whose Mocha suite preflight does not run
// read GO with coverage 100 %), as a reason of its own; a linter's
// configuration does not.
func TestUncheckedProjects(t *testing.T) {
	s := Snapshot{Collectors: []CollectorState{
		{Result: Result{Collector: "secrets:.", Kind: "secrets", Domain: "security", Status: StatusOK}},
		{Result: Result{Collector: "unchecked:api", Kind: KindUnchecked, Domain: "build", Status: StatusSkipped,
			Error: UncheckedPrefix + "a Gradle (Java/Kotlin) project (api/build.gradle), which preflight has no collector for"}},
		{Result: Result{Collector: "unchecked:docs", Kind: KindUnchecked, Domain: "build", Status: StatusSkipped,
			Error: "disabled in preflight.yaml:4:3"}},
	}}
	var unassessed []string
	for _, d := range s.Unassessed() {
		unassessed = append(unassessed, d.ID)
	}
	if len(unassessed) == 0 || unassessed[0] == "build" {
		t.Errorf("unassessed %v: a build domain with an unchecked project is not one where nothing was found", unassessed)
	}
	got := s.Unchecked()
	if len(got) != 1 || got[0].Collector != "unchecked:api" {
		t.Errorf("unchecked %+v, want unchecked:api alone", got)
	}
	a := Assess(s)
	if a.Verdict != Conditional || !slices.Equal(a.Reasons, []string{"not checked: api: Gradle (Java/Kotlin) (preflight has no collector for it)"}) {
		t.Errorf("verdict %s, reasons %q", a.Verdict, a.Reasons)
	}
	// A linter preflight does not run is named elsewhere, and does not
	// hold the verdict; nor does a project the user disabled.
	s.Collectors[1].Error = UncheckedPrefix + ".golangci.yml configures golangci-lint, which preflight does not run"
	if a := Assess(s); a.Verdict != GO || len(a.Reasons) != 0 {
		t.Errorf("a linter: verdict %s, reasons %q", a.Verdict, a.Reasons)
	}
}
