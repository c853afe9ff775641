package checklist

import (
	"strings"
	"unicode"
)

// aliases maps the words people put in headings to preflight's domains.
// A heading names the domain of its first word found here, so "Test
// infrastructure" is Tests and "CI/CD pipeline" is CI.
var aliases = map[string]string{
	"build": "build", "builds": "build", "compile": "build", "compiles": "build", "compilation": "build",
	"compiler": "build", "typescript": "build", "ts": "build", "types": "build", "typecheck": "build",
	"typing": "build", "lint": "build", "linting": "build",

	"test": "tests", "tests": "tests", "testing": "tests", "tested": "tests", "qa": "tests",
	"coverage": "tests", "e2e": "tests", "specs": "tests", "vitest": "tests", "jest": "tests",

	"security": "security", "secure": "security", "vulnerability": "security", "vulnerabilities": "security",
	"vulns": "security", "audit": "security", "secrets": "security", "secret": "security", "cve": "security",
	"cves": "security",

	"deploy": "deployment", "deployment": "deployment", "deployments": "deployment", "docker": "deployment",
	"dockerfile": "deployment", "container": "deployment", "containers": "deployment", "compose": "deployment",
	"kubernetes": "deployment", "k8s": "deployment", "helm": "deployment", "infrastructure": "deployment",
	"infra": "deployment", "release": "deployment", "releases": "deployment", "ops": "deployment",
	"hosting": "deployment",

	"performance": "performance", "perf": "performance", "bundle": "performance", "latency": "performance",
	"speed": "performance", "load": "performance", "optimization": "performance",
	"optimisation": "performance", "benchmarks": "performance",

	"ci": "ci", "cicd": "ci", "pipeline": "ci", "pipelines": "ci", "workflow": "ci", "workflows": "ci",
	"actions": "ci",
}

// DomainOf maps a heading (or any short title) to a domain id by its first
// word that names one: "Testing" → tests, "Docker" → deployment,
// "CI/CD pipeline" → ci. ok is false when no word does.
func DomainOf(title string) (id string, ok bool) {
	words := Words(title)
	for i, w := range words {
		// "ci/cd" splits into two words; either way it is CI.
		if w == "ci" && i+1 < len(words) && words[i+1] == "cd" {
			return "ci", true
		}
		if d, ok := aliases[w]; ok {
			return d, true
		}
	}
	return "", false
}

// Words lowercases s and splits it into words of letters and digits,
// dropping emoji, punctuation and Markdown emphasis.
func Words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// isAcceptedRisks reports whether a heading starts the section where
// acknowledgments are written.
func isAcceptedRisks(title string) bool {
	n := strings.Join(Words(title), " ")
	return strings.Contains(n, "accepted risk") || strings.Contains(n, "acknowledg") || strings.Contains(n, "risk acceptance")
}
