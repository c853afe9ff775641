package config

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/model"
)

// Starter is a commented preflight.yaml for a repository where cols were
// detected. Only `version: 1` is in force: everything else is an example
// to uncomment, naming the repository's own collectors, so the file
// changes nothing until someone edits it.
func Starter(cols []collectors.Collector) []byte {
	var b strings.Builder
	b.WriteString("# yaml-language-server: $schema=" + SchemaURL + "\n")
	b.WriteString(`# preflight.yaml: tunes what preflight checks in this repository.
# Every key is optional; without this file preflight detects everything itself.
# Remove the leading "# " of an example to use it. Invalid edits are reported
# with file:line:col, and the cockpit keeps the last valid config meanwhile.
version: 1
`)
	for _, sec := range starterSections(cols) {
		b.WriteString("\n")
		for _, line := range strings.Split(strings.TrimRight(sec.about, "\n"), "\n") {
			b.WriteString("# " + line + "\n")
		}
		for _, line := range strings.Split(strings.TrimRight(sec.example, "\n"), "\n") {
			b.WriteString("# " + line + "\n")
		}
	}
	return []byte(b.String())
}

// starterExample is the starter with every example in force; tests check
// that it is a valid config, so the examples are never wrong.
func starterExample(cols []collectors.Collector) []byte {
	var b strings.Builder
	b.WriteString("version: 1\n")
	for _, sec := range starterSections(cols) {
		b.WriteString(sec.example)
	}
	return []byte(b.String())
}

type section struct {
	about   string // comment lines, without "# "
	example string // YAML, commented out in the starter
}

func starterSections(cols []collectors.Collector) []section {
	var secs []section
	secs = append(secs, section{
		about:   "Paths to leave out (doublestar globs from the repository root), on top of .gitignore.",
		example: "ignore:\n  - \"fixtures/**\"\n  - \"**/*.snap\"\n",
	})

	var ex strings.Builder
	ex.WriteString("collectors:\n")
	if len(cols) == 0 {
		ex.WriteString("  go-test:\n    timeout: 5m\n")
	}
	kinds := map[string]bool{}
	for _, c := range cols {
		kinds[c.Kind()] = true
	}
	kindList := slices.Sorted(maps.Keys(kinds))
	for _, k := range kindList {
		fmt.Fprintf(&ex, "  %s:  # every %s collector\n    timeout: 10m\n", k, k)
	}
	for _, c := range cols {
		fmt.Fprintf(&ex, "  %s:\n    enabled: true\n", yamlKey(c.ID()))
		if in := c.Inputs(); len(in) > 0 {
			fmt.Fprintf(&ex, "    inputs: [%s]\n", quoteAll(in))
		}
	}
	about := "Built-in collectors by kind or by id: enabled, inputs (globs that rerun it), timeout."
	if len(cols) > 0 {
		about += "\nDetected here: " + ids(cols) + "."
	}
	secs = append(secs, section{about: about, example: ex.String()})

	var dom strings.Builder
	dom.WriteString("domains:\n")
	for _, d := range model.Domains {
		fmt.Fprintf(&dom, "  %s: {name: %s, weight: %g}\n", d.ID, d.Name, d.Weight)
	}
	secs = append(secs,
		section{about: "Domain names and weights in the overall score (0 leaves a domain out).", example: dom.String()},
		section{about: "Severity overrides by rule id or glob: blocker, high, medium, low, info.",
			example: "severity:\n  TS6133: low\n  \"vet:*\": medium\n"},
		section{about: "Budgets: gzipped JavaScript per build output (default 500KB), line coverage in percent (default 60).", example: "budgets:\n  bundle_size: 250KB\n  coverage: 80\n"},
		section{about: "Domains whose findings decide the verdict (default: all).", example: "gate: [build, tests, security]\n"},
		section{
			about: "Your own checks. Their commands run only after you trust this file with\n" +
				"`preflight trust` (in CI, where the checkout is trusted: `preflight check --trust-config`).\n" +
				"output: " + strings.Join(collectors.Readers, ", ") + " (regex needs a pattern).",
			example: "custom:\n" +
				"  schema:\n" +
				"    command: npx prisma validate\n" +
				"    inputs: [\"prisma/**\"]\n" +
				"    domain: build\n" +
				"    timeout: 2m\n" +
				"  licenses:\n" +
				"    command: [./scripts/check-licenses.sh, --strict]\n" +
				"    output: regex\n" +
				"    pattern: '^(?P<file>[^:]+):(?P<line>\\d+): (?P<message>.*)$'\n" +
				"    severity: medium\n" +
				"    domain: security\n",
		})
	return secs
}

func ids(cols []collectors.Collector) string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.ID()
	}
	return strings.Join(out, ", ")
}

func quoteAll(ss []string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(out, ", ")
}

// yamlKey quotes a collector id when YAML would not read it back as the
// same plain string.
func yamlKey(id string) string {
	if strings.ContainsAny(id, " #'\"{}[],&*!|>%@`") || strings.Contains(id, ": ") {
		return fmt.Sprintf("%q", id)
	}
	return id
}
