// Package textsafe makes text from a repository and its tools safe to
// print and to embed: no control byte reaches a terminal, XML stays
// well-formed, and a file name that is not UTF-8 is encoded so that it
// still names its file.
package textsafe

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Escape returns s with every control character (C0 but newline and tab,
// DEL, C1) written as \xNN or \u00NN, and every byte that is not UTF-8 as
// \xNN, so that printing it cannot move the cursor, retitle a window or
// ring a bell.
func Escape(s string) string {
	if clean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x80 && r <= 0x9f:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func clean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f || c >= 0x80 {
			if c >= 0x80 {
				return utf8.ValidString(s) && !hasC1(s)
			}
			return false
		}
	}
	return true
}

func hasC1(s string) bool {
	for _, r := range s {
		if r >= 0x80 && r <= 0x9f {
			return true
		}
	}
	return false
}

// Line is Escape for text that must stay on one line (a file name in a
// table): newlines and tabs are escaped too.
func Line(s string) string {
	s = Escape(s)
	if !strings.ContainsAny(s, "\n\t\r") {
		return s
	}
	return strings.NewReplacer("\n", `\n`, "\t", `\t`, "\r", `\r`).Replace(s)
}

// XML replaces what XML 1.0 cannot hold (most control characters, bytes
// that are not UTF-8, U+FFFE/U+FFFF) with U+FFFD, so an encoder never
// writes a document that a parser rejects.
func XML(s string) string {
	ok := true
	for _, r := range s {
		if !xmlChar(r) {
			ok = false
			break
		}
	}
	if ok && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n <= 1) || !xmlChar(r) {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func xmlChar(r rune) bool {
	return r == 0x9 || r == 0xA || r == 0xD ||
		(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

// PathNeedsEncoding reports whether a file name cannot be carried as is
// in JSON or SARIF: it is not UTF-8, or holds a control character.
func PathNeedsEncoding(p string) bool {
	if !utf8.ValidString(p) {
		return true
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
			return true
		}
	}
	return false
}

// EncodePath percent-encodes every byte of p that is not printable UTF-8,
// and every '%', as %XX: reversible (DecodePath), and unchanged for any
// name that did not need it.
func EncodePath(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); {
		r, n := utf8.DecodeRuneInString(p[i:])
		bad := (r == utf8.RuneError && n <= 1) || r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == '%'
		if bad {
			for _, c := range []byte(p[i : i+n]) {
				fmt.Fprintf(&b, "%%%02X", c)
			}
		} else {
			b.WriteString(p[i : i+n])
		}
		i += n
	}
	return b.String()
}

// DecodePath reverses EncodePath.
func DecodePath(p string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] != '%' {
			b.WriteByte(p[i])
			continue
		}
		var c byte
		if i+2 >= len(p) {
			return "", fmt.Errorf("truncated escape in %q", p)
		}
		if _, err := fmt.Sscanf(p[i+1:i+3], "%02X", &c); err != nil {
			return "", fmt.Errorf("bad escape in %q", p)
		}
		b.WriteByte(c)
		i += 2
	}
	return b.String(), nil
}
