package ui

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/preflight-dev/preflight/model"
)

// These tests run the cockpit as a real Bubble Tea program: keys go through
// the program's input loop, commands run on their own goroutines and
// snapshots arrive on the Updates channel.

const programTimeout = 10 * time.Second

func startProgram(t *testing.T, o Options, w, h int, opts ...tea.ProgramOption) *teatest.TestModel {
	t.Helper()
	if o.Root == "" {
		o.Root = fixtureRoot(t)
	}
	if o.Initial.Root == "" {
		o.Initial = fixtureSnapshot(o.Root)
	}
	if o.Now == nil {
		o.Now = func() time.Time { return fixtureNow }
	}
	return teatest.NewTestModel(t, New(o), teatest.WithInitialTermSize(w, h), teatest.WithProgramOptions(opts...))
}

// editorArguments waits for the stand-in editor to record its arguments
// in record, and returns them (nothing when it never ran).
func editorArguments(record string) []byte {
	for deadline := time.Now().Add(programTimeout); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if b, err := os.ReadFile(record); err == nil && len(b) > 0 {
			return b
		}
	}
	return nil
}

func send(tm *teatest.TestModel, keys ...string) {
	for _, k := range keys {
		tm.Send(keyMsg(k))
	}
}

func finalModel(t *testing.T, tm *teatest.TestModel) Model {
	t.Helper()
	send(tm, "q")
	return tm.FinalModel(t, teatest.WithFinalTimeout(programTimeout)).(Model)
}

func TestProgramMoveAndFold(t *testing.T) {
	tm := startProgram(t, Options{}, 80, 24)
	// Down to typescript:backend, fold it, step onto typescript:web, back
	// up, unfold, and into its first finding.
	send(tm, "j", "j", "j", "h", "j", "k", "l", "l")
	m := finalModel(t, tm)

	want := tsFindingKey(t, m.snap, 18)
	if m.cursorID != want {
		t.Fatalf("cursor on %s, want %s; rows %v", m.cursorID, want, rowIDs(m))
	}
	if open, set := m.folds[collectorKey("typescript:backend")]; !set || !open {
		t.Fatalf("typescript:backend fold state %v (set %v), want explicitly unfolded", open, set)
	}

	tm = startProgram(t, Options{}, 80, 24)
	send(tm, "h", "j", "h")
	m = finalModel(t, tm)
	if got := rowIDs(m); !reflect.DeepEqual(got, []string{domainKey("build"), domainKey("tests")}) {
		t.Fatalf("both domains folded should leave two rows, got %v", got)
	}
	if m.cursorID != domainKey("tests") {
		t.Fatalf("cursor on %s, want the Tests domain", m.cursorID)
	}
}

func TestProgramRerunKeys(t *testing.T) {
	calls := make(chan []string, 4)
	tm := startProgram(t, Options{Rerun: func(ids []string) { calls <- ids }}, 80, 24)
	next := func() []string {
		t.Helper()
		select {
		case ids := <-calls:
			return ids
		case <-time.After(programTimeout):
			t.Fatal("Rerun was not called")
			return nil
		}
	}

	send(tm, "G", "k", "r") // go-test:api
	if ids := next(); !reflect.DeepEqual(ids, []string{"go-test:api"}) {
		t.Fatalf("r on go-test:api asked for %q", ids)
	}
	send(tm, "j", "r") // its failing test: rerun the collector that found it
	if ids := next(); !reflect.DeepEqual(ids, []string{"go-test:api"}) {
		t.Fatalf("r on a finding asked for %q", ids)
	}
	send(tm, "R")
	if ids := next(); ids != nil {
		t.Fatalf("R asked for %q, want nil (everything)", ids)
	}
	finalModel(t, tm)
	if len(calls) != 0 {
		t.Fatalf("unexpected extra rerun calls: %v", <-calls)
	}
}

// push hands s to the program and returns once the program has applied it.
// The channel is unbuffered and the model only asks for the next snapshot
// after it applied the previous one, so the second send completing proves
// the first was handled.
func push(t *testing.T, ch chan<- model.Snapshot, s model.Snapshot) {
	t.Helper()
	for range 2 {
		select {
		case ch <- s:
		case <-time.After(programTimeout):
			t.Fatal("the program stopped reading snapshots")
		}
	}
}

func TestProgramLiveUpdateKeepsCursorOnFinding(t *testing.T) {
	root := fixtureRoot(t)
	initial := fixtureSnapshot(root)
	ch := make(chan model.Snapshot)
	tm := startProgram(t, Options{Root: root, Initial: initial, Updates: ch}, 80, 24)

	target := tsFindingKey(t, initial, 32)
	send(tm, "j", "j", "j", "j", "j", "j") // onto the finding at line 32

	// A save above it: the finding moves down, a new one appears first,
	// the first error is fixed, the worker finishes.
	next := withCollector(initial, "typescript:backend", func(c *model.CollectorState) bool {
		var fs []model.Finding
		for _, f := range c.Findings {
			switch f.Line {
			case 18:
				continue
			case 32:
				f.Line = 36
			}
			fs = append(fs, f)
		}
		added := tsFinding(3, 10, "TS2307", "Cannot find module './tax' or its corresponding type declarations.")
		added.ID = "tax"
		added2 := tsFinding(4, 10, "TS2307", "Cannot find module './discounts' or its corresponding type declarations.")
		added2.ID = "discounts"
		c.Findings = append([]model.Finding{added, added2}, fs...)
		return true
	})
	next = withCollector(next, "go:worker", func(c *model.CollectorState) bool {
		c.Running, c.Status, c.FinishedAt, c.Duration = false, model.StatusOK, fixtureNow, time.Second
		return true
	})
	next.Generation = 8
	next.LastTrigger = "backend/src/orders.ts"
	push(t, ch, next)

	m := finalModel(t, tm)
	if m.snap.Generation != 8 {
		t.Fatalf("update not applied: generation %d", m.snap.Generation)
	}
	if m.cursorID != target {
		t.Fatalf("cursor moved to %s, want it kept on %s", m.cursorID, target)
	}
	if f := m.rows[m.cursor].finding; f.Line != 36 || m.cursor != 7 {
		t.Fatalf("cursor row %d shows line %d, want row 7 with the finding now at line 36", m.cursor, f.Line)
	}
	if out := screen(m); !strings.Contains(out, "backend/src/orders.ts:36:9") {
		t.Fatalf("detail does not follow the moved finding:\n%s", out)
	}
}

// waitForScreen waits until the program has drawn the tree and returns
// what it wrote so far (reading the output consumes it).
func waitForScreen(t *testing.T, tm *teatest.TestModel) []byte {
	t.Helper()
	var seen []byte
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		seen = append(seen[:0], b...)
		return bytes.Contains(b, []byte("typescript:backend"))
	}, teatest.WithDuration(programTimeout))
	return seen
}

// programOutput quits the program and returns the rest of what it wrote
// to the terminal.
func programOutput(t *testing.T, tm *teatest.TestModel) []byte {
	t.Helper()
	send(tm, "q")
	out, err := io.ReadAll(tm.FinalOutput(t, teatest.WithFinalTimeout(programTimeout)))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestProgramHonoursNoColor(t *testing.T) {
	// TTY_FORCE makes the terminal look like a colour terminal although the
	// test writes to a buffer, so only NO_COLOR can take the colour away.
	env := []string{"TERM=xterm-256color", "COLORTERM=truecolor", "TTY_FORCE=1"}

	t.Setenv("NO_COLOR", "")
	tm := startProgram(t, Options{}, 100, 30, tea.WithEnvironment(env))
	out := append(waitForScreen(t, tm), programOutput(t, tm)...)
	if c := colourSGR(string(out)); len(c) == 0 {
		t.Fatal("no colour on a colour terminal; the NO_COLOR check below would prove nothing")
	}

	// NO_COLOR only in the program's environment, as an embedder would
	// pass it, and in the process's, as a user would.
	for name, setup := range map[string]func() []string{
		"program environment": func() []string { return append(env, "NO_COLOR=1") },
		"process environment": func() []string { t.Setenv("NO_COLOR", "1"); return append(env, "NO_COLOR=1") },
	} {
		t.Run(name, func(t *testing.T) {
			tm := startProgram(t, Options{}, 100, 30, tea.WithEnvironment(setup()))
			out := waitForScreen(t, tm)
			send(tm, "G", "?")
			out = append(out, programOutput(t, tm)...)
			if c := colourSGR(string(out)); len(c) > 0 {
				t.Fatalf("NO_COLOR=1 but the terminal got colour sequences %q", c[:min(5, len(c))])
			}
		})
	}
}

func TestProgramOpensEditorAtFinding(t *testing.T) {
	// A stand-in editor named vim, so the editor package passes the
	// position the way it does for vim; it records its arguments.
	dir := t.TempDir()
	record := filepath.Join(dir, "args")
	script := "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + record + "\n"
	if err := os.WriteFile(filepath.Join(dir, "vim"), []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("EDITOR", filepath.Join(dir, "vim"))

	root := fixtureRoot(t)
	tm := startProgram(t, Options{Root: root}, 80, 24)
	send(tm, "j", "j", "j", "j", "j", "j", "e") // the finding at line 32, column 9

	got := editorArguments(record)
	finalModel(t, tm)
	want := "+call cursor(32,9)\n" + filepath.Join(root, "backend", "src", "orders.ts") + "\n"
	if string(got) != want {
		t.Fatalf("editor got arguments %q, want %q", got, want)
	}
}
