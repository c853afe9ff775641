package model

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
)

// AssignIDs gives every finding a fingerprint that survives unrelated edits:
// it hashes what the finding is (collector, rule, file, message) but not
// where in the file it sits, so inserting lines above it keeps its id.
// Identical findings in one file are told apart by their order.
func AssignIDs(findings []Finding) {
	seen := make(map[string]int, len(findings))
	for i := range findings {
		f := &findings[i]
		key := f.Collector + "\x00" + f.Rule + "\x00" + f.File + "\x00" + normalizeMessage(f.Message)
		n := seen[key]
		seen[key] = n + 1
		sum := sha256.Sum256([]byte(key + "\x00" + strconv.Itoa(n)))
		f.ID = hex.EncodeToString(sum[:8])
	}
}

// normalizeMessage drops whitespace differences so reflowed tool output
// does not change identity.
func normalizeMessage(m string) string {
	return strings.Join(strings.Fields(m), " ")
}
