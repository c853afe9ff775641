package checklist

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/preflight-dev/preflight/internal/repofs"
	"github.com/preflight-dev/preflight/model"
)

// Load reads root/READINESS.md. A repository without one is not an error:
// the document is nil.
func Load(root string) (*Doc, error) {
	src, err := repofs.ReadFile(root, FileName)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return Parse(FileName, src), nil
}

// Attach reads root's READINESS.md, if there is one, against snap and
// returns snap with its checklist. A file that cannot be read at all is
// reported as the checklist's problem, so the verdict says so.
func Attach(root string, snap model.Snapshot) model.Snapshot {
	d, err := Load(root)
	switch {
	case err != nil:
		snap.Checklist = &model.Checklist{File: FileName, Problems: []model.ChecklistProblem{{File: FileName, Line: 0, Message: err.Error()}}}
	case d != nil:
		snap.Checklist = Evaluate(d, snap)
	}
	return snap
}

// Tick sets the item ref points at to checked (or unchecked) in the file
// at path, recording who and when. See Update for how the file is written.
func Tick(path string, ref Ref, checked bool, rec Record) (Item, error) {
	var item Item
	err := Update(path, func(src []byte) ([]byte, error) {
		out, it, err := SetChecked(filepath.Base(path), src, ref, checked, rec)
		item = it
		return out, err
	})
	return item, err
}

// Acknowledge records an acknowledgment in the file at path, creating the
// file when it does not exist.
func Acknowledge(path string, a model.Acknowledgment) error {
	return Update(path, func(src []byte) ([]byte, error) {
		if src == nil {
			src = []byte("# Readiness\n")
		}
		return AddAck(filepath.Base(path), src, a)
	})
}

// Withdraw removes the acknowledgment of a finding from the file at path;
// before are fingerprints the finding had in earlier versions.
func Withdraw(path, finding string, before ...string) error {
	return Update(path, func(src []byte) ([]byte, error) {
		if src == nil {
			return nil, fmt.Errorf("%s does not exist", path)
		}
		return RemoveAck(filepath.Base(path), src, finding, before...)
	})
}

// beforeWrite runs between reading the file and writing it; tests use it
// to edit the file at the worst moment.
var beforeWrite = func(path string) {}

// maxAttempts bounds how often an edit is re-applied when the file keeps
// changing under it.
const maxAttempts = 8

// Update applies edit to the file's current content and writes the result
// atomically: to a temporary file in the same directory, then renamed over
// the original, so a reader never sees half a file. edit gets nil when the
// file does not exist. If the file changed on disk while edit ran (an
// editor saved, git pulled), the new content is read and edit is applied
// again: an edit is never written over a copy that is out of date. A
// change in the instant between the last check and the rename can still
// be lost; there is no lock that every editor honours.
func Update(path string, edit func(src []byte) ([]byte, error)) error {
	// The file's directory is the repository it belongs to: a link that
	// leads out of it is refused, never written through.
	root := filepath.Dir(path)
	real, err := repofs.Inside(root, path)
	switch {
	case err == nil:
		path = real // replace the file the link points to, not the link
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	for range maxAttempts {
		src, mode, err := read(root, path)
		if err != nil {
			return err
		}
		out, err := edit(src)
		if err != nil {
			return err
		}
		if src != nil && bytes.Equal(out, src) {
			return nil
		}
		beforeWrite(path)
		tmp, err := repofs.WriteTemp(path, out, mode)
		if err != nil {
			return err
		}
		now, _, err := read(root, path)
		if err != nil {
			os.Remove(tmp)
			return err
		}
		if !bytes.Equal(now, src) || (now == nil) != (src == nil) {
			os.Remove(tmp) // changed under us: apply the edit to what is there now
			continue
		}
		if err := os.Rename(tmp, path); err != nil {
			os.Remove(tmp)
			return err
		}
		return nil
	}
	return fmt.Errorf("%s kept changing while preflight tried to write it; nothing was written", path)
}

// Create writes a new file atomically and refuses to replace one.
func Create(path string, content []byte) error {
	return Update(path, func(src []byte) ([]byte, error) {
		if src != nil {
			return nil, fmt.Errorf("%s already exists", path)
		}
		return content, nil
	})
}

// read returns the file's content, nil when it does not exist, and its
// mode. Only a regular file inside root is read: a FIFO planted under the
// name cannot hang the cockpit.
func read(root, path string) ([]byte, fs.FileMode, error) {
	b, err := repofs.ReadFile(root, path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0o644, nil
	}
	if err != nil {
		return nil, 0, err
	}
	if b == nil {
		b = []byte{}
	}
	mode := fs.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	return b, mode, nil
}
