package checklist

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/preflight-dev/preflight/model"
)

// Target is a detected collector, as a starter checklist or an import
// binds rules to it.
type Target struct {
	ID, Kind, Domain string
}

// Name is the part of the id after the kind: "backend" of typescript:backend.
func (t Target) Name() string {
	if _, name, ok := strings.Cut(t.ID, ":"); ok {
		return name
	}
	return t.ID
}

// access is how a rule reads one fact of one instance, in the spelling the
// README teaches: typescript["backend"].errors.
func access(t Target, fact string) string {
	return KindVar(t.Kind) + "[" + strconv.Quote(t.Name()) + "]." + fact
}

// evidenceItem is the item a starter checklist binds to one collector.
func evidenceItem(t Target) (text, rule string) {
	subject, whose := "`"+t.Name()+"`", "`"+t.Name()+"`"
	if t.Name() == model.RootTarget {
		subject, whose = "The repository root", "The repository root's"
	}
	switch t.Kind {
	case "typescript":
		return subject + " type-checks without errors", access(t, "errors") + " == 0"
	case "go":
		return subject + " builds and `go vet` is clean", access(t, "build.errors") + " == 0 && " + access(t, "vet.findings") + " == 0"
	case "go-test":
		return whose + " tests pass", access(t, "tests.failed") + " == 0 && " + access(t, "tests.build_failures") + " == 0"
	}
	q := strconv.Quote(t.ID)
	return "`" + t.ID + "` reports no blocker or high findings", "findings(" + q + `, "blocker") + findings(` + q + `, "high") == 0`
}

// manualItems are claims only a person can make, offered per domain.
var manualItems = map[string][]string{
	"build":       {"A release build was made from a clean checkout"},
	"tests":       {"The main user journey was tried by hand on a production-like build"},
	"security":    {"Secrets come from the environment, none are committed"},
	"deployment":  {"Rollback steps are written down and were tried once"},
	"performance": {"Performance was checked with production-sized data"},
	"ci":          {"CI runs on every pull request and blocks merging when red"},
}

// Starter is a first READINESS.md for a repository with these collectors:
// one section per domain that has collectors, an item bound to each
// collector's evidence, a few manual items, and the section where accepted
// risks go.
func Starter(targets []Target) []byte {
	byDomain := map[string][]Target{}
	for _, t := range targets {
		byDomain[t.Domain] = append(byDomain[t.Domain], t)
	}
	var domains []string
	for d := range byDomain {
		domains = append(domains, d)
	}
	sort.Slice(domains, func(i, j int) bool {
		ri, rj := rank(domains[i]), rank(domains[j])
		if ri != rj {
			return ri < rj
		}
		return domains[i] < domains[j]
	})

	var b strings.Builder
	b.WriteString("# Readiness\n\n")
	b.WriteString("<!--\n")
	b.WriteString("Tick items in the preflight cockpit (space) or by hand. An item with a\n")
	b.WriteString("verify rule is checked against the evidence preflight collects; ticked\n")
	b.WriteString("while its rule fails, it is shown as contradicted. Items without a rule\n")
	b.WriteString("are claims only a person can make. `##` headings name the domains.\n")
	b.WriteString("-->\n")
	for _, d := range domains {
		fmt.Fprintf(&b, "\n## %s\n\n", model.LookupDomain(d).Name)
		ts := byDomain[d]
		sort.Slice(ts, func(i, j int) bool { return ts[i].ID < ts[j].ID })
		for _, t := range ts {
			text, rule := evidenceItem(t)
			fmt.Fprintf(&b, "- [ ] %s <!-- verify: %s -->\n", text, rule)
		}
		for _, m := range manualItems[d] {
			fmt.Fprintf(&b, "- [ ] %s\n", m)
		}
	}
	if len(domains) == 0 {
		b.WriteString("\n## Release\n\n- [ ] Someone other than the author went through this list\n")
	}
	b.WriteString("\n## Accepted risks\n\n")
	b.WriteString("<!-- Findings accepted for now, one per line: what — why. preflight adds them when you press a in the cockpit. -->\n")
	return []byte(b.String())
}

func rank(domain string) int {
	for i, d := range model.Domains {
		if d.ID == domain {
			return i
		}
	}
	return len(model.Domains)
}
