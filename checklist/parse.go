// Package checklist reads and writes READINESS.md, the repository's
// readiness checklist: a GitHub-flavoured Markdown task list whose `##`
// headings name domains and whose items may be bound to evidence by a rule
// in a hidden comment. It evaluates the rules over a snapshot's facts,
// ticks items and records acknowledgments while keeping every other byte
// of the file, and writes atomically.
package checklist

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/preflight-dev/preflight/model"
)

// FileName is where the checklist lives, at the repository root.
const FileName = "READINESS.md"

// Doc is one parsed READINESS.md. Parsing never changes the bytes: Bytes
// returns exactly what was parsed.
type Doc struct {
	Name     string // the file name used in locations, e.g. "READINESS.md"
	Items    []Item
	Acks     []model.Acknowledgment
	Sections []Section
	Problems []model.ChecklistProblem

	src   []byte
	lines []span
}

// Item is one task-list item ("- [ ] text" or "- [x] text").
type Item struct {
	Line    int // 1-based
	Depth   int // nesting level among list items, 0 at the top
	Checked bool
	Text    string // visible text: the hidden comments removed, trimmed
	Rule    string // the verify expression, "" for a manual item

	CheckedBy string    // from the tick record; "" when ticked by hand
	CheckedAt time.Time // zero when ticked by hand
	Source    string    // "report.md:12" for an imported claim

	Section string // the nearest heading
	Domain  string // domain id the headings map to, "" when none

	box int // byte offset of the character between [ and ] in the line
}

// Ref finds an item again in a newer version of the file: by its line
// when the text there still matches, otherwise by its text.
type Ref struct {
	Line int
	Text string
}

// Ref returns the reference that finds this item again.
func (it Item) Ref() Ref { return Ref{Line: it.Line, Text: it.Text} }

// Section is a heading.
type Section struct {
	Title    string
	Level    int
	Line     int
	Domain   string
	Accepted bool // the "Accepted risks" section
}

// span is one line: content is src[start:end], its line ending (none,
// "\n" or "\r\n") is src[end:next].
type span struct{ start, end, next int }

// Bytes is the file exactly as parsed.
func (d *Doc) Bytes() []byte { return d.src }

// LineCount is the number of lines, the last one counted even without a
// line ending.
func (d *Doc) LineCount() int { return len(d.lines) }

// line returns the content of line n (1-based) without its ending.
func (d *Doc) line(n int) string {
	s := d.lines[n-1]
	return string(d.src[s.start:s.end])
}

// splitLines cuts src into lines, keeping where each ending is so that
// edits can put every byte back.
func splitLines(src []byte) []span {
	var out []span
	// A UTF-8 byte order mark (Windows editors write one) is not part of
	// the first line: left out of it, it stays in the file on every write.
	first := 0
	if bytes.HasPrefix(src, []byte("\xef\xbb\xbf")) {
		first = 3
	}
	for start := first; start < len(src); {
		i := bytes.IndexByte(src[start:], '\n')
		if i < 0 {
			out = append(out, span{start, len(src), len(src)})
			break
		}
		end := start + i
		next := end + 1
		if end > start && src[end-1] == '\r' {
			end--
		}
		out = append(out, span{start, end, next})
		start = next
	}
	return out
}

var (
	taskRe     = regexp.MustCompile(`^([ \t]*)([-*+]|\d{1,9}[.)])[ \t]+\[([ xX])\]([ \t]|$)`)
	listRe     = regexp.MustCompile(`^([ \t]*)([-*+]|\d{1,9}[.)])([ \t]+|$)`)
	atxRe      = regexp.MustCompile(`^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$`)
	setextRe   = regexp.MustCompile(`^ {0,3}(=+|-+)[ \t]*$`)
	fenceRe    = regexp.MustCompile("^[ \t]*(`{3,}|~{3,})")
	commentRe  = regexp.MustCompile(`<!--(.*?)-->`)
	conflictRe = regexp.MustCompile(`^(<{7}|>{7}|={7}|\|{7})( |$)`)
)

// Parse reads a READINESS.md. name is used in locations. It never fails:
// what it cannot read is listed in Problems with its line, and a document
// with problems is never written back.
func Parse(name string, src []byte) *Doc {
	d := &Doc{Name: name, src: src, lines: splitLines(src)}
	p := parser{doc: d}
	for i := range d.lines {
		p.lineAt(i+1, d.line(i+1))
	}
	if p.fence != "" {
		d.problem(p.fenceLine, "code block never closed: everything after it is read as code")
	}
	if p.commentLine > 0 {
		d.problem(p.commentLine, "comment never closed (<!-- without -->): everything after it is hidden")
	}
	d.checkConflicts()
	sort.SliceStable(d.Problems, func(i, j int) bool { return d.Problems[i].Line < d.Problems[j].Line })
	return d
}

func (d *Doc) problem(line int, format string, args ...any) {
	d.Problems = append(d.Problems, model.ChecklistProblem{File: d.Name, Line: line, Message: fmt.Sprintf(format, args...)})
}

// checkConflicts reports merge conflict markers wherever they are, code
// blocks included: a half-merged file must not be rewritten.
func (d *Doc) checkConflicts() {
	for i := range d.lines {
		l := d.line(i + 1)
		if m := conflictRe.FindStringSubmatch(l); m != nil && m[1][0] == '<' {
			d.problem(i+1, "merge conflict marker %q: resolve the conflict first; preflight will not write this file until then", strings.TrimSpace(l))
		}
	}
}

type parser struct {
	doc *Doc

	fence       string // the open fence's marker, "" outside code blocks
	fenceLine   int
	commentLine int // line where an unclosed <!-- started, 0 when none
	indentCode  bool
	prevBlank   bool
	prevText    bool // the previous line was paragraph text (a setext heading may follow)
	inList      bool
	listIndents []int

	h2Title, h2Domain string
	title, domain     string
	accepted          bool
}

func (p *parser) lineAt(n int, l string) {
	blank := strings.TrimSpace(l) == ""
	defer func() { p.prevBlank = blank }()

	if p.fence != "" {
		if m := fenceRe.FindStringSubmatch(l); m != nil && m[1][0] == p.fence[0] && len(m[1]) >= len(p.fence) &&
			strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(l), m[1][:1])) == "" {
			p.fence = ""
		}
		p.prevText = false
		return
	}
	if p.commentLine > 0 {
		if strings.Contains(l, "-->") {
			p.commentLine = 0
		}
		p.prevText = false
		return
	}
	indent := indentWidth(l)
	if p.indentCode {
		if blank || indent >= 4 {
			return
		}
		p.indentCode = false
	}
	if blank {
		p.prevText = false
		return
	}
	if indent >= 4 && p.prevBlank && !p.inList {
		p.indentCode = true
		p.prevText = false
		return
	}
	if m := fenceRe.FindStringSubmatch(l); m != nil {
		p.fence, p.fenceLine = m[1], n
		p.prevText = false
		return
	}
	if m := atxRe.FindStringSubmatch(l); m != nil {
		p.heading(n, len(m[1]), m[2])
		return
	}
	if p.prevText && !p.inList {
		if m := setextRe.FindStringSubmatch(l); m != nil {
			level := 1
			if m[1][0] == '-' {
				level = 2
			}
			p.heading(n-1, level, p.doc.line(n-1))
			return
		}
	}
	if open := strings.LastIndex(l, "<!--"); open >= 0 && !strings.Contains(l[open:], "-->") {
		// A comment that goes on over the next lines hides them. The
		// part of this line before it is still read.
		p.commentLine = n
		l = l[:open]
		if strings.TrimSpace(l) == "" {
			return
		}
	}
	if m := taskRe.FindStringSubmatchIndex(l); m != nil {
		p.item(n, l, m)
		return
	}
	if m := listRe.FindStringSubmatch(l); m != nil {
		p.depth(indentWidth(m[1]))
		p.inList = true
		p.prevText = false
		p.plainListItem(n, l)
		return
	}
	if indent == 0 {
		// A paragraph ends any list above it.
		p.inList = false
		p.listIndents = nil
	}
	p.prevText = true
	if strings.Contains(l, "<!--") {
		p.plainListItem(n, l) // an acknowledgment written as a paragraph still counts
	}
}

func (p *parser) heading(n, level int, text string) {
	p.inList, p.listIndents, p.prevText = false, nil, false
	title, comments := stripComments(text)
	domain, _ := DomainOf(title)
	for _, c := range comments {
		if v, ok := commentValue(c, "domain"); ok {
			v = strings.ToLower(v)
			if !knownDomain(v) {
				p.doc.problem(n, "unknown domain %q in heading (domains: %s)", v, domainIDs())
				continue
			}
			domain = v
		}
	}
	accepted := isAcceptedRisks(title)
	switch {
	case level <= 1:
		p.h2Title, p.h2Domain = "", ""
		p.title, p.domain = title, domain
	case level == 2:
		p.h2Title, p.h2Domain = title, domain
		p.title, p.domain = title, domain
	default:
		p.title = title
		p.domain = domain
		if domain == "" {
			p.domain = p.h2Domain
		}
		accepted = accepted || p.accepted && level > 2
	}
	p.accepted = accepted
	p.doc.Sections = append(p.doc.Sections, Section{Title: title, Level: level, Line: n, Domain: p.domain, Accepted: accepted})
}

// depth places a list item of the given indentation among the open lists.
func (p *parser) depth(indent int) int {
	for len(p.listIndents) > 0 && p.listIndents[len(p.listIndents)-1] >= indent {
		p.listIndents = p.listIndents[:len(p.listIndents)-1]
	}
	d := len(p.listIndents)
	p.listIndents = append(p.listIndents, indent)
	return d
}

func (p *parser) item(n int, l string, m []int) {
	it := Item{
		Line:    n,
		Depth:   p.depth(indentWidth(l[m[2]:m[3]])),
		Checked: l[m[6]] != ' ',
		Section: p.title,
		Domain:  p.domain,
		box:     m[6],
	}
	p.inList, p.prevText = true, false
	text, comments := stripComments(l[m[1]:])
	it.Text = text
	rules := 0
	for _, c := range comments {
		if v, ok := commentValue(c, "verify"); ok {
			rules++
			if rules > 1 {
				p.doc.problem(n, "more than one verify rule on one item")
				continue
			}
			if v == "" {
				p.doc.problem(n, "empty verify rule")
				continue
			}
			if err := checkRule(v); err != nil {
				p.doc.problem(n, "rule %q does not parse: %s", v, firstLine(err.Error()))
				continue
			}
			it.Rule = v
		}
		if v, ok := commentValue(c, "checked"); ok {
			at, by, err := parseRecord(v)
			if err != nil {
				p.doc.problem(n, "tick record %q: %v", v, err)
				continue
			}
			it.CheckedAt, it.CheckedBy = at, by
		}
		if v, ok := commentValue(c, "from"); ok {
			it.Source = v
		}
		if v, ok := commentValue(c, "ack"); ok {
			p.ack(n, text, v)
		}
	}
	if it.Text == "" {
		p.doc.problem(n, "checklist item without text")
	}
	p.doc.Items = append(p.doc.Items, it)
}

// plainListItem reads an acknowledgment written on a list item or a line.
func (p *parser) plainListItem(n int, l string) {
	if !strings.Contains(l, "<!--") {
		return
	}
	body := l
	if m := listRe.FindStringSubmatchIndex(l); m != nil {
		body = l[m[1]:]
	}
	text, comments := stripComments(body)
	for _, c := range comments {
		if v, ok := commentValue(c, "ack"); ok {
			p.ack(n, text, v)
		}
	}
}

// ack reads "- label — reason <!-- ack: ID by NAME on DATE [until DATE] -->".
func (p *parser) ack(n int, text, meta string) {
	a, err := parseAck(meta)
	if err != nil {
		p.doc.problem(n, "acknowledgment %q: %v", meta, err)
		return
	}
	a.Label, a.Reason = splitReason(text)
	if a.Reason == "" {
		p.doc.problem(n, "acknowledgment of %s has no reason: write why it is accepted after \" — \"", a.Finding)
		return
	}
	a.File, a.Line = p.doc.Name, n
	p.doc.Acks = append(p.doc.Acks, a)
}

// stripComments removes the HTML comments from a piece of a line and
// returns the visible text (trimmed, inner spacing kept) and the comments'
// contents.
func stripComments(s string) (string, []string) {
	var comments []string
	for _, m := range commentRe.FindAllStringSubmatch(s, -1) {
		comments = append(comments, strings.TrimSpace(m[1]))
	}
	visible := commentRe.ReplaceAllString(s, "")
	return strings.TrimSpace(visible), comments
}

// commentValue returns the value of a "key: value" comment.
func commentValue(c, key string) (string, bool) {
	rest, ok := strings.CutPrefix(c, key)
	if !ok {
		return "", false
	}
	rest = strings.TrimLeft(rest, " \t")
	rest, ok = strings.CutPrefix(rest, ":")
	if !ok {
		return "", false
	}
	return strings.TrimSpace(rest), true
}

// indentWidth counts leading whitespace in columns, tabs to the next
// multiple of four as CommonMark does.
func indentWidth(s string) int {
	w := 0
	for _, r := range s {
		switch r {
		case ' ':
			w++
		case '\t':
			w += 4 - w%4
		default:
			return w
		}
	}
	return w
}

func knownDomain(id string) bool {
	for _, d := range model.Domains {
		if d.ID == id {
			return true
		}
	}
	return false
}

func domainIDs() string {
	var ids []string
	for _, d := range model.Domains {
		ids = append(ids, d.ID)
	}
	return strings.Join(ids, ", ")
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
