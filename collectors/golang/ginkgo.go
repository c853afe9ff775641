package golang

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/model"
)

// ginkgoFailure is the first failure a Ginkgo suite printed under its Go
// test: where ("In [It] at: /abs/suite_test.go:64") and what ("[FAILED]
// Expected <int>: 1 to equal <int>: 2"). Ginkgo prints no "file.go:NN:"
// lines, so the testing package's reading finds nothing in a suite.
type ginkgoFailure struct {
	node     string // BeforeSuite, It …
	file     string // as printed: absolute
	line     int
	text     string
	failures int  // how many the suite summarised
	noneRan  bool // "Ran 0 of N Specs": a suite node failed before any spec
}

var (
	ginkgoAt      = regexp.MustCompile(`^\s*In \[([^\]]+)\] at: (\S+\.go):(\d+)`)
	ginkgoFailed  = regexp.MustCompile(`^\s*\[FAILED\] ?(.*)$`)
	ginkgoSummary = regexp.MustCompile(`^Summarizing (\d+) Failures?:`)
	ginkgoRan0    = regexp.MustCompile(`^Ran 0 of \d+ Specs?\b`)
	// gomegaType is Gomega's type annotation of a value: <*fs.PathError | 0xc0001>:
	gomegaType = regexp.MustCompile(`<[^<>]*>:\s*`)
)

// maxGinkgoText bounds the failure text a finding quotes.
const maxGinkgoText = 200

// readGinkgo finds the first failure of a Ginkgo suite in a test's output.
func readGinkgo(out string) (ginkgoFailure, bool) {
	var g ginkgoFailure
	var text []string
	inFailure, found := false, false
	for _, l := range strings.Split(collectors.StripANSI(out), "\n") {
		l = strings.TrimRight(l, "\r")
		switch m := ginkgoAt.FindStringSubmatch(l); {
		case m != nil && !found:
			n, _ := strconv.Atoi(m[3])
			g.node, g.file, g.line, found = m[1], m[2], n, true
			inFailure = false
		case !found && ginkgoFailed.MatchString(l) && len(text) == 0:
			text = append(text, ginkgoFailed.FindStringSubmatch(l)[1])
			inFailure = true
		case inFailure:
			t := strings.TrimSpace(gomegaType.ReplaceAllString(l, ""))
			// Gomega prints an error's struct after its message; the
			// message says it.
			if t == "" || t == "{" || t == "}" || t == "occurred" || strings.HasSuffix(t, ",") {
				continue
			}
			text = append(text, t)
		}
		if m := ginkgoSummary.FindStringSubmatch(l); m != nil {
			g.failures, _ = strconv.Atoi(m[1])
		}
		if ginkgoRan0.MatchString(l) {
			g.noneRan = true
		}
	}
	if !found {
		return g, false
	}
	g.text = strings.Join(text, " ")
	if len(g.text) > maxGinkgoText {
		g.text = g.text[:maxGinkgoText] + "…"
	}
	return g, true
}

// ginkgoFinding is the finding of a Go test that ran a Ginkgo suite: at
// the failure's place, with its node and text. A suite node (BeforeSuite)
// that could not start what the suite needs (envtest's etcd, a database)
// before any spec ran is the machine's lack, as needs-service says.
func (p *testParser) ginkgoFinding(pkg *testPackage, tc *testCase, g ginkgoFailure) model.Finding {
	f := model.Finding{Severity: model.Blocker, Rule: RuleTestFailed,
		Message: tc.name + " failed: [" + g.node + "] " + g.text}
	if p.inModule(g.file) {
		f.File, f.Line = p.opt.RelFile(g.file), g.line
	}
	if g.failures > 1 {
		f.Message += fmt.Sprintf(" (the first of %d failures)", g.failures)
	}
	if g.noneRan && strings.Contains(g.node, "Suite") && (unreachableService(g.text) != "" || missingProgram(g.text)) {
		f.Severity, f.Rule = model.Medium, RuleNeedsService
		f.Message = pkg.path + " ran none of its specs: its " + g.node + " could not start what the suite needs here (" + g.text +
			"); install or start it (the project's make test may), or keep the suite out of go test ./... with a build tag"
	}
	return f
}

// missingProgram reports an error that says a program to run is not
// installed: fork/exec /usr/local/kubebuilder/bin/etcd: no such file or
// directory, exec: "docker": executable file not found in $PATH.
func missingProgram(text string) bool {
	return strings.Contains(text, "executable file not found") ||
		strings.Contains(text, "fork/exec") && strings.Contains(text, "no such file or directory")
}
