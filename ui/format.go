package ui

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// fit truncates s to w cells and pads it with spaces to exactly w cells, so
// panes can be laid side by side without their widths drifting.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	s = ansi.Truncate(s, w, "…")
	if pad := w - ansi.StringWidth(s); pad > 0 {
		s += strings.Repeat(" ", pad)
	}
	return s
}

// clip truncates s to w cells without padding, marking the cut with an
// ellipsis (or with tail, when given).
func clip(s string, w int, tail ...string) string {
	if w <= 0 {
		return ""
	}
	t := "…"
	if len(tail) > 0 {
		t = tail[0]
	}
	return ansi.Truncate(s, w, t)
}

// wrap breaks s into lines of at most w cells, keeping each source line's
// indentation on its continuation lines so nested tool messages stay
// readable.
func wrap(s string, w int) []string {
	if w <= 0 {
		return nil
	}
	var out []string
	for _, line := range strings.Split(s, "\n") {
		indent := len(line) - len(strings.TrimLeft(line, " "))
		if indent > w/2 {
			indent = w / 2
		}
		pad := strings.Repeat(" ", indent)
		body := strings.TrimLeft(line, " ")
		if body == "" {
			out = append(out, "")
			continue
		}
		wrapped := ansi.Wrap(body, w-indent, "")
		for _, part := range strings.Split(wrapped, "\n") {
			out = append(out, pad+strings.TrimRight(part, " "))
		}
	}
	return out
}

// sanitize makes text from tools safe to put on screen: escape sequences and
// control characters in a compiler message must not move the cursor or
// recolour the cockpit. Newlines are kept; tabs become spaces.
func sanitize(s string) string {
	s = ansi.Strip(strings.ToValidUTF8(s, "\uFFFD"))
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	for _, line := range strings.SplitAfter(s, "\n") {
		nl := strings.HasSuffix(line, "\n")
		line = strings.TrimSuffix(line, "\n")
		b.WriteString(expandTabs(line))
		if nl {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// oneLine is sanitize for text that must stay on one line — a name, a rule,
// a path, a section: a newline in a domain name from preflight.yaml would
// otherwise push the frame one line taller than the terminal.
func oneLine(s string) string {
	return strings.ReplaceAll(strings.TrimRight(sanitize(s), "\n"), "\n", " ")
}

// expandTabs replaces tabs with spaces up to the next multiple of four and
// drops other control characters.
func expandTabs(line string) string {
	var b strings.Builder
	col := 0
	for _, r := range line {
		switch {
		case r == '\t':
			n := 4 - col%4
			b.WriteString(strings.Repeat(" ", n))
			col += n
		case unicode.IsControl(r):
			// dropped: it would corrupt the screen
		default:
			b.WriteRune(r)
			col += ansi.StringWidth(string(r))
		}
	}
	return b.String()
}

// firstLine is the first line of a possibly multi-line message.
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// shortPath shows root the way people type it: under the home directory as
// ~/…, and when still longer than max, only its last directories.
func shortPath(root, home string, max int) string {
	p := filepath.ToSlash(root)
	if home != "" {
		h := strings.TrimSuffix(filepath.ToSlash(home), "/")
		if p == h {
			p = "~"
		} else if strings.HasPrefix(p, h+"/") {
			p = "~" + p[len(h):]
		}
	}
	if max <= 0 || ansi.StringWidth(p) <= max {
		return p
	}
	parts := strings.Split(p, "/")
	for i := 1; i < len(parts); i++ {
		cand := "…/" + strings.Join(parts[i:], "/")
		if ansi.StringWidth(cand) <= max {
			return cand
		}
	}
	return clip(parts[len(parts)-1], max)
}

// duration renders a run time the way a person reads it: 850ms, 4.1s, 2m05s.
func duration(d time.Duration) string {
	switch {
	case d <= 0:
		return ""
	case d < time.Second:
		return strconv.FormatInt(d.Milliseconds(), 10) + "ms"
	case d < time.Minute:
		return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + "s"
	case d < time.Hour:
		d = d.Round(time.Second)
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	default:
		d = d.Round(time.Minute)
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
}

// ago renders how long before now t was.
func ago(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < 5*time.Second:
		return "just now"
	case d < time.Minute:
		return fmt.Sprintf("%ds ago", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh ago", int(d.Hours()))
	default:
		return fmt.Sprintf("%dd ago", int(d.Hours()/24))
	}
}

// clock renders a finish time: the time of day when it was today, the date
// too when it was not (a cached result can be days old).
func clock(now, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	y, m, d := t.Date()
	ny, nm, nd := now.In(t.Location()).Date()
	if y == ny && m == nm && d == nd {
		return t.Format("15:04:05")
	}
	return t.Format("2006-01-02 15:04")
}

// number renders a fact value without a pointless ".0".
func number(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// plural is "1 dir" / "3 dirs".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// capText keeps at most n bytes of s (on a character boundary) and says
// how much was left out: the pane is wrapped on every frame, and a tool can
// print megabytes.
func capText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + fmt.Sprintf("\n… %d more bytes", len(s)-cut)
}
