package secrets

import (
	"regexp"
	"strings"
)

// assignmentKey finds the key and separator of KEY=value, KEY: value and
// --key=value in free text, including NUL-separated environment blocks
// (/proc/*/environ); assignedValue finds the value after them.
var assignmentKey = regexp.MustCompile(`([A-Za-z_][A-Za-z0-9_.-]*)["']?[ \t]*[:=][ \t]*`)

// assignment is KEY=value or key: value in a settings file's line, the
// value a run of non-space characters after an optional quote.
var assignment = regexp.MustCompile(`([A-Za-z_][A-Za-z0-9_.-]*)([ \t]*[:=][ \t]*)(["']?)([^\s"'\x00]+)`)

// codeWords follow an assignment in source code where a value would:
// `hashedPassword = await bcrypt.hash(…)` assigns no literal.
var codeWords = map[string]bool{"await": true, "new": true, "null": true, "nil": true, "None": true, "undefined": true,
	"true": true, "false": true, "this": true, "self": true, "function": true, "async": true, "yield": true,
	"typeof": true, "require": true, "return": true}

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
	text = r.redactAssignments(text)
	return randomToken.ReplaceAllStringFunc(text, func(tok string) string {
		if !looksRandom(tok) {
			return tok
		}
		return "[redacted " + r.Label(tok) + "]"
	})
}

// redactAssignments masks the values of assignments whose key names a
// credential.
func (r *Redactor) redactAssignments(text string) string {
	var b strings.Builder
	last := 0
	for _, m := range assignmentKey.FindAllStringSubmatchIndex(text, -1) {
		if m[0] < last || !IsSecretKey(text[m[2]:m[3]]) || strings.HasPrefix(text[m[1]:], "[redacted") {
			continue
		}
		start, end := assignedValue(text, m[1])
		value := text[start:end]
		if value == "" || IsPlaceholder(value) || codeWords[value] || strings.HasPrefix(value, "[redacted") {
			continue
		}
		b.WriteString(text[last:start])
		b.WriteString("[redacted " + r.Label(value) + "]")
		last = end
	}
	if last == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

// assignedValue is where the value after an assignment's separator at i
// starts and ends: past opening brackets (password: ["…"]), a quoted
// word up to its closing quote, else the unquoted run (a quote cut off
// by an excerpt included). A quoted phrase is a message, not a
// credential: `password: ["can't be blank"]` (empty span).
func assignedValue(text string, i int) (start, end int) {
	for i < len(text) && strings.IndexByte("[({", text[i]) >= 0 {
		i++
	}
	if i+1 < len(text) && text[i] == '\\' && (text[i+1] == '"' || text[i+1] == '\'') {
		i++ // a quote escaped in a message: password: [\"…\"]
	}
	if i < len(text) && (text[i] == '"' || text[i] == '\'') {
		q := text[i]
		i++
		if j := strings.IndexAny(text[i:], string(q)+"\n\x00"); j >= 0 && text[i+j] == q {
			if strings.ContainsAny(text[i:i+j], " \t") {
				return i, i
			}
			return i, i + len(strings.TrimSuffix(text[i:i+j], "\\"))
		}
	}
	j := i
	for j < len(text) && strings.IndexByte(" \t\r\n\"'\x00", text[j]) < 0 {
		j++
	}
	return i, j
}
