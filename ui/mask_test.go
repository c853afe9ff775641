package ui

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/preflight-dev/preflight/collectors/secrets"
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
	lines, err := readAround(root, filepath.Join(root, "app.env"), 1, 3, secrets.MaskLines)
	if err != nil || strings.Contains(lines[0].text, "hunter2") {
		t.Errorf("masked source: %+v, %v", lines, err)
	}
	for _, name := range []string{"link.txt", "fifo.txt"} {
		if lines, err := readAround(root, filepath.Join(root, name), 1, 3, secrets.MaskLines); err == nil {
			t.Errorf("%s read: %+v", name, lines)
		}
	}
}
