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
		// The config produces settings and command specs; the custom
		// family runs them.
		{"config", notAFamily},
		// The runtime pipeline runs and watches; it never draws or
		// renders, and knows nothing of the command line.
		{"app", func(d string) bool {
			return d != "ui" && d != "report" && d != "cli" && !strings.HasPrefix(d, "ui/")
		}},
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

// The command line only parses arguments, picks an output and calls the
// runtime pipeline in app: wiring the engine, the watcher, detection or a
// collector family by hand in cli fails here.
func TestCLIWiresNothingByHand(t *testing.T) {
	const mod = "github.com/preflight-dev/preflight/"
	out, err := exec.Command("go", "list", "-f", `{{join .Imports "\n"}}`, "./cli").Output()
	if err != nil {
		t.Fatalf("go list cli: %v", err)
	}
	for _, imp := range strings.Fields(string(out)) {
		rel, ok := strings.CutPrefix(imp, mod)
		if !ok {
			continue
		}
		switch {
		case rel == "engine", rel == "watch", rel == "detect", rel == "ignore", rel == "history", !notAFamily(rel):
			t.Errorf("cli imports %s; it belongs behind app", rel)
		}
	}
}
