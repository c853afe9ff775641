// Package findingtest is what collector tests share about the findings a
// run returns: one line per finding to compare with a table, and the
// stamp every finding must carry.
package findingtest

import (
	"testing"

	"github.com/preflight-dev/preflight/model"
)

// Lines is each finding as "severity rule file:line:col".
func Lines(fs []model.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Severity.String()+" "+f.Rule+" "+f.Location())
	}
	return out
}

// CheckStamped fails the test for a finding that lacks its id or names
// another collector or domain than the run's.
func CheckStamped(t testing.TB, fs []model.Finding, collector, domain string) {
	t.Helper()
	for _, f := range fs {
		if f.ID == "" || f.Collector != collector || f.Domain != domain {
			t.Errorf("finding not stamped as %s in %s: %+v", collector, domain, f)
		}
	}
}
