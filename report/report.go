package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/preflight-dev/preflight/collectors/rules"
	"github.com/preflight-dev/preflight/model"
)

// Formats are the report formats of `preflight check --format`.
var Formats = []string{"text", "json", "markdown", "sarif", "junit"}

// Meta is what the caller knows about the run beyond the snapshot: it goes
// into the evidence lines of every format that has room for it.
type Meta struct {
	Commit  string // git rev-parse HEAD of the checked tree; "" outside git
	Version string // preflight's own version
	// ToolVersions are tool versions by collector kind, where known.
	ToolVersions map[string]string
	// Shard is set in the report of one shard of a sharded check.
	Shard *Shard
	// Rules describe the rules findings name (SARIF's rule metadata); nil
	// describes none.
	Rules *rules.Catalogue
}

// Options tune Write.
type Options struct {
	Meta
	Color bool // text only: ANSI colours (a terminal, and NO_COLOR unset)
}

// Write renders s in format (one of Formats).
func Write(w io.Writer, format string, s model.Snapshot, o Options) error {
	switch format {
	case "text":
		return writeText(w, s, o)
	case "json":
		return writeJSON(w, s, o.Meta)
	case "markdown":
		return WriteMarkdown(w, s, o.Meta)
	case "sarif":
		return WriteSARIF(w, s, o.Meta)
	case "junit":
		return WriteJUnit(w, s, o.Meta)
	}
	return fmt.Errorf("unknown report format %q (want %s)", format, strings.Join(Formats, ", "))
}

// toolVersion is the version of the tool a collector ran: the one it read
// itself, else the one the run's metadata names for its kind.
func (m Meta) toolVersion(c model.Result) string {
	if c.ToolVersion != "" {
		return c.ToolVersion
	}
	return m.ToolVersions[c.Kind]
}
