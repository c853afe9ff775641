package engine

import (
	"context"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/model"
)

// Every text of a result passes through Redact before any snapshot holds
// it; the finding keeps the fingerprint of its unmasked message.
func TestResultsAreRedactedBeforeAnySnapshot(t *testing.T) {
	leak := func(ctx context.Context, req collectors.Request) model.Result {
		return model.Result{Status: model.StatusError, Output: "out SECRET", Error: "err SECRET", Command: "tool --token=SECRET",
			Findings: []model.Finding{{Severity: model.High, Rule: "r", Message: "msg SECRET", File: "a"}}}
	}
	e := New("/repo", []collectors.Collector{&fake{id: "x:a", run: leak}}, Options{
		Redact: func(s string) string { return strings.ReplaceAll(s, "SECRET", "[redacted]") },
	})
	defer e.Close()
	e.RunAll("start")
	e.Wait()
	st := state(t, e.Snapshot(), "x:a")
	for _, s := range []string{st.Output, st.Error, st.Command, st.Findings[0].Message} {
		if strings.Contains(s, "SECRET") || !strings.Contains(s, "[redacted]") {
			t.Errorf("not redacted: %q", s)
		}
	}
	want := []model.Finding{{Collector: "x:a", Severity: model.High, Rule: "r", Message: "msg SECRET", File: "a"}}
	model.AssignIDs(want)
	if st.Findings[0].ID != want[0].ID {
		t.Error("redaction must not change a finding's fingerprint")
	}
}

// A collector whose messages hold no value it read (the secrets scanner
// names keys and hashes) keeps them whole; its output is still masked.
func TestValueFreeMessagesAreKept(t *testing.T) {
	run := func(ctx context.Context, req collectors.Request) model.Result {
		return model.Result{Status: model.StatusOK, Output: "out SECRET", ValueFree: true,
			Findings: []model.Finding{{Severity: model.Blocker, Rule: "r", Message: "DB_PASSWORD: well-known SECRET default", File: "a"}}}
	}
	e := New("/repo", []collectors.Collector{&fake{id: "secrets:a", run: run}}, Options{
		Redact: func(s string) string { return strings.ReplaceAll(s, "SECRET", "[redacted]") },
	})
	defer e.Close()
	e.RunAll("start")
	e.Wait()
	st := state(t, e.Snapshot(), "secrets:a")
	if st.Findings[0].Message != "DB_PASSWORD: well-known SECRET default" || st.Output != "out [redacted]" {
		t.Errorf("message %q, output %q", st.Findings[0].Message, st.Output)
	}
}
