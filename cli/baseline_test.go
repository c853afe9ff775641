package cli

import (
	"testing"

	"github.com/preflight-dev/preflight/baseline"
)

func TestBaselineWrittenCountsInWords(t *testing.T) {
	for _, tc := range []struct {
		f    baseline.File
		want string
	}{
		{baseline.File{}, "wrote .preflight/baseline.json: 0 findings"},
		{baseline.File{Findings: make([]baseline.Entry, 1)}, "wrote .preflight/baseline.json: 1 finding"},
		{baseline.File{Findings: make([]baseline.Entry, 30), Unmeasured: []string{"govulncheck:billing"}},
			"wrote .preflight/baseline.json: 30 findings (1 collector had no evidence: govulncheck:billing)"},
		{baseline.File{Findings: make([]baseline.Entry, 2), Unmeasured: []string{"go:api", "npm-audit:."}},
			"wrote .preflight/baseline.json: 2 findings (2 collectors had no evidence: go:api, npm-audit:.)"},
	} {
		if got := baselineWritten(tc.f); got != tc.want {
			t.Errorf("got  %q\nwant %q", got, tc.want)
		}
	}
}
