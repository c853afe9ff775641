// Package watch reports which files under a repository changed, live.
//
// fsnotify watches single directories, so a Watcher adds every directory
// the ignore rules keep, follows directories as they appear and disappear,
// and turns the raw stream into coalesced events of repo-relative paths.
// When the kernel's watch limit is reached it keeps going by polling the
// directories it could not watch, and says so in its State.
package watch

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/preflight-dev/preflight/ignore"
	"github.com/preflight-dev/preflight/model"
)

// Options tune a Watcher. Zero values take the defaults.
type Options struct {
	// Debounce is the quiet period that ends a burst of changes: an Event is
	// sent once no new change arrived for this long (default 150ms). A
	// steady stream of changes is still flushed every 10 Debounce periods
	// (at least every second) so it cannot hold events back forever.
	Debounce time.Duration
	// PollInterval is how often directories that could not be watched are
	// scanned for changes (default 2s).
	PollInterval time.Duration
	// MaxWatches caps the directories watched through the kernel; the rest
	// are polled as if the system limit had been reached. 0: no cap.
	MaxWatches int
	// Outputs are repo-relative files and directories that collectors read
	// though the ignore rules may hide them (collectors.OutputReader): a
	// change to one, or to a file directly inside one, is an Event's
	// Outputs entry. They are followed through the kernel only.
	Outputs []string
}

// newFSWatcher is a variable so tests can take the kernel's watcher away.
var newFSWatcher = fsnotify.NewWatcher

const (
	defaultDebounce     = 150 * time.Millisecond
	defaultPollInterval = 2 * time.Second
)

// Event is one coalesced batch of changes.
type Event struct {
	// Paths are the files created, written, removed or renamed (both
	// names), repo-relative with forward slashes, deduplicated and sorted.
	// A file that appeared and vanished again within the batch (an editor's
	// temporary file) is left out; files inside a directory that appeared or
	// was removed are listed one by one.
	Paths []string
	// Rescan means changes may have been lost (the kernel's event queue
	// overflowed): treat everything as changed.
	Rescan bool
	// Outputs are the Options.Outputs that changed, sorted.
	Outputs []string
}

// Watcher watches one repository. Create it with New, read Events, and
// Close it when done.
type Watcher struct {
	root    string // absolute
	prefix  string // root with a trailing separator
	opts    Options
	fsw     *fsnotify.Watcher // nil when the system gave us no watcher at all
	initErr error             // why fsw is nil

	events chan Event
	states chan struct{} // nudged when State changes
	done   chan struct{}
	exited chan struct{}
	close  sync.Once
	timer  *time.Timer

	// Owned by the loop goroutine (and by New before it starts).
	m            *ignore.Matcher
	dirs         map[string]*dirState // every directory kept, watched or polled
	watched      int
	polled       int
	limitErr     error           // set once adding a watch hit a limit
	suggested    int             // the max_user_watches value the warning proposes
	pending      map[string]bool // changed path → its first change in this batch was a creation
	firstPending time.Time
	rescan       bool
	reload       bool // an ignore file changed
	ready        *Event
	out          outputs
	setOutputs   chan setOutputs

	mu      sync.Mutex
	state   model.WatchState
	matcher *ignore.Matcher
}

type dirState struct {
	polled  bool
	files   map[string]fileStat // files directly inside; stats are kept for polled dirs only
	subdirs map[string]struct{} // names of kept subdirectories
}

type fileStat struct {
	size  int64
	mtime int64
	mode  fs.FileMode
}

// New starts watching root. m decides what is left out; nil loads the
// default rules for root. Every kept directory is watched (or polled) by
// the time New returns, so any change made after it is reported.
func New(root string, m *ignore.Matcher, o Options) (*Watcher, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	if m == nil {
		if m, err = ignore.Load(abs); err != nil {
			return nil, err
		}
	} else if m.Root() != abs {
		return nil, fmt.Errorf("watch %s with a matcher loaded for %s", abs, m.Root())
	}
	if o.Debounce <= 0 {
		o.Debounce = defaultDebounce
	}
	if o.PollInterval <= 0 {
		o.PollInterval = defaultPollInterval
	}
	w := &Watcher{
		root:       abs,
		prefix:     strings.TrimSuffix(abs, string(filepath.Separator)) + string(filepath.Separator),
		opts:       o,
		events:     make(chan Event),
		states:     make(chan struct{}, 1),
		done:       make(chan struct{}),
		exited:     make(chan struct{}),
		m:          m,
		matcher:    m,
		dirs:       make(map[string]*dirState),
		pending:    make(map[string]bool),
		setOutputs: make(chan setOutputs),
	}
	w.fsw, w.initErr = newFSWatcher()
	if w.initErr != nil {
		w.fsw = nil // poll everything rather than not work at all
	}
	w.timer = time.NewTimer(time.Hour)
	w.timer.Stop()
	if err := w.reconcile(".", false); err != nil {
		if w.fsw != nil {
			w.fsw.Close()
		}
		return nil, err
	}
	w.followOutputs(o.Outputs)
	w.publish()
	go w.loop()
	return w, nil
}

// Events delivers coalesced changes. It is closed by Close.
func (w *Watcher) Events() <-chan Event { return w.events }

// StateChanges receives a value when State may have changed since it was
// last read, so the caller need not poll it. It is never closed.
func (w *Watcher) StateChanges() <-chan struct{} { return w.states }

// State says how the tree is being watched, for the cockpit's header.
func (w *Watcher) State() model.WatchState {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.state
}

// Matcher is the ignore matcher in use; it is replaced when an ignore file
// changes.
func (w *Watcher) Matcher() *ignore.Matcher {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.matcher
}

// Close stops watching, releases every kernel watch and closes Events.
func (w *Watcher) Close() error {
	var err error
	w.close.Do(func() {
		close(w.done)
		<-w.exited
		if w.fsw != nil {
			err = w.fsw.Close()
		}
		w.timer.Stop()
		w.mu.Lock()
		w.state.Active = false
		w.mu.Unlock()
		close(w.events)
	})
	return err
}

func (w *Watcher) loop() {
	defer close(w.exited)
	var fsEvents <-chan fsnotify.Event
	var fsErrors <-chan error
	if w.fsw != nil {
		fsEvents, fsErrors = w.fsw.Events, w.fsw.Errors
	}
	// The poll ticker runs only while some directory is polled: a tree the
	// kernel watches whole needs no wakeups at all while nothing changes.
	var poll *time.Ticker
	defer func() {
		if poll != nil {
			poll.Stop()
		}
	}()
	for {
		var pollC <-chan time.Time
		switch {
		case w.polled > 0 && poll == nil:
			poll = time.NewTicker(w.opts.PollInterval)
		case w.polled == 0 && poll != nil:
			poll.Stop()
			poll = nil
		}
		if poll != nil {
			pollC = poll.C
		}
		var out chan<- Event
		var next Event
		if w.ready != nil {
			out, next = w.events, *w.ready
		}
		select {
		case <-w.done:
			return
		case ev, ok := <-fsEvents:
			if !ok {
				fsEvents = nil
				continue
			}
			w.handle(ev)
		case err, ok := <-fsErrors:
			if !ok {
				fsErrors = nil
				continue
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				// Some changes are lost; directories may have appeared
				// unseen. Re-sync the watches and have the caller redo
				// everything.
				w.rescan = true
				w.reconcile(".", false)
				w.touch()
			}
		case <-w.timer.C:
			w.flush()
		case <-pollC:
			w.poll()
		case s := <-w.setOutputs:
			w.followOutputs(s.paths)
			close(s.done)
		case out <- next:
			w.ready = nil
		}
		w.publish()
	}
}

// rel turns an absolute event path into a repo-relative one; "" when it is
// the root itself or outside it.
func (w *Watcher) rel(name string) string {
	if !strings.HasPrefix(name, w.prefix) {
		return ""
	}
	return filepath.ToSlash(name[len(w.prefix):])
}

func (w *Watcher) abs(rel string) string {
	if rel == "." {
		return w.root
	}
	return filepath.Join(w.root, filepath.FromSlash(rel))
}

func (w *Watcher) handle(ev fsnotify.Event) {
	if ev.Op == fsnotify.Chmod || ev.Op == 0 {
		return // permissions or timestamps only: the content is the same
	}
	rel := w.rel(ev.Name)
	if rel == "" {
		return
	}
	if w.handleOutput(ev, rel) {
		return
	}
	parentRel, name := path.Dir(rel), path.Base(rel)
	parent := w.dirs[parentRel]

	if ev.Has(fsnotify.Create) {
		fi, err := os.Lstat(ev.Name)
		isDir := err == nil && fi.IsDir()
		if w.ignored(rel, isDir) {
			return
		}
		if isDir {
			w.reconcile(rel, true) // watch it, and report what is already inside
			w.catchUpOutputs(rel)
			return
		}
		if parent != nil && err == nil {
			parent.files[name] = statOf(fi, parent.polled)
		}
		w.change(rel, true)
		return
	}

	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		if _, ok := w.dirs[rel]; ok {
			w.dropDir(rel, true)
			return
		}
		// Only what was reported as present can be reported as gone; this
		// also drops removals of ignored entries, whose kind is unknown now.
		known := false
		if parent != nil {
			_, known = parent.files[name]
			delete(parent.files, name)
		}
		if _, pend := w.pending[rel]; known || pend || parent != nil && isDotenv(name) {
			w.change(rel, false)
		}
		return
	}

	if ev.Has(fsnotify.Write) {
		if w.ignored(rel, false) {
			return
		}
		if parent != nil {
			if _, ok := parent.files[name]; !ok {
				parent.files[name] = fileStat{}
			}
		}
		w.change(rel, false)
	}
}

// ignored reports whether the events of a path are dropped: what the
// ignore rules hide, but for the .env files of a watched directory, which
// test runners and bundlers load though git ignores them (Vite's .env,
// .env.test), so collectors list them among their inputs.
func (w *Watcher) ignored(rel string, isDir bool) bool {
	if !w.m.Ignored(rel, isDir) {
		return false
	}
	return isDir || !isDotenv(path.Base(rel)) || w.dirs[path.Dir(rel)] == nil
}

// isDotenv: .env and .env.<anything>, not .envrc.
func isDotenv(name string) bool { return name == ".env" || strings.HasPrefix(name, ".env.") }

// change records a changed file for the next Event.
func (w *Watcher) change(rel string, created bool) {
	if _, ok := w.pending[rel]; !ok {
		w.pending[rel] = created
	}
	if path.Base(rel) == ".gitignore" {
		w.reload = true
	}
	w.touch()
}

// touch restarts the quiet period, within the cap on how long a batch may
// be held.
func (w *Watcher) touch() {
	now := time.Now()
	if w.firstPending.IsZero() {
		w.firstPending = now
	}
	maxWait := 10 * w.opts.Debounce
	if maxWait < time.Second {
		maxWait = time.Second
	}
	wait := w.opts.Debounce
	if left := w.firstPending.Add(maxWait).Sub(now); left < wait {
		wait = max(left, 0)
	}
	w.timer.Reset(wait)
}

// flush turns the batch into an Event, merged into any Event the caller has
// not taken yet.
func (w *Watcher) flush() {
	if w.reload {
		w.reload = false
		w.reloadMatcher()
	}
	paths := make([]string, 0, len(w.pending))
	for p, created := range w.pending {
		if created {
			if _, err := os.Lstat(w.abs(p)); err != nil {
				continue // appeared and vanished within the batch
			}
		}
		paths = append(paths, p)
	}
	rescan := w.rescan
	outs := w.takeOutputs()
	w.pending = make(map[string]bool)
	w.firstPending = time.Time{}
	w.rescan = false
	if len(paths) == 0 && len(outs) == 0 && !rescan {
		return
	}
	if w.ready != nil {
		paths = append(paths, w.ready.Paths...)
		outs = append(outs, w.ready.Outputs...)
		rescan = rescan || w.ready.Rescan
	}
	sort.Strings(paths)
	paths = slices.Compact(paths)
	sort.Strings(outs)
	w.ready = &Event{Paths: paths, Rescan: rescan, Outputs: slices.Compact(outs)}
}

// reloadMatcher re-reads the ignore rules and re-syncs the tree with them:
// files that became visible or hidden are reported as changed.
func (w *Watcher) reloadMatcher() {
	m, err := w.m.Reload()
	if err != nil {
		return // keep the rules we have
	}
	w.m = m
	w.mu.Lock()
	w.matcher = m
	w.mu.Unlock()
	w.reconcile(".", true)
	w.followOutputs(w.out.list)
}

// reconcile makes the kept directories and files under sub match the disk
// and the ignore rules: new directories are watched (or polled), vanished or
// now-ignored ones dropped, and with report set every file that appeared or
// disappeared is recorded as a change.
func (w *Watcher) reconcile(sub string, report bool) error {
	seen := make(map[string]map[string]fileStat)
	err := ignore.WalkDir(w.root, sub, w.m, func(rel string, d fs.DirEntry) error {
		if d.IsDir() {
			if _, ok := w.dirs[rel]; !ok && !w.addDir(rel) {
				return fs.SkipDir
			}
			seen[rel] = make(map[string]fileStat)
			return nil
		}
		dir := path.Dir(rel)
		var st fileStat
		if w.dirs[dir].polled {
			fi, err := d.Info()
			if err != nil {
				return nil
			}
			st = statOf(fi, true)
		}
		seen[dir][d.Name()] = st
		return nil
	})
	var ue *ignore.UnreadableError
	if err != nil && !errors.As(err, &ue) && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if sub == "." && w.dirs["."] == nil {
		return fmt.Errorf("cannot watch %s", w.root)
	}
	// Directories no longer there, or now ignored.
	for _, rel := range w.dirsUnder(sub) {
		if _, ok := seen[rel]; !ok {
			w.dropDir(rel, report)
		}
	}
	for rel, files := range seen {
		d := w.dirs[rel]
		if d == nil {
			continue
		}
		if report {
			for name, st := range files {
				old, ok := d.files[name]
				if !ok {
					w.change(join(rel, name), true)
				} else if d.polled && old != st {
					w.change(join(rel, name), false)
				}
			}
			for name := range d.files {
				if _, ok := files[name]; !ok {
					w.change(join(rel, name), false)
				}
			}
		}
		d.files = files
	}
	return nil
}

// addDir starts watching rel, or polling it when the watch limit is reached.
// It reports false when the directory cannot be followed at all.
func (w *Watcher) addDir(rel string) bool {
	polled := true
	if w.fsw != nil && w.limitErr == nil {
		if w.opts.MaxWatches > 0 && w.watched >= w.opts.MaxWatches {
			w.limitErr = fmt.Errorf("watch cap of %d reached", w.opts.MaxWatches)
		} else {
			err := w.fsw.Add(w.abs(rel))
			switch {
			case err == nil:
				polled = false
			case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EMFILE), errors.Is(err, syscall.ENFILE):
				w.limitErr = err
			default:
				return false // gone already, or unreadable
			}
		}
	}
	w.dirs[rel] = &dirState{polled: polled, files: map[string]fileStat{}, subdirs: map[string]struct{}{}}
	if polled {
		w.polled++
	} else {
		w.watched++
	}
	if rel != "." {
		if p := w.dirs[path.Dir(rel)]; p != nil {
			p.subdirs[path.Base(rel)] = struct{}{}
		}
	}
	return true
}

// dropDir forgets rel and everything below it, releasing their watches;
// with report set their files are recorded as removed.
func (w *Watcher) dropDir(rel string, report bool) {
	d := w.dirs[rel]
	if d == nil {
		return
	}
	for name := range d.subdirs {
		w.dropDir(join(rel, name), report)
	}
	if report {
		for name := range d.files {
			w.change(join(rel, name), false)
		}
	}
	if d.polled {
		w.polled--
	} else {
		w.watched--
		// The kernel may have dropped it already; either way it is gone.
		_ = w.fsw.Remove(w.abs(rel))
	}
	delete(w.dirs, rel)
	if rel != "." {
		if p := w.dirs[path.Dir(rel)]; p != nil {
			delete(p.subdirs, path.Base(rel))
		}
	}
}

// dirsUnder lists the kept directories at or below sub.
func (w *Watcher) dirsUnder(sub string) []string {
	var out []string
	var visit func(rel string)
	visit = func(rel string) {
		d := w.dirs[rel]
		if d == nil {
			return
		}
		out = append(out, rel)
		for name := range d.subdirs {
			visit(join(rel, name))
		}
	}
	visit(sub)
	return out
}

// poll scans the directories that are not watched, comparing each file's
// size, modification time and type with the last scan.
func (w *Watcher) poll() {
	var polled []string
	for rel, d := range w.dirs {
		if d.polled {
			polled = append(polled, rel)
		}
	}
	sort.Strings(polled) // parents first, so a dropped subtree is skipped below
	for _, rel := range polled {
		d := w.dirs[rel]
		if d == nil || !d.polled {
			continue
		}
		entries, err := os.ReadDir(w.abs(rel))
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				w.dropDir(rel, true)
			}
			continue
		}
		files := make(map[string]fileStat, len(d.files))
		subdirs := make(map[string]bool)
		for _, e := range entries {
			name := e.Name()
			crel := join(rel, name)
			if w.ignored(crel, e.IsDir()) {
				continue
			}
			if e.IsDir() {
				subdirs[name] = true
				if _, ok := w.dirs[crel]; !ok {
					w.reconcile(crel, true)
				}
				continue
			}
			fi, err := e.Info()
			if err != nil {
				continue
			}
			st := statOf(fi, true)
			files[name] = st
			if old, ok := d.files[name]; !ok {
				w.change(crel, true)
			} else if old != st {
				w.change(crel, false)
			}
		}
		for name := range d.files {
			if _, ok := files[name]; !ok {
				w.change(join(rel, name), false)
			}
		}
		d.files = files
		for name := range d.subdirs {
			if !subdirs[name] {
				w.dropDir(join(rel, name), true)
			}
		}
	}
}

func statOf(fi fs.FileInfo, full bool) fileStat {
	if !full {
		return fileStat{}
	}
	return fileStat{size: fi.Size(), mtime: fi.ModTime().UnixNano(), mode: fi.Mode()}
}

func join(dir, name string) string {
	if dir == "." {
		return name
	}
	return dir + "/" + name
}

// publish refreshes the state read by State.
func (w *Watcher) publish() {
	st := model.WatchState{Active: true, Dirs: w.watched, Polled: w.polled}
	switch {
	case w.fsw == nil:
		st.Warning = fmt.Sprintf("file watching unavailable (%v): polling %d dirs", w.initErr, w.polled)
		if runtime.GOOS == "linux" {
			st.Warning += "; raise the limit with: sudo sysctl fs.inotify.max_user_instances=1024"
		}
	case w.polled > 0 && w.limitErr != nil:
		if w.suggested == 0 {
			w.suggested = suggestedWatches()
		}
		st.Warning = limitWarning(w.polled, w.suggested)
	}
	w.mu.Lock()
	changed := st != w.state
	w.state = st
	w.mu.Unlock()
	if changed {
		select {
		case w.states <- struct{}{}:
		default: // one nudge is waiting already
		}
	}
}

// limitWarning names the knob to turn. On Linux that is the inotify watch
// limit; kqueue systems run out of open files instead.
func limitWarning(polled, suggested int) string {
	if runtime.GOOS != "linux" {
		return fmt.Sprintf("open file limit reached: polling %d dirs; raise it with: ulimit -n 65536", polled)
	}
	return fmt.Sprintf("inotify watch limit reached: polling %d dirs; raise it with: sudo sysctl fs.inotify.max_user_watches=%d",
		polled, suggested)
}

// suggestedWatches proposes a new fs.inotify.max_user_watches: at least
// 524288, and double the current value when that is already more.
func suggestedWatches() int {
	const floor = 524288
	b, err := os.ReadFile("/proc/sys/fs/inotify/max_user_watches")
	if err != nil {
		return floor
	}
	cur, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || cur*2 <= floor {
		return floor
	}
	return cur * 2
}
