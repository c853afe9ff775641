package engine

import (
	"context"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/model"
)

// timed is a collector with its own timeout, as preflight.yaml sets it.
type timed struct {
	fake
	timeout time.Duration
}

func (t *timed) Timeout() time.Duration { return t.timeout }

func TestACollectorsOwnTimeoutReplacesTheDefault(t *testing.T) {
	got := make(chan time.Duration, 2)
	run := func(_ context.Context, req collectors.Request) model.Result {
		got <- req.Timeout
		return okResult()
	}
	own := &timed{fake: fake{id: "fake:own", run: run}, timeout: 42 * time.Second}
	dflt := &timed{fake: fake{id: "fake:default", run: run}} // 0: no opinion
	e := New("/repo", []collectors.Collector{own}, Options{Timeout: 7 * time.Second})
	defer e.Close()
	e.RunAll("start")
	e.Wait()
	if d := <-got; d != 42*time.Second {
		t.Errorf("own timeout: request got %s", d)
	}
	e.SetCollectors([]collectors.Collector{own, dflt})
	e.Wait()
	if d := <-got; d != 7*time.Second {
		t.Errorf("no own timeout: request got %s, want the engine's 7s", d)
	}
}

func TestSnapshotsCarryThePolicy(t *testing.T) {
	a := &fake{id: "fake:a", run: func(context.Context, collectors.Request) model.Result { return okResult() }}
	e := New("/repo", []collectors.Collector{a}, Options{})
	defer e.Close()
	if e.Snapshot().Policy != nil {
		t.Fatal("a new engine has the built-in policy")
	}
	p := &model.Policy{Gate: []string{"build"}}
	e.SetPolicy(p)
	if got := e.Snapshot().Policy; got != p {
		t.Errorf("snapshot policy = %v", got)
	}
	if got := (<-e.Updates()).Policy; got != p {
		t.Errorf("published snapshot policy = %v", got)
	}
}
