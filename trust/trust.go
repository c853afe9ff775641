// Package trust remembers which repository configs the user allowed to run
// commands. A preflight.yaml can name any command; like direnv's `allow`,
// nothing it defines runs until the user trusts that exact text, and any
// change to it needs trust again. Records are per user, in the XDG data
// directory, keyed by the config's path and a hash of its commands.
package trust

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/preflight-dev/preflight/internal/repofs"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Store is a directory of trust records.
type Store struct {
	dir string
}

// Record is what is stored for one trusted config.
type Record struct {
	Path      string    `json:"path"`
	Hash      string    `json:"sha256"`
	Commands  []string  `json:"commands"`
	TrustedAt time.Time `json:"trusted_at"`
}

// Open uses dir as the store.
func Open(dir string) *Store { return &Store{dir: dir} }

// Default is $XDG_DATA_HOME/preflight/trust (~/.local/share/preflight/trust).
func Default() (*Store, error) {
	base := os.Getenv("XDG_DATA_HOME")
	if base == "" || !filepath.IsAbs(base) {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, fmt.Errorf("no place to keep trust records: %w", err)
		}
		base = filepath.Join(home, ".local", "share")
	}
	return Open(filepath.Join(base, "preflight", "trust")), nil
}

// Dir is where records are kept.
func (s *Store) Dir() string { return s.dir }

// Hash is the fingerprint of a list of commands.
func Hash(commands []string) string {
	sum := sha256.Sum256([]byte(strings.Join(commands, "\n")))
	return hex.EncodeToString(sum[:])
}

// recordFile names the record of one (path, commands) pair, so trusting a
// config on two branches keeps both.
func (s *Store) recordFile(path, hash string) string {
	sum := sha256.Sum256([]byte(path + "\x00" + hash))
	return filepath.Join(s.dir, hex.EncodeToString(sum[:16])+".json")
}

// Trusted reports whether the config at path (absolute) was trusted with
// exactly these commands.
func (s *Store) Trusted(path string, commands []string) bool {
	_, ok := s.Lookup(path, commands)
	return ok
}

// Lookup returns the record that trusts the config at path (absolute)
// with exactly these commands, if there is one.
func (s *Store) Lookup(path string, commands []string) (Record, bool) {
	hash := Hash(commands)
	data, err := os.ReadFile(s.recordFile(path, hash))
	if err != nil {
		return Record{}, false
	}
	var r Record
	if json.Unmarshal(data, &r) != nil || r.Path != path || r.Hash != hash {
		return Record{}, false
	}
	return r, true
}

// Trust records that the config at path may run these commands.
func (s *Store) Trust(path string, commands []string, now time.Time) error {
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return fmt.Errorf("saving trust: %w", err)
	}
	hash := Hash(commands)
	data, err := json.MarshalIndent(Record{Path: path, Hash: hash, Commands: commands, TrustedAt: now.UTC()}, "", "  ")
	if err != nil {
		return err
	}
	return repofs.WriteFileAtomic(s.recordFile(path, hash), append(data, '\n'), 0o600)
}

// Revoke forgets every record of the config at path and returns how many
// there were.
func (s *Store) Revoke(path string) (int, error) {
	records, err := s.records()
	if err != nil {
		return 0, err
	}
	n := 0
	for file, r := range records {
		if r.Path != path {
			continue
		}
		if err := os.Remove(file); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return n, err
		}
		n++
	}
	return n, nil
}

func (s *Store) records() (map[string]Record, error) {
	entries, err := os.ReadDir(s.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := map[string]Record{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		file := filepath.Join(s.dir, e.Name())
		data, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		var r Record
		if json.Unmarshal(data, &r) == nil {
			out[file] = r
		}
	}
	return out, nil
}
