package ui

import (
	"bytes"
	"errors"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/preflight-dev/preflight/model"
)

// cachedShop is the fixture as the cache hands it back: every result
// stale, nothing running.
func cachedShop(root string) model.Snapshot {
	s := fixtureSnapshot(root)
	s.FromCache = true
	var kept []model.CollectorState
	for _, c := range s.Collectors {
		if c.FinishedAt.IsZero() {
			continue // the cache keeps finished results only
		}
		c.Stale = true
		kept = append(kept, c)
	}
	s.Collectors = kept
	return s
}

// waitOutput waits until the program has written every one of want, and
// says so if it never does.
func waitOutput(t *testing.T, tm *teatest.TestModel, want ...string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		for _, w := range want {
			if !bytes.Contains(b, []byte(w)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(programTimeout))
}

// The scan cannot return before release is closed, so whatever the
// program draws before that was drawn while the repository was still
// being scanned: the cached rows, the scanning notice, and the keys that
// work on them.
func TestProgramDrawsTheCacheBeforeTheScanReturns(t *testing.T) {
	root := fixtureRoot(t)
	updates := make(chan model.Snapshot)
	release := make(chan struct{})
	returned := make(chan struct{})
	reruns := make(chan []string, 4)
	scan := func() error {
		defer close(returned)
		<-release
		return nil
	}
	tm := startProgram(t, Options{Root: root, Initial: cachedShop(root), Updates: updates, Scan: scan,
		Rerun: func(ids []string) { reruns <- ids }}, 120, 30)

	waitOutput(t, tm, "typescript:backend", "go-test:api", "scanning the repository")
	// Moving and folding work on the cached rows; a rerun has no engine
	// to go to yet and says so.
	send(tm, "j", "j", "h", "R") // onto typescript:backend, fold it
	waitOutput(t, tm, "still scanning the repository")
	select {
	case <-returned:
		t.Fatal("the scan returned before it was released")
	default:
	}
	if len(reruns) != 0 {
		t.Fatalf("a rerun reached the engine during the scan: %v", <-reruns)
	}

	close(release)
	<-returned
	// The engine the scan built publishes: fresh results replace the
	// cached ones.
	fresh := withCollector(fixtureSnapshot(root), "typescript:backend", func(c *model.CollectorState) bool {
		c.Findings, c.Facts, c.ExitCode = nil, map[string]float64{"errors": 0}, 0
		return true
	})
	fresh.Collectors = append(fresh.Collectors, model.CollectorState{Result: model.Result{
		Collector: "eslint:web", Kind: "eslint", Domain: "lint", Status: model.StatusOK,
		StartedAt: at(14, 4, 59, 0), FinishedAt: at(14, 5, 0, 0), Duration: time.Second,
	}})
	fresh.Generation = 8
	push(t, updates, fresh)
	send(tm, "R")
	select {
	case <-reruns:
	case <-time.After(programTimeout):
		t.Fatal("after the scan, a rerun did not reach the engine")
	}

	m := finalModel(t, tm)
	if m.scanning || m.ScanErr() != nil {
		t.Fatalf("scanning %v, error %v after the scan returned", m.scanning, m.ScanErr())
	}
	if open, set := m.folds[collectorKey("typescript:backend")]; !set || open {
		t.Fatalf("the fold made during the scan was lost: open %v, set %v", open, set)
	}
	if m.snap.FromCache || m.snap.Generation != 8 {
		t.Fatalf("the fresh snapshot did not replace the cached one: from cache %v, generation %d", m.snap.FromCache, m.snap.Generation)
	}
	out := screen(m)
	for _, gone := range []string{"scanning", "cached"} {
		if bytes.Contains([]byte(out), []byte(gone)) {
			t.Errorf("the screen still says %q after the scan:\n%s", gone, out)
		}
	}
	if !regexp.MustCompile(`typescript:backend +clean`).MatchString(out) {
		t.Errorf("typescript:backend still shows its cached blockers, not the fresh clean run:\n%s", out)
	}
	if !slices.Contains(rowIDs(m), domainKey("lint")) {
		t.Errorf("the domain of a collector the scan found has no row: %v", rowIDs(m))
	}
}

// Without a cache the first frame comes at once too: an empty tree that
// says it is still looking.
func TestProgramWithoutCacheSaysItIsScanning(t *testing.T) {
	root := fixtureRoot(t)
	release := make(chan struct{})
	defer close(release)
	tm := startProgram(t, Options{Root: root, Initial: model.Snapshot{Root: root, Generation: 1},
		Scan: func() error { <-release; return nil }}, 100, 24)
	waitOutput(t, tm, "Looking for things to check", "scanning the repository")
	send(tm, "T")
	waitOutput(t, tm, "still scanning the repository")
	send(tm, "q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(programTimeout))
}

// A scan that fails (an invalid preflight.yaml, an unreadable ignore
// file) ends the cockpit, and the error is kept for the caller to print.
func TestProgramEndsOnAScanError(t *testing.T) {
	boom := errors.New("reading ignore rules of /repo: permission denied")
	tm := startProgram(t, Options{Scan: func() error { return boom }}, 100, 24)
	m := tm.FinalModel(t, teatest.WithFinalTimeout(programTimeout)).(Model)
	if !errors.Is(m.ScanErr(), boom) {
		t.Fatalf("ScanErr = %v, want %v", m.ScanErr(), boom)
	}
}
