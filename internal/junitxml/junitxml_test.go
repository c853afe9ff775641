package junitxml

import (
	"encoding/xml"
	"testing"
)

func TestCountsReadLenientlyAndWriteAsNumbers(t *testing.T) {
	var s Suite
	in := `<testsuite tests=" 3 " failures="x" errors="-2"><testcase name="a" line="12"/><testcase name="b" line="0x1"/></testsuite>`
	if err := xml.Unmarshal([]byte(in), &s); err != nil {
		t.Fatal(err)
	}
	if s.Tests != 3 || s.Failures != 0 || s.Errors != 0 || s.Cases[0].Line != 12 || s.Cases[1].Line != 0 {
		t.Errorf("read %+v", s)
	}
	out, err := xml.Marshal(Suite{XMLName: xml.Name{Local: "testsuites"}, Tests: 2, Suites: []Suite{{Name: "s", Cases: []Case{{Name: "c", Line: 4}, {Name: "d"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	want := `<testsuites name="" tests="2" failures="0" errors="0" skipped="0" time="">` +
		`<testsuite name="s" tests="0" failures="0" errors="0" skipped="0" time="">` +
		`<testcase name="c" classname="" time="" line="4"></testcase><testcase name="d" classname="" time=""></testcase>` +
		`</testsuite></testsuites>`
	if string(out) != want {
		t.Errorf("wrote %s\nwant  %s", out, want)
	}
}
