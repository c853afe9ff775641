package baseline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/model"
)

func TestWriteThenReadKeepsFingerprintsAndNoMessages(t *testing.T) {
	root := t.TempDir()
	snap := model.Snapshot{Collectors: []model.CollectorState{
		{Result: model.Result{Collector: "secrets:app", Status: model.StatusOK, Findings: []model.Finding{
			{ID: "f1", Collector: "secrets:app", Rule: "secrets/stripe", File: ".env", Severity: model.Blocker, Message: "STRIPE_KEY=sk_live_abcdef"}}}},
		{Result: model.Result{Collector: "eslint:web", Status: model.StatusUnknown}},
	}}
	f := FromSnapshot(snap, "abc", time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC))
	if err := Write(root, f); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, ".preflight", "baseline.json"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "sk_live") || strings.Contains(string(b), "STRIPE_KEY=") {
		t.Errorf("a message reached the file:\n%s", b)
	}
	got, err := Read(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Findings) != 1 || got.Findings[0].ID != "f1" || got.Findings[0].Severity != "blocker" || got.Commit != "abc" {
		t.Errorf("read %+v", got)
	}
	if len(got.Unmeasured) != 1 || got.Unmeasured[0] != "eslint:web" {
		t.Errorf("unmeasured %v", got.Unmeasured)
	}
	cmp := got.Compare(model.Snapshot{Collectors: []model.CollectorState{
		{Result: model.Result{Collector: "secrets:app", Status: model.StatusOK}},
		{Result: model.Result{Collector: "eslint:web", Status: model.StatusUnknown}},
	}})
	if len(cmp.Fixed) != 1 || cmp.Fixed[0].ID != "f1" || len(cmp.StillUnmeasured) != 1 {
		t.Errorf("compare: %+v", cmp)
	}
}

func TestParseErrorsSayWhere(t *testing.T) {
	cases := []struct{ in, want string }{
		{"{\n  \"schema\": \"preflight.baseline/v1\",\n  \"findings\": [\n", "4:1: unexpected end of JSON input"},
		{"{\"schema\": 1}", "1:13: json: cannot unmarshal number"},
		{`{"schema": "other/v9"}`, `schema "other/v9", want "preflight.baseline/v1"`},
		{`{"schema": "preflight.baseline/v1", "findings": [{"severity": "high"}]}`, "finding 1 has no id"},
		{`{"schema": "preflight.baseline/v1", "findings": [{"id": "x", "severity": "dire"}]}`, "finding x:"},
	}
	for _, c := range cases {
		_, err := Parse([]byte(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q) = %v, want %q", c.in, err, c.want)
		}
	}
	if _, err := Read(t.TempDir()); err != ErrMissing {
		t.Errorf("missing file: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"schema": "preflight.baseline/v1", "findings": [{"id": "x", "rule": "r", "severity": "low"}]}`))
	f.Add([]byte("{\n\"schema\": [\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := Parse(b)
		if err == nil && file.Schema != Schema {
			t.Fatalf("accepted schema %q", file.Schema)
		}
	})
}
