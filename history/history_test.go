package history

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/model"
)

func point(i int) model.HistoryPoint {
	score := float64(50 + i)
	return model.HistoryPoint{
		At: time.Date(2026, 3, 14, 10, i, 0, 0, time.UTC), Verdict: model.NoGo, Score: &score,
		Blockers: map[string]int{"build": 10 - i, "tests": 1},
	}
}

func TestAppendAndLoadPerRepository(t *testing.T) {
	s := At(t.TempDir())
	for i := range 5 {
		if err := s.Append("/repo/a", point(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Append("/repo/b", point(9)); err != nil {
		t.Fatal(err)
	}
	got, err := s.Load("/repo/a", 3)
	if err != nil || len(got) != 3 {
		t.Fatalf("%d points, err %v", len(got), err)
	}
	if got[0].Total() != 9 || got[2].Total() != 7 || *got[2].Score != 54 || !got[2].At.Equal(point(4).At) {
		t.Fatalf("last three, oldest first: %+v", got)
	}
	if b, _ := s.Load("/repo/b", 0); len(b) != 1 {
		t.Fatalf("repository b has %d points", len(b))
	}
	if none, err := s.Load("/repo/never", 10); none != nil || err != nil {
		t.Fatalf("unknown repository: %v %v", none, err)
	}
}

func TestATornLineIsSkippedAndTheFileIsTrimmed(t *testing.T) {
	dir := t.TempDir()
	s := At(dir)
	s.keep, s.max = 4, 600
	if err := s.Append("/r", point(0)); err != nil {
		t.Fatal(err)
	}
	f, _ := os.OpenFile(s.file("/r"), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"at":"2026-03-14T10:0`) // a write cut short
	f.WriteString("\n")
	f.Close()
	for i := 1; i < 10; i++ {
		if err := s.Append("/r", point(i)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Load("/r", 0)
	if err != nil || len(got) > 4+4 || got[len(got)-1].Total() != 2 {
		t.Fatalf("%d points after trimming, last %+v, err %v", len(got), got[len(got)-1], err)
	}
	if st, _ := os.Stat(s.file("/r")); st.Size() > 2*s.max {
		t.Fatalf("file grew to %d bytes", st.Size())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || filepath.Ext(entries[0].Name()) != ".jsonl" {
		t.Fatalf("files left: %v", entries)
	}
}

func TestDefaultFollowsXDGStateHome(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/tmp/state-here")
	s, err := Default()
	if err != nil || s.dir != "/tmp/state-here/preflight/history" {
		t.Fatalf("%v %v", s, err)
	}
	t.Setenv("XDG_STATE_HOME", "")
	t.Setenv("HOME", "/home/ana")
	if s, _ := Default(); s.dir != "/home/ana/.local/state/preflight/history" {
		t.Fatalf("without XDG_STATE_HOME: %s", s.dir)
	}
}
