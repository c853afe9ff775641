package reportfile

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/preflight-dev/preflight/collectors/nodepkg"
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

// SourcesGlob matches the sources under dir (repo-relative) that
// NewestSource dates, so that editing one reruns the collector and shows
// its report stale at once.
func SourcesGlob(dir string) string {
	exts := make([]string, 0, len(SourceExtensions))
	for e := range SourceExtensions {
		exts = append(exts, strings.TrimPrefix(e, "."))
	}
	sort.Strings(exts)
	return nodepkg.Glob(dir, "**/*.{"+strings.Join(exts, ",")+"}")
}

// Newest is the most recently modified of some files.
type Newest struct {
	File    string // repo-relative
	ModTime time.Time
}

// NewestSource walks dir (repo-relative) the way preflight lists files,
// leaving out ignored paths (node_modules, build outputs, .gitignore'd
// files), and returns the newest source file. The zero Newest means none.
// Its error is worded for the result: the report cannot be judged.
func NewestSource(root, dir string) (Newest, error) {
	newest, err := newestSource(root, dir)
	if err != nil {
		return Newest{}, fmt.Errorf("cannot date the sources the report covers: %w", err)
	}
	return newest, nil
}

func newestSource(root, dir string) (Newest, error) {
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

// NewestOf returns the newest of the files (repo-relative) that exist as
// regular files. Reports name files of the machine that wrote them too:
// empty and absolute names are passed over, not looked for in root.
func NewestOf(root string, files []string) Newest {
	var newest Newest
	for _, f := range files {
		if f == "" || path.IsAbs(f) {
			continue
		}
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

// Behind reports how far the newest source is ahead of a report written
// at written, and whether that makes the report stale: ahead by more than
// slack. A slack forgives a tool that writes its report in the same
// second as it touches sources, where file times are coarse.
func Behind(written time.Time, newest Newest, slack time.Duration) (lag time.Duration, stale bool) {
	if newest.File == "" {
		return 0, false
	}
	lag = newest.ModTime.Sub(written)
	return lag, lag > slack
}

// OlderThanSources words a lag for a result's error: "the JUnit report is
// 3h older than the sources it covers"; what names the report.
func OlderThanSources(what string, lag time.Duration) string {
	return fmt.Sprintf("%s is %s older than the sources it covers", what, Human(lag))
}

// Check compares a report's time with the newest source it covers. It
// returns "" when the report is fresh, else the reason it is stale, e.g.
// "junit report is 3h older than the sources it covers (newest: src/a.go)".
func Check(what string, report time.Time, newest Newest) string {
	lag, stale := Behind(report, newest, 0)
	if !stale {
		return ""
	}
	return OlderThanSources(what, lag) + " (newest: " + newest.File + ")"
}
