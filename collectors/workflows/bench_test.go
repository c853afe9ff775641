package workflows

import (
	"strings"
	"testing"
)

func BenchmarkAnalyzeGitHub(b *testing.B) {
	srcs, _ := readWorkflows(fixtureRoot(b, "github", "hardened"))
	b.ReportAllocs()
	for b.Loop() {
		if p := AnalyzeGitHub(srcs); len(p.Stages) != 6 {
			b.Fatalf("stages %v", p.Stages)
		}
	}
}

func BenchmarkScriptStages(b *testing.B) {
	script := strings.Repeat("npm ci && npm run lint\nCI=true npx vitest run --coverage\ndocker build -t app .\necho done\n", 50)
	b.ReportAllocs()
	for b.Loop() {
		if ScriptStages(script) != lint|test|container {
			b.Fatal("wrong stages")
		}
	}
}
