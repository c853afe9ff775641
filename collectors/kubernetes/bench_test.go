package kubernetes

import (
	"context"
	"testing"

	"github.com/preflight-dev/preflight/collectors"
)

// BenchmarkRun measures one run over the manifests fixture: listing,
// reading, parsing, checking and suppressions.
func BenchmarkRun(b *testing.B) {
	c := &Collector{id: "kubernetes:manifests", dir: "manifests"}
	req := collectors.Request{Root: testdata(b)}
	b.ResetTimer()
	for range b.N {
		if res := c.Run(context.Background(), req); res.Status != "ok" {
			b.Fatal(res.Error)
		}
	}
}
