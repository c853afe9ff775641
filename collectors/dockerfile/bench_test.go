package dockerfile

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkAnalyze measures parsing and checking the bad fixture, which
// exercises every rule.
func BenchmarkAnalyze(b *testing.B) {
	src, err := os.ReadFile(filepath.Join("testdata", "bad", "Dockerfile"))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := Analyze("Dockerfile", src); err != nil {
			b.Fatal(err)
		}
	}
}
