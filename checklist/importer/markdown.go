package importer

import (
	"fmt"
	"sort"
	"strings"

	"github.com/preflight-dev/preflight/checklist"
	"github.com/preflight-dev/preflight/model"
)

// sectionOrder is how imported sections follow each other: the domains in
// their usual order, then the overall score, then what fits no domain.
func sectionOrder(domain string) int {
	for i, d := range model.Domains {
		if d.ID == domain {
			return i
		}
	}
	if domain == "overall" {
		return len(model.Domains)
	}
	return len(model.Domains) + 1
}

// groups splits the top-level items by domain, in section order.
func (r Result) groups() (order []string, byDomain map[string][]*Item) {
	byDomain = map[string][]*Item{}
	for _, it := range r.Items {
		if _, ok := byDomain[it.Domain]; !ok {
			order = append(order, it.Domain)
		}
		byDomain[it.Domain] = append(byDomain[it.Domain], it)
	}
	sort.SliceStable(order, func(i, j int) bool { return sectionOrder(order[i]) < sectionOrder(order[j]) })
	return order, byDomain
}

// itemLines renders an item and its children as task-list lines.
func itemLines(it *Item, depth int, source string, nl string, b *strings.Builder) {
	b.WriteString(strings.Repeat("  ", depth))
	b.WriteString("- " + box(it.Checked) + " " + oneLine(it.Text))
	if it.Rule != "" {
		b.WriteString(" <!-- verify: " + it.Rule + " -->")
	}
	if source != "" {
		fmt.Fprintf(b, " <!-- from: %s:%d -->", oneLine(source), it.Line)
	}
	b.WriteString(nl)
	for _, c := range it.Children {
		itemLines(c, depth+1, source, nl, b)
	}
}

// oneLine keeps text on one line and out of comments.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.ReplaceAll(s, "<!--", "<!-")
	return strings.ReplaceAll(s, "-->", "->")
}

// Markdown is a new READINESS.md holding the imported items.
func (r Result) Markdown(source string) []byte {
	var b strings.Builder
	b.WriteString("# Readiness\n\n")
	fmt.Fprintf(&b, "<!-- Imported from %s by preflight import. Ticks are the report's claims;\n", oneLine(source))
	b.WriteString("     items with a verify rule are compared with what preflight measures. -->\n")
	order, byDomain := r.groups()
	for _, d := range order {
		fmt.Fprintf(&b, "\n## %s\n\n", domainName(d))
		for _, it := range byDomain[d] {
			itemLines(it, 0, source, "\n", &b)
		}
	}
	b.WriteString("\n## Accepted risks\n")
	return []byte(b.String())
}

// MergeInto adds the imported items to an existing READINESS.md: into the
// section of the same domain when there is one, else as a new section
// before "Accepted risks" (or at the end). Items whose text is already in
// the file are left out and returned as notes. Every existing byte stays.
func (r Result) MergeInto(name string, existing []byte, source string) ([]byte, []Note, error) {
	d := checklist.Parse(name, existing)
	if len(d.Problems) > 0 {
		return nil, nil, &checklist.ProblemError{Problems: d.Problems}
	}
	present := map[string]int{}
	for _, it := range d.Items {
		present[strings.ToLower(it.Text)] = it.Line
	}
	var dup []Note
	nl := "\n"
	if strings.Count(string(existing), "\r\n")*2 > strings.Count(string(existing), "\n") {
		nl = "\r\n"
	}
	lines := strings.SplitAfter(string(existing), "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	inserts := map[int]string{} // after line n (0: at the start)
	var newSections strings.Builder
	order, byDomain := r.groups()
	for _, dom := range order {
		var body strings.Builder
		for _, it := range byDomain[dom] {
			if line, ok := present[strings.ToLower(oneLine(it.Text))]; ok {
				dup = append(dup, Note{Line: it.Line, Text: it.Text, Detail: fmt.Sprintf("already in %s at line %d", name, line)})
				continue
			}
			itemLines(it, 0, source, nl, &body)
		}
		if body.Len() == 0 {
			continue
		}
		if end, ok := sectionEnd(d, dom); ok {
			inserts[end] += body.String()
			continue
		}
		newSections.WriteString(nl + "## " + domainName(dom) + nl + nl + body.String())
	}
	at := len(lines)
	for _, sec := range d.Sections {
		if sec.Accepted && sec.Level <= 2 {
			at = lastContentBefore(lines, sec.Line)
			break
		}
	}
	if newSections.Len() > 0 {
		inserts[at] += newSections.String()
	}
	var b strings.Builder
	if len(lines) == 0 && inserts[0] != "" {
		b.WriteString("# Readiness" + nl)
	}
	for i, l := range lines {
		if i == 0 && inserts[0] != "" && len(lines) > 0 {
			b.WriteString(inserts[0])
		}
		b.WriteString(l)
		if add := inserts[i+1]; add != "" {
			if !strings.HasSuffix(l, "\n") {
				b.WriteString(nl)
			}
			b.WriteString(add)
		}
	}
	if len(lines) == 0 {
		b.WriteString(inserts[0])
	}
	return []byte(b.String()), dup, nil
}

// sectionEnd is the last non-blank line of the `##` section of a domain.
func sectionEnd(d *checklist.Doc, domain string) (int, bool) {
	for i, sec := range d.Sections {
		if sec.Level != 2 || sec.Domain != domain || domain == "" || sec.Accepted {
			continue
		}
		end := d.LineCount()
		for _, next := range d.Sections[i+1:] {
			if next.Level <= 2 {
				end = next.Line - 1
				break
			}
		}
		for _, it := range d.Items {
			if it.Line > sec.Line && it.Line <= end {
				last := it.Line
				for _, more := range d.Items {
					if more.Line > last && more.Line <= end {
						last = more.Line
					}
				}
				return last, true
			}
		}
		return sec.Line, true
	}
	return 0, false
}

// lastContentBefore is the last non-blank line before line n (1-based).
func lastContentBefore(lines []string, n int) int {
	for i := n - 2; i >= 0; i-- {
		if strings.TrimSpace(lines[i]) != "" {
			return i + 1
		}
	}
	return 0
}
