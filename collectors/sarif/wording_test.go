package sarif

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/model"
)

type wording struct{ Status, Command, Output, Error, Hint string }

func wordingOf(r model.Result) wording {
	return wording{string(r.Status), r.Command, r.Output, r.Error, r.Hint}
}

// What a result says, to the byte, for reports that cannot be read.
func TestUnreadableReportWording(t *testing.T) {
	root := t.TempDir()
	write := func(name, text string) string {
		t.Helper()
		p := filepath.Join(root, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	big := write("big.sarif", "")
	if err := os.Truncate(big, MaxSize+1); err != nil {
		t.Fatal(err)
	}
	over := write("over.sarif", "")
	if err := os.Truncate(over, 20<<20); err != nil {
		t.Fatal(err)
	}
	write("empty.sarif", `{"version":"2.1.0","runs":[]}`)
	write("html.sarif", "<html>502</html>")
	cases := map[string]wording{
		"gone.sarif": {Status: "error", Error: "cannot read gone.sarif: stat " + filepath.Join(root, "gone.sarif") + ": no such file or directory"},
		"big.sarif":  {Status: "error", Error: "big.sarif is larger than 64 MiB"},
		"over.sarif": {Status: "error", Error: "cannot read over.sarif: read " + over + ": file too large: 20971520 bytes, the limit is 16777216"},
		// A log without runs names no tool.
		"empty.sarif": {Status: "ok", Command: "read empty.sarif ()",
			Output: "empty.sarif: 0 runs (), 0 results: nothing to report; 0 suppressed or fixed, 0 passed"},
	}
	for file, want := range cases {
		res := run(t, &Collector{file: file, id: "sarif:x"}, root)
		if g := wordingOf(res); !reflect.DeepEqual(g, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", file, g, want)
		}
	}
	res := run(t, &Collector{file: "html.sarif", id: "sarif:x"}, root)
	if res.Command != "read html.sarif" || !strings.HasPrefix(res.Error, "html.sarif: ") || res.Output != "<html>502</html>" {
		t.Errorf("malformed: %+v", wordingOf(res))
	}
}

// A source edited within a second of the report does not make it stale;
// the summary names the tool and counts results by severity.
func TestFreshReportWording(t *testing.T) {
	root := copyTree(t)
	st, err := os.Stat(filepath.Join(root, "reports", "staticcheck.sarif"))
	if err != nil {
		t.Fatal(err)
	}
	edited := st.ModTime().Add(time.Second)
	if err := os.Chtimes(filepath.Join(root, "svc", "main.go"), edited, edited); err != nil {
		t.Fatal(err)
	}
	want := wording{Status: "ok", Command: "read reports/staticcheck.sarif (Staticcheck)",
		Output: "reports/staticcheck.sarif: 1 runs (Staticcheck), 3 results: 3 medium; 0 suppressed or fixed, 0 passed"}
	if g := wordingOf(run(t, &Collector{file: "reports/staticcheck.sarif", id: "sarif:staticcheck"}, root)); !reflect.DeepEqual(g, want) {
		t.Errorf("\n got %+v\nwant %+v", g, want)
	}
}
