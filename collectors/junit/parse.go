package junit

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/preflight-dev/preflight/internal/junitxml"
)

// Report is what one JUnit XML file says.
type Report struct {
	Passed, Failed, Skipped int
	Suites, SuitesFailed    int // <testsuite> elements with test cases or errors, and those that failed
	Failures                []Failure
}

// Tests is the number of test cases in the report.
func (r Report) Tests() int { return r.Passed + r.Failed + r.Skipped }

// Failure is one failed or errored test case, or a suite that reported
// errors without any test case (a file that could not load).
type Failure struct {
	Suite     string
	Classname string
	Name      string // "" for a suite-level failure
	Errored   bool   // <error>: the test crashed rather than failed an assertion
	Text      string // message and details, cleaned of stack frames
	// File and Line are the testcase's own attributes, when the tool
	// writes them (jest-junit, pytest with some plugins, Playwright).
	File string
	Line int
	// Refs are the file:line references found in the failure text, in
	// order; which one is in the repository is for the caller to decide.
	Refs []Ref
}

// Title names the failing test: classname and name, without repeating the
// classname when the name already contains it (jest-junit).
func (f Failure) Title() string {
	name := f.Name
	if name == "" {
		name = f.Suite
		if name == "" {
			name = "a test suite"
		}
		return name
	}
	if f.Classname == "" || strings.Contains(name, f.Classname) {
		return name
	}
	return f.Classname + " › " + name
}

// Ref is a file:line[:col] mention in a failure's text.
type Ref struct {
	Path   string
	Line   int
	Column int
}

// Parse reads one JUnit XML report: a <testsuites> root or a single
// <testsuite>, suites nested at any depth. It never touches the disk.
func Parse(data []byte) (Report, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.CharsetReader = charsetReader
	var root junitxml.Suite
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return Report{}, errors.New("not a JUnit report: the file is empty")
		}
		return Report{}, fmt.Errorf("unreadable JUnit XML: %w", err)
	}
	if n := root.XMLName.Local; n != "testsuites" && n != "testsuite" {
		return Report{}, fmt.Errorf("not a JUnit report: the root element is <%s>, not <testsuites> or <testsuite>", n)
	}
	var rep Report
	rep.add(root)
	return rep, nil
}

func (r *Report) add(s junitxml.Suite) {
	if s.XMLName.Local == "testsuite" && (len(s.Cases) > 0 || s.Errors > 0 || s.Failures > 0 || len(s.SuiteErrors) > 0) {
		r.Suites++
		failed := false
		for _, c := range s.Cases {
			switch {
			case len(c.Failures) > 0 || len(c.Errors) > 0:
				r.Failed++
				failed = true
				r.Failures = append(r.Failures, caseFailure(s.Name, c))
			case c.Skipped != nil:
				r.Skipped++
			default:
				r.Passed++
			}
		}
		if !failed && (s.Errors > 0 || s.Failures > 0 || len(s.SuiteErrors) > 0) {
			// The suite says it failed but no case carries the failure: a
			// file that could not load, or a hook outside the tests.
			failed = true
			text := fmt.Sprintf("the suite reports %d failures and %d errors without a failing test case", s.Failures, s.Errors)
			if len(s.SuiteErrors) > 0 {
				text = issueText(s.SuiteErrors[0])
			}
			r.Failures = append(r.Failures, Failure{Suite: s.Name, Errored: true, Text: text, Refs: refs(text)})
		}
		if failed {
			r.SuitesFailed++
		}
	}
	for _, child := range s.Suites {
		r.add(child)
	}
}

func caseFailure(suite string, c junitxml.Case) Failure {
	f := Failure{Suite: suite, Classname: strings.TrimSpace(c.Classname), Name: strings.TrimSpace(c.Name), File: strings.TrimSpace(c.File)}
	issue := junitxml.Issue{}
	if len(c.Failures) > 0 {
		issue = c.Failures[0]
	} else {
		issue = c.Errors[0]
		f.Errored = true
	}
	f.Line = int(c.Line)
	f.Text = issueText(issue)
	f.Refs = refs(issue.Text + "\n" + issue.Message)
	return f
}

// genericMessages are message attributes that say nothing (gotestsum
// writes "Failed" on every failure).
var genericMessages = map[string]bool{"": true, "failed": true, "failure": true, "error": true}

// maxTextLines bounds the explanation kept for a failure.
const maxTextLines = 12

// issueText is the failure's explanation: the element's text without
// stack frames, run markers and separators, or its message attribute when
// the text is empty.
func issueText(i junitxml.Issue) string {
	var lines []string
	blank := false
	for _, l := range strings.Split(strings.ReplaceAll(i.Text, "\r\n", "\n"), "\n") {
		t := strings.TrimSpace(l)
		switch {
		case t == "":
			blank = len(lines) > 0
			continue
		case strings.HasPrefix(t, "at ") || strings.HasPrefix(t, "❯ ") || strings.HasPrefix(t, "=== RUN") ||
			strings.HasPrefix(t, "--- FAIL") || strings.HasPrefix(t, "⎯") || strings.HasPrefix(t, "● ") || codeFrame.MatchString(t):
			continue
		}
		if blank {
			lines = append(lines, "")
			blank = false
		}
		lines = append(lines, t)
		if len(lines) >= maxTextLines {
			lines = append(lines, "…")
			break
		}
	}
	msg := strings.TrimSpace(i.Message)
	if len(lines) == 0 {
		if genericMessages[strings.ToLower(msg)] {
			return ""
		}
		return msg
	}
	return strings.Join(lines, "\n")
}

// codeFrame matches the source excerpt lines jest prints ("> 1 | require(…)",
// "    |   ^"): the finding points at the line instead.
var codeFrame = regexp.MustCompile(`^>?\s*\d*\s*\|`)

// ref matches file:line[:col] in failure text for the source files of the
// languages whose tools write JUnit: "calc_test.go:13:", "❯ test/a.test.ts:10:43",
// "(/abs/x.test.js:9:43)", "tests/test_x.py:12:".
var ref = regexp.MustCompile(`(?:file://)?([^\s():'"<>]*[^\s():'"<>/]\.(?:go|[cm]?[jt]sx?|vue|svelte|py|rb|rs|java|kt|kts|scala|groovy|cs|fs|php|swift|ex|exs|erl|dart|c|cc|cpp|h|hpp)):(\d+)(?::(\d+))?`)

func refs(text string) []Ref {
	var out []Ref
	for _, m := range ref.FindAllStringSubmatch(text, -1) {
		line, err := strconv.Atoi(m[2])
		if err != nil || line <= 0 {
			continue
		}
		col, _ := strconv.Atoi(m[3])
		out = append(out, Ref{Path: m[1], Line: line, Column: max(col, 0)})
	}
	return out
}

// charsetReader accepts the encodings JUnit writers declare besides UTF-8.
func charsetReader(label string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return input, nil
	case "iso-8859-1", "latin1", "latin-1":
		data, err := io.ReadAll(input)
		if err != nil {
			return nil, err
		}
		var b strings.Builder
		for _, c := range data {
			b.WriteRune(rune(c))
		}
		return strings.NewReader(b.String()), nil
	}
	return nil, fmt.Errorf("unsupported encoding %q", label)
}

// Sniff reports whether data looks like a JUnit report, for files found
// in report directories that hold other XML too.
func Sniff(data []byte) bool { return bytes.Contains(data, []byte("<testsuite")) }
