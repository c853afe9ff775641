package app

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/model"
)

// repoWith makes a repository holding only a preflight.yaml (no built-in
// collector applies), with its own cache and trust store.
func repoWith(t *testing.T, yaml string) string {
	t.Helper()
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	dir := t.TempDir()
	writeConfig(t, dir, yaml)
	return dir
}

func writeConfig(t *testing.T, dir, yaml string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "preflight.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
}

const markerConfig = `custom:
  marker:
    command: touch ran.marker && echo made it
    domain: tests
`

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

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
