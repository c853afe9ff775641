package custom

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/preflight-dev/preflight/collectors"
)

// TestSARIFReaderReadsARealStaticcheckLog reads the staticcheck SARIF log the
// sarif collector's fixtures captured, as a custom collector's report.
func TestSARIFReaderReadsARealStaticcheckLog(t *testing.T) {
	root, err := filepath.Abs("../sarif/testdata/tree")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, "reports", "staticcheck.sarif"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Read(Spec{Output: collectors.ReadSARIF}, Input{Data: data, Root: root, Dir: root})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Findings) == 0 || got.Facts["results"] != float64(len(got.Findings)) {
		t.Fatalf("findings %d, facts %v", len(got.Findings), got.Facts)
	}
	for _, f := range got.Findings {
		if f.Rule == "" || f.File == "" || f.Line == 0 || filepath.IsAbs(f.File) {
			t.Errorf("finding not located in the repo: %+v", f)
		}
		if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(f.File))); err != nil {
			t.Errorf("%s does not exist in the tree: %v", f.File, err)
		}
	}
	if _, err := Read(Spec{Output: collectors.ReadSARIF}, Input{Data: []byte("{not sarif"), Root: root, Dir: root}); err == nil {
		t.Error("a broken log must be an error, never a clean pass")
	}
}
