package config

import (
	"context"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/model"
)

// A preflight.yaml written when root collectors were named after the
// checkout folder ("repo" here, from /repo/preflight.yaml) still reaches
// them; the folder name of another clone does not.
func TestSettingsWrittenWithFolderNamedRootIDsStillApply(t *testing.T) {
	secrets := stub{id: "secrets:.", kind: "secrets", domain: "security"}
	ts := stub{id: "typescript:.", kind: "typescript"}
	cfg := mustParse(t, `
collectors:
  secrets:repo:
    enabled: false
  typescript:repo:
    timeout: 20s
  go:other:
    enabled: false
`)
	cols, warnings := NewLayer(cfg, false, "", defineCustom).Apply([]collectors.Collector{secrets, ts})
	if len(warnings) != 1 || warnings[0] != "/repo/preflight.yaml:7:3: collectors.go:other matches no collector in this repository" {
		t.Errorf("warnings = %q", warnings)
	}
	m := byID(cols)
	if res := m["secrets:."].Run(context.Background(), collectors.Request{}); res.Status != model.StatusSkipped {
		t.Errorf("secrets:repo did not disable secrets:. — %s", res.Status)
	}
	if got := m["typescript:."].(*Configured).Timeout(); got != 20*time.Second {
		t.Errorf("typescript:repo's timeout did not reach typescript:. — %s", got)
	}
}
