package bundle

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// What a page loads when it opens, on two real builds: Vite's (a base
// path, a preloaded chunk, a chunk imported on demand) and pocketbase's
// admin UI (relative scripts from ./libs, TinyMCE loaded when an editor
// opens; the built files stand in with small ones of the same paths).
func TestEntryLoad(t *testing.T) {
	for _, tc := range []struct {
		dir   string
		files []string // what index.html loads
	}{
		{"vite", []string{"assets/index-ZL0HbwtF.js", "assets/price-CB2FG_Hd.js"}},
		{"pocketbase", []string{"assets/index-BMShE0dZ.js", "libs/prism/prism.js", "libs/shablon/shablon.iife.js", "libs/uplot/uplot.iife.js"}},
	} {
		dir := filepath.Join("testdata", "entry", tc.dir)
		m, err := Measure(context.Background(), dir, tc.dir)
		if err != nil {
			t.Fatal(err)
		}
		var want int64
		for _, f := range tc.files {
			if m.JSGzip[f] == 0 {
				t.Fatalf("%s: %s not measured (%v)", tc.dir, f, m.JSGzip)
			}
			want += m.JSGzip[f]
		}
		got, n, ok := EntryLoad(dir, m)
		if !ok || n != len(tc.files) || got != want || got >= m.JSGzipBytes {
			t.Errorf("%s: %d bytes in %d files (ok %v), want %d in %d, of %d in all", tc.dir, got, n, ok, want, len(tc.files), m.JSGzipBytes)
		}
	}
}

// A page's references that are not this build's files are not counted;
// one loaded twice counts once; no index.html is no entry.
func TestEntryLoadReferences(t *testing.T) {
	m := Measurement{JSGzip: map[string]int64{"assets/a.js": 100, "assets/b.js": 10, "lazy.js": 1000}}
	for _, tc := range []struct {
		html  string
		bytes int64
		ok    bool
	}{
		{`<script src="https://cdn.example.com/assets/a.js"></script><script src="//cdn.example.com/lazy.js"></script>`, 0, false},
		{`<script type="module" src="/assets/a.js?v=3"></script><script src="./assets/a.js"></script>`, 100, true},
		{`<link href="/base/assets/b.js" rel="modulepreload"><SCRIPT SRC='assets/a.js'></SCRIPT>`, 110, true},
		{`<link rel="stylesheet" href="/assets/b.js"><script>import('/lazy.js')</script>`, 0, false},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte(tc.html), 0o644); err != nil {
			t.Fatal(err)
		}
		if got, _, ok := EntryLoad(dir, m); got != tc.bytes || ok != tc.ok {
			t.Errorf("%s: %d %v, want %d %v", tc.html, got, ok, tc.bytes, tc.ok)
		}
	}
	if _, _, ok := EntryLoad(t.TempDir(), m); ok {
		t.Error("an output without index.html has an entry")
	}
}

func FuzzEntryLoad(f *testing.F) {
	for _, name := range []string{"vite", "pocketbase"} {
		data, err := os.ReadFile(filepath.Join("testdata", "entry", name, "index.html"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data))
	}
	f.Add(`<script src="%zz"></script><link rel=modulepreload href="../../../etc/passwd">`)
	m := Measurement{JSGzip: map[string]int64{"assets/a.js": 7, "etc/passwd": 1}}
	f.Fuzz(func(t *testing.T, html string) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte(html), 0o644); err != nil {
			t.Fatal(err)
		}
		got, n, ok := EntryLoad(dir, m)
		if got < 0 || got > 8 || n > 2 || ok != (n > 0) {
			t.Fatalf("%d bytes in %d files, ok %v", got, n, ok)
		}
	})
}
