package repofs

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestReadFileRefusesWhatIsNotOurs(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	must(t, os.WriteFile(filepath.Join(root, "ok.yaml"), []byte("a: 1\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(outside, "passwd"), []byte("root:x:0:0\n"), 0o644))
	must(t, os.Symlink(filepath.Join(outside, "passwd"), filepath.Join(root, "passwd.yaml")))
	must(t, os.Symlink("ok.yaml", filepath.Join(root, "inner.yaml")))
	must(t, syscall.Mkfifo(filepath.Join(root, "READINESS.md"), 0o644))
	must(t, os.Mkdir(filepath.Join(root, "dir"), 0o755))

	if b, err := ReadFile(root, "ok.yaml"); err != nil || string(b) != "a: 1\n" {
		t.Errorf("regular file: %q, %v", b, err)
	}
	if b, err := ReadFile(root, filepath.Join(root, "inner.yaml")); err != nil || string(b) != "a: 1\n" {
		t.Errorf("symlink inside the repository: %q, %v", b, err)
	}
	cases := map[string]error{"passwd.yaml": ErrOutside, "READINESS.md": ErrNotRegular, "dir": ErrNotRegular, "../x": os.ErrNotExist}
	for name, want := range cases {
		if _, err := ReadFile(root, name); !errors.Is(err, want) {
			t.Errorf("%s: got %v, want %v", name, err, want)
		}
	}
}

func TestWriteFileAtomicReplacesALinkNotItsTarget(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	target := filepath.Join(outside, "victim")
	must(t, os.WriteFile(target, []byte("keep"), 0o644))
	link := filepath.Join(root, "READINESS.md")
	must(t, os.Symlink(target, link))
	must(t, WriteFileAtomic(link, []byte("new"), 0o644))
	if b, _ := os.ReadFile(target); string(b) != "keep" {
		t.Errorf("write followed the symlink out: target now %q", b)
	}
	if b, _ := os.ReadFile(link); string(b) != "new" {
		t.Errorf("file not written: %q", b)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
