package engine

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/model"
)

type fake struct {
	id     string
	inputs []string
	run    func(ctx context.Context, req collectors.Request) model.Result
	closed atomic.Bool
}

func (f *fake) ID() string       { return f.id }
func (f *fake) Kind() string     { return "fake" }
func (f *fake) Domain() string   { return "build" }
func (f *fake) Inputs() []string { return f.inputs }
func (f *fake) Close() error     { f.closed.Store(true); return nil }
func (f *fake) Run(ctx context.Context, req collectors.Request) model.Result {
	return f.run(ctx, req)
}

func okResult(findings ...model.Finding) model.Result {
	return model.Result{Status: model.StatusOK, Findings: findings, Facts: map[string]float64{"errors": float64(len(findings))}}
}

func state(t *testing.T, s model.Snapshot, id string) model.CollectorState {
	t.Helper()
	for _, c := range s.Collectors {
		if c.Collector == id {
			return c
		}
	}
	t.Fatalf("collector %s not in snapshot", id)
	return model.CollectorState{}
}

func TestRunAllFillsEveryCollector(t *testing.T) {
	a := &fake{id: "fake:a", run: func(context.Context, collectors.Request) model.Result {
		return okResult(model.Finding{Severity: model.Blocker, Rule: "X1", Message: "broken", File: "a.go", Line: 3})
	}}
	b := &fake{id: "fake:b", run: func(context.Context, collectors.Request) model.Result { return okResult() }}
	e := New("/repo", []collectors.Collector{a, b}, Options{})
	defer e.Close()
	e.RunAll("start")
	e.Wait()
	s := e.Snapshot()
	sa := state(t, s, "fake:a")
	if sa.Status != model.StatusOK || len(sa.Findings) != 1 || sa.Running || sa.Stale {
		t.Fatalf("fake:a state = %+v", sa)
	}
	f := sa.Findings[0]
	if f.Collector != "fake:a" || f.Domain != "build" || f.ID == "" {
		t.Errorf("engine did not complete the finding: %+v", f)
	}
	if sa.Trigger != "start" || sa.FinishedAt.IsZero() {
		t.Errorf("trigger/finish not recorded: %q %v", sa.Trigger, sa.FinishedAt)
	}
	if got := model.Assess(s).Verdict; got != model.NoGo {
		t.Errorf("verdict = %s, want NO-GO", got)
	}
}

// outputReader is a fake that reads ignored output.
type outputReader struct {
	*fake
	outputs []string
}

func (o outputReader) Outputs() []string { return o.outputs }

// A rebuilt output reruns the collectors that read it, with the output as
// the trigger, and no other.
func TestOutputsChangedRerunsTheirReaders(t *testing.T) {
	var bundleRuns, testRuns atomic.Int32
	bundle := outputReader{&fake{id: "bundle:web", inputs: []string{"web/**"}, run: func(context.Context, collectors.Request) model.Result {
		bundleRuns.Add(1)
		return okResult()
	}}, []string{"web/dist", "web/build"}}
	tests := &fake{id: "jest:web", inputs: []string{"web/**"}, run: func(context.Context, collectors.Request) model.Result {
		testRuns.Add(1)
		return okResult()
	}}
	e := New("/repo", []collectors.Collector{bundle, tests}, Options{})
	defer e.Close()
	if got := e.Outputs(); !slices.Equal(got, []string{"web/build", "web/dist"}) {
		t.Errorf("Outputs = %q", got)
	}
	e.RunAll("start")
	e.Wait()
	e.OutputsChanged([]string{"web/dist", "api/dist"})
	e.Wait()
	if bundleRuns.Load() != 2 || testRuns.Load() != 1 {
		t.Fatalf("runs: bundle=%d jest=%d, want 2 and 1", bundleRuns.Load(), testRuns.Load())
	}
	if got, last := state(t, e.Snapshot(), "bundle:web").Trigger, e.Snapshot().LastTrigger; got != "web/dist" || last != "web/dist" {
		t.Errorf("trigger = %q, last change %q, want the output", got, last)
	}
}

// The results one change sets going share its number, for the cockpit to
// count them as one run; a later change has a larger one.
func TestResultsCarryTheChangeThatSetThemGoing(t *testing.T) {
	a := &fake{id: "kubernetes:dev", inputs: []string{"base/**"}, run: func(context.Context, collectors.Request) model.Result { return okResult() }}
	b := &fake{id: "kubernetes:prod", inputs: []string{"base/**"}, run: func(context.Context, collectors.Request) model.Result { return okResult() }}
	e := New("/repo", []collectors.Collector{a, b}, Options{})
	defer e.Close()
	e.RunAll("start")
	e.Wait()
	first := state(t, e.Snapshot(), "kubernetes:dev").Change
	e.Changed([]string{"base/deployment.yaml"})
	e.Wait()
	dev, prod := state(t, e.Snapshot(), "kubernetes:dev").Change, state(t, e.Snapshot(), "kubernetes:prod").Change
	if first == 0 || dev != prod || dev <= first {
		t.Errorf("changes: start %d, then dev %d and prod %d: want one number, larger than the start's", first, dev, prod)
	}
	e.Rerun([]string{"kubernetes:prod"})
	e.Wait()
	if got := state(t, e.Snapshot(), "kubernetes:prod").Change; got <= dev {
		t.Errorf("a rerun's change %d is not after the edit's %d", got, dev)
	}
}

func TestChangedRerunsOnlyMatchingCollectors(t *testing.T) {
	var aRuns, bRuns atomic.Int32
	var lastChanged atomic.Value
	a := &fake{id: "ts:web", inputs: []string{"web/**/*.ts"}, run: func(_ context.Context, req collectors.Request) model.Result {
		aRuns.Add(1)
		lastChanged.Store(req.Changed)
		return okResult()
	}}
	b := &fake{id: "go:api", inputs: []string{"api/**/*.go"}, run: func(context.Context, collectors.Request) model.Result {
		bRuns.Add(1)
		return okResult()
	}}
	e := New("/repo", []collectors.Collector{a, b}, Options{})
	defer e.Close()
	e.RunAll("start")
	e.Wait()
	e.Changed([]string{"web/src/deep/x.ts", "README.md"})
	e.Wait()
	if aRuns.Load() != 2 || bRuns.Load() != 1 {
		t.Fatalf("runs: ts=%d go=%d, want 2 and 1", aRuns.Load(), bRuns.Load())
	}
	if got := lastChanged.Load().([]string); len(got) != 1 || got[0] != "web/src/deep/x.ts" {
		t.Errorf("changed paths passed to collector = %v", got)
	}
	s := e.Snapshot()
	if s.LastTrigger != "web/src/deep/x.ts" || state(t, s, "ts:web").Trigger != "web/src/deep/x.ts" {
		t.Errorf("trigger not recorded: %q / %q", s.LastTrigger, state(t, s, "ts:web").Trigger)
	}
	if ids := e.Affected("api/cmd/main.go"); len(ids) != 1 || ids[0] != "go:api" {
		t.Errorf("Affected = %v", ids)
	}
}

func TestChangeCancelsStaleRunAndDropsItsResult(t *testing.T) {
	started := make(chan []string, 4)
	var calls atomic.Int32
	slow := &fake{id: "ts:web", inputs: []string{"**/*.ts"}, run: func(ctx context.Context, req collectors.Request) model.Result {
		n := calls.Add(1)
		started <- req.Changed
		if n == 1 {
			<-ctx.Done() // the first run hangs until cancelled
			return okResult(model.Finding{Severity: model.Blocker, Rule: "STALE", Message: "from the cancelled run"})
		}
		return okResult()
	}}
	e := New("/repo", []collectors.Collector{slow}, Options{})
	defer e.Close()
	e.Changed([]string{"a.ts"})
	<-started
	e.Changed([]string{"b.ts"})
	second := <-started
	e.Wait()
	if len(second) != 2 || second[0] != "a.ts" || second[1] != "b.ts" {
		t.Errorf("rerun should see both changes, got %v", second)
	}
	st := state(t, e.Snapshot(), "ts:web")
	if len(st.Findings) != 0 || st.Stale || st.Running {
		t.Fatalf("result of the cancelled run leaked or state wrong: %+v", st)
	}
	if calls.Load() != 2 {
		t.Errorf("runs = %d, want 2", calls.Load())
	}
}

func TestConcurrencyIsBounded(t *testing.T) {
	var now, peak atomic.Int32
	release := make(chan struct{})
	var cols []collectors.Collector
	for _, id := range []string{"f:1", "f:2", "f:3", "f:4", "f:5"} {
		cols = append(cols, &fake{id: id, run: func(context.Context, collectors.Request) model.Result {
			n := now.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			<-release
			now.Add(-1)
			return okResult()
		}})
	}
	e := New("/repo", cols, Options{Concurrency: 2})
	defer e.Close()
	e.RunAll("start")
	var once sync.Once
	go func() {
		for now.Load() < 2 {
			time.Sleep(time.Millisecond)
		}
		once.Do(func() { close(release) })
	}()
	e.Wait()
	if peak.Load() != 2 {
		t.Fatalf("peak concurrent runs = %d, want 2", peak.Load())
	}
	for _, c := range e.Snapshot().Collectors {
		if c.Status != model.StatusOK {
			t.Errorf("%s not finished: %s", c.Collector, c.Status)
		}
	}
}

func TestPanickingCollectorBecomesError(t *testing.T) {
	p := &fake{id: "bad:x", run: func(context.Context, collectors.Request) model.Result { panic("parser exploded") }}
	e := New("/repo", []collectors.Collector{p}, Options{})
	defer e.Close()
	e.RunAll("start")
	e.Wait()
	st := state(t, e.Snapshot(), "bad:x")
	if st.Status != model.StatusError || st.Error != "collector crashed: parser exploded" {
		t.Fatalf("state = %+v", st)
	}
	if model.Assess(e.Snapshot()).Verdict == model.GO {
		t.Error("a crashed collector must not allow GO")
	}
}

func TestSeedShowsCachedResultsAsStaleUntilRerun(t *testing.T) {
	release := make(chan struct{})
	c := &fake{id: "go:api", run: func(context.Context, collectors.Request) model.Result { <-release; return okResult() }}
	e := New("/repo", []collectors.Collector{c}, Options{})
	defer e.Close()
	cached := model.Snapshot{Collectors: []model.CollectorState{{Result: model.Result{
		Collector: "go:api", Status: model.StatusOK, FinishedAt: time.Unix(100, 0),
		Findings: []model.Finding{{Severity: model.High, Rule: "vet", Message: "old"}},
	}}, {Result: model.Result{Collector: "gone:x", Status: model.StatusOK, FinishedAt: time.Unix(100, 0)}}}}
	e.Seed(cached)
	s := e.Snapshot()
	if !s.FromCache || len(s.Collectors) != 1 || !s.Collectors[0].Stale || len(s.Collectors[0].Findings) != 1 {
		t.Fatalf("seeded snapshot wrong: %+v", s)
	}
	if a := model.Assess(s); a.Coverage != 0 {
		t.Errorf("stale cached evidence must not count as coverage, got %v", a.Coverage)
	}
	e.RunAll("start")
	if st := state(t, e.Snapshot(), "go:api"); !st.Running || !st.Stale {
		t.Errorf("while rerunning, cached result should stay visible and stale: %+v", st)
	}
	close(release)
	e.Wait()
	s = e.Snapshot()
	if s.FromCache || s.Collectors[0].Stale || len(s.Collectors[0].Findings) != 0 {
		t.Fatalf("fresh result did not replace cache: %+v", s)
	}
}

// A cache saved when root collectors were named after the checkout folder
// seeds the root collector it now belongs to, fingerprinted as it would be
// today.
func TestSeedTakesCachedResultsOfFolderNamedRootCollectors(t *testing.T) {
	c := &fake{id: "secrets:.", run: func(context.Context, collectors.Request) model.Result { return okResult() }}
	e := New("/src/shop", []collectors.Collector{c}, Options{})
	defer e.Close()
	old := []model.Finding{{Collector: "secrets:shop", Severity: model.High, Rule: "secrets/jwt", File: "a.env", Message: "TOKEN"}}
	model.AssignIDs(old)
	e.Seed(model.Snapshot{Collectors: []model.CollectorState{
		{Result: model.Result{Collector: "secrets:shop", Status: model.StatusOK, FinishedAt: time.Unix(100, 0), Findings: old}},
		{Result: model.Result{Collector: "secrets:other", Status: model.StatusOK, FinishedAt: time.Unix(100, 0)}},
	}})
	want := []model.Finding{{Collector: "secrets:.", Severity: model.High, Rule: "secrets/jwt", File: "a.env", Message: "TOKEN"}}
	model.AssignIDs(want)
	st := state(t, e.Snapshot(), "secrets:.")
	if !st.Stale || len(st.Findings) != 1 || st.Findings[0].ID != want[0].ID || st.Findings[0].Collector != "secrets:." {
		t.Fatalf("seeded %+v", st)
	}
	if old[0].Collector != "secrets:shop" {
		t.Error("seeding changed the cached snapshot it was given")
	}
}

func TestUpdatesKeepsOnlyTheNewestSnapshot(t *testing.T) {
	c := &fake{id: "f:1", run: func(context.Context, collectors.Request) model.Result { return okResult() }}
	e := New("/repo", []collectors.Collector{c}, Options{})
	e.RunAll("start")
	e.Wait()
	e.SetWatchState(model.WatchState{Active: true, Dirs: 7})
	got := <-e.Updates()
	if got.Watch.Dirs != 7 || got.Generation != e.Snapshot().Generation {
		t.Fatalf("expected the newest snapshot, got generation %d watch %+v", got.Generation, got.Watch)
	}
	e.Close()
	if _, open := <-e.Updates(); open {
		t.Error("Updates should be closed after Close")
	}
	if !c.closed.Load() {
		t.Error("Close should close collectors' helper processes")
	}
}

func TestSetCollectorsRunsNewOnesAndClosesGoneOnes(t *testing.T) {
	var aRuns atomic.Int32
	a := &fake{id: "go:a", run: func(context.Context, collectors.Request) model.Result { aRuns.Add(1); return okResult() }}
	b := &fake{id: "ts:b", run: func(context.Context, collectors.Request) model.Result { return okResult() }}
	e := New("/repo", []collectors.Collector{a}, Options{})
	defer e.Close()
	e.RunAll("start")
	e.Wait()
	e.SetCollectors([]collectors.Collector{a, b})
	e.Wait()
	s := e.Snapshot()
	if len(s.Collectors) != 2 || state(t, s, "ts:b").Status != model.StatusOK || state(t, s, "ts:b").Trigger != "detected" {
		t.Fatalf("new collector not run: %+v", s.Collectors)
	}
	if aRuns.Load() != 1 {
		t.Errorf("a collector that stayed was rerun (%d runs)", aRuns.Load())
	}
	e.SetCollectors([]collectors.Collector{b})
	s = e.Snapshot()
	if len(s.Collectors) != 1 || s.Collectors[0].Collector != "ts:b" || !a.closed.Load() {
		t.Fatalf("gone collector still present or not closed: %+v closed=%v", s.Collectors, a.closed.Load())
	}
}

func TestProgressIsPublishedWhileRunningAndClearedAfter(t *testing.T) {
	reported := make(chan struct{})
	release := make(chan struct{})
	c := &fake{id: "go-test:api", run: func(_ context.Context, req collectors.Request) model.Result {
		req.Report("3 passed so far")
		close(reported)
		<-release
		return okResult()
	}}
	e := New("/repo", []collectors.Collector{c}, Options{})
	defer e.Close()
	e.RunAll("start")
	<-reported
	st := state(t, e.Snapshot(), "go-test:api")
	if !st.Running || st.Progress != "3 passed so far" || st.RunStarted.IsZero() {
		t.Fatalf("while running: %+v", st)
	}
	close(release)
	e.Wait()
	if st := state(t, e.Snapshot(), "go-test:api"); st.Progress != "" || st.Running {
		t.Fatalf("after the run: %+v", st)
	}
}

func TestRunStartsOnlyTheNamedCollectors(t *testing.T) {
	var ran atomic.Int32
	mk := func(id string) *fake {
		return &fake{id: id, run: func(context.Context, collectors.Request) model.Result { ran.Add(1); return okResult() }}
	}
	e := New("/repo", []collectors.Collector{mk("fake:a"), mk("fake:b"), mk("fake:c")}, Options{})
	defer e.Close()
	e.Run(nil, "check") // nothing named: nothing runs
	e.Run([]string{"fake:b"}, "check")
	e.Wait()
	s := e.Snapshot()
	if b := state(t, s, "fake:b"); b.Status != model.StatusOK || b.Trigger != "check" {
		t.Errorf("fake:b = %+v", b)
	}
	for _, id := range []string{"fake:a", "fake:c"} {
		if c := state(t, s, id); !c.FinishedAt.IsZero() || c.Status != model.StatusUnknown {
			t.Errorf("%s ran: %+v", id, c)
		}
	}
	if n := ran.Load(); n != 1 {
		t.Errorf("%d runs, want 1", n)
	}
}
