// Package reportfile is what the families that import reports share: a
// report some other tool left in the repository (JUnit XML, SARIF, a
// coverage report) is read safely, dated, worded in the result's command,
// and judged against the sources it covers — a report older than them is
// stale evidence, shown but not trusted.
package reportfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/preflight-dev/preflight/internal/repofs"
)

// AgeFact is the fact that says how old a report is, in seconds.
const AgeFact = "report.age_seconds"

// ErrGone marks a report that could not even be looked at (removed, or a
// link that leads nowhere): families say it is gone rather than unreadable.
var ErrGone = errors.New("report is gone")

// File is one report as read from the repository.
type File struct {
	Rel     string // repo-relative, slash-separated
	ModTime time.Time
	Size    int64
	Data    []byte
}

// Read dates the report rel, then reads it as a regular file inside root
// (repofs). When it is there but cannot be read, File still has the time
// and size it was found with, for a family that words a size limit its own
// way. An error of a report that is not there matches ErrGone and keeps the
// operating system's words.
func Read(root, rel string) (File, error) {
	abs := filepath.Join(root, filepath.FromSlash(rel))
	f := File{Rel: rel}
	info, err := os.Stat(abs)
	if err != nil {
		return f, gone{err}
	}
	f.ModTime, f.Size = info.ModTime(), info.Size()
	f.Data, err = repofs.ReadFile(root, abs)
	return f, err
}

type gone struct{ err error }

func (g gone) Error() string   { return g.err.Error() }
func (g gone) Unwrap() []error { return []error{ErrGone, g.err} }

// Age is how long ago the report was written.
func (f File) Age() time.Duration { return time.Since(f.ModTime) }

// AgeSeconds is an age as the AgeFact counts it: whole seconds.
func AgeSeconds(age time.Duration) float64 { return float64(int64(age.Seconds())) }

// Command is the command a result shows for reading reports, with what
// was learnt of them in parentheses: "read a.xml, b.xml (JUnit XML)",
// "read cover.out (go-coverprofile, written 3h ago)"; without details,
// "read a.sarif".
func Command(files []string, details ...string) string {
	cmd := "read " + strings.Join(files, ", ")
	if len(details) > 0 {
		cmd += " (" + strings.Join(details, ", ") + ")"
	}
	return cmd
}

// Written says how long ago a report was written, for its command:
// "written 3h ago".
func Written(age time.Duration) string { return "written " + Human(age) + " ago" }
