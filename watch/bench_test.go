package watch

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/ignore"
)

// genTree writes 5,000 directories (100 with 49 subdirectories each) holding
// 10 files each: 50,000 files, plus a node_modules the watcher must skip.
func genTree(b *testing.B, root string) (dirs int) {
	b.Helper()
	for i := 0; i < 100; i++ {
		top := filepath.Join(root, fmt.Sprintf("pkg%03d", i))
		for j := -1; j < 49; j++ {
			dir := top
			if j >= 0 {
				dir = filepath.Join(top, fmt.Sprintf("mod%02d", j))
			}
			must(b, os.MkdirAll(dir, 0o755))
			dirs++
			for k := 0; k < 10; k++ {
				must(b, os.WriteFile(filepath.Join(dir, fmt.Sprintf("file%d.ts", k)), []byte("x\n"), 0o644))
			}
		}
	}
	must(b, os.MkdirAll(filepath.Join(root, "node_modules", "dep", "lib"), 0o755))
	return dirs + 1 // and the root
}

// BenchmarkSetup measures New (loading the ignore rules, walking the tree
// and adding every watch) plus Close on a 50,000-file tree.
func BenchmarkSetup(b *testing.B) {
	root := b.TempDir()
	dirs := genTree(b, root)
	for b.Loop() {
		m, err := ignore.Load(root)
		if err != nil {
			b.Fatal(err)
		}
		w, err := New(root, m, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if st := w.State(); st.Dirs != dirs || st.Polled != 0 {
			b.Fatalf("state = %+v, want %d dirs watched", st, dirs)
		}
		w.Close()
	}
	b.ReportMetric(float64(dirs), "dirs/op")
}

// BenchmarkWriteToEvent measures the time from a file write to the Event
// naming it: the debounce period plus the pipeline. One op is one write.
func BenchmarkWriteToEvent(b *testing.B) {
	for _, d := range []time.Duration{defaultDebounce, 5 * time.Millisecond} {
		b.Run("debounce="+d.String(), func(b *testing.B) {
			root := b.TempDir()
			genSmall(b, root)
			w, err := New(root, nil, Options{Debounce: d})
			if err != nil {
				b.Fatal(err)
			}
			defer w.Close()
			i := 0
			for b.Loop() {
				i++
				rel := "src/mod3/file.ts"
				must(b, os.WriteFile(filepath.Join(root, filepath.FromSlash(rel)), []byte(strconv.Itoa(i)), 0o644))
				for ev := range w.Events() {
					if slices.Contains(ev.Paths, rel) {
						break
					}
				}
			}
		})
	}
}

func genSmall(b *testing.B, root string) {
	for i := 0; i < 10; i++ {
		dir := filepath.Join(root, "src", "mod"+strconv.Itoa(i))
		must(b, os.MkdirAll(dir, 0o755))
		must(b, os.WriteFile(filepath.Join(dir, "file.ts"), []byte("x"), 0o644))
	}
}
