// Package history keeps a one-line summary of every completed snapshot of
// a repository (time, verdict, score, open blockers per domain) in the
// user's state directory, so the cockpit can show whether the repository
// is getting closer to shipping.
package history

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/preflight-dev/preflight/internal/repofs"
	"github.com/preflight-dev/preflight/model"
)

// Store reads and writes histories under one directory, one file per
// repository.
type Store struct {
	dir string
	// keep is how many points a file keeps once it grows past max bytes.
	keep int
	max  int64
}

// Default is the store in $XDG_STATE_HOME/preflight/history, or
// ~/.local/state/preflight/history when XDG_STATE_HOME is not set.
func Default() (*Store, error) {
	base := os.Getenv("XDG_STATE_HOME")
	if base == "" || !filepath.IsAbs(base) {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, fmt.Errorf("no state directory: %w", err)
		}
		base = filepath.Join(home, ".local", "state")
	}
	return At(filepath.Join(base, "preflight", "history")), nil
}

// At is a store rooted at dir.
func At(dir string) *Store { return &Store{dir: dir, keep: 2000, max: 1 << 20} }

func (s *Store) file(root string) string {
	sum := sha256.Sum256([]byte(root))
	return filepath.Join(s.dir, hex.EncodeToString(sum[:8])+".jsonl")
}

// Append adds a point to root's history.
func (s *Store) Append(root string, p model.HistoryPoint) error {
	line, err := json.Marshal(p)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return err
	}
	path := s.file(root)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(append(line, '\n'))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if st, err := os.Stat(path); err == nil && st.Size() > s.max {
		return s.trim(root)
	}
	return nil
}

// Load returns the last n points of root's history, oldest first. Lines
// that cannot be read (a crash mid-write) are skipped.
func (s *Store) Load(root string, n int) ([]model.HistoryPoint, error) {
	b, err := os.ReadFile(s.file(root))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []model.HistoryPoint
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var p model.HistoryPoint
		if json.Unmarshal(sc.Bytes(), &p) == nil && !p.At.IsZero() {
			out = append(out, p)
		}
	}
	if n > 0 && len(out) > n {
		out = out[len(out)-n:]
	}
	return out, nil
}

// trim rewrites root's file with its last points only, atomically.
func (s *Store) trim(root string) error {
	points, err := s.Load(root, s.keep)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	for _, p := range points {
		line, _ := json.Marshal(p)
		buf.Write(append(line, '\n'))
	}
	return repofs.WriteFileAtomic(s.file(root), buf.Bytes(), 0o600)
}
