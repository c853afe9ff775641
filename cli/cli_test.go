package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/model"
)

func run(t *testing.T, interactive bool, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(args, IO{In: strings.NewReader(""), Out: &out, Err: &errb, Interactive: interactive})
	return code, out.String(), errb.String()
}

func TestUsageErrorsExitTwoWithAClearMessage(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f.txt")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"check", "--format", "xml", dir}, `unknown --format "xml" (want text, json, markdown, sarif, junit)`},
		{[]string{"check", dir, "--fail-on", "sometimes"}, `unknown --fail-on "sometimes"`},
		{[]string{"check", "--nope"}, "unknown flag --nope"},
		{[]string{"check", "--bogus", dir}, "preflight: unknown flag --bogus\n"},
		{[]string{"check", "--format"}, "--format needs a value"},
		{[]string{"check", "--online-ttl", "-5m", dir}, "--online-ttl -5m0s: want a duration of 0 or more"},
		{[]string{"import", "--frob", "r.md"}, "unknown flag --frob"},
		{[]string{"chek"}, `unknown command "chek": did you mean 'preflight check'?`},
		{[]string{"chek", dir}, `unknown command "chek": did you mean 'preflight check'?`},
		{[]string{"improt", "r.md"}, `did you mean 'preflight import'?`},
		{[]string{"check", dir, dir}, "expected at most one directory"},
		{[]string{"check", filepath.Join(dir, "missing")}, "cannot open"},
		{[]string{"check", file}, "is not a directory"},
		{[]string{"watch", "--format", "json", dir}, `unknown --format "json" (watch writes jsonl)`},
		{[]string{"--frobnicate"}, "unknown flag --frobnicate"},
		{[]string{"--trust", dir}, "unknown flag --trust: the cockpit asks before it runs a repository's code (press T), or run 'preflight trust DIR' once"},
		{[]string{"demo", "extra"}, "demo takes no arguments"},
	}
	for _, tc := range cases {
		code, _, stderr := run(t, false, tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}

func TestCockpitWithoutTerminalPointsToCheckAndWatch(t *testing.T) {
	// --cache-dir is the cockpit's flag too, as check's: it is taken, and
	// the terminal is what is missing.
	for _, args := range [][]string{{t.TempDir()}, {"--cache-dir", t.TempDir(), t.TempDir()}} {
		code, _, stderr := run(t, false, args...)
		if code != 2 || !strings.Contains(stderr, "preflight check") || !strings.Contains(stderr, "preflight watch --format jsonl") {
			t.Errorf("%q: exit %d stderr %q", args, code, stderr)
		}
	}
}

func TestHelpAndVersion(t *testing.T) {
	code, out, _ := run(t, false, "--help")
	if code != 0 || !strings.Contains(out, "preflight check [DIR]") || !strings.Contains(out, "Examples:") {
		t.Fatalf("help: %d %q", code, out)
	}
	for _, args := range [][]string{{"check", "--help"}, {"watch", "-h"}, {"merge", "--help"}, {"import", "-h"}, {"demo", "--help"}, {"trust", "-h"}, {"check", ".", "--format", "json", "--help"}} {
		code, out, stderr := run(t, false, args...)
		if code != 0 || !strings.Contains(out, "preflight check [DIR]") || stderr != "" {
			t.Errorf("%q: exit %d stdout %q stderr %q", args, code, out, stderr)
		}
	}
	code, out, _ = run(t, false, "--version")
	if code != 0 || !strings.HasPrefix(out, "preflight ") {
		t.Fatalf("version: %d %q", code, out)
	}
}

func TestFailOnLevels(t *testing.T) {
	cases := []struct {
		v      model.Verdict
		failOn string
		fails  bool
	}{
		{model.NoGo, "no-go", true},
		{model.Conditional, "no-go", false},
		{model.Conditional, "conditional", true},
		{model.GO, "conditional", false},
		{model.NoGo, "never", false},
	}
	for _, tc := range cases {
		if got := failsAt(tc.v, tc.failOn); got != tc.fails {
			t.Errorf("failsAt(%s, %s) = %v", tc.v, tc.failOn, got)
		}
	}
}
