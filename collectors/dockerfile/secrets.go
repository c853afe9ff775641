package dockerfile

import "strings"

// literalValue reports whether a value as written in a Dockerfile is a
// literal (not empty, not taken from another variable).
func literalValue(v string) bool {
	v = strings.TrimSpace(v)
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		v = v[1 : len(v)-1]
	}
	return strings.TrimSpace(v) != "" && !strings.Contains(v, "$")
}
