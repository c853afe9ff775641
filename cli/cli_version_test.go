package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Two builds from source are both "dev"; the results one measured must not
// be reused by the next, so the cache tells them apart by the executable.
func TestCacheVersionTellsBuildsFromSourceApart(t *testing.T) {
	exe := filepath.Join(t.TempDir(), "preflight")
	if err := os.WriteFile(exe, []byte("build one"), 0o755); err != nil {
		t.Fatal(err)
	}
	first := buildStamp(exe)
	if err := os.WriteFile(exe, []byte("build two"), 0o755); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(exe, later, later); err != nil {
		t.Fatal(err)
	}
	if again := buildStamp(exe); again == first {
		t.Errorf("a rebuilt executable has the stamp of the one before: %s", again)
	}
	if a, b := buildStamp(exe), buildStamp(exe); a != b {
		t.Errorf("the same executable has two stamps: %s and %s", a, b)
	}
	if v := cacheVersion(); version() == "dev" && !strings.HasPrefix(v, "dev+") {
		t.Errorf("a build from source caches under %q", v)
	}
	saved := Version
	Version = "v1.2.3"
	defer func() { Version = saved }()
	if v := cacheVersion(); v != "v1.2.3" {
		t.Errorf("a release caches under %q, want its version", v)
	}
}
