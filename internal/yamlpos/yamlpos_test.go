package yamlpos

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestPositionsOfKeysAndValues(t *testing.T) {
	src := "services:\n  api:\n    image: \"nginx:1\"\n    ports: [\"80:80\", {target: 1}]\n    cmd: |\n      a\n      b\n"
	docs, err := Parse([]byte(src))
	if err != nil || len(docs) != 1 {
		t.Fatalf("docs %d err %v", len(docs), err)
	}
	api := docs[0].Path("services", "api")
	if api == nil || api.Kind != Map || api.Line != 3 || api.Column != 5 {
		t.Fatalf("api = %+v", api)
	}
	p, ok := api.Pair("image")
	if !ok || p.Line != 3 || p.Column != 5 || p.Value.Text() != "nginx:1" || p.Value.Column != 12 {
		t.Errorf("image pair %+v value %+v", p, p.Value)
	}
	ports := api.Get("ports")
	if ports.Kind != Seq || len(ports.Items) != 2 || ports.Items[1].Get("target").Text() != "1" || ports.Items[1].Line != 4 {
		t.Errorf("ports %+v", ports)
	}
	if got := api.Get("cmd").Text(); got != "a\nb\n" {
		t.Errorf("literal %q", got)
	}
	if line, col, found := docs[0].Locate("services", "api", "user"); found || line != 2 || col != 3 {
		t.Errorf("Locate missing = %d:%d %v", line, col, found)
	}
	if line, _, found := docs[0].Locate("services", "api", "ports"); !found || line != 4 {
		t.Errorf("Locate ports = %d %v", line, found)
	}
}

func TestAnchorsAliasesAndMergeKeys(t *testing.T) {
	src := `x-a: &a
  restart: always
  user: root
x-b: &b
  user: app
  cpus: 1
services:
  s:
    <<: [*a, *b]
    user: me
  t: *a
`
	docs, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	s := docs[0].Path("services", "s")
	var keys []string
	for _, p := range s.Pairs {
		keys = append(keys, fmt.Sprintf("%s=%s@%d", p.Key, p.Value.Text(), p.Line))
	}
	// Explicit keys first and winning; then the first source's keys; a
	// later source only adds what is still missing.
	if got := strings.Join(keys, " "); got != "user=me@10 restart=always@2 cpus=1@6" {
		t.Errorf("merged keys: %s", got)
	}
	if got := docs[0].Path("services", "t", "user").Text(); got != "root" {
		t.Errorf("alias value %q", got)
	}
}

// The YAML parser drops the document after two markers in a row; Parse
// splits documents itself, so none is lost and lines stay right.
func TestDocumentsAreNotLost(t *testing.T) {
	cases := []struct {
		src  string
		want string // kind@line per document
	}{
		{"a: 1\n---\nb: 2\n", "map@1 map@3"},
		{"a: 1\n---\n---\nb: 2\n", "map@1 null@0 map@4"},
		{"---\na: 1\n---\nb: 2\n---\n", "map@2 map@4 null@0"},
		{"a: 1\n...\n---\nb: 2\n", "map@1 map@4"},
		{"--- |\n  text\n---\nc: [1]\n", "scalar@1 map@4"},
		{"key: \"---\"\n", "map@1"},
		{"", ""},
	}
	for _, tc := range cases {
		docs, err := Parse([]byte(tc.src))
		if err != nil {
			t.Errorf("%q: %v", tc.src, err)
			continue
		}
		var got []string
		for _, d := range docs {
			got = append(got, fmt.Sprintf("%s@%d", [...]string{"null", "scalar", "map", "seq"}[d.Kind], d.Line))
		}
		if g := strings.Join(got, " "); g != tc.want {
			t.Errorf("%q: got %s, want %s", tc.src, g, tc.want)
		}
	}
}

func TestSyntaxErrorsHaveLines(t *testing.T) {
	cases := []struct {
		src  string
		line int
	}{
		{"a: b: c\n", 1},
		{"a: 1\na: 2\n", 2},
		{"ok: 1\n---\nx:\n  - y\n z: 1\n", 5},
		{"a: [\n", 1},
	}
	for _, tc := range cases {
		_, err := Parse([]byte(tc.src))
		var e *Error
		if !errors.As(err, &e) || e.Line != tc.line || e.Msg == "" {
			t.Errorf("%q: err %#v, want line %d", tc.src, err, tc.line)
		}
	}
}

func TestNilAndWrongKindsAreSafe(t *testing.T) {
	var n *Node
	if n.Get("a") != nil || n.Path("a", "b") != nil || n.Text() != "" || n.True() || n.False() || n.Has("a") {
		t.Error("a nil node must read as absent")
	}
	if line, _, found := n.Locate("a"); line != 0 || found {
		t.Error("Locate on nil")
	}
	docs, _ := Parse([]byte("a: [1]\nb: \"true\"\nc: False\n"))
	if docs[0].Path("a", "x") != nil || !docs[0].Get("b").True() || !docs[0].Get("c").False() {
		t.Error("wrong kinds or booleans")
	}
}

func FuzzParse(f *testing.F) {
	f.Add("a: &x {b: 1}\nc:\n  <<: *x\n  d: [1, 2]\n---\n- e\n")
	f.Add("--- |\n  t\n...\n%YAML 1.2\n---\n? [a]\n: b\n")
	f.Add("a: *x\n&y b: !!str 1\n")
	f.Fuzz(func(t *testing.T, src string) {
		docs, err := Parse([]byte(src))
		// YAML breaks lines at CR too; a lone CR counts as a line.
		lines := strings.Count(src, "\n") + strings.Count(src, "\r") - strings.Count(src, "\r\n") + 1
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Line < 0 || e.Line > lines+1 {
				t.Fatalf("error %#v", err)
			}
			return
		}
		var walk func(n *Node, depth int)
		walk = func(n *Node, depth int) {
			if n == nil || depth > 50 {
				return
			}
			if n.Line < 0 || n.Line > lines {
				t.Fatalf("node at line %d of %d", n.Line, lines)
			}
			for _, p := range n.Pairs {
				if p.Line < 0 || p.Line > lines {
					t.Fatalf("key %q at line %d of %d", p.Key, p.Line, lines)
				}
				walk(p.Value, depth+1)
			}
			for _, it := range n.Items {
				walk(it, depth+1)
			}
		}
		for _, d := range docs {
			walk(d, 0)
		}
	})
}
