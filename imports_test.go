package main

import (
	"os/exec"
	"strings"
	"testing"
)

// The package edges ARCHITECTURE.md describes, kept by `go list -deps`: a
// new edge from the cockpit, the reports or the pure model into a
// collector family fails here instead of creeping in.
func TestPackageBoundaries(t *testing.T) {
	const mod = "github.com/preflight-dev/preflight/"
	cases := []struct {
		pkg     string
		allowed func(dep string) bool
	}{
		// Pure types and rules: nothing of preflight.
		{"model", func(string) bool { return false }},
		{"proc", func(string) bool { return false }},
		// What every collector is, and the one runner.
		{"collectors", func(d string) bool {
			return d == "model" || d == "proc" || strings.HasPrefix(d, "internal/")
		}},
		// The cockpit and the reports see results and the rule catalogue,
		// never a collector family.
		{"ui", notAFamily},
		{"report", notAFamily},
		{"engine", notAFamily},
		{"checklist", notAFamily},
		{"shard", notAFamily},
	}
	for _, tc := range cases {
		out, err := exec.Command("go", "list", "-deps", "./"+tc.pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", tc.pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			rel, ok := strings.CutPrefix(dep, mod)
			if !ok || rel == tc.pkg {
				continue
			}
			if !tc.allowed(rel) {
				t.Errorf("%s depends on %s", tc.pkg, rel)
			}
		}
	}
}

// notAFamily allows everything but the collector families: the shared
// collector types and the rule catalogue are not families.
func notAFamily(dep string) bool {
	switch dep {
	case "collectors", "collectors/rules":
		return true
	}
	return !strings.HasPrefix(dep, "collectors/")
}
