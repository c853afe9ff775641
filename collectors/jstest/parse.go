package jstest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/model"
)

// Location says where a runner ran, so the absolute and relative paths in
// its report can be made repo-relative. Parsers never touch the disk.
type Location struct {
	Root string // absolute repository root
	Dir  string // absolute directory the runner ran in
}

// Rel turns a path from a report (absolute, file:// URL, or relative to
// Dir) into a repo-relative, forward-slash path. ok is false for paths
// outside the repository.
func (l Location) Rel(p string) (rel string, ok bool) {
	if strings.HasPrefix(p, "file://") {
		if u, err := url.Parse(p); err == nil {
			p = u.Path
		} else {
			p = strings.TrimPrefix(p, "file://")
		}
	}
	if p == "" {
		return "", false
	}
	p = filepath.FromSlash(p)
	if !filepath.IsAbs(p) {
		p = filepath.Join(l.Dir, p)
	}
	r, err := filepath.Rel(l.Root, p)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return filepath.ToSlash(filepath.Clean(p)), false
	}
	return filepath.ToSlash(r), true
}

// relativize rewrites absolute paths inside the repository in text as
// repo-relative ones.
func (l Location) relativize(text string) string {
	if l.Root == "" || l.Root == "/" {
		return text
	}
	prefix := filepath.ToSlash(l.Root) + "/"
	text = strings.ReplaceAll(text, "file://"+prefix, "")
	return strings.ReplaceAll(text, prefix, "")
}

// Report is what a runner's JSON report says.
type Report struct {
	Passed, Failed, Skipped, Todo int
	Suites, SuitesFailed          int // test files, and those that failed
	// Success is the runner's own verdict; false also for failures outside
	// any test (unhandled errors, coverage thresholds).
	Success bool
	// Findings are failing tests and test files that could not run, with
	// Rule, Severity, Message and location set.
	Findings []model.Finding
}

// Tests is the number of tests the runner saw.
func (r Report) Tests() int { return r.Passed + r.Failed + r.Skipped + r.Todo }

// ParseVitestJSON reads the report of `vitest run --reporter=json`.
func ParseVitestJSON(data []byte, loc Location) (Report, error) {
	return parseReport(KindVitest, data, loc)
}

// ParseJestJSON reads the report of `jest --json`.
func ParseJestJSON(data []byte, loc Location) (Report, error) {
	return parseReport(KindJest, data, loc)
}

// jsonReport is the schema jest defined for --json and vitest's json
// reporter copies; only what is read is declared.
type jsonReport struct {
	NumTotalTests *int        `json:"numTotalTests"`
	Success       *bool       `json:"success"`
	TestResults   []jsonSuite `json:"testResults"`
}

type jsonSuite struct {
	Name             string     `json:"name"`
	Status           string     `json:"status"`
	Message          string     `json:"message"`
	AssertionResults []jsonTest `json:"assertionResults"`
}

type jsonTest struct {
	AncestorTitles  []string `json:"ancestorTitles"`
	Title           string   `json:"title"`
	FullName        string   `json:"fullName"`
	Status          string   `json:"status"`
	FailureMessages []string `json:"failureMessages"`
	Location        *struct {
		Line   int `json:"line"`
		Column int `json:"column"`
	} `json:"location"`
}

func parseReport(kind string, data []byte, loc Location) (Report, error) {
	var raw jsonReport
	if err := json.Unmarshal(data, &raw); err != nil {
		return Report{}, fmt.Errorf("unreadable %s JSON report: %w", kind, err)
	}
	if raw.NumTotalTests == nil || raw.Success == nil {
		return Report{}, errors.New("not a " + kind + " JSON report: numTotalTests or success is missing")
	}
	rep := Report{Success: *raw.Success, Suites: len(raw.TestResults)}
	defer func() {
		// Messages name files by absolute path; inside the repository the
		// repo-relative path is shorter and the same on every checkout.
		for i := range rep.Findings {
			rep.Findings[i].Message = loc.relativize(rep.Findings[i].Message)
		}
	}()
	for _, s := range raw.TestResults {
		file, _ := loc.Rel(s.Name)
		failedTests := 0
		for _, t := range s.AssertionResults {
			switch t.Status {
			case "passed":
				rep.Passed++
			case "failed":
				rep.Failed++
				failedTests++
				rep.Findings = append(rep.Findings, testFailure(kind, file, t, loc))
			case "todo":
				rep.Todo++
			default: // skipped, pending, disabled
				rep.Skipped++
			}
		}
		if s.Status == "failed" {
			rep.SuitesFailed++
			if failedTests == 0 {
				rep.Findings = append(rep.Findings, suiteFailure(kind, file, s.Message, loc))
			}
		}
	}
	return rep, nil
}

// testFailure is the finding for one failing test, placed at the failing
// assertion in the test file when the stack shows it, else at the test.
func testFailure(kind, file string, t jsonTest, loc Location) model.Finding {
	name := t.FullName
	if t.Title != "" {
		// Vitest 1 names the file's own suite "": no title of its own.
		titles := slices.DeleteFunc(slices.Clone(t.AncestorTitles), func(s string) bool { return s == "" })
		name = strings.Join(append(titles, t.Title), " › ")
	}
	text := strings.Join(t.FailureMessages, "\n")
	f := model.Finding{
		Severity: model.Blocker,
		Rule:     kind + "/" + ruleTestFailed,
		Message:  withDetail(name+" failed", text),
		File:     file,
	}
	if line, col, ok := frameIn(text, file, loc); ok {
		f.Line, f.Column = line, col
	} else if t.Location != nil && t.Location.Line > 0 {
		f.Line, f.Column = t.Location.Line, t.Location.Column
	}
	return f
}

// noReason ends the message of a file failure whose report says nothing.
const noReason = " (the runner gave no reason)"

// suiteFailure is the finding for a test file that failed without a
// failing test: it could not be loaded, or a hook outside the tests threw.
func suiteFailure(kind, file, message string, loc Location) model.Finding {
	f := model.Finding{
		Severity: model.Blocker,
		Rule:     kind + "/" + ruleSuiteFailed,
		Message:  withDetail("test file could not run", message),
		File:     file,
	}
	if f.Message == "test file could not run" {
		f.Message += noReason
	}
	var ok bool
	if f.Line, f.Column, ok = frameIn(message, file, loc); !ok {
		// Nothing in the test file's own frames (a module it imports threw
		// while loading): say where the error was thrown, if that is in the
		// repository, so the finding still leads somewhere.
		if at := firstRepoFrame(message, loc); at != "" {
			f.Message += " (thrown at " + at + ")"
		}
	}
	return f
}

// firstRepoFrame is the first stack frame of text in the repository and
// outside node_modules, as file:line:col, or "".
func firstRepoFrame(text string, loc Location) string {
	for _, m := range frame.FindAllStringSubmatch(text, -1) {
		rel, inRepo := loc.Rel(m[1])
		if !inRepo || strings.Contains("/"+rel, "/node_modules/") {
			continue
		}
		if line, err := strconv.Atoi(m[2]); err == nil && line > 0 {
			if m[3] != "" {
				return rel + ":" + m[2] + ":" + m[3]
			}
			return rel + ":" + m[2]
		}
	}
	return ""
}

// maxDetailLines bounds the explanation kept in a finding message.
const maxDetailLines = 12

// withDetail appends the useful part of a runner's error text to head:
// the first line after a colon, then the lines that explain it (expected
// and received values), without stack frames, code frames or banners.
func withDetail(head, text string) string {
	var lines []string
	blank := false
	for _, l := range strings.Split(collectors.StripANSI(strings.ReplaceAll(text, "\r\n", "\n")), "\n") {
		l = strings.TrimRight(l, " \t")
		trimmed := strings.TrimSpace(l)
		switch {
		case isStackFrame(trimmed), isCodeFrame(trimmed), strings.HasPrefix(trimmed, "● "), strings.HasPrefix(trimmed, "⎯"):
			continue
		case trimmed == "":
			blank = len(lines) > 0
			continue
		}
		if blank {
			lines = append(lines, "")
			blank = false
		}
		lines = append(lines, strings.TrimSpace(l))
		if len(lines) >= maxDetailLines {
			lines = append(lines, "…")
			break
		}
	}
	if len(lines) == 0 {
		return head
	}
	msg := head + ": " + lines[0]
	if len(lines) > 1 {
		msg += "\n" + strings.Join(lines[1:], "\n")
	}
	return msg
}

func isStackFrame(l string) bool {
	return strings.HasPrefix(l, "at ") || strings.HasPrefix(l, "❯ ")
}

// codeFrame matches the source excerpt lines jest prints ("> 9 | expect(…)",
// "   | ^") so they stay out of messages: the finding points at the line.
var codeFrame = regexp.MustCompile(`^>?\s*\d*\s*\|`)

func isCodeFrame(l string) bool { return codeFrame.MatchString(l) }

// frame matches file:line[:col] references in stack traces and code frames:
// absolute paths, file:// URLs and paths relative to the runner's directory.
var frame = regexp.MustCompile(`((?:file://)?[^\s():'"]*[^\s():'"/]\.(?:[cm]?[jt]sx?|vue|svelte|astro)):(\d+)(?::(\d+))?`)

// frameIn finds the first reference in text to file (repo-relative) and
// returns its line and column.
func frameIn(text, file string, loc Location) (line, col int, ok bool) {
	if file == "" {
		return 0, 0, false
	}
	for _, m := range frame.FindAllStringSubmatch(text, -1) {
		rel, inRepo := loc.Rel(m[1])
		if !inRepo || rel != file {
			continue
		}
		line, err := strconv.Atoi(m[2])
		if err != nil || line <= 0 {
			continue
		}
		col, _ = strconv.Atoi(m[3])
		return line, col, true
	}
	return 0, 0, false
}
