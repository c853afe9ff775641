// Package staleness tells whether a report file that some other tool
// wrote (JUnit XML, a coverage report) still describes the code: a report
// older than the sources it covers is stale evidence, shown but not
// trusted.
package staleness

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/preflight-dev/preflight/ignore"
)

// SourceExtensions are the file types counted as source code when a report
// does not say which files it covers.
var SourceExtensions = map[string]bool{
	".go": true, ".js": true, ".jsx": true, ".ts": true, ".tsx": true, ".mjs": true, ".cjs": true, ".mts": true, ".cts": true,
	".vue": true, ".svelte": true, ".py": true, ".rb": true, ".rs": true, ".java": true, ".kt": true, ".kts": true,
	".scala": true, ".groovy": true, ".cs": true, ".fs": true, ".php": true, ".swift": true, ".ex": true, ".exs": true,
	".erl": true, ".dart": true, ".c": true, ".cc": true, ".cpp": true, ".h": true, ".hpp": true,
}

// Newest is the most recently modified of some files.
type Newest struct {
	File    string // repo-relative
	ModTime time.Time
}

// NewestSource walks dir (repo-relative) the way preflight lists files,
// leaving out ignored paths (node_modules, build outputs, .gitignore'd
// files), and returns the newest source file. The zero Newest means none.
func NewestSource(root, dir string) (Newest, error) {
	m, err := ignore.Load(root)
	if err != nil {
		return Newest{}, err
	}
	var newest Newest
	err = ignore.WalkDir(root, dir, m, func(rel string, d fs.DirEntry) error {
		if d.IsDir() || !SourceExtensions[strings.ToLower(path.Ext(rel))] {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil // removed while walking
		}
		if info.ModTime().After(newest.ModTime) {
			newest = Newest{File: rel, ModTime: info.ModTime()}
		}
		return nil
	})
	if _, partial := err.(*ignore.UnreadableError); partial {
		err = nil // what could be read still dates the sources
	}
	return newest, err
}

// NewestOf returns the newest of the files (repo-relative) that exist.
func NewestOf(root string, files []string) Newest {
	var newest Newest
	for _, f := range files {
		info, err := os.Stat(filepath.Join(root, filepath.FromSlash(f)))
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		if info.ModTime().After(newest.ModTime) {
			newest = Newest{File: f, ModTime: info.ModTime()}
		}
	}
	return newest
}

// Human renders a duration the way people say an age: "45s", "12m", "3h",
// "5d".
func Human(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(max(d, 0)/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d/time.Hour))
	default:
		return fmt.Sprintf("%dd", int(d/(24*time.Hour)))
	}
}

// Check compares a report's time with the newest source it covers. It
// returns "" when the report is fresh, else the reason it is stale, e.g.
// "junit report is 3h older than the sources it covers (newest: src/a.go)".
func Check(what string, report time.Time, newest Newest) string {
	if newest.File == "" || !newest.ModTime.After(report) {
		return ""
	}
	return fmt.Sprintf("%s is %s older than the sources it covers (newest: %s)", what, Human(newest.ModTime.Sub(report)), newest.File)
}
