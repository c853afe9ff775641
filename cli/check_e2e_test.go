package cli

import (
	"encoding/json"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/demo"
)

// TestCheckOnTheDemoProject runs `preflight check --format json` end to end
// on the built-in demo with the real go and tsc, and checks the evidence.
func TestCheckOnTheDemoProject(t *testing.T) {
	fixturetest.RequireTools(t, "go", "node", "tsc")
	dir := t.TempDir()
	if err := demo.UnpackInto(dir); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	code, out, stderr := run(t, false, "check", "--trust", "--format", "json", dir)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (NO-GO); stderr: %s", code, stderr)
	}
	var rep struct {
		Schema     string
		Verdict    string
		Coverage   float64
		Collectors []struct {
			ID     string
			Status string
			Facts  map[string]float64
			Error  string
		}
		Findings []struct {
			Collector, Rule, File string
			Line, Column          int
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, out)
	}
	if rep.Schema != "preflight.report/v1" || rep.Verdict != "NO-GO" {
		t.Errorf("schema %q verdict %q", rep.Schema, rep.Verdict)
	}
	facts := map[string]map[string]float64{}
	status := map[string]string{}
	for _, c := range rep.Collectors {
		facts[c.ID], status[c.ID] = c.Facts, c.Status
	}
	want := map[string]map[string]float64{
		"typescript:api":  {"errors": 3},
		"typescript:web":  {"errors": 0},
		"go:billing":      {"build.errors": 0, "vet.findings": 0},
		"go-test:billing": {"tests.passed": 1, "tests.failed": 1},
	}
	for id, fs := range want {
		if status[id] != "ok" {
			t.Errorf("%s: status %q", id, status[id])
		}
		for k, v := range fs {
			if got, ok := facts[id][k]; !ok || got != v {
				t.Errorf("%s %s = %v (present %v), want %v", id, k, got, ok, v)
			}
		}
	}
	locs := map[string]bool{}
	for _, f := range rep.Findings {
		locs[f.Collector+" "+f.Rule+" "+f.File+":"+itoa(f.Line)+":"+itoa(f.Column)] = true
	}
	for _, l := range []string{
		"typescript:api TS2322 packages/api/src/orders.ts:19:9",
		"typescript:api TS2741 packages/api/src/orders.ts:26:5",
		"typescript:api TS2339 packages/api/src/index.ts:5:37",
		"go-test:billing test-failed services/billing/invoice_test.go:15:0",
	} {
		if !locs[l] {
			t.Errorf("missing finding %s; have %v", l, locs)
		}
	}
}

func TestCheckOnTheDemoShowsContradictedClaims(t *testing.T) {
	fixturetest.RequireTools(t, "go", "node", "tsc")
	dir := t.TempDir()
	if err := demo.UnpackInto(dir); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	_, out, _ := run(t, false, "check", "--trust", "--format", "json", dir)
	var rep struct {
		Reasons   []string
		Checklist []struct{ Text, State string }
		Findings  []struct{ Rule, File, Message string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	states := map[string]string{}
	for _, it := range rep.Checklist {
		states[it.Text] = it.State
	}
	want := map[string]string{
		"The API compiles":                            "contradicted",
		"The web app compiles":                        "verified",
		"Billing tests pass":                          "contradicted",
		"Refunds tried by hand on staging":            "unchecked",
		"No committed secrets or default credentials": "failing",
	}
	for text, state := range want {
		if states[text] != state {
			t.Errorf("%q is %q, want %q", text, states[text], state)
		}
	}
	found := false
	for _, f := range rep.Findings {
		if f.Rule == "secrets/default-credential" && f.File == "docker-compose.yml" {
			found = true
			if strings.Contains(f.Message, "postgres") {
				t.Errorf("the secret value leaked into the message: %q", f.Message)
			}
		}
	}
	if !found {
		t.Error("the demo's default postgres password was not found")
	}
	if !strings.Contains(strings.Join(rep.Reasons, "\n"), "2 contradicted checklist items") {
		t.Errorf("reasons do not name the contradictions: %v", rep.Reasons)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
