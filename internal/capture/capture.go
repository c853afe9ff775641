// Package capture holds what the collectors' tests share about captured
// tool output: testdata/captured holds what real tools printed on the
// fixtures, manifest.json records how each capture was made, and
// `go test -capture` rewrites them from the real tools.
package capture

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/proc"
)

// Dir is where a package's captured output lives, relative to the package.
var Dir = filepath.Join("testdata", "captured")

// Main is a TestMain: with -capture it runs capture instead of the tests,
// so the captures are rewritten only on request, never by a test run.
func Main(m *testing.M, capture func() error) {
	on := flag.Bool("capture", false, "run the real tools on the fixtures and rewrite the captured output, then exit")
	flag.Parse()
	if !*on {
		os.Exit(m.Run())
	}
	err := os.MkdirAll(Dir, 0o755)
	if err == nil {
		err = capture()
	}
	if err != nil {
		// Reported where the flag package reports a bad command line.
		fmt.Fprintln(flag.CommandLine.Output(), "capture:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// Exec runs one capture command (for five minutes at the most unless it
// says otherwise) and prints what ran and how it exited; an error names
// the run.
func Exec(name string, c proc.Cmd) (proc.Output, error) {
	if c.Timeout == 0 {
		c.Timeout = 5 * time.Minute
	}
	out, err := proc.Run(context.Background(), c)
	if err != nil {
		return out, fmt.Errorf("%s: %v", name, err)
	}
	// Progress goes where the flag package reports, as Main's errors do.
	fmt.Fprintf(flag.CommandLine.Output(), "%-20s exit %d  %s\n", name, out.ExitCode, c.String())
	return out, nil
}

// WriteFiles writes each file of one run as Dir/stem.ext.
func WriteFiles(stem string, files map[string][]byte) error {
	for ext, data := range files {
		if err := os.WriteFile(filepath.Join(Dir, stem+"."+ext), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// WriteOutput writes what one run printed as Dir/stem.stdout and
// Dir/stem.stderr.
func WriteOutput(stem string, out proc.Output) error {
	return WriteFiles(stem, map[string][]byte{"stdout": out.Stdout, "stderr": out.Stderr})
}

// WriteManifest writes v as Dir/manifest.json, indented for review.
func WriteManifest(v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(Dir, "manifest.json"), append(data, '\n'), 0o644)
}

// ReadManifest decodes the package's manifest into v.
func ReadManifest(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(ReadFile(t, "manifest.json"), v); err != nil {
		t.Fatalf("%s: %v", filepath.Join(Dir, "manifest.json"), err)
	}
}

// ReadFile reads Dir/name.
func ReadFile(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(Dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// Manifest is a manifest that records the runs and nothing more.
type Manifest[R any] struct {
	Runs []R `json:"runs"`
}

// Run is one captured run as its manifest records it; its files are
// named after Stem.
type Run interface{ Stem() string }

// Find returns the run among runs whose files are named stem, failing the
// test when the manifest records none.
func Find[R Run](t testing.TB, runs []R, stem string) R {
	t.Helper()
	for _, r := range runs {
		if r.Stem() == stem {
			return r
		}
	}
	t.Fatalf("no captured run %q in %s", stem, filepath.Join(Dir, "manifest.json"))
	var none R
	return none
}

// Load returns the run whose files are named stem from a manifest that
// records the runs and nothing more.
func Load[R Run](t testing.TB, stem string) R {
	t.Helper()
	var man Manifest[R]
	ReadManifest(t, &man)
	return Find(t, man.Runs, stem)
}
