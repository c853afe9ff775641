// Package baseline reads and writes .preflight/baseline.json: the findings a
// repository accepted as they are, for repositories without a useful base
// branch to compare with. It holds fingerprints and where findings are,
// never their messages, so no value a finding quotes is ever committed.
package baseline

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/preflight-dev/preflight/internal/repofs"
	"github.com/preflight-dev/preflight/model"
)

// Path is where the baseline lives, relative to the repository root.
const Path = ".preflight/baseline.json"

// Schema names the file's layout.
const Schema = "preflight.baseline/v1"

// File is the baseline as committed.
type File struct {
	Schema   string    `json:"schema"`
	Created  time.Time `json:"created"`
	Commit   string    `json:"commit,omitempty"`
	Findings []Entry   `json:"findings"`
	// Unmeasured are the collectors that had no evidence when the
	// baseline was written: still having none is not a change.
	Unmeasured []string `json:"unmeasured,omitempty"`
}

// Entry is one accepted finding.
type Entry struct {
	ID        string `json:"id"`
	Collector string `json:"collector"`
	Rule      string `json:"rule"`
	File      string `json:"file,omitempty"`
	Severity  string `json:"severity"`
}

// FromSnapshot lists every finding of s, in report order.
func FromSnapshot(s model.Snapshot, commit string, now time.Time) File {
	f := File{Schema: Schema, Created: now.UTC().Truncate(time.Second), Commit: commit, Findings: []Entry{}}
	for _, fd := range s.Findings() {
		f.Findings = append(f.Findings, Entry{ID: fd.ID, Collector: fd.Collector, Rule: fd.Rule, File: fd.File, Severity: fd.Severity.String()})
	}
	for _, c := range s.Collectors {
		if c.Status != model.StatusSkipped && !c.HasEvidence() {
			f.Unmeasured = append(f.Unmeasured, c.Collector)
		}
	}
	return f
}

// Write saves f under root atomically.
func Write(root string, f File) error {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	path := filepath.Join(root, filepath.FromSlash(Path))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return repofs.WriteFileAtomic(path, append(b, '\n'), 0o644)
}

// ErrMissing is returned by Read when the repository has no baseline.
var ErrMissing = errors.New("no " + Path + " (create it with: preflight baseline)")

// Read loads the baseline of root.
func Read(root string) (File, error) {
	b, err := repofs.ReadFile(root, Path)
	if errors.Is(err, fs.ErrNotExist) {
		return File{}, ErrMissing
	}
	if err != nil {
		return File{}, fmt.Errorf("%s: %w", Path, err)
	}
	f, err := Parse(b)
	if err != nil {
		return File{}, fmt.Errorf("%s: %w", Path, err)
	}
	return f, nil
}

// Parse reads a baseline file's bytes; errors say line:column.
func Parse(b []byte) (File, error) {
	var f File
	if err := json.Unmarshal(b, &f); err != nil {
		return File{}, errors.New(describe(b, err))
	}
	if f.Schema != Schema {
		return File{}, fmt.Errorf("schema %q, want %q (write it again: preflight baseline --update)", f.Schema, Schema)
	}
	for i, e := range f.Findings {
		if e.ID == "" {
			return File{}, fmt.Errorf("finding %d has no id", i+1)
		}
		if _, err := model.ParseSeverity(e.Severity); err != nil {
			return File{}, fmt.Errorf("finding %s: %w", e.ID, err)
		}
	}
	return f, nil
}

// describe turns a JSON error into line:column and what was wrong.
func describe(b []byte, err error) string {
	var off int64 = -1
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		off = syn.Offset
	case errors.As(err, &typ):
		off = typ.Offset
	}
	if off < 0 {
		return err.Error()
	}
	line, col := 1, 1
	for _, c := range b[:min(int(off), len(b))] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Sprintf("%d:%d: %v", line, col, err)
}

// Compare is how now's findings relate to the baseline: listed ones are
// unchanged, others new; listed ones of a collector that measured now and
// no longer finds them are fixed.
func (f File) Compare(now model.Snapshot) *model.BaseComparison {
	b := &model.BaseComparison{Rev: Path, Commit: f.Commit, Known: map[string]bool{}}
	for _, e := range f.Findings {
		b.Known[e.ID] = true
	}
	found := map[string]bool{}
	measured := map[string]bool{}
	for _, c := range now.Collectors {
		measured[c.Collector] = c.HasEvidence()
		for _, fd := range c.Findings {
			found[fd.ID] = true
		}
		switch {
		case c.Status == model.StatusSkipped || c.HasEvidence():
		case slices.Contains(f.Unmeasured, c.Collector):
			b.StillUnmeasured = append(b.StillUnmeasured, c.Collector)
		default:
			b.NewlyUnmeasured = append(b.NewlyUnmeasured, c.Collector)
		}
	}
	for _, e := range f.Findings {
		if found[e.ID] || !measured[e.Collector] {
			continue
		}
		sev, _ := model.ParseSeverity(e.Severity)
		b.Fixed = append(b.Fixed, model.Finding{ID: e.ID, Collector: e.Collector, Rule: e.Rule, File: e.File, Severity: sev})
	}
	model.SortFindings(b.Fixed)
	return b
}
