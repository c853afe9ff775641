package watch

import (
	"os"
	"path"
	"slices"
	"strings"

	"github.com/fsnotify/fsnotify"
)

// outputs follow what collectors read although the ignore rules hide it:
// a package's dist/, a coverage report. Only the way to each output is
// watched, one directory at a time and without polling: the ignored
// directories from the nearest kept one down to it, and the output itself
// when it is a directory, whose direct entries count as changes to it.
type outputs struct {
	list    []string        // as given
	paths   map[string]bool // the outputs that are ignored
	way     map[string]bool // ignored directories on the way to one, outputs included
	watched map[string]bool
	pending map[string]bool // outputs changed in this batch
}

// setOutputs asks the loop to follow paths and says when it does.
type setOutputs struct {
	paths []string
	done  chan struct{}
}

// SetOutputs replaces the outputs followed (see Options.Outputs). It
// returns once they are watched: a change made after it is seen.
func (w *Watcher) SetOutputs(paths []string) {
	s := setOutputs{paths: slices.Clone(paths), done: make(chan struct{})}
	select {
	case w.setOutputs <- s:
	case <-w.done:
		return
	}
	select {
	case <-s.done:
	case <-w.done:
	}
}

// followOutputs computes the way to every ignored output and watches the
// parts of it that exist.
func (w *Watcher) followOutputs(paths []string) {
	o := &w.out
	o.list = paths
	o.paths, o.way = map[string]bool{}, map[string]bool{}
	if o.watched == nil {
		o.watched, o.pending = map[string]bool{}, map[string]bool{}
	}
	for _, p := range paths {
		p = path.Clean(p)
		if p == "." || strings.HasPrefix(p, "../") || !w.hidden(p) {
			continue // a kept output is reported like any file
		}
		o.paths[p] = true
		for d := p; d != "." && w.hidden(d); d = path.Dir(d) {
			o.way[d] = true
		}
	}
	for d := range o.watched {
		if !o.way[d] {
			w.unwatchOutput(d)
		}
	}
	for _, d := range w.sortedWay() {
		if w.dirs[path.Dir(d)] != nil || o.watched[path.Dir(d)] {
			w.watchOutput(d)
		}
	}
}

// hidden reports whether the ignore rules leave p out, itself or through a
// directory above it.
func (w *Watcher) hidden(p string) bool {
	for d := p; d != "."; d = path.Dir(d) {
		if w.m.Ignored(d, true) || d == p && w.m.Ignored(d, false) {
			return true
		}
	}
	return false
}

// sortedWay lists the way's directories parents first.
func (w *Watcher) sortedWay() []string {
	ds := make([]string, 0, len(w.out.way))
	for d := range w.out.way {
		ds = append(ds, d)
	}
	slices.Sort(ds)
	return ds
}

// watchOutput watches d when it is a directory, and the way below it that
// exists already.
func (w *Watcher) watchOutput(d string) {
	if w.fsw == nil {
		return
	}
	if fi, err := os.Lstat(w.abs(d)); err != nil || !fi.IsDir() {
		return
	}
	if w.fsw.Add(w.abs(d)) != nil {
		return
	}
	w.out.watched[d] = true
	for _, c := range w.sortedWay() {
		if path.Dir(c) == d && !w.out.watched[c] {
			w.watchOutput(c)
		}
	}
}

// catchUpOutputs follows the way below a directory that has just been
// added, whose ignored entries were made before it was watched (mkdir -p
// web/dist), and reports the outputs found there.
func (w *Watcher) catchUpOutputs(rel string) {
	for _, d := range w.sortedWay() {
		if w.dirs[path.Dir(d)] == nil || w.out.watched[d] || !strings.HasPrefix(d, rel+"/") {
			continue
		}
		w.watchOutput(d)
		for p := range w.out.paths {
			if p == d || strings.HasPrefix(p, d+"/") {
				if _, err := os.Lstat(w.abs(p)); err == nil {
					w.changeOutput(p)
				}
			}
		}
	}
}

func (w *Watcher) unwatchOutput(d string) {
	delete(w.out.watched, d)
	if w.dirs[d] == nil { // a directory the ignore rules now keep stays watched
		_ = w.fsw.Remove(w.abs(d))
	}
}

// handleOutput takes the events on the way to an output, and reports
// whether ev was one.
func (w *Watcher) handleOutput(ev fsnotify.Event, rel string) bool {
	o := &w.out
	parent := path.Dir(rel)
	switch {
	case o.way[rel]:
	case o.paths[parent]:
		w.changeOutput(parent)
		return true
	default:
		return false
	}
	if ev.Has(fsnotify.Create) {
		w.watchOutput(rel)
	}
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		for d := range o.watched {
			if d == rel || strings.HasPrefix(d, rel+"/") {
				delete(o.watched, d) // the kernel drops the watch itself
			}
		}
	}
	// A directory on the way that appears or goes brings its outputs along.
	for p := range o.paths {
		if p == rel || strings.HasPrefix(p, rel+"/") {
			w.changeOutput(p)
		}
	}
	return true
}

func (w *Watcher) changeOutput(p string) {
	w.out.pending[p] = true
	w.touch()
}

// takeOutputs empties the batch's changed outputs, sorted.
func (w *Watcher) takeOutputs() []string {
	var ps []string
	for p := range w.out.pending {
		ps = append(ps, p)
	}
	clear(w.out.pending)
	slices.Sort(ps)
	return ps
}
