package ignore

import (
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// pattern is one line of a .gitignore-style file. Glob matching is done by
// doublestar, whose `*`, `?`, `[...]`, `**` and `\` escapes behave like git's
// wildmatch once the gitignore-specific syntax (negation, trailing slash,
// anchoring, trailing spaces) has been taken off here.
type pattern struct {
	glob     string // doublestar pattern, relative to the directory of the file it came from
	negate   bool   // "!pat": re-include what an earlier line excluded
	dirOnly  bool   // "pat/": matches directories only
	anchored bool   // contains a slash: matched against the whole relative path, not the name
	// insideOnly is set for "dir/**": git matches everything inside dir but
	// not dir itself, while doublestar also matches dir.
	insideOnly string
	// Fast paths for the shapes that make up most real .gitignore files.
	literal string // glob without any wildcard
	suffix  string // glob is "*" + suffix, suffix without wildcards
}

// parsePattern turns one line into a pattern, following gitignore(5).
// ok is false for blank lines, comments and lines git would never match.
func parsePattern(line string) (p pattern, ok bool) {
	line = strings.TrimSuffix(line, "\r")
	if line == "" || line[0] == '#' {
		return p, false
	}
	line = trimTrailingSpaces(line)
	if line == "" {
		return p, false
	}
	if line[0] == '!' {
		p.negate = true
		line = line[1:]
	}
	if strings.HasSuffix(line, "/") {
		p.dirOnly = true
		line = strings.TrimSuffix(line, "/")
	}
	if strings.Contains(line, "/") {
		p.anchored = true
		line = strings.TrimPrefix(line, "/")
	}
	if line == "" {
		return p, false
	}
	glob := escapeBraces(line)
	if !doublestar.ValidatePattern(glob) {
		// git treats a malformed pattern (e.g. a trailing backslash) as
		// matching nothing.
		return p, false
	}
	p.glob = glob
	if strings.HasSuffix(glob, "/**") {
		p.insideOnly = strings.TrimSuffix(glob, "/**")
	}
	if !hasMeta(glob) {
		p.literal = glob
	} else if rest := glob[1:]; glob[0] == '*' && !p.anchored && !hasMeta(rest) {
		p.suffix = rest
	}
	return p, true
}

// match reports whether the pattern matches path (relative to the pattern's
// directory, forward slashes) whose last element is name.
func (p *pattern) match(path, name string, isDir bool) bool {
	if p.dirOnly && !isDir {
		return false
	}
	subject := name
	if p.anchored {
		subject = path
	}
	switch {
	case p.literal != "":
		return subject == p.literal
	case p.suffix != "":
		return strings.HasSuffix(subject, p.suffix)
	}
	if p.insideOnly != "" {
		if ok, _ := doublestar.Match(p.insideOnly, subject); ok {
			return false
		}
	}
	ok, _ := doublestar.Match(p.glob, subject)
	return ok
}

// trimTrailingSpaces drops unescaped trailing spaces, as git does: "a\ "
// keeps its escaped space, "a  " becomes "a".
func trimTrailingSpaces(s string) string {
	lastSpace := -1
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ':
			if lastSpace < 0 {
				lastSpace = i
			}
		case '\\':
			i++
			if i == len(s) {
				return s
			}
			lastSpace = -1
		default:
			lastSpace = -1
		}
	}
	if lastSpace >= 0 {
		return s[:lastSpace]
	}
	return s
}

// escapeBraces makes `{` and `}` literal: they are alternation in doublestar
// but plain characters in git.
func escapeBraces(s string) string {
	if !strings.ContainsAny(s, "{}") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			b.WriteByte(c)
			b.WriteByte(s[i+1])
			i++
			continue
		}
		if c == '{' || c == '}' {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}

func hasMeta(s string) bool { return strings.ContainsAny(s, `*?[\`) }

// patternList is the patterns of one file, in file order. Later lines win.
type patternList []pattern

func parseList(content string) patternList {
	var l patternList
	for _, line := range strings.Split(content, "\n") {
		if p, ok := parsePattern(line); ok {
			l = append(l, p)
		}
	}
	return l
}

// decide returns (ignored, true) when some line matches; the last matching
// line decides, so the list is scanned backwards.
func (l patternList) decide(path, name string, isDir bool) (ignored, matched bool) {
	for i := len(l) - 1; i >= 0; i-- {
		if l[i].match(path, name, isDir) {
			return !l[i].negate, true
		}
	}
	return false, false
}
