package golang

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/reach"
	"github.com/preflight-dev/preflight/model"
)

// Rules used by the test collector.
const (
	RuleTestFailed    = "test-failed"    // a test reported a failure
	RuleTestPanic     = "test-panic"     // a test (or the test binary) panicked or crashed
	RuleTestTimeout   = "test-timeout"   // the test binary hit go test's -timeout
	RuleBuildFailed   = "build-failed"   // a package or its test files did not compile
	RulePackageFailed = "package-failed" // a package failed with no failing test to blame
	RuleNeedsService  = "needs-service"  // a package stopped before its tests: a service it waits for is not reachable here
	RuleNoTests       = "no-tests"       // the module has no test: a green run that checked nothing
)

// maxUnparsedLines is how many non-JSON lines on stdout are tolerated
// before the output is judged unreadable. go test -json wraps everything a
// test binary prints, so stray lines come only from unusual wrappers.
const maxUnparsedLines = 5

// TestOptions locate the output of one `go test -json` run.
type TestOptions struct {
	Module
	// Stderr is the text go test printed beside the JSON. Before Go 1.24
	// build errors went there as text instead of build-output events.
	Stderr []byte
	// IsLogCall reports whether a test output line came from t.Log rather
	// than t.Error or t.Fatal; the two look alike in the output. It gets
	// the repo-relative file and line. nil treats every line as a failure.
	IsLogCall func(file string, line int) bool
	// Locate finds the file a message names by base name only when it is
	// not in the test's package (t.Fatalf in a helper package): dir is the
	// package's absolute directory. It returns an absolute path, or "" when
	// the file cannot be told. nil joins the name to dir.
	Locate func(dir, base string) string
	// Declared finds where a test function is declared among the _test.go
	// files of a package's absolute directory: a repo-relative file and
	// line, "" when it cannot be told. nil says nothing.
	Declared func(dir, test string) (file string, line int)
	// NoDocker reports that no Docker daemon answers on this machine; nil
	// is not known. A test that fails saying it could not start or reach
	// its containers then needs a service (see needs-service).
	NoDocker func() bool
	// Machine says which hosts and programs this machine lacks: a test
	// that fails for want of one needs it here (needs-service).
	Machine reach.Machine
}

// TestReport is a `go test -json` run, read.
type TestReport struct {
	// Passed and Skipped count tests without subtests: a parent's result is
	// only the sum of its subtests'. Failed counts the tests reported as
	// findings: every failed test without subtests, plus a parent that
	// failed on its own (a failure message or panic of its own), not one
	// that failed only because a subtest did, nor a suite that could not
	// start what it needs (needs-service).
	Passed, Failed, Skipped int
	// BuildFailures counts packages whose tests could not be built.
	BuildFailures int
	// Findings are blockers with Collector and Domain left for the caller.
	Findings []model.Finding
	// Events counts the JSON events read.
	Events int
	// Unparsed holds the non-JSON lines found on stdout.
	Unparsed []string
	// Text is the failure output as go test would print it without -json
	// (or the package summary lines when nothing failed), for evidence.
	Text string
}

type testEvent struct {
	Action      string
	Package     string
	Test        string
	Output      string
	FailedBuild string
	ImportPath  string
}

type testCase struct {
	name     string
	action   string // pass, fail, skip; "" while it never finished
	out      strings.Builder
	parent   *testCase
	children int
	failed   int // children that failed
	// A panic in a subtest is printed after the "--- FAIL" lines of its
	// parents, so test2json files it under the top-level test. adopted
	// holds such a panic moved to the subtest it came from; handedOn marks
	// the parent it was taken from.
	adopted  string
	handedOn bool
	// lacking: it failed for what this machine lacks (a Docker daemon
	// for its containers, the network); it ran, so go test counts it as
	// failed.
	lacking bool
}

// output is the test's own output, with a panic moved to where it belongs.
func (tc *testCase) output() string {
	out := tc.out.String()
	if tc.handedOn {
		if i := panicStart(out); i >= 0 {
			out = out[:i]
		}
	}
	return out + tc.adopted
}

type testPackage struct {
	path        string
	action      string
	failedBuild string
	tests       []*testCase
	byName      map[string]*testCase
	out         strings.Builder
}

// ParseTestJSON reads the stdout of `go test -json`. Lines that are not
// JSON are tolerated up to a handful; beyond that, or when no event at all
// could be read, it returns an error (with what it could read) so the
// caller reports unreadable output instead of "0 failed".
func ParseTestJSON(r io.Reader, opt TestOptions) (TestReport, error) {
	p := testParser{opt: opt, pkgs: map[string]*testPackage{}, builds: map[string]*strings.Builder{}}
	br := bufio.NewReader(r)
	for {
		line, err := br.ReadString('\n')
		if line != "" {
			p.line(line)
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return p.report(), err
		}
	}
	rep := p.report()
	switch {
	case rep.Events == 0 && len(rep.Unparsed) > 0:
		return rep, fmt.Errorf("go test -json printed no JSON events (first line: %q)", rep.Unparsed[0])
	case len(rep.Unparsed) > maxUnparsedLines:
		return rep, fmt.Errorf("go test -json printed %d lines that are not JSON (first: %q)", len(rep.Unparsed), rep.Unparsed[0])
	}
	return rep, nil
}

type testParser struct {
	opt      TestOptions
	events   int
	unparsed []string
	pkgs     map[string]*testPackage
	order    []*testPackage
	builds   map[string]*strings.Builder // build output by ImportPath
	buildIDs []string
}

func (p *testParser) line(line string) {
	trimmed := strings.TrimSpace(line)
	if trimmed == "" {
		return
	}
	var e testEvent
	if !strings.HasPrefix(trimmed, "{") || json.Unmarshal([]byte(trimmed), &e) != nil {
		p.unparsed = append(p.unparsed, strings.TrimRight(line, "\r\n"))
		return
	}
	p.events++
	switch {
	case e.ImportPath != "" && (e.Action == "build-output" || e.Action == "build-fail"):
		b := p.builds[e.ImportPath]
		if b == nil {
			b = &strings.Builder{}
			p.builds[e.ImportPath] = b
			p.buildIDs = append(p.buildIDs, e.ImportPath)
		}
		b.WriteString(e.Output)
		return
	case e.Package == "":
		return
	}
	pkg := p.pkg(e.Package)
	if e.Test == "" {
		switch e.Action {
		case "output":
			pkg.out.WriteString(e.Output)
		case "pass", "fail", "skip":
			pkg.action = e.Action
			pkg.failedBuild = e.FailedBuild
		}
		return
	}
	tc := pkg.test(e.Test)
	switch e.Action {
	case "output":
		tc.out.WriteString(e.Output)
	case "pass", "fail", "skip":
		tc.action = e.Action
	}
}

func (p *testParser) pkg(path string) *testPackage {
	if pkg, ok := p.pkgs[path]; ok {
		return pkg
	}
	pkg := &testPackage{path: path, byName: map[string]*testCase{}}
	p.pkgs[path] = pkg
	p.order = append(p.order, pkg)
	return pkg
}

// test returns the named test, creating it and linking it to its parent
// (the longest existing name it extends with "/").
func (pkg *testPackage) test(name string) *testCase {
	if tc, ok := pkg.byName[name]; ok {
		return tc
	}
	tc := &testCase{name: name}
	for i := strings.LastIndexByte(name, '/'); i > 0; i = strings.LastIndexByte(name[:i], '/') {
		if parent, ok := pkg.byName[name[:i]]; ok {
			tc.parent = parent
			parent.children++
			break
		}
	}
	pkg.byName[name] = tc
	pkg.tests = append(pkg.tests, tc)
	return tc
}

func (p *testParser) report() TestReport {
	rep := TestReport{Events: p.events, Unparsed: p.unparsed}
	var text, summary strings.Builder

	// Build errors: from build-output events (Go 1.24+) and from stderr
	// text (older releases), one finding per error line.
	located := map[string]bool{}
	var build []model.Finding
	addBuild := func(id string, out string) {
		tr := parseCompilerText([]byte(out))
		for _, d := range tr.diags {
			key := id
			if key == "" {
				key = d.pkg
			}
			located[key] = true
			located[basePackage(key)] = true
		}
		build = mergeCompileErrors(build, diagnosticFindings(tr.diags, p.opt.Module, RuleBuildFailed))
	}
	for _, id := range p.buildIDs {
		out := p.builds[id].String()
		addBuild(id, out)
		text.WriteString(out)
	}
	if len(p.opt.Stderr) > 0 {
		addBuild("", string(p.opt.Stderr))
		text.Write(p.opt.Stderr)
	}
	rep.Findings = append(rep.Findings, build...)

	for _, pkg := range p.order {
		for _, tc := range pkg.tests {
			if tc.parent != nil && tc.action == "fail" {
				tc.parent.failed++
			}
		}
		handOnPanics(pkg)
		blamed := 0
		for _, tc := range pkg.tests {
			leaf := tc.children == 0
			switch {
			case tc.action == "pass" && leaf:
				rep.Passed++
			case tc.action == "skip" && leaf:
				rep.Skipped++
			case tc.action == "fail", tc.action == "" && panicLine(tc.output()) != "":
				f, own := p.testFinding(pkg, tc)
				if !leaf && tc.failed > 0 && !own {
					continue // failed only because a subtest did
				}
				rep.Findings = append(rep.Findings, f)
				if f.Rule != RuleNeedsService || tc.lacking {
					rep.Failed++ // one that could not start proves nothing either way
				}
				blamed++
				text.WriteString(tc.output())
			}
		}
		pkgOut := pkg.out.String()
		if pkg.action != "fail" {
			summary.WriteString(summaryLines(pkgOut))
			continue
		}
		text.WriteString(pkgOut)
		if pkg.failedBuild != "" || strings.Contains(pkgOut, "[build failed]") || strings.Contains(pkgOut, "[setup failed]") {
			rep.BuildFailures++
			// Before Go 1.24 nothing ties a package to its build errors,
			// so any located build error is taken to explain it.
			covered := located[pkg.failedBuild] || located[basePackage(pkg.failedBuild)] ||
				pkg.failedBuild == "" && len(build) > 0
			if !covered {
				rep.Findings = append(rep.Findings, model.Finding{
					Severity: model.Blocker,
					Rule:     RuleBuildFailed,
					Message:  pkg.path + ": build failed" + detail(p.builds[pkg.failedBuild], pkgOut),
				})
			}
			continue
		}
		if blamed == 0 {
			rep.Findings = append(rep.Findings, p.packageFinding(pkg))
		}
	}
	rep.Text = text.String()
	if rep.Text == "" {
		rep.Text = summary.String()
	}
	return rep
}

// testFinding describes a failed (or unfinished, panicked) test, and says
// whether the failure is the test's own rather than only a subtest's.
func (p *testParser) testFinding(pkg *testPackage, tc *testCase) (model.Finding, bool) {
	out := tc.output()
	f := model.Finding{Severity: model.Blocker, Rule: RuleTestFailed}
	if pl := panicLine(out); pl != "" {
		file, line := p.moduleFrame(out)
		f.File, f.Line = file, line
		switch {
		case strings.HasPrefix(pl, "panic: test timed out"):
			f.Rule = RuleTestTimeout
			f.Message = tc.name + " did not finish: " + strings.TrimPrefix(pl, "panic: ")
		case strings.HasPrefix(pl, "panic: "):
			f.Rule = RuleTestPanic
			f.Message = tc.name + " panicked: " + strings.TrimPrefix(pl, "panic: ")
		default:
			f.Rule = RuleTestPanic
			f.Message = tc.name + " crashed: " + pl
		}
		if f.File == "" {
			if msgs := p.messages(pkg, out); len(msgs) > 0 {
				f.File, f.Line = msgs[0].file, msgs[0].line
			}
		}
		if f.Rule == RuleTestPanic && p.lacksDocker(pl) {
			// testcontainers panics when it finds no Docker host.
			tc.lacking = true
			f.Severity, f.Rule = model.Medium, RuleNeedsService
			f.Message = p.noDockerMessage(tc.name, strings.TrimPrefix(pl, "panic: "))
		}
		return f, true
	}
	if g, ok := readGinkgo(out); ok {
		return p.ginkgoFinding(pkg, tc, g), true
	}
	if s, ok := readTestscript(out); ok {
		return p.testscriptFinding(pkg, tc, s), true
	}
	msgs := p.messages(pkg, out)
	chosen, own := -1, false
	for i, m := range msgs {
		if p.opt.IsLogCall == nil || m.file == "" || !p.opt.IsLogCall(m.file, m.line) {
			chosen, own = i, true
			break
		}
	}
	if chosen < 0 && len(msgs) > 0 {
		chosen = 0 // only log lines: still the best clue there is
	}
	name := tc.name
	if chosen >= 0 && msgs[chosen].file != "" && p.opt.PackageDir(pkg.path) != "" &&
		filepath.Dir(filepath.Join(p.opt.Root, filepath.FromSlash(msgs[chosen].file))) != p.opt.PackageDir(pkg.path) {
		// Failed in a helper of another package, whose line many
		// packages' tests share: say whose test it is, and where.
		whose := pkg.path
		if p.opt.Declared != nil {
			top, _, _ := strings.Cut(tc.name, "/")
			if file, line := p.opt.Declared(p.opt.PackageDir(pkg.path), top); file != "" {
				whose += fmt.Sprintf(", %s at %s:%d", top, file, line)
			}
		}
		name += " (" + whose + ")"
	}
	f.Message = name + " failed"
	if chosen >= 0 {
		m := msgs[chosen]
		f.File, f.Line = m.file, m.line
		if m.text != "" {
			f.Message += ": " + m.text
		}
		if own {
			p.machineLacks(&f, tc, name, m.text)
		}
	}
	return f, own
}

// keepOut is how a test that needs what a machine may lack stays out of
// the default run.
const keepOut = "keep it out of go test ./... with a build tag or testing.Short()"

// machineLacks turns f into needs-service (medium) when what the test said
// shows it failed for what this machine lacks: a Docker daemon for its
// containers, an internet host, a program that is not installed here.
// The test ran, so go test still counts it as failed.
func (p *testParser) machineLacks(f *model.Finding, tc *testCase, name, said string) {
	msg := p.opt.Machine.Lacks(name, said, keepOut)
	if p.lacksDocker(said) {
		msg = p.noDockerMessage(name, said)
	}
	if msg == "" {
		return
	}
	tc.lacking = true
	f.Severity, f.Rule, f.Message = model.Medium, RuleNeedsService, msg
}

// lacksDocker reports a failure that says its containers could not start,
// on a machine where no Docker daemon answers.
func (p *testParser) lacksDocker(text string) bool {
	return runsContainers(text) && p.opt.NoDocker != nil && p.opt.NoDocker()
}

// noDockerMessage says that test (named as it is) needs Docker, with what
// it said.
func (p *testParser) noDockerMessage(test, said string) string {
	return test + " could not start what it tests against: it runs containers, and no Docker daemon answers here (" +
		said + "); start Docker, or keep the test out of go test ./... with a build tag or testing.Short()"
}

// runsContainers reports a failure message about containers or Docker:
// "Starting database: could not start or find container servicetest",
// testcontainers' "Cannot connect to the Docker daemon".
func runsContainers(text string) bool {
	lower := strings.ToLower(text)
	return strings.Contains(lower, "docker") || strings.Contains(lower, "container") || strings.Contains(lower, "podman")
}

func (p *testParser) packageFinding(pkg *testPackage) model.Finding {
	var all strings.Builder
	all.WriteString(pkg.out.String())
	for _, tc := range pkg.tests {
		all.WriteString(tc.output())
	}
	out := all.String()
	f := model.Finding{Severity: model.Blocker, Rule: RulePackageFailed, Message: pkg.path + " failed"}
	if pl := panicLine(out); pl != "" && (len(pkg.tests) > 0 || unreachableService(out) == "") {
		f.Rule = RuleTestPanic
		f.Message = pkg.path + " crashed: " + pl
		f.File, f.Line = p.moduleFrame(out)
		return f
	}
	if len(pkg.tests) == 0 {
		// A TestMain that panics or exits when its service does not answer
		// is the same case whichever it does.
		if why := unreachableService(out); why != "" {
			// The machine lacks what the suite needs (its compose stack, a
			// database): not evidence that the code is wrong, so not a
			// blocker, but still said, since go test ./... fails here.
			f.Severity, f.Rule = model.Medium, RuleNeedsService
			f.Message = pkg.path + " stopped before its first test: a service it needs is not reachable here (" + why +
				"); start what it needs, or keep the package out of go test ./... with a build tag"
			f.File, f.Line = p.testMain(pkg.path)
			return f
		}
	}
	f.Message += detail(nil, pkg.out.String())
	return f
}

// unreachable are what the net package says when a host or port does not
// answer.
var unreachable = []string{"connection refused", "no such host", "server misbehaving", "network is unreachable",
	"i/o timeout", "dial tcp", "dial udp"}

// logStamp is the date and time the log package puts before a line.
var logStamp = regexp.MustCompile(`^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d(\.\d+)? `)

// unreachableService is the output line of a package that says a host or
// port did not answer, without its log timestamp; "" when none does.
func unreachableService(out string) string {
	for _, l := range strings.Split(out, "\n") {
		for _, says := range unreachable {
			if strings.Contains(l, says) {
				return logStamp.ReplaceAllString(strings.TrimSpace(l), "")
			}
		}
	}
	return ""
}

// testMain is where the package at import path pkg declares TestMain,
// repo-relative; "" when it is not found.
func (p *testParser) testMain(pkg string) (string, int) {
	mod := p.opt.Module
	if mod.Path == "" || mod.Dir == "" || (pkg != mod.Path && !strings.HasPrefix(pkg, mod.Path+"/")) {
		return "", 0
	}
	dir := filepath.Join(mod.Dir, filepath.FromSlash(strings.TrimPrefix(pkg, mod.Path)))
	tests, _ := filepath.Glob(filepath.Join(dir, "*_test.go"))
	for _, file := range tests {
		for i, l := range readLines(mod.Root, mod.RelFile(file)) {
			if strings.HasPrefix(l, "func TestMain(") {
				return mod.RelFile(file), i + 1
			}
		}
	}
	return "", 0
}

// detail returns ": <first informative line>" of build output or package
// output, skipping the lines go test frames every package with.
func detail(build *strings.Builder, pkgOut string) string {
	var s string
	if build != nil {
		s = build.String()
	}
	for _, l := range strings.Split(s+"\n"+pkgOut, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || l == "FAIL" || l == "PASS" || strings.HasPrefix(l, "# ") ||
			strings.HasPrefix(l, "FAIL\t") || strings.HasPrefix(l, "ok  \t") {
			continue
		}
		return ": " + logStamp.ReplaceAllString(l, "")
	}
	return ""
}

func summaryLines(out string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(out, "\n") {
		if strings.HasPrefix(l, "ok  \t") || strings.HasPrefix(l, "?   \t") || strings.HasPrefix(l, "FAIL\t") {
			b.WriteString(l)
		}
	}
	return b.String()
}

// basePackage strips the " [pkg.test]" variant suffix from a package id.
func basePackage(id string) string {
	if i := strings.Index(id, " ["); i >= 0 {
		return id[:i]
	}
	return id
}

// handOnPanics moves a panic printed under a test with failed subtests to
// the last failed subtest without subtests of its own: the one that was
// running when the panic stopped the binary.
func handOnPanics(pkg *testPackage) {
	for _, tc := range pkg.tests {
		if tc.failed == 0 {
			continue
		}
		out := tc.out.String()
		i := panicStart(out)
		if i < 0 {
			continue
		}
		var last *testCase
		for _, d := range pkg.tests {
			if d.action == "fail" && d.children == 0 && strings.HasPrefix(d.name, tc.name+"/") {
				last = d
			}
		}
		if last == nil {
			continue
		}
		last.adopted += out[i:]
		tc.handedOn = true
	}
}

// panicStart returns the offset of the first line that starts a panic or
// a fatal runtime error, or -1.
func panicStart(out string) int {
	for off := 0; off < len(out); {
		l := out[off:]
		if strings.HasPrefix(l, "panic: ") || strings.HasPrefix(l, "fatal error: ") {
			return off
		}
		i := strings.IndexByte(l, '\n')
		if i < 0 {
			break
		}
		off += i + 1
	}
	return -1
}

// panicLine returns the first line that starts a panic or a fatal runtime
// error, or "".
func panicLine(out string) string {
	i := panicStart(out)
	if i < 0 {
		return ""
	}
	l, _, _ := strings.Cut(out[i:], "\n")
	return strings.TrimSpace(l)
}

// testMessage is one "file_test.go:12: message" line from a test, with
// the indented lines that continue it.
type testMessage struct {
	file string // repo-relative; "" when the package directory is unknown
	line int    // 0 when file is unknown
	text string // first non-empty line of the message
	// more are the message's further lines, for testify's blocks.
	more []string
}

// messageLine is a message's first line; the testing package indents it
// with spaces, matryer/is with a tab.
var messageLine = regexp.MustCompile(`^([ \t]+)(\S+\.go):(\d+): ?(.*)$`)

// messages reads the t.Log/t.Error lines of one test's output. The testing
// package prints the file's base name only, so it is joined to the
// package's directory — or, through Locate, found where it really is.
func (p *testParser) messages(pkg *testPackage, out string) []testMessage {
	dir := p.opt.PackageDir(pkg.path)
	var msgs []testMessage
	indent := -1 // indentation of the message being continued
	for _, l := range strings.Split(collectors.StripANSI(out), "\n") {
		l = strings.TrimRight(l, "\r")
		if m := messageLine.FindStringSubmatch(l); m != nil {
			n, err := strconv.Atoi(m[3])
			if err == nil && n > 0 {
				msg := testMessage{text: strings.TrimSpace(m[4])}
				switch {
				case filepath.IsAbs(m[2]): // go test -fullpath
					msg.file, msg.line = p.opt.RelFile(m[2]), n
				case dir != "" && p.opt.Locate != nil:
					if abs := p.opt.Locate(dir, m[2]); abs != "" {
						msg.file, msg.line = p.opt.RelFile(abs), n
					}
				case dir != "":
					msg.file, msg.line = p.opt.RelFile(filepath.Join(dir, m[2])), n
				}
				msgs = append(msgs, msg)
				indent = len(m[1])
				continue
			}
		}
		lead := len(l) - len(strings.TrimLeft(l, " \t"))
		if indent >= 0 && lead > indent && strings.TrimSpace(l) != "" {
			last := &msgs[len(msgs)-1]
			last.more = append(last.more, strings.TrimSpace(l))
			continue
		}
		indent = -1
	}
	for i := range msgs {
		if msgs[i].text == "" && len(msgs[i].more) > 0 {
			msgs[i].text = testifyError(msgs[i].more)
			if msgs[i].text == "" {
				msgs[i].text = msgs[i].more[0]
			}
		}
	}
	return msgs
}

// testifyError is what a testify assertion says went wrong, from the block
// it prints under the failing line (Error Trace, Error, Test, Messages):
// the Error and Messages fields on one line; "" for another message.
func testifyError(lines []string) string {
	field, fields := "", map[string][]string{}
	for _, l := range lines {
		name, value, ok := strings.Cut(l, ":")
		if ok && testifyFields[name] && (value == "" || value[0] == ' ' || value[0] == '\t') {
			field = name
			value = strings.TrimSpace(value)
		} else {
			value = l
		}
		if field == "" {
			return "" // not testify's block
		}
		if value != "" {
			fields[field] = append(fields[field], value)
		}
	}
	msg := strings.Join(fields["Error"], " ")
	if m := strings.Join(fields["Messages"], " "); m != "" {
		msg += " (" + m + ")"
	}
	return msg
}

var testifyFields = map[string]bool{"Error Trace": true, "Error": true, "Test": true, "Messages": true}

var frameLine = regexp.MustCompile(`^\t(\S.*\.go):(\d+)(?: \+0x[0-9a-f]+)?$`)

// moduleFrame returns the first stack frame in a panic trace that lies in
// the module: where the code under test (or the test) went wrong, below the
// runtime and testing frames.
func (p *testParser) moduleFrame(out string) (string, int) {
	for _, l := range strings.Split(out, "\n") {
		m := frameLine.FindStringSubmatch(strings.TrimRight(l, "\r"))
		if m == nil {
			continue
		}
		n, err := strconv.Atoi(m[2])
		if err != nil || n <= 0 || !p.inModule(m[1]) {
			continue
		}
		return p.opt.RelFile(m[1]), n
	}
	return "", 0
}

func (p *testParser) inModule(file string) bool {
	mod := p.opt.Module
	if filepath.IsAbs(file) {
		return mod.Dir != "" && strings.HasPrefix(filepath.Clean(file), filepath.Clean(mod.Dir)+string(filepath.Separator))
	}
	// -trimpath frames are module-path-relative.
	return mod.Path != "" && strings.HasPrefix(file, mod.Path+"/")
}
