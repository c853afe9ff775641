package importer

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
)

// legacy are the encodings UTF-8 text is most often mis-read as: a file
// saved as UTF-8 and opened as Mac OS Roman turns 🎯 into "üéØ" and ✅
// into "‚úÖ"; as Windows-1252, ✅ becomes "âœ…".
var legacy = []struct {
	name string
	enc  encoding.Encoding
}{
	{"Mac OS Roman", charmap.Macintosh},
	{"Windows-1252", charmap.Windows1252},
}

// Repair is what repairMojibake changed.
type Repair struct {
	Chars, Lines int
	Encoding     string
}

// repairMojibake undoes UTF-8 text having been decoded as a legacy
// encoding. Each run of non-ASCII characters is encoded back to the legacy
// bytes; when those bytes are valid UTF-8 and spell fewer characters, the
// run was mojibake and is replaced. Correct text does not pass that test:
// "é" alone is not valid UTF-8 in any of these encodings.
func repairMojibake(text string) (string, Repair) {
	var rep Repair
	used := map[string]int{}
	lines := strings.SplitAfter(text, "\n")
	for i, line := range lines {
		fixed, n, enc := repairLine(line)
		if n > 0 {
			lines[i] = fixed
			rep.Chars += n
			rep.Lines++
			used[enc]++
		}
	}
	best := 0
	for name, n := range used {
		if n > best {
			rep.Encoding, best = name, n
		}
	}
	return strings.Join(lines, ""), rep
}

func repairLine(line string) (string, int, string) {
	var b strings.Builder
	repaired, encName := 0, ""
	for i := 0; i < len(line); {
		r, size := utf8.DecodeRuneInString(line[i:])
		if r < utf8.RuneSelf {
			b.WriteByte(line[i])
			i += size
			continue
		}
		// A run of non-ASCII characters: the mojibake of one character
		// is always one such run.
		j := i
		for j < len(line) {
			r, size := utf8.DecodeRuneInString(line[j:])
			if r < utf8.RuneSelf {
				break
			}
			j += size
		}
		run := line[i:j]
		out, name := repairRun(run)
		if name != "" {
			repaired += utf8.RuneCountInString(out)
			encName = name
		}
		b.WriteString(out)
		i = j
	}
	if repaired == 0 {
		return line, 0, ""
	}
	return b.String(), repaired, encName
}

func repairRun(run string) (string, string) {
	for _, l := range legacy {
		raw, err := l.enc.NewEncoder().String(run)
		if err != nil || !utf8.ValidString(raw) {
			continue
		}
		if utf8.RuneCountInString(raw) < utf8.RuneCountInString(run) && !hasC1(raw) {
			return raw, l.name
		}
	}
	return run, ""
}

// hasC1 reports C1 control characters, which real text never contains but
// a wrong guess at the encoding produces.
func hasC1(s string) bool {
	for _, r := range s {
		if r >= 0x80 && r < 0xA0 {
			return true
		}
	}
	return false
}
