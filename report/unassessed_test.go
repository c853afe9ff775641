package report

import (
	"testing"

	"github.com/preflight-dev/preflight/model"
)

// A domain the repository has no collector for is named, so a report
// never reads as if it had been checked; one whose collectors were not
// run (--changed-since) has collectors and is not; a shard leaves it to
// the merged report.
func TestUnassessedDomains(t *testing.T) {
	var s model.Snapshot
	for _, c := range []struct{ id, domain string }{
		{"go:api", "build"}, {"go-test:api", "tests"}, {"secrets:.", "security"},
		{"dockerfile:api", "deployment"}, {"github-actions:.", "ci"},
	} {
		s.Collectors = append(s.Collectors, model.CollectorState{Result: model.Result{Collector: c.id, Domain: c.domain, Status: model.StatusSkipped}})
	}
	want := "Not assessed, nothing preflight checks was found for: Performance (the build output of apps that ship to browsers)."
	if got := unassessedLine(s, Meta{}); got != want {
		t.Errorf("line %q, want %q", got, want)
	}
	if got := unassessedLine(s, Meta{Shard: &Shard{}}); got != "" {
		t.Errorf("a shard's report says %q", got)
	}
	s.Collectors = append(s.Collectors, model.CollectorState{Result: model.Result{Collector: "bundle:web", Domain: "performance"}})
	if got := unassessedLine(s, Meta{}); got != "" {
		t.Errorf("every domain has a collector, yet %q", got)
	}
	for _, d := range model.Domains {
		if d.Reads == "" {
			t.Errorf("domain %s has no description of what is read for it", d.ID)
		}
	}
}
