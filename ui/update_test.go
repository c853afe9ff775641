package ui

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/preflight-dev/preflight/model"
)

// withCollector returns a copy of snap with the named collector changed by
// edit; edit returning false removes the collector.
func withCollector(snap model.Snapshot, id string, edit func(*model.CollectorState) bool) model.Snapshot {
	s := snap.Clone()
	var kept []model.CollectorState
	for _, c := range s.Collectors {
		if c.Collector == id && !edit(&c) {
			continue
		}
		kept = append(kept, c)
	}
	s.Collectors = kept
	return s
}

// dropFindings removes the collector's findings at the given lines, keeping
// the others' fingerprints as the engine would.
func dropFindings(snap model.Snapshot, id string, lines ...int) model.Snapshot {
	return withCollector(snap, id, func(c *model.CollectorState) bool {
		var kept []model.Finding
		for _, f := range c.Findings {
			drop := false
			for _, l := range lines {
				drop = drop || f.Line == l
			}
			if !drop {
				kept = append(kept, f)
			}
		}
		c.Findings = kept
		return true
	})
}

func deliver(t *testing.T, m Model, s model.Snapshot) Model {
	t.Helper()
	return settle(t, m, func() tea.Msg { return snapshotMsg{snap: s} })
}

func TestMovementStaysInBounds(t *testing.T) {
	m := fixtureModel(t, 80, 24)
	n := len(m.rows)
	if n != 11 {
		t.Fatalf("fixture shows %d rows, want 11 (both domains open): %v", n, rowIDs(m))
	}
	steps := []struct {
		key  string
		want int
	}{
		{"k", 0}, {"up", 0}, {"j", 1}, {"down", 2}, {"j", 3},
		{"G", n - 1}, {"j", n - 1}, {"g", 0}, {"end", n - 1}, {"home", 0},
	}
	for _, st := range steps {
		m = press(t, m, st.key)
		if m.cursor != st.want {
			t.Fatalf("after %q cursor at %d, want %d", st.key, m.cursor, st.want)
		}
		if m.cursorID != m.rows[m.cursor].id {
			t.Fatalf("after %q cursorID %s does not match row %s", st.key, m.cursorID, m.rows[m.cursor].id)
		}
	}
}

func TestDomainsWithBlockersStartUnfolded(t *testing.T) {
	root := fixtureRoot(t)
	snap := fixtureSnapshot(root)
	audit := []model.Finding{{Collector: "npm-audit:web", Domain: "security", Severity: model.High,
		Rule: "GHSA-xxxx", Message: "prototype pollution in lodash", File: "web/package-lock.json"}}
	model.AssignIDs(audit)
	snap.Collectors = append(snap.Collectors, model.CollectorState{Result: model.Result{
		Collector: "npm-audit:web", Kind: "npm-audit", Domain: "security", Status: model.StatusOK,
		FinishedAt: fixtureNow, Findings: audit}})
	m := New(Options{Root: root, Initial: snap, Now: func() time.Time { return fixtureNow }})

	ids := rowIDs(m)
	for _, want := range []string{collectorKey("typescript:backend"), collectorKey("go-test:api")} {
		if !slices.Contains(ids, want) {
			t.Errorf("%s hidden; domains with blockers should start open: %v", want, ids)
		}
	}
	if !slices.Contains(ids, domainKey("security")) || slices.Contains(ids, collectorKey("npm-audit:web")) {
		t.Errorf("security has no blocker and should start folded: %v", ids)
	}
}

func TestFoldAndUnfold(t *testing.T) {
	m := fixtureModel(t, 80, 24)
	build := domainKey("build")

	m = press(t, m, "h")
	if m.cursorID != build || len(m.rows) != 4 {
		t.Fatalf("h on Build: cursor %s, %d rows %v; want Build folded to 4 rows", m.cursorID, len(m.rows), rowIDs(m))
	}
	m = press(t, m, "left")
	if m.cursorID != build || len(m.rows) != 4 {
		t.Fatalf("h on a folded root must do nothing, got cursor %s rows %v", m.cursorID, rowIDs(m))
	}
	m = press(t, m, "l")
	if len(m.rows) != 11 || m.cursorID != build {
		t.Fatalf("l on folded Build: %d rows, cursor %s", len(m.rows), m.cursorID)
	}
	m = press(t, m, "right")
	if m.cursorID != collectorKey("go:api") {
		t.Fatalf("l on open Build should go to its first child, cursor on %s", m.cursorID)
	}

	f26 := tsFindingKey(t, m.snap, 26)
	m = moveTo(t, m, f26)
	m = press(t, m, "h")
	if m.cursorID != collectorKey("typescript:backend") {
		t.Fatalf("h on a finding should jump to its collector, cursor on %s", m.cursorID)
	}
	m = press(t, m, "h")
	if slices.Contains(rowIDs(m), f26) || m.cursorID != collectorKey("typescript:backend") {
		t.Fatalf("h on an open collector should fold it, rows %v", rowIDs(m))
	}
	m = press(t, m, "h")
	if m.cursorID != build {
		t.Fatalf("h on a folded collector should jump to its domain, cursor on %s", m.cursorID)
	}
}

func TestCursorKeptAcrossReorder(t *testing.T) {
	m := fixtureModel(t, 80, 24)
	f32 := tsFindingKey(t, m.snap, 32)
	m = moveTo(t, m, f32)
	before := m.cursor

	// An edit above line 32 moved it to 35 and added an error at the top
	// of the file; the worker finished and a test collector appeared.
	next := withCollector(m.snap, "typescript:backend", func(c *model.CollectorState) bool {
		for i := range c.Findings {
			if c.Findings[i].Line == 32 {
				c.Findings[i].Line = 35
			}
		}
		added := tsFinding(2, 1, "TS2307", "Cannot find module './tax' or its corresponding type declarations.")
		added.ID = "new-finding"
		c.Findings = append([]model.Finding{added}, c.Findings...)
		return true
	})
	next = withCollector(next, "go:worker", func(c *model.CollectorState) bool {
		c.Running, c.Status, c.FinishedAt = false, model.StatusOK, fixtureNow
		return true
	})
	next.Collectors = append(next.Collectors, model.CollectorState{Result: model.Result{
		Collector: "go-test:worker", Domain: "tests", Status: model.StatusOK, FinishedAt: fixtureNow}})
	next.Generation = 8
	m = deliver(t, m, next)

	if m.cursorID != f32 {
		t.Fatalf("cursor moved to %s, want it kept on %s", m.cursorID, f32)
	}
	if m.cursor != before+1 {
		t.Errorf("cursor row %d, want %d (one finding was added above)", m.cursor, before+1)
	}
	if got := m.rows[m.cursor].finding.Line; got != 35 {
		t.Errorf("cursor row shows line %d, want the moved finding's new line 35", got)
	}
	if !strings.Contains(screen(m), "backend/src/orders.ts:35:9") {
		t.Errorf("detail pane does not show the new location:\n%s", screen(m))
	}
}

func TestCursorMovesToNearestSurvivor(t *testing.T) {
	cases := []struct {
		name   string
		start  func(Model) string
		change func(model.Snapshot) model.Snapshot
		want   func(Model) string
	}{{
		name:   "fixed finding: next sibling",
		start:  func(m Model) string { return tsFindingKey(t, m.snap, 26) },
		change: func(s model.Snapshot) model.Snapshot { return dropFindings(s, "typescript:backend", 26) },
		want:   func(m Model) string { return tsFindingKey(t, m.snap, 32) },
	}, {
		name:   "fixed last finding: previous sibling",
		start:  func(m Model) string { return tsFindingKey(t, m.snap, 32) },
		change: func(s model.Snapshot) model.Snapshot { return dropFindings(s, "typescript:backend", 32) },
		want:   func(m Model) string { return tsFindingKey(t, m.snap, 26) },
	}, {
		name:   "all findings fixed: their collector",
		start:  func(m Model) string { return tsFindingKey(t, m.snap, 26) },
		change: func(s model.Snapshot) model.Snapshot { return dropFindings(s, "typescript:backend", 18, 26, 32) },
		want:   func(Model) string { return collectorKey("typescript:backend") },
	}, {
		name:  "collector gone: next collector",
		start: func(Model) string { return collectorKey("go:worker") },
		change: func(s model.Snapshot) model.Snapshot {
			return withCollector(s, "go:worker", func(*model.CollectorState) bool { return false })
		},
		want: func(Model) string { return collectorKey("typescript:backend") },
	}, {
		name:  "domain gone with its only collector: the row now in its place",
		start: func(Model) string { return collectorKey("go-test:api") },
		change: func(s model.Snapshot) model.Snapshot {
			return withCollector(s, "go-test:api", func(*model.CollectorState) bool { return false })
		},
		want: func(m Model) string { return m.rows[len(m.rows)-1].id },
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := fixtureModel(t, 80, 24)
			m = moveTo(t, m, tc.start(m))
			next := tc.change(m.snap)
			next.Generation = m.snap.Generation + 1
			m = deliver(t, m, next)
			if want := tc.want(m); m.cursorID != want {
				t.Fatalf("cursor on %s, want %s; rows %v", m.cursorID, want, rowIDs(m))
			}
			if m.rows[m.cursor].id != m.cursorID {
				t.Fatalf("cursor index %d is %s, not %s", m.cursor, m.rows[m.cursor].id, m.cursorID)
			}
		})
	}
}

func TestCursorNotHiddenWhenDomainLosesBlockers(t *testing.T) {
	root := fixtureRoot(t)
	snap := fixtureSnapshot(root)
	snap = withCollector(snap, "go:api", func(c *model.CollectorState) bool {
		c.Findings = []model.Finding{{ID: "vet1", Collector: "go:api", Domain: "build", Severity: model.High,
			Rule: "printf", Message: "fmt.Sprintf format %d has arg of wrong type", File: "api/orders.go", Line: 8}}
		return true
	})
	m := New(Options{Root: root, Initial: snap, Now: func() time.Time { return fixtureNow }})
	m, _ = update(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	vet := findingKey("go:api", "vet1")
	m = moveTo(t, m, vet)

	// Every TypeScript error is fixed: Build has no blocker left and would
	// fold by default, but the cursor is inside it.
	next := dropFindings(m.snap, "typescript:backend", 18, 26, 32)
	next.Generation++
	m = deliver(t, m, next)
	if m.cursorID != vet || m.indexOf(vet) != m.cursor {
		t.Fatalf("cursor on %s (row %d), want it kept visible on %s; rows %v", m.cursorID, m.cursor, vet, rowIDs(m))
	}
}

func TestOlderSnapshotIsDropped(t *testing.T) {
	m := fixtureModel(t, 80, 24)
	before := screen(m)

	old := dropFindings(m.snap, "typescript:backend", 18, 26, 32)
	old.Generation = 5
	m = deliver(t, m, old)
	if m.snap.Generation != 7 || len(m.tree.nodes[collectorKey("typescript:backend")].children) != 3 {
		t.Fatalf("generation 5 replaced generation 7")
	}
	if after := screen(m); after != before {
		t.Fatalf("screen changed after a stale snapshot:\n%s", after)
	}

	newer := old
	newer.Generation = 9
	m = deliver(t, m, newer)
	if m.snap.Generation != 9 || len(m.tree.nodes[collectorKey("typescript:backend")].children) != 0 {
		t.Fatalf("generation 9 was not shown")
	}
}

// rerunRecorder is a Rerun func that remembers its calls.
type rerunRecorder struct {
	mu    sync.Mutex
	calls [][]string
}

func (r *rerunRecorder) rerun(ids []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, ids)
}

func TestRerunAsksForTheRightCollectors(t *testing.T) {
	root := fixtureRoot(t)
	snap := fixtureSnapshot(root)
	cases := []struct {
		name, key string
		at        func() string
		want      []string
	}{
		{"domain", "r", func() string { return domainKey("build") }, []string{"go:api", "go:worker", "typescript:backend", "typescript:web"}},
		{"collector", "r", func() string { return collectorKey("go-test:api") }, []string{"go-test:api"}},
		{"finding", "r", func() string { return tsFindingKey(t, snap, 26) }, []string{"typescript:backend"}},
		{"all", "R", func() string { return collectorKey("go:api") }, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := &rerunRecorder{}
			m := New(Options{Root: root, Initial: snap, Rerun: rec.rerun, Now: func() time.Time { return fixtureNow }})
			m, _ = update(m, tea.WindowSizeMsg{Width: 80, Height: 24})
			m = moveTo(t, m, tc.at())

			next, cmd := update(m, keyMsg(tc.key))
			if len(rec.calls) != 0 {
				t.Fatal("Rerun was called inside Update; it must run in a command")
			}
			if cmd == nil {
				t.Fatal("no command returned for the rerun key")
			}
			next = settle(t, next, cmd)
			if len(rec.calls) != 1 || !reflect.DeepEqual(rec.calls[0], tc.want) {
				t.Fatalf("Rerun calls %q, want one call with %q", rec.calls, tc.want)
			}
			wantStatus := "rerun requested: " + strings.Join(tc.want, ", ")
			if tc.want == nil {
				wantStatus = "rerun of every collector requested"
			}
			if !strings.Contains(screen(next), wantStatus) {
				t.Errorf("status bar does not say %q:\n%s", wantStatus, screen(next))
			}
		})
	}
}

func TestRerunWithoutEngineSaysSo(t *testing.T) {
	m := fixtureModel(t, 80, 24)
	m, cmd := update(m, keyMsg("R"))
	if cmd != nil {
		t.Fatal("a command was returned although there is no Rerun func")
	}
	if !strings.Contains(screen(m), "reruns are not available") {
		t.Fatalf("no explanation on screen:\n%s", screen(m))
	}
}

func TestUpdatesChannelFeedsSnapshotsUntilClosed(t *testing.T) {
	root := fixtureRoot(t)
	t.Setenv("HOME", filepath.Dir(root))
	ch := make(chan model.Snapshot, 2)
	m := New(Options{Root: root, Initial: fixtureSnapshot(root), Updates: ch, Now: func() time.Time { return fixtureNow }})
	m, _ = update(m, tea.WindowSizeMsg{Width: 80, Height: 24})

	next := dropFindings(m.snap, "go-test:api", 12)
	next.Generation = 8
	next.LastTrigger = "api/orders.go"
	ch <- next
	close(ch)
	m = settle(t, m, m.Init())

	if m.snap.Generation != 8 {
		t.Fatalf("generation %d shown, want 8 from the channel", m.snap.Generation)
	}
	out := screen(m)
	for _, want := range []string{"last change api/orders.go", "engine stopped"} {
		if !strings.Contains(out, want) {
			t.Errorf("screen lacks %q:\n%s", want, out)
		}
	}
}

func TestSourceAroundFinding(t *testing.T) {
	m := fixtureModel(t, 160, 48)
	m = moveTo(t, m, tsFindingKey(t, m.snap, 26))
	out := screen(m)
	for _, want := range []string{
		"23 │ }",
		"▶ 26 │   const total: number = formatPrice(orderTotal(order));",
		"29 │",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("detail lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "22 │") || strings.Contains(out, "30 │") {
		t.Errorf("detail shows more than 3 lines around the finding:\n%s", out)
	}
}

func TestUnreadableSourceIsSaid(t *testing.T) {
	root := fixtureRoot(t)
	snap := withCollector(fixtureSnapshot(root), "go-test:api", func(c *model.CollectorState) bool {
		c.Findings[0].File = "api/deleted_test.go"
		return true
	})
	m := New(Options{Root: root, Initial: snap, Now: func() time.Time { return fixtureNow }})
	m, _ = update(m, tea.WindowSizeMsg{Width: 160, Height: 48})
	m = press(t, m, "G")
	if out := screen(m); !strings.Contains(out, "cannot show api/deleted_test.go") {
		t.Fatalf("missing file not reported:\n%s", out)
	}
}

func TestFindingAtAFolderShowsNoSource(t *testing.T) {
	root := fixtureRoot(t)
	snap := withCollector(fixtureSnapshot(root), "go-test:api", func(c *model.CollectorState) bool {
		c.Findings[0].File, c.Findings[0].Line, c.Findings[0].Column = "api", 0, 0
		return true
	})
	m := New(Options{Root: root, Initial: snap, Now: func() time.Time { return fixtureNow }})
	m, _ = update(m, tea.WindowSizeMsg{Width: 160, Height: 48})
	m = press(t, m, "G")
	out := screen(m)
	if !strings.Contains(out, "api is a folder: this finding is about what is in it as a whole") || strings.Contains(out, "cannot show") {
		t.Fatalf("a finding at a folder:\n%s", out)
	}
}

func TestLateSourceReadIsIgnored(t *testing.T) {
	m := fixtureModel(t, 160, 48)
	m = moveTo(t, m, tsFindingKey(t, m.snap, 26))
	// A read for an earlier selection finishing late must not replace
	// the lines of the current one.
	stale := sourceMsg{seq: m.srcSeq - 1, key: m.src.key, lines: []sourceLine{{n: 26, text: "STALE"}}}
	m, _ = update(m, stale)
	if strings.Contains(screen(m), "STALE") {
		t.Fatal("a stale source read was shown")
	}
}

func TestReadAround(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for i := 1; i <= 10; i++ {
		b.WriteString("line " + itoa(i) + "\n")
	}
	file := filepath.Join(dir, "ten.txt")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "bin")
	if err := os.WriteFile(bin, []byte("a\x00b\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path        string
		line        int
		first, last int
		err         string
	}{
		{file, 5, 2, 8, ""},
		{file, 1, 1, 4, ""},
		{file, 10, 7, 10, ""},
		{file, 0, 1, 7, ""},
		{file, 14, 0, 0, "past the end"},
		{filepath.Join(dir, "missing"), 3, 0, 0, "no such file"},
		{bin, 1, 0, 0, "binary"},
	}
	for _, tc := range cases {
		lines, err := readAround(dir, tc.path, tc.line, 3, defaultMask, nil)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s:%d: error %v, want one mentioning %q", filepath.Base(tc.path), tc.line, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s:%d: %v", filepath.Base(tc.path), tc.line, err)
			continue
		}
		if len(lines) == 0 || lines[0].n != tc.first || lines[len(lines)-1].n != tc.last {
			t.Errorf("%s:%d: got lines %v, want %d..%d", filepath.Base(tc.path), tc.line, lines, tc.first, tc.last)
			continue
		}
		for _, l := range lines {
			if l.text != "line "+itoa(l.n) {
				t.Errorf("line %d read as %q", l.n, l.text)
			}
		}
	}
}

// colourSGR finds SGR sequences that set a colour (foreground, background
// or underline), as opposed to bold, faint or reverse.
var sgrRe = regexp.MustCompile(`\x1b\[([0-9;:]*)m`)

func colourSGR(s string) []string {
	var found []string
	for _, m := range sgrRe.FindAllStringSubmatch(s, -1) {
		for _, p := range strings.FieldsFunc(m[1], func(r rune) bool { return r == ';' || r == ':' }) {
			switch {
			case p == "38" || p == "48" || p == "58",
				len(p) == 2 && (p[0] == '3' || p[0] == '4') && p[1] <= '7',
				len(p) == 2 && p[0] == '9' && p[1] <= '7',
				len(p) == 3 && p[:2] == "10" && p[2] <= '7':
				found = append(found, m[0])
			}
		}
	}
	return found
}

func TestNoColor(t *testing.T) {
	t.Setenv("NO_COLOR", "")
	coloured := screenRaw(fixtureModel(t, 160, 48))
	if len(colourSGR(coloured)) == 0 {
		t.Fatal("no colour at all without NO_COLOR; the check below would prove nothing")
	}

	t.Setenv("NO_COLOR", "1")
	m := fixtureModel(t, 160, 48)
	m = moveTo(t, m, tsFindingKey(t, m.snap, 32))
	for _, out := range []string{screenRaw(m), screenRaw(press(t, m, "?"))} {
		if c := colourSGR(out); len(c) > 0 {
			t.Fatalf("NO_COLOR=1 but the view has colour sequences %q", c)
		}
		if !strings.Contains(out, "\x1b[7m") && !strings.Contains(out, ";7m") {
			t.Fatal("without colour the cursor and verdict must still stand out in reverse video")
		}
	}
}

func TestColourTurnedOffByProgramEnvironment(t *testing.T) {
	t.Setenv("NO_COLOR", "")
	for name, msg := range map[string]tea.Msg{
		"NO_COLOR in the program's environment": tea.EnvMsg{"TERM=xterm-256color", "NO_COLOR=1"},
		"terminal without colour":               tea.ColorProfileMsg{Profile: colorprofile.ASCII},
	} {
		t.Run(name, func(t *testing.T) {
			m, _ := update(fixtureModel(t, 80, 24), msg)
			if c := colourSGR(screenRaw(m)); len(c) > 0 {
				t.Fatalf("colour sequences remain: %q", c)
			}
		})
	}
	m, _ := update(fixtureModel(t, 80, 24), tea.ColorProfileMsg{Profile: colorprofile.ANSI256})
	if len(colourSGR(screenRaw(m))) == 0 {
		t.Fatal("a colour terminal lost its colours")
	}
}

func screenRaw(m Model) string { return m.View().Content }

func TestToolTextCannotEscapeTheScreen(t *testing.T) {
	root := fixtureRoot(t)
	snap := withCollector(fixtureSnapshot(root), "go-test:api", func(c *model.CollectorState) bool {
		c.Findings[0].Message = "boom\x1b[2J\x1b[31mred\r\ttabbed\x07"
		c.Output = "\x1b]0;pwned\x07title\n"
		return true
	})
	m := New(Options{Root: root, Initial: snap, Now: func() time.Time { return fixtureNow }})
	m, _ = update(m, tea.WindowSizeMsg{Width: 160, Height: 48})
	for _, id := range []string{collectorKey("go-test:api"), m.rows[len(m.rows)-1].id} {
		m = moveTo(t, m, id)
		out := screenRaw(m)
		for _, bad := range []string{"\x1b[2J", "\x1b]0;", "\x07", "\r", "\t"} {
			if strings.Contains(out, bad) {
				t.Fatalf("tool text put %q on screen", bad)
			}
		}
	}
	if !strings.Contains(screen(m), "boomred tabbed") {
		t.Fatalf("message text lost:\n%s", screen(m))
	}
}

func TestEveryTerminalSizeFits(t *testing.T) {
	sizes := [][2]int{{1, 1}, {10, 3}, {30, 8}, {49, 12}, {50, 11}, {50, 12}, {80, 24}, {99, 30}, {100, 30}, {120, 20}, {200, 60}}
	for _, sz := range sizes {
		m := fixtureModel(t, sz[0], sz[1])
		for _, keys := range [][]string{nil, {"G"}, {"G", "enter"}, {"?"}, {"G", "pgdown", "pgdown"}} {
			m := press(t, m, keys...)
			out := screen(m)
			lines := strings.Split(out, "\n")
			if len(lines) != sz[1] {
				t.Errorf("%dx%d %v: %d lines", sz[0], sz[1], keys, len(lines))
			}
			for _, l := range lines {
				if w := len([]rune(l)); w > sz[0] {
					t.Errorf("%dx%d %v: line %q is %d wide", sz[0], sz[1], keys, l, w)
				}
			}
			small := sz[0] < minWidth || sz[1] < minHeight
			if sz[0] >= 10 && small != strings.Contains(out, "terminal") {
				t.Errorf("%dx%d: too-small message shown=%v", sz[0], sz[1], !small)
			}
		}
	}
}

func TestResizeKeepsCursorInView(t *testing.T) {
	m := fixtureModel(t, 160, 48)
	m = press(t, m, "G")
	m, _ = update(m, tea.WindowSizeMsg{Width: 80, Height: 16})
	out := screen(m)
	if !strings.Contains(out, "›      blocker TestSlug") {
		t.Fatalf("cursor row scrolled out after shrinking:\n%s", out)
	}
	if m.offset == 0 {
		t.Fatal("tree did not scroll although it no longer fits")
	}
	m = press(t, m, "g")
	if m.offset != 0 || !strings.Contains(screen(m), "›▾ Build") {
		t.Fatalf("g did not scroll back to the top:\n%s", screen(m))
	}
}

func TestHeaderStates(t *testing.T) {
	root := fixtureRoot(t)
	t.Setenv("HOME", filepath.Dir(root))
	nothing := model.Snapshot{Root: root, Generation: 1, Collectors: []model.CollectorState{
		{Result: model.Unknown("typescript:web", "typescript", "build", "tsc missing", "npm install")},
	}}
	cached := fixtureSnapshot(root)
	cached.FromCache = true
	polling := fixtureSnapshot(root)
	polling.Watch = model.WatchState{Active: true, Polled: 40, Warning: "watch limit reached; raise fs.inotify.max_user_watches"}
	cases := []struct {
		name string
		snap model.Snapshot
		want []string
	}{
		{"no evidence", nothing, []string{"CONDITIONAL", "score — (no evidence) · coverage 0/1", "not watching"}},
		{"live", fixtureSnapshot(root), []string{"~/shop", "NO-GO", "score 68.8 · coverage 3/5", "watching 214 dirs", "last change backend/src/orders.ts"}},
		{"cached", cached, []string{"cached — refreshing"}},
		{"polling", polling, []string{"polling 40 dirs", "⚠ watch limit reached; raise fs.inotify.max_user_watches"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := New(Options{Root: root, Initial: tc.snap, Now: func() time.Time { return fixtureNow }})
			m, _ = update(m, tea.WindowSizeMsg{Width: 100, Height: 30})
			out := screen(m)
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("screen lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestEmptySnapshot(t *testing.T) {
	m := New(Options{Root: "/repo", Now: func() time.Time { return fixtureNow }})
	m, _ = update(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	m = press(t, m, "j", "G", "h", "l", "r", "e", "enter", "enter", "pgdown")
	if !strings.Contains(screen(m), "Looking for things to check") {
		t.Fatalf("empty tree not explained:\n%s", screen(m))
	}
}

func TestEditKeyNeedsAFindingWithAFile(t *testing.T) {
	m := fixtureModel(t, 80, 24)
	m, cmd := update(m, keyMsg("e"))
	if cmd != nil {
		t.Fatal("e on a domain returned a command")
	}
	if !strings.Contains(screen(m), "nothing to open") {
		t.Fatalf("no explanation:\n%s", screen(m))
	}
}

func TestSpaceOutsideTheChecklistOnlyExplains(t *testing.T) {
	m := fixtureModel(t, 80, 24)
	m = moveTo(t, m, collectorKey("go:api"))
	next, cmd := update(m, keyMsg("space"))
	if cmd != nil || next.cursorID != m.cursorID || !reflect.DeepEqual(rowIDs(next), rowIDs(m)) {
		t.Fatal("space on a collector did something")
	}
	if !strings.Contains(next.status, "space ticks checklist items") {
		t.Fatalf("status %q does not say what space is for", next.status)
	}
}

func TestHelpOverlay(t *testing.T) {
	m := press(t, fixtureModel(t, 80, 24), "?")
	if !m.showHelp || !strings.Contains(screen(m), "open the finding in $EDITOR") {
		t.Fatalf("? did not open help:\n%s", screen(m))
	}
	m = press(t, m, "j")
	if m.cursor != 0 {
		t.Fatal("keys under the help overlay moved the tree cursor")
	}
	m = press(t, m, "esc")
	if m.showHelp {
		t.Fatal("esc did not close help")
	}
	_, cmd := update(press(t, m, "?"), keyMsg("q"))
	if cmd == nil {
		t.Fatal("q does not quit from the help overlay")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("q does not quit from the help overlay")
	}
}

func TestQuitKeys(t *testing.T) {
	for _, k := range []string{"q", "ctrl+c"} {
		_, cmd := update(fixtureModel(t, 80, 24), keyMsg(k))
		if cmd == nil {
			t.Fatalf("%s returned no command", k)
		}
		if _, ok := cmd().(tea.QuitMsg); !ok {
			t.Fatalf("%s does not quit", k)
		}
	}
}

func TestDomainDetailListsEveryDeduction(t *testing.T) {
	root := fixtureRoot(t)
	snap := withCollector(fixtureSnapshot(root), "go:api", func(c *model.CollectorState) bool {
		c.Findings = []model.Finding{
			{ID: "a", Collector: "go:api", Domain: "build", Severity: model.High, Rule: "printf", Message: "x", File: "api/a.go", Line: 1},
			{ID: "b", Collector: "go:api", Domain: "build", Severity: model.Medium, Rule: "shadow", Message: "y", File: "api/a.go", Line: 2},
			{ID: "c", Collector: "go:api", Domain: "build", Severity: model.Low, Rule: "unused", Message: "z", File: "api/a.go", Line: 3},
		}
		return true
	})
	m := New(Options{Root: root, Initial: snap, Now: func() time.Time { return fixtureNow }})
	m, _ = update(m, tea.WindowSizeMsg{Width: 160, Height: 48})
	out := screen(m)
	var build model.DomainSummary
	for _, d := range model.Assess(snap).Domains {
		if d.ID == "build" {
			build = d
		}
	}
	if len(build.Deductions) != 4 {
		t.Fatalf("fixture has %d deductions in build, want 4", len(build.Deductions))
	}
	for _, d := range build.Deductions {
		if !strings.Contains(out, d.String()) {
			t.Errorf("deduction %q missing from the domain pane:\n%s", d.String(), out)
		}
	}
}

// A skipped collector is not counted at all: the domain pane lists it
// apart from what lowers coverage.
func TestDomainDetailSetsSkippedApart(t *testing.T) {
	root := fixtureRoot(t)
	snap := fixtureSnapshot(root)
	snap.Collectors = append(snap.Collectors,
		model.CollectorState{Result: model.Result{Collector: "unchecked:emailservice", Domain: "build", Status: model.StatusSkipped}})
	m := New(Options{Root: root, Initial: snap, Now: func() time.Time { return fixtureNow }})
	m, _ = update(m, tea.WindowSizeMsg{Width: 160, Height: 48})
	lines := strings.Split(screen(m), "\n")
	at := -1
	for i, l := range lines {
		if strings.Contains(l, "skipped (not counted)") {
			at = i
		}
		if strings.Contains(l, "lowers coverage") && i+1 < len(lines) && strings.Contains(lines[i+1], "unchecked:emailservice") {
			t.Errorf("a skipped collector is listed as lowering coverage:\n%s", screen(m))
		}
	}
	if at < 0 || at+1 >= len(lines) || !strings.Contains(lines[at+1], "unchecked:emailservice") {
		t.Errorf("no skipped line naming the collector:\n%s", screen(m))
	}
}

func TestRerunLeavesSkippedCollectorsAlone(t *testing.T) {
	root := fixtureRoot(t)
	snap := fixtureSnapshot(root)
	snap.Collectors = append(snap.Collectors,
		model.CollectorState{Result: model.Result{Collector: "docker:api", Domain: "deployment", Status: model.StatusSkipped}},
		model.CollectorState{Result: model.Result{Collector: "go:legacy", Domain: "build", Status: model.StatusSkipped}},
	)
	rec := &rerunRecorder{}
	m := New(Options{Root: root, Initial: snap, Rerun: rec.rerun, Now: func() time.Time { return fixtureNow }})
	m, _ = update(m, tea.WindowSizeMsg{Width: 80, Height: 30})

	m = press(t, m, "r") // Build
	want := []string{"go:api", "go:worker", "typescript:backend", "typescript:web"}
	if len(rec.calls) != 1 || !reflect.DeepEqual(rec.calls[0], want) {
		t.Fatalf("rerun of Build asked for %q, want %q", rec.calls, want)
	}
	m = moveTo(t, m, domainKey("deployment"))
	m = press(t, m, "r")
	if len(rec.calls) != 1 {
		t.Fatalf("a domain with only skipped collectors asked for %q (nil would rerun everything)", rec.calls[1:])
	}
	if !strings.Contains(screen(m), "nothing to rerun here") {
		t.Fatalf("no explanation:\n%s", screen(m))
	}
}

// FuzzToolText feeds arbitrary tool text through every pane: the frame
// must keep its size and no control character may reach the terminal.
func FuzzToolText(f *testing.F) {
	f.Add("TS2322", "Type 'string' is not assignable.\n  Nested\tdetail", "src/a.ts", "out\x1b[31mred\x1b[0m\r\n", "watch limit")
	f.Add("", "", "", "", "")
	f.Add("規則", "全角の文字 🚀 emoji \u200d👩\u200d💻", "../../etc/passwd", "\x1b]8;;http://x\x07link\x1b]8;;\x07", "\x1b[2J")
	f.Fuzz(func(t *testing.T, rule, msg, file, output, warning string) {
		root := t.TempDir()
		snap := fixtureSnapshot(root)
		snap.Watch.Warning = warning
		snap.LastTrigger = file
		snap.Collectors = append(snap.Collectors, model.CollectorState{Result: model.Result{
			Collector: "fuzz:" + rule, Domain: rule, Status: model.StatusError, Error: msg, Hint: msg, Output: output,
			Command: msg, Trigger: file, FinishedAt: fixtureNow, Facts: map[string]float64{rule: 1},
			Findings: []model.Finding{{ID: rule, Collector: "fuzz:" + rule, Domain: rule, Severity: model.Blocker,
				Rule: rule, Message: msg, File: file, Line: len(msg) % 7, Column: len(rule)}},
		}})
		m := New(Options{Root: root, Initial: snap, Now: func() time.Time { return fixtureNow }})
		cn := m.tree.nodes[collectorKey("fuzz:"+rule)]
		targets := []string{cn.parent, cn.id, cn.children[0]}
		for _, sz := range [][2]int{{80, 24}, {160, 48}, {50, 12}} {
			m, _ = update(m, tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			for _, id := range targets {
				m = moveTo(t, m, id)
				out := ansi.Strip(screenRaw(m))
				lines := strings.Split(out, "\n")
				if len(lines) != sz[1] {
					t.Fatalf("%dx%d on %s: %d lines", sz[0], sz[1], id, len(lines))
				}
				for _, l := range lines {
					if w := ansi.StringWidth(l); w > sz[0] {
						t.Fatalf("%dx%d on %s: line %q is %d wide", sz[0], sz[1], id, l, w)
					}
					for _, r := range l {
						if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
							t.Fatalf("control character %U on screen in %q", r, l)
						}
					}
				}
			}
		}
	})
}

// Enter toggles the detail pane, and the key bar says which way it goes.
func TestEnterSaysWhetherItShowsOrHidesTheDetailPane(t *testing.T) {
	m := fixtureModel(t, 100, 30)
	bar := func(m Model) string { return ansi.Strip(m.keyBar()) }
	if !m.layout().detail || !strings.Contains(bar(m), "enter hide pane") {
		t.Fatalf("pane shown, key bar %q", bar(m))
	}
	m = press(t, m, "enter")
	if m.layout().detail || !strings.Contains(bar(m), "enter details") {
		t.Fatalf("pane hidden, key bar %q", bar(m))
	}
	m = press(t, m, "enter")
	if !m.layout().detail {
		t.Fatal("enter again did not bring the pane back")
	}
}

// A collector running for the first time has no error to show: its detail
// says it is running, not "not run yet".
func TestFirstRunShowsNoError(t *testing.T) {
	m := fixtureModel(t, 100, 30)
	c := model.CollectorState{Running: true, RunStarted: time.Now(), Result: model.Result{
		Collector: "jest:.", Domain: "tests", Status: model.StatusUnknown, ExitCode: -1, Error: "not run yet"}}
	text := ansi.Strip(strings.Join(m.collectorDetail(c, 80), "\n"))
	if !strings.Contains(text, "no result yet") || strings.Contains(text, "not run yet") {
		t.Errorf("detail:\n%s", text)
	}
	c.Running = false
	c.Error, c.Waiting = "waiting for trust: would run node_modules/.bin/jest", model.GateTrust
	if text := ansi.Strip(strings.Join(m.collectorDetail(c, 80), "\n")); !strings.Contains(text, "waiting for trust") {
		t.Errorf("a result without a finish time keeps its error:\n%s", text)
	}
}

// A result that is ok may carry a hint (the secrets scan without gitleaks
// installed): the pane shows it, and no error line.
func TestOkResultShowsItsHint(t *testing.T) {
	m := fixtureModel(t, 100, 30)
	c := model.CollectorState{Result: model.Result{FinishedAt: time.Now(),
		Collector: "secrets:.", Domain: "security", Status: model.StatusOK, ExitCode: -1,
		Command: "scanned 12 files (preflight built-in rules)", Hint: "gitleaks is not on PATH, so only preflight's built-in rules ran"}}
	text := ansi.Strip(strings.Join(m.collectorDetail(c, 100), "\n"))
	if !strings.Contains(text, "hint") || !strings.Contains(text, "gitleaks is not on PATH") || strings.Contains(text, "error") {
		t.Errorf("detail:\n%s", text)
	}
}

// Once the scan has said what there is, the header names the domains with
// nothing to check; while it scans it cannot know.
func TestHeaderNamesDomainsNotAssessed(t *testing.T) {
	m := fixtureModel(t, 160, 48)
	var got string
	for _, r := range m.reasons() {
		if strings.HasPrefix(r, "not assessed: ") {
			got = r
		}
	}
	if got != "not assessed: Security, Deployment, Performance, CI (nothing found to check)" {
		t.Errorf("reasons %q", m.reasons())
	}
	m.scanning = true
	for _, r := range m.reasons() {
		if strings.HasPrefix(r, "not assessed") {
			t.Errorf("while scanning: %q", r)
		}
	}
}

// Projects preflight has no collector for are named in the header, with
// what they are (the root's by its kind alone, not as "."), among the
// verdict's reasons (they keep it from GO); linters it does not run after
// them; one the user disabled is not.
func TestHeaderNamesUncheckedProjects(t *testing.T) {
	root := fixtureRoot(t)
	snap := fixtureSnapshot(root)
	for _, u := range [][2]string{
		{".", "a Cypress test project (cypress.config.ts), which preflight has no collector for"},
		{"adservice", "a Gradle (Java/Kotlin) project (src/adservice/build.gradle), which preflight has no collector for"},
		{"golangci-lint", ".golangci.yml configures golangci-lint, which preflight does not run"},
	} {
		snap.Collectors = append(snap.Collectors, model.CollectorState{Result: model.Result{Collector: "unchecked:" + u[0],
			Kind: model.KindUnchecked, Domain: "build", Status: model.StatusSkipped, Error: model.UncheckedPrefix + u[1]}})
	}
	snap.Collectors = append(snap.Collectors, model.CollectorState{Result: model.Result{Collector: "unchecked:docs",
		Kind: model.KindUnchecked, Domain: "build", Status: model.StatusSkipped, Error: "disabled in preflight.yaml:3:3"}})
	m := New(Options{Root: root, Initial: snap, Now: func() time.Time { return fixtureNow }})
	m, _ = update(m, tea.WindowSizeMsg{Width: 160, Height: 48})
	for _, want := range []string{"not checked: Cypress test, adservice: Gradle (Java/Kotlin) (preflight has no collector for them)",
		"not checked: golangci-lint (preflight has no collector for it)"} {
		if !slices.Contains(m.reasons(), want) {
			t.Errorf("reasons %q lack %q", m.reasons(), want)
		}
	}
	if !strings.Contains(screen(m), "not checked:") {
		t.Errorf("header:\n%s", screen(m))
	}
	// One alone is "it".
	one := fixtureSnapshot(root)
	one.Collectors = append(one.Collectors, snap.Collectors[len(snap.Collectors)-2])
	m = New(Options{Root: root, Initial: one, Now: func() time.Time { return fixtureNow }})
	if want := "not checked: golangci-lint (preflight has no collector for it)"; !slices.Contains(m.reasons(), want) {
		t.Errorf("reasons %q lack %q", m.reasons(), want)
	}
}

// A cockpit without a cache starts with no domain, the Checklist row
// alone under the cursor; when the first results arrive the cursor is on
// the first domain, not left on the last row. Once the user moves it, it
// stays on the node they chose.
func TestCursorStartsAtTheTopUntilTheUserMovesIt(t *testing.T) {
	root := fixtureRoot(t)
	full := fixtureSnapshot(root)
	full.Checklist = &model.Checklist{} // no READINESS.md: the row invites to write one
	empty := full.Clone()
	empty.Collectors = nil
	m := New(Options{Root: root, Initial: empty, Now: func() time.Time { return fixtureNow }})
	m, _ = update(m, tea.WindowSizeMsg{Width: 160, Height: 48})
	if len(m.rows) != 1 {
		t.Fatalf("rows before any result: %d, want the Checklist row alone", len(m.rows))
	}
	next := full.Clone()
	next.Generation = empty.Generation + 1
	m = deliver(t, m, next)
	if m.cursor != 0 || m.rows[0].id != m.cursorID {
		t.Fatalf("cursor on row %d (%s), want the first row %s", m.cursor, m.cursorID, m.rows[0].id)
	}
	m = press(t, m, "j", "j")
	chosen := m.cursorID
	again := full.Clone()
	again.Generation = next.Generation + 1
	m = deliver(t, m, again)
	if m.cursorID != chosen {
		t.Errorf("after the user moved: cursor on %s, want %s", m.cursorID, chosen)
	}
}
