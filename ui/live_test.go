package ui

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/preflight-dev/preflight/config"
	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/prefs"
)

// These tests keep the cockpit as people who live in lazygit and k9s
// expect it: nothing but the screen writes to the terminal, the first
// seconds say what is still coming, rows and columns stay where they are,
// and what is cut is never the part that matters.

// coldStart is the shop a second after a start without cache: one
// collector has reported, the Go build is compiling, the rest wait.
func coldStart(root string) model.Snapshot {
	s := fixtureSnapshot(root)
	s.LastTrigger = ""
	for i := range s.Collectors {
		c := &s.Collectors[i]
		if c.Collector == "typescript:web" {
			continue // it reported: no compiler
		}
		*c = model.CollectorState{Result: model.Result{Collector: c.Collector, Kind: c.Kind, Domain: c.Domain,
			Status: model.StatusUnknown, ExitCode: -1, Error: "not run yet"}, Running: true}
		if c.Collector == "go:api" {
			c.RunStarted, c.Progress = fixtureNow.Add(-41*time.Second), "go build: compiling"
		}
	}
	return s
}

// rerunning is the shop with the checklist just after R: every collector
// queued or running again on its last result.
func rerunning(root string) model.Snapshot {
	s := fixtureSnapshot(root)
	for i := range s.Collectors {
		c := &s.Collectors[i]
		if c.FinishedAt.IsZero() {
			continue
		}
		c.Running, c.Stale = true, true
		if c.Collector == "go-test:api" {
			c.RunStarted, c.Progress = fixtureNow.Add(-12*time.Second), "1045 passed, 16 skipped so far"
		}
	}
	return withChecklist(s, shopReadiness)
}

func liveModel(t testing.TB, w, h int, s model.Snapshot, o Options) Model {
	t.Helper()
	root := fixtureRoot(t)
	t.Setenv("HOME", filepath.Dir(root))
	o.Root, o.Initial, o.Now = root, s, func() time.Time { return fixtureNow }
	m := New(o)
	m, _ = update(m, tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

func TestGoldenLive(t *testing.T) {
	root := fixtureRoot(t)
	for _, sz := range []struct{ w, h int }{{80, 24}, {100, 30}, {160, 48}} {
		suffix := "_" + itoa(sz.w) + "x" + itoa(sz.h)
		t.Run("cold_start"+suffix, func(t *testing.T) {
			checkScreen(t, liveModel(t, sz.w, sz.h, coldStart(root), Options{}))
		})
		t.Run("filter_no_match"+suffix, func(t *testing.T) {
			m := liveModel(t, sz.w, sz.h, withChecklist(fixtureSnapshot(root), shopReadiness), Options{})
			m = press(t, m, "/")
			m = typeText(t, m, "TS9999")
			checkScreen(t, press(t, m, "enter"))
		})
		t.Run("rerun"+suffix, func(t *testing.T) {
			// Every collector reported, then R.
			m := liveModel(t, sz.w, sz.h, withChecklist(fixtureSnapshot(root), shopReadiness), Options{})
			m = deliver(t, m, func() model.Snapshot { s := rerunning(root); s.Generation = 8; return s }())
			checkScreen(t, moveTo(t, m, collectorKey("go-test:api")))
		})
		t.Run("config_warning"+suffix, func(t *testing.T) {
			m := liveModel(t, sz.w, sz.h, fixtureSnapshot(root), Options{})
			m, _ = update(m, messageMsg{msg: Message{At: fixtureNow, Warning: true,
				Text: root + "/preflight.yaml:5:14: collectors.go-tset matches no collector in this repository"}})
			checkScreen(t, m)
		})
	}
	t.Run("messages_100x30", func(t *testing.T) {
		m := liveModel(t, 100, 30, fixtureSnapshot(root), Options{})
		m, _ = update(m, messageMsg{msg: Message{At: fixtureNow.Add(-time.Minute), Text: "preflight.yaml was trusted in another terminal: running custom:lint"}})
		m, _ = update(m, messageMsg{msg: Message{At: fixtureNow, Warning: true,
			Text: root + "/preflight.yaml:5:14: collectors.go-tset matches no collector in this repository"}})
		checkScreen(t, press(t, m, "!"))
	})
	t.Run("wider_tree_100x30", func(t *testing.T) {
		m := liveModel(t, 100, 30, fixtureSnapshot(root), Options{})
		m = moveTo(t, m, tsFindingKey(t, m.snap, 32))
		checkScreen(t, press(t, m, ">", ">"))
	})
}

// Defect: a config warning printed to stderr over the tree. Messages from
// the rest of preflight are shown in the header until read, and listed in
// the messages view.
func TestMessagesAreShownInTheHeaderUntilRead(t *testing.T) {
	root := fixtureRoot(t)
	ch := make(chan Message, 2)
	m := liveModel(t, 100, 30, fixtureSnapshot(root), Options{Messages: ch})
	receive := func() {
		t.Helper()
		m, _ = update(m, m.waitForMessage()())
	}
	ch <- Message{Warning: true, Text: root + "/preflight.yaml:5:14: collectors.go-tset matches no collector in this repository"}
	receive()
	out := screen(m)
	if !strings.Contains(out, "⚠ preflight.yaml:5:14: collectors.go-tset matches no collector in this repository  (! messages)") {
		t.Fatalf("the warning is not in the header:\n%s", out)
	}
	m = press(t, m, "!")
	if !m.showMessages || m.unread != 0 || !strings.Contains(screen(m), "14:05:00 ⚠ preflight.yaml:5:14: collectors.go-tset") {
		t.Fatalf("the messages view:\n%s", screen(m))
	}
	m = press(t, m, "esc")
	if m.showMessages || strings.Contains(screen(m), "go-tset") {
		t.Fatalf("a read message stays in the header:\n%s", screen(m))
	}
	// The same warning again (each reload) is one line, unread again.
	ch <- Message{Warning: true, Text: root + "/preflight.yaml:5:14: collectors.go-tset matches no collector in this repository"}
	receive()
	if len(m.log) != 1 || m.unread != 1 {
		t.Fatalf("log %d unread %d", len(m.log), m.unread)
	}
}

// Defect: the first seconds claimed a verdict. Until every collector has
// reported once it is "so far", with what is still running and what it
// is doing; a cached result is not a report of this session.
func TestVerdictIsProvisionalUntilEveryCollectorReported(t *testing.T) {
	root := fixtureRoot(t)
	m := liveModel(t, 100, 30, coldStart(root), Options{})
	out := screen(m)
	for _, want := range []string{"CONDITIONAL  so far", "waiting for 4 of 5: go:api (go build: compiling 41s)"} {
		if !strings.Contains(out, want) {
			t.Errorf("cold start lacks %q:\n%s", want, out)
		}
	}
	if header := strings.Join(strings.Split(out, "\n")[:3], "\n"); strings.Contains(header, "go:api (running)") {
		t.Errorf("the reasons repeat what is awaited:\n%s", header)
	}
	if v := m.View(); !strings.HasSuffix(v.WindowTitle, "so far") {
		t.Errorf("title %q", v.WindowTitle)
	}

	done := fixtureSnapshot(root)
	done = withCollector(done, "go:worker", func(c *model.CollectorState) bool {
		c.Running, c.Status, c.FinishedAt = false, model.StatusOK, fixtureNow
		return true
	})
	done.Generation = 9
	m = deliver(t, m, done)
	if out := screen(m); strings.Contains(out, "so far") || strings.Contains(out, "waiting for") || !strings.Contains(out, "NO-GO   score") {
		t.Fatalf("every collector reported, still provisional:\n%s", out)
	}

	// A start on the cache: results shown, but none of this session.
	cached := fixtureSnapshot(root)
	cached.FromCache = true
	for i := range cached.Collectors {
		cached.Collectors[i].Stale, cached.Collectors[i].Running = true, true
	}
	m = liveModel(t, 100, 30, cached, Options{})
	if !m.provisional() || len(m.waiting()) != 5 {
		t.Fatalf("cached start: provisional %v, waiting %d", m.provisional(), len(m.waiting()))
	}
}

// Defect: a filter without a match said there was nothing to check, and
// matches inside folded domains stayed hidden.
func TestFilterSaysWhenNothingMatchesAndUnfoldsMatches(t *testing.T) {
	m := fixtureModel(t, 100, 30)
	m = press(t, m, "/")
	m = typeText(t, m, "TS9999")
	m = press(t, m, "enter")
	out := strings.Join(strings.Fields(ansi.Strip(strings.Join(m.treeLines(m.layout()), " "))), " ")
	if strings.Contains(out, "Nothing to check was detected") || !strings.Contains(out, "Nothing matches the filter “TS9999” (4 findings in all); esc clears it.") {
		t.Fatalf("no-match filter:\n%s", out)
	}

	m = fixtureModel(t, 100, 30)
	m = press(t, m, "h", "j", "h") // fold Build and Tests
	if len(m.rows) != 2 {
		t.Fatalf("rows %v", rowIDs(m))
	}
	m = press(t, m, "/")
	m = typeText(t, m, "grace")
	m = press(t, m, "enter")
	if got := findingRows(m); strings.Join(got, " ") != "TestSlug@12" {
		t.Fatalf("the match in a folded domain is hidden: rows %v", rowIDs(m))
	}
	// Folding under the filter works, and clearing the filter brings the
	// folds chosen before it back.
	m = press(t, m, "g", "h")
	if len(findingRows(m)) != 0 {
		t.Fatalf("h under the filter did not fold: %v", rowIDs(m))
	}
	m = press(t, m, "esc")
	if len(m.rows) != 2 {
		t.Fatalf("the folds before the filter are lost: %v", rowIDs(m))
	}
}

// Defect: e passed the line only to editors it recognised. With an editor
// template in the preferences, any editor gets the file and the position.
func TestEditorTemplateOpensAnyEditorAtTheLine(t *testing.T) {
	dir := t.TempDir()
	record := filepath.Join(dir, "args")
	script := filepath.Join(dir, "myedit")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nprintf '%s\\n' \"$@\" > "+record+"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("EDITOR", "vim") // the template wins over $EDITOR
	root := fixtureRoot(t)
	tm := startProgram(t, Options{Root: root, Prefs: prefs.Prefs{Editor: script + " --line {line} --col {column} {file}"}}, 80, 24)
	send(tm, "j", "j", "j", "j", "j", "j", "e") // the finding at line 32, column 9
	got := editorArguments(record)
	finalModel(t, tm)
	want := "--line\n32\n--col\n9\n" + filepath.Join(root, "backend", "src", "orders.ts") + "\n"
	if string(got) != want {
		t.Fatalf("editor got %q, want %q", got, want)
	}
}

// Defect: during a rerun a collector row lost its name to its status.
// The name is never cut before the status; the duration goes first.
func TestCollectorRowKeepsItsNameBeforeItsStatus(t *testing.T) {
	root := fixtureRoot(t)
	m := liveModel(t, 100, 30, rerunning(root), Options{})
	for _, w := range []int{40, 48, 59} {
		n := m.tree.nodes[collectorKey("go-test:api")]
		row := ansi.Strip(m.rowLine(n, false, w))
		if !strings.Contains(row, "go-test:api") {
			t.Errorf("at %d cells the row lost its name: %q", w, row)
		}
		if ansi.StringWidth(row) != w {
			t.Errorf("row is %d wide, want %d", ansi.StringWidth(row), w)
		}
	}
	row := ansi.Strip(m.rowLine(m.tree.nodes[collectorKey("go-test:api")], false, 59))
	if !strings.Contains(row, "1 blocker · rerunning 12s") {
		t.Errorf("status: %q", row)
	}
}

// Defect: R collapsed the checklist, took contradictions out of the header
// and had the tree say "rerun queued" while the detail pane said
// "rerunning now". The last known states stay, marked stale, and every
// place says the same about a run.
func TestRerunKeepsLastStatesAndOneStatus(t *testing.T) {
	root := fixtureRoot(t)
	before := liveModel(t, 100, 30, withChecklist(fixtureSnapshot(root), shopReadiness), Options{})
	m := deliver(t, before, func() model.Snapshot { s := rerunning(root); s.Generation = 8; return s }())
	if !reflect.DeepEqual(rowIDs(m), rowIDs(before)) {
		t.Fatalf("the tree changed shape on R:\nbefore %v\nafter  %v", rowIDs(before), rowIDs(m))
	}
	if !strings.Contains(strings.Join(m.assess.Reasons, "; "), "contradicted checklist item") {
		t.Fatalf("the contradiction left the header: %v", m.assess.Reasons)
	}
	item := m.tree.nodes[itemKey(t, m, "Backend type-checks")]
	if item.item.State != model.ItemContradicted || !item.item.Stale ||
		!strings.Contains(ansi.Strip(m.rowLine(item, false, 59)), "✗ CONTRADICTED stale") {
		t.Fatalf("item %+v", item.item)
	}
	out := screen(m)
	if !strings.Contains(out, "coverage 3/5 (3 rerunning)") {
		t.Errorf("coverage dropped on R:\n%s", out)
	}
	for _, id := range []string{"typescript:backend", "go-test:api"} {
		mm := moveTo(t, m, collectorKey(id))
		n := mm.current()
		tree := ansi.Strip(mm.collectorSummary(n.collector))
		detail := strings.Join(strings.Fields(ansi.Strip(strings.Join(mm.detailLines(60, 30), "\n"))), " ")
		phase := "rerun queued"
		if id == "go-test:api" {
			phase = "rerunning 12s · 1045 passed, 16 skipped so far"
		}
		if !strings.Contains(tree, phase) || !strings.Contains(detail, phase) || strings.Contains(detail, "rerunning now") {
			t.Errorf("%s: tree %q, detail:\n%s", id, tree, detail)
		}
	}
}

// Defect: T said "trusted: its commands will run" whatever happened, and
// kept saying it after preflight.yaml changed and was untrusted again.
func TestTrustMessageFollowsTheConfig(t *testing.T) {
	root := fixtureRoot(t)
	m := liveModel(t, 100, 30, fixtureSnapshot(root), Options{
		Trust: func() (string, error) { return "preflight.yaml trusted as it is now: running custom:lint", nil }})
	m = press(t, m, "T")
	if m.status != "preflight.yaml trusted as it is now: running custom:lint" {
		t.Fatalf("status %q", m.status)
	}
	// preflight.yaml is edited: its new command waits for trust again.
	s := fixtureSnapshot(root)
	s.Generation = 8
	s.Collectors = append(s.Collectors, model.CollectorState{Result: model.Result{
		Collector: "custom:lint", Kind: "custom", Domain: "build", Status: model.StatusUnknown, ExitCode: -1,
		Error: config.UntrustedPrefix + "preflight.yaml runs `make lint`", FinishedAt: fixtureNow.Add(time.Second),
		Waiting: model.GateTrust}})
	m = deliver(t, m, s)
	if !strings.Contains(m.status, "what was trusted changed, or the trust was revoked: custom:lint waits for trust again (T)") {
		t.Fatalf("status after the config changed: %q", m.status)
	}
}

// Defect: at 100 columns the tree was too narrow for a finding's message;
// the split adapts to the width and < and > resize it.
func TestSplitAdaptsToTheWidthAndResizes(t *testing.T) {
	for _, tc := range []struct{ w, tree int }{{100, 59}, {120, 71}, {160, 95}, {260, 159}} {
		if l := fixtureModel(t, tc.w, 30).layout(); !l.wide || l.treeW != tc.tree || l.treeW+1+l.detailW != tc.w {
			t.Errorf("at %d columns: tree %d detail %d, want tree %d", tc.w, l.treeW, l.detailW, tc.tree)
		}
	}
	m := fixtureModel(t, 100, 30)
	m = press(t, m, ">")
	if l := m.layout(); l.treeW != 64 || !strings.Contains(m.status, "tree 64% of the width") {
		t.Fatalf("> gave tree %d, status %q", l.treeW, m.status)
	}
	m = press(t, m, "<", "<", "<")
	if l := m.layout(); l.treeW != 49 {
		t.Fatalf("< gave tree %d", l.treeW)
	}
	for range 20 {
		m = press(t, m, "<")
	}
	if l := m.layout(); l.treeW != minTreeW || l.detailW < minDetailW {
		t.Fatalf("the tree shrank to %d, detail %d", l.treeW, l.detailW)
	}
	// Stacked, the split is the tree's share of the height.
	m = fixtureModel(t, 80, 24)
	h := m.layout().treeH
	m = press(t, m, ">")
	if m.layout().treeH <= h || !strings.Contains(m.status, "of the height") {
		t.Fatalf("> stacked: tree %d lines (was %d), status %q", m.layout().treeH, h, m.status)
	}
	// The preferences set it.
	m = liveModel(t, 120, 30, fixtureSnapshot(fixtureRoot(t)), Options{Prefs: prefs.Prefs{Split: 70}})
	if l := m.layout(); l.treeW != 84 {
		t.Fatalf("split 70: tree %d", l.treeW)
	}
}

// Defect: at 100 columns a finding row showed its path and no message.
// The message has priority: the path shrinks to the file name (its
// directory an ellipsis, so that it does not read as a root file), then
// goes.
func TestFindingRowGivesTheMessagePriority(t *testing.T) {
	m := fixtureModel(t, 100, 30)
	n := m.tree.nodes[tsFindingKey(t, m.snap, 26)]
	for _, tc := range []struct {
		w    int
		want string
	}{
		{100, "blocker TS2322 backend/src/orders.ts:26 Type 'string' is not assignable to type 'number'."},
		{59, "blocker TS2322 …/orders.ts:26 Type 'string' is not …"}, // the tree at 100 columns
		{44, "blocker TS2322 Type 'string' is not …"},
	} {
		if got := strings.TrimSpace(ansi.Strip(m.rowLine(n, false, tc.w))); got != tc.want {
			t.Errorf("at %d cells: %q, want %q", tc.w, got, tc.want)
		}
	}
}

// Defect: header reasons and the trigger path were cut, and the score
// column moved in filter and blockers-only modes.
func TestHeaderKeepsReasonsAndTriggerAndColumnsStayPut(t *testing.T) {
	m := liveModel(t, 100, 30, withChecklist(fixtureSnapshot(fixtureRoot(t)), shopReadiness), Options{})
	m.snap.LastTrigger = "packages/api/src/very/deep/folder/index.ts"
	out := screen(m)
	reasons := strings.Join(m.reasons(), "; ")
	flat := strings.Join(strings.Fields(out), " ")
	if !strings.Contains(flat, strings.Join(strings.Fields(reasons), " ")) {
		t.Errorf("reasons cut; want %q in:\n%s", reasons, out)
	}
	if !strings.Contains(out, "last change packages/api/src/very/deep/folder/index.ts") {
		t.Errorf("trigger cut:\n%s", out)
	}
	col := func(m Model) int {
		for _, l := range strings.Split(screen(m), "\n") {
			if i := strings.Index(l, "Build "); i >= 0 {
				return strings.Index(l, "62.5")
			}
		}
		return -1
	}
	want := col(m)
	for _, keys := range [][]string{{"b"}, {"/", "T", "S", "enter"}, {"o"}} {
		if got := col(press(t, m, keys...)); got != want {
			t.Errorf("after %v the score column is at %d, was %d", keys, got, want)
		}
	}
}

// Smaller defects: groups by severity then count; built-in collectors
// (no process) show no "exit none".
func TestGroupsAreSortedBySeverityThenCount(t *testing.T) {
	root := fixtureRoot(t)
	s := fixtureSnapshot(root)
	var fs []model.Finding
	for i, sev := range []model.Severity{model.Low, model.Low, model.High} {
		rule := "DL3008"
		if sev == model.High {
			rule = "DL3002"
		}
		fs = append(fs, model.Finding{Collector: "dockerfile:.", Domain: "deployment", Severity: sev, Rule: rule,
			Message: "m", File: "Dockerfile", Line: i + 1})
	}
	model.AssignIDs(fs)
	s.Collectors = append(s.Collectors, model.CollectorState{Result: model.Result{Collector: "dockerfile:.", Kind: "dockerfile",
		Domain: "deployment", Status: model.StatusOK, ExitCode: -1, Command: "parsed 1 Dockerfile in . (preflight built-in rules)",
		FinishedAt: fixtureNow, Findings: fs}})
	m := liveModel(t, 100, 30, s, Options{})
	m = press(t, m, "o")
	var groups []string
	for _, id := range m.tree.nodes[domainKey("deployment")].children {
		groups = append(groups, m.tree.nodes[id].group)
	}
	if strings.Join(groups, " ") != "DL3002 DL3008" {
		t.Fatalf("groups %v: 1 high must come before 2 low", groups)
	}

	m = liveModel(t, 100, 30, s, Options{})
	detail := strings.Join(m.collectorDetail(s.Collectors[len(s.Collectors)-1], 60), "\n")
	if strings.Contains(detail, "exit") || strings.Contains(detail, "did not exit") {
		t.Fatalf("a built-in collector shows an exit code:\n%s", ansi.Strip(detail))
	}
}

// Terminal progress (OSC 9;4) while collectors run, coloured by the
// verdict so far; none when all is done or when turned off.
func TestProgressIsReportedToTheTerminal(t *testing.T) {
	root := fixtureRoot(t)
	m := liveModel(t, 100, 30, coldStart(root), Options{})
	pb := m.View().ProgressBar
	if pb == nil || pb.State != tea.ProgressBarWarning || pb.Value != 20 {
		t.Fatalf("cold start progress %+v, want 1 of 5 done, CONDITIONAL", pb)
	}
	m = liveModel(t, 100, 30, fixtureSnapshot(root), Options{})
	if pb := m.View().ProgressBar; pb == nil || pb.State != tea.ProgressBarError || pb.Value != 80 {
		t.Fatalf("progress %+v, want 4 of 5 done, NO-GO", pb)
	}
	m = liveModel(t, 100, 30, fixtureSnapshot(root), Options{Prefs: prefs.Prefs{NoProgress: true}})
	if pb := m.View().ProgressBar; pb != nil {
		t.Fatalf("progress turned off, got %+v", pb)
	}
	done := withCollector(fixtureSnapshot(root), "go:worker", func(c *model.CollectorState) bool { c.Running = false; return true })
	if pb := liveModel(t, 100, 30, done, Options{}).View().ProgressBar; pb != nil {
		t.Fatalf("nothing runs, got %+v", pb)
	}
}

// The bell (or a desktop notification) when the settled verdict changes,
// only when asked for.
func TestVerdictChangeRingsTheBellWhenAsked(t *testing.T) {
	root := fixtureRoot(t)
	settled := func(gen uint64, edit func(*model.CollectorState)) model.Snapshot {
		s := withCollector(fixtureSnapshot(root), "go:worker", func(c *model.CollectorState) bool {
			c.Running, c.Status, c.FinishedAt = false, model.StatusOK, fixtureNow
			return true
		})
		if edit != nil {
			s = withCollector(s, "typescript:backend", func(c *model.CollectorState) bool { edit(c); return true })
		}
		s.Generation = gen
		return s
	}
	fixed := func(c *model.CollectorState) { c.Findings = nil }
	fixedTests := func(s model.Snapshot) model.Snapshot {
		return withCollector(s, "go-test:api", func(c *model.CollectorState) bool { c.Findings = nil; return true })
	}
	for _, tc := range []struct {
		notify string
		want   string
	}{{prefs.NotifyBell, "\a"}, {prefs.NotifyDesktop, "\x1b]9;preflight: NO-GO → CONDITIONAL"}, {prefs.NotifyOff, ""}} {
		m := liveModel(t, 100, 30, fixtureSnapshot(root), Options{Prefs: prefs.Prefs{Notify: tc.notify}})
		var raw []string
		for i, s := range []model.Snapshot{settled(8, nil), settled(9, nil), fixedTests(settled(10, fixed))} {
			var cmd tea.Cmd
			m, cmd = update(m, snapshotMsg{snap: s})
			for _, msg := range runBatch(cmd) {
				if r, ok := msg.(tea.RawMsg); ok {
					raw = append(raw, r.Msg.(string))
					if i < 2 {
						t.Errorf("%s: announced a verdict that did not change (snapshot %d)", tc.notify, i)
					}
				}
			}
		}
		if got := strings.Join(raw, ""); tc.want == "" && got != "" || !strings.HasPrefix(got, tc.want) {
			t.Errorf("%q: sent %q, want %q", tc.notify, got, tc.want)
		}
	}
}

// runBatch runs a command and the commands of its batch, returning their
// messages; commands that wait for channels are skipped.
func runBatch(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	select {
	case msg := <-done:
		if b, ok := msg.(tea.BatchMsg); ok {
			var out []tea.Msg
			for _, c := range b {
				out = append(out, runBatch(c)...)
			}
			return out
		}
		return []tea.Msg{msg}
	case <-time.After(200 * time.Millisecond):
		return nil
	}
}

// Keys can be remapped in the preferences; the help and the key bar show
// the keys as remapped, and what cannot be applied is a message.
func TestKeysCanBeRemapped(t *testing.T) {
	calls := make(chan []string, 2)
	m := liveModel(t, 100, 30, fixtureSnapshot(fixtureRoot(t)), Options{
		Rerun: func(ids []string) { calls <- ids },
		Prefs: prefs.Prefs{Path: "~/.config/preflight/config.yaml", Keys: map[string][]string{
			"rerun": {"F5"}, "filter": {"f", "/"}, "bogus": {"x"}}}})
	m = press(t, m, "G", "k", "f5")
	select {
	case ids := <-calls:
		if !reflect.DeepEqual(ids, []string{"go-test:api"}) {
			t.Fatalf("F5 reran %v", ids)
		}
	default:
		t.Fatal("F5 did not rerun")
	}
	if next := press(t, m, "r"); len(calls) != 0 || next.status != "" && strings.Contains(next.status, "rerun") {
		t.Fatal("r still reruns after it was remapped")
	}
	if next := press(t, m, "f"); next.prompt == nil || next.prompt.kind != filterPrompt {
		t.Fatal("f does not filter")
	}
	if !strings.Contains(screen(m), "F5 rerun") {
		t.Errorf("the key bar shows the old key:\n%s", screen(m))
	}
	if len(m.log) != 1 || !strings.Contains(m.log[0].Text, "keys.bogus: no such action") {
		t.Errorf("messages %+v", m.log)
	}
}

// "rerun requested" is news while the rerun runs, not after.
func TestRerunRequestedGoesOnceTheRerunIsDone(t *testing.T) {
	root := fixtureRoot(t)
	m := liveModel(t, 100, 30, fixtureSnapshot(root), Options{Rerun: func([]string) {}})
	m = press(t, m, "R")
	if m.status != "rerun of every collector requested" {
		t.Fatalf("status %q", m.status)
	}
	running := fixtureSnapshot(root)
	running.Generation = 8
	if m = deliver(t, m, running); m.status == "" {
		t.Fatal("the status went while the rerun runs")
	}
	done := withCollector(fixtureSnapshot(root), "go:worker", func(c *model.CollectorState) bool {
		c.Running, c.Status, c.FinishedAt = false, model.StatusOK, fixtureNow
		return true
	})
	done.Generation = 9
	if m = deliver(t, m, done); m.status != "" {
		t.Fatalf("status after the rerun: %q", m.status)
	}
}

// A domain measured for fewer than half of its collectors shows its score
// dimmed and marked, with how much was measured: never a plain 100.
func TestProvisionalDomainScoreIsMarked(t *testing.T) {
	s := model.Snapshot{Root: fixtureRoot(t), Collectors: []model.CollectorState{
		{Result: model.Result{Collector: "jest:a", Kind: "jest", Domain: "tests", Status: model.StatusOK, FinishedAt: fixtureNow}},
		{Result: model.Result{Collector: "jest:b", Kind: "jest", Domain: "tests", Status: model.StatusError, Error: "x", FinishedAt: fixtureNow}},
		{Result: model.Result{Collector: "jest:c", Kind: "jest", Domain: "tests", Status: model.StatusUnknown, Error: "y", FinishedAt: fixtureNow}},
	}}
	out := screen(liveModel(t, 100, 30, s, Options{}))
	if !strings.Contains(out, "100~ · 1/3 measured") {
		t.Errorf("no provisional mark:\n%s", out)
	}
	s.Collectors[0].Status = model.StatusUnknown
	if out := screen(liveModel(t, 100, 30, s, Options{})); !strings.Contains(out, "— · 0/3 measured") || strings.Contains(out, "—~") {
		t.Errorf("a domain without a score is marked:\n%s", out)
	}
	s.Collectors[0].Status, s.Collectors[1].Status, s.Collectors[2].Status = model.StatusOK, model.StatusOK, model.StatusOK
	if out := screen(liveModel(t, 100, 30, s, Options{})); !strings.Contains(out, "100 · 3/3 measured") || strings.Contains(out, "100~") {
		t.Errorf("a fully measured domain is marked:\n%s", out)
	}
}

// A message minutes old says so in the header: "running custom:lint" said
// then is an event, not what runs now; and the count of the others says
// which key shows them.
func TestAnOldMessageSaysHowOldItIs(t *testing.T) {
	m := liveModel(t, 160, 48, fixtureSnapshot(fixtureRoot(t)), Options{})
	m, _ = update(m, messageMsg{msg: Message{At: fixtureNow.Add(-10 * time.Minute), Text: "first"}})
	m, _ = update(m, messageMsg{msg: Message{At: fixtureNow.Add(-3 * time.Minute), Text: "repository trusted as it is now: running custom:lint"}})
	if out := screen(m); !strings.Contains(out, "● repository trusted as it is now: running custom:lint — 3m ago  (+1 more: press !)") {
		t.Errorf("header:\n%s", out)
	}
	m, _ = update(m, messageMsg{msg: Message{At: fixtureNow.Add(-30 * time.Second), Text: "compared with main"}})
	if out := screen(m); !strings.Contains(out, "● compared with main  (+2 more: press !)") {
		t.Errorf("a message under a minute old:\n%s", out)
	}
}

// An unread message's age keeps up while the cockpit is idle: a tick a
// minute, one at a time, ending once every message is read.
func TestAnUnreadMessageTicksItsAge(t *testing.T) {
	m := liveModel(t, 160, 48, fixtureSnapshot(fixtureRoot(t)), Options{})
	m, cmd := update(m, messageMsg{msg: Message{At: fixtureNow, Text: "compared with main"}})
	if cmd == nil || !m.ageTicking {
		t.Fatal("no tick for the unread message's age")
	}
	if m, _ = update(m, messageMsg{msg: Message{At: fixtureNow, Text: "again"}}); !m.ageTicking {
		t.Fatal("the second message stopped the tick")
	}
	if m, cmd = update(m, messageAgeMsg{}); cmd == nil || !m.ageTicking {
		t.Error("the tick stopped while messages are unread")
	}
	m = press(t, m, "!")
	if m, cmd = update(m, messageAgeMsg{}); cmd != nil || m.ageTicking {
		t.Error("the tick goes on with every message read")
	}
}
