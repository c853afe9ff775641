// Package repofs reads and writes a repository's files the safe way: only
// regular files, only inside the repository, never more than a size cap, and
// never blocking on a FIFO or device that a hostile checkout planted under a
// name preflight reads (READINESS.md, .gitignore, a Dockerfile …).
package repofs

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// MaxFileSize is the most preflight reads of one file. Configuration,
// manifests and reports are far smaller; a larger file is refused rather
// than read slowly into memory.
const MaxFileSize = 16 << 20

var (
	// ErrNotRegular: a FIFO, socket, device or directory where a file was expected.
	ErrNotRegular = errors.New("not a regular file")
	// ErrOutside: the path, or a symlink on it, leads out of the repository.
	ErrOutside = errors.New("leads outside the repository")
	// ErrTooLarge: the file is over MaxFileSize.
	ErrTooLarge = errors.New("file too large")
)

// Inside resolves path (absolute, or relative to root) with its symlinks and
// reports the resolved path when it stays inside root.
func Inside(root, path string) (string, error) {
	if !filepath.IsAbs(path) {
		path = filepath.Join(root, path)
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return "", err
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", err
	}
	if !within(realRoot, real) {
		return "", &os.PathError{Op: "read", Path: path, Err: ErrOutside}
	}
	return real, nil
}

func within(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// Open opens a regular file inside root for reading. The open itself cannot
// block (O_NONBLOCK), so a FIFO is refused instead of hanging the caller.
func Open(root, path string) (*os.File, error) {
	real, err := Inside(root, path)
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(real, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, &os.PathError{Op: "read", Path: path, Err: ErrNotRegular}
	}
	if st.Size() > MaxFileSize {
		f.Close()
		return nil, &os.PathError{Op: "read", Path: path, Err: fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, st.Size(), MaxFileSize)}
	}
	return f, nil
}

// ReadFile reads a regular file inside root (see Open).
func ReadFile(root, path string) ([]byte, error) {
	f, err := Open(root, path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, &os.PathError{Op: "read", Path: path, Err: ErrTooLarge}
	}
	return data, nil
}

// WriteFileAtomic replaces path with data so that readers see either the old
// or the new content, never a torn file: a temporary file in the same
// directory, synced, then renamed over path. A symlink at path is not
// followed (the rename replaces the link itself), so a write can never land
// outside the directory it names.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	tmp, err := WriteTemp(path, data, perm)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// WriteTemp writes data, synced and with mode perm, to a new temporary
// file beside path and returns its name, for a caller that renames it over
// path once it has checked what it replaces. Nothing is left on error.
func WriteTemp(path string, data []byte, perm os.FileMode) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return "", err
	}
	name := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(name, perm)
	}
	if err != nil {
		os.Remove(name)
		return "", err
	}
	return name, nil
}
