package bundle

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkMeasure: an output of 200 files, half of them JavaScript of
// 20 kB each (4 MB in all).
func BenchmarkMeasure(b *testing.B) {
	tr := tree{t: b, root: b.TempDir()}
	for i := 0; i < 100; i++ {
		tr.write(fmt.Sprintf("dist/chunks/c%03d.js", i), incompressible(20_000, int64(i)), time.Now())
		tr.write(fmt.Sprintf("dist/img/i%03d.png", i), make([]byte, 20_000), time.Now())
	}
	b.ReportAllocs()
	for b.Loop() {
		m, err := Measure(context.Background(), filepath.Join(tr.root, "dist"), "dist")
		if err != nil || m.Files != 200 {
			b.Fatal(m.Files, err)
		}
	}
}
