// Package cache keeps the last snapshot of each repository in the user's
// cache directory, so the cockpit can open instantly on the last known
// results while fresh runs proceed.
package cache

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/preflight-dev/preflight/internal/repofs"
	"github.com/preflight-dev/preflight/model"
)

// formatVersion changes whenever the stored layout does; older files are
// ignored rather than misread.
const formatVersion = 1

// Store reads and writes snapshots under one directory.
type Store struct{ dir string }

// Default is the store in $XDG_CACHE_HOME/preflight (or the OS equivalent).
func Default() (*Store, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return nil, fmt.Errorf("no user cache directory: %w", err)
	}
	return &Store{dir: filepath.Join(base, "preflight")}, nil
}

// At is a store rooted at dir (tests, benchmarks).
func At(dir string) *Store { return &Store{dir: dir} }

type file struct {
	Version    int           `json:"version"`
	Root       string        `json:"root"`
	Key        string        `json:"key,omitempty"` // "" for the live snapshot; see LoadBase
	SavedAt    time.Time     `json:"saved_at"`
	Collectors []storedState `json:"collectors"`
}

type storedState struct {
	Collector  string             `json:"collector"`
	Kind       string             `json:"kind"`
	Domain     string             `json:"domain"`
	Status     model.Status       `json:"status"`
	Command    string             `json:"command"`
	ExitCode   int                `json:"exit_code"`
	StartedAt  time.Time          `json:"started_at"`
	FinishedAt time.Time          `json:"finished_at"`
	DurationNS int64              `json:"duration_ns"`
	Facts      map[string]float64 `json:"facts,omitempty"`
	Findings   []model.Finding    `json:"findings,omitempty"`
	Error      string             `json:"error,omitempty"`
	Hint       string             `json:"hint,omitempty"`
	Output     string             `json:"output,omitempty"`
	Trigger    string             `json:"trigger,omitempty"`
	// Added with the results cache; absent in older files.
	ToolVersion string `json:"tool_version,omitempty"`
	Broken      bool   `json:"broken,omitempty"`
	ValueFree   bool   `json:"value_free,omitempty"`
	// Added with evidence of CI stages.
	Evidence []model.Evidence `json:"evidence,omitempty"`
}

func stored(r model.Result) storedState {
	return storedState{
		Collector: r.Collector, Kind: r.Kind, Domain: r.Domain, Status: r.Status, Command: r.Command,
		ExitCode: r.ExitCode, StartedAt: r.StartedAt, FinishedAt: r.FinishedAt,
		DurationNS: int64(r.Duration), Facts: r.Facts, Findings: r.Findings,
		Error: r.Error, Hint: r.Hint, Output: r.Output, Trigger: r.Trigger,
		ToolVersion: r.ToolVersion, Broken: r.Broken, ValueFree: r.ValueFree, Evidence: r.Evidence,
	}
}

func (c storedState) result() model.Result {
	return model.Result{
		Collector: c.Collector, Kind: c.Kind, Domain: c.Domain, Status: c.Status, Command: c.Command,
		ExitCode: c.ExitCode, StartedAt: c.StartedAt, FinishedAt: c.FinishedAt,
		Duration: time.Duration(c.DurationNS), Facts: c.Facts, Findings: c.Findings,
		Error: c.Error, Hint: c.Hint, Output: c.Output, Trigger: c.Trigger,
		ToolVersion: c.ToolVersion, Broken: c.Broken, ValueFree: c.ValueFree, Evidence: c.Evidence,
	}
}

func (s *Store) path(root, key string) string {
	if key != "" {
		root += "\x00" + key
	}
	sum := sha256.Sum256([]byte(root))
	return filepath.Join(s.dir, hex.EncodeToString(sum[:10])+".json")
}

// Load returns the last saved snapshot of root. A missing cache is not an
// error: ok is false.
func (s *Store) Load(root string) (snap model.Snapshot, ok bool, err error) {
	return s.load(root, "")
}

// LoadBase returns the results measured at a base commit of root by this
// version of preflight (another version may fingerprint differently).
func (s *Store) LoadBase(root, commit, version string) (model.Snapshot, bool, error) {
	return s.load(root, baseKey(commit, version))
}

// SaveBase keeps the results measured at a base commit.
func (s *Store) SaveBase(snap model.Snapshot, commit, version string) error {
	return s.save(snap, baseKey(commit, version))
}

func baseKey(commit, version string) string { return "base " + commit + " " + version }

func (s *Store) load(root, key string) (snap model.Snapshot, ok bool, err error) {
	b, err := os.ReadFile(s.path(root, key))
	if errors.Is(err, os.ErrNotExist) {
		return model.Snapshot{}, false, nil
	}
	if err != nil {
		return model.Snapshot{}, false, err
	}
	var f file
	if err := json.Unmarshal(b, &f); err != nil {
		return model.Snapshot{}, false, fmt.Errorf("cache %s is corrupt (ignored): %w", s.path(root, key), err)
	}
	if f.Version != formatVersion || f.Root != root || f.Key != key {
		return model.Snapshot{}, false, nil
	}
	snap = model.Snapshot{Root: f.Root, GeneratedAt: f.SavedAt, FromCache: true}
	for _, c := range f.Collectors {
		snap.Collectors = append(snap.Collectors, model.CollectorState{Stale: true, Result: c.result()})
	}
	return snap, true, nil
}

// Save writes the finished results of snap atomically (temp file + rename),
// so a crash mid-write never leaves a torn cache.
func (s *Store) Save(snap model.Snapshot) error { return s.save(snap, "") }

func (s *Store) save(snap model.Snapshot, key string) error {
	f := file{Version: formatVersion, Root: snap.Root, Key: key, SavedAt: snap.GeneratedAt}
	for _, c := range snap.Collectors {
		if c.FinishedAt.IsZero() {
			continue
		}
		f.Collectors = append(f.Collectors, stored(c.Result))
	}
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return err
	}
	return repofs.WriteFileAtomic(s.path(snap.Root, key), b, 0o600)
}
