package workflows

import (
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"
)

func TestParseActionlintCaptured(t *testing.T) {
	man := readManifest(t)
	cases := []struct {
		fixture  string
		exitCode int
		want     []string // file:line:col kind
	}{
		{"hardened", 0, nil},
		{"bad", 1, []string{
			".github/workflows/triage.yml:18:35 expression",
			".github/workflows/triage.yml:23:36 expression",
			".github/workflows/triage.yml:40:14 runner-label",
		}},
		{"broken", 1, []string{".github/workflows/broken.yml:7:14 syntax-check"}},
	}
	for _, c := range cases {
		if man.ExitCodes[c.fixture] != c.exitCode {
			t.Errorf("%s: captured with exit code %d, want %d", c.fixture, man.ExitCodes[c.fixture], c.exitCode)
		}
		errs, err := ParseActionlint(readCaptured(t, c.fixture+".actionlint.json"))
		if err != nil {
			t.Fatalf("%s: %v", c.fixture, err)
		}
		var got []string
		for _, e := range errs {
			got = append(got, e.Filepath+":"+strconv.Itoa(e.Line)+":"+strconv.Itoa(e.Column)+" "+e.Kind)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s:\n got %q\nwant %q", c.fixture, got, c.want)
		}
	}
	errs, _ := ParseActionlint(readCaptured(t, "bad.actionlint.json"))
	if !strings.HasPrefix(errs[0].Message, `"github.event.pull_request.title" is potentially untrusted`) {
		t.Errorf("message %q", errs[0].Message)
	}
}

func TestParseActionlintMalformed(t *testing.T) {
	for _, out := range []string{
		"actionlint: could not read config\n",
		"[{\"message\": \"x\"",
		"[] trailing",
		`[{"message":"m","filepath":"a.yml","line":1,"column":1}]`, // no kind
		`{"message":"m"}`,
	} {
		if _, err := ParseActionlint([]byte(out)); err == nil {
			t.Errorf("%q: no error", out)
		}
	}
	for _, out := range []string{"", "[]\n", "  \n"} {
		if errs, err := ParseActionlint([]byte(out)); err != nil || len(errs) != 0 {
			t.Errorf("%q: %v %v", out, errs, err)
		}
	}
}

// ShellCheck's comments on run: scripts, as actionlint passes them on,
// stand where they are in the script, at ShellCheck's own level (info is
// low, as in the shellcheck collector); a quoted script keeps the key.
func TestActionlintShellcheckAtTheScriptLine(t *testing.T) {
	errs, err := ParseActionlint(readCaptured(t, "shellscript.actionlint.json"))
	if err != nil {
		t.Fatal(err)
	}
	const file = ".github/workflows/ci.yml"
	src := fixturetest.ReadFile(t, filepath.Join("testdata", "github", "shellscript", file))
	got := actionlintFindings(errs, "/repo", map[string]string{file: src})
	want := []string{file + ":14:30 low actionlint/shellcheck", file + ":15:19 low actionlint/shellcheck", file + ":16:9 low actionlint/shellcheck"}
	if !reflect.DeepEqual(located(got), want) {
		t.Errorf("findings %q, want %q", located(got), want)
	}
	lines := strings.Split(src, "\n")
	for _, f := range got[:2] {
		if at := lines[f.Line-1][f.Column-1:]; !strings.HasPrefix(at, "$") {
			t.Errorf("%s points at %q, not the unquoted variable", f.Location(), at)
		}
		if f.Message != "SC2086: Double quote to prevent globbing and word splitting" {
			t.Errorf("message %q", f.Message)
		}
	}
	if pos := located(actionlintFindings(errs, "/repo", nil)); pos[0] != file+":11:9 low actionlint/shellcheck" {
		t.Errorf("without the file's text the key's place stays: %q", pos)
	}
}

func TestActionlintFindingsAndDuplicates(t *testing.T) {
	errs, err := ParseActionlint(readCaptured(t, "bad.actionlint.json"))
	if err != nil {
		t.Fatal(err)
	}
	theirs := actionlintFindings(errs, "/repo", nil)
	if len(theirs) != 3 || theirs[2].Rule != "actionlint/runner-label" || theirs[2].Severity != model.Medium ||
		theirs[2].File != ".github/workflows/triage.yml" || theirs[2].Line != 40 || theirs[2].Column != 14 {
		t.Fatalf("findings %+v", theirs)
	}
	// Our rule reports title and issue body too: actionlint's copies go,
	// whatever line actionlint gives them.
	ours := []model.Finding{
		RuleScriptInjection.Finding(".github/workflows/triage.yml", 19, 28, "github.event.pull_request.title is expanded into the run script: …"),
		RuleScriptInjection.Finding(".github/workflows/triage.yml", 24, 26, "github.event.issue.body, github.head_ref is expanded into the github-script script: …"),
	}
	kept := withoutDuplicates(theirs, ours)
	if got := located(kept); !reflect.DeepEqual(got, []string{".github/workflows/triage.yml:40:14 medium actionlint/runner-label"}) {
		t.Errorf("kept %q", got)
	}
	// In another file, or for another input, they stay.
	ours[0].File = "other.yml"
	if got := withoutDuplicates(theirs, ours[:1]); len(got) != 3 {
		t.Errorf("kept %q", located(got))
	}
	abs := actionlintFindings([]ActionlintError{{Message: "m", Filepath: "/repo/.github/workflows/a.yml", Line: 1, Column: 2, Kind: "id"}}, "/repo", nil)
	if abs[0].File != ".github/workflows/a.yml" || abs[0].Rule != "actionlint/id" {
		t.Errorf("absolute path: %+v", abs[0])
	}
	if r := ActionlintRule("some-new-check"); r.ID != "actionlint/some-new-check" || r.Severity != model.Medium || r.Title == "" || r.Fix == "" {
		t.Errorf("rule of an unknown kind: %+v", r)
	}
}

func FuzzParseActionlint(f *testing.F) {
	for _, name := range githubFixtures {
		f.Add(readCaptured(f, name+".actionlint.json"))
	}
	f.Add([]byte(`[{"message":"m","filepath":"a","line":-1,"column":0,"kind":"k"}]`))
	f.Fuzz(func(t *testing.T, out []byte) {
		errs, err := ParseActionlint(out)
		if err != nil {
			return
		}
		for _, e := range errs {
			if e.Kind == "" || e.Message == "" || e.Filepath == "" || e.Line < 0 || e.Column < 0 {
				t.Fatalf("accepted an incomplete finding %+v", e)
			}
		}
		// The output itself stands in for the workflows, so that odd
		// texts are placed too: a place found is always inside the text.
		texts := map[string]string{}
		for _, e := range errs {
			texts[strings.TrimPrefix(e.Filepath, "./")] = string(out)
		}
		lines := strings.Count(string(out), "\n") + 1
		for i, f := range actionlintFindings(errs, "/repo", texts) {
			level := f.Severity == model.Medium || f.Rule == "actionlint/shellcheck" && f.Severity != model.Blocker
			if !strings.HasPrefix(f.Rule, "actionlint/") || !level {
				t.Fatalf("finding %+v", f)
			}
			if moved := f.Line != errs[i].Line || f.Column != errs[i].Column; moved && (f.Line < 1 || f.Line > lines || f.Column < 1) {
				t.Fatalf("placed at %d:%d, outside the %d lines of the text", f.Line, f.Column, lines)
			}
		}
	})
}
