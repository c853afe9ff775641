package model

import "strings"

// AssignIDs gives every finding a fingerprint that survives unrelated edits:
// it hashes what the finding is (collector, rule, file, message) but not
// where in the file it sits, so inserting lines above it keeps its id.
// Identical findings in one file are told apart by their order.
func AssignIDs(findings []Finding) {
	seen := make(map[string]int, len(findings))
	for i := range findings {
		f := &findings[i]
		key := fingerprintKey(*f)
		n := seen[key]
		seen[key] = n + 1
		f.ID = fingerprint(key, n)
	}
}

// normalizeMessage drops whitespace differences so reflowed tool output
// does not change identity.
func normalizeMessage(m string) string {
	return strings.Join(strings.Fields(m), " ")
}
