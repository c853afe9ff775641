package model

import "testing"

func TestPolicyRenamesAndReweighsDomains(t *testing.T) {
	five, zero := 5.0, 0.0
	s := Snapshot{Collectors: []CollectorState{
		col("go:a", "build", StatusOK, sev(Blocker, 2)...), // 50
		col("sec:a", "security", StatusOK),                 // 100
		col("perf:a", "performance", StatusOK, sev(High, 1)...),
	}}
	before := Assess(s)
	if *before.Score != round1((50*3+100*3+90*1)/7.0) {
		t.Fatalf("built-in score = %v", *before.Score)
	}
	s.Policy = &Policy{Domains: map[string]DomainOverride{
		"security":    {Name: "AppSec", Weight: &five},
		"performance": {Weight: &zero},
	}}
	a := Assess(s)
	if *a.Score != round1((50*3+100*5)/8.0) {
		t.Errorf("score with policy = %v, want %v", *a.Score, round1((50*3+100*5)/8.0))
	}
	if a.Domains[1].Name != "AppSec" || a.Domains[0].Name != "Build" {
		t.Errorf("names = %q, %q", a.Domains[0].Name, a.Domains[1].Name)
	}
	if a.Domains[2].Score == nil || *a.Domains[2].Score != 90 {
		t.Error("a weight-0 domain is still scored on its own")
	}
}

func TestPolicyGateDecidesWhichDomainsBlock(t *testing.T) {
	s := Snapshot{Collectors: []CollectorState{
		col("go:a", "build", StatusOK),
		col("perf:a", "performance", StatusOK, sev(Blocker, 1)...),
		col("ci:a", "ci", StatusUnknown),
	}}
	if v := Assess(s).Verdict; v != NoGo {
		t.Fatalf("without a gate the performance blocker decides: %s", v)
	}
	s.Policy = &Policy{Gate: []string{"build"}}
	a := Assess(s)
	if a.Verdict != GO {
		t.Errorf("gated on build only: verdict %s (%v)", a.Verdict, a.Reasons)
	}
	if a.Domains[1].Counts["blocker"] != 1 {
		t.Error("findings of non-gating domains are still counted")
	}
	s.Policy = &Policy{Gate: []string{"build", "ci"}}
	if v := Assess(s).Verdict; v != Conditional {
		t.Errorf("an unknown collector in a gating domain: verdict %s", v)
	}
}
