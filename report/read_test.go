package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"
)

// richFixture is fullFixture with everything else a JSON report can carry:
// a scoring policy, a shard, an expired acknowledgment, a file name that
// has to be percent-encoded and a collector waiting for trust.
func richFixture() (model.Snapshot, Meta) {
	s := fullFixture()
	half := 0.5
	s.Policy = &model.Policy{Domains: map[string]model.DomainOverride{"tests": {Name: "Quality", Weight: &half}}, Gate: []string{"build", "tests"}}
	s.Collectors[0].Findings = append(s.Collectors[0].Findings, model.Finding{
		Collector: "typescript:backend", Domain: "build", Severity: model.Low, Rule: "TS6133",
		Message: "'x' is declared but never read.", File: "backend/src/we\x01ird%.ts", Line: 1, Column: 1})
	model.AssignIDs(s.Collectors[0].Findings)
	s.Checklist.Acks = append(s.Checklist.Acks, model.Acknowledgment{Finding: s.Collectors[0].Findings[0].ID, By: "bo",
		Reason: "fixed in the next release", Until: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), File: "READINESS.md", Line: 15})
	s.Collectors = append(s.Collectors, model.CollectorState{Result: model.WaitingForTrust("go-test:billing", "go-test", "tests",
		"go test -json ./...", "run 'preflight trust'")})
	s.Collectors[2].Stale = true
	s.Collectors = append(s.Collectors, model.CollectorState{Result: model.Result{Collector: "github-actions:.", Kind: "github-actions",
		Domain: "ci", Status: model.StatusOK, Command: "parsed 1 workflow file", ExitCode: -1, Facts: map[string]float64{"stages.test": 1},
		Evidence: []model.Evidence{{Fact: "stages.test", File: ".github/workflows/ci.yml", Line: 14, Text: "go test ./...\x1b[2J"}}}})
	m := meta
	m.Shard = &Shard{Index: 2, Count: 3, Plan: []ShardEntry{{ID: "typescript:backend", Shard: 2}, {ID: "a:b", Shard: 1}}}
	return s, m
}

func TestJSONReportReadsBackToTheSameReport(t *testing.T) {
	s, m := richFixture()
	var first bytes.Buffer
	if err := Write(&first, "json", s, Options{Meta: m}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"policy"`, `"shard"`, `"acknowledgments"`, `"file_encoding": "percent"`, "1 acknowledgment expired", `"evidence"`} {
		if !strings.Contains(first.String(), want) {
			t.Fatalf("the fixture does not exercise %s:\n%s", want, first.String())
		}
	}
	r, err := ReadJSON(first.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	back, backMeta, err := r.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var second bytes.Buffer
	if err := Write(&second, "json", back, Options{Meta: backMeta}); err != nil {
		t.Fatal(err)
	}
	if first.String() != second.String() {
		t.Errorf("write → read → write changed the report:\n%s", fixturetest.LineDiff(first.String(), second.String()))
	}
	if f := back.Collectors[0].Findings; len(f) != 3 || f[2].File != "backend/src/we\x01ird%.ts" {
		t.Errorf("findings of typescript:backend read back as %+v", f)
	}
	// The formats people read come out the same from the snapshot read back.
	for _, format := range []string{"text", "markdown", "junit"} {
		var a, b bytes.Buffer
		if err := Write(&a, format, s, Options{Meta: m}); err != nil {
			t.Fatal(err)
		}
		if err := Write(&b, format, back, Options{Meta: backMeta}); err != nil {
			t.Fatal(err)
		}
		if a.String() != b.String() {
			t.Errorf("%s report differs after a JSON round trip:\n%s", format, fixturetest.LineDiff(a.String(), b.String()))
		}
	}
}

func TestShardReportsSayWhichShard(t *testing.T) {
	m := Meta{Shard: &Shard{Index: 2, Count: 3, Plan: []ShardEntry{{ID: "a:x", Shard: 1}, {ID: "b:x", Shard: 2}, {ID: "c:x", Shard: 2}}}}
	want := "shard 2/3: 2 of 3 collectors; READINESS.md items are judged by preflight merge"
	for _, format := range []string{"text", "markdown"} {
		var b bytes.Buffer
		if err := Write(&b, format, fixture(), Options{Meta: m}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), want) {
			t.Errorf("%s report does not say %q:\n%s", format, want, b.String())
		}
	}
}

func TestWatchLinesReadBackToTheSameLine(t *testing.T) {
	s := fixture()
	s.Watch = model.WatchState{Active: true, Dirs: 12, Polled: 3, Warning: "raise fs.inotify.max_user_watches"}
	var first bytes.Buffer
	if err := WriteJSON(&first, s, true); err != nil {
		t.Fatal(err)
	}
	r, err := ReadJSON(first.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	back, _, err := r.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var second bytes.Buffer
	if err := WriteJSON(&second, back, true); err != nil {
		t.Fatal(err)
	}
	if first.String() != second.String() || !strings.Contains(first.String(), `"polled":3`) {
		t.Errorf("watch line changed:\n%s\n%s", first.String(), second.String())
	}
}

func TestReadJSONSaysWhereTheDocumentIsWrong(t *testing.T) {
	var good bytes.Buffer
	if err := WriteJSON(&good, fixture(), false); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, doc, want string }{
		{"syntax", "{\n  \"schema\": \"preflight.report/v1\",\n  \"root\" \"/x\"\n}", "3:10:"},
		{"type", "{\n  \"schema\": \"preflight.report/v1\",\n  \"collectors\": 3\n}", "3:17:"},
		{"truncated", good.String()[:200], "the document ends early"},
		{"empty", "", "1:1: the document ends early"},
		{"two documents", good.String() + good.String(), "more than one JSON document"},
		{"other schema", `{"schema": "preflight.report/v2"}`, `schema "preflight.report/v2" is not preflight.report/v1`},
	} {
		_, err := ReadJSON([]byte(tc.doc))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
}

func TestSnapshotRefusesFindingsOfUnlistedCollectors(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, fixture(), false); err != nil {
		t.Fatal(err)
	}
	r, err := ReadJSON(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	r.Collectors = r.Collectors[1:] // typescript:backend has findings
	if _, _, err := r.Snapshot(); err == nil || !strings.Contains(err.Error(), `"typescript:backend"`) {
		t.Errorf("error %v", err)
	}
}

// FuzzReadJSON: the reader never panics, and whatever it accepts writes
// out as a report that reads back to itself.
func FuzzReadJSON(f *testing.F) {
	s, m := richFixture()
	var b bytes.Buffer
	if err := Write(&b, "json", s, Options{Meta: m}); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte(`{"schema":"preflight.report/v1","collectors":[{"id":"x"}],"findings":[{"collector":"x","file":"%zz","file_encoding":"percent"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ReadJSON(data)
		if err != nil {
			return
		}
		snap, meta, err := r.Snapshot()
		if err != nil {
			return
		}
		var once bytes.Buffer
		if err := Write(&once, "json", snap, Options{Meta: meta}); err != nil {
			return // e.g. a fact that JSON cannot hold
		}
		r2, err := ReadJSON(once.Bytes())
		if err != nil {
			t.Fatalf("a report written from a read report does not read: %v\n%s", err, once.String())
		}
		snap2, meta2, err := r2.Snapshot()
		if err != nil {
			t.Fatalf("a report written from a read report does not rebuild: %v", err)
		}
		var twice bytes.Buffer
		if err := Write(&twice, "json", snap2, Options{Meta: meta2}); err != nil {
			t.Fatal(err)
		}
		if once.String() != twice.String() {
			t.Fatalf("not stable:\n%s", fixturetest.LineDiff(once.String(), twice.String()))
		}
	})
}

// A report says whether the repository's own code ran and what allowed
// it, in every format people read, and keeps it through a JSON round trip.
func TestReportsSayWhatLetRepositoryCodeRun(t *testing.T) {
	at := time.Date(2026, 12, 5, 9, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		state model.TrustState
		grant *model.TrustGrant
		json  string
		text  string
	}{
		{"record", model.Trusted, &model.TrustGrant{At: at}, `"trust": {
    "state": "trusted",
    "by": "record",
    "trusted_at": "2026-12-05T09:30:00Z"
  }`, "repository code ran: trusted on 2026-12-05"},
		{"flag", model.Trusted, &model.TrustGrant{Flag: true}, `"trust": {
    "state": "trusted",
    "by": "flag"
  }`, "repository code ran: allowed by --trust"},
		{"untrusted", model.Untrusted, nil, `"trust": {
    "state": "untrusted",
    "waiting": 1
  }`, "repository code did not run: not trusted (1 collector waiting)"},
		{"not asked", model.TrustNotAsked, nil, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, m := richFixture()
			s.Trust, m.Trust = tc.state, tc.grant
			var j, text, md bytes.Buffer
			for format, b := range map[string]*bytes.Buffer{"json": &j, "text": &text, "markdown": &md} {
				if err := Write(b, format, s, Options{Meta: m}); err != nil {
					t.Fatal(err)
				}
			}
			if tc.json == "" {
				if strings.Contains(j.String(), `"trust": {`) || strings.Contains(text.String(), "repository code") || strings.Contains(md.String(), "Repository code") {
					t.Errorf("a run that ran no repository code speaks of trust:\n%s\n%s", j.String(), text.String())
				}
				return
			}
			if !strings.Contains(j.String(), tc.json) {
				t.Errorf("JSON lacks %s:\n%s", tc.json, j.String())
			}
			if !strings.Contains(text.String(), tc.text) {
				t.Errorf("text lacks %q:\n%s", tc.text, text.String())
			}
			if want := "R" + strings.TrimPrefix(tc.text, "r") + "."; !strings.Contains(md.String(), want) {
				t.Errorf("Markdown lacks %q:\n%s", want, md.String())
			}
			r, err := ReadJSON(j.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			back, backMeta, err := r.Snapshot()
			if err != nil {
				t.Fatal(err)
			}
			var again bytes.Buffer
			if err := Write(&again, "json", back, Options{Meta: backMeta}); err != nil {
				t.Fatal(err)
			}
			if again.String() != j.String() {
				t.Errorf("trust changed in a round trip:\n%s", fixturetest.LineDiff(j.String(), again.String()))
			}
		})
	}
}

// The formats people read say where a fact was seen, with whatever the
// repository wrote there made harmless for a terminal.
func TestReportsSayWhereFactsWereSeen(t *testing.T) {
	s, m := richFixture()
	for format, want := range map[string]string{
		"text":     "stages.test            .github/workflows/ci.yml:14  go test ./...",
		"markdown": "| `stages.test` | `.github/workflows/ci.yml:14` | `go test ./...",
	} {
		var b bytes.Buffer
		if err := Write(&b, format, s, Options{Meta: m}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), want) {
			t.Errorf("%s report lacks %q:\n%s", format, want, b.String())
		}
		if strings.Contains(b.String(), "\x1b") {
			t.Errorf("%s report passes an escape byte from the repository to the terminal", format)
		}
	}
}
