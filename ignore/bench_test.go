package ignore

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// genTree writes 5,000 directories (100 × 49 nested under them, plus the
// 100) with 10 files each: 50,000 files, a typical .gitignore, and a
// node_modules that the walk must not enter.
func genTree(tb testing.TB, root string) (dirs, files int) {
	tb.Helper()
	write := func(p string) {
		if err := os.WriteFile(p, []byte("x\n"), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	for i := 0; i < 100; i++ {
		top := filepath.Join(root, fmt.Sprintf("pkg%03d", i))
		for j := -1; j < 49; j++ {
			dir := top
			if j >= 0 {
				dir = filepath.Join(top, fmt.Sprintf("mod%02d", j))
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				tb.Fatal(err)
			}
			dirs++
			for k := 0; k < 10; k++ {
				write(filepath.Join(dir, fmt.Sprintf("file%d.ts", k)))
				files++
			}
		}
	}
	if err := os.WriteFile(filepath.Join(root, ".gitignore"), []byte("*.log\n/coverage/\n*.tmp\n.env\n!.env.example\ngenerated/\n"), 0o644); err != nil {
		tb.Fatal(err)
	}
	files++
	nm := filepath.Join(root, "node_modules", "dep", "lib")
	if err := os.MkdirAll(nm, 0o755); err != nil {
		tb.Fatal(err)
	}
	for k := 0; k < 100; k++ {
		write(filepath.Join(nm, fmt.Sprintf("f%d.js", k)))
	}
	return dirs, files
}

// BenchmarkListFiles loads the matcher and lists a 50,000-file tree, with
// and without git (git adds `git ls-files` and the tracked-set lookups).
func BenchmarkListFiles(b *testing.B) {
	root := b.TempDir()
	_, want := genTree(b, root)
	run := func(b *testing.B) {
		for b.Loop() {
			m, err := Load(root)
			if err != nil {
				b.Fatal(err)
			}
			files, err := ListFiles(root, m)
			if err != nil {
				b.Fatal(err)
			}
			if len(files) != want {
				b.Fatalf("listed %d files, want %d", len(files), want)
			}
		}
		b.ReportMetric(float64(want), "files/op")
	}
	b.Run("plain", run)
	requireGit(b)
	hermeticGit(b)
	git(b, root, "init", "-q")
	git(b, root, "add", "-A")
	b.Run("git", run)
}
