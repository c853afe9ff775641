package checklist

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/model"
)

var rec = Record{By: "Zoë Ångström", At: time.Date(2026, 3, 14, 14, 5, 0, 0, time.UTC)}

// rawLines splits keeping each line's ending, so comparisons see CRLF.
func rawLines(b []byte) []string {
	var out []string
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			out = append(out, string(b))
			break
		}
		out = append(out, string(b[:i+1]))
		b = b[i+1:]
	}
	return out
}

// changedLines lists the 1-based lines that differ; files must have the
// same number of lines.
func changedLines(t *testing.T, before, after []byte) []int {
	t.Helper()
	a, b := rawLines(before), rawLines(after)
	if len(a) != len(b) {
		t.Fatalf("line count changed from %d to %d", len(a), len(b))
	}
	var out []int
	for i := range a {
		if a[i] != b[i] {
			out = append(out, i+1)
		}
	}
	return out
}

func TestTickChangesOnlyTheItemLine(t *testing.T) {
	for _, variant := range []struct{ name, src string }{
		{"LF", sample},
		{"CRLF", strings.ReplaceAll(sample, "\n", "\r\n")},
		{"no final newline", strings.TrimSuffix(sample, "\n")},
	} {
		t.Run(variant.name, func(t *testing.T) {
			src := []byte(variant.src)
			d := Parse("READINESS.md", src)
			for _, it := range d.Items {
				out, got, err := SetChecked("READINESS.md", src, it.Ref(), !it.Checked, rec)
				if err != nil {
					t.Fatalf("%q: %v", it.Text, err)
				}
				if changed := changedLines(t, src, out); len(changed) != 1 || changed[0] != it.Line {
					t.Fatalf("%q (line %d): changed lines %v", it.Text, it.Line, changed)
				}
				if got.Checked == it.Checked || got.Line != it.Line {
					t.Fatalf("%q: returned item %+v", it.Text, got)
				}
				nd := Parse("READINESS.md", out)
				after, _ := nd.Find(it.Ref())
				if after.Checked == it.Checked || after.Text != it.Text || after.Rule != it.Rule || len(nd.Problems) > 0 {
					t.Fatalf("%q after tick: %+v problems %v", it.Text, after, nd.Problems)
				}
				if !it.Checked && (after.CheckedBy != rec.By || !after.CheckedAt.Equal(rec.At)) {
					t.Fatalf("%q: record %q %v not written", it.Text, after.CheckedBy, after.CheckedAt)
				}
				if it.Checked && strings.Contains(rawLines(out)[it.Line-1], "checked:") {
					t.Fatalf("%q: unticking left the record: %q", it.Text, rawLines(out)[it.Line-1])
				}
				if variant.name == "CRLF" && !strings.HasSuffix(rawLines(out)[it.Line-1], "\r\n") {
					t.Fatalf("%q: line ending lost", it.Text)
				}
			}
		})
	}
}

func TestTickThenUntickRestoresTheFile(t *testing.T) {
	src := []byte("## Build\r\n\r\n- [ ] Web compiles  \r\n\t- [ ] nested\t<!-- keep: me -->\r\n- [ ] last without newline")
	d := Parse("R.md", src)
	for _, it := range d.Items {
		ticked, _, err := SetChecked("R.md", src, it.Ref(), true, rec)
		if err != nil {
			t.Fatal(err)
		}
		back, _, err := SetChecked("R.md", ticked, it.Ref(), false, rec)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(back, src) {
			t.Fatalf("%q: tick and untick gave\n%q\nwant\n%q", it.Text, back, src)
		}
	}
	ticked, _, _ := SetChecked("R.md", src, d.Items[0].Ref(), true, rec)
	want := "- [x] Web compiles <!-- checked: 2026-03-14T14:05:00Z by Zoë Ångström -->  \r\n"
	if got := rawLines(ticked)[2]; got != want {
		t.Fatalf("ticked line %q, want %q (trailing spaces stay at the end)", got, want)
	}
}

func TestTickIsIdempotent(t *testing.T) {
	src := []byte(sample)
	it := Parse("R.md", src).Items[0] // already ticked
	out, _, err := SetChecked("R.md", src, it.Ref(), true, rec)
	if err != nil || !bytes.Equal(out, src) {
		t.Fatalf("ticking a ticked item changed the file (err %v)", err)
	}
}

func TestTickFindsAMovedItemAndRefusesAGoneOne(t *testing.T) {
	src := []byte("## A\n- [ ] one\n- [ ] two\n")
	ref := Parse("R.md", src).Items[1].Ref() // "two" on line 3
	moved := []byte("## A\nintro\n\n- [ ] one\n- [ ] two\n")
	out, it, err := SetChecked("R.md", moved, ref, true, rec)
	if err != nil || it.Line != 5 || !strings.HasPrefix(rawLines(out)[4], "- [x] two") {
		t.Fatalf("moved item: line %d err %v\n%s", it.Line, err, out)
	}
	if _, _, err := SetChecked("R.md", []byte("## A\n- [ ] one\n- [ ] 2\n"), ref, true, rec); !errors.Is(err, ErrItemGone) {
		t.Fatalf("renamed item: err %v, want ErrItemGone", err)
	}
}

func TestEditsRefuseAFileWithProblems(t *testing.T) {
	src := []byte("## A\n<<<<<<< HEAD\n- [ ] one\n=======\n- [x] one\n>>>>>>> theirs\n")
	_, _, err := SetChecked("R.md", src, Ref{Line: 3, Text: "one"}, true, rec)
	var pe *ProblemError
	if !errors.As(err, &pe) || pe.Problems[0].Line != 2 || !strings.Contains(err.Error(), "R.md:2: merge conflict") {
		t.Fatalf("err %v", err)
	}
	if _, err := AddAck("R.md", src, model.Acknowledgment{Finding: "abcdef12", Reason: "r"}); !errors.As(err, &pe) {
		t.Fatalf("AddAck err %v", err)
	}
}

func ack(reason string) model.Acknowledgment {
	return model.Acknowledgment{
		Finding: "3f1c9a0b7d2e4c11", By: "Ana Lima", Reason: reason, Label: "TS2322 at a.ts:3",
		On: time.Date(2026, 3, 14, 0, 0, 0, 0, time.Local), Until: time.Date(2026, 4, 1, 0, 0, 0, 0, time.Local),
	}
}

func TestAddAck(t *testing.T) {
	line := "- TS2322 at a.ts:3 — migrating the model <!-- ack: 3f1c9a0b7d2e4c11 by Ana Lima on 2026-03-14 until 2026-04-01 -->"
	cases := []struct{ name, src, want string }{
		{"into the section, after its last item",
			"## Build\n- [ ] a\n\n## Accepted risks\n\n- old — r <!-- ack: 00aa11bb by B on 2026-01-01 -->\n\n## Later\n",
			"## Build\n- [ ] a\n\n## Accepted risks\n\n- old — r <!-- ack: 00aa11bb by B on 2026-01-01 -->\n" + line + "\n\n## Later\n"},
		{"an empty section at the end, CRLF",
			"## Build\r\n- [ ] a\r\n\r\n## Accepted risks\r\n",
			"## Build\r\n- [ ] a\r\n\r\n## Accepted risks\r\n\r\n" + line + "\r\n"},
		{"no section yet, no final newline",
			"## Build\n- [ ] a",
			"## Build\n- [ ] a\n\n## Accepted risks\n\n" + line + "\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := AddAck("R.md", []byte(tc.src), ack("migrating the model"))
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tc.want {
				t.Fatalf("got\n%q\nwant\n%q", out, tc.want)
			}
			d := Parse("R.md", out)
			last := d.Acks[len(d.Acks)-1]
			if len(d.Problems) > 0 || last.Reason != "migrating the model" || last.Finding != "3f1c9a0b7d2e4c11" || last.Until.IsZero() {
				t.Fatalf("read back %+v problems %v", last, d.Problems)
			}
		})
	}
	if _, err := AddAck("R.md", []byte("x\n"), ack("  ")); err == nil {
		t.Fatal("an acknowledgment without a reason was written")
	}
	// A reason that tries to close the comment stays one visible line.
	out, _ := AddAck("R.md", nil, ack("ok --> <!-- ack: ffffffff by X on 2020-01-01 -->\nmore"))
	d := Parse("R.md", out)
	if len(d.Acks) != 1 || d.Acks[0].Finding != "3f1c9a0b7d2e4c11" || strings.Count(string(out), "\n") != 3 {
		t.Fatalf("hostile reason: %q → %+v", out, d.Acks)
	}
}

func TestRemoveAckDeletesOnlyItsLine(t *testing.T) {
	src := []byte("## Accepted risks\r\n- a — r <!-- ack: 3f1c9a0b7d2e4c11 by A on 2026-01-01 -->\r\n- b — r <!-- ack: 00aa11bb by B on 2026-01-01 -->\r\n")
	out, err := RemoveAck("R.md", src, "3f1c9a0b7d2e4c11")
	if err != nil || string(out) != "## Accepted risks\r\n- b — r <!-- ack: 00aa11bb by B on 2026-01-01 -->\r\n" {
		t.Fatalf("got %q err %v", out, err)
	}
	if _, err := RemoveAck("R.md", src, "ffffffff"); err == nil {
		t.Fatal("removing a missing acknowledgment did not fail")
	}
}

// FuzzTick: whatever the file, parsing never panics, and ticking any item
// changes exactly that item's line.
func FuzzTick(f *testing.F) {
	f.Add(sample)
	f.Add(strings.ReplaceAll(sample, "\n", "\r\n"))
	f.Add("- [ ] a\n  - [x] b <!-- checked: 2026-01-01 by x -->\n```\n- [ ] c\n```\n")
	f.Add("1) [X] é\t<!-- verify: true -->\r\n\t* [ ]\ttab\n<!--\n- [ ] x\n-->")
	f.Fuzz(func(t *testing.T, src string) {
		b := []byte(src)
		d := Parse("R.md", b)
		if !bytes.Equal(d.Bytes(), b) {
			t.Fatal("Bytes differs from the source")
		}
		if len(d.Problems) > 0 {
			return
		}
		for _, it := range d.Items {
			if it.Line < 1 || it.Line > d.LineCount() {
				t.Fatalf("item line %d out of range", it.Line)
			}
			out, _, err := SetChecked("R.md", b, it.Ref(), !it.Checked, rec)
			if err != nil {
				t.Fatalf("%+v: %v", it, err)
			}
			changed := changedLines(t, b, out)
			if len(changed) != 1 || changed[0] != it.Line {
				t.Fatalf("ticking line %d changed lines %v\n%q\n%q", it.Line, changed, b, out)
			}
			nd := Parse("R.md", out)
			if len(nd.Items) != len(d.Items) {
				t.Fatalf("tick changed the number of items from %d to %d", len(d.Items), len(nd.Items))
			}
		}
	})
}

// Withdrawing an acknowledgment leaves no blank line behind where its
// line was: the file is as it was before, but for the Accepted risks
// heading when the acknowledgment added it (a heading is the person's to
// remove).
func TestWithdrawLeavesNoBlankLineBehind(t *testing.T) {
	a := model.Acknowledgment{Finding: "3f1c9a0b7d2e4c11", By: "A", Reason: "r", Label: "x",
		On: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	for name, tc := range map[string]struct{ src, want string }{
		"new section at the end": {"# Readiness\n\n- [ ] a\n", "# Readiness\n\n- [ ] a\n\n## Accepted risks\n"},
		"empty section":          {"# Readiness\n\n## Accepted risks\n", "# Readiness\n\n## Accepted risks\n"},
		"section before another": {"# Readiness\n\n## Accepted risks\n\n## Notes\n\ntext\n", "# Readiness\n\n## Accepted risks\n\n## Notes\n\ntext\n"},
		"after other acks": {"## Accepted risks\n\n- b — r <!-- ack: 00aa11bb by B on 2026-01-01 -->\n",
			"## Accepted risks\n\n- b — r <!-- ack: 00aa11bb by B on 2026-01-01 -->\n"},
		"between blank lines": {"## Accepted risks\n\n- x — r <!-- ack: 3f1c9a0b7d2e4c11 by A on 2026-01-01 -->\n\n## Notes\n", "## Accepted risks\n\n## Notes\n"},
	} {
		t.Run(name, func(t *testing.T) {
			src := []byte(tc.src)
			if !strings.Contains(tc.src, a.Finding) {
				var err error
				if src, err = AddAck("R.md", src, a); err != nil {
					t.Fatal(err)
				}
			}
			out, err := RemoveAck("R.md", src, a.Finding)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tc.want {
				t.Errorf("withdrawn:\n%q\nwant\n%q\n(with the acknowledgment:\n%q)", out, tc.want, src)
			}
		})
	}
}
