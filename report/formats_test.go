package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/preflight-dev/preflight/collectors/rules"
	"github.com/preflight-dev/preflight/model"
)

var ruleRootUser = rules.Rule{
	ID: "dockerfile/root-user", Severity: model.High, Title: "container runs as root",
	Rationale: "A process running as root in a container can take over the host if it escapes.",
	Fix:       "Add a USER instruction with an unprivileged user.", Reference: "CIS Docker Benchmark 4.1",
}

var meta = Meta{Commit: "4f9c2d1e8b7a6c5d4e3f2a1b0c9d8e7f6a5b4c3d", Version: "v0.9.0", ToolVersions: map[string]string{"go-test": "go1.26.8"},
	Rules: rules.NewCatalogue([]rules.Rule{ruleRootUser})}

// fullFixture adds to fixture() what the richer formats show: a rule from
// the rule tables, an acknowledged blocker, a disabled collector, a custom
// collector and a checklist with a contradicted claim.
func fullFixture() model.Snapshot {
	s := fixture()
	when := s.GeneratedAt
	docker := model.Result{Collector: "dockerfile:api", Kind: "dockerfile", Domain: "deployment", Status: model.StatusOK,
		Command: "parsed 1 Dockerfile (preflight built-in rules)", ExitCode: -1, FinishedAt: when, Duration: 3 * time.Millisecond,
		Facts:    map[string]float64{"dockerfiles": 1},
		Findings: []model.Finding{ruleRootUser.Finding("api/Dockerfile", 1, 1, "")}}
	smoke := model.Result{Collector: "custom:smoke", Kind: "custom", Domain: "tests", Status: model.StatusOK,
		Command: "./scripts/smoke.sh | tee smoke.log", ExitCode: 3, FinishedAt: when, Duration: 1500 * time.Millisecond,
		Facts:    map[string]float64{"exit_code": 3},
		Findings: []model.Finding{{Severity: model.Blocker, Rule: "exit-code", Message: "smoke exited with 3: GET /health <- 502 | upstream *down*"}}}
	for _, r := range []*model.Result{&docker, &smoke} {
		for i := range r.Findings {
			r.Findings[i].Collector, r.Findings[i].Domain = r.Collector, r.Domain
		}
		model.AssignIDs(r.Findings)
	}
	legacy := model.Result{Collector: "typescript:legacy", Kind: "typescript", Domain: "build", Status: model.StatusSkipped,
		ExitCode: -1, Error: "disabled in /home/dev/shop/preflight.yaml:12:3"}
	s.Collectors = append(s.Collectors, model.CollectorState{Result: docker}, model.CollectorState{Result: smoke},
		model.CollectorState{Result: legacy})
	s.Checklist = &model.Checklist{
		File: "READINESS.md",
		Items: []model.ChecklistItem{
			{File: "READINESS.md", Line: 5, Section: "Tests", Domain: "tests", Text: "All tests pass", Checked: true, CheckedBy: "ana",
				Rule: "go-test:api tests.failed == 0", State: model.ItemContradicted, Evidence: []string{"go-test:api tests.failed = 1"}},
			{File: "READINESS.md", Line: 6, Section: "Tests", Text: "Load test signed off", Checked: true, State: model.ItemChecked},
			{File: "READINESS.md", Line: 9, Section: "Build", Text: "Web builds", Rule: "typescript:web errors == 0",
				State: model.ItemUnknown, Why: "typescript:web is unknown: no TypeScript compiler found"},
			{File: "READINESS.md", Line: 10, Section: "Build", Text: "Rollback plan written", State: model.ItemUnchecked},
		},
		Acks: []model.Acknowledgment{{Finding: smoke.Findings[0].ID, By: "ana", Reason: "staging is down, tracked in OPS-12",
			Until: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), File: "READINESS.md", Line: 14}},
	}
	return s
}

func TestMarkdownReport(t *testing.T) {
	var b bytes.Buffer
	if err := WriteMarkdown(&b, fullFixture(), meta); err != nil {
		t.Fatal(err)
	}
	golden.RequireEqual(t, b.Bytes())
}

func TestJUnitReport(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJUnit(&b, fullFixture(), meta); err != nil {
		t.Fatal(err)
	}
	golden.RequireEqual(t, b.Bytes())

	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Skipped  int `xml:"skipped,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
				Error   *struct{} `xml:"error"`
				Skipped *struct{} `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("not XML: %v", err)
	}
	// Collectors: backend and go-test:api fail (blockers); web is an error
	// (no evidence); dockerfile has a high only and custom:smoke's blocker
	// is acknowledged: both pass; legacy is skipped. Checklist: one
	// contradicted (failure), one unknown (error), one unticked (skipped).
	if doc.Tests != 10 || doc.Failures != 3 || doc.Errors != 2 || doc.Skipped != 2 {
		t.Errorf("tests %d failures %d errors %d skipped %d", doc.Tests, doc.Failures, doc.Errors, doc.Skipped)
	}
	var names []string
	for _, s := range doc.Suites {
		names = append(names, s.Name)
	}
	if strings.Join(names, ",") != "Build,Tests,Deployment,Checklist" {
		t.Errorf("suites = %v", names)
	}
}

func TestColouredTextReport(t *testing.T) {
	var plain, coloured bytes.Buffer
	s := fullFixture()
	if err := Write(&plain, "text", s, Options{Meta: meta}); err != nil {
		t.Fatal(err)
	}
	if err := Write(&coloured, "text", s, Options{Meta: meta, Color: true}); err != nil {
		t.Fatal(err)
	}
	golden.RequireEqual(t, plain.Bytes())
	if bytes.Contains(plain.Bytes(), []byte("\x1b[")) {
		t.Error("the plain report has escape codes")
	}
	if !bytes.Contains(coloured.Bytes(), []byte("\x1b[1;31mNO-GO\x1b[0m")) {
		t.Error("the coloured report does not colour the verdict")
	}
	if got := stripANSI(coloured.String()); got != plain.String() {
		t.Errorf("colour must not change the text:\n%s", got)
	}
}

func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b {
			for i < len(s) && s[i] != 'm' {
				i++
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func TestSARIFReport(t *testing.T) {
	var b bytes.Buffer
	if err := WriteSARIF(&b, fullFixture(), meta); err != nil {
		t.Fatal(err)
	}
	golden.RequireEqual(t, b.Bytes())

	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Name  string
					Rules []struct {
						ID   string
						Help struct{ Text string }
					}
				}
			}
			Invocations []struct{ ExecutionSuccessful bool }
			Results     []struct {
				RuleID    string
				Level     string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI, URIBaseID string }
						Region           struct{ StartLine, StartColumn int }
					}
				}
				Suppressions []struct{ Status string }
			}
		}
	}
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, r := range log.Runs {
		kinds = append(kinds, r.Tool.Driver.Name)
	}
	if strings.Join(kinds, ",") != "preflight/typescript,preflight/go-test,preflight/dockerfile,preflight/custom" {
		t.Fatalf("one run per collector kind, in order; got %v", kinds)
	}
	ts := log.Runs[0]
	if len(ts.Invocations) != 3 || ts.Invocations[1].ExecutionSuccessful || len(ts.Results) != 2 {
		t.Errorf("typescript run: %d invocations (web must be unsuccessful), %d results", len(ts.Invocations), len(ts.Results))
	}
	loc := ts.Results[0].Locations[0].PhysicalLocation
	if loc.ArtifactLocation.URI != "backend/src/a.ts" || loc.ArtifactLocation.URIBaseID != "SRCROOT" || loc.Region.StartLine != 3 || loc.Region.StartColumn != 7 {
		t.Errorf("location = %+v", loc)
	}
	docker := log.Runs[2]
	if docker.Results[0].Level != "error" || !strings.Contains(docker.Tool.Driver.Rules[0].Help.Text, "Fix: Add a USER instruction") {
		t.Errorf("rule table help not used: %+v", docker.Tool.Driver.Rules)
	}
	if s := log.Runs[3].Results[0].Suppressions; len(s) != 1 || s[0].Status != "accepted" {
		t.Errorf("acknowledged finding must be a suppressed result: %+v", s)
	}
}

// TestSARIFValidatesAgainstTheSchema holds the log to the SARIF 2.1.0 JSON
// schemas vendored in testdata/sarif (see its README for their source).
func TestSARIFValidatesAgainstTheSchema(t *testing.T) {
	snaps := map[string]model.Snapshot{
		"full":  fullFixture(),
		"empty": {Root: "/x", GeneratedAt: fixture().GeneratedAt},
		"relative root and no location": {Root: "repo", Collectors: []model.CollectorState{{Result: model.Result{
			Collector: "custom:x", Kind: "custom", Domain: "ci", Status: model.StatusOK, ExitCode: 1, Command: "x",
			Findings: []model.Finding{{Collector: "custom:x", Domain: "ci", Severity: model.Low, Rule: "exit-code", Message: ""}},
		}}}},
	}
	for _, schemaFile := range []string{"testdata/sarif/sarif-schema-2.1.0.json", "testdata/sarif/sarif-2.1.0-rtm.5.json"} {
		sch := compileJSONSchema(t, schemaFile)
		for name, s := range snaps {
			var b bytes.Buffer
			if err := WriteSARIF(&b, s, meta); err != nil {
				t.Fatal(err)
			}
			inst, err := jsonschema.UnmarshalJSON(&b)
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(inst); err != nil {
				t.Errorf("%s against %s: %v", name, schemaFile, err)
			}
		}
	}
	// The validator must be able to fail: a log without its version is
	// not SARIF.
	sch := compileJSONSchema(t, "testdata/sarif/sarif-schema-2.1.0.json")
	bad, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"runs": [{"tool": {"driver": {}}}]}`))
	if sch.Validate(bad) == nil {
		t.Error("the schema accepts an invalid log")
	}
}

func compileJSONSchema(t *testing.T, file string) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	url := "file:///" + file
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func TestJSONReportAddsChecklistAcknowledgmentsAndCommit(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, "json", fullFixture(), Options{Meta: meta}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Schema, Commit   string
		PreflightVersion string `json:"preflight_version"`
		Acknowledged     int
		Checklist        []struct{ Text, State string }
		Findings         []struct {
			Collector    string
			Acknowledged *struct{ By, Reason string }
		}
		Collectors []struct {
			ID          string
			ToolVersion string `json:"tool_version"`
		}
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Schema != Schema || doc.Commit != meta.Commit || doc.PreflightVersion != "v0.9.0" || doc.Acknowledged != 1 {
		t.Errorf("header = %+v", doc)
	}
	if len(doc.Checklist) != 4 || doc.Checklist[0].State != "contradicted" {
		t.Errorf("checklist = %+v", doc.Checklist)
	}
	acked := 0
	for _, f := range doc.Findings {
		if f.Acknowledged != nil {
			acked++
			if f.Collector != "custom:smoke" || f.Acknowledged.By != "ana" {
				t.Errorf("acknowledged finding = %+v", f)
			}
		}
	}
	if acked != 1 {
		t.Errorf("%d acknowledged findings, want 1", acked)
	}
	if doc.Collectors[2].ID != "go-test:api" || doc.Collectors[2].ToolVersion != "go1.26.8" {
		t.Errorf("tool version = %+v", doc.Collectors[2])
	}
	// The original report's bytes are unchanged for a snapshot without
	// the new data, apart from the new always-present fields.
	var old bytes.Buffer
	if err := WriteJSON(&old, fixture(), false); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(old.String(), `"checklist": []`) || strings.Contains(old.String(), `"commit"`) {
		t.Errorf("plain report:\n%s", old.String())
	}
}

func TestUnknownFormat(t *testing.T) {
	err := Write(&bytes.Buffer{}, "xml", fixture(), Options{})
	if err == nil || !strings.Contains(err.Error(), "want text, json, markdown, sarif, junit") {
		t.Errorf("err = %v", err)
	}
}

// A reused result says when it was measured, in one sentence.
func TestReusedResultEvidence(t *testing.T) {
	c := model.CollectorState{Result: model.Result{Command: "go vet ./...", ExitCode: 0, Status: model.StatusOK, Cached: true,
		FinishedAt: time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)}}
	got := evidenceLine(c, Meta{})
	want := "Evidence: `go vet ./...` · exit 0 · 0s · reused from the run finished 2026-12-01 09:30:00 UTC: its inputs, tool and settings are unchanged"
	if got != want {
		t.Errorf("evidence line\n got %s\nwant %s", got, want)
	}
	c.Cached = false
	if got := evidenceLine(c, Meta{}); strings.Contains(got, "reused") {
		t.Errorf("a measured result says %q", got)
	}
}
