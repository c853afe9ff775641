package model

import "testing"

// A project no collector checks leaves its domain not assessed, and is
// named, unless the user disabled it.
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
	if len(unassessed) == 0 || unassessed[0] != "build" {
		t.Errorf("unassessed %v: a build domain with only unchecked projects was not assessed", unassessed)
	}
	got := s.Unchecked()
	if len(got) != 1 || got[0].Collector != "unchecked:api" {
		t.Errorf("unchecked %+v, want unchecked:api alone", got)
	}
}
