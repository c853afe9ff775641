// Package importer turns a hand-written readiness report into checklist
// items: its task-list items keep their ticks as claims, and the numeric
// claims preflight can measure (TypeScript errors, tests passing,
// vulnerabilities, bundle size, "N/100" scores) become items bound to
// evidence by a rule. Everything else it recognises as a claim is listed
// as not imported, with the reason, so nothing is dropped silently.
package importer

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/preflight-dev/preflight/checklist"
	"github.com/preflight-dev/preflight/model"
)

// Options says where the report comes from and what the repository has.
type Options struct {
	Name    string             // the report's file name, written in each item's "from" comment
	Targets []checklist.Target // the collectors detected in the repository, to bind rules to
}

// Item is one checklist item made from the report.
type Item struct {
	Domain   string // domain id; "overall" for the overall score; "" when none fits
	Text     string
	Checked  bool
	Rule     string // "" for a manual item
	Line     int    // where it is in the report
	Also     []int  // other lines that make the same claim
	Children []*Item
	task     bool   // a task-list item of the report (not a claim found in prose)
	claim    string // the claim as written, for an item made from prose
}

// Note is one line of the import's account of what it did.
type Note struct {
	Line   int
	Lines  []int // for notes about many lines
	Text   string
	Detail string
}

// Result is the import: the items, and the account of what was mapped,
// kept manual and left out.
type Result struct {
	Items    []*Item // top-level items in report order
	Bound    []Note  // items bound to evidence by a rule
	Manual   []Note  // task-list items kept as manual claims
	Skipped  []Note  // claims not imported, and why
	Repaired Repair
}

var (
	taskRe   = regexp.MustCompile(`^([ \t]*)(?:[-*+]|\d{1,9}[.)])[ \t]+\[([ xX])\][ \t]+(.*)$`)
	headRe   = regexp.MustCompile(`^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$`)
	fenceRe  = regexp.MustCompile("^[ \t]*(`{3,}|~{3,})")
	statusRe = regexp.MustCompile(`^[ \t>*+-]*(?:\d+[.)][ \t]*)?(✅|✔️?|☑️?|⚠️?|❌|✗|✘|🔧|🟢|🟡|🔴)`)

	tsErrRe     = regexp.MustCompile(`(?i)(\d[\d,]*)\+?\s+(?:typescript|ts|tsc)\s+(?:compil(?:ation|e|er)\s+|type\s+)?errors?\b`)
	tsErrRe2    = regexp.MustCompile(`(?i)\b(?:typescript|tsc)\s+errors?\s*[:=]\s*(\d[\d,]*)`)
	testRatioRe = regexp.MustCompile(`(?i)\b(\d+)\s*/\s*(\d+)\s+(?:unit\s+|integration\s+|e2e\s+)?(?:tests?|specs?|test\s+cases?)\b`)
	testFailRe  = regexp.MustCompile(`(?i)\b(\d+)\s+(?:failing|failed)\s+tests?\b|\b(\d+)\s+tests?\s+(?:fail|failing|failed)\b`)
	testPassRe  = regexp.MustCompile(`(?i)\b(\d+)\s+tests?\s+(?:pass|passing|passed)\b`)
	failRateRe  = regexp.MustCompile(`(?i)(\d+(?:\.\d+)?)\s*%\s+(?:test\s+)?failure(?:\s+rate)?`)
	vulnRe      = regexp.MustCompile(`(?i)\b(\d+|no|zero)\s+(critical|high|moderate|medium|low)(?:[\s-]+severity)?\s+vulnerabilit(?:y|ies)`)
	vulnRe2     = regexp.MustCompile(`(?i)\b(critical|high|moderate|medium|low)\s+vulnerabilit(?:y|ies)\s*[:=]\s*(\d+)`)
	bundleRe    = regexp.MustCompile(`(?i)bundle(?:\s+size)?\s*(?:is|of|:|=)?\s*(?:under\s+|below\s+|<\s*|≤\s*)?(\d+(?:\.\d+)?)\s*(kb|kib|mb|mib|b|bytes)\b`)
	bundleRe2   = regexp.MustCompile(`(?i)(\d+(?:\.\d+)?)\s*(kb|kib|mb|mib)\s+(?:js\s+)?bundle`)
	scoreRe     = regexp.MustCompile(`(\d{1,3}(?:\.\d+)?)\s*/\s*100\b`)
	countRe     = regexp.MustCompile(`(?i)\b(\d[\d,]*)\+?\s+(?:[a-z./-]+\s+){0,2}(errors?|warnings?|failures?|vulnerabilit(?:y|ies)|issues?)\b`)
	vagueRe     = regexp.MustCompile(`\d+(?:\.\d+)?\s*%|[<>≤≥]\s*\d`)
)

// scanner is the report being read.
type scanner struct {
	o        Options
	res      Result
	headings []string // by level, 1-based; "" when none
	byRule   map[string]*Item
	claims   []claim // found in prose, merged after the task items are known
	status   []int   // lines of ✅/⚠️/❌ prose that are not task-list items
	scores   map[string]scoreClaim
	stack    []*Item // open task items by depth, for nesting
	indents  []int
}

type claim struct {
	line    int
	text    string // the claim as written, for the account
	domain  string
	rule    string
	item    string // the item text when it starts a new item
	checked bool
}

type scoreClaim struct {
	value float64
	line  int
}

// Import reads a report. It never fails: what it cannot use is in Skipped.
func Import(src []byte, o Options) Result {
	text, rep := repairMojibake(strings.ToValidUTF8(string(src), "\uFFFD"))
	s := &scanner{o: o, headings: make([]string, 7), byRule: map[string]*Item{}, scores: map[string]scoreClaim{}}
	s.res.Repaired = rep
	fence := ""
	for i, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		n := i + 1
		if fence != "" {
			if m := fenceRe.FindStringSubmatch(line); m != nil && m[1][0] == fence[0] && len(m[1]) >= len(fence) {
				fence = ""
				continue
			}
			s.prose(n, line, true)
			continue
		}
		if m := fenceRe.FindStringSubmatch(line); m != nil {
			fence = m[1]
			continue
		}
		if m := headRe.FindStringSubmatch(line); m != nil {
			level := len(m[1])
			s.headings[level] = clean(m[2])
			for l := level + 1; l < len(s.headings); l++ {
				s.headings[l] = ""
			}
			s.stack, s.indents = nil, nil
			s.prose(n, line, false)
			continue
		}
		if m := taskRe.FindStringSubmatch(line); m != nil {
			s.task(n, m[1], m[2] != " ", m[3])
			continue
		}
		if strings.TrimSpace(line) != "" && !strings.HasPrefix(line, " ") && !strings.HasPrefix(line, "\t") && !isList(line) {
			s.stack, s.indents = nil, nil
		}
		s.prose(n, line, false)
	}
	s.mergeClaims()
	s.noteStatusLines()
	sort.SliceStable(s.res.Skipped, func(i, j int) bool { return firstLine(s.res.Skipped[i]) < firstLine(s.res.Skipped[j]) })
	return s.res
}

func firstLine(n Note) int {
	if n.Line > 0 {
		return n.Line
	}
	if len(n.Lines) > 0 {
		return n.Lines[0]
	}
	return 0
}

var listRe = regexp.MustCompile(`^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]`)

func isList(line string) bool { return listRe.MatchString(line) }

// task reads one task-list item of the report.
func (s *scanner) task(n int, indent string, checked bool, raw string) {
	text := clean(raw)
	if text == "" {
		s.res.Skipped = append(s.res.Skipped, Note{Line: n, Text: box(checked), Detail: "a task-list item without text"})
		return
	}
	depth := s.depth(len(strings.ReplaceAll(indent, "\t", "    ")))
	it := &Item{Text: text, Checked: checked, Line: n, task: true}
	var parent *Item
	if depth > 0 {
		parent = s.stack[depth-1]
	}
	s.stack = append(s.stack[:depth], it)
	switch d, ok := checklist.DomainOf(text); {
	case ok:
		it.Domain = d
	case parent != nil:
		it.Domain = parent.Domain
	default:
		it.Domain = s.headingDomain()
	}
	it.Rule = s.taskRule(text, it.Domain)
	if it.Rule != "" {
		if _, taken := s.byRule[it.Rule]; !taken {
			s.byRule[it.Rule] = it
		}
	} else {
		s.res.Manual = append(s.res.Manual, Note{Line: n, Text: box(checked) + " " + text, Detail: domainName(it.Domain)})
	}
	if parent != nil {
		parent.Children = append(parent.Children, it)
	} else {
		s.res.Items = append(s.res.Items, it)
	}
}

func (s *scanner) depth(indent int) int {
	for len(s.indents) > 0 && s.indents[len(s.indents)-1] >= indent {
		s.indents = s.indents[:len(s.indents)-1]
	}
	s.indents = append(s.indents, indent)
	d := len(s.indents) - 1
	if d > len(s.stack) {
		d = len(s.stack)
	}
	return d
}

func box(checked bool) string {
	if checked {
		return "[x]"
	}
	return "[ ]"
}

// taskRule binds a task-list item to evidence when it makes a claim a rule
// can check: a TypeScript build, tests passing, no vulnerabilities of a
// severity, or a number it states itself.
func (s *scanner) taskRule(text, domain string) string {
	for _, c := range s.numeric(0, text) {
		if c.rule != "" {
			return c.rule
		}
	}
	lower := strings.ToLower(text)
	switch {
	case strings.Contains(lower, "typescript") || strings.Contains(lower, "type check") || strings.Contains(lower, "tsc"):
		return s.tsRule(text)
	case (strings.Contains(lower, "compil") || strings.Contains(lower, "build")) && s.tsTarget(text) != "":
		return s.tsRule(text)
	case domain == "tests" && regexp.MustCompile(`(?i)\b(tests?|testing|test suite|specs?)\b`).MatchString(text):
		return testsRule(0)
	}
	return ""
}

// prose reads a line that is not a task-list item for numeric claims.
func (s *scanner) prose(n int, line string, code bool) {
	if strings.TrimSpace(line) == "" {
		return
	}
	consumed := false
	defer func() {
		if !consumed && statusRe.MatchString(line) {
			s.status = append(s.status, n)
		}
	}()
	for _, c := range s.numeric(n, line) {
		consumed = true
		if c.rule == "" {
			s.res.Skipped = append(s.res.Skipped, Note{Line: n, Text: c.text, Detail: c.item})
			continue
		}
		s.claims = append(s.claims, c)
	}
	if m := scoreRe.FindAllStringSubmatchIndex(line, -1); m != nil {
		consumed = true
		for _, idx := range m {
			s.score(n, line, idx)
		}
	}
	if consumed {
		return
	}
	if m := countRe.FindString(line); m != "" {
		consumed = true
		s.res.Skipped = append(s.res.Skipped, Note{Line: n, Text: clean(line), Detail: "a count without a tool preflight runs (" + strings.TrimSpace(m) + ")"})
		return
	}
	if vagueRe.MatchString(line) {
		consumed = true
		s.res.Skipped = append(s.res.Skipped, Note{Line: n, Text: clean(line), Detail: "no collector measures this"})
	}
}

// numeric finds the well-known numeric claims in a piece of text.
func (s *scanner) numeric(n int, text string) []claim {
	var out []claim
	for _, re := range []*regexp.Regexp{tsErrRe, tsErrRe2} {
		for _, m := range re.FindAllStringSubmatch(text, -1) {
			count := atoi(m[1])
			what := "TypeScript"
			if name := s.tsTarget(text); name != "" {
				what = "`" + name + "`"
			}
			out = append(out, claim{line: n, text: strings.TrimSpace(m[0]), domain: "build", rule: s.tsRule(text),
				item: fmt.Sprintf("%s compiles without errors (the report claimed %s)", what, strings.TrimSpace(m[0])), checked: count == 0})
		}
	}
	if m := testRatioRe.FindStringSubmatch(text); m != nil {
		passed, total := atoi(m[1]), atoi(m[2])
		out = append(out, claim{line: n, text: m[0], domain: "tests", rule: testsRule(passed),
			item: fmt.Sprintf("All tests pass (the report claimed %s)", m[0]), checked: passed == total && total > 0})
	} else if m := testFailRe.FindStringSubmatch(text); m != nil {
		count := atoi(m[1] + m[2])
		out = append(out, claim{line: n, text: m[0], domain: "tests", rule: testsRule(0),
			item: fmt.Sprintf("All tests pass (the report claimed %s)", m[0]), checked: count == 0})
	} else if m := testPassRe.FindStringSubmatch(text); m != nil {
		passed := atoi(m[1])
		out = append(out, claim{line: n, text: m[0], domain: "tests", rule: fmt.Sprintf(`sum("@tests", "tests.passed") >= %d`, passed),
			item: fmt.Sprintf("At least %d tests pass (the report claimed %s)", passed, m[0]), checked: true})
	}
	if m := failRateRe.FindStringSubmatch(text); m != nil && (strings.Contains(strings.ToLower(text), "test") || s.headingDomain() == "tests") {
		rate, _ := strconv.ParseFloat(m[1], 64)
		out = append(out, claim{line: n, text: m[0], domain: "tests", rule: testsRule(0),
			item: fmt.Sprintf("All tests pass (the report claimed %s)", m[0]), checked: rate == 0})
	}
	for _, m := range vulnRe.FindAllStringSubmatch(text, -1) {
		out = append(out, vulnClaim(n, m[0], m[2], m[1]))
	}
	for _, m := range vulnRe2.FindAllStringSubmatch(text, -1) {
		out = append(out, vulnClaim(n, m[0], m[1], m[2]))
	}
	for _, re := range []*regexp.Regexp{bundleRe, bundleRe2} {
		if m := re.FindStringSubmatch(text); m != nil {
			bytes := toBytes(m[1], m[2])
			out = append(out, claim{line: n, text: m[0], domain: "performance",
				rule: fmt.Sprintf(`sum("@performance", "bytes") <= %d`, bytes),
				item: fmt.Sprintf("Bundle is at most %s %s (the report's claim)", m[1], m[2]), checked: true})
			break
		}
	}
	return out
}

func vulnClaim(n int, text, severity, count string) claim {
	sev := strings.ToLower(severity)
	c := 0
	if l := strings.ToLower(count); l != "no" && l != "zero" {
		c = atoi(count)
	}
	return claim{line: n, text: text, domain: "security", rule: fmt.Sprintf(`sum("@security", "vulns.%s") == 0`, sev),
		item: fmt.Sprintf("No %s vulnerabilities (the report claimed %s)", sev, text), checked: c == 0}
}

// tsTarget is the TypeScript project the text names by its directory
// ("api" for typescript:packages/api), "" when it names none.
func (s *scanner) tsTarget(text string) string {
	words := map[string]bool{}
	for _, w := range checklist.Words(text) {
		words[w] = true
	}
	for _, t := range s.o.Targets {
		if t.Kind != "typescript" {
			continue
		}
		name := t.Name()
		if i := strings.LastIndex(name, "/"); i >= 0 {
			name = name[i+1:]
		}
		if words[strings.ToLower(name)] {
			return t.Name()
		}
	}
	return ""
}

// tsRule reads TypeScript errors: of the project the text names, else of
// every TypeScript project.
func (s *scanner) tsRule(text string) string {
	if name := s.tsTarget(text); name != "" {
		return `typescript[` + strconv.Quote(name) + `].errors == 0`
	}
	return `sum("typescript", "errors") == 0`
}

func testsRule(passed int) string {
	r := `sum("@tests", "tests.failed") == 0`
	if passed > 0 {
		r += fmt.Sprintf(` && sum("@tests", "tests.passed") >= %d`, passed)
	}
	return r
}

// score reads an "N/100" claim and binds it to the score of the domain
// its label names.
func (s *scanner) score(n int, line string, idx []int) {
	value, _ := strconv.ParseFloat(line[idx[2]:idx[3]], 64)
	label := scoreLabel(line, idx[0])
	domain, why := classify(label)
	if domain == "" && why != "generic" {
		// "achieves 68/100 production readiness": the label follows.
		if after := labelAfter(line[idx[1]:]); after != "" {
			if d, _ := classify(after); d != "" {
				label, domain = after, d
			}
		}
	}
	if domain == "" && why == "generic" {
		heading := s.nearestHeading()
		label = strings.TrimSpace(strings.SplitN(heading, ":", 2)[0])
		domain, _ = classify(label)
	}
	label = shortLabel(label)
	claimText := fmt.Sprintf("%s %s/100", label, num(value))
	if domain == "" {
		s.res.Skipped = append(s.res.Skipped, Note{Line: n, Text: claimText, Detail: "no preflight domain for “" + label + "”"})
		return
	}
	if prev, ok := s.scores[domain]; ok {
		if prev.value != value {
			s.res.Skipped = append(s.res.Skipped, Note{Line: n, Text: claimText,
				Detail: fmt.Sprintf("contradicts the %s/100 claimed on line %d for %s", num(prev.value), prev.line, domainName(domain))})
			return
		}
	} else {
		s.scores[domain] = scoreClaim{value: value, line: n}
	}
	rule := fmt.Sprintf(`score(%q) >= %s`, domain, num(value))
	what := domainName(domain) + " score"
	if domain == "overall" {
		rule = fmt.Sprintf(`score() >= %s`, num(value))
		what = "Overall score"
	}
	s.claims = append(s.claims, claim{line: n, text: claimText, domain: domain, rule: rule,
		item: fmt.Sprintf("%s is at least %s/100 (the report's claim)", what, num(value)), checked: true})
}

// mergeClaims turns the claims found in prose into items: a claim with the
// rule of a task-list item joins that item, repeated claims become one.
func (s *scanner) mergeClaims() {
	for _, c := range s.claims {
		if it, ok := s.byRule[c.rule]; ok {
			if it.Checked != c.checked {
				state := map[bool]string{true: "ticked", false: "not ticked"}[it.Checked]
				s.res.Skipped = append(s.res.Skipped, Note{Line: c.line, Text: c.text,
					Detail: fmt.Sprintf("contradicts line %d, whose claim is %s", it.Line, state)})
				continue
			}
			it.Also = append(it.Also, c.line)
			continue
		}
		it := &Item{Domain: c.domain, Text: c.item, Checked: c.checked, Rule: c.rule, Line: c.line, claim: c.text}
		s.byRule[c.rule] = it
		s.res.Items = append(s.res.Items, it)
	}
	var walk func(its []*Item)
	walk = func(its []*Item) {
		for _, it := range its {
			if it.Rule != "" {
				text := box(it.Checked) + " " + it.Text
				if !it.task {
					text = it.claim + " → " + box(it.Checked) + " " + it.Text
				}
				detail := domainName(it.Domain) + ": " + it.Rule
				if len(it.Also) > 0 {
					sort.Ints(it.Also)
					detail += "; also claimed on " + lineList(it.Also)
				}
				s.res.Bound = append(s.res.Bound, Note{Line: it.Line, Text: text, Detail: detail})
			}
			walk(it.Children)
		}
	}
	walk(s.res.Items)
	sort.SliceStable(s.res.Bound, func(i, j int) bool { return s.res.Bound[i].Line < s.res.Bound[j].Line })
}

// lineList renders line numbers compactly: "lines 3, 7–9, 12".
func lineList(lines []int) string {
	var parts []string
	for i := 0; i < len(lines); {
		j := i
		for j+1 < len(lines) && lines[j+1] == lines[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d–%d", lines[i], lines[j]))
		} else {
			parts = append(parts, strconv.Itoa(lines[i]))
		}
		i = j + 1
	}
	word := "line "
	if len(lines) > 1 {
		word = "lines "
	}
	return word + strings.Join(parts, ", ")
}

// noteStatusLines accounts for the ✅/⚠️/❌ lines: claims, but prose, not
// task-list items, so they are not imported one by one.
func (s *scanner) noteStatusLines() {
	if len(s.status) == 0 {
		return
	}
	s.res.Skipped = append(s.res.Skipped, Note{Lines: s.status,
		Text:   fmt.Sprintf("%s marked with ✅/⚠️/❌ (%s)", plural(len(s.status), "status line"), lineList(s.status)),
		Detail: "prose, not task-list items: make the ones that matter “- [ ]” items and import again"})
}

// headingDomain is the domain of the nearest heading that names exactly
// one, e.g. "Security" or "CI/CD Pipeline"; "Ready for immediate
// deployment" names none (it is a status, not a domain).
func (s *scanner) headingDomain() string {
	for l := len(s.headings) - 1; l >= 1; l-- {
		if s.headings[l] == "" {
			continue
		}
		if d, _ := classify(strings.SplitN(s.headings[l], ":", 2)[0]); d != "" && d != "overall" {
			return d
		}
	}
	return ""
}

func (s *scanner) nearestHeading() string {
	for l := len(s.headings) - 1; l >= 1; l-- {
		if s.headings[l] != "" {
			return s.headings[l]
		}
	}
	return ""
}

// filler are words a label uses around the domain's name: "Build System",
// "Testing Infrastructure", "Security Implementation".
var filler = map[string]bool{
	"system": true, "systems": true, "implementation": true, "infrastructure": true, "framework": true,
	"status": true, "score": true, "agent": true, "analysis": true, "the": true, "of": true, "and": true,
	"optimization": true, "orchestration": true, "engineering": true, "checklist": true, "checks": true,
	"domain": true, "area": true, "category": true, "pipeline": true, "suite": true,
}

// generic labels say nothing about what is scored: the heading does.
var generic = map[string]bool{"achievement": true, "current": true, "state": true, "score": true, "result": true, "rating": true, "status": true}

var overallWords = map[string]bool{"overall": true, "production": true, "readiness": true, "total": true, "ready": true}

// classify maps a score's label to a domain id, "overall", or "" with why:
// "generic" when the label names nothing and the heading should be asked.
func classify(label string) (domain, why string) {
	words := checklist.Words(label)
	var rest []string
	allGeneric, overall := true, false
	for _, w := range words {
		if _, err := strconv.Atoi(w); err == nil {
			continue // list numbering
		}
		if !generic[w] {
			allGeneric = false
		}
		if overallWords[w] {
			overall = true
			continue
		}
		if filler[w] || generic[w] {
			continue
		}
		rest = append(rest, w)
	}
	if len(rest) == 0 {
		switch {
		case overall:
			return "overall", ""
		case allGeneric:
			return "", "generic"
		}
		return "", "unnamed"
	}
	found := ""
	for _, w := range rest {
		d, ok := checklist.DomainOf(w)
		if !ok || found != "" && d != found {
			return "", "other"
		}
		found = d
	}
	return found, ""
}

// scoreLabel is what an "N/100" on a line scores: the first cell of a
// table row, else the words before the number up to a colon.
func scoreLabel(line string, at int) string {
	if t := strings.TrimSpace(line); strings.HasPrefix(t, "|") {
		cells := strings.Split(strings.Trim(t, "|"), "|")
		if len(cells) > 1 && !scoreRe.MatchString(cells[0]) {
			return clean(cells[0])
		}
	}
	before := line[:at]
	before = strings.TrimRight(before, " *_(`[")
	before = strings.TrimSuffix(strings.TrimSpace(before), ":")
	if i := strings.Index(before, ":"); i >= 0 {
		before = before[:i]
	}
	label := clean(before)
	label = strings.TrimSuffix(strings.TrimSpace(strings.TrimSuffix(label, "Score")), "-")
	return strings.TrimSpace(label)
}

// labelAfter is the few words right after a number, up to punctuation.
func labelAfter(rest string) string {
	rest = clean(rest)
	if i := strings.IndexAny(rest, ".,;:()-–—|"); i >= 0 {
		rest = rest[:i]
	}
	words := strings.Fields(rest)
	if len(words) > 4 {
		return ""
	}
	return strings.Join(words, " ")
}

// shortLabel keeps the end of a long label: the words nearest the number.
func shortLabel(label string) string {
	words := strings.Fields(label)
	if len(words) > 6 {
		return "…" + strings.Join(words[len(words)-6:], " ")
	}
	return label
}

var (
	emphasisRe = regexp.MustCompile("[*_`]+")
	leadRe     = regexp.MustCompile(`^[\s#>*+-]*(?:\d+[.)]\s*)?`)
)

// clean is a piece of Markdown as a short plain line: no emphasis, list
// marks, heading marks or emoji around it, one space between words.
func clean(s string) string {
	s = emphasisRe.ReplaceAllString(s, "")
	s = leadRe.ReplaceAllString(s, "")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\uFE0F' || r == '\u200D':
			return -1
		case r >= 0x1F000 || r >= 0x2600 && r <= 0x27BF || r >= 0x2B00 && r <= 0x2BFF:
			return -1 // emoji and pictographs
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

func domainName(id string) string {
	switch id {
	case "":
		return "Other"
	case "overall":
		return "Overall"
	}
	return model.LookupDomain(id).Name
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

func atoi(s string) int {
	n, _ := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
	return n
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func toBytes(value, unit string) int64 {
	v, _ := strconv.ParseFloat(value, 64)
	switch strings.ToLower(unit) {
	case "kb", "kib":
		v *= 1024
	case "mb", "mib":
		v *= 1024 * 1024
	}
	return int64(v)
}
