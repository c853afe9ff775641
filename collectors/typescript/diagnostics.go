package typescript

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/preflight-dev/preflight/model"
)

// Diagnostic is one compiler diagnostic, read either from tsc's
// `--pretty false` text or from the checker's JSON lines.
type Diagnostic struct {
	// File is repo-relative with forward slashes, absolute when the file is
	// outside the repository (a global lib.d.ts, say), "" for a global
	// diagnostic.
	File     string
	Line     int // 1-based; 0 when File is ""
	Column   int // 1-based, in UTF-16 code units as the compiler counts
	Category string
	Code     int
	// Message is the whole message: a chain of elaborations is joined with
	// "\n", each level indented by two more spaces, as tsc prints it.
	Message string
}

var categories = map[string]bool{"error": true, "warning": true, "suggestion": true, "message": true}

var (
	located = regexp.MustCompile(`^(.+?)\((\d+),(\d+)\): (error|warning|suggestion|message) TS(\d+): (.*)$`)
	global  = regexp.MustCompile(`^(error|warning|suggestion|message) TS(\d+): (.*)$`)
)

// ParseTscOutput reads what `tsc --pretty false` prints on stdout: one
// header line per diagnostic, `path(line,col): error TS2322: message`, or
// `error TS5083: message` for a diagnostic without a file, followed by the
// indented lines of a multi-line message. Paths are relative to workDir,
// the directory tsc ran in (absolute, or relative to root); they are
// returned relative to root.
//
// Lines that are not diagnostics — what traceResolution, listFiles,
// explainFiles or extendedDiagnostics add — are passed over, never a reason
// to discard the diagnostics around them. Output with no diagnostic at all
// but lines this parser does not understand is an error: it must not pass
// for a clean check.
func ParseTscOutput(out []byte, root, workDir string) ([]Diagnostic, error) {
	diags, other, err := parseTsc(out, root, workDir)
	if err == nil && len(diags) == 0 && len(other) > 0 {
		err = other[0].unreadable()
	}
	if err != nil {
		return nil, err
	}
	return diags, nil
}

// otherLine is a line of tsc output that is not part of a diagnostic.
type otherLine struct {
	n    int
	text string
}

func (l otherLine) unreadable() error {
	return fmt.Errorf("line %d: not a tsc diagnostic: %q", l.n, clip(l.text))
}

// parseTsc reads diagnostics and sets aside every other line. Only a
// diagnostic header with an impossible position or code is an error.
func parseTsc(out []byte, root, workDir string) (diags []Diagnostic, other []otherLine, err error) {
	inDiag := false // continuation lines belong to the line above
	for i, line := range strings.Split(string(out), "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" {
			continue
		}
		if line[0] == ' ' {
			if inDiag {
				diags[len(diags)-1].Message += "\n" + line
			} else {
				other = append(other, otherLine{i + 1, line})
			}
			continue
		}
		if m := global.FindStringSubmatch(line); m != nil {
			code, err := strconv.Atoi(m[2])
			if err != nil || code <= 0 {
				return nil, nil, fmt.Errorf("line %d: bad diagnostic code %q", i+1, m[2])
			}
			diags, inDiag = append(diags, Diagnostic{Category: m[1], Code: code, Message: m[3]}), true
			continue
		}
		m := located.FindStringSubmatch(line)
		if m == nil {
			other, inDiag = append(other, otherLine{i + 1, line}), false
			continue
		}
		ln, err1 := strconv.Atoi(m[2])
		col, err2 := strconv.Atoi(m[3])
		code, err3 := strconv.Atoi(m[5])
		if err1 != nil || err2 != nil || err3 != nil || ln < 1 || col < 1 || code <= 0 {
			return nil, nil, fmt.Errorf("line %d: bad position or code: %q", i+1, clip(line))
		}
		diags = append(diags, Diagnostic{
			File: repoPath(root, workDir, m[1]), Line: ln, Column: col,
			Category: m[4], Code: code, Message: m[6],
		})
		inDiag = true
	}
	return diags, other, nil
}

// CheckerReply is one line the type-checker script printed.
type CheckerReply struct {
	ID          int    // the request answered; 0 for the startup line
	Ready       bool   // startup finished: the compiler is loaded
	Version     string // the version of the compiler that answered
	Fatal       string // the checker could not start and exits
	Error       string // the request failed
	Diagnostics []Diagnostic
}

type checkerLine struct {
	ID          *int   `json:"id"`
	Ready       bool   `json:"ready"`
	Version     string `json:"version"`
	Fatal       string `json:"fatal"`
	Error       string `json:"error"`
	Diagnostics []struct {
		File     *string `json:"file"`
		Line     int     `json:"line"`
		Column   int     `json:"column"`
		Category string  `json:"category"`
		Code     int     `json:"code"`
		Message  *string `json:"message"`
	} `json:"diagnostics"`
}

// ParseCheckerReply reads one JSON line of the checker's protocol (see
// checker.js). File paths are relative to workDir as in ParseTscOutput.
// A line that is not one of the protocol's messages is an error.
func ParseCheckerReply(line []byte, root, workDir string) (CheckerReply, error) {
	line = bytes.TrimSpace(line)
	if len(line) == 0 || line[0] != '{' {
		return CheckerReply{}, fmt.Errorf("not a checker message: %q", clip(string(line)))
	}
	var raw checkerLine
	if err := json.Unmarshal(line, &raw); err != nil {
		return CheckerReply{}, fmt.Errorf("unreadable checker message: %w", err)
	}
	r := CheckerReply{Ready: raw.Ready, Version: raw.Version, Fatal: raw.Fatal, Error: raw.Error}
	switch {
	case raw.ID != nil:
		if *raw.ID < 0 {
			return CheckerReply{}, fmt.Errorf("negative request id %d", *raw.ID)
		}
		r.ID = *raw.ID
		if r.Error == "" && raw.Diagnostics == nil {
			return CheckerReply{}, errors.New("reply carries neither diagnostics nor an error")
		}
	case raw.Ready, raw.Fatal != "":
	default:
		return CheckerReply{}, fmt.Errorf("not a checker message: %q", clip(string(line)))
	}
	if raw.Diagnostics != nil {
		r.Diagnostics = make([]Diagnostic, 0, len(raw.Diagnostics))
	}
	for i, d := range raw.Diagnostics {
		if !categories[d.Category] || d.Code <= 0 || d.Message == nil {
			return CheckerReply{}, fmt.Errorf("diagnostic %d: missing category, code or message", i)
		}
		diag := Diagnostic{Category: d.Category, Code: d.Code, Message: *d.Message}
		if d.File != nil {
			if *d.File == "" || d.Line < 1 || d.Column < 1 {
				return CheckerReply{}, fmt.Errorf("diagnostic %d: bad location %q(%d,%d)", i, *d.File, d.Line, d.Column)
			}
			diag.File, diag.Line, diag.Column = repoPath(root, workDir, *d.File), d.Line, d.Column
		}
		r.Diagnostics = append(r.Diagnostics, diag)
	}
	return r, nil
}

// formatTsc renders diagnostics the way `tsc --pretty false` prints them,
// so evidence from the checker reads like evidence from tsc.
func formatTsc(diags []Diagnostic) string {
	var b strings.Builder
	for _, d := range diags {
		if d.File != "" {
			fmt.Fprintf(&b, "%s(%d,%d): ", d.File, d.Line, d.Column)
		}
		fmt.Fprintf(&b, "%s TS%d: %s\n", d.Category, d.Code, d.Message)
	}
	return b.String()
}

// repoPath turns a path the compiler printed (relative to workDir) into a
// repo-relative, forward-slash path; paths outside root stay absolute.
func repoPath(root, workDir, p string) string {
	if !filepath.IsAbs(workDir) {
		workDir = filepath.Join(root, workDir)
	}
	abs := filepath.FromSlash(p)
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(workDir, abs)
	}
	abs = filepath.Clean(abs)
	rel, err := filepath.Rel(root, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return filepath.ToSlash(abs)
	}
	return filepath.ToSlash(rel)
}

// severityOf maps compiler categories: an error fails the build, the rest
// is advice (tsc itself rarely prints anything but errors).
func severityOf(category string) model.Severity {
	switch category {
	case "error":
		return model.Blocker
	case "warning":
		return model.Medium
	default:
		return model.Info
	}
}

// findings turns diagnostics into findings of collector id, fingerprinted.
// An error in the project's configuration is typescript/invalid-config,
// its message led by tsc's code; the rest keep tsc's code as their rule.
func findings(id string, diags []Diagnostic, chain configChain) []model.Finding {
	out := make([]model.Finding, 0, len(diags))
	for _, d := range diags {
		f := model.Finding{
			Collector: id,
			Domain:    Domain,
			Severity:  severityOf(d.Category),
			Rule:      "TS" + strconv.Itoa(d.Code),
			Message:   d.Message,
			File:      d.File,
			Line:      d.Line,
			Column:    d.Column,
		}
		if d.Category == "error" && chain.isConfig(d.File) {
			f.Rule, f.Message = RuleInvalidConfig.ID, "TS"+strconv.Itoa(d.Code)+": "+d.Message
		}
		out = append(out, f)
	}
	model.AssignIDs(out)
	return out
}

func countErrors(diags []Diagnostic) int {
	n := 0
	for _, d := range diags {
		if d.Category == "error" {
			n++
		}
	}
	return n
}

func clip(s string) string {
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}
