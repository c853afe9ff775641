package ignore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// WalkFunc is called for each entry a walk does not leave out, directories
// before their contents. rel is repo-relative with forward slashes ("." for
// the root). Returning fs.SkipDir from a directory skips its contents, from
// a file skips the rest of its directory; fs.SkipAll ends the walk cleanly;
// any other error ends it and is returned.
type WalkFunc func(rel string, d fs.DirEntry) error

// UnreadableError is returned by a walk that completed but had to leave out
// directories it could not read (typically permission denied).
type UnreadableError struct {
	Dirs []string // repo-relative
	Err  error    // the first error met
}

func (e *UnreadableError) Error() string {
	const show = 3
	names := e.Dirs
	more := ""
	if len(names) > show {
		more = fmt.Sprintf(" and %d more", len(names)-show)
		names = names[:show]
	}
	return fmt.Sprintf("could not read %s%s: %v", strings.Join(names, ", "), more, e.Err)
}

func (e *UnreadableError) Unwrap() error { return e.Err }

// Walk visits every entry under root that m does not ignore. Symlinks are
// reported as entries but never followed, so a symlinked directory is not
// descended into. Unreadable directories do not stop the walk; they are
// listed in an *UnreadableError returned at the end. root must be the
// directory m was loaded for.
func Walk(root string, m *Matcher, fn WalkFunc) error {
	return WalkDir(root, ".", m, fn)
}

// WalkDir is Walk limited to the subtree at dir (repo-relative). fn is
// called for dir itself first. Nothing is visited when dir is ignored or is
// not a directory (a symlink to one included).
func WalkDir(root, dir string, m *Matcher, fn WalkFunc) error {
	return walkDir(root, dir, &walker{m: m, fn: fn})
}

func walkDir(root, dir string, w *walker) error {
	m, fn := w.m, w.fn
	abs, err := filepath.Abs(root)
	if err != nil {
		return err
	}
	if abs != m.root {
		return fmt.Errorf("walk of %s with a matcher loaded for %s", abs, m.root)
	}
	dir = cleanRel(dir)
	if dir != "." && m.Ignored(dir, true) {
		return nil
	}
	st, err := os.Lstat(filepath.Join(abs, filepath.FromSlash(dir)))
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return nil
	}
	switch err := fn(dir, fs.FileInfoToDirEntry(st)); {
	case errors.Is(err, fs.SkipDir), errors.Is(err, fs.SkipAll):
		return nil
	case err != nil:
		return err
	}
	err = w.walk(dir, m.ancestorsByRules(dir))
	if errors.Is(err, fs.SkipAll) {
		err = nil
	}
	if err == nil && len(w.unreadable) > 0 {
		return &UnreadableError{Dirs: w.unreadable, Err: w.firstErr}
	}
	return err
}

// readDir is a variable so tests can make a directory unreadable even when
// they run as root.
var readDir = os.ReadDir

type walker struct {
	m  *Matcher
	fn WalkFunc
	// ignoredFile, when set, is told each file the rules ignore in a
	// directory walked (ignored directories are not entered).
	ignoredFile func(rel string, d fs.DirEntry)
	unreadable  []string
	firstErr    error
}

func (w *walker) walk(dir string, byRules bool) error {
	entries, err := readDir(filepath.Join(w.m.root, filepath.FromSlash(dir)))
	if err != nil {
		// A directory removed while we walk is not a problem worth reporting.
		if !errors.Is(err, fs.ErrNotExist) {
			w.unreadable = append(w.unreadable, dir)
			if w.firstErr == nil {
				w.firstErr = err
			}
		}
		// ReadDir may still return what it read before failing.
		if len(entries) == 0 {
			return nil
		}
	}
	hasGitignore := false
	for _, e := range entries {
		if e.Name() == ".gitignore" && !e.IsDir() {
			hasGitignore = true
			break
		}
	}
	w.m.noteDir(dir, hasGitignore)

	for _, e := range entries {
		name := e.Name()
		rel := name
		if dir != "." {
			rel = dir + "/" + name
		}
		isDir := e.IsDir()
		ignored, childByRules := w.m.decide(rel, name, isDir, byRules)
		if ignored {
			if !isDir && w.ignoredFile != nil {
				w.ignoredFile(rel, e)
			}
			continue
		}
		err := w.fn(rel, e)
		if err != nil {
			if errors.Is(err, fs.SkipDir) {
				if isDir {
					continue
				}
				return nil
			}
			return err
		}
		if isDir {
			if err := w.walk(rel, childByRules); err != nil {
				return err
			}
		}
	}
	return nil
}

// ancestorsByRules says whether dir or one of its ancestors is excluded by
// the ignore rules (and so walked only for the tracked files it holds).
func (m *Matcher) ancestorsByRules(dir string) bool {
	if dir == "." {
		return false
	}
	parts := strings.Split(dir, "/")
	for i := 1; i <= len(parts); i++ {
		if m.byRules(strings.Join(parts[:i], "/"), true) {
			return true
		}
	}
	return false
}

// ListFiles returns every file under root that m does not ignore, sorted,
// repo-relative. Symlinks are included when they point at a regular file.
// When some directories could not be read the list is still complete for
// the rest and the error is an *UnreadableError.
func ListFiles(root string, m *Matcher) ([]string, error) {
	files, _, err := listFiles(root, m, false)
	return files, err
}

// ListFilesAndIgnored is ListFiles with the regular files the rules ignore
// in the directories it walks, sorted: a gitignored src/config.ts that a
// tsconfig's src/**/* takes in. Ignored directories (node_modules, dist)
// are not entered, so their files are not among them.
func ListFilesAndIgnored(root string, m *Matcher) (files, ignored []string, err error) {
	return listFiles(root, m, true)
}

func listFiles(root string, m *Matcher, withIgnored bool) (files, ignored []string, err error) {
	w := &walker{m: m, fn: func(rel string, d fs.DirEntry) error {
		switch t := d.Type(); {
		case t.IsRegular():
			files = append(files, rel)
		case t&fs.ModeSymlink != 0:
			if st, err := os.Stat(filepath.Join(m.root, filepath.FromSlash(rel))); err == nil && st.Mode().IsRegular() {
				files = append(files, rel)
			}
		}
		return nil
	}}
	if withIgnored {
		w.ignoredFile = func(rel string, d fs.DirEntry) {
			if d.Type().IsRegular() {
				ignored = append(ignored, rel)
			}
		}
	}
	err = walkDir(root, ".", w)
	sort.Strings(files)
	sort.Strings(ignored)
	var ue *UnreadableError
	if err != nil && !errors.As(err, &ue) {
		return nil, nil, err
	}
	return files, ignored, err
}
