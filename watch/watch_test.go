package watch

import (
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/preflight-dev/preflight/ignore"
)

// timeout bounds every wait for an event. It is generous because the test
// machine may be busy; passing tests never wait that long.
const timeout = 15 * time.Second

func start(t *testing.T, root string, o Options) *Watcher {
	t.Helper()
	if o.Debounce == 0 {
		o.Debounce = 20 * time.Millisecond
	}
	m, err := ignore.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	w, err := New(root, m, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

// until collects events until every path in want has been seen, and
// returns all events received. An output (Event.Outputs) is named
// "out:" and its path.
func until(t *testing.T, w *Watcher, want ...string) []Event {
	t.Helper()
	var got []Event
	seen := map[string]bool{}
	deadline := time.After(timeout)
	for {
		missing := false
		for _, p := range want {
			if !seen[p] {
				missing = true
			}
		}
		if !missing {
			return got
		}
		select {
		case ev, ok := <-w.Events():
			if !ok {
				t.Fatalf("events closed; got %+v, waiting for %q", got, want)
			}
			got = append(got, ev)
			for _, p := range ev.Paths {
				seen[p] = true
			}
			for _, p := range ev.Outputs {
				seen["out:"+p] = true
			}
		case <-deadline:
			t.Fatalf("no event for %q within %v; got %+v", want, timeout, got)
		}
	}
}

// nothingBefore proves a change produced no event: it makes a sentinel
// change afterwards and checks that none of the events up to the
// sentinel's mentions any of the paths. Events keep their order, so a
// change that was going to be reported would have shown up by then.
func nothingBefore(t *testing.T, w *Watcher, root string, paths ...string) {
	t.Helper()
	sentinel := "sentinel-" + strings.ReplaceAll(t.Name(), "/", "-") + time.Now().Format("150405.000000000")
	write(t, root, sentinel, "x")
	for _, ev := range until(t, w, sentinel) {
		for _, p := range slices.Concat(ev.Paths, prefixed("out:", ev.Outputs)) {
			for _, bad := range paths {
				if p == bad || strings.HasPrefix(p, bad+"/") {
					t.Errorf("unexpected event for %s: %+v", p, ev)
				}
			}
		}
	}
}

func prefixed(prefix string, ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = prefix + s
	}
	return out
}

func write(t testing.TB, root, rel, content string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestCreateModifyRemove(t *testing.T) {
	root := t.TempDir()
	write(t, root, "b.go", "package b")
	w := start(t, root, Options{})

	write(t, root, "a.go", "package a")
	until(t, w, "a.go")

	write(t, root, "b.go", "package b // changed")
	until(t, w, "b.go")

	must(t, os.Remove(filepath.Join(root, "a.go")))
	until(t, w, "a.go")
}

func TestAtomicSaveIsAChangeOfTheTarget(t *testing.T) {
	root := t.TempDir()
	write(t, root, "src/main.go", "package main")
	// A long quiet period keeps the temp file's life within one batch.
	w := start(t, root, Options{Debounce: 500 * time.Millisecond})

	tmp := filepath.Join(root, "src", ".main.go.tmp1234")
	must(t, os.WriteFile(tmp, []byte("package main // saved"), 0o644))
	must(t, os.Rename(tmp, filepath.Join(root, "src", "main.go")))

	evs := until(t, w, "src/main.go")
	if want := []Event{{Paths: []string{"src/main.go"}}}; !reflect.DeepEqual(evs, want) {
		t.Fatalf("events = %+v, want %+v", evs, want)
	}
}

func TestNewNestedDirectories(t *testing.T) {
	root := t.TempDir()
	w := start(t, root, Options{})
	before := w.State().Dirs

	// The file may well exist before the watch on x/y/z does: the new
	// directory is scanned, so it is reported either way.
	write(t, root, "x/y/z/f.txt", "1")
	until(t, w, "x/y/z/f.txt")

	// And the new directory is now watched.
	write(t, root, "x/y/z/g.txt", "2")
	until(t, w, "x/y/z/g.txt")
	if got := w.State().Dirs; got != before+3 {
		t.Errorf("dirs watched = %d, want %d", got, before+3)
	}
}

func TestDirectoryMovedInIsScanned(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	write(t, outside, "pkg/a.go", "a")
	write(t, outside, "pkg/sub/b.go", "b")
	w := start(t, root, Options{})

	// Created long before any watch could exist on them.
	must(t, os.Rename(filepath.Join(outside, "pkg"), filepath.Join(root, "pkg")))
	until(t, w, "pkg/a.go", "pkg/sub/b.go")

	write(t, root, "pkg/sub/c.go", "c")
	until(t, w, "pkg/sub/c.go")
}

func TestDirectoryRenamedWithinTheTree(t *testing.T) {
	root := t.TempDir()
	write(t, root, "old/sub/a.go", "a")
	w := start(t, root, Options{})

	must(t, os.Rename(filepath.Join(root, "old"), filepath.Join(root, "new")))
	until(t, w, "old/sub/a.go", "new/sub/a.go")

	// Events from the moved subdirectory carry its new path.
	write(t, root, "new/sub/b.go", "b")
	evs := until(t, w, "new/sub/b.go")
	for _, ev := range evs {
		for _, p := range ev.Paths {
			if strings.HasPrefix(p, "old/") {
				t.Errorf("stale path %s after the move: %+v", p, ev)
			}
		}
	}
	if got := w.State().Dirs; got != 3 {
		t.Errorf("dirs watched = %d, want 3 (root, new, new/sub)", got)
	}
}

func TestRemovedDirectoryReportsItsFiles(t *testing.T) {
	root := t.TempDir()
	write(t, root, "gone/a.go", "a")
	write(t, root, "gone/deep/b.go", "b")
	w := start(t, root, Options{})
	if got := w.State().Dirs; got != 3 {
		t.Fatalf("dirs watched = %d, want 3", got)
	}
	must(t, os.RemoveAll(filepath.Join(root, "gone")))
	until(t, w, "gone/a.go", "gone/deep/b.go")
	write(t, root, "x", "x")
	until(t, w, "x")
	if got := w.State().Dirs; got != 1 {
		t.Errorf("dirs watched = %d, want 1", got)
	}
}

func TestChmodOnlyProducesNothing(t *testing.T) {
	root := t.TempDir()
	write(t, root, "run.sh", "#!/bin/sh")
	w := start(t, root, Options{})
	must(t, os.Chmod(filepath.Join(root, "run.sh"), 0o755))
	now := time.Now()
	must(t, os.Chtimes(filepath.Join(root, "run.sh"), now, now))
	nothingBefore(t, w, root, "run.sh")
}

func TestIgnoredPathsProduceNothing(t *testing.T) {
	root := t.TempDir()
	write(t, root, ".gitignore", "*.log\ntmp/\n")
	write(t, root, "node_modules/dep/index.js", "x")
	write(t, root, ".git/HEAD", "ref: refs/heads/main")
	write(t, root, "dist/app.js", "x")
	w := start(t, root, Options{})
	dirs := w.State().Dirs
	if dirs != 1 {
		t.Fatalf("dirs watched = %d, want only the root", dirs)
	}

	write(t, root, "node_modules/dep/index.js", "changed")
	write(t, root, "node_modules/new/pkg.js", "x")
	write(t, root, ".git/index", "x")
	write(t, root, "dist/app.js", "changed")
	write(t, root, "debug.log", "x")
	write(t, root, "tmp/scratch/x.txt", "x")
	nothingBefore(t, w, root, "node_modules", ".git", "dist", "debug.log", "tmp")
	if got := w.State().Dirs; got != dirs {
		t.Errorf("dirs watched = %d, want %d: ignored directories were added", got, dirs)
	}
}

// A package's .env files are ignored by git but loaded by its test runner
// and bundler: their creation, change and removal are reported, in a
// watched directory only, and other ignored files still are not.
func TestIgnoredDotenvFilesAreReported(t *testing.T) {
	root := t.TempDir()
	write(t, root, ".gitignore", ".env*\n*.log\ntmp/\n")
	write(t, root, "web/package.json", "{}")
	w := start(t, root, Options{})

	write(t, root, "web/.env", "VITE_API_URL=http://localhost")
	until(t, w, "web/.env")
	write(t, root, "web/.env", "VITE_API_URL=http://127.0.0.1")
	until(t, w, "web/.env")
	must(t, os.Rename(filepath.Join(root, "web/.env"), filepath.Join(root, "web/.env.bak")))
	until(t, w, "web/.env", "web/.env.bak")

	write(t, root, "web/debug.log", "x")
	write(t, root, "tmp/.env", "x")
	write(t, root, "web/.envrc", "x")
	nothingBefore(t, w, root, "web/debug.log", "tmp", "web/.envrc")
}

// Build output and coverage reports are ignored, but collectors read
// them: a rebuild or a new report is reported as a change to the output,
// however its directories come and go, and nothing else below is.
func TestIgnoredOutputsAreFollowed(t *testing.T) {
	root := t.TempDir()
	write(t, root, ".gitignore", "coverage/\n.next/\n")
	write(t, root, "web/package.json", "{}")
	w := start(t, root, Options{Outputs: []string{"web/dist", "web/.next/static", "coverage/lcov.info", "web2/dist"}})
	dirs := w.State().Dirs

	write(t, root, "web/dist/index.html", "v1") // dist and its file at once
	until(t, w, "out:web/dist")
	write(t, root, "web/dist/index.html", "v2")
	until(t, w, "out:web/dist")
	write(t, root, "web/dist/assets/app.js", "x") // a new directory inside
	until(t, w, "out:web/dist")
	write(t, root, "web/dist/assets/app.js", "y") // deeper: not followed
	nothingBefore(t, w, root, "out:web/dist", "web/dist")

	write(t, root, "web/.next/static/b1/page.js", "x") // two levels at once
	until(t, w, "out:web/.next/static")
	write(t, root, "web/.next/trace", "dev server noise")
	nothingBefore(t, w, root, "out:web/.next/static", "web/.next")
	must(t, os.MkdirAll(filepath.Join(root, "web/.next/static/b2"), 0o755))
	until(t, w, "out:web/.next/static")

	write(t, root, "coverage/lcov.info", "SF:a.js")
	until(t, w, "out:coverage/lcov.info")
	write(t, root, "coverage/lcov.info", "SF:b.js")
	until(t, w, "out:coverage/lcov.info")
	write(t, root, "coverage/coverage-final.json", "{}")
	nothingBefore(t, w, root, "out:coverage/lcov.info", "coverage")

	must(t, os.RemoveAll(filepath.Join(root, "web/dist")))
	until(t, w, "out:web/dist")
	// A package moved in whole: its output was there before any watch.
	staging := t.TempDir()
	write(t, staging, "web2/dist/index.html", "x")
	must(t, os.Rename(filepath.Join(staging, "web2"), filepath.Join(root, "web2")))
	until(t, w, "out:web2/dist")
	if got := w.State().Dirs; got != dirs+1 {
		t.Errorf("dirs watched = %d, want %d: outputs count as kept directories", got, dirs+1)
	}
}

// An output the ignore rules keep is a path like any other; outputs can be
// replaced while watching (the collectors changed).
func TestOutputsKeptOrReplaced(t *testing.T) {
	root := t.TempDir()
	write(t, root, ".gitignore", "build/\n")
	write(t, root, "site/index.html", "v1")
	write(t, root, "build/index.html", "v1")
	w := start(t, root, Options{Outputs: []string{"site"}})
	write(t, root, "site/index.html", "v2")
	until(t, w, "site/index.html")
	write(t, root, "build/index.html", "v2")
	nothingBefore(t, w, root, "out:site", "build", "out:build")

	w.SetOutputs([]string{"build"})
	// SetOutputs returns once build/ is watched: this write comes after.
	write(t, root, "build/index.html", "v3")
	until(t, w, "out:build")
}

func TestGitignoreChangeReloadsTheRules(t *testing.T) {
	root := t.TempDir()
	write(t, root, ".gitignore", "*.gen\ncache/\n")
	write(t, root, "a.gen", "1")
	write(t, root, "cache/c.txt", "1")
	w := start(t, root, Options{})

	write(t, root, "a.gen", "2")
	nothingBefore(t, w, root, "a.gen", "cache")

	// Un-ignoring reports the files that became visible.
	write(t, root, ".gitignore", "other/\n")
	until(t, w, ".gitignore", "a.gen", "cache/c.txt")
	write(t, root, "cache/c.txt", "2")
	until(t, w, "cache/c.txt")
	if got := w.State().Dirs; got != 2 {
		t.Errorf("dirs watched = %d, want 2 (root, cache)", got)
	}

	// Ignoring again drops the directory's watch.
	write(t, root, ".gitignore", "cache/\n")
	until(t, w, ".gitignore", "cache/c.txt")
	write(t, root, "cache/c.txt", "3")
	nothingBefore(t, w, root, "cache")
	if got := w.State().Dirs; got != 1 {
		t.Errorf("dirs watched = %d, want 1", got)
	}
	if !w.Matcher().Ignored("cache", true) {
		t.Error("Matcher() still has the old rules")
	}
}

func TestBurstIsCoalesced(t *testing.T) {
	root := t.TempDir()
	// The quiet period is long next to the burst, so the burst cannot be
	// split; what is asserted is the content of the one event.
	w := start(t, root, Options{Debounce: 500 * time.Millisecond})
	var want []string
	for i := 0; i < 100; i++ {
		rel := filepathName(i)
		want = append(want, rel)
		write(t, root, rel, "1")
		write(t, root, rel, "2") // twice: still one path
	}
	slices.Sort(want)
	evs := until(t, w, want...)
	if len(evs) != 1 {
		t.Fatalf("got %d events, want one: %+v", len(evs), evs)
	}
	if !reflect.DeepEqual(evs[0].Paths, want) || evs[0].Rescan {
		t.Fatalf("event = %+v, want paths %q", evs[0], want)
	}
}

func filepathName(i int) string {
	return "burst/" + string(rune('a'+i%26)) + "/" + strings.Repeat("f", 1+i/26) + ".txt"
}

func TestPollingWhenTheWatchLimitIsReached(t *testing.T) {
	root := t.TempDir()
	write(t, root, "top.txt", "x")
	write(t, root, "a/one.txt", "1")
	write(t, root, "a/b/two.txt", "2")
	write(t, root, "c/gone.txt", "x")
	w := start(t, root, Options{MaxWatches: 1, PollInterval: 30 * time.Millisecond})

	st := w.State()
	if st.Dirs != 1 || st.Polled != 3 {
		t.Fatalf("state = %+v, want 1 watched and 3 polled", st)
	}
	for _, s := range []string{"limit reached", "polling 3 dirs", "fs.inotify.max_user_watches="} {
		if runtime.GOOS == "linux" && !strings.Contains(st.Warning, s) {
			t.Errorf("warning %q does not say %q", st.Warning, s)
		}
	}

	write(t, root, "a/one.txt", "changed")
	until(t, w, "a/one.txt")
	write(t, root, "a/b/new.txt", "x")
	until(t, w, "a/b/new.txt")
	must(t, os.Remove(filepath.Join(root, "c", "gone.txt")))
	until(t, w, "c/gone.txt")
	write(t, root, "a/b/d/deep.txt", "x")
	until(t, w, "a/b/d/deep.txt")
	if st := w.State(); st.Polled != 4 {
		t.Errorf("polled = %d, want 4 after a new directory", st.Polled)
	}
	must(t, os.RemoveAll(filepath.Join(root, "a")))
	until(t, w, "a/one.txt", "a/b/two.txt", "a/b/new.txt", "a/b/d/deep.txt")
	if st := w.State(); st.Polled != 1 || !strings.Contains(st.Warning, "polling 1 dirs") {
		t.Errorf("state = %+v after removing a/, want 1 polled", st)
	}
	// The watched root still works alongside.
	write(t, root, "top.txt", "changed")
	until(t, w, "top.txt")
}

func TestOverflowAsksForARescan(t *testing.T) {
	root := t.TempDir()
	w := start(t, root, Options{})
	// Stand in for the kernel: this is what fsnotify sends on IN_Q_OVERFLOW.
	w.fsw.Errors <- fsnotify.ErrEventOverflow
	select {
	case ev := <-w.Events():
		if !ev.Rescan {
			t.Fatalf("event = %+v, want Rescan", ev)
		}
	case <-time.After(timeout):
		t.Fatal("no event after an overflow")
	}
}

func TestCloseStopsEverything(t *testing.T) {
	before := runtime.NumGoroutine()
	root := t.TempDir()
	write(t, root, "a/b/c.txt", "x")
	m, err := ignore.Load(root)
	must(t, err)
	w, err := New(root, m, Options{Debounce: 10 * time.Millisecond, MaxWatches: 2, PollInterval: 10 * time.Millisecond})
	must(t, err)
	if !w.State().Active {
		t.Fatal("not active after New")
	}
	write(t, root, "pending.txt", "x") // leave work in flight
	must(t, w.Close())
	must(t, w.Close()) // twice is fine

	if _, ok := <-w.Events(); ok {
		// An event sent before Close may still be read; the channel must
		// then be closed right after.
		if _, ok := <-w.Events(); ok {
			t.Fatal("events channel not closed")
		}
	}
	if w.State().Active {
		t.Error("still active after Close")
	}
	deadline := time.Now().Add(timeout)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines before, %d after Close:\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestNewRejectsAMatcherForAnotherRoot(t *testing.T) {
	m, err := ignore.Load(t.TempDir())
	must(t, err)
	if _, err := New(t.TempDir(), m, Options{}); err == nil {
		t.Fatal("want an error")
	}
}

func TestNilMatcherLoadsTheDefaults(t *testing.T) {
	root := t.TempDir()
	write(t, root, "node_modules/x.js", "x")
	w, err := New(root, nil, Options{Debounce: 10 * time.Millisecond})
	must(t, err)
	defer w.Close()
	if got := w.State().Dirs; got != 1 {
		t.Fatalf("dirs watched = %d, want 1", got)
	}
}

func TestSteadyStreamIsStillFlushed(t *testing.T) {
	root := t.TempDir()
	w := start(t, root, Options{Debounce: 200 * time.Millisecond})
	// Writes far more often than the quiet period: without a cap on how
	// long a batch is held, no event would come while they go on.
	deadline := time.After(timeout)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case ev := <-w.Events():
			if !slices.Contains(ev.Paths, "stream.log.txt") {
				t.Fatalf("event = %+v", ev)
			}
			return
		case <-tick.C:
			write(t, root, "stream.log.txt", strings.Repeat("x", i))
		case <-deadline:
			t.Fatal("no event while changes kept coming")
		}
	}
}

func TestPollsEverythingWithoutAKernelWatcher(t *testing.T) {
	orig := newFSWatcher
	newFSWatcher = func() (*fsnotify.Watcher, error) { return nil, syscall.EMFILE }
	t.Cleanup(func() { newFSWatcher = orig })

	root := t.TempDir()
	write(t, root, "a/x.txt", "1")
	w := start(t, root, Options{PollInterval: 20 * time.Millisecond})
	st := w.State()
	if st.Dirs != 0 || st.Polled != 2 || !strings.Contains(st.Warning, "polling 2 dirs") {
		t.Fatalf("state = %+v, want 2 polled with a warning", st)
	}
	write(t, root, "a/x.txt", "22")
	write(t, root, "b/y.txt", "1")
	until(t, w, "a/x.txt", "b/y.txt")
	must(t, w.Close())
}

// A tree the kernel watches whole is polled by nobody; once a new
// directory goes past the watch limit, polling starts and finds its
// changes.
func TestPollingStartsWhenADirectoryGoesPastTheLimit(t *testing.T) {
	root := t.TempDir()
	write(t, root, "a/one.txt", "1")
	w := start(t, root, Options{MaxWatches: 2, PollInterval: 30 * time.Millisecond})
	if st := w.State(); st.Dirs != 2 || st.Polled != 0 {
		t.Fatalf("state = %+v, want 2 watched and none polled", st)
	}
	write(t, root, "b/two.txt", "2")
	until(t, w, "b/two.txt")
	if st := w.State(); st.Polled != 1 {
		t.Fatalf("state = %+v, want b/ polled", st)
	}
	write(t, root, "b/two.txt", "changed")
	until(t, w, "b/two.txt")
	write(t, root, "b/three.txt", "3")
	until(t, w, "b/three.txt")
}

// StateChanges says when the state changed, so nobody has to poll it: a
// new directory is news, a file written in a known one is not.
func TestStateChangesAreSignalled(t *testing.T) {
	root := t.TempDir()
	write(t, root, "a/one.txt", "1")
	w := start(t, root, Options{})
	select {
	case <-w.StateChanges(): // the state New published
	case <-time.After(timeout):
		t.Fatal("no signal for the first state")
	}
	before := w.State()

	write(t, root, "b/two.txt", "2")
	until(t, w, "b/two.txt")
	select {
	case <-w.StateChanges():
	case <-time.After(timeout):
		t.Fatal("a new directory was watched without a signal")
	}
	if st := w.State(); st.Dirs != before.Dirs+1 {
		t.Errorf("state = %+v after a new directory, was %+v", st, before)
	}

	write(t, root, "a/one.txt", "changed")
	until(t, w, "a/one.txt")
	select {
	case <-w.StateChanges():
		t.Errorf("signalled without a change of state: %+v", w.State())
	default:
	}
}
