package eslint

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/preflight-dev/preflight/model"
)

// Location says where ESLint ran, so the absolute paths in its report can
// be made repo-relative. The parser never touches the disk.
type Location struct {
	Root string // absolute repository root
	Dir  string // absolute directory ESLint ran in
}

// Rel turns a path from the report into a repo-relative, forward-slash
// path; paths outside the repository stay absolute.
func (l Location) Rel(p string) string {
	if p == "" {
		return ""
	}
	p = filepath.FromSlash(p)
	if !filepath.IsAbs(p) {
		p = filepath.Join(l.Dir, p)
	}
	r, err := filepath.Rel(l.Root, p)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return filepath.ToSlash(filepath.Clean(p))
	}
	return filepath.ToSlash(r)
}

// Report is what `eslint -f json` says about a tree.
type Report struct {
	Files            int
	Paths            []string // the files linted, repo-relative
	Errors, Warnings int      // Errors includes Fatal, as ESLint counts them
	Fatal            int      // files ESLint could not parse
	Suppressed       int      // messages silenced by eslint-disable comments
	// SuppressedKnown is false for reports without suppressedMessages
	// (ESLint before 8.8), whose suppressions cannot be counted.
	SuppressedKnown bool
	Findings        []model.Finding
}

type jsonFile struct {
	FilePath           *string       `json:"filePath"`
	Messages           []jsonMessage `json:"messages"`
	SuppressedMessages *[]struct {
		jsonMessage
		Suppressions []struct {
			Kind          string `json:"kind"`
			Justification string `json:"justification"`
		} `json:"suppressions"`
	} `json:"suppressedMessages"`
}

type jsonMessage struct {
	RuleID   *string `json:"ruleId"`
	Severity int     `json:"severity"`
	Fatal    bool    `json:"fatal"`
	Message  string  `json:"message"`
	Line     int     `json:"line"`
	Column   int     `json:"column"`
}

// ParseJSON reads the output of `eslint -f json`. Errors are high
// findings, warnings low, files ESLint could not parse blockers, and every
// suppressed message an info finding, so suppressions are shown, never
// hidden.
func ParseJSON(data []byte, loc Location) (Report, error) {
	var files []jsonFile
	if err := json.Unmarshal(data, &files); err != nil {
		return Report{}, fmt.Errorf("unreadable ESLint JSON report: %w", err)
	}
	if files == nil {
		return Report{}, errors.New("not an ESLint JSON report: expected a list of files")
	}
	rep := Report{Files: len(files), SuppressedKnown: true}
	for _, f := range files {
		if f.FilePath == nil {
			return Report{}, errors.New("not an ESLint JSON report: a file entry has no filePath")
		}
		file := loc.Rel(*f.FilePath)
		rep.Paths = append(rep.Paths, file)
		for _, m := range f.Messages {
			switch {
			case m.Severity >= 2:
				rep.Errors++
			case m.Severity == 1:
				rep.Warnings++
			default:
				continue // severity 0 is "off"; ESLint does not report those
			}
			if m.Fatal {
				rep.Fatal++
			}
			rep.Findings = append(rep.Findings, messageFinding(file, m))
		}
		if f.SuppressedMessages == nil {
			rep.SuppressedKnown = false
			continue
		}
		for _, s := range *f.SuppressedMessages {
			rep.Suppressed++
			reason := ""
			for _, sup := range s.Suppressions {
				if strings.TrimSpace(sup.Justification) != "" {
					reason = strings.TrimSpace(sup.Justification)
				}
			}
			name := "a problem"
			if s.RuleID != nil && *s.RuleID != "" {
				name = *s.RuleID
			}
			msg := name + " suppressed: " + s.Message
			if reason != "" {
				msg += " (reason: " + reason + ")"
			} else {
				msg += " (no reason given)"
			}
			rep.Findings = append(rep.Findings, model.Finding{
				Severity: model.Info, Rule: RuleSuppressed.ID, Message: msg,
				File: file, Line: max(s.Line, 0), Column: max(s.Column, 0),
			})
		}
	}
	if !rep.SuppressedKnown {
		rep.Suppressed = 0
	}
	return rep, nil
}

func messageFinding(file string, m jsonMessage) model.Finding {
	f := model.Finding{
		Severity: model.Low,
		Message:  strings.TrimSpace(m.Message),
		File:     file,
		Line:     max(m.Line, 0),
		Column:   max(m.Column, 0),
	}
	if m.Severity >= 2 {
		f.Severity = model.High
	}
	switch {
	case m.Fatal:
		f.Severity, f.Rule = model.Blocker, RuleParseError.ID
	case m.RuleID != nil && *m.RuleID != "":
		f.Rule = *m.RuleID
	case strings.HasPrefix(f.Message, "Unused eslint-disable") || strings.HasPrefix(f.Message, "Unused eslint-enable"):
		f.Rule = RuleUnusedDirective.ID
	default:
		f.Rule = RuleMessage.ID
	}
	if f.Message == "" {
		f.Message = "ESLint reported a problem without a message"
	}
	return f
}
