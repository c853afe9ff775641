// Package capture holds what the collectors' tests share about captured
// tool output: testdata/captured/manifest.json records how each capture was
// made, and `go test -capture` rewrites it from the real tools.
package capture

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// Dir is where a package's captured output lives, relative to the package.
var Dir = filepath.Join("testdata", "captured")

// ReadManifest decodes the package's manifest into v.
func ReadManifest(t testing.TB, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(Dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", filepath.Join(Dir, "manifest.json"), err)
	}
}

// WriteManifest writes v as dir/manifest.json, indented for review.
func WriteManifest(dir string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "manifest.json"), append(data, '\n'), 0o644)
}
