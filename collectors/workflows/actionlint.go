package workflows

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/preflight-dev/preflight/collectors/shellcheck"
	"github.com/preflight-dev/preflight/model"
)

// ActionlintFormat makes actionlint print its findings as one JSON array.
const ActionlintFormat = "{{json .}}"

// ActionlintHint is shown when actionlint is not installed.
const ActionlintHint = "install actionlint for more checks: go install github.com/rhysd/actionlint/cmd/actionlint@latest"

// ActionlintError is one finding as actionlint prints it with
// -format '{{json .}}'.
type ActionlintError struct {
	Message   string `json:"message"`
	Filepath  string `json:"filepath"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	Kind      string `json:"kind"`
	Snippet   string `json:"snippet"`
	EndColumn int    `json:"end_column"`
}

// ParseActionlint reads actionlint's JSON output. Empty output is no
// findings (actionlint prints nothing, or [], when all is well).
func ParseActionlint(out []byte) ([]ActionlintError, error) {
	out = bytes.TrimSpace(out)
	if len(out) == 0 {
		return nil, nil
	}
	var errs []ActionlintError
	dec := json.NewDecoder(bytes.NewReader(out))
	if err := dec.Decode(&errs); err != nil {
		return nil, fmt.Errorf("not actionlint JSON: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("not actionlint JSON: text after the findings")
	}
	for i, e := range errs {
		if e.Kind == "" || e.Message == "" || e.Filepath == "" || e.Line < 0 || e.Column < 0 {
			return nil, fmt.Errorf("actionlint finding %d lacks a kind, message or file", i+1)
		}
	}
	return errs, nil
}

// actionlintFindings turns actionlint errors into findings with
// repo-relative paths (it prints paths as it was given them, relative to
// the directory it ran in). texts are the workflows by repo-relative path,
// to place ShellCheck's comments inside run: scripts.
func actionlintFindings(errs []ActionlintError, root string, texts map[string]string) []model.Finding {
	var out []model.Finding
	for _, e := range errs {
		file := filepath.ToSlash(e.Filepath)
		if filepath.IsAbs(e.Filepath) {
			if rel, err := filepath.Rel(root, e.Filepath); err == nil && !strings.HasPrefix(rel, "..") {
				file = filepath.ToSlash(rel)
			}
		}
		file = strings.TrimPrefix(file, "./")
		f := ActionlintRule(e.Kind).Finding(file, e.Line, e.Column, e.Message)
		if e.Kind == "shellcheck" {
			fromShellcheck(&f, texts[file])
		}
		out = append(out, f)
	}
	return out
}

// shellcheckIssue is how actionlint passes on a ShellCheck comment on a
// run: script: its code, its level and where it is in the script.
var shellcheckIssue = regexp.MustCompile(`^shellcheck reported issue in this script: (SC\d+):(\w+):(\d+):(\d+): (.*)$`)

// fromShellcheck gives a ShellCheck comment ShellCheck's own level, as the
// shellcheck collector does, and moves it from the run: key actionlint
// names to the place in the script it is about.
func fromShellcheck(f *model.Finding, src string) {
	m := shellcheckIssue.FindStringSubmatch(f.Message)
	if m == nil {
		return
	}
	sev, ok := shellcheck.Severity(m[2])
	if !ok {
		return
	}
	f.Severity, f.Message = sev, m[1]+": "+m[5]
	line, _ := strconv.Atoi(m[3])
	col, _ := strconv.Atoi(m[4])
	if l, c, ok := runScriptPosition(src, f.Line, f.Column, line, col); ok {
		f.Line, f.Column = l, c
	}
}

// runScriptPosition is where line:col of the script of the run: key at
// keyLine:keyCol stands in the file: in a block scalar (run: |) the
// script's lines follow the key's, at the block's indentation; a plain
// one-line script starts after the key. ok is false for anything else (a
// quoted script, a key that is not there).
func runScriptPosition(src string, keyLine, keyCol, line, col int) (int, int, bool) {
	lines := strings.Split(src, "\n")
	if keyLine < 1 || keyLine > len(lines) || keyCol < 1 || line < 1 || col < 1 {
		return 0, 0, false
	}
	key := strings.TrimRight(lines[keyLine-1], "\r")
	if keyCol-1 > len(key) || !strings.HasPrefix(key[keyCol-1:], "run:") {
		return 0, 0, false
	}
	start := keyCol - 1 + len("run:")
	value := strings.TrimLeft(key[start:], " \t")
	start = len(key) - len(value)
	switch {
	case strings.HasPrefix(value, "|") || strings.HasPrefix(value, ">"):
		if keyLine+line > len(lines) {
			return 0, 0, false
		}
		for _, l := range lines[keyLine:] {
			if body := strings.TrimLeft(l, " "); strings.TrimSpace(l) != "" {
				return keyLine + line, len(l) - len(body) + col, true
			}
		}
	case value != "" && line == 1 && !strings.ContainsAny(value[:1], `"'`):
		return keyLine, start + col, true
	}
	return 0, 0, false
}

// withoutDuplicates drops actionlint's untrusted-input findings for inputs
// our own script-injection rule already reports in the same file. The two
// checks read the same list of inputs, but actionlint places a finding in
// a block scalar on the block's first line, so lines cannot be compared.
func withoutDuplicates(theirs, ours []model.Finding) []model.Finding {
	reported := map[string]bool{} // file + "\x00" + input
	for _, f := range ours {
		if f.Rule != RuleScriptInjection.ID {
			continue
		}
		inputs, _, _ := strings.Cut(f.Message, " is expanded")
		for _, in := range strings.Split(inputs, ", ") {
			reported[f.File+"\x00"+in] = true
		}
	}
	invalid := map[string]bool{} // files we found broken: their syntax errors are reported
	for _, f := range ours {
		if f.Rule == RuleInvalid.ID {
			invalid[f.File] = true
		}
	}
	var out []model.Finding
	for _, f := range theirs {
		if f.Rule == "actionlint/syntax-check" && invalid[f.File] {
			continue
		}
		if m := untrustedMessageRE.FindStringSubmatch(f.Message); m != nil && f.Rule == "actionlint/expression" &&
			reported[f.File+"\x00"+strings.ToLower(m[1])] {
			continue
		}
		out = append(out, f)
	}
	return out
}

// untrustedMessageRE reads the input out of actionlint's message.
var untrustedMessageRE = regexp.MustCompile(`^"([^"]+)" is potentially untrusted`)
