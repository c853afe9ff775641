package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/preflight-dev/preflight/checklist"
	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/config"
	"github.com/preflight-dev/preflight/detect"
	"github.com/preflight-dev/preflight/ignore"
	"github.com/preflight-dev/preflight/model"
)

// ChecklistExistsError is a starter READINESS.md that was not written
// because there is one already.
type ChecklistExistsError struct{ Path string }

func (e ChecklistExistsError) Error() string {
	return fmt.Sprintf("%s already exists; preflight init never replaces it", e.Path)
}

// StarterCounts says what a starter READINESS.md holds: its items, and
// how many of them are bound to evidence.
type StarterCounts struct{ Items, Bound int }

// WriteStarterConfig writes a commented starter preflight.yaml naming
// cols; os.ErrExist when there is one already.
func WriteStarterConfig(root string, cols []collectors.Collector) (string, error) {
	path := filepath.Join(root, config.FileName)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", err
	}
	if _, err := f.Write(config.Starter(cols)); err != nil {
		f.Close()
		return "", err
	}
	return path, f.Close()
}

// initChecklist writes root/READINESS.md from the detected collectors.
func initChecklist(root string) (string, StarterCounts, error) {
	cols, err := Detect(root)
	if err != nil {
		return "", StarterCounts{}, err
	}
	return WriteStarterChecklist(root, cols)
}

// WriteStarterChecklist writes root/READINESS.md bound to cols; a
// ChecklistExistsError when there is one already.
func WriteStarterChecklist(root string, cols []collectors.Collector) (string, StarterCounts, error) {
	path := filepath.Join(root, checklist.FileName)
	if _, err := os.Stat(path); err == nil {
		return "", StarterCounts{}, ChecklistExistsError{Path: path}
	}
	content := checklist.Starter(checklistTargets(cols))
	if err := checklist.Create(path, content); err != nil {
		return "", StarterCounts{}, err
	}
	var n StarterCounts
	for _, it := range checklist.Parse(checklist.FileName, content).Items {
		n.Items++
		if it.Rule != "" {
			n.Bound++
		}
	}
	return path, n, nil
}

// Detect lists the collectors that apply to root, which the starters name
// and bind rules to: not those that only name a project preflight does
// not check, which have no evidence to bind to.
func Detect(root string) ([]collectors.Collector, error) {
	m, err := ignore.Load(root)
	if err != nil {
		return nil, fmt.Errorf("reading ignore rules of %s: %w", root, err)
	}
	cols, err := detect.Scan(root, m)
	var unreadable *ignore.UnreadableError
	if err != nil && !errors.As(err, &unreadable) {
		return nil, fmt.Errorf("scanning %s: %w", root, err)
	}
	return slices.DeleteFunc(cols, func(c collectors.Collector) bool { return c.Kind() == model.KindUnchecked }), nil
}

// DetectTargets lists root's collectors as the checklist names them.
func DetectTargets(root string) ([]checklist.Target, error) {
	cols, err := Detect(root)
	return checklistTargets(cols), err
}

func checklistTargets(cols []collectors.Collector) []checklist.Target {
	var out []checklist.Target
	for _, c := range cols {
		out = append(out, checklist.Target{ID: c.ID(), Kind: c.Kind(), Domain: c.Domain()})
	}
	return out
}
