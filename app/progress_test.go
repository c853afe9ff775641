package app

import (
	"context"
	"io"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/internal/fixturetest"
)

// A check that takes a while says how it is getting on while its
// collectors run, and nothing once it is over.
func TestCheckReportsProgress(t *testing.T) {
	dir := fixturetest.RepoWith(t, "custom:\n  slow:\n    command: sleep 1\n    domain: tests\n  quick:\n    command: exit 0\n    domain: tests\n")
	var (
		mu   sync.Mutex
		seen []Progress
	)
	snap, _, done, err := Check(context.Background(), dir, io.Discard, nil, WithTrust(),
		WithProgress(100*time.Millisecond, func(p Progress) {
			mu.Lock()
			defer mu.Unlock()
			seen = append(seen, p)
		}))
	defer done()
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	n := len(seen)
	mu.Unlock()
	if n == 0 {
		t.Fatal("no progress while a collector slept for a second")
	}
	last := seen[n-1]
	if last.Total != len(snap.Collectors) || last.Done+last.Waiting+len(last.Running) != last.Total || last.Done >= last.Total || last.Elapsed <= 0 {
		t.Errorf("last progress %+v of %d collectors", last, len(snap.Collectors))
	}
	if !slices.Contains(last.Running, "custom:slow") {
		t.Errorf("last progress %+v: custom:slow runs longest", last)
	}
	time.Sleep(300 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != n {
		t.Errorf("progress went on after the check: %d reports, then %d", n, len(seen))
	}
}
