package engine

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/model"
)

// repoCode is a collector that runs the repository's own code.
type repoCode struct{ fake }

func (r *repoCode) RepoCode() string { return "node_modules/.bin/tool" }

func TestCodeOfAnUntrustedRepositoryNeverStarts(t *testing.T) {
	var started atomic.Int32
	runs := func(ctx context.Context, req collectors.Request) model.Result {
		started.Add(1)
		return okResult()
	}
	code := &repoCode{fake{id: "tool:a", run: runs}}
	reader := &fake{id: "reader:a", run: func(ctx context.Context, req collectors.Request) model.Result { return okResult() }}
	var trusted atomic.Bool
	e := New("/repo", []collectors.Collector{code, reader}, Options{
		Trusted: trusted.Load, TrustHint: "press T",
	})
	defer e.Close()
	e.RunAll("start")
	e.Wait()
	snap := e.Snapshot()
	if n := started.Load(); n != 0 {
		t.Fatalf("the repository's code ran %d times before trust", n)
	}
	st := state(t, snap, "tool:a")
	if st.Status != model.StatusUnknown || st.Waiting != model.GateTrust || st.Hint != "press T" ||
		st.Error != "waiting for trust: would run node_modules/.bin/tool" {
		t.Errorf("waiting collector: %+v", st.Result)
	}
	if state(t, snap, "reader:a").Status != model.StatusOK {
		t.Error("a collector that only reads files must run at once")
	}
	if snap.Trust != model.Untrusted {
		t.Errorf("trust state %v, want Untrusted", snap.Trust)
	}
	if model.Assess(snap).Verdict == model.GO {
		t.Error("waiting for trust must keep the verdict from GO")
	}

	trusted.Store(true)
	e.TrustChanged()
	e.Wait()
	snap = e.Snapshot()
	if st := state(t, snap, "tool:a"); started.Load() != 1 || st.Status != model.StatusOK || st.Waiting != "" || st.Trigger != "trusted" {
		t.Errorf("after trust: started %d, %+v", started.Load(), st.Result)
	}
	if snap.Trust != model.Trusted {
		t.Errorf("trust state %v, want Trusted", snap.Trust)
	}
}
