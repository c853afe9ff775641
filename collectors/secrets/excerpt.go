package secrets

import (
	"regexp"
	"strings"
)

// assignment finds KEY=value, KEY: value and --key=value in free text,
// including NUL-separated environment blocks (/proc/*/environ).
var assignment = regexp.MustCompile(`([A-Za-z_][A-Za-z0-9_.-]*)([ \t]*[:=][ \t]*)(["']?)([^\s"'\x00]+)`)

// RedactExcerpt is Redact for text of any origin that a report, the cache
// or the screen will show — tool output, parser errors quoting a file,
// finding messages: besides the credentials Redact knows, it masks the
// values of assignments whose key names a credential (GITHUB_TOKEN=…,
// password: …, --token=…) and long random-looking tokens.
func (r *Redactor) RedactExcerpt(text string) string {
	if text == "" {
		return text
	}
	text = r.Redact(text)
	text = assignment.ReplaceAllStringFunc(text, func(m string) string {
		g := assignment.FindStringSubmatch(m)
		key, sep, quote, value := g[1], g[2], g[3], g[4]
		if !IsSecretKey(key) || IsPlaceholder(value) || strings.HasPrefix(value, "[redacted") {
			return m
		}
		return key + sep + quote + "[redacted " + r.Label(value) + "]"
	})
	return randomToken.ReplaceAllStringFunc(text, func(tok string) string {
		if !looksRandom(tok) {
			return tok
		}
		return "[redacted " + r.Label(tok) + "]"
	})
}
