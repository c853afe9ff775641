package yamlpos

import (
	"errors"
	"strings"
	"testing"
)

func TestParseYAMLPositionsAndValues(t *testing.T) {
	src := `# comment
.defaults: &defaults
  image: node:22
  script:
    - npm test
job:
  <<: *defaults
  image: node:20
  run: |
    echo one
    echo two
  on: [push, pull_request]
  version: 1.10
  flag: true
  empty:
  ref: !reference [.defaults, script]
`
	docs, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 || docs[0].Kind != Map {
		t.Fatalf("docs %+v", docs)
	}
	root := docs[0]
	job := root.Get("job")
	if job == nil || job.Kind != Map {
		t.Fatalf("job %+v", job)
	}
	// The explicit key wins over the merged one; the merged script is the
	// anchor's own node, at the anchor's line.
	if got := job.Get("image"); got.Text() != "node:20" || got.Line != 8 || got.Column != 10 {
		t.Errorf("image %+v", got)
	}
	script := job.Get("script")
	if script == nil || len(script.Items) != 1 || script.Items[0].Text() != "npm test" || script.Items[0].Line != 5 {
		t.Errorf("merged script %+v", script)
	}
	run := job.Get("run")
	if run.Text() != "echo one\necho two\n" || !run.Block || run.Line != 9 {
		t.Errorf("run %+v", run)
	}
	if on := job.Get("on"); len(on.List()) != 2 || on.Items[1].Text() != "pull_request" {
		t.Errorf("on %+v", on)
	}
	if v := job.Get("version"); v.Text() != "1.10" {
		t.Errorf("a number keeps its text: %q", v.Text())
	}
	if v := job.Get("flag"); v.Text() != "true" {
		t.Errorf("flag %q", v.Text())
	}
	if v := job.Get("empty"); v == nil || v.Kind != Null || v.List() != nil {
		t.Errorf("empty %+v", v)
	}
	if ref := job.Get("ref"); ref.Tag != "!reference" || len(ref.Items) != 2 || ref.Items[0].Text() != ".defaults" {
		t.Errorf("ref %+v", ref)
	}
	if k, ok := job.Pair("run"); !ok || k.Line != 9 || k.Column != 3 {
		t.Errorf("key node %+v", k)
	}
	if job.Get("missing") != nil || (*Node)(nil).Get("x") != nil || (*Node)(nil).Text() != "" {
		t.Error("missing keys are nil")
	}
}

func TestParseYAMLErrors(t *testing.T) {
	cases := []struct {
		name, src  string
		line, col  int
		messageHas string
	}{
		{"unclosed flow sequence", "a: [\nb: 1\n", 1, 4, "']'"},
		{"duplicate key", "a: 1\na: 2\n", 2, 1, "already defined"},
		{"bad indentation", "a:\n  - b\n c: d\n", 3, 2, ""},
		{"unterminated quote", "key: \"open\n", 1, 6, "double-quoted"},
		{"unknown alias", "a: *nowhere\n", 1, 4, ""},
		{"merge of a scalar", "x: &x 1\ny:\n  <<: *x\n", 3, 0, "merge"},
	}
	for _, c := range cases {
		_, err := Parse([]byte(c.src))
		var pe *Error
		if !errors.As(err, &pe) {
			t.Errorf("%s: error %v is not a ParseError", c.name, err)
			continue
		}
		if pe.Line != c.line || (c.col != 0 && pe.Column != c.col) || !strings.Contains(pe.Msg, c.messageHas) {
			t.Errorf("%s: got %d:%d %q, want %d:%d containing %q", c.name, pe.Line, pe.Column, pe.Msg, c.line, c.col, c.messageHas)
		}
	}
}

func TestParseYAMLBoundsAliasExpansion(t *testing.T) {
	// Each level refers to the previous one ten times: 10^9 nodes if
	// expanded, which must be refused rather than walked.
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 10; i++ {
		prev := "*a" + string(rune('0'+i-1))
		b.WriteString("a" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [")
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString(prev)
		}
		b.WriteString("]\n")
	}
	_, err := Parse([]byte(b.String()))
	var pe *Error
	if !errors.As(err, &pe) || !strings.Contains(pe.Msg, "too many alias expansions") || pe.Line == 0 {
		t.Fatalf("got %v", err)
	}
	// A few aliases of a big anchor are fine.
	small := "base: &b {a: 1, b: 2, c: [1, 2, 3]}\nx: *b\ny: *b\nz:\n  <<: *b\n  d: 4\n"
	docs, err := Parse([]byte(small))
	if err != nil || docs[0].Get("z").Get("c") == nil || docs[0].Get("z").Get("d").Text() != "4" {
		t.Fatalf("docs %+v, err %v", docs, err)
	}
}

func TestParseYAMLDocuments(t *testing.T) {
	docs, err := Parse([]byte("spec:\n  inputs: {}\n---\njob:\n  script: [make]\n"))
	if err != nil || len(docs) != 2 || docs[1].Get("job").Get("script").Items[0].Text() != "make" {
		t.Fatalf("docs %+v, err %v", docs, err)
	}
	docs, err = Parse(nil)
	if err != nil || len(docs) > 1 || (len(docs) == 1 && !docs[0].Empty()) {
		t.Fatalf("empty input: docs %+v, err %v", docs, err)
	}
}

// checkTree asserts the invariants every consumer relies on.
func checkTree(t *testing.T, n *Node, depth int) {
	if n == nil || depth > DefaultLimits.MaxDepth+2 {
		return
	}
	if n.Kind != Map && len(n.Pairs) > 0 || n.Kind != Seq && len(n.Items) > 0 {
		t.Fatalf("%v node with children of another kind", n.Kind)
	}
	if n.Line < 0 || n.Column < 0 {
		t.Fatalf("negative position %d:%d", n.Line, n.Column)
	}
	for _, p := range n.Pairs {
		if p.Value == nil {
			t.Fatal("nil value")
		}
		checkTree(t, p.Value, depth+1)
	}
	for _, it := range n.Items {
		if it == nil {
			t.Fatal("nil item")
		}
		checkTree(t, it, depth+1)
	}
}

func FuzzParseTree(f *testing.F) {
	f.Add([]byte("on: push\njobs:\n  a:\n    steps:\n      - run: npm test\n"))
	f.Add([]byte("x: &x {a: [1, 2]}\ny:\n  <<: *x\n  b: !reference [.x, a]\n"))
	f.Add([]byte("a: |\n  text\n---\n- [b, {c: d}]\n"))
	f.Add([]byte("a: [\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		docs, err := Parse(src)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.Msg == "" || pe.Line < 0 {
				t.Fatalf("error %v is not a located ParseError", err)
			}
			return
		}
		for _, d := range docs {
			checkTree(t, d, 0)
		}
	})
}
