package nodepkg

import (
	"regexp"
	"strings"

	"github.com/preflight-dev/preflight/proc"
)

// ansi matches terminal escape sequences. Some Node tools colour their
// output even with NO_COLOR set (bundler diagnostics printed while loading
// a config), and evidence must be readable as plain text.
var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)`)

// StripANSI removes terminal escape sequences.
func StripANSI(s string) string { return ansi.ReplaceAllString(s, "") }

// maxLineWidth bounds one line of an excerpt: a diagnostic that prints the
// whole minified source on one line must not fill the evidence pane.
const maxLineWidth = 400

// Excerpt turns tool output into evidence: escape sequences removed, very
// long lines cut, the last maxLines lines kept.
func Excerpt(out string, maxLines int) string {
	out = StripANSI(strings.ReplaceAll(out, "\r\n", "\n"))
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if len(l) > maxLineWidth {
			cut := maxLineWidth
			for cut > 0 && !isRuneStart(l[cut]) {
				cut--
			}
			lines[i] = l[:cut] + " …"
		}
	}
	return proc.Excerpt(strings.Join(lines, "\n"), maxLines)
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// EnvNoColor asks Node tools for plain output.
var EnvNoColor = []string{"NO_COLOR=1", "FORCE_COLOR=0"}
