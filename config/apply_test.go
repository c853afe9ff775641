package config

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/custom"
	"github.com/preflight-dev/preflight/collectors/unchecked"
	"github.com/preflight-dev/preflight/model"
)

// stub is a built-in collector whose runs are counted.
type stub struct {
	id, kind, domain string
	inputs           []string
	findings         []model.Finding
	runs             *atomic.Int32
	closed           *atomic.Bool
}

func (s stub) ID() string       { return s.id }
func (s stub) Kind() string     { return s.kind }
func (s stub) Domain() string   { return orDefault(s.domain, "build") }
func (s stub) Inputs() []string { return s.inputs }
func (s stub) Run(_ context.Context, req collectors.Request) model.Result {
	if s.runs != nil {
		s.runs.Add(1)
	}
	fs := append([]model.Finding(nil), s.findings...)
	return model.Result{Status: model.StatusOK, Findings: fs, Facts: map[string]float64{"timeout_s": req.Timeout.Seconds(),
		"budget.bundle": float64(req.Budgets.BundleJSGzipBytes), "budget.coverage": req.Budgets.CoverageMinPercent}}
}
func (s stub) Close() error {
	if s.closed != nil {
		s.closed.Store(true)
	}
	return nil
}

func mustParse(t *testing.T, src string) *Config {
	t.Helper()
	cfg, err := Parse("/repo/preflight.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func byID(cols []collectors.Collector) map[string]collectors.Collector {
	out := map[string]collectors.Collector{}
	for _, c := range cols {
		out[c.ID()] = c
	}
	return out
}

func TestLayerTunesBuiltInCollectors(t *testing.T) {
	runs := &atomic.Int32{}
	web := stub{id: "typescript:web", kind: "typescript", inputs: []string{"web/**"}, runs: runs,
		findings: []model.Finding{{Rule: "TS6133", Severity: model.Blocker}, {Rule: "TS2322", Severity: model.Blocker}}}
	api := stub{id: "typescript:api", kind: "typescript", inputs: []string{"api/**"}, runs: runs}
	vet := stub{id: "go:svc", kind: "go", runs: runs,
		findings: []model.Finding{{Rule: "vet:printf", Severity: model.High}, {Rule: "compile", Severity: model.Blocker}}}
	cfg := mustParse(t, `
collectors:
  typescript:
    timeout: 3m
    inputs: ["**/*.ts"]
  typescript:api:
    enabled: false
  typescript:web:
    timeout: 20s
  typescript:gone:
    enabled: false
severity:
  TS6133: low
  "vet:*": info
`)
	l := NewLayer(cfg, false, "", defineCustom)
	cols, warnings := l.Apply([]collectors.Collector{web, api, vet})
	if len(cols) != 3 {
		t.Fatalf("cols = %v", cols)
	}
	if len(warnings) != 1 || warnings[0] != "/repo/preflight.yaml:10:3: collectors.typescript:gone matches no collector in this repository" {
		t.Errorf("warnings = %q", warnings)
	}
	m := byID(cols)
	if got := m["typescript:web"].Inputs(); len(got) != 1 || got[0] != "**/*.ts" {
		t.Errorf("kind-level inputs not applied: %v", got)
	}
	if got := m["typescript:web"].(*Configured).Timeout(); got != 20*time.Second {
		t.Errorf("the id's timeout must win over the kind's: %s", got)
	}
	if got := m["go:svc"].Inputs(); got != nil {
		t.Errorf("untouched collector keeps its inputs: %v", got)
	}
	res := m["typescript:web"].Run(context.Background(), collectors.Request{Timeout: time.Hour})
	if res.Findings[0].Severity != model.Low || res.Findings[1].Severity != model.Blocker {
		t.Errorf("severity override by exact rule: %+v", res.Findings)
	}
	if res.Facts["timeout_s"] != 20 {
		t.Errorf("the run got timeout %vs, want 20", res.Facts["timeout_s"])
	}
	res = m["go:svc"].Run(context.Background(), collectors.Request{})
	if res.Findings[0].Severity != model.Info || res.Findings[1].Severity != model.Blocker {
		t.Errorf("severity override by glob: %+v", res.Findings)
	}
	runs.Store(0)
	res = m["typescript:api"].Run(context.Background(), collectors.Request{})
	if res.Status != model.StatusSkipped || res.Error != "disabled in /repo/preflight.yaml:6:3" || runs.Load() != 0 {
		t.Errorf("disabled collector: %+v (runs %d)", res, runs.Load())
	}
}

func TestLayerKeepsOneWrapperPerIDAcrossReloads(t *testing.T) {
	closed := &atomic.Bool{}
	first := stub{id: "go:svc", kind: "go", closed: closed}
	l := NewLayer(mustParse(t, ""), false, "", defineCustom)
	cols, _ := l.Apply([]collectors.Collector{first})
	w := cols[0].(*Configured)

	l.Set(mustParse(t, "collectors:\n  go:\n    enabled: false\n"), false)
	again, _ := l.Apply([]collectors.Collector{stub{id: "go:svc", kind: "go"}})
	if again[0] != collectors.Collector(w) {
		t.Fatal("a reload must reuse the wrapper the engine already holds")
	}
	if res := w.Run(context.Background(), collectors.Request{}); res.Status != model.StatusSkipped {
		t.Errorf("the reloaded setting did not reach the wrapper: %+v", res)
	}
	if err := w.Close(); err != nil || !closed.Load() {
		t.Error("Close must reach the first (kept) instance")
	}
}

// An untrusted config's command must never start: the marker file the
// command would create stays absent until the config is trusted.
func TestUntrustedCustomCommandNeverStarts(t *testing.T) {
	root := t.TempDir()
	marker := filepath.Join(root, "ran.marker")
	cfg := mustParse(t, `
custom:
  touch:
    command: touch ran.marker
    domain: tests
`)
	l := NewLayer(cfg, false, "press T to trust", defineCustom)
	cols, _ := l.Apply(nil)
	if len(cols) != 1 || cols[0].ID() != "custom:touch" {
		t.Fatalf("cols = %v", cols)
	}
	res := cols[0].Run(context.Background(), collectors.Request{Root: root, Timeout: time.Minute})
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("the untrusted command ran")
	}
	if res.Status != model.StatusUnknown || res.Error != "untrusted: preflight.yaml runs `touch ran.marker`" ||
		res.Hint != "press T to trust" || res.Command != "" {
		t.Errorf("blocked result = %+v", res)
	}
	if got := cols[0].(*Configured).Blocked(); !strings.HasPrefix(got, UntrustedPrefix) {
		t.Errorf("Blocked() = %q", got)
	}

	l.Set(cfg, true)
	res = cols[0].Run(context.Background(), collectors.Request{Root: root, Timeout: time.Minute})
	if _, err := os.Stat(marker); err != nil {
		t.Fatalf("trusted command did not run: %+v", res)
	}
	if res.Status != model.StatusOK || res.Command != "touch ran.marker" || res.ExitCode != 0 {
		t.Errorf("trusted result = %+v", res)
	}
}

func TestChangedCustomCommandReplacesTheOldOne(t *testing.T) {
	l := NewLayer(mustParse(t, "custom:\n  x:\n    command: echo one\n    domain: ci\n"), true, "", defineCustom)
	cols, _ := l.Apply(nil)
	l.Set(mustParse(t, "custom:\n  x:\n    command: echo two\n    domain: ci\n"), true)
	again, _ := l.Apply(nil)
	if again[0] != cols[0] {
		t.Fatal("same id, same wrapper")
	}
	res := again[0].Run(context.Background(), collectors.Request{Root: t.TempDir(), Timeout: time.Minute})
	if res.Command != "echo two" || !strings.Contains(res.Output, "two") {
		t.Errorf("ran %q: %q", res.Command, res.Output)
	}
}

func TestStarterIsValidAndNamesTheDetectedCollectors(t *testing.T) {
	cols := []collectors.Collector{
		stub{id: "typescript:web", kind: "typescript", inputs: []string{"web/**/*.ts", "web/tsconfig.json"}},
		stub{id: "go-test:billing", kind: "go-test", domain: "tests", inputs: []string{"billing/**/*.go"}},
	}
	text := Starter(cols)
	cfg, err := Parse("preflight.yaml", text)
	if err != nil {
		t.Fatalf("the starter itself is invalid: %v\n%s", err, text)
	}
	if cfg.NeedsTrust() || cfg.Policy() != nil || len(cfg.Collectors) != 0 {
		t.Errorf("the starter must change nothing until edited: %+v", cfg)
	}
	for _, want := range []string{"# yaml-language-server: $schema=" + SchemaURL, "#   typescript:web:", `#     inputs: ["billing/**/*.go"]`,
		"# Detected here: typescript:web, go-test:billing.", "#   go-test:  # every go-test collector"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("starter lacks %q:\n%s", want, text)
		}
	}
	full, err := Parse("preflight.yaml", starterExample(cols))
	if err != nil {
		t.Fatalf("the starter's examples are invalid when uncommented: %v\n%s", err, starterExample(cols))
	}
	l := NewLayer(full, true, "", defineCustom)
	if _, warnings := l.Apply(cols); len(warnings) != 2 || !strings.Contains(warnings[0], "budgets.bundle_size") {
		t.Errorf("every collectors: key of the example matches a detected collector; warnings: %q", warnings)
	}
}

// Trust given elsewhere (preflight trust in another terminal) unblocks the
// collector at its next run, without a restart.
func TestTrustCheckUnblocksAtTheNextRun(t *testing.T) {
	root := t.TempDir()
	cfg := mustParse(t, "custom:\n  touch:\n    command: [touch, ran.marker]\n    domain: tests\n")
	l := NewLayer(cfg, false, "run preflight trust", defineCustom)
	trusted := false
	l.SetTrustCheck(func(c *Config) bool { return trusted && c == cfg })
	cols, _ := l.Apply(nil)
	req := collectors.Request{Root: root, Timeout: time.Minute}
	if res := cols[0].Run(context.Background(), req); res.Status != model.StatusUnknown {
		t.Fatalf("ran before trust: %+v", res)
	}
	if _, err := os.Stat(filepath.Join(root, "ran.marker")); err == nil {
		t.Fatal("the untrusted command ran")
	}
	trusted = true
	if res := cols[0].Run(context.Background(), req); res.Status != model.StatusOK || res.Command != "touch ran.marker" {
		t.Fatalf("after trust: %+v", res)
	}
	if _, err := os.Stat(filepath.Join(root, "ran.marker")); err != nil {
		t.Fatal("the trusted command did not run")
	}
	if !l.Trusted() {
		t.Error("the layer must remember the trust")
	}
}

// Budgets reach each run through the request, so a reloaded config
// applies at the next run and no collector family's variables change.
func TestBudgetsReachEveryRun(t *testing.T) {
	cols := []collectors.Collector{stub{id: "bundle:web", kind: "bundle"}, stub{id: "coverage:api", kind: "coverage"}}
	l := NewLayer(mustParse(t, "budgets: {bundle_size: 180KB, coverage: 85}"), false, "", defineCustom)
	applied, warnings := l.Apply(cols)
	if len(warnings) != 0 {
		t.Fatalf("warnings %q", warnings)
	}
	for _, c := range applied {
		r := c.Run(context.Background(), collectors.Request{})
		if r.Facts["budget.bundle"] != 180_000 || r.Facts["budget.coverage"] != 85 {
			t.Errorf("%s: budgets %v", c.ID(), r.Facts)
		}
	}
	l.Set(mustParse(t, ""), false)
	if r := applied[0].Run(context.Background(), collectors.Request{}); r.Facts["budget.bundle"] != 0 || r.Facts["budget.coverage"] != 0 {
		t.Errorf("a removed budget leaves the family's default: %v", r.Facts)
	}
	if !measuresCoverage(cols[1]) || measuresCoverage(cols[0]) || !measuresBundle(cols[0]) {
		t.Error("measuresBundle/measuresCoverage")
	}
}

// defineCustom is what the pipeline passes: the custom family runs what
// the config defines.
func defineCustom(s collectors.CommandSpec) collectors.Collector { return custom.New(s) }

type costedStub struct {
	stub
	cost collectors.Cost
}

func (s costedStub) Cost() collectors.Cost { return s.cost }
func (s costedStub) Group() string         { return "files" }

type outputStub struct {
	stub
	outputs []string
}

func (s outputStub) Outputs() []string { return s.outputs }

// The watcher follows a collector's outputs through the config, even while
// it is disabled: what they hold changes all the same.
func TestConfiguredCollectorKeepsItsOutputs(t *testing.T) {
	bundle := outputStub{stub: stub{id: "bundle:web", kind: "bundle"}, outputs: []string{"web/dist"}}
	cols, _ := NewLayer(mustParse(t, "collectors:\n  bundle:\n    enabled: false\n"), false, "", defineCustom).Apply([]collectors.Collector{bundle, stub{id: "custom:x", kind: "custom"}})
	m := byID(cols)
	if got := collectors.OutputsOf(m["bundle:web"]); !slices.Equal(got, []string{"web/dist"}) {
		t.Errorf("outputs through the config = %q", got)
	}
	if got := collectors.OutputsOf(m["custom:x"]); got != nil {
		t.Errorf("a collector that reads no output has %q", got)
	}
}

// The engine starts cheap runs first, and runs of one group one at a
// time: a tuned collector keeps its cost and group.
func TestConfiguredCollectorKeepsItsCost(t *testing.T) {
	files := costedStub{stub: stub{id: "dockerfile:.", kind: "dockerfile"}, cost: collectors.CostFiles}
	plain := stub{id: "custom:x", kind: "custom"}
	cols, _ := NewLayer(mustParse(t, "collectors:\n  dockerfile:\n    timeout: 1m\n"), false, "", defineCustom).Apply([]collectors.Collector{files, plain})
	m := byID(cols)
	if got := collectors.CostOf(m["dockerfile:."]); got != collectors.CostFiles {
		t.Errorf("cost through the config = %v, want CostFiles", got)
	}
	if got := collectors.CostOf(m["custom:x"]); got != collectors.CostTool {
		t.Errorf("a collector that states no cost costs %v, want CostTool", got)
	}
	if got := collectors.GroupOf(m["dockerfile:."]); got != "files" {
		t.Errorf("group through the config = %q", got)
	}
}

// A custom collector that runs a linter preflight does not run stands in
// for the configuration named as not checked: the report no longer says
// golangci-lint goes unchecked while preflight.yaml runs it.
func TestCustomCommandTakesThePlaceOfTheLinterItRuns(t *testing.T) {
	detected := unchecked.Detect("/repo", []string{".golangci.yml", "web/svelte.config.js", "web/package.json", "biome.json"})
	cfg := mustParse(t, `
custom:
  lint:
    command: golangci-lint run --output.sarif.path=golangci.sarif
    report: golangci.sarif
    output: sarif
    domain: build
  svelte:
    command: npx svelte-check --output machine
    dir: web
    domain: build
`)
	for _, trusted := range []bool{false, true} {
		cols, _ := NewLayer(cfg, trusted, "", defineCustom).Apply(detected)
		var ids []string
		for _, c := range cols {
			ids = append(ids, c.ID())
		}
		if want := []string{"custom:lint", "custom:svelte", "unchecked:biome"}; !slices.Equal(ids, want) {
			t.Errorf("trusted %v: %v, want %v", trusted, ids, want)
		}
	}
	if cols, _ := NewLayer(&Config{}, true, "", defineCustom).Apply(detected); len(cols) != 3 {
		t.Errorf("without preflight.yaml: %d collectors, want the 3 detected", len(cols))
	}
}
