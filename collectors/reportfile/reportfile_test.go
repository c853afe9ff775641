package reportfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/internal/repofs"
)

func TestRead(t *testing.T) {
	root := t.TempDir()
	written := time.Now().Add(-3 * time.Hour).Truncate(time.Second)
	if err := os.MkdirAll(filepath.Join(root, "out"), 0o755); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(root, "out", "junit.xml")
	if err := os.WriteFile(report, []byte("<testsuite/>"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(report, written, written); err != nil {
		t.Fatal(err)
	}
	f, err := Read(root, "out/junit.xml")
	if err != nil || string(f.Data) != "<testsuite/>" || f.Rel != "out/junit.xml" || !f.ModTime.Equal(written) || f.Size != 12 {
		t.Fatalf("Read = %+v, %v", f, err)
	}
	if age := f.Age(); age < 3*time.Hour || age > 3*time.Hour+time.Minute {
		t.Errorf("age %v", age)
	}

	// Gone: the operating system's words, and ErrGone to tell it apart.
	_, err = Read(root, "out/missing.xml")
	if !errors.Is(err, ErrGone) || !errors.Is(err, fs.ErrNotExist) || err.Error() != "stat "+filepath.Join(root, "out", "missing.xml")+": no such file or directory" {
		t.Errorf("missing: %v", err)
	}

	// There but not readable: dated, never read, and not gone.
	outside := filepath.Join(t.TempDir(), "secret.xml")
	if err := os.WriteFile(outside, []byte("<testsuite/>"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "out", "link.xml")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(root, "out", "fifo.xml"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]error{"link.xml": repofs.ErrOutside, "fifo.xml": repofs.ErrNotRegular} {
		f, err := Read(root, "out/"+name)
		if !errors.Is(err, want) || errors.Is(err, ErrGone) || f.Data != nil || f.ModTime.IsZero() {
			t.Errorf("%s: %+v, %v", name, f, err)
		}
	}
	big := filepath.Join(root, "out", "big.xml")
	if err := os.WriteFile(big, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, repofs.MaxFileSize+1); err != nil {
		t.Fatal(err)
	}
	if f, err := Read(root, "out/big.xml"); !errors.Is(err, repofs.ErrTooLarge) || f.Size != repofs.MaxFileSize+1 {
		t.Errorf("big: size %d, %v", f.Size, err)
	}
}

func TestCommand(t *testing.T) {
	for _, tc := range []struct {
		files   []string
		details []string
		want    string
	}{
		{[]string{"a.sarif"}, nil, "read a.sarif"},
		{[]string{"a.sarif"}, []string{""}, "read a.sarif ()"},
		{[]string{"a.xml", "b.xml"}, []string{"JUnit XML"}, "read a.xml, b.xml (JUnit XML)"},
		{[]string{"cover.out"}, []string{"go-coverprofile", Written(3*time.Hour + 59*time.Minute)}, "read cover.out (go-coverprofile, written 3h ago)"},
	} {
		if got := Command(tc.files, tc.details...); got != tc.want {
			t.Errorf("Command(%q, %q) = %q, want %q", tc.files, tc.details, got, tc.want)
		}
	}
	if got := AgeSeconds(90*time.Second + 999*time.Millisecond); got != 90 {
		t.Errorf("AgeSeconds = %v", got)
	}
}
