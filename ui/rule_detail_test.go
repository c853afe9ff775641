package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/preflight-dev/preflight/collectors/rules"
	"github.com/preflight-dev/preflight/model"
)

func TestFindingDetailExplainsItsRule(t *testing.T) {
	catalogue := rules.NewCatalogue([]rules.Rule{{ID: "uitest/root-user", Severity: model.Medium, Title: "runs as root",
		Rationale: "A process running as root owns the container.", Fix: "Add USER app.", Reference: "CIS Docker 4.1"}})
	m := New(Options{Root: "/repo", Rules: catalogue})
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

func TestRunningCollectorShowsElapsedTimeAndProgress(t *testing.T) {
	now := time.Date(2026, 11, 2, 10, 0, 30, 0, time.UTC)
	m := New(Options{Root: "/repo", Now: func() time.Time { return now }})
	first := model.CollectorState{Running: true, RunStarted: now.Add(-12 * time.Second), Progress: "40 passed so far"}
	if got := ansi.Strip(m.collectorSummary(first)); got != "running 12s · 40 passed so far" {
		t.Errorf("first run: %q", got)
	}
	rerun := model.CollectorState{Running: true, RunStarted: now.Add(-3 * time.Second),
		Result: model.Result{Status: model.StatusOK, FinishedAt: now.Add(-time.Hour)}}
	if got := ansi.Strip(m.collectorSummary(rerun)); got != "clean · rerunning 3s" {
		t.Errorf("rerun: %q", got)
	}
}

func TestQueuedRunsSayTheyWait(t *testing.T) {
	m := New(Options{Root: "/repo"})
	if got := ansi.Strip(m.collectorSummary(model.CollectorState{Running: true})); got != "queued" {
		t.Errorf("first run waiting for a slot: %q", got)
	}
	waiting := model.CollectorState{Running: true, Result: model.Result{Status: model.StatusOK, StartedAt: time.Unix(100, 0), FinishedAt: time.Unix(200, 0)}}
	if got := ansi.Strip(m.collectorSummary(waiting)); got != "clean · rerun queued" {
		t.Errorf("rerun waiting for a slot: %q", got)
	}
}
