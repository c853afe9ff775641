package checklist

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/preflight-dev/preflight/model"
)

// The hidden comments preflight reads and writes on a line:
//
//	<!-- verify: EXPR -->                               the item's rule
//	<!-- checked: 2026-03-14T14:05:00Z by Ana Lima -->  who ticked it, when
//	<!-- from: report.md:312 -->                        where an imported claim came from
//	<!-- ack: 3f1c9a0b7d2e4c11 by Ana Lima on 2026-03-14 until 2026-04-01 -->
//	<!-- domain: security -->                           on a heading: its domain

// Record is who ticked an item and when.
type Record struct {
	By string
	At time.Time
}

const dateLayout = "2006-01-02"

var (
	recordRe = regexp.MustCompile(`^(\S+)\s+by\s+(.+)$`)
	ackRe    = regexp.MustCompile(`^([0-9a-fA-F]{6,64})\s+by\s+(.+?)\s+on\s+(\d{4}-\d{2}-\d{2})(?:\s+until\s+(\d{4}-\d{2}-\d{2}))?$`)
)

// parseRecord reads "2026-03-14T14:05:00Z by Ana Lima"; a plain date is
// accepted too, as people write them by hand.
func parseRecord(v string) (time.Time, string, error) {
	m := recordRe.FindStringSubmatch(v)
	if m == nil {
		return time.Time{}, "", errors.New(`want "DATE by NAME", e.g. "2026-03-14T14:05:00Z by Ana Lima"`)
	}
	at, err := time.Parse(time.RFC3339, m[1])
	if err != nil {
		at, err = time.ParseInLocation(dateLayout, m[1], time.Local)
	}
	if err != nil {
		return time.Time{}, "", fmt.Errorf("%q is not a date (want 2026-03-14 or 2026-03-14T14:05:00Z)", m[1])
	}
	return at, strings.TrimSpace(m[2]), nil
}

func formatRecord(r Record) string {
	return "<!-- checked: " + r.At.UTC().Truncate(time.Second).Format(time.RFC3339) + " by " + cleanName(r.By) + " -->"
}

// parseAck reads "ID by NAME on DATE [until DATE]".
func parseAck(v string) (model.Acknowledgment, error) {
	m := ackRe.FindStringSubmatch(v)
	if m == nil {
		return model.Acknowledgment{}, errors.New(`want "FINGERPRINT by NAME on YYYY-MM-DD [until YYYY-MM-DD]"`)
	}
	a := model.Acknowledgment{Finding: strings.ToLower(m[1]), By: strings.TrimSpace(m[2])}
	var err error
	if a.On, err = time.ParseInLocation(dateLayout, m[3], time.Local); err != nil {
		return a, fmt.Errorf("%q is not a date", m[3])
	}
	if m[4] != "" {
		if a.Until, err = time.ParseInLocation(dateLayout, m[4], time.Local); err != nil {
			return a, fmt.Errorf("%q is not a date", m[4])
		}
	}
	return a, nil
}

// reasonSep separates what was acknowledged from why, on the visible line.
const reasonSep = " — "

// splitReason cuts "TS2322 at a.ts:3 — reason" into label and reason; a
// line without the separator is all reason.
func splitReason(text string) (label, reason string) {
	if l, r, ok := strings.Cut(text, "—"); ok {
		return strings.TrimSpace(l), strings.TrimSpace(r)
	}
	if l, r, ok := strings.Cut(text, " -- "); ok {
		return strings.TrimSpace(l), strings.TrimSpace(r)
	}
	return "", strings.TrimSpace(text)
}

// ackLine is the list item that records an acknowledgment.
func ackLine(a model.Acknowledgment) string {
	var b strings.Builder
	b.WriteString("- ")
	if a.Label != "" {
		b.WriteString(cleanText(a.Label))
		b.WriteString(reasonSep)
	}
	b.WriteString(cleanText(a.Reason))
	b.WriteString(" <!-- ack: " + a.Finding + " by " + cleanName(a.By) + " on " + a.On.Format(dateLayout))
	if !a.Until.IsZero() {
		b.WriteString(" until " + a.Until.Format(dateLayout))
	}
	b.WriteString(" -->")
	return b.String()
}

// cleanText makes free text safe on one Markdown line: no line breaks and
// nothing that opens or closes a comment.
func cleanText(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.ReplaceAll(s, "<!--", "<!-")
	s = strings.ReplaceAll(s, "-->", "->")
	return s
}

// cleanName is a person's name as it can sit inside a comment and be read
// back: no separators the formats use.
func cleanName(s string) string {
	s = cleanText(s)
	s = strings.ReplaceAll(s, "--", "-")
	s = strings.TrimSpace(s)
	if s == "" {
		return "someone"
	}
	return s
}
