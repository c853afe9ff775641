package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestCheckReadsTheChecklist makes sure `check` gives the cockpit's verdict:
// an unmet READINESS.md item keeps it from GO, and the report lists it.
func TestCheckReadsTheChecklist(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	readiness := "# Readiness\n\n## Security\n\n- [ ] Secrets rotated before launch\n"
	if err := os.WriteFile(filepath.Join(dir, "READINESS.md"), []byte(readiness), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := run(t, false, "check", "--format", "json", "--fail-on", "conditional", dir)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (CONDITIONAL reaches --fail-on conditional); stderr %s\n%s", code, stderr, out)
	}
	var rep struct {
		Verdict   string
		Checklist []map[string]any
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Verdict != "CONDITIONAL" || len(rep.Checklist) != 1 {
		t.Fatalf("verdict %s, checklist %v", rep.Verdict, rep.Checklist)
	}
}
