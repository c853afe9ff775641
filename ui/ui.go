// Package ui is the cockpit: a Bubble Tea program that shows the latest
// model.Snapshot as a tree of domains, collectors and findings with the
// evidence behind each, and asks the engine for reruns. It never runs a
// collector itself; everything slow (reading source, waiting for snapshots,
// the editor, rerun requests) happens in tea.Cmds.
package ui

import (
	"os"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/preflight-dev/preflight/collectors/rules"
	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/prefs"
)

// Options is what the cockpit needs from the rest of preflight.
type Options struct {
	Root    string                // absolute repo root, shown in the header
	Initial model.Snapshot        // may come from cache (Snapshot.FromCache, collectors Stale)
	Updates <-chan model.Snapshot // newer snapshots; closed when the engine stops
	Rerun   func(ids []string)    // non-blocking; nil/empty ids = rerun all
	Now     func() time.Time      // nil = time.Now; tests pass a fixed clock

	// Checklist edits READINESS.md; nil leaves the checklist read-only.
	Checklist Actions
	// History is what earlier sessions recorded, oldest first.
	History []model.HistoryPoint
	// Record keeps the summary of each completed snapshot; it is called
	// off the UI goroutine. nil: nothing is kept.
	Record func(model.HistoryPoint)
	// Trust trusts the repository's preflight.yaml commands and reruns
	// the collectors they blocked, and says what it did; nil: the T key
	// explains how to trust from a terminal instead.
	Trust func() (string, error)

	// Messages are what the rest of preflight has to say while the
	// cockpit owns the terminal (config warnings, cache errors); they are
	// shown in the header and in the messages view, never printed.
	Messages <-chan Message
	// Prefs are the person's own preferences: editor template, split,
	// keys, notifications.
	Prefs prefs.Prefs
	// MaskLines masks the secret values in lines of a file (rel is its
	// repo-relative path) before the detail pane shows them; nil hides
	// source lines altogether, so that no secret can reach the screen.
	MaskLines func(rel string, lines []string) []string
	// Rules explain the rules findings name (why, fix, reference) in the
	// detail pane; nil explains none.
	Rules *rules.Catalogue

	// Scan, when set, is the rest of opening the repository (ignore
	// rules, the walk, detection, the engine), which can take seconds in
	// a large one. The cockpit runs it in a command after its first
	// frame, so Initial (the cached results) is on screen at once; until
	// Scan returns the header says so, and reruns and trust, which need
	// the engine, wait for it. An error ends the cockpit: ScanErr has it
	// for the caller to report.
	Scan func() error
}

// Actions are the edits of READINESS.md the cockpit asks for. Each call
// returns once the file is written; the new state then arrives as a
// snapshot like any other.
type Actions interface {
	Tick(item model.ChecklistItem, checked bool) error
	Acknowledge(f model.Finding, reason string, until time.Time) error
	Withdraw(f model.Finding) error
	// Init writes a starter READINESS.md and says what it wrote.
	Init() (string, error)
}

// Model is the cockpit's whole state. It implements tea.Model.
type Model struct {
	mask    func(rel string, lines []string) []string // see Options.MaskLines
	rules   *rules.Catalogue                          // see Options.Rules
	root    string
	home    string
	updates <-chan model.Snapshot
	rerun   func([]string)
	now     func() time.Time

	snap   model.Snapshot
	assess model.Assessment
	tree   tree
	rows   []*node
	folds  map[string]bool // explicit fold choices; absent = default
	// filterFolds are the fold choices made while a filter is on: the
	// path to every match starts open, whatever was folded before.
	filterFolds map[string]bool

	cursor   int
	cursorID string
	// cursorMoved: the user has moved the cursor. Until then it stays on
	// the first row, whatever the first frames held (a cockpit without a
	// cache starts with the Checklist row alone).
	cursorMoved bool
	offset      int // first visible tree row

	width, height int
	hideDetail    bool
	showHelp      bool
	helpOffset    int
	detailOffset  int

	src        sourceState
	srcSeq     int
	initSource tea.Cmd // the first source read, prepared by New for Init

	spinner  spinner.Model
	spinning bool

	styles        styles
	keys          keyMap
	help          help.Model
	status        string
	engineStopped bool

	scan     func() error // see Options.Scan
	scanning bool
	scanErr  error

	actions Actions
	record  func(model.HistoryPoint)
	trust   func() (string, error)
	view    view
	prompt  *prompt

	// The messages of this session, oldest first, and how many the
	// person has not seen yet.
	messages     <-chan Message
	log          []Message
	unread       int
	ageTicking   bool // a messageAgeMsg is on its way
	showMessages bool
	msgOffset    int

	prefs prefs.Prefs
	split int // percent of the screen the tree takes; 0 adapts to the width

	// reported holds the collectors that have reported a fresh result in
	// this session; until every applicable one has, the verdict is only
	// what is known so far.
	reported map[string]bool
	// notified is the settled verdict last announced (bell, notification).
	notified model.Verdict
	// trusted is the trust key's last outcome, kept to correct it when
	// the config changes under it.
	trusted trustNote
	// rerunNote is the status that says a rerun was requested; it goes
	// once nothing runs any more.
	rerunNote string

	// What changed: per collector, its last result seen and its first
	// one (the baseline of this session); the counts of the last run and
	// of the whole session.
	seen     map[string]seenResult
	baseline map[string][]model.Finding
	lastRun  delta
	runOf    uint64 // the change whose runs lastRun counts (CollectorState.Change)
	session  delta
	compares int // how many times a collector's result was compared with its previous one
	history  []model.HistoryPoint
	recorded time.Time // the newest finish time recorded in history
}

// seenResult is a collector's result as last seen.
type seenResult struct {
	finished time.Time
	findings []model.Finding
}

// delta counts findings that appeared and were fixed.
type delta struct{ appeared, fixed int }

// snapshotMsg delivers a snapshot read from Options.Updates.
type snapshotMsg struct{ snap model.Snapshot }

// updatesClosedMsg says the engine stopped sending snapshots.
type updatesClosedMsg struct{}

// rerunSentMsg confirms a rerun request was handed to the engine.
type rerunSentMsg struct{ ids []string }

// New builds the cockpit on the initial snapshot.
func New(o Options) Model {
	mask := o.MaskLines
	if mask == nil {
		mask = defaultMask
	}
	m := Model{
		mask:     mask,
		rules:    o.Rules,
		root:     o.Root,
		updates:  o.Updates,
		rerun:    o.Rerun,
		now:      o.Now,
		folds:    map[string]bool{},
		keys:     defaultKeys(),
		help:     help.New(),
		spinner:  spinner.New(spinner.WithSpinner(spinner.MiniDot)),
		actions:  o.Checklist,
		record:   o.Record,
		trust:    o.Trust,
		history:  append([]model.HistoryPoint(nil), o.History...),
		messages: o.Messages,
		prefs:    o.Prefs,
		split:    o.Prefs.Split,
		scan:     o.Scan,
		scanning: o.Scan != nil,
	}
	if m.now == nil {
		m.now = time.Now
	}
	for _, w := range m.keys.remap(o.Prefs.Keys) {
		where := "preferences"
		if o.Prefs.Path != "" {
			where = o.Prefs.Path
		}
		m.addMessage(Message{Text: where + ": " + w, Warning: true})
	}
	m.home, _ = os.UserHomeDir()
	// https://no-color.org: any non-empty NO_COLOR turns colour off.
	m.setColor(os.Getenv("NO_COLOR") == "")
	m.setSnapshot(o.Initial)
	m.spinning = anyRunning(o.Initial)
	m.initSource = m.sourceCmd()
	return m
}

// Init starts listening for snapshots and animating running collectors.
func (m Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.waitForSnapshot(), m.waitForMessage(), m.initSource, m.scanCmd()}
	if m.spinning {
		cmds = append(cmds, m.spinner.Tick)
	}
	return tea.Batch(cmds...)
}

func (m Model) waitForSnapshot() tea.Cmd {
	if m.updates == nil {
		return nil
	}
	ch := m.updates
	return func() tea.Msg {
		s, ok := <-ch
		if !ok {
			return updatesClosedMsg{}
		}
		return snapshotMsg{snap: s}
	}
}

// scanDoneMsg says Options.Scan returned.
type scanDoneMsg struct{ err error }

func (m Model) scanCmd() tea.Cmd {
	if m.scan == nil {
		return nil
	}
	scan := m.scan
	return func() tea.Msg { return scanDoneMsg{err: scan()} }
}

// ScanErr is why Options.Scan failed, which ended the cockpit; nil when
// it did not fail (or never ran).
func (m Model) ScanErr() error { return m.scanErr }

// notScanned says that an action needs the engine, which the scan is
// still building; it reports whether that was the case.
func (m *Model) notScanned(what string) bool {
	if !m.scanning {
		return false
	}
	m.status = "still scanning the repository: " + what
	return true
}

// Update handles one message.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.help.SetWidth(msg.Width)
		m.scrollToCursor()
		m.detailOffset = 0
		return m, nil

	case tea.KeyPressMsg:
		return m.handleKey(msg)

	case snapshotMsg:
		next := m.waitForSnapshot()
		if msg.snap.Generation < m.snap.Generation {
			// Results arrive out of order when runs finish close together;
			// an older picture must never replace a newer one.
			return m, next
		}
		m.setSnapshot(msg.snap)
		m.refreshTrustNote()
		if m.status != "" && m.status == m.rerunNote && !anyRunning(m.snap) {
			// Done: "requested" would now be stale news.
			m.status, m.rerunNote = "", ""
		}
		cmds := []tea.Cmd{next, m.sourceCmd(), m.recordHistory(), m.announceVerdict()}
		if anyRunning(m.snap) && !m.spinning {
			m.spinning = true
			cmds = append(cmds, m.spinner.Tick)
		}
		return m, tea.Batch(cmds...)

	case updatesClosedMsg:
		m.engineStopped = true
		return m, nil

	case scanDoneMsg:
		m.scanning = false
		if msg.err != nil {
			m.scanErr = msg.err
			return m, tea.Quit
		}
		return m, nil

	case messageMsg:
		m.addMessage(msg.msg)
		if m.showMessages {
			m.unread = 0
		}
		// The header may have grown a line.
		m.scrollToCursor()
		if m.ageTicking || m.unread == 0 {
			return m, m.waitForMessage()
		}
		m.ageTicking = true
		return m, tea.Batch(m.waitForMessage(), messageAgeTick())

	case messageAgeMsg:
		// Nothing to keep up once every message is read.
		if m.ageTicking = m.unread > 0; !m.ageTicking {
			return m, nil
		}
		return m, messageAgeTick()

	case messagesClosedMsg:
		return m, nil

	case spinner.TickMsg:
		if !anyRunning(m.snap) {
			m.spinning = false
			return m, nil
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return m, cmd

	case sourceMsg:
		if msg.seq == m.srcSeq && msg.key == m.src.key {
			m.src = sourceState{key: msg.key, lines: msg.lines, err: msg.err, loaded: true}
		}
		return m, nil

	case rerunSentMsg:
		if len(msg.ids) == 0 {
			m.status = "rerun of every collector requested"
		} else {
			m.status = "rerun requested: " + strings.Join(msg.ids, ", ")
		}
		m.rerunNote = m.status
		return m, nil

	case editorDoneMsg:
		if msg.err != nil {
			m.status = "editor: " + msg.err.Error()
		}
		// The file was probably edited: show its lines as they are now.
		return m, m.sourceCmd()

	case tea.PasteMsg:
		if m.prompt != nil {
			m.prompt.insert(msg.Content)
			m.promptChanged()
		}
		return m, nil

	case actionDoneMsg:
		m.status = msg.text
		if msg.err != nil {
			m.status = msg.err.Error()
		}
		return m, nil

	case trustDoneMsg:
		return m.trustDone(msg), nil

	case tea.EnvMsg:
		// The program's environment, which tests and embedders may set
		// apart from the process's own.
		if msg.Getenv("NO_COLOR") != "" {
			m.setColor(false)
		}
		return m, nil

	case tea.ColorProfileMsg:
		if msg.Profile <= colorprofile.ASCII {
			m.setColor(false)
		}
		return m, nil
	}
	return m, nil
}

func (m *Model) setColor(on bool) {
	m.styles = newStyles(on)
	m.help.Styles = m.styles.helpStyles()
	m.help.ShortSeparator = "  "
	m.spinner.Style = m.styles.run
}

func (m Model) handleKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	if m.prompt != nil {
		return m.handlePrompt(msg)
	}
	m.status = ""
	if m.showMessages {
		switch {
		case key.Matches(msg, k.Quit):
			return m, tea.Quit
		case key.Matches(msg, k.Messages, k.Close, k.Help):
			m.showMessages = false
		case key.Matches(msg, k.Down, k.PageDown):
			m.msgOffset = min(m.msgOffset+1, max(0, len(m.messageContent())-(m.height-m.chrome())))
		case key.Matches(msg, k.Up, k.PageUp):
			m.msgOffset = max(0, m.msgOffset-1)
		}
		return m, nil
	}
	if m.showHelp {
		switch {
		case key.Matches(msg, k.Quit):
			return m, tea.Quit
		case key.Matches(msg, k.Help, k.Close):
			m.showHelp = false
		case key.Matches(msg, k.Down, k.PageDown):
			m.helpOffset = min(m.helpOffset+1, max(0, len(m.helpContent())-(m.height-m.chrome())))
		case key.Matches(msg, k.Up, k.PageUp):
			m.helpOffset = max(0, m.helpOffset-1)
		}
		return m, nil
	}
	switch {
	case key.Matches(msg, k.Quit):
		return m, tea.Quit
	case key.Matches(msg, k.Help):
		m.showHelp, m.helpOffset = true, 0
		return m, nil
	case key.Matches(msg, k.Messages):
		m.showMessages, m.msgOffset, m.unread = true, 0, 0
		return m, nil
	case key.Matches(msg, k.Narrower):
		return m.resizeSplit(-splitStep), nil
	case key.Matches(msg, k.Wider):
		return m.resizeSplit(splitStep), nil
	case key.Matches(msg, k.Up):
		return m.moveTo(m.cursor - 1)
	case key.Matches(msg, k.Down):
		return m.moveTo(m.cursor + 1)
	case key.Matches(msg, k.Top):
		return m.moveTo(0)
	case key.Matches(msg, k.Bottom):
		return m.moveTo(len(m.rows) - 1)
	case key.Matches(msg, k.Fold):
		return m.fold()
	case key.Matches(msg, k.Unfold):
		return m.unfold()
	case key.Matches(msg, k.Details):
		m.hideDetail = !m.hideDetail
		m.detailOffset = 0
		m.scrollToCursor()
		return m, nil
	case key.Matches(msg, k.PageDown):
		l := m.layout()
		limit := max(0, len(m.detailLines(l.detailW-1, l.detailH))-l.detailH)
		m.detailOffset = min(m.detailOffset+max(1, l.detailH/2), limit)
		return m, nil
	case key.Matches(msg, k.PageUp):
		m.detailOffset = max(0, m.detailOffset-max(1, m.layout().detailH/2))
		return m, nil
	case key.Matches(msg, k.Edit):
		n := m.current()
		if n == nil || n.kind != findingNode || n.finding.File == "" {
			m.status = "nothing to open: select a finding that has a file"
			return m, nil
		}
		return m, openEditor(m.root, n.finding, m.prefs)
	case key.Matches(msg, k.Rerun):
		n := m.current()
		if n == nil {
			return m, nil
		}
		ids := m.tree.collectorIDs(n)
		if len(ids) == 0 {
			// An empty list would mean "everything" to the engine.
			m.status = "nothing to rerun here: every collector is skipped"
			return m, nil
		}
		return m.requestRerun(ids)
	case key.Matches(msg, k.RerunAll):
		return m.requestRerun(nil)
	case key.Matches(msg, k.Tick):
		return m.tick()
	case key.Matches(msg, k.Ack):
		return m.acknowledge()
	case key.Matches(msg, k.Filter):
		m.prompt = &prompt{kind: filterPrompt, label: "filter: ", value: []rune(m.view.filter.text), before: m.view.filter}
		return m, nil
	case key.Matches(msg, k.Blockers):
		m.view.blockersOnly = !m.view.blockersOnly
		m.rebuild()
		return m, m.sourceCmd()
	case key.Matches(msg, k.NewOnly):
		if m.snap.Base == nil {
			m.status = "no base to compare with yet: start preflight with --base REV, or it compares with the upstream, main or master once the first run is done"
			return m, nil
		}
		m.view.sinceBase = !m.view.sinceBase
		m.status = "all findings"
		if m.view.sinceBase {
			m.status = "only findings new since " + oneLine(m.snap.Base.Rev)
		}
		m.rebuild()
		return m, m.sourceCmd()
	case key.Matches(msg, k.Group):
		m.view.group = (m.view.group + 1) % grouping(len(groupingNames))
		m.status = "findings grouped by " + groupingNames[m.view.group]
		m.rebuild()
		return m, m.sourceCmd()
	case key.Matches(msg, k.Copy):
		return m.copySelection()
	case key.Matches(msg, k.Trust):
		if m.notScanned("trust once it is done") {
			return m, nil
		}
		return m, m.trustCmd()
	case key.Matches(msg, k.Init):
		return m.initChecklist()
	case key.Matches(msg, k.Close):
		if !m.view.filter.empty() {
			m.setFilter(filter{})
			m.status = "filter cleared"
			m.rebuild()
			return m, m.sourceCmd()
		}
	}
	return m, nil
}

func (m Model) requestRerun(ids []string) (tea.Model, tea.Cmd) {
	if m.rerun == nil {
		m.status = "reruns are not available"
		return m, nil
	}
	if m.notScanned("every collector runs once it is done") {
		return m, nil
	}
	if len(ids) == 0 {
		ids = nil
	}
	fn := m.rerun
	return m, func() tea.Msg {
		fn(ids)
		return rerunSentMsg{ids: ids}
	}
}

// current is the node under the cursor, nil when the tree is empty.
func (m Model) current() *node {
	if m.cursor < 0 || m.cursor >= len(m.rows) {
		return nil
	}
	return m.rows[m.cursor]
}

func (m Model) moveTo(i int) (tea.Model, tea.Cmd) {
	if len(m.rows) == 0 {
		return m, nil
	}
	i = max(0, min(i, len(m.rows)-1))
	if i == m.cursor {
		return m, nil
	}
	m.cursor = i
	m.cursorID = m.rows[i].id
	m.cursorMoved = true
	m.detailOffset = 0
	m.scrollToCursor()
	return m, m.sourceCmd()
}

func (m Model) unfolded(n *node) bool {
	if len(n.children) == 0 {
		return false
	}
	if m.filtering() {
		// A match folded away would be a match not shown.
		if v, ok := m.filterFolds[n.id]; ok {
			return v
		}
		return true
	}
	if v, ok := m.folds[n.id]; ok {
		return v
	}
	// Domains open only when something there blocks shipping, so the
	// first screen shows what is in the way; collectors open by default.
	switch n.kind {
	case domainNode:
		return n.blockers > 0
	case groupNode:
		// A group is the point of grouping: 120 errors of one rule stay
		// one line until opened.
		return false
	case checklistNode:
		// Open when the checklist has something to say: a problem, or a
		// claim the evidence refutes.
		return n.states[model.ItemContradicted] > 0 || hasProblems(n)
	}
	return true
}

// setFold records an explicit fold choice. The map is copied because older
// copies of the model share it.
func (m *Model) setFold(id string, open bool) {
	old := m.folds
	if m.filtering() {
		old = m.filterFolds
	}
	folds := make(map[string]bool, len(old)+1)
	for k, v := range old {
		folds[k] = v
	}
	folds[id] = open
	if m.filtering() {
		m.filterFolds = folds
	} else {
		m.folds = folds
	}
}

// filtering reports whether a filter narrows the findings.
func (m Model) filtering() bool { return !m.view.filter.empty() }

func (m Model) fold() (tea.Model, tea.Cmd) {
	n := m.current()
	if n == nil {
		return m, nil
	}
	if m.unfolded(n) {
		m.setFold(n.id, false)
		m.reflow()
		return m, nil
	}
	if n.parent != "" {
		return m.moveTo(m.indexOf(n.parent))
	}
	return m, nil
}

func (m Model) unfold() (tea.Model, tea.Cmd) {
	n := m.current()
	if n == nil || len(n.children) == 0 {
		return m, nil
	}
	if !m.unfolded(n) {
		m.setFold(n.id, true)
		m.reflow()
		return m, nil
	}
	return m.moveTo(m.cursor + 1)
}

// reflow rebuilds the visible rows after a fold change, keeping the cursor
// on its node.
func (m *Model) reflow() {
	m.rows = m.tree.flatten(m.unfolded)
	if i := m.indexOf(m.cursorID); i >= 0 {
		m.cursor = i
	}
	m.clampCursor()
	m.scrollToCursor()
}

func (m Model) indexOf(id string) int {
	for i, r := range m.rows {
		if r.id == id {
			return i
		}
	}
	return -1
}

func (m *Model) clampCursor() {
	if len(m.rows) == 0 {
		m.cursor, m.cursorID = 0, ""
		return
	}
	m.cursor = max(0, min(m.cursor, len(m.rows)-1))
	m.cursorID = m.rows[m.cursor].id
}

// setSnapshot shows s, keeping the cursor on the node it was on. When that
// node is gone the cursor goes to its nearest survivor: the next sibling,
// else the previous one, else the closest ancestor, else the row now at the
// same place.
func (m *Model) setSnapshot(s model.Snapshot) {
	oldTree, oldRows, oldIdx := m.tree, m.rows, m.cursor
	m.snap = s
	m.assess = model.Assess(s)
	m.trackChanges(s)
	m.trackReported(s)
	m.rebuildFrom(oldTree, oldRows, oldIdx)
}

// rebuild shows the same snapshot again after the view changed (filter,
// grouping), keeping the cursor on its node or its nearest survivor.
func (m *Model) rebuild() {
	m.rebuildFrom(m.tree, m.rows, m.cursor)
}

func (m *Model) rebuildFrom(oldTree tree, oldRows []*node, oldIdx int) {
	m.tree = buildTree(m.snap, m.assess, m.view)

	target := m.cursorID
	if _, ok := m.tree.nodes[target]; !ok {
		target = m.survivor(oldTree, oldRows, oldIdx)
	}
	if !m.cursorMoved {
		target, oldIdx = "", 0
	}
	if target != "" {
		m.reveal(target)
	}
	m.rows = m.tree.flatten(m.unfolded)
	if i := m.indexOf(target); target != "" && i >= 0 {
		m.cursor = i
	} else {
		m.cursor = oldIdx
	}
	m.clampCursor()
	m.scrollToCursor()
}

func (m Model) survivor(old tree, rows []*node, idx int) string {
	if idx < 0 || idx >= len(rows) {
		return ""
	}
	cur := rows[idx]
	alive := func(id string) bool { _, ok := m.tree.nodes[id]; return ok }
	for j := idx + 1; j < len(rows) && rows[j].depth >= cur.depth; j++ {
		if rows[j].parent == cur.parent && alive(rows[j].id) {
			return rows[j].id
		}
	}
	for j := idx - 1; j >= 0 && rows[j].depth >= cur.depth; j-- {
		if rows[j].parent == cur.parent && alive(rows[j].id) {
			return rows[j].id
		}
	}
	for p := cur.parent; p != ""; {
		if alive(p) {
			return p
		}
		pn, ok := old.nodes[p]
		if !ok {
			break
		}
		p = pn.parent
	}
	return ""
}

// reveal unfolds the ancestors of id so the cursor is never hidden inside a
// domain that folded itself because its blockers went away.
func (m *Model) reveal(id string) {
	n, ok := m.tree.nodes[id]
	if !ok {
		return
	}
	for p := n.parent; p != ""; {
		pn := m.tree.nodes[p]
		if !m.unfolded(pn) {
			m.setFold(p, true)
		}
		p = pn.parent
	}
}

// scrollToCursor moves the tree's window so the cursor row is visible.
func (m *Model) scrollToCursor() {
	h := m.layout().treeH
	if h <= 0 {
		return
	}
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+h {
		m.offset = m.cursor - h + 1
	}
	m.offset = max(0, min(m.offset, len(m.rows)-h))
}

// sourceCmd starts reading the source around the selected finding. The
// lines already shown stay until the new ones arrive when it is the same
// place (the file may have changed, so it is read again); another place
// starts empty.
func (m *Model) sourceCmd() tea.Cmd {
	n := m.current()
	if n == nil || n.kind != findingNode || n.finding.File == "" {
		m.src = sourceState{}
		return nil
	}
	key := sourceKey(n.finding)
	if key != m.src.key {
		m.src = sourceState{key: key}
	}
	m.srcSeq++
	return loadSource(m.srcSeq, m.root, n.finding, m.mask, m.rules.OnValue(n.finding.Rule))
}

func anyRunning(s model.Snapshot) bool {
	for _, c := range s.Collectors {
		if c.Running {
			return true
		}
	}
	return false
}

// coverage is fresh evidence over applicable checks, as counts.
func (m Model) coverage() (fresh, applicable int) {
	for _, d := range m.assess.Domains {
		fresh += d.Evidence
		applicable += d.Collectors
	}
	return fresh, applicable
}

func itoa(n int) string { return strconv.Itoa(n) }
