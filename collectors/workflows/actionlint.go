package workflows

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

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
// the directory it ran in).
func actionlintFindings(errs []ActionlintError, root string) []model.Finding {
	var out []model.Finding
	for _, e := range errs {
		file := filepath.ToSlash(e.Filepath)
		if filepath.IsAbs(e.Filepath) {
			if rel, err := filepath.Rel(root, e.Filepath); err == nil && !strings.HasPrefix(rel, "..") {
				file = filepath.ToSlash(rel)
			}
		}
		file = strings.TrimPrefix(file, "./")
		out = append(out, ActionlintRule(e.Kind).Finding(file, e.Line, e.Column, e.Message))
	}
	return out
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
