package compose

import (
	"context"
	"testing"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/fixturetest"
)

// BenchmarkRun measures one run of the collector on the project fixture
// (two configurations: load, check, locate, suppress).
func BenchmarkRun(b *testing.B) {
	root := fixturetest.Testdata(b, "project")
	cs := Detect(root, fixturetest.Files(b, root))
	b.ResetTimer()
	for range b.N {
		if res := cs[0].Run(context.Background(), collectors.Request{Root: root}); res.Status != "ok" {
			b.Fatal(res.Error)
		}
	}
}
