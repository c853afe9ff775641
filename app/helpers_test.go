package app

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/model"
)

// openSession opens a session on dir as the cockpit does, closed when the
// test ends.
func openSession(t *testing.T, dir string, opts ...Option) *Session {
	t.Helper()
	s, err := Open(dir, collectors.Watch, io.Discard, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.engine.Close)
	return s
}

// watching opens a session on dir that watches it until the test ends.
func watching(t *testing.T, dir string, opts ...Option) *Session {
	t.Helper()
	s := openSession(t, dir, opts...)
	ctx, cancel := context.WithCancel(context.Background())
	stop := s.Watch(ctx)
	t.Cleanup(func() { cancel(); stop() })
	return s
}

// trustElsewhere trusts dir as `preflight trust` in another terminal does.
func trustElsewhere(t *testing.T, dir string) {
	t.Helper()
	if _, err := TrustRepo(dir); err != nil {
		t.Fatal(err)
	}
}

// checkOnce is one check of dir, as `preflight check` runs it, without the
// secrets scan every repository gets: these tests are about the configured
// collectors.
func checkOnce(t *testing.T, dir string) model.Snapshot {
	t.Helper()
	snap, _, done, err := Check(context.Background(), dir, io.Discard, nil)
	defer done()
	if err != nil {
		t.Fatal(err)
	}
	kept := snap.Collectors[:0]
	for _, c := range snap.Collectors {
		if !strings.HasPrefix(c.Collector, "secrets:") {
			kept = append(kept, c)
		}
	}
	snap.Collectors = kept
	return snap
}
