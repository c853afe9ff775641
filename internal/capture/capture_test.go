package capture

import (
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/proc"
)

func TestExecReportsTheExitAndNamesTheRunThatCouldNotStart(t *testing.T) {
	out, err := Exec("fails", proc.Cmd{Name: "sh", Args: []string{"-c", "echo out; exit 3"}})
	if err != nil || out.ExitCode != 3 || string(out.Stdout) != "out\n" {
		t.Fatalf("exit %d, stdout %q, err %v", out.ExitCode, out.Stdout, err)
	}
	_, err = Exec("missing", proc.Cmd{Name: "/nonexistent/tool"})
	if err == nil || !strings.HasPrefix(err.Error(), "missing: ") {
		t.Fatalf("err = %v, want one naming the run", err)
	}
}
