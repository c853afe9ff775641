package app

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"
)

// An invalid edit while watching keeps the last good config running and
// says so in the header; a valid edit takes effect without a restart.
func TestConfigHotReload(t *testing.T) {
	dir := fixturetest.RepoWith(t, "custom:\n  a:\n    command: exit 0\n    domain: tests\n")
	s := watching(t, dir, WithTrust())
	s.engine.RunAll("start")
	waitFor(t, s, func(snap model.Snapshot) bool {
		st, ok := find(snap, "custom:a")
		return ok && st.Status == model.StatusOK
	})

	fixturetest.WriteConfig(t, dir, "custom:\n  a:\n    command: exit 0\n    domain: [tests\n")
	bad := waitFor(t, s, func(snap model.Snapshot) bool {
		return strings.Contains(snap.Watch.Warning, "preflight.yaml is invalid, still using the last valid config")
	})
	if !strings.Contains(bad.Watch.Warning, "preflight.yaml:4:13: YAML syntax") {
		t.Errorf("warning = %q", bad.Watch.Warning)
	}
	if st, ok := find(bad, "custom:a"); !ok || st.Status != model.StatusOK {
		t.Errorf("the last good config must keep running: %+v", bad.Collectors)
	}

	fixturetest.WriteConfig(t, dir, "custom:\n  a:\n    command: exit 0\n    domain: tests\n  b:\n    command: exit 3\n    domain: tests\ncollectors:\n  custom:a:\n    enabled: false\n")
	good := waitFor(t, s, func(snap model.Snapshot) bool {
		a, okA := find(snap, "custom:a")
		b, okB := find(snap, "custom:b")
		return okA && okB && a.Status == model.StatusSkipped && b.Status == model.StatusOK && !b.Running && b.ExitCode == 3
	})
	if good.Watch.Warning != "" {
		t.Errorf("the warning must clear once the file is valid: %q", good.Watch.Warning)
	}
	if v := model.Assess(good).Verdict; v != model.NoGo {
		t.Errorf("verdict %s, want NO-GO from custom:b", v)
	}
}

// The cockpit's trust key: trusting from the session stores the trust and
// runs the collectors that were blocked.
func TestSessionTrustRunsWhatWasBlocked(t *testing.T) {
	dir := fixturetest.RepoWith(t, fixturetest.MarkerConfig)
	s := openSession(t, dir)
	s.engine.RunAll("start")
	s.engine.Wait()
	if st, _ := find(s.engine.Snapshot(), "custom:marker"); st.Status != model.StatusUnknown {
		t.Fatalf("not blocked: %+v", st)
	}
	told := 0
	s.trusted = func() { told++ } // the cockpit compares with its base again
	msg, err := s.Trust()
	if err != nil {
		t.Fatal(err)
	}
	if told != 1 {
		t.Errorf("the session told of the trust %d times", told)
	}
	if msg != "repository trusted as it is now: running custom:marker" {
		t.Errorf("the trust key says %q", msg)
	}
	s.engine.Wait()
	if st, _ := find(s.engine.Snapshot(), "custom:marker"); st.Status != model.StatusOK || st.Trigger != "trusted" {
		t.Errorf("after trust: %+v", st)
	}
	if _, err := os.Stat(filepath.Join(dir, "ran.marker")); err != nil {
		t.Error("the trusted command did not run")
	}
	if snap := checkOnce(t, dir); model.Assess(snap).Verdict != model.GO || snap.Collectors[0].Status != model.StatusOK {
		t.Errorf("the trust must be stored for later runs: %+v", snap.Collectors)
	}
}

// The trust key in a repository without preflight.yaml, or with one that
// defines no commands, trusts the repository's own code and does not claim
// that preflight.yaml commands will run.
func TestSessionTrustSaysWhenThereIsNothingToTrust(t *testing.T) {
	for name, tc := range map[string]struct{ yaml, want string }{
		"no preflight.yaml": {"", "repository trusted as it is now: its own tools and tests may run from now on"},
		"no commands":       {"ignore: [dist/]\n", "repository trusted as it is now: its own tools and tests may run from now on"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := fixturetest.RepoWith(t, tc.yaml)
			if tc.yaml == "" {
				os.Remove(filepath.Join(dir, "preflight.yaml"))
			}
			s := openSession(t, dir)
			msg, err := s.Trust()
			if err != nil || msg != tc.want {
				t.Errorf("trust key: %q, %v; want %q", msg, err, tc.want)
			}
		})
	}
}

// `preflight trust` run in another terminal is picked up without a rerun:
// the watcher's tick finds the config trusted and runs what it held back.
func TestSessionPicksUpTrustGivenElsewhere(t *testing.T) {
	dir := fixturetest.RepoWith(t, fixturetest.MarkerConfig)
	var notes []string
	s := openSession(t, dir)
	s.note = func(n string) { notes = append(notes, n) }
	told := 0
	s.trusted = func() { told++ }
	s.engine.RunAll("start")
	s.engine.Wait()
	s.recheckTrust()
	if len(notes) != 0 || told != 0 {
		t.Fatalf("nothing was trusted yet, but: %v (told %d)", notes, told)
	}
	trustElsewhere(t, dir)
	s.recheckTrust()
	s.engine.Wait()
	if st, _ := find(s.engine.Snapshot(), "custom:marker"); st.Status != model.StatusOK {
		t.Errorf("trust given elsewhere was not picked up: %+v", st)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "trusted in another terminal: running custom:marker") || told != 1 {
		t.Errorf("notes %q, told %d", notes, told)
	}
}

// While watching, trust given in another terminal runs what waited for it
// without a key press: holding a collector back arms the watcher's look-out.
func TestWatchingPicksUpTrustGivenElsewhere(t *testing.T) {
	dir := fixturetest.RepoWith(t, fixturetest.MarkerConfig)
	s := watching(t, dir)
	s.engine.RunAll("start")
	waitFor(t, s, func(snap model.Snapshot) bool {
		st, ok := find(snap, "custom:marker")
		return ok && !st.Running && st.Status == model.StatusUnknown
	})
	trustElsewhere(t, dir)
	waitFor(t, s, func(snap model.Snapshot) bool {
		st, ok := find(snap, "custom:marker")
		return ok && !st.Running && st.Status == model.StatusOK && st.Trigger == "trusted"
	})
}

// The trust gate wakes the look-out for trust given elsewhere only when it
// holds something back: a trusted repository never starts its timer.
func TestTrustGateWakesTheLookOutOnlyWhenItSaysNo(t *testing.T) {
	for name, tc := range map[string]struct {
		opts    []Option
		trusted bool
	}{
		"untrusted": {nil, false},
		"trusted":   {[]Option{WithTrust()}, true},
	} {
		t.Run(name, func(t *testing.T) {
			s, err := Open(fixturetest.RepoWith(t, fixturetest.MarkerConfig), collectors.Watch, io.Discard, tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer s.engine.Close()
			if got := s.config.codeGate(); got != tc.trusted {
				t.Fatalf("codeGate() = %v, want %v", got, tc.trusted)
			}
			select {
			case <-s.config.heldBack:
				if tc.trusted {
					t.Error("a trusted repository woke the look-out for trust")
				}
			default:
				if !tc.trusted {
					t.Error("holding a collector back did not wake the look-out for trust")
				}
			}
		})
	}
}
