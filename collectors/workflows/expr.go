package workflows

import (
	"regexp"
	"strings"
)

// untrustedInputs are the github context values an outside contributor
// controls (the GitHub Security Lab list): an issue title, a branch name,
// a commit message. Expanded by ${{ }} into a script they become code.
// "*" stands for any array index.
var untrustedInputs = [][]string{
	{"github", "event", "issue", "title"},
	{"github", "event", "issue", "body"},
	{"github", "event", "pull_request", "title"},
	{"github", "event", "pull_request", "body"},
	{"github", "event", "pull_request", "head", "ref"},
	{"github", "event", "pull_request", "head", "label"},
	{"github", "event", "pull_request", "head", "repo", "default_branch"},
	{"github", "event", "comment", "body"},
	{"github", "event", "review", "body"},
	{"github", "event", "review_comment", "body"},
	{"github", "event", "pages", "*", "page_name"},
	{"github", "event", "commits", "*", "message"},
	{"github", "event", "commits", "*", "author", "email"},
	{"github", "event", "commits", "*", "author", "name"},
	{"github", "event", "head_commit", "message"},
	{"github", "event", "head_commit", "author", "email"},
	{"github", "event", "head_commit", "author", "name"},
	{"github", "event", "workflow_run", "head_branch"},
	{"github", "event", "workflow_run", "head_commit", "message"},
	{"github", "event", "workflow_run", "head_commit", "author", "email"},
	{"github", "event", "workflow_run", "head_commit", "author", "name"},
	{"github", "event", "workflow_run", "pull_requests", "*", "head", "ref"},
	{"github", "event", "discussion", "title"},
	{"github", "event", "discussion", "body"},
	{"github", "head_ref"},
}

// Expression is one ${{ … }} in a string.
type Expression struct {
	Text   string // the whole ${{ … }}
	Offset int    // byte offset of "${{" in the string
}

// Expressions finds the ${{ … }} expressions in s. An unterminated one
// runs to the end of s.
func Expressions(s string) []Expression {
	var out []Expression
	for i := 0; i < len(s); {
		j := strings.Index(s[i:], "${{")
		if j < 0 {
			break
		}
		start := i + j
		end := strings.Index(s[start+3:], "}}")
		if end < 0 {
			out = append(out, Expression{Text: s[start:], Offset: start})
			break
		}
		stop := start + 3 + end + 2
		out = append(out, Expression{Text: s[start:stop], Offset: start})
		i = stop
	}
	return out
}

// stringLiteral is a string in an expression: in single quotes, a quote
// inside doubled.
var stringLiteral = regexp.MustCompile(`'((?:[^']|'')*)'`)

// Values are the strings the expression may give, unquoted: its string
// literals but those compared with something (github.event_name ==
// 'push') or passed after a function's first argument (contains(x,
// 'main')), which are not what it gives.
func (e Expression) Values() []string {
	var out []string
	for _, m := range stringLiteral.FindAllStringSubmatchIndex(e.Text, -1) {
		before := strings.TrimSpace(e.Text[:m[0]])
		after := strings.TrimSpace(e.Text[m[1]:])
		if comparison(before[max(0, len(before)-2):]) || comparison(after[:min(2, len(after))]) || strings.HasSuffix(before, ",") {
			continue
		}
		out = append(out, strings.ReplaceAll(e.Text[m[2]:m[3]], "''", "'"))
	}
	return out
}

func comparison(op string) bool {
	switch op {
	case "==", "!=", "<=", ">=":
		return true
	}
	return strings.HasSuffix(op, "<") || strings.HasSuffix(op, ">") || strings.HasPrefix(op, "<") || strings.HasPrefix(op, ">")
}

// contextRE matches a property path on the github context:
// github.event.issue.title, github.event['issue'].title,
// github.event.commits[0].message, github.event.commits.*.message.
var contextRE = regexp.MustCompile(`(?i)\bgithub(?:\s*\.\s*(?:[a-z_][a-z0-9_-]*|\*)|\s*\[\s*(?:'[^']*'|"[^"]*"|[^\]]*)\s*\])*`)

// UntrustedInputs returns the untrusted github context paths an expression
// reads, normalised (lower case, indexes as *). A path counts when it is
// an untrusted value or an object holding one (toJSON(github.event)).
func UntrustedInputs(expr string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range contextRE.FindAllString(expr, -1) {
		segs := contextPath(m)
		if len(segs) < 2 || !untrusted(segs) {
			continue
		}
		p := strings.Join(segs, ".")
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// contextPath splits a matched property path into segments.
func contextPath(m string) []string {
	var segs []string
	s := strings.ToLower(m)
	for s != "" {
		s = strings.TrimLeft(s, " \t\r\n.")
		if s == "" {
			break
		}
		if s[0] == '[' {
			end := strings.IndexByte(s, ']')
			if end < 0 {
				end = len(s) - 1
			}
			inner := strings.TrimSpace(s[1:end])
			if len(inner) >= 2 && (inner[0] == '\'' || inner[0] == '"') && inner[len(inner)-1] == inner[0] &&
				!strings.ContainsAny(inner[1:len(inner)-1], ". \t\r\n") {
				segs = append(segs, inner[1:len(inner)-1])
			} else {
				segs = append(segs, "*")
			}
			s = s[end+1:]
			continue
		}
		end := strings.IndexAny(s, ".[ \t\r\n")
		if end < 0 {
			end = len(s)
		}
		segs = append(segs, s[:end])
		s = s[end:]
	}
	return segs
}

// untrusted reports whether path is an untrusted input or a prefix of one.
func untrusted(path []string) bool {
	for _, u := range untrustedInputs {
		if len(path) > len(u) {
			continue
		}
		match := true
		for i, seg := range path {
			if u[i] != "*" && seg != "*" && seg != u[i] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

// prHeadRefs are the expressions and refs that name the code of a pull
// request rather than the base branch.
var prHeadRefs = []string{
	"github.event.pull_request.head.sha",
	"github.event.pull_request.head.ref",
	"github.event.pull_request.head.repo.full_name",
	"github.event.pull_request.merge_commit_sha",
	"github.event.pull_request.number",
	"github.head_ref",
	"refs/pull/",
}

// namesPRHead reports whether a checkout ref or repository names the pull
// request's own code.
func namesPRHead(s string) bool {
	l := strings.ToLower(strings.ReplaceAll(s, " ", ""))
	for _, r := range prHeadRefs {
		if r == "github.event.pull_request.number" {
			// Only as part of refs/pull/<number>/…, covered below.
			continue
		}
		if strings.Contains(l, r) {
			return true
		}
	}
	return false
}

// prCheckoutCommandRE matches shell commands that fetch or check out a
// pull request's head: gh pr checkout, git fetch origin pull/1/head, git
// checkout ${{ github.event.pull_request.head.sha }}.
var prCheckoutCommandRE = regexp.MustCompile(`(?i)\bgh\s+pr\s+checkout\b|\bgit\s+(?:fetch|checkout|switch|pull)\b[^\n]*(?:refs/pull/|\bpull/[^/\s]+/(?:head|merge)\b|github\.event\.pull_request\.(?:head\.(?:sha|ref)|merge_commit_sha)|github\.head_ref)`)
