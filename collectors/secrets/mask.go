package secrets

import (
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/preflight-dev/preflight/internal/wordsplit"
)

// Mask replaces a secret value wherever preflight shows file content.
const Mask = "[redacted]"

// randomToken finds long runs of token characters (base64 padding only at
// the end, so KEY=value stays two tokens); MaskLines masks those that look
// machine-generated, which catches vendor formats preflight does not know
// by name (gitleaks knows hundreds).
var randomToken = regexp.MustCompile(`[A-Za-z0-9_+./-]{24,}=*`)

// Random tokens are masked above this entropy when they mix upper case,
// lower case and digits; identifiers and paths rarely do all of that.
const tokenEntropy = 4.0

// MaskLines returns a copy of a file's lines with every secret value in
// them replaced by Mask: the values the scanner reports for rel's kind of
// file, key formats, private key blocks and URL passwords in any file, the
// value of any KEY=value or key: value whose key names a secret, and long
// random-looking tokens. Pass the lines from the top of the file, so
// multi-line private keys and Kubernetes name/value pairs are seen whole.
// Anything that shows source lines next to a finding should show these.
func MaskLines(rel string, lines []string) []string {
	kind := fileKind(rel)
	_, spans := scanLines(rel, kind, lines, NewRedactor(nil))
	out := make([]string, len(lines))
	for i, line := range lines {
		s := append([]span(nil), spans[i]...)
		for _, m := range randomToken.FindAllStringIndex(line, -1) {
			if looksRandom(line[m[0]:m[1]]) {
				s = append(s, span{m[0], m[1]})
			}
		}
		out[i] = maskSpans(line, append(s, settingSpans(kind, line)...))
	}
	return out
}

// settingSpans are the values of a settings file's line that are shown
// masked whether or not the scan reports them. In an env file, where
// secrets are kept, every value whatever its key (LASTFM_KEY, a client
// id), to the end of the line as dotenv reads it; placeholders, booleans
// and numbers are left. In YAML, INI, a Dockerfile's ENV and a Makefile,
// the value of a key that names a secret (TOKEN_SYMMETRIC_KEY=1234…, a
// number the scan passes over). None in source code, where `password := os.Getenv(…)` is
// no value.
func settingSpans(k kind, line string) []span {
	var out []span
	switch k {
	case kindEnv:
		for _, p := range (&extractor{}).pairs(kindEnv, line) {
			v := strings.ToLower(p.value)
			if p.value != "" && !IsPlaceholder(p.value) && v != "true" && v != "false" && !isNumber(p.value) {
				out = append(out, span{p.start, p.end})
			}
		}
	case kindMake:
		// A Makefile's own reading: KEY := value is not KEY: "=".
		for _, p := range makePairs(line) {
			if IsSecretKey(p.key) && !IsPlaceholder(p.value) {
				out = append(out, span{p.start, p.end})
			}
		}
	case kindINI, kindYAML, kindDockerfile:
		for _, m := range assignment.FindAllStringSubmatchIndex(line, -1) {
			key, value := line[m[2]:m[3]], line[m[8]:m[9]]
			whole := strings.Trim(strings.TrimSpace(line[m[8]:]), `"'`) // "{{ .Values.password }}" is one value
			if IsSecretKey(key) && !IsPlaceholder(value) && !IsPlaceholder(whole) {
				out = append(out, span{m[8], m[9]})
			}
		}
	}
	return out
}

// looksRandom reports a token that looks machine-generated. A path to a
// file (src/components/HeaderNav2Mobile.tsx, .next/static/<build
// id>/_ssgManifest.js, assets/index-DkKq9a3B.js) and a dotted name
// (base64.RawURLEncoding.DecodeString, transport.NewHTTP2Client) are
// judged by their parts, since slashes and dots only join words there: one
// is a token when one of its parts is. Base64 has no dot; a JWT's parts
// are long enough to judge, and its format is known anyway.
func looksRandom(tok string) bool {
	if !filePath.MatchString(tok) && !strings.Contains(strings.TrimRight(tok, "="), ".") {
		return randomChars(tok)
	}
	for _, part := range strings.FieldsFunc(tok, func(r rune) bool { return r == '/' || r == '.' }) {
		if len(part) >= 24 && randomChars(part) {
			return true
		}
	}
	return false
}

// filePath is a token with a directory that ends in a file extension.
// Base64 (which may hold a slash) has no dot, and base64url and JWTs no
// slash, so a secret does not take this shape.
var filePath = regexp.MustCompile(`/[^/]*[A-Za-z0-9_-]\.[A-Za-z][A-Za-z0-9]{0,7}$`)

// camelIdentifier is a name's shape: letters, digits and underscores, and
// the - and / that join names (a subtest's Test/sub_case-name).
var camelIdentifier = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_/-]*$`)

// identifier reports a token that reads as words, such as the unused
// variable of an ESLint message (ApiV1UpdateAccountPayloadFromJSON) or a
// failing Go subtest (TestRecordAuthWithOAuth2/creating_user_): each name
// of it, between - and /, has words of four characters on average and at
// most two digits. A random token breaks into short pieces at every case
// change.
func identifier(tok string) bool {
	if !camelIdentifier.MatchString(tok) {
		return false
	}
	for _, name := range strings.FieldsFunc(tok, func(r rune) bool { return r == '/' || r == '-' }) {
		digits := 0
		for _, r := range name {
			if unicode.IsDigit(r) {
				digits++
			}
		}
		words := wordsplit.Split(name, wordsplit.Options{Acronyms: true})
		if digits > 2 || len(words) == 0 || float64(len(name))/float64(len(words)) < 4 {
			return false
		}
	}
	return true
}

func randomChars(tok string) bool {
	if identifier(tok) {
		return false
	}
	var upper, lower, digit bool
	for _, r := range tok {
		switch {
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case unicode.IsDigit(r):
			digit = true
		}
	}
	return upper && lower && digit && Entropy(tok) >= tokenEntropy
}

// maskSpans replaces the (possibly overlapping) byte spans of line.
func maskSpans(line string, spans []span) string {
	if len(spans) == 0 {
		return line
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	var merged []span
	for _, s := range spans {
		if s.end <= s.start {
			continue
		}
		if n := len(merged); n > 0 && s.start <= merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, s.end)
			continue
		}
		merged = append(merged, s)
	}
	out := make([]byte, 0, len(line))
	prev := 0
	for _, s := range merged {
		out = append(out, line[prev:s.start]...)
		out = append(out, Mask...)
		prev = s.end
	}
	return string(append(out, line[prev:]...))
}
