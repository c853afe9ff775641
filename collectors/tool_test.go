package collectors

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/model"
)

// The runner's part of every tool run, with sh as the tool: what a reader
// says becomes the result, and what it cannot read is an error with the
// output as evidence, never a pass.
func TestRunToolReadsWhatTheToolLeft(t *testing.T) {
	b := NewBase("probe:x", "probe", "build")
	req := Request{Root: t.TempDir(), Timeout: time.Minute}
	script := func(s string, read Reader) Tool {
		return Tool{Invocation: Invocation{Tool: "probe", Dir: ".", Name: "sh", Args: []string{"-c", s}}, Read: read}
	}

	res := b.RunTool(context.Background(), req, script("echo 'a.go:3 bad'; echo 'b.go:1 worse'; exit 1", func(in Input) (Reading, error) {
		if in.ExitCode != 1 || !strings.Contains(string(in.Data), "worse") {
			t.Errorf("the reader was given %+v", in)
		}
		return Reading{Facts: map[string]float64{"n": 2}, Output: "2 problems", Findings: []model.Finding{
			{Severity: model.Low, Rule: "r1", File: "a.go", Line: 3},
			{Severity: model.High, Rule: "r2", File: "b.go", Line: 1},
		}}, nil
	}))
	if res.Status != model.StatusOK || res.ExitCode != 1 || res.Output != "2 problems" || res.Facts["n"] != 2 || !strings.Contains(res.Command, "sh -c") {
		t.Errorf("read run: %+v", res)
	}
	if len(res.Findings) != 2 || res.Findings[0].Rule != "r2" || res.Findings[0].ID == "" || res.Findings[0].Collector != "probe:x" || res.Findings[1].Domain != "build" {
		t.Errorf("findings not stamped, sorted and numbered: %+v", res.Findings)
	}

	res = b.RunTool(context.Background(), req, script("echo 'Segmentation fault'", func(Input) (Reading, error) {
		return Reading{Findings: []model.Finding{{Rule: "never"}}}, errors.New("not a report")
	}))
	if res.Status != model.StatusError || res.Error != "not a report" || !strings.Contains(res.Output, "Segmentation fault") || len(res.Findings) != 0 {
		t.Errorf("unreadable output: %+v", res)
	}

	res = b.RunTool(context.Background(), req, script("echo 'dial tcp: no route' >&2; exit 2", func(Input) (Reading, error) {
		return Reading{Status: model.StatusUnknown, Error: "database unreachable", Hint: "run online"}, nil
	}))
	if res.Status != model.StatusUnknown || res.Hint != "run online" || !strings.Contains(res.Output, "dial tcp") {
		t.Errorf("a run that measured nothing: %+v", res)
	}
}

func TestRunToolWithoutTheTool(t *testing.T) {
	b := NewBase("probe:x", "probe", "build")
	tool := Tool{Invocation: Invocation{Dir: ".", Name: "preflight-no-such-tool"}, InstallHint: "install it", Shown: "preflight-no-such-tool <3 files>",
		Read: func(Input) (Reading, error) { t.Error("read without a run"); return Reading{}, nil }}
	res := b.RunTool(context.Background(), Request{Root: t.TempDir()}, tool)
	if res.Status != model.StatusUnknown || res.Error != "preflight-no-such-tool is not on PATH" || res.Hint != "install it" || res.Command != tool.Shown {
		t.Errorf("%+v", res)
	}
}

// A report the tool was to write is read in place of stdout, and only when
// this run wrote it.
func TestRunToolReadsOnlyAFreshReport(t *testing.T) {
	b := NewBase("probe:x", "probe", "build")
	req := Request{Root: t.TempDir(), Timeout: time.Minute}
	var got string
	tool := func(s string) Tool {
		return Tool{Invocation: Invocation{Dir: ".", Name: "sh", Args: []string{"-c", s}}, Report: "out.txt",
			Read: func(in Input) (Reading, error) { got = string(in.Data); return Reading{}, nil }}
	}
	if res := b.RunTool(context.Background(), req, tool("echo stdout; echo report > out.txt")); res.Status != model.StatusOK || got != "report\n" {
		t.Errorf("fresh report: %+v, read %q", res, got)
	}
	if res := b.RunTool(context.Background(), req, tool("true")); res.Status != model.StatusError || !strings.Contains(res.Error, "was not rewritten") {
		t.Errorf("stale report: %+v", res)
	}
}

// A tool told to write its report to a temporary file is read from it, and
// its evidence shows a command a user can paste, the same on every run:
// the file itself is gone when the run ends.
func TestRunToolShowsTheTemporaryReportAsACommand(t *testing.T) {
	b := NewBase("probe:x", "probe", "build")
	req := Request{Root: t.TempDir(), Timeout: time.Minute}
	var commands []string
	for range 2 {
		res := b.RunTool(context.Background(), req, Tool{
			Invocation: Invocation{Dir: ".", Name: "sh", Args: []string{"-c", `echo '{"n":1}' > "${1#--out=}"`, "probe", "--out=" + ReportArg}},
			Read: func(in Input) (Reading, error) {
				if in.Report != ReportArg || strings.TrimSpace(string(in.Data)) != `{"n":1}` {
					t.Errorf("read %+v", in)
				}
				return Reading{}, nil
			}})
		commands = append(commands, res.Command)
	}
	want := `sh -c 'echo '\''{"n":1}'\'' > "${1#--out=}"' probe --out="$(mktemp -d)/report.json"`
	if commands[0] != want || commands[1] != want {
		t.Errorf("commands %q, want %q twice", commands, want)
	}
}

// A reader whose tool's order says something keeps it; others are sorted.
func TestRunToolKeepsTheToolsOrderWhenAsked(t *testing.T) {
	b := NewBase("probe:x", "probe", "build")
	req := Request{Root: t.TempDir(), Timeout: time.Minute}
	for _, keep := range []bool{true, false} {
		res := b.RunTool(context.Background(), req, Tool{Invocation: Invocation{Dir: ".", Name: "true"},
			Read: func(Input) (Reading, error) {
				return Reading{InToolOrder: keep, Findings: []model.Finding{
					{Severity: model.Low, Rule: "config", File: "z.json", Line: 1},
					{Severity: model.High, Rule: "code", File: "a.ts", Line: 9},
				}}, nil
			}})
		first := "config"
		if !keep {
			first = "code"
		}
		if len(res.Findings) != 2 || res.Findings[0].Rule != first || res.Findings[0].ID == "" || res.Findings[1].Collector != "probe:x" {
			t.Errorf("in tool order %v: %+v", keep, res.Findings)
		}
	}
}
