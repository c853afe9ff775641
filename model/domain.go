package model

import (
	"regexp"
	"strings"
)

// DomainInfo describes one readiness domain. Ids are stable lower-case words
// used in reports; weights decide how much a domain moves the overall score.
type DomainInfo struct {
	ID     string
	Name   string
	Weight float64
	// Reads says what preflight checks for the domain, for a repository
	// where it found none of it: that domain was not assessed.
	Reads string
}

// Domains is the built-in domain table in display order.
var Domains = []DomainInfo{
	{ID: "build", Name: "Build", Weight: 3, Reads: "Go modules, TypeScript projects, ESLint configurations, shell scripts"},
	{ID: "tests", Name: "Tests", Weight: 3, Reads: "go test, Vitest, Jest, JUnit and coverage reports"},
	{ID: "security", Name: "Security", Weight: 3, Reads: "secrets, npm audit, govulncheck, SARIF reports"},
	{ID: "deployment", Name: "Deployment", Weight: 2, Reads: "Dockerfiles, compose files, Kubernetes manifests"},
	{ID: "performance", Name: "Performance", Weight: 1, Reads: "the build output of apps that ship to browsers"},
	{ID: "ci", Name: "CI", Weight: 1, Reads: "GitHub Actions workflows, .gitlab-ci.yml"},
}

// LookupDomain returns the domain with id, or a weight-1 domain named after
// the id for domains this version does not know yet.
func LookupDomain(id string) DomainInfo {
	for _, d := range Domains {
		if d.ID == id {
			return d
		}
	}
	return DomainInfo{ID: id, Name: id, Weight: 1}
}

// Unassessed are the built-in domains the snapshot has no collector for:
// nothing preflight checks was found there, which is not the same as
// clean.
func (s Snapshot) Unassessed() []DomainInfo {
	has := map[string]bool{}
	for _, c := range s.Collectors {
		// An unchecked project is there, named as not checked: its
		// domain is not one where nothing was found.
		if c.Kind != KindUnchecked || UncheckedProject(c) {
			has[c.Domain] = true
		}
	}
	var out []DomainInfo
	for _, d := range Domains {
		if !has[d.ID] {
			out = append(out, d)
		}
	}
	return out
}

// KindUnchecked is the kind of the collectors that name a project
// preflight has no collector for: always skipped, never scored.
const KindUnchecked = "unchecked"

// UncheckedPrefix starts what such a collector says, unless the user
// disabled it.
const UncheckedPrefix = "not checked: "

// uncheckedKind reads the first kind an unchecked project's message
// names: "not checked: a Cypress test project (cypress.config.ts), …".
var uncheckedKind = regexp.MustCompile(`^` + UncheckedPrefix + `an? (.+?) project \(`)

// UncheckedLabel names an unchecked collector for a one-line list: its
// target and the kind of project there ("react-vite: Playwright test"),
// the kind alone at the root, and the target alone for the rest (a tool:
// "golangci-lint").
func UncheckedLabel(c CollectorState) string {
	name := strings.TrimPrefix(c.Collector, KindUnchecked+":")
	m := uncheckedKind.FindStringSubmatch(c.Error)
	switch {
	case m == nil:
		return name
	case name == RootTarget:
		return m[1]
	}
	return name + ": " + m[1]
}

// UncheckedProject reports an unchecked collector that names a project
// (a Mocha suite, a Python service, a Helm chart), not a linter's
// configuration or a pipeline preflight does not read: code no collector
// looked at, which keeps the verdict from GO. The user disabling it says
// the gap is accepted.
func UncheckedProject(c CollectorState) bool {
	return c.Kind == KindUnchecked && uncheckedKind.MatchString(c.Error)
}

// NotChecked is the reason that names what preflight has no collector
// for, by their labels (see UncheckedLabel).
func NotChecked(labels []string) string {
	which := "them"
	if len(labels) == 1 {
		which = "it"
	}
	return "not checked: " + strings.Join(labels, ", ") + " (preflight has no collector for " + which + ")"
}

// Unchecked are the collectors that name a project preflight does not
// check, leaving out those the user disabled: part of the code no
// collector looked at, which a verdict must not hide.
func (s Snapshot) Unchecked() []CollectorState {
	var out []CollectorState
	for _, c := range s.Collectors {
		if c.Kind == KindUnchecked && strings.HasPrefix(c.Error, UncheckedPrefix) {
			out = append(out, c)
		}
	}
	return out
}
