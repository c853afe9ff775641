// Package filerules is what every file-rule collector (Dockerfile, compose,
// Kubernetes, CI workflows) does around its rules: read its files the safe
// way, turn a file that cannot be read or parsed into a finding at its line
// (its siblings are still checked), apply the inline suppressions, and
// finish the result with ids, order and an evidence excerpt.
package filerules

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/deployfiles"
	"github.com/preflight-dev/preflight/collectors/rules"
	"github.com/preflight-dev/preflight/internal/repofs"
	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/proc"
)

// RuleUnreadable is a file the collector must check but may not or cannot
// read: a FIFO or device under a checked name, a symlink leading out of the
// repository, a file over the size cap.
var RuleUnreadable = rules.Rule{
	ID:        "preflight/unreadable-file",
	Severity:  model.High,
	Title:     "a file that should be checked cannot be read",
	Rationale: "preflight reads only regular files inside the repository, within a size cap; a file it refuses is not checked, and the tools that use it may refuse it too.",
	Fix:       "Make it a regular file inside the repository (not a FIFO, a device or a symlink leading out), or remove it.",
}

// AllRules lists the rule every file-rule family shares, for the rule
// catalogue.
func AllRules() []rules.Rule { return []rules.Rule{RuleUnreadable} }

// Run gathers the findings and evidence of one run over a collector's files.
type Run struct {
	Root       string
	texts      map[string]string // files read, for their suppressions
	findings   []model.Finding
	suppressed int
	Evidence   []string
}

// New starts a run over the files of the repository at root.
func New(root string) *Run { return &Run{Root: root, texts: map[string]string{}} }

// Read reads a repo-relative file. A file removed since detection is
// skipped quietly (the next detection drops it); one that is refused is a
// finding. ok is false in both cases.
func (r *Run) Read(rel string) (src []byte, ok bool) {
	src, err := repofs.ReadFile(r.Root, rel)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, false
	case err != nil:
		msg := strings.ReplaceAll(err.Error(), r.Root+"/", "")
		r.findings = append(r.findings, RuleUnreadable.Finding(rel, 0, 0, "cannot read "+rel+": "+msg))
		r.Evidence = append(r.Evidence, rel+": "+msg)
		return nil, false
	}
	r.texts[rel] = string(src)
	return src, true
}

// Add records the findings of a file read with Read, after its inline
// suppressions, and says how many are shown (with those of suppressions
// that give no reason) and how many were suppressed. Call it for every
// file checked, even without findings, so that its reasonless
// suppressions are reported.
func (r *Run) Add(file string, fs []model.Finding) (shown, suppressed int) {
	kept, n, extra := Suppress(fs, map[string]string{file: r.texts[file]}, nil)
	r.findings = append(append(r.findings, kept...), extra...)
	r.suppressed += n
	return len(kept) + len(extra), n
}

// Invalid records a file its tool would refuse as a finding of rule at
// line:col, with the offending line as a short excerpt.
func (r *Run) Invalid(rule rules.Rule, file string, line, col int, msg string) {
	f := rule.Finding(file, line, col, Describe(msg, r.texts[file], line))
	r.findings = append(r.findings, f)
	r.Evidence = append(r.Evidence, f.Location()+": "+f.Message)
}

// Describe is a parse error's message on one line, with the source line it
// points at (redacted, clipped) when there is one.
func Describe(msg, text string, line int) string {
	msg = strings.Join(strings.Fields(msg), " ")
	if line <= 0 {
		return msg
	}
	lines := strings.Split(text, "\n")
	if line > len(lines) {
		return msg
	}
	src := strings.TrimSpace(deployfiles.RedactLine(strings.TrimRight(lines[line-1], "\r")))
	if src == "" {
		return msg
	}
	return msg + " (at: " + Clip(src, 80) + ")"
}

// Clip makes text fit one line of a finding: control characters become
// spaces (none reaches a terminal), runs of spaces one, and it is cut to n
// bytes on a character boundary.
func Clip(s string, n int) string {
	s = strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)), " ")
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && (s[cut]&0xC0) == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}

// Result names the findings' collector and domain, orders them and gives
// them ids. The result is ok: a malformed file is a finding, not a failure
// of the collector. Facts has "suppressed"; the caller adds its own.
func (r *Run) Result(id, kind, domain string) model.Result {
	Finish(r.findings, id, domain)
	return model.Result{Collector: id, Kind: kind, Domain: domain, Status: model.StatusOK, ExitCode: -1,
		Findings: r.findings, Facts: map[string]float64{"suppressed": float64(r.suppressed)},
		Output: proc.Excerpt(strings.Join(r.Evidence, "\n"), 40)}
}

// Finish names the collector and domain of findings, sorts them by place
// and rule, and assigns their ids.
func Finish(fs []model.Finding, id, domain string) {
	for i := range fs {
		fs[i].Collector, fs[i].Domain = id, domain
	}
	sort.SliceStable(fs, func(i, j int) bool { return model.ComparePlace(fs[i], fs[j]) < 0 })
	model.AssignIDs(fs)
}

// Plural is "1 thing" or "n things".
func Plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// Target is one directory a file-rule collector checks.
type Target struct {
	Dir   string
	ID    string   // kind:<name>, see collectors.TargetNames
	Files []string // repo-relative, sorted, each once
}

// Targets groups files by directory, in directory order, one target each.
func Targets(root, kind string, files []string) []Target {
	byDir := map[string]map[string]bool{}
	for _, f := range files {
		d := path.Dir(f)
		if byDir[d] == nil {
			byDir[d] = map[string]bool{}
		}
		byDir[d][f] = true
	}
	dirs := slices.Sorted(maps.Keys(byDir))
	names := collectors.TargetNames(dirs)
	out := make([]Target, len(dirs))
	for i, d := range dirs {
		out[i] = Target{Dir: d, ID: kind + ":" + names[d]}
		for f := range byDir[d] {
			out[i].Files = append(out[i].Files, f)
		}
		sort.Strings(out[i].Files)
	}
	return out
}
