package collectors

import "strings"

// IsFixture reports whether a repo-relative path lies under a testdata
// directory. By the Go convention those hold fixtures for tests, not parts
// of the project: they are neither detected as projects nor scanned.
func IsFixture(rel string) bool {
	return rel == "testdata" || strings.HasPrefix(rel, "testdata/") || strings.Contains(rel, "/testdata/") || strings.HasSuffix(rel, "/testdata")
}
