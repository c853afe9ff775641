package checklist

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/preflight-dev/preflight/model"
)

// ProblemError refuses to edit a file preflight cannot fully read: writing
// it back could lose half of a merge or a rule someone is still typing.
type ProblemError struct{ Problems []model.ChecklistProblem }

func (e *ProblemError) Error() string {
	msg := e.Problems[0].String()
	if n := len(e.Problems) - 1; n > 0 {
		msg += fmt.Sprintf(" (and %d more problems)", n)
	}
	return msg + "; the file was left untouched"
}

// ErrItemGone means the item to tick is no longer in the file (it was
// edited or removed since it was shown).
var ErrItemGone = errors.New("the item is no longer in the file: it was changed or removed since it was read")

// Find returns the item ref points at: the item on ref.Line when its text
// still matches, else the item with that text nearest to ref.Line.
func (d *Doc) Find(ref Ref) (Item, bool) {
	best, bestDist := -1, 0
	for i, it := range d.Items {
		if it.Text != ref.Text {
			continue
		}
		dist := it.Line - ref.Line
		if dist < 0 {
			dist = -dist
		}
		if best < 0 || dist < bestDist {
			best, bestDist = i, dist
		}
	}
	if best < 0 {
		return Item{}, false
	}
	return d.Items[best], true
}

// SetChecked ticks or unticks the item ref points at and returns the new
// file. Only that item's line changes: its checkbox, and its tick record
// (written when ticking, removed when unticking). Every other byte stays.
// A file with problems is refused with a *ProblemError.
func SetChecked(name string, src []byte, ref Ref, checked bool, rec Record) ([]byte, Item, error) {
	d := Parse(name, src)
	if len(d.Problems) > 0 {
		return nil, Item{}, &ProblemError{d.Problems}
	}
	it, ok := d.Find(ref)
	if !ok {
		return nil, Item{}, ErrItemGone
	}
	if it.Checked == checked {
		return src, it, nil
	}
	sp := d.lines[it.Line-1]
	content := string(src[sp.start:sp.end])
	mark := " "
	if checked {
		mark = "x"
	}
	content = content[:it.box] + mark + content[it.box+1:]
	content = removeRecords(content, it.box+3)
	if checked {
		// At the end of the text, before trailing blanks and before a
		// comment that only closes on a later line.
		at := len(strings.TrimRight(content, " \t"))
		if open := strings.LastIndex(content, "<!--"); open >= 0 && !strings.Contains(content[open:], "-->") {
			at = len(strings.TrimRight(content[:open], " \t"))
		}
		content = content[:at] + " " + formatRecord(rec) + content[at:]
	}
	out := make([]byte, 0, len(src)+len(content))
	out = append(out, src[:sp.start]...)
	out = append(out, content...)
	out = append(out, src[sp.end:]...)
	it.Checked = checked
	return out, it, nil
}

// removeRecords drops the tick records from a line with the blanks before
// them, never the blank that separates the checkbox (which ends before
// floor) from the text. Only comments the parser reads as records go: the same matching
// decides what is a comment when reading and when writing.
func removeRecords(line string, floor int) string {
	var b strings.Builder
	last := 0
	for _, m := range commentRe.FindAllStringSubmatchIndex(line, -1) {
		if _, ok := commentValue(strings.TrimSpace(line[m[2]:m[3]]), "checked"); !ok {
			continue
		}
		start := m[0]
		for start > last && start > floor && (line[start-1] == ' ' || line[start-1] == '\t') {
			start--
		}
		b.WriteString(line[last:start])
		last = m[1]
	}
	b.WriteString(line[last:])
	return b.String()
}

// AddAck writes an acknowledgment as the last item of the "Accepted risks"
// section, creating the section at the end of the file when there is none.
// The reason is required.
func AddAck(name string, src []byte, a model.Acknowledgment) ([]byte, error) {
	if strings.TrimSpace(a.Reason) == "" {
		return nil, errors.New("an acknowledgment needs a reason")
	}
	if a.Finding == "" {
		return nil, errors.New("the finding has no fingerprint to acknowledge it by")
	}
	d := Parse(name, src)
	if len(d.Problems) > 0 {
		return nil, &ProblemError{d.Problems}
	}
	nl := d.lineEnding()
	entry := ackLine(a) + nl

	for i, sec := range d.Sections {
		if !sec.Accepted || sec.Level > 2 {
			continue
		}
		// The section runs to the next heading of its level or above.
		end := d.LineCount()
		for _, next := range d.Sections[i+1:] {
			if next.Level <= sec.Level {
				end = next.Line - 1
				break
			}
		}
		last := sec.Line
		for n := end; n > sec.Line; n-- {
			if strings.TrimSpace(d.line(n)) != "" {
				last = n
				break
			}
		}
		if last == sec.Line {
			// An empty section: leave a blank line under the heading.
			return d.insertAfter(last, nl+entry), nil
		}
		return d.insertAfter(last, entry), nil
	}
	var b strings.Builder
	b.Write(src)
	if len(src) > 0 && !strings.HasSuffix(string(src), "\n") {
		b.WriteString(nl)
	}
	if len(src) > 0 {
		b.WriteString(nl)
	}
	b.WriteString("## Accepted risks" + nl + nl + entry)
	return []byte(b.String()), nil
}

// RemoveAck deletes the lines that acknowledge the finding with the given
// fingerprints (today's, and the one it had before, if any). Nothing else
// changes.
func RemoveAck(name string, src []byte, finding string, before ...string) ([]byte, error) {
	d := Parse(name, src)
	if len(d.Problems) > 0 {
		return nil, &ProblemError{d.Problems}
	}
	drop := map[int]bool{}
	for _, a := range d.Acks {
		if a.Finding == finding || slices.Contains(before, a.Finding) {
			drop[a.Line] = true
		}
	}
	if len(drop) == 0 {
		return nil, fmt.Errorf("no acknowledgment of %s in %s", finding, name)
	}
	// A line that stood between blank lines, or after a blank line at the
	// end of the file, takes one blank line with it: no doubled blank
	// line, no blank line left at the end (the one AddAck put under a
	// heading goes with the last acknowledgment).
	blank := func(n int) bool { return strings.TrimSpace(d.line(n)) == "" }
	var kept []int
	for n := 1; n <= d.LineCount(); n++ {
		if drop[n] {
			continue
		}
		kept = append(kept, n)
	}
	for i := 0; i < len(kept); i++ {
		n := kept[i]
		removedAfter := n+1 <= d.LineCount() && drop[n+1]
		if !removedAfter || !blank(n) {
			continue
		}
		if i+1 == len(kept) || blank(kept[i+1]) {
			kept = append(kept[:i], kept[i+1:]...)
			i--
		}
	}
	var out []byte
	for _, n := range kept {
		sp := d.lines[n-1]
		out = append(out, src[sp.start:sp.next]...)
	}
	return out, nil
}

// insertAfter inserts text after line n (after its line ending; a last
// line without one gets one first).
func (d *Doc) insertAfter(n int, text string) []byte {
	sp := d.lines[n-1]
	var out []byte
	out = append(out, d.src[:sp.next]...)
	if sp.next == sp.end {
		out = append(out, d.lineEnding()...)
	}
	out = append(out, text...)
	out = append(out, d.src[sp.next:]...)
	return out
}

// lineEnding is the file's own: CRLF when most lines end so.
func (d *Doc) lineEnding() string {
	crlf, lf := 0, 0
	for _, sp := range d.lines {
		switch sp.next - sp.end {
		case 2:
			crlf++
		case 1:
			lf++
		}
	}
	if crlf > lf {
		return "\r\n"
	}
	return "\n"
}
