// Package shellwords reads shell scripts the way preflight's rules need
// them: as the simple commands they run, each with its words (quotes
// removed, and what the quoting was), the line it starts on and the text
// as written. It parses with mvdan.cc/sh; it does not run or expand
// anything.
//
// Scripts come from CI files, package.json and Dockerfiles, and are read
// for intent, not executed, so a script that does not parse still yields
// its commands: each logical line (continuations joined) is parsed on its
// own, a quote left open closes at the end of its line, and a token the
// grammar refuses there (a `then` or `done` whose `if` or loop began on
// an earlier line, a case pattern's `)`) is stepped over. An error on one
// line never hides the commands of another.
package shellwords

import (
	"errors"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// Word is one word of a command.
type Word struct {
	Raw   string // as written, quotes and escapes included
	Value string // quotes and escapes removed; expansions ($X, $(…)) kept as written
	// Pattern is Value as a filepath.Match pattern: quoted or escaped
	// wildcards are escaped, unquoted ones are left to match.
	Pattern string
	Quoted  bool // some part was quoted or escaped
	Expands bool // a parameter, command, arithmetic or process expansion
	Glob    bool // an unquoted * ? or [ that sh would expand
	Assign  bool // a VAR=value before the command (or after export, local …)
	// Open is the text after a quote the line never closes, which the
	// word runs to; sh refuses such a line.
	Open string
}

// Command is one simple command.
type Command struct {
	// Words are the command's words, leading VAR=value assignments
	// included, as sh reads them.
	Words []Word
	Text  string // the command as written, continuations joined
	Line  int    // 0-based line of the script it starts on
	Piped bool   // its output is piped into the next command
	// Nested is set for a command inside a substitution: $(…), `…`, <(…).
	Nested bool
}

// Values are the words' values.
func (c Command) Values() []string {
	out := make([]string, len(c.Words))
	for i, w := range c.Words {
		out[i] = w.Value
	}
	return out
}

// Cd reports whether the command is a cd, and the directory it changes
// to relative to the current one: "" when the script does not say where
// that is (cd alone or with options, to $VAR, ~ or an absolute path).
// Each cd counts for the rest of the script, a subshell's too.
func (c Command) Cd() (dir string, ok bool) {
	words := c.Words
	for len(words) > 0 && words[0].Assign {
		words = words[1:]
	}
	if len(words) == 0 || words[0].Value != "cd" {
		return "", false
	}
	if len(words) != 2 || words[1].Expands || strings.ContainsAny(words[1].Value, "$~") || strings.HasPrefix(words[1].Value, "/") {
		return "", true
	}
	return words[1].Value, true
}

// maxRecoveries bounds how many refused tokens one line may step over, so
// a line of nothing but stray operators costs linear time, not more.
const maxRecoveries = 64

// Commands returns the simple commands of script in the order they
// appear, those inside substitutions after the command they belong to.
func Commands(script string) []Command {
	var out []Command
	p := syntax.NewParser(syntax.Variant(syntax.LangBash), syntax.RecoverErrors(8))
	lines := strings.Split(script, "\n")
	for i := 0; i < len(lines); i++ {
		start := i
		text := strings.TrimRight(lines[i], " \t\r")
		for strings.HasSuffix(text, `\`) && i+1 < len(lines) {
			i++
			text = text[:len(text)-1] + " " + strings.TrimRight(lines[i], " \t\r")
		}
		budget := maxRecoveries
		out = appendLine(p, out, text, start, &budget)
	}
	return out
}

// Lenient is Commands, and for a word whose quote the line never closes,
// the commands of the text after that quote as well: for readers that look
// for what a script means to run, not what sh would make of it, so that
// `echo 'starting && jest` still shows jest.
func Lenient(script string) []Command {
	var out []Command
	for _, c := range Commands(script) {
		out = append(out, c)
		for _, w := range c.Words {
			if w.Open == "" {
				continue
			}
			for _, inner := range Lenient(w.Open) {
				inner.Line += c.Line
				inner.Nested = inner.Nested || c.Nested
				out = append(out, inner)
			}
		}
	}
	return out
}

// ParseWord reads one word as written ("'src/**'", lib/*.js). ok is false
// when raw is not exactly one word.
func ParseWord(raw string) (w Word, ok bool) {
	var top []Command
	for _, c := range Commands(raw) {
		if !c.Nested {
			top = append(top, c)
		}
	}
	if len(top) != 1 || len(top[0].Words) != 1 || top[0].Words[0].Raw != raw {
		return Word{}, false
	}
	return top[0].Words[0], true
}

// appendLine parses one logical line. Where the parser refuses a token,
// the text before it and the text after it are read on their own.
func appendLine(p *syntax.Parser, out []Command, text string, line int, budget *int) []Command {
	if strings.TrimSpace(text) == "" {
		return out
	}
	f, err := p.Parse(strings.NewReader(maskTemplates(text)), "")
	if err == nil {
		return appendFile(out, f, text, line)
	}
	var perr syntax.ParseError
	if *budget <= 0 || !errors.As(err, &perr) {
		return out
	}
	*budget--
	at := min(int(perr.Pos.Offset()), len(text)-1)
	out = appendLine(p, out, text[:at], line, budget)
	return appendLine(p, out, text[tokenEnd(text, at):], line, budget)
}

// maskTemplates hides CI template expressions (GitHub's and Gitea's
// ${{ … }}), which the CI system substitutes before any shell runs and
// which sh would refuse as a bad substitution, behind letters of the same
// length: words and text are then cut from the original at the same
// offsets.
func maskTemplates(text string) string {
	if !strings.Contains(text, "${{") {
		return text
	}
	b := []byte(text)
	for i := 0; i+3 <= len(b); {
		j := strings.Index(string(b[i:]), "${{")
		if j < 0 {
			break
		}
		start := i + j
		end := strings.Index(string(b[start:]), "}}")
		if end < 0 {
			break
		}
		end += start + 2
		for k := start; k < end; k++ {
			b[k] = 'x'
		}
		i = end
	}
	return string(b)
}

// tokenEnd is where the token starting at i ends: a run of operator
// characters, or a word up to the next blank or operator; at least one
// byte. A quote after a stray ")" starts a word of its own, as it did
// when scripts were split by hand.
func tokenEnd(text string, i int) int {
	const operators = ";&|()<>"
	op := strings.IndexByte(operators, text[i]) >= 0
	j := i + 1
	for j < len(text) && text[j] != ' ' && text[j] != '\t' && (strings.IndexByte(operators, text[j]) >= 0) == op {
		j++
	}
	return j
}

// appendFile collects the simple commands of a parsed line.
func appendFile(out []Command, f *syntax.File, src string, line int) []Command {
	piped := map[*syntax.Stmt]bool{}
	nested := 0
	var stack []bool // whether each open node is a substitution
	syntax.Walk(f, func(n syntax.Node) bool {
		if n == nil {
			if stack[len(stack)-1] {
				nested--
			}
			stack = stack[:len(stack)-1]
			return true
		}
		subst := false
		switch n := n.(type) {
		case *syntax.CmdSubst, *syntax.ProcSubst:
			subst = true
			nested++
		case *syntax.BinaryCmd:
			if isPipe(n) {
				// The command whose output is piped is the last of X:
				// in a | b | c, X is a | b.
				x := n.X
				for b, ok := x.Cmd.(*syntax.BinaryCmd); ok && isPipe(b); b, ok = x.Cmd.(*syntax.BinaryCmd) {
					x = b.Y
				}
				piped[x] = true
			}
		case *syntax.Stmt:
			if c, ok := command(n, src); ok {
				c.Line, c.Piped, c.Nested = line, piped[n], nested > 0
				out = append(out, c)
			}
		}
		stack = append(stack, subst)
		return true
	})
	return out
}

func isPipe(b *syntax.BinaryCmd) bool { return b.Op == syntax.Pipe || b.Op == syntax.PipeAll }

// command reads a statement that runs a simple command (or declares
// variables: export, local …).
func command(s *syntax.Stmt, src string) (Command, bool) {
	var words []Word
	var start, end syntax.Pos
	switch c := s.Cmd.(type) {
	case *syntax.CallExpr:
		words = make([]Word, 0, len(c.Assigns)+len(c.Args))
		for _, a := range c.Assigns {
			words = append(words, assignWord(a, src))
		}
		for _, w := range c.Args {
			words = append(words, word(w, src))
		}
		start, end = c.Pos(), c.End()
	case *syntax.DeclClause:
		v := span(src, c.Variant.Pos(), c.Variant.End())
		words = append(words, Word{Raw: v, Value: v, Pattern: v})
		for _, a := range c.Args {
			words = append(words, assignWord(a, src))
		}
		start, end = c.Pos(), c.End()
	default:
		return Command{}, false
	}
	if len(words) == 0 {
		return Command{}, false
	}
	if s.Negated {
		start = s.Pos()
	}
	for _, r := range s.Redirs {
		if r.End().IsValid() && !r.End().IsRecovered() && r.End().Offset() > end.Offset() {
			end = r.End()
		}
	}
	return Command{Words: words, Text: strings.TrimSpace(span(src, start, end))}, true
}

// span is the source between two positions. An end the parser made up
// (a quote it closed) is the end of the line.
func span(src string, start, end syntax.Pos) string {
	if !start.IsValid() || start.IsRecovered() {
		return ""
	}
	e := len(src)
	if end.IsValid() && !end.IsRecovered() {
		e = min(int(end.Offset()), len(src))
	}
	s := int(start.Offset())
	if s >= e {
		return ""
	}
	return src[s:e]
}

func assignWord(a *syntax.Assign, src string) Word {
	raw := span(src, a.Pos(), a.End())
	if a.Name == nil || a.Array != nil || a.Index != nil {
		return Word{Raw: raw, Value: raw, Pattern: raw}
	}
	op := "="
	if a.Append {
		op = "+="
	}
	if a.Naked {
		op = ""
	}
	w := Word{Raw: raw}
	if a.Value != nil {
		w = word(a.Value, src)
		w.Raw = raw
	}
	name := span(src, a.Name.Pos(), a.Name.End())
	w.Assign = true
	w.Value = name + op + w.Value
	w.Pattern = name + op + w.Pattern
	return w
}

// word reads one word's parts.
func word(sw *syntax.Word, src string) Word {
	w := Word{Raw: span(src, sw.Pos(), sw.End())}
	var value, pattern strings.Builder
	for _, part := range sw.Parts {
		switch p := part.(type) {
		case *syntax.Lit:
			unquoted(span(src, p.Pos(), p.End()), &w, &value, &pattern)
		case *syntax.SglQuoted:
			w.Quoted = true
			v := strings.TrimPrefix(strings.TrimPrefix(span(src, p.Pos(), p.End()), "$"), "'")
			if p.Right.IsRecovered() { // closed at the end of the line
				w.Open = v
			} else {
				v = strings.TrimSuffix(v, "'")
			}
			value.WriteString(v)
			pattern.WriteString(escapeGlob(v))
		case *syntax.DblQuoted:
			w.Quoted = true
			if p.Right.IsRecovered() {
				w.Open = strings.TrimPrefix(strings.TrimPrefix(span(src, p.Pos(), p.End()), "$"), `"`)
			}
			for _, q := range p.Parts {
				if l, ok := q.(*syntax.Lit); ok {
					v := unescapeDouble(span(src, l.Pos(), l.End()))
					value.WriteString(v)
					pattern.WriteString(escapeGlob(v))
					continue
				}
				w.Expands = true
				raw := span(src, q.Pos(), q.End())
				value.WriteString(raw)
				pattern.WriteString(escapeGlob(raw))
			}
		case *syntax.ExtGlob:
			raw := span(src, p.Pos(), p.End())
			w.Glob = true
			value.WriteString(raw)
			pattern.WriteString(raw)
		default: // $X, ${X}, $(…), `…`, $((…)), <(…)
			w.Expands = true
			raw := span(src, part.Pos(), part.End())
			value.WriteString(raw)
			pattern.WriteString(escapeGlob(raw))
		}
	}
	w.Value, w.Pattern = value.String(), pattern.String()
	return w
}

// unquoted reads an unquoted literal: a backslash keeps the next
// character as it is (and quotes it), a wildcard is a glob.
func unquoted(lit string, w *Word, value, pattern *strings.Builder) {
	for i := 0; i < len(lit); i++ {
		c := lit[i]
		switch {
		case c == '\\' && i+1 < len(lit):
			i++
			w.Quoted = true
			value.WriteByte(lit[i])
			pattern.WriteString(escapeGlob(lit[i : i+1]))
		case c == '*' || c == '?' || c == '[':
			w.Glob = true
			value.WriteByte(c)
			pattern.WriteByte(c)
		default:
			value.WriteByte(c)
			pattern.WriteByte(c)
		}
	}
}

// unescapeDouble removes the backslashes that escape a character inside
// double quotes: only before $ ` " \ does a backslash quote.
func unescapeDouble(lit string) string {
	if !strings.Contains(lit, `\`) {
		return lit
	}
	var b strings.Builder
	for i := 0; i < len(lit); i++ {
		if lit[i] == '\\' && i+1 < len(lit) && strings.IndexByte("$`\"\\", lit[i+1]) >= 0 {
			i++
		}
		b.WriteByte(lit[i])
	}
	return b.String()
}

// escapeGlob quotes the characters filepath.Match gives a meaning to.
func escapeGlob(s string) string {
	if !strings.ContainsAny(s, `*?[\`) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
