package model

import (
	"regexp"
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
		key := fingerprintKey(*f)
		n := seen[key]
		seen[key] = n + 1
		f.ID = fingerprint(key, n)
	}
}

// volatile are the parts of a tool's message that differ from run to run
// of the same code: a log line's time stamp, a UUID the test made up, the
// port a test server was given, a temporary directory, a pointer. They
// must not change a finding's identity (or --baseline would call an old
// failure new).
var volatile = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`\b\d{4}[/-]\d\d[/-]\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?`), "<time>"},
	{regexp.MustCompile(`(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b`), "<uuid>"},
	{regexp.MustCompile(`\b(127\.0\.0\.1|localhost|\[::1\]):\d{4,5}\b`), "$1:<port>"},
	{regexp.MustCompile(`(/tmp|/var/folders/[^\s/]+/[^\s/]+/T)/[^\s/]*?\d{5,}`), "$1/<tmp>"},
	{regexp.MustCompile(`\b0x[0-9a-f]{6,}\b`), "<addr>"},
}

// normalizeMessage drops whitespace differences so reflowed tool output
// does not change identity, and what differs from run to run (volatile).
func normalizeMessage(m string) string {
	if strings.ContainsAny(m, "0123456789") { // every volatile part has digits
		for _, v := range volatile {
			m = v.re.ReplaceAllString(m, v.with)
		}
	}
	return strings.Join(strings.Fields(m), " ")
}
