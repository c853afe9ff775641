package collectors

import "strings"

// IsFixture reports whether a repo-relative path lies under a testdata
// directory. By the Go convention those hold fixtures for tests, not parts
// of the project: they are neither detected as projects nor scanned.
func IsFixture(rel string) bool {
	return rel == "testdata" || strings.HasPrefix(rel, "testdata/") || strings.Contains(rel, "/testdata/") || strings.HasSuffix(rel, "/testdata")
}

// InDependencies reports whether a repo-relative path lies in a directory
// that holds other people's code: node_modules, vendor, third_party, and a
// Python environment's site-packages (a virtualenv committed by mistake).
func InDependencies(rel string) bool {
	for _, seg := range strings.Split(rel, "/") {
		switch seg {
		case "node_modules", "vendor", "third_party", "site-packages", "dist-packages":
			return true
		}
	}
	return false
}

// NotTheProjects reports a repo-relative path that is not part of the
// repository's own projects: a test fixture, or other people's code that
// is vendored in. Such paths are neither detected as projects nor scanned,
// as Go's own tools leave vendor/ out of ./... .
func NotTheProjects(rel string) bool { return IsFixture(rel) || InDependencies(rel) }
