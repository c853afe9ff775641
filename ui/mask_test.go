package ui

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/preflight-dev/preflight/collectors/npmaudit"
	"github.com/preflight-dev/preflight/collectors/rules"
	"github.com/preflight-dev/preflight/collectors/secrets"
	"github.com/preflight-dev/preflight/model"
)

// The cockpit's tests show source lines through the real masker, as the
// cockpit preflight runs does (cli passes it in Options).
func init() { defaultMask = secrets.MaskLines }

// A cockpit given no masker shows no source line, and one reads only
// regular files inside the repository: a FIFO or a link out is refused.
func TestSourceIsShownOnlyMaskedAndFromTheRepository(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "app.env"), []byte("DB_PASSWORD=hunter2-very-secret\nPORT=1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(outside, "passwd"), []byte("root:x:0:0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "passwd"), filepath.Join(root, "link.txt")); err != nil {
		t.Skip(err)
	}
	if err := syscall.Mkfifo(filepath.Join(root, "fifo.txt"), 0o644); err != nil {
		t.Skip(err)
	}
	if got := hideSource("app.env", []string{"DB_PASSWORD=x"}); strings.Contains(got[0], "DB_PASSWORD") {
		t.Errorf("default masker shows %q", got[0])
	}
	lines, err := readAround(root, filepath.Join(root, "app.env"), 1, 3, secrets.MaskLines, nil)
	if err != nil || strings.Contains(lines[0].text, "hunter2") {
		t.Errorf("masked source: %+v, %v", lines, err)
	}
	for _, name := range []string{"link.txt", "fifo.txt"} {
		if lines, err := readAround(root, filepath.Join(root, name), 1, 3, secrets.MaskLines, nil); err == nil {
			t.Errorf("%s read: %+v", name, lines)
		}
	}
}

// A secrets finding's own line is hidden from the value on even where the
// masker does not know the value: a format only gitleaks knows, under a
// key that names no secret; and where the masker hides another part of
// the line (excalidraw: a URL's path masked as a token, its resourcekey=
// value, which gitleaks reported, left whole). The line is cut as the
// file has it, so the column is the file's.
func TestReportedSecretIsHiddenOnItsLine(t *testing.T) {
	onValue := rules.NewCatalogue(secrets.AllRules(), npmaudit.AllRules())
	const client = "a1b2c3d4e5f60718293a4b5c6d7e8f90"
	const embed = `    "https://drive.google.com/file/d/1AbCdEfGhIjKlMnOpQrStUvWxYz123456/view?resourcekey=0-Xk3pQ9zR7mT2vB";`
	for _, tc := range []struct {
		f    model.Finding
		text string
		want string
	}{
		{model.Finding{Rule: "secrets/gitleaks", Line: 7, Column: 1}, "client_id: " + client, "client_id: [redacted]"},
		{model.Finding{Rule: "secrets/gitleaks", Line: 7, Column: 12}, "client_id: " + client + " # prod", "client_id: [redacted]"},
		{model.Finding{Rule: "secrets/gitleaks", Line: 7, Column: 1}, client, "[redacted]"},
		{model.Finding{Rule: "secrets/gitleaks", Line: 7, Column: strings.Index(embed, "0-Xk3") + 1}, embed, `    "https:[redacted]?resourcekey=[redacted]`},
		{model.Finding{Rule: "npm-audit/high", Line: 7, Column: 1}, `"node_modules/lodash": {`, `"node_modules/lodash": {`},
	} {
		root := t.TempDir()
		if err := os.WriteFile(filepath.Join(root, "f.ts"), []byte("x: 1\n\n\n\n\nx: 1\n"+tc.text+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		var hide func(int, string) string
		if onValue.OnValue(tc.f.Rule) {
			hide = reportedSecretHidden(tc.f)
		}
		lines, err := readAround(root, filepath.Join(root, "f.ts"), 7, 1, secrets.MaskLines, hide)
		if err != nil || len(lines) != 2 {
			t.Fatalf("read %+v, %v", lines, err)
		}
		if lines[1].text != tc.want || lines[0].text != "x: 1" {
			t.Errorf("%s at %d: %q, want %q", tc.f.Rule, tc.f.Column, lines[1].text, tc.want)
		}
	}
}
