package yamlpos

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// selfMerge is a compose file whose anchor merges itself: compose-go's YAML
// library expands it for seconds before giving up.
const selfMerge = "services:\n  a: &a\n    image: x:1\n    <<: *a\n"

func TestAnAnchorThatMergesItselfIsRefusedAtOnce(t *testing.T) {
	start := time.Now()
	_, err := Parse([]byte(selfMerge))
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(e.Msg, "too many alias expansions") || e.Line != 4 || e.Column != 9 || !e.Limit || e.Syntax {
		t.Fatalf("err %#v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %s", d)
	}
	// The same input is kept in the fuzz corpus.
	b, err := os.ReadFile(filepath.Join("testdata", "fuzz", "FuzzParse", "self-merge"))
	if err != nil || !strings.Contains(string(b), `\n    <<: *a\n`) {
		t.Errorf("corpus entry: %v %q", err, b)
	}
}

func TestParseBudget(t *testing.T) {
	var b strings.Builder
	for i := range 20000 {
		b.WriteString("k")
		b.WriteString(strings.Repeat("x", i%7))
		b.WriteString(": [a, b, {c: d}]\n")
	}
	lim := DefaultLimits
	lim.Budget = time.Microsecond
	_, err := lim.Parse([]byte(b.String()))
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(e.Msg, "parsing took longer than") || !e.Limit {
		t.Fatalf("err %v", err)
	}
	if _, err := Parse([]byte("a: 1\n")); err != nil {
		t.Fatal(err)
	}
}

func TestTagsTypesAndMerges(t *testing.T) {
	src := "x: &x {a: 1}\njob:\n  script: !reference [.setup, script]\n  n: 0x10\n  f: 1.5\n  b: True\n  s: \"1\"\n  q: !!str 2\ny:\n  c: 3\n  <<: *x\n"
	docs, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	job := docs[0].Get("job")
	if s := job.Get("script"); s.Tag != "!reference" || s.Kind != Seq || s.Items[1].Text() != "script" {
		t.Errorf("script %+v", s)
	}
	for key, want := range map[string]Type{"n": Int, "f": Float, "b": Bool, "s": String} {
		if got := job.Get(key).Type; got != want {
			t.Errorf("%s: type %d, want %d", key, got, want)
		}
	}
	if q := job.Get("q"); q.Tag != "" || q.Text() != "2" {
		t.Errorf("core tags are not kept: %+v", q)
	}
	y := docs[0].Get("y")
	if y.MergeLine != 11 || y.MergeColumn != 3 || y.Get("a").Text() != "1" || job.MergeLine != 0 {
		t.Errorf("merge at %d:%d, a=%q", y.MergeLine, y.MergeColumn, y.Get("a").Text())
	}
	if docs[0].Get("x").Line != 1 || docs[0].Get("x").Column != 7 {
		t.Errorf("a flow map starts at its brace: %+v", docs[0].Get("x"))
	}
}

func TestWalkThroughMapsAndSequences(t *testing.T) {
	docs, err := Parse([]byte("services:\n  api:\n    ports:\n      - \"80:80\"\n      - target: 443\n"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path        []string
		line, depth int
	}{
		{[]string{"services", "api", "ports", "1", "target"}, 5, 5},
		{[]string{"services", "api", "ports", "0"}, 4, 4},
		{[]string{"services", "api", "ports", "2"}, 3, 3},
		{[]string{"services", "api", "ports", "x"}, 3, 3},
		{[]string{"services", "web"}, 1, 1},
	}
	for _, tc := range cases {
		if line, _, depth := docs[0].Walk(tc.path...); line != tc.line || depth != tc.depth {
			t.Errorf("Walk(%v) = line %d depth %d, want %d %d", tc.path, line, depth, tc.line, tc.depth)
		}
	}
}
