package secrets

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/preflight-dev/preflight/collectors"
)

// TestFixturesUnderTestdataAreNotScanned keeps the secrets scan in step with
// detection: testdata holds fixtures, on the first run and on reruns alike.
func TestFixturesUnderTestdataAreNotScanned(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("PATH", t.TempDir()) // no gitleaks: the built-in scanner alone
	root := t.TempDir()
	write := func(rel, body string) {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("config/app.yaml", "database:\n  password: changeme\n")
	write("svc/testdata/app.yaml", "database:\n  password: changeme\n")
	cols := Detect(root, []string{"config/app.yaml"})
	if len(cols) != 1 {
		t.Fatalf("%d collectors", len(cols))
	}
	for i, req := range []collectors.Request{
		{Root: root, Mode: collectors.Watch},
		{Root: root, Mode: collectors.Watch, Changed: []string{"svc/testdata/app.yaml", "config/app.yaml"}},
		{Root: root, Mode: collectors.Watch}, // a full rescan lists the tree itself
	} {
		res := cols[0].Run(context.Background(), req)
		if len(res.Findings) != 1 || res.Findings[0].File != "config/app.yaml" {
			t.Fatalf("run %d: %+v", i, res.Findings)
		}
	}
}
