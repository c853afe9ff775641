package filerules

import (
	"strings"

	"github.com/preflight-dev/preflight/collectors/rules"
	"github.com/preflight-dev/preflight/model"
)

// Suppress honours the `preflight:ignore RULE reason` comments of the files
// in texts (repo-relative path → text). Beyond what rules.Apply does (a
// comment covers its own line and the next), every suppression in a block
// of comment lines covers the first line below the block, so several rules
// reported at one line (a compose service, a FROM) can each be suppressed on
// a line of their own. Findings of the rules in wide that have no line
// belong to the whole set of files: a suppression of their rule in any file
// covers them. Suppressions without a reason are reported at their lines.
// Findings in files not in texts are kept as they are.
func Suppress(findings []model.Finding, texts map[string]string, wide []string) (kept []model.Finding, suppressed int, extra []model.Finding) {
	sups := map[string][]rules.Suppression{}
	anywhere := map[string]bool{}
	for file, text := range texts {
		sups[file] = rules.ParseSuppressions(text)
		for _, s := range sups[file] {
			anywhere[s.Rule] = true
		}
	}
	isWide := map[string]bool{}
	for _, id := range wide {
		isWide[id] = true
	}
	byFile := map[string][]model.Finding{}
	var files []string
	for _, f := range findings {
		if isWide[f.Rule] && f.Line == 0 && anywhere[f.Rule] {
			suppressed++
			continue
		}
		if _, ok := byFile[f.File]; !ok {
			files = append(files, f.File)
		}
		byFile[f.File] = append(byFile[f.File], f)
	}
	for _, file := range files {
		text, ok := texts[file]
		if !ok {
			kept = append(kept, byFile[file]...)
			continue
		}
		k, n := apply(file, text, sups[file], byFile[file])
		kept = append(kept, k...)
		suppressed += n
	}
	for file, s := range sups {
		_, _, x := rules.Apply(file, nil, s)
		extra = append(extra, x...)
	}
	return kept, suppressed, extra
}

func apply(file, text string, sups []rules.Suppression, findings []model.Finding) ([]model.Finding, int) {
	if len(sups) == 0 {
		return findings, 0
	}
	lines := strings.Split(text, "\n")
	moved := make([]rules.Suppression, len(sups))
	for i, s := range sups {
		moved[i] = s
		if s.Line <= len(lines) && isComment(lines[s.Line-1]) {
			last := s.Line
			for last < len(lines) && isComment(lines[last]) {
				last++
			}
			moved[i].Line = last // rules.Apply covers last+1, the line below the block
		}
	}
	kept, n, _ := rules.Apply(file, findings, moved)
	return kept, n
}

func isComment(line string) bool {
	return strings.HasPrefix(strings.TrimSpace(line), "#")
}
