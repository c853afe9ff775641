package golang

import (
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
