package checklist

import (
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/model"
)

// legacySnapshot is a repository checked out in a folder called "shop",
// whose root collectors are named "." and whose READINESS.md was written
// when they were named "shop".
func legacySnapshot() model.Snapshot {
	return model.Snapshot{Root: "/home/me/shop", GeneratedAt: evalNow, Collectors: []model.CollectorState{
		state("typescript:.", "build", model.StatusOK, map[string]float64{"errors": 0}),
		state("typescript:web", "build", model.StatusOK, map[string]float64{"errors": 2}),
		state("go-test:.", "tests", model.StatusOK, map[string]float64{"tests.failed": 0}),
		state("secrets:.", "security", model.StatusOK, map[string]float64{"findings": 1},
			model.Finding{Severity: model.High, Rule: "secrets/jwt", File: "a.env", Message: "TOKEN: JSON Web Token"}),
	}}
}

func TestRulesWrittenWithFolderNamedRootIDsStillHold(t *testing.T) {
	for _, rule := range []string{
		`typescript["shop"].errors == 0`,
		`typescript.shop.errors == 0`,
		`typescript["."].errors == 0`,
		`go_test["shop"].tests.failed == 0`,
		`fact("typescript:shop", "errors") == 0`,
		`status("secrets:shop") == "ok"`,
		`findings("secrets:shop", "high") == 1`,
		`findings("secrets:.", "high") == 1`,
		`sum("typescript", "errors") == 2`, // the root is counted once
		`typescript["web"].errors == 2`,
	} {
		d := Parse("READINESS.md", []byte("## Build\n- [x] item <!-- verify: "+rule+" -->\n"))
		cl := Evaluate(d, legacySnapshot())
		if it := cl.Items[0]; it.State != model.ItemVerified {
			t.Errorf("%s: %s (%s) %v", rule, it.State, it.Why, it.Evidence)
		}
	}
	// Another clone's folder name is not a name of this root.
	d := Parse("READINESS.md", []byte("## Build\n- [x] item <!-- verify: typescript[\"other\"].errors == 0 -->\n"))
	if it := Evaluate(d, legacySnapshot()).Items[0]; it.State != model.ItemUnknown {
		t.Errorf("a rule about typescript:other is %s", it.State)
	}
}

func TestAcknowledgmentsWrittenWithFolderNamedFingerprintsStillHold(t *testing.T) {
	snap := legacySnapshot()
	f := snap.Collectors[3].Findings[0]
	old := model.LegacyFingerprints(snap)[f.ID]
	if old == "" || old == f.ID {
		t.Fatalf("no earlier fingerprint for %s: %q", f.ID, old)
	}
	src := "## Accepted risks\n\n- secrets/jwt at a.env — rotated <!-- ack: " + old + " by Ana on 2026-01-02 -->\n"
	d := Parse("READINESS.md", []byte(src))
	snap.Checklist = Evaluate(d, snap)
	if !snap.Acknowledged(f) {
		t.Fatalf("the finding is not acknowledged: %+v", snap.Checklist.Acks)
	}
	// Withdrawing it removes the line written with the old fingerprint.
	out, err := RemoveAck("READINESS.md", []byte(src), f.ID, old)
	if err != nil || strings.Contains(string(out), "ack:") {
		t.Fatalf("withdraw: %v\n%s", err, out)
	}
	if _, err := RemoveAck("READINESS.md", []byte(src), f.ID); err == nil {
		t.Error("an acknowledgment was removed by a fingerprint it was not written with")
	}
}
