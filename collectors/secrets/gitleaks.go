package secrets

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/proc"
)

// GitleaksTool is the optional external scanner, run when on PATH.
const GitleaksTool = "gitleaks"

// GitleaksHint is shown when gitleaks is not installed: the built-in rules
// know a handful of token formats, gitleaks hundreds.
const GitleaksHint = "gitleaks is not on PATH, so only preflight's built-in rules ran; install it for the token formats it knows: go install github.com/zricethezav/gitleaks/v8@latest"

// GitleaksFinding is one entry of gitleaks's JSON report. Only the fields
// preflight reads are declared; Secret is deliberately absent: gitleaks is
// run with --redact, and preflight never reads a secret from a tool's
// output. Match is read for what stands around the secret in it (`key: `
// before REDACTED), never for the secret.
type GitleaksFinding struct {
	RuleID      string `json:"RuleID"`
	Description string `json:"Description"`
	File        string `json:"File"`
	StartLine   int    `json:"StartLine"`
	EndLine     int    `json:"EndLine"`
	StartColumn int    `json:"StartColumn"`
	EndColumn   int    `json:"EndColumn"`
	Match       string `json:"Match"`
}

// redactedMark is what gitleaks --redact writes in place of a secret.
const redactedMark = "REDACTED"

// ParseGitleaks reads gitleaks's JSON report (an array of findings; an
// empty scan may print nothing at all).
func ParseGitleaks(out []byte) ([]GitleaksFinding, error) {
	if strings.TrimSpace(string(out)) == "" {
		return nil, nil
	}
	var fs []GitleaksFinding
	if err := json.Unmarshal(out, &fs); err != nil {
		return nil, fmt.Errorf("gitleaks printed something other than its JSON report: %v", err)
	}
	var lines []struct {
		StartLine *int `json:"StartLine"`
	}
	if err := json.Unmarshal(out, &lines); err != nil || len(lines) != len(fs) {
		return nil, fmt.Errorf("gitleaks printed something other than its JSON report: %v", err)
	}
	for i, f := range fs {
		// Line 0 is the whole file: a binary one, such as a PKCS#12 key
		// store (pkcs12-file), as gofiber/recipes holds.
		if f.RuleID == "" || f.File == "" || lines[i].StartLine == nil || f.StartLine < 0 {
			return nil, fmt.Errorf("gitleaks finding %d lacks a rule, file or line", i+1)
		}
	}
	return fs, nil
}

// gitleaksArgs scan one directory or file as it is on disk (not the git
// history: preflight judges the tree as it is now), redacted, with the
// report on stdout and exit code 0 whether or not it found anything, so a
// non-zero exit means gitleaks itself failed. A tree of links (linkTree)
// is scanned through its links.
func gitleaksArgs(target string) []string {
	args := []string{"dir", "--no-banner", "--no-color", "--redact", "--log-level", "warn",
		"--report-format", "json", "--report-path", "-", "--exit-code", "0"}
	if isLinkTree(target) {
		args = append(args, "--follow-symlinks")
	}
	return append(args, target)
}

// linkTreePrefix names the temporary directories linkTree makes.
const linkTreePrefix = "preflight-gitleaks-"

// linkTree makes a temporary directory that holds a link to each of the
// repository's files (repo-relative) at its place, for gitleaks to scan
// instead of the working tree: gitleaks knows no .gitignore, and would
// read build output and caches (a .next/ of hundreds of megabytes) only
// for its findings there to be dropped. Only regular files inside the
// repository are linked, never what lies in dependencies or fixtures.
func linkTree(root string, files []string) (string, error) {
	real, err := filepath.EvalSymlinks(root)
	if err != nil {
		return "", err
	}
	tree, err := os.MkdirTemp("", linkTreePrefix)
	if err != nil {
		return "", err
	}
	for _, rel := range files {
		if collectors.NotTheProjects(rel) {
			continue
		}
		src := filepath.Join(real, filepath.FromSlash(rel))
		if st, err := os.Lstat(src); err != nil || !st.Mode().IsRegular() {
			continue
		}
		link := filepath.Join(tree, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(link), 0o700); err != nil {
			os.RemoveAll(tree)
			return "", err
		}
		if err := os.Symlink(src, link); err != nil {
			os.RemoveAll(tree)
			return "", err
		}
	}
	return tree, nil
}

func isLinkTree(target string) bool {
	return strings.HasPrefix(filepath.Base(target), linkTreePrefix) && filepath.Dir(target) == filepath.Clean(os.TempDir())
}

// runGitleaks scans target (absolute) at the root of req, with the
// runner's timeout and process group, and returns its arguments, the run
// and its findings with file names made repo-relative.
func runGitleaks(ctx context.Context, b collectors.Base, req collectors.Request, target string) ([]string, proc.Output, []GitleaksFinding, error) {
	args := gitleaksArgs(target)
	ran, stopped := b.Exec(ctx, req, collectors.Invocation{Tool: GitleaksTool, Dir: ".", Name: GitleaksTool, Args: args})
	out := ran.Out
	if stopped != nil {
		return args, out, nil, errors.New(stopped.Error)
	}
	if out.ExitCode != 0 {
		return args, out, nil, fmt.Errorf("gitleaks exited %d: %s", out.ExitCode, collectors.FirstLine(string(out.Stderr)))
	}
	fs, err := ParseGitleaks(out.Stdout)
	if err != nil {
		return args, out, nil, err
	}
	for i := range fs {
		fs[i].File = relTo(req.Root, target, fs[i].File)
	}
	return args, out, fs, nil
}

// relTo makes a path gitleaks printed repo-relative: it prints paths as
// given on its command line, relative to the target directory or as the
// file's own path when the target is a file.
func relTo(root, target, p string) string {
	if isLinkTree(target) {
		// Through a link gitleaks names the file the link leads to.
		if real, err := filepath.EvalSymlinks(root); err == nil {
			root = real
		}
	}
	if !filepath.IsAbs(p) {
		if st, err := os.Stat(target); err == nil && st.IsDir() {
			p = filepath.Join(target, p)
		} else {
			p = filepath.Join(root, p)
		}
	}
	rel, err := filepath.Rel(root, p)
	if err != nil || strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(p)
	}
	return filepath.ToSlash(rel)
}

// gitleaksHit turns a gitleaks finding into a hit. gitleaks redacts the
// value, so its length and digest are taken from the file itself at the
// reported span; lines is the file's content.
func gitleaksHit(f GitleaksFinding, lines []string, r *Redactor) Hit {
	f = realigned(f, lines)
	h := Hit{
		Rule: RuleGitleaks.ID, Line: f.StartLine, Column: max(1, f.StartColumn-columnShift(f.StartLine)),
		What: "gitleaks " + f.RuleID, Like: likeGitleaks(f.RuleID),
	}
	if v := gitleaksSpan(f, lines); v != "" {
		h.Length, h.Digest = len(v), r.Digest(v)
		if h.Like == RuleStripeLiveKey.ID && stripeTestKey.MatchString(v) {
			// gitleaks's Stripe rule takes test-mode keys too; they reach
			// the account's test data, never its money.
			h.Like, h.What = RuleHardcodedSecret.ID, h.What+" (test mode)"
		}
	}
	return h
}

// stripeTestKey is a Stripe test-mode secret or restricted key.
var stripeTestKey = regexp.MustCompile(`^[sr]k_test_`)

// gitleaksSpan is the matched text at a finding's location. gitleaks's
// columns are 1-based on the first line of a file but one higher on every
// other line (it counts the newline before the line), and the match can
// include the quote or delimiter around the secret, which is trimmed.
func gitleaksSpan(f GitleaksFinding, lines []string) string {
	if f.StartLine < 1 || f.StartLine > len(lines) || f.EndLine < f.StartLine || f.EndLine > len(lines) {
		return ""
	}
	start := f.StartColumn - 1 - columnShift(f.StartLine)
	end := f.EndColumn - columnShift(f.EndLine)
	first, last := lines[f.StartLine-1], lines[f.EndLine-1]
	if start < 0 || start > len(first) || end < 0 || end > len(last) {
		return ""
	}
	var v string
	if f.StartLine == f.EndLine {
		if end < start {
			return ""
		}
		v = first[start:end]
	} else {
		parts := []string{first[start:]}
		parts = append(parts, lines[f.StartLine:f.EndLine-1]...)
		parts = append(parts, last[:end])
		v = strings.Join(parts, "\n")
	}
	// The match may hold the key before the secret (generic-api-key's
	// `key: REDACTED`): the secret is what stands where REDACTED does, so
	// the same value has the same length and digest wherever it is.
	if before, after, ok := strings.Cut(f.Match, redactedMark); ok && len(before)+len(after) < len(v) &&
		strings.HasPrefix(v, before) && strings.HasSuffix(v, after) {
		v = v[len(before) : len(v)-len(after)]
	}
	return strings.Trim(v, "\"'`;, \t")
}

// realigned moves a one-line match to where its text stands when it does
// not stand at the reported column: gitleaks's columns drift on very long
// lines (a minified patch's line of 289,222 characters), and a column that
// shows other code sends the user to the wrong place. The text before
// REDACTED in the match must occur once in the line, else it is left.
func realigned(f GitleaksFinding, lines []string) GitleaksFinding {
	before, _, _ := strings.Cut(f.Match, redactedMark)
	if before == "" || f.StartLine != f.EndLine || f.StartLine < 1 || f.StartLine > len(lines) {
		return f
	}
	line := lines[f.StartLine-1]
	start := f.StartColumn - 1 - columnShift(f.StartLine)
	if start >= 0 && start <= len(line) && strings.HasPrefix(line[start:], before) {
		return f
	}
	if i := strings.Index(line, before); i >= 0 && strings.Count(line, before) == 1 {
		f.EndColumn += i - start
		f.StartColumn += i - start
	}
	return f
}

// columnShift is how far gitleaks's columns on a line are past 1-based.
func columnShift(line int) int {
	if line > 1 {
		return 1
	}
	return 0
}

// likeGitleaks maps gitleaks rule ids to the built-in rule that finds the
// same kind of secret, so one sample token weighs the same whichever
// scanner saw it (and gets the same lower severity in docs and tests).
// Rules without a built-in counterpart keep secrets/gitleaks's severity.
func likeGitleaks(ruleID string) string {
	id := strings.ToLower(ruleID)
	switch {
	case id == "jwt" || strings.HasPrefix(id, "jwt-"):
		return RuleJWT.ID
	case id == "generic-api-key":
		return RuleHardcodedSecret.ID
	case id == "private-key":
		return RulePrivateKey.ID
	case strings.HasPrefix(id, "aws-"):
		return RuleAWSAccessKey.ID
	case strings.HasPrefix(id, "github-"):
		return RuleGitHubToken.ID
	case id == "slack-webhook-url":
		return RuleSlackWebhook.ID
	case strings.HasPrefix(id, "slack-"):
		return RuleSlackToken.ID
	case strings.HasPrefix(id, "stripe-"):
		return RuleStripeLiveKey.ID
	case id == "gcp-api-key":
		return RuleGoogleAPIKey.ID
	}
	return ""
}
