package report

import (
	"fmt"
	"io"
	"strings"
	"time"

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
	// Trust is what let the repository's own code run; nil: nothing did,
	// or the caller does not know.
	Trust *model.TrustGrant
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

// Trust says whether the repository's own code (its tests, its
// node_modules tools, preflight.yaml's commands) could run, and what
// allowed it, so a reader of the report can tell a result measured by the
// project's code from one that waited.
type Trust struct {
	State string `json:"state"` // "trusted" or "untrusted"
	// By is "flag" (--trust) or "record" (preflight trust, or the
	// cockpit's trust key), when trusted.
	By        string     `json:"by,omitempty"`
	TrustedAt *time.Time `json:"trusted_at,omitempty"` // when the record was made
	Waiting   int        `json:"waiting,omitempty"`    // collectors held back, when untrusted
}

// trustOf is the report's trust, nil when no collector of the run
// executes repository code.
func trustOf(s model.Snapshot, m Meta) *Trust {
	switch s.Trust {
	case model.Untrusted:
		return &Trust{State: "untrusted", Waiting: len(s.WaitingForTrust())}
	case model.Trusted:
		t := &Trust{State: "trusted"}
		switch g := m.Trust; {
		case g == nil:
		case g.Flag:
			t.By = "flag"
		default:
			at := g.At.UTC()
			t.By, t.TrustedAt = "record", &at
		}
		return t
	}
	return nil
}

// summary is the trust in a few words, for the text and Markdown reports.
func (t *Trust) summary() string {
	switch {
	case t == nil:
		return ""
	case t.State == "untrusted":
		return "repository code did not run: not trusted (" + plural(t.Waiting, "collector") + " waiting)"
	case t.By == "flag":
		return "repository code ran: allowed by --trust"
	case t.By == "record":
		return "repository code ran: trusted on " + t.TrustedAt.Format("2006-01-02")
	}
	return "repository code ran: trusted"
}
