package textsafe

import (
	"encoding/xml"
	"strings"
	"testing"
)

func TestEscapeLeavesNoControlByte(t *testing.T) {
	in := "title\x1b]0;pwned\x07 bell\x07 \x9b31m csi\u009b del\x7f bad\xff ok ✓\n\tnext"
	got := Escape(in)
	for i := 0; i < len(got); i++ {
		if c := got[i]; (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f {
			t.Fatalf("control byte %#x left in %q", c, got)
		}
	}
	if strings.ContainsRune(got, '\u009b') {
		t.Errorf("C1 CSI left in %q", got)
	}
	for _, want := range []string{`\x1b]0;pwned\x07`, `\x7f`, `\xff`, `\u009b`, "ok ✓\n\tnext"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
	if s := "plain ✓ text\n"; Escape(s) != s {
		t.Error("clean text must pass unchanged")
	}
}

func TestXMLIsAlwaysWellFormed(t *testing.T) {
	for _, in := range []string{"a\x1bb", "bad\xff\xfe", "nul\x00", "fine ✓", "\uFFFE"} {
		var v struct {
			XMLName xml.Name `xml:"t"`
			A       string   `xml:"a,attr"`
			Body    string   `xml:",chardata"`
		}
		v.A, v.Body = XML(in), XML(in)
		data, err := xml.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if err := xml.Unmarshal(data, &v); err != nil {
			t.Errorf("%q: not well-formed: %v\n%s", in, err, data)
		}
	}
}

func TestPathEncodingIsReversible(t *testing.T) {
	for _, p := range []string{"src/caf\xe9.go", "a\x1b[31m.ts", "100%/x.go", "plain/ü.go"} {
		enc := EncodePath(p)
		if PathNeedsEncoding(enc) {
			t.Errorf("%q still needs encoding: %q", p, enc)
		}
		back, err := DecodePath(enc)
		if err != nil || back != p {
			t.Errorf("%q → %q → %q (%v)", p, enc, back, err)
		}
	}
	if EncodePath("plain/ü.go") != "plain/ü.go" {
		t.Error("a UTF-8 name must stay as it is")
	}
}
