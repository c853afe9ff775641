package report

import (
	"strings"

	"github.com/preflight-dev/preflight/model"
)

// unassessed are the built-in domains the repository has no collector
// for: not checked at all, which a report must say rather than leave out.
// A shard's report leaves it to the merged one.
func unassessed(s model.Snapshot, m Meta) []string {
	if m.Shard != nil {
		return nil
	}
	var out []string
	for _, d := range s.Unassessed() {
		out = append(out, d.Name+" ("+d.Reads+")")
	}
	return out
}

// unassessedLine is the sentence that names them, "" for none.
func unassessedLine(s model.Snapshot, m Meta) string {
	ds := unassessed(s, m)
	if len(ds) == 0 {
		return ""
	}
	return "Not assessed, nothing preflight checks was found for: " + strings.Join(ds, "; ") + "."
}
