package custom

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/preflight-dev/preflight/collectors"

	"github.com/preflight-dev/preflight/collectors/golang"
	"github.com/preflight-dev/preflight/collectors/typescript"
	"github.com/preflight-dev/preflight/model"
)

// Input is what one run left for a reader.
type Input = collectors.Input

// Reading is what a reader made of the output.
type Reading = collectors.Reading

// Read parses a run's output with the spec's reader. An error means the
// output could not be read: the result must not pass for a clean check.
func Read(s Spec, in Input) (Reading, error) {
	switch s.Output {
	case collectors.ReadExitCode, "":
		return readExitCode(s, in), nil
	case collectors.ReadRegex:
		return readRegex(s, in)
	case collectors.ReadTsc:
		return readTsc(in)
	case collectors.ReadGoTestJSON:
		return readGoTest(in)
	case collectors.ReadJUnit:
		return readJUnit(s, in)
	case collectors.ReadSARIF:
		return readSARIF(s, in)
	case collectors.ReadESLintJSON:
		return readESLint(s, in)
	}
	return Reading{}, fmt.Errorf("unknown output reader %q", s.Output)
}

// RuleExitCode is the rule of the finding an exit-code check reports.
const RuleExitCode = "exit-code"

func readExitCode(s Spec, in Input) Reading {
	r := Reading{Facts: map[string]float64{"exit_code": float64(in.ExitCode)}}
	if in.ExitCode == 0 {
		return r
	}
	msg := fmt.Sprintf("%s exited with %d", s.Name, in.ExitCode)
	if why := failureLine(in); why != "" {
		msg += ": " + why
	}
	r.Findings = []model.Finding{{Severity: s.Severity, Rule: RuleExitCode, Message: msg}}
	return r
}

// failureLine picks the line most likely to say why a command failed: the
// first of stderr, else the last of stdout.
func failureLine(in Input) string {
	if l := collectors.FirstLine(string(in.Stderr)); l != "" {
		return clip(l)
	}
	out := strings.TrimSpace(string(in.Data))
	if i := strings.LastIndexByte(out, '\n'); i >= 0 {
		out = out[i+1:]
	}
	return clip(strings.TrimSpace(out))
}

func readRegex(s Spec, in Input) (Reading, error) {
	if s.Pattern == nil {
		return Reading{}, fmt.Errorf("the regex reader needs a pattern")
	}
	names := s.Pattern.SubexpNames()
	group := func(m []string, want ...string) string {
		for _, w := range want {
			for i, n := range names {
				if n == w && i < len(m) && m[i] != "" {
					return m[i]
				}
			}
		}
		return ""
	}
	text := string(in.Data)
	if len(in.Stderr) > 0 {
		text += "\n" + string(in.Stderr)
	}
	var fs []model.Finding
	for _, line := range strings.Split(text, "\n") {
		// Tools that colour their output without a terminal (astro check)
		// are read as they read on screen.
		line = collectors.StripANSI(strings.TrimRight(line, "\r"))
		m := s.Pattern.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		f := model.Finding{
			Severity: severityOf(group(m, "severity", "level"), s.Severity),
			Rule:     group(m, "rule", "code"),
			Message:  strings.TrimSpace(group(m, "message", "msg")),
			Line:     atoi(group(m, "line")),
			Column:   atoi(group(m, "col", "column")),
		}
		if file := group(m, "file", "path"); file != "" {
			f.File = RepoPath(in.Root, in.Dir, file)
		}
		if f.Rule == "" {
			f.Rule = s.Name
		}
		if f.Message == "" {
			f.Message = strings.TrimSpace(line)
		}
		fs = append(fs, f)
	}
	if in.ExitCode != 0 && len(fs) == 0 {
		return Reading{}, fmt.Errorf("exited with %d but no output line matched the pattern", in.ExitCode)
	}
	return Reading{Findings: fs, Facts: map[string]float64{"findings": float64(len(fs))}}, nil
}

// severityOf maps the words tools print to preflight severities; words it
// does not know get the spec's severity.
func severityOf(word string, dflt model.Severity) model.Severity {
	w := strings.ToLower(strings.TrimSpace(word))
	if sev, err := model.ParseSeverity(w); err == nil && w != "" {
		return sev
	}
	switch w {
	case "warning", "warn":
		return model.Medium
	case "info", "note", "notice", "hint", "suggestion", "message":
		return model.Info
	case "critical":
		return model.Blocker
	}
	return dflt
}

func readTsc(in Input) (Reading, error) {
	diags, err := typescript.ParseTscOutput(in.Data, in.Root, in.Dir)
	if err != nil {
		return Reading{}, err
	}
	var fs []model.Finding
	errs := 0
	for _, d := range diags {
		sev := model.Info
		switch d.Category {
		case "error":
			sev = model.Blocker
			errs++
		case "warning":
			sev = model.Medium
		}
		fs = append(fs, model.Finding{Severity: sev, Rule: "TS" + strconv.Itoa(d.Code), Message: d.Message,
			File: d.File, Line: d.Line, Column: d.Column})
	}
	if in.ExitCode != 0 && len(diags) == 0 {
		return Reading{}, fmt.Errorf("exited with %d but printed no tsc diagnostic", in.ExitCode)
	}
	return Reading{Findings: fs, Facts: map[string]float64{"errors": float64(errs)}}, nil
}

func readGoTest(in Input) (Reading, error) {
	mod, _ := golang.ModuleAt(in.Root, in.Dir) // without a go.mod, a module without a path
	rep, err := golang.ParseTestJSON(bytes.NewReader(in.Data), golang.TestOptions{Module: mod, Stderr: in.Stderr})
	if err != nil {
		return Reading{}, err
	}
	if in.ExitCode != 0 && len(rep.Findings) == 0 {
		return Reading{}, fmt.Errorf("exited with %d but reported no failing test or package", in.ExitCode)
	}
	return Reading{
		Findings: rep.Findings,
		Facts: map[string]float64{
			"tests.passed": float64(rep.Passed), "tests.failed": float64(rep.Failed),
			"tests.skipped": float64(rep.Skipped), "tests.build_failures": float64(rep.BuildFailures),
		},
		Output: rep.Text,
	}, nil
}

// RepoPath turns a path a tool printed (relative to dir, or absolute) into
// a repo-relative, forward-slash path; paths outside root stay absolute.
func RepoPath(root, dir, p string) string {
	abs := filepath.FromSlash(p)
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(dir, abs)
	}
	abs = filepath.Clean(abs)
	rel, err := filepath.Rel(root, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return filepath.ToSlash(abs)
	}
	return filepath.ToSlash(rel)
}

func atoi(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 {
		return 0
	}
	return n
}

func clip(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}
