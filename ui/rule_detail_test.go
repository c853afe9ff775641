package ui

import (
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/collectors/rules"
	"github.com/preflight-dev/preflight/model"
)

func TestFindingDetailExplainsItsRule(t *testing.T) {
	rules.Register(rules.Rule{ID: "uitest/root-user", Severity: model.Medium, Title: "runs as root",
		Rationale: "A process running as root owns the container.", Fix: "Add USER app.", Reference: "CIS Docker 4.1"})
	m := New(Options{Root: "/repo"})
	got := strings.Join(m.ruleLines("uitest/root-user", 60), "\n")
	for _, want := range []string{"why", "A process running as root owns the container.", "fix", "Add USER app.", "ref", "CIS Docker 4.1"} {
		if !strings.Contains(got, want) {
			t.Errorf("rule lines lack %q:\n%s", want, got)
		}
	}
	if lines := m.ruleLines("TS2322", 60); lines != nil {
		t.Errorf("a tool rule without an entry should add nothing, got %q", lines)
	}
}
