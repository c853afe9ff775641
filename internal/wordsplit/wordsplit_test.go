package wordsplit

import (
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	underscoreDashDot := func(r rune) bool { return r == '_' || r == '-' || r == '.' }
	cases := []struct {
		name string
		opts Options
		in   string
		want string // words joined by |
	}{
		{"empty", Options{}, "", ""},
		{"separators only", Options{}, "_-./:", ""},
		{"keeps case", Options{}, "AWS_secretKey", "AWS|secret|Key"},
		{"lower", Options{Case: strings.ToLower}, "AWS_secretKey", "aws|secret|key"},
		{"upper", Options{Case: strings.ToUpper}, "dbPassword", "DB|PASSWORD"},
		{"any punctuation separates", Options{}, "a b/c:d", "a|b|c|d"},
		{"repeated separators", Options{}, "lint--fix", "lint|fix"},
		{"own separators", Options{Sep: underscoreDashDot}, "a b/c:d_e", "a b/c:d|e"},
		{"own separators still split camelCase", Options{Sep: underscoreDashDot}, "x.dbPassword", "x|db|Password"},
		{"acronym stays with what follows", Options{}, "HTTPServerPassword", "HTTPServer|Password"},
		{"acronym ends before its last letter", Options{Acronyms: true}, "HTTPServerPassword", "HTTP|Server|Password"},
		{"acronym at the end", Options{Acronyms: true}, "getURL", "get|URL"},
		{"acronym after a separator", Options{Acronyms: true}, "_ABc", "A|Bc"},
		{"acronym between lower-case", Options{Acronyms: true}, "aBCd", "a|B|Cd"},
		{"all upper", Options{Acronyms: true}, "ABC", "ABC"},
		{"digits join the word before", Options{}, "apiKey2", "api|Key2"},
		{"no break after a digit", Options{Acronyms: true}, "v2Build", "v2Build"},
		{"non-ASCII letters", Options{Acronyms: true, Case: strings.ToLower}, "ÉtéParisÅngström", "été|paris|ångström"},
	}
	for _, c := range cases {
		if got := strings.Join(Split(c.in, c.opts), "|"); got != c.want {
			t.Errorf("%s: Split(%q) = %q, want %q", c.name, c.in, got, c.want)
		}
	}
}
