package compose

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func locatorOf(files map[string]string, order ...string) *Locator {
	return NewLocator(order, func(rel string) ([]byte, error) {
		s, ok := files[rel]
		if !ok {
			return nil, os.ErrNotExist
		}
		return []byte(s), nil
	})
}

func TestLocatorService(t *testing.T) {
	base := "x-common: &common\n  restart: always\n  privileged: true\nservices:\n  api:\n    <<: *common\n    image: a:1\n  web:\n    image: b:1\n"
	over := "services:\n  api:\n    image: a:2\n  extra:\n    image: c:1\n"
	l := locatorOf(map[string]string{"base.yml": base, "over.yml": over}, "base.yml", "over.yml")
	cases := []struct {
		service string
		keys    []string
		file    string
		line    int
	}{
		{"api", []string{"image"}, "over.yml", 3},           // the override wins
		{"api", []string{"privileged"}, "base.yml", 3},      // merged in from the anchor
		{"api", []string{"read_only"}, "base.yml", 5},       // not written: the service
		{"web", nil, "base.yml", 8},                         // the service itself
		{"extra", []string{"healthcheck"}, "over.yml", 4},   // defined only in the override
		{"ghost", []string{"image"}, "base.yml", 0},         // from include/extends elsewhere
		{"api", []string{"image", "deeper"}, "base.yml", 5}, // path through a scalar
	}
	for _, tc := range cases {
		f, line, _ := l.Service(tc.service, tc.keys)
		if f != tc.file || line != tc.line {
			t.Errorf("Service(%s, %v) = %s:%d, want %s:%d", tc.service, tc.keys, f, line, tc.file, tc.line)
		}
	}
	// Neither file has the whole path: the first file with most of it.
	if f, line := l.Find([]string{"services", "api", "ports", "0"}); f != "base.yml" || line != 5 {
		t.Errorf("Find partial = %s:%d", f, line)
	}
	if f, line := l.Find([]string{"services", "api", "image"}); f != "over.yml" || line != 3 {
		t.Errorf("Find whole = %s:%d", f, line)
	}
	if got := l.LineIn("base.yml", []string{"services", "web", "image"}); got != 9 {
		t.Errorf("LineIn = %d", got)
	}
}

func TestLocatorKeepsParseErrors(t *testing.T) {
	l := locatorOf(map[string]string{"a.yml": "a: [\n"}, "a.yml", "gone.yml")
	if pe := l.ParseError("a.yml"); pe == nil || pe.Line != 1 {
		t.Errorf("parse error %v", pe)
	}
	if pe := l.ParseError("gone.yml"); pe == nil || !strings.Contains(pe.Msg, "not exist") {
		t.Errorf("read error %v", pe)
	}
	if f, line, _ := l.Service("x", nil); f != "a.yml" || line != 0 {
		t.Errorf("Service on unparsable files = %s:%d", f, line)
	}
}

// lineCount counts lines as YAML (and the editors) do: a lone carriage
// return ends a line too.
func lineCount(s string) int {
	return strings.Count(strings.ReplaceAll(s, "\r\n", "\n"), "\n") + strings.Count(strings.ReplaceAll(s, "\r\n", ""), "\r") + 1
}

// FuzzLocator feeds arbitrary text to the position locator: it must never
// panic and never point past the end of the file.
func FuzzLocator(f *testing.F) {
	for _, p := range []string{"rules/docker-compose.yml", "project/compose.yaml", "broken/syntax/docker-compose.yml"} {
		b, err := os.ReadFile(filepath.Join("testdata", p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b), "api", "ports")
	}
	f.Add("services: {a: {<<: [*x]}}\n", "a", "0")
	f.Fuzz(func(t *testing.T, text, service, key string) {
		l := locatorOf(map[string]string{"c.yml": text}, "c.yml")
		n := lineCount(text)
		if _, line, _ := l.Service(service, []string{key}); line < 0 || line > n {
			t.Fatalf("Service line %d of %d", line, n)
		}
		if _, line := l.Find([]string{"services", service, key, "0"}); line < 0 || line > n {
			t.Fatalf("Find line %d of %d", line, n)
		}
	})
}

// FuzzCheck loads arbitrary text as a compose file and applies every rule:
// loader errors are fine, panics and findings outside the file are not.
func FuzzCheck(f *testing.F) {
	for _, p := range []string{"rules/docker-compose.yml", "project/compose.yaml", "broken/schema/docker-compose.yml"} {
		b, err := os.ReadFile(filepath.Join("testdata", p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add("services:\n  a:\n    image: redis\n    ports: [\"6379\"]\n    build: {dockerfile_inline: \"FROM x\\nUSER 0\\n\"}\n")
	dir := f.TempDir()
	path := filepath.Join(dir, "compose.yaml")
	f.Fuzz(func(t *testing.T, text string) {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		l := locatorOf(map[string]string{"compose.yaml": text}, "compose.yaml")
		if pe := l.ParseError("compose.yaml"); pe != nil && pe.Limit {
			// The collector never hands such a file to compose-go (an
			// anchor that merges itself costs it seconds): it is
			// compose/invalid at the line the parse error gives.
			if pe.Line < 1 || pe.Line > lineCount(text) || pe.Msg == "" {
				t.Fatalf("bad limit error %+v", pe)
			}
			return
		}
		p, _, err := Load(context.Background(), []string{path})
		if err != nil {
			le := LocateError(err, dir, []string{"compose.yaml"}, l)
			if le.Line < 0 || le.Line > lineCount(text) || le.Msg == "" {
				t.Fatalf("bad load error %+v", le)
			}
			return
		}
		for _, is := range Check(p, BuiltFromDisk, nil) {
			if _, ok := p.Services[is.Service]; !ok || is.Message == "" {
				t.Fatalf("issue for unknown service: %+v", is)
			}
			if _, line, _ := l.Service(is.Service, is.Keys); line < 0 || line > lineCount(text) {
				t.Fatalf("issue %+v placed at line %d", is, line)
			}
		}
	})
}

func TestLoadRecoversFromNothing(t *testing.T) {
	// A missing file is an ordinary error, not a crash.
	_, _, err := Load(context.Background(), []string{filepath.Join(t.TempDir(), "compose.yaml")})
	if err == nil || errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

// An anchor that holds an alias of itself costs compose-go's loader
// seconds (a hundred thousand visits) before it gives up. Where goccy
// reads the line apart from the parser compose-go uses (`&>:` as a key),
// the one compose-go uses decides: the file is a limit error, never loaded.
func TestSelfAliasIsALimitWhicheverParserSeesIt(t *testing.T) {
	for _, text := range []string{"&hardening\n    &>: *hardening", "x: &h\n  a: *h\n"} {
		pe := locatorOf(map[string]string{"compose.yaml": text}, "compose.yaml").ParseError("compose.yaml")
		if pe == nil || !pe.Limit || pe.Line != 2 || !strings.Contains(pe.Msg, "is used inside its own anchor") {
			t.Errorf("%q: %+v", text, pe)
		}
	}
	for _, text := range []string{"x: &h {a: 1}\ny: *h\n", "services: {a: {image: x}}\n", "&h\n  a: [\n"} {
		if pe := locatorOf(map[string]string{"compose.yaml": text}, "compose.yaml").ParseError("compose.yaml"); pe != nil && pe.Limit {
			t.Errorf("%q: a limit error %+v", text, pe)
		}
	}
}
