package filerules

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/preflight-dev/preflight/collectors/rules"
	"github.com/preflight-dev/preflight/model"
)

func TestApplySuppressionsStackAboveALine(t *testing.T) {
	text := "a:\n  # preflight:ignore r/one first reason\n  # preflight:ignore r/two\n  # just a note\n  svc:\n    x: 1 # preflight:ignore r/three inline\n\n  # preflight:ignore r/four too far\n\n  other: 1\n"
	findings := []model.Finding{
		{Rule: "r/one", File: "f", Line: 5},
		{Rule: "r/two", File: "f", Line: 5},
		{Rule: "r/three", File: "f", Line: 6},
		{Rule: "r/four", File: "f", Line: 10}, // a blank line breaks the block
		{Rule: "r/one", File: "f", Line: 6},   // another line
	}
	kept, n, extra := Suppress(findings, map[string]string{"f": text}, nil)
	if n != 3 || len(kept) != 2 || kept[0].Rule != "r/four" || kept[1].Line != 6 {
		t.Errorf("kept %+v suppressed %d", kept, n)
	}
	if len(extra) != 1 || extra[0].Line != 3 || extra[0].Rule != "preflight/suppression-without-reason" {
		t.Errorf("extra %+v", extra)
	}
	if k, n, e := Suppress(findings, map[string]string{"f": "no comments\n"}, nil); len(k) != len(findings) || n != 0 || e != nil {
		t.Error("a file without suppressions keeps everything")
	}
}
func TestLineLessFindingsOfWideRulesAreSuppressedAnywhere(t *testing.T) {
	findings := []model.Finding{{Rule: "w/missing", File: "a.yml"}, {Rule: "w/missing", File: "b.yml", Line: 3}}
	kept, n, _ := Suppress(findings, map[string]string{"a.yml": "x: 1\n", "b.yml": "# preflight:ignore w/missing not here\n"}, []string{"w/missing"})
	if n != 1 || len(kept) != 1 || kept[0].Line != 3 {
		t.Errorf("kept %+v suppressed %d", kept, n)
	}
}

func TestRefusedFilesAreFindingsAndParseErrorsOneLine(t *testing.T) {
	root := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(root, "Dockerfile"), 0o644); err != nil {
		t.Skip(err)
	}
	if err := os.Symlink("/etc/passwd", filepath.Join(root, "passwd.yaml")); err != nil {
		t.Fatal(err)
	}
	bad := "FROM x\nGITHUB_TOKEN=ghp_0123456789abcdef0123456789abcdef0123\n"
	if err := os.WriteFile(filepath.Join(root, "bad"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	r := New(root)
	for _, f := range []string{"Dockerfile", "passwd.yaml", "gone"} {
		if _, ok := r.Read(f); ok {
			t.Errorf("%s was read", f)
		}
	}
	if _, ok := r.Read("bad"); !ok {
		t.Fatal("a regular file must be read")
	}
	rule := rules.Rule{ID: "t/invalid", Severity: model.Blocker, Title: "invalid"}
	r.Invalid(rule, "bad", 2, 1, "unknown instruction:\n  GITHUB_TOKEN")
	res := r.Result("t:x", "t", "deployment")
	if res.Status != model.StatusOK || len(res.Findings) != 3 {
		t.Fatalf("result %+v", res)
	}
	var got model.Finding
	refused := 0
	for _, f := range res.Findings {
		if f.Rule == "t/invalid" {
			got = f
			continue
		}
		refused++
		if f.Rule != RuleUnreadable.ID || f.Severity != model.High || strings.Contains(f.Message, root) {
			t.Errorf("refused file %+v", f)
		}
	}
	if refused != 2 {
		t.Errorf("%d refused files reported, want 2 (a file removed since detection is not one)", refused)
	}
	if got.Rule != "t/invalid" || got.Line != 2 || strings.Contains(got.Message, "ghp_") || strings.Contains(got.Message, "\n") ||
		got.Message != "unknown instruction: GITHUB_TOKEN (at: GITHUB_TOKEN=****)" || got.ID == "" || got.Collector != "t:x" {
		t.Errorf("parse error finding %+v", got)
	}
	if strings.Contains(res.Output, "root:") {
		t.Error("a symlink out of the repository was read")
	}
}

func TestTargetsGroupByDirectoryWithUniqueNames(t *testing.T) {
	got := Targets("/src/shop", "k", []string{"b/x", "a/web/y", "b/x", "c/web/z", "r", "a/web/w"})
	var s []string
	for _, tg := range got {
		s = append(s, tg.ID+"="+tg.Dir+strings.Join(tg.Files, ","))
	}
	want := "k:.=.r k:a/web=a/weba/web/w,a/web/y k:b=bb/x k:c/web=c/webc/web/z"
	if strings.Join(s, " ") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(s, " "), want)
	}
}

func TestClipKeepsOneSafeLine(t *testing.T) {
	cases := map[string]string{
		"a\x1b[31mred\x07  b\n c": "a [31mred b c",
		"héllo wörld":             "héllo w…",
		"short":                   "short",
	}
	for in, want := range cases {
		n := 20
		if strings.HasPrefix(in, "h") {
			n = 9
		}
		if got := Clip(in, n); got != want {
			t.Errorf("Clip(%q, %d) = %q, want %q", in, n, got, want)
		}
	}
}
