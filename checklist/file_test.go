package checklist

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/internal/fixturetest"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o640); err != nil {
		t.Fatal(err)
	}
}

// hook sets beforeWrite for one test.
func hook(t *testing.T, fn func(path string)) {
	t.Helper()
	old := beforeWrite
	beforeWrite = fn
	t.Cleanup(func() { beforeWrite = old })
}

func TestTickReappliesOnContentThatChangedOnDisk(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	writeFile(t, path, "## Build\n- [ ] backend compiles\n- [ ] web compiles\n")
	ref := Parse(FileName, []byte(fixturetest.ReadFile(t, path))).Items[1].Ref()

	// Between preflight reading the file and writing it, someone saves a
	// new item above and ticks another one by hand.
	edits := 0
	hook(t, func(p string) {
		if edits == 0 {
			writeFile(t, p, "## Build\n- [ ] added in the editor\n- [x] backend compiles\n- [ ] web compiles\n")
		}
		edits++
	})
	it, err := Tick(path, ref, true, rec)
	if err != nil {
		t.Fatal(err)
	}
	want := "## Build\n- [ ] added in the editor\n- [x] backend compiles\n- [x] web compiles " + formatRecord(rec) + "\n"
	if got := fixturetest.ReadFile(t, path); got != want {
		t.Fatalf("file:\n%s\nwant:\n%s", got, want)
	}
	if edits != 2 || it.Line != 4 {
		t.Fatalf("edit applied %d times, item at line %d; want a second attempt on the fresh content at line 4", edits, it.Line)
	}
	assertNoTempFiles(t, filepath.Dir(path))
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o640 {
		t.Fatalf("mode %v, want the file's own 0640", st.Mode().Perm())
	}
}

func TestConcurrentEditsAreNeverLost(t *testing.T) {
	// Two writers: preflight ticking every item in turn, and an "editor"
	// appending a line at the worst moment each time. Every item ends
	// ticked and every appended line is there.
	path := filepath.Join(t.TempDir(), FileName)
	var b strings.Builder
	b.WriteString("## Build\n")
	for i := range 20 {
		b.WriteString("- [ ] item " + itoa(i) + "\n")
	}
	writeFile(t, path, b.String())
	appended, ticking := 0, 0
	hook(t, func(p string) {
		if appended <= ticking { // once per tick, before its first write
			f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Error(err)
				return
			}
			f.WriteString("note " + itoa(appended) + "\n")
			f.Close()
			appended++
		}
	})
	for i := range 20 {
		ticking = i
		if _, err := Tick(path, Ref{Line: i + 2, Text: "item " + itoa(i)}, true, rec); err != nil {
			t.Fatalf("item %d: %v", i, err)
		}
	}
	got := fixturetest.ReadFile(t, path)
	for i := range 20 {
		if !strings.Contains(got, "- [x] item "+itoa(i)+" <!-- checked:") || !strings.Contains(got, "note "+itoa(i)+"\n") {
			t.Fatalf("lost item or note %d:\n%s", i, got)
		}
	}
	assertNoTempFiles(t, filepath.Dir(path))
}

func TestUpdateGivesUpWhenTheFileNeverSettles(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	writeFile(t, path, "- [ ] a\n")
	n := 0
	hook(t, func(p string) {
		n++
		writeFile(t, p, "- [ ] a\n"+strings.Repeat("x\n", n))
	})
	_, err := Tick(path, Ref{Line: 1, Text: "a"}, true, rec)
	if err == nil || !strings.Contains(err.Error(), "kept changing") || n != maxAttempts {
		t.Fatalf("err %v after %d attempts", err, n)
	}
	if got := fixturetest.ReadFile(t, path); strings.Contains(got, "[x]") {
		t.Fatalf("a tick was written over a changing file:\n%s", got)
	}
	assertNoTempFiles(t, filepath.Dir(path))
}

func TestTickLeavesAFileWithConflictsUntouched(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	src := "## A\n<<<<<<< HEAD\n- [ ] one\n=======\n- [x] one\n>>>>>>> theirs\n"
	writeFile(t, path, src)
	_, err := Tick(path, Ref{Line: 3, Text: "one"}, true, rec)
	var pe *ProblemError
	if !errors.As(err, &pe) || fixturetest.ReadFile(t, path) != src {
		t.Fatalf("err %v; file %q", err, fixturetest.ReadFile(t, path))
	}
}

func TestTickThroughASymlinkKeepsTheLink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "docs-readiness.md")
	writeFile(t, real, "- [ ] a\n")
	link := filepath.Join(dir, FileName)
	if err := os.Symlink(real, link); err != nil {
		t.Skip("no symlinks here:", err)
	}
	if _, err := Tick(link, Ref{Line: 1, Text: "a"}, true, rec); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatal("the link was replaced by a file")
	}
	if !strings.HasPrefix(fixturetest.ReadFile(t, real), "- [x] a") {
		t.Fatal("the target was not ticked")
	}
}

func TestAcknowledgeCreatesTheFileAndCreateRefusesToReplace(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	if err := Acknowledge(path, ack("accepted for the beta")); err != nil {
		t.Fatal(err)
	}
	d := Parse(FileName, []byte(fixturetest.ReadFile(t, path)))
	if len(d.Acks) != 1 || d.Acks[0].Reason != "accepted for the beta" || len(d.Problems) > 0 {
		t.Fatalf("%+v %v", d.Acks, d.Problems)
	}
	if err := Withdraw(path, d.Acks[0].Finding); err != nil {
		t.Fatal(err)
	}
	if d := Parse(FileName, []byte(fixturetest.ReadFile(t, path))); len(d.Acks) != 0 {
		t.Fatal("withdrawn acknowledgment still there")
	}
	if err := Create(path, []byte("x")); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("Create over an existing file: %v", err)
	}
}

func assertNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Fatalf("temporary file left behind: %s", e.Name())
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// A READINESS.md that links out of the repository is neither read nor
// written through: the file outside keeps its bytes.
func TestTickRefusesALinkOutOfTheRepository(t *testing.T) {
	repo, outside := t.TempDir(), t.TempDir()
	target := filepath.Join(outside, "victim.md")
	writeFile(t, target, "- [ ] a\n")
	link := filepath.Join(repo, FileName)
	if err := os.Symlink(target, link); err != nil {
		t.Skip("no symlinks here:", err)
	}
	if _, err := Tick(link, Ref{Line: 1, Text: "a"}, true, rec); err == nil || !strings.Contains(err.Error(), "outside the repository") {
		t.Errorf("tick through a link out: err = %v", err)
	}
	if got := fixturetest.ReadFile(t, target); got != "- [ ] a\n" {
		t.Errorf("the file outside the repository was written: %q", got)
	}
	if _, err := Load(repo); err == nil {
		t.Error("a READINESS.md linking out of the repository must not be read")
	}
}

// A FIFO named READINESS.md must not hang Load (a plain open blocks until
// a writer appears).
func TestLoadRefusesAFIFO(t *testing.T) {
	repo := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(repo, FileName), 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	done := make(chan error, 1)
	go func() { _, err := Load(repo); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("err = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Load hangs on a FIFO")
	}
}

// A byte order mark must not hide the first item, and ticking keeps it.
func TestByteOrderMarkKeepsTheFirstItem(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	writeFile(t, path, "\xef\xbb\xbf- [ ] first\n- [ ] second\n")
	d, err := Load(filepath.Dir(path))
	if err != nil || len(d.Items) != 2 || d.Items[0].Text != "first" {
		t.Fatalf("items %+v err %v", d, err)
	}
	if _, err := Tick(path, Ref{Line: 1, Text: "first"}, true, rec); err != nil {
		t.Fatal(err)
	}
	if got := fixturetest.ReadFile(t, path); !strings.HasPrefix(got, "\xef\xbb\xbf- [x] first") || !strings.Contains(got, "\n- [ ] second\n") {
		t.Errorf("after tick: %q", got)
	}
}
