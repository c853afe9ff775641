package golang

import (
	"fmt"
	"strings"
	"testing"
)

func TestTestProgressCountsTestsAsTheyArrive(t *testing.T) {
	var notes []string
	p := &testProgress{report: func(s string) { notes = append(notes, s) }}
	stream := `{"Action":"run","Package":"x","Test":"TestA"}
{"Action":"pass","Package":"x","Test":"TestA","Elapsed":0}
{"Action":"fail","Package":"x","Test":"TestB","Elapsed":0}
{"Action":"skip","Package":"x","Test":"TestC","Elapsed":0}
{"Action":"fail","Package":"x","Elapsed":0}
`
	// Split mid-line, as pipes do.
	for _, chunk := range []string{stream[:30], stream[30:95], stream[95:]} {
		if _, err := p.Write([]byte(chunk)); err != nil {
			t.Fatal(err)
		}
	}
	if got := p.String(); got != "1 passed, 1 failed, 1 skipped so far" {
		t.Fatalf("progress = %q", got)
	}
	if len(notes) == 0 || notes[len(notes)-1] != p.String() || strings.Contains(strings.Join(notes, "|"), "2 failed") {
		t.Errorf("notes = %q (the package-level fail must not count)", notes)
	}
}

// The live count counts what the final one does (ParseTestJSON): tests
// without subtests, not their parents, so the row does not say "1088
// passed so far" for a run that ends with tests.passed = 1045.
func TestTestProgressCountsWhatTheFinalCountCounts(t *testing.T) {
	stream := `{"Action":"run","Package":"x","Test":"TestTable"}
{"Action":"run","Package":"x","Test":"TestTable/a"}
{"Action":"pass","Package":"x","Test":"TestTable/a","Elapsed":0}
{"Action":"run","Package":"x","Test":"TestTable/b"}
{"Action":"run","Package":"x","Test":"TestTable/b/deep"}
{"Action":"pass","Package":"x","Test":"TestTable/b/deep","Elapsed":0}
{"Action":"pass","Package":"x","Test":"TestTable/b","Elapsed":0}
{"Action":"skip","Package":"x","Test":"TestTable/c","Elapsed":0}
{"Action":"pass","Package":"x","Test":"TestTable","Elapsed":0}
{"Action":"run","Package":"x","Test":"TestBroken"}
{"Action":"run","Package":"x","Test":"TestBroken/one"}
{"Action":"fail","Package":"x","Test":"TestBroken/one","Elapsed":0}
{"Action":"fail","Package":"x","Test":"TestBroken","Elapsed":0}
{"Action":"pass","Package":"y","Test":"TestTable","Elapsed":0}
{"Action":"fail","Package":"x","Elapsed":0}
`
	p := &testProgress{}
	if _, err := p.Write([]byte(stream)); err != nil {
		t.Fatal(err)
	}
	rep, err := ParseTestJSON(strings.NewReader(stream), TestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	final := fmt.Sprintf("%d passed, %d failed, %d skipped so far", rep.Passed, rep.Failed, rep.Skipped)
	if got := p.String(); got != final || got != "3 passed, 1 failed, 1 skipped so far" {
		t.Fatalf("live %q, final %q", got, final)
	}
}
