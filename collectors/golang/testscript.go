package golang

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/preflight-dev/preflight/model"
)

// testscriptFail is how testscript (github.com/rogpeppe/go-internal)
// reports a failed script: the script's file and line, relative to the
// package unless it is absolute, and why.
var testscriptFail = regexp.MustCompile(`^\s+FAIL: (\S+):(\d+): (.*)$`)

// scriptFailure is a failed testscript script read from its test's output.
type scriptFailure struct {
	file    string
	line    int
	why     string
	command string // the script's command that failed, as testscript echoes it
	stderr  string // the first line it wrote to stderr
}

// readTestscript finds testscript's FAIL line in a test's output, with the
// command before it and that command's first line of stderr. Its log of
// the environment (testscript.go:NN: WORK=…) is not the failure.
func readTestscript(out string) (scriptFailure, bool) {
	var s scriptFailure
	inStderr := false
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimRight(l, "\r")
		if m := testscriptFail.FindStringSubmatch(l); m != nil && !strings.HasSuffix(m[1], ".go") {
			n, err := strconv.Atoi(m[2])
			if err != nil || n <= 0 {
				continue
			}
			s.file, s.line, s.why = m[1], n, strings.TrimSpace(m[3])
			return s, true
		}
		t := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(t, "> "):
			s.command, s.stderr, inStderr = t, "", false
		case t == "[stderr]":
			inStderr = true
		case strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]"):
			inStderr = false
		case inStderr && s.stderr == "" && t != "":
			s.stderr = t
		}
	}
	return scriptFailure{}, false
}

// testscriptFinding places a failed script at its own line.
func (p *testParser) testscriptFinding(pkg *testPackage, tc *testCase, s scriptFailure) model.Finding {
	f := model.Finding{Severity: model.Blocker, Rule: RuleTestFailed, Line: s.line}
	switch {
	case filepath.IsAbs(s.file):
		f.File = p.opt.RelFile(s.file)
	case p.opt.PackageDir(pkg.path) != "":
		f.File = p.opt.RelFile(filepath.Join(p.opt.PackageDir(pkg.path), filepath.FromSlash(s.file)))
	default:
		f.Line = 0
	}
	f.Message = tc.name + " failed: " + s.why
	if s.command != "" {
		f.Message += " (" + s.command
		if s.stderr != "" {
			f.Message += ": " + s.stderr
		}
		f.Message += ")"
	}
	p.machineLacks(&f, tc, tc.name, strings.TrimPrefix(f.Message, tc.name+" failed: "))
	return f
}
