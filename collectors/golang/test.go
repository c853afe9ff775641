package golang

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/reach"
	"github.com/preflight-dev/preflight/internal/repofs"
	"github.com/preflight-dev/preflight/model"
)

// testOutputCap bounds what go test -json may print. The JSON repeats
// every line of every test's output with a timestamp, so it is far larger
// than the text form; a run cut short would give wrong counts.
const testOutputCap = 64 << 20

// TestCollector runs `go test -json` on every package of one module.
type TestCollector struct {
	mod module
	// binaryTimeout overrides the -timeout given to each test binary; zero
	// derives it from the request timeout.
	binaryTimeout time.Duration
}

func (c *TestCollector) ID() string     { return "go-test:" + c.mod.name }
func (c *TestCollector) Kind() string   { return "go-test" }
func (c *TestCollector) Domain() string { return "tests" }

func (c *TestCollector) Cost() collectors.Cost { return collectors.CostBuild }
func (c *TestCollector) Group() string         { return moduleGroup(c.mod) }

// Inputs are every file of the module: tests open what they like
// (testdata/, ../test/assets/image.png, the README a doc test checks), and
// go test's own cache reruns a test when a file it opened changed, so a
// result is reused only when nothing in the module changed. The Node
// packages inside it (a ui/ with its package.json) are left out, but for
// the build output its //go:embed lines compile in. The root's Makefile
// and Taskfile are too: their test rule's -short and -tags are go test's.
func (c *TestCollector) Inputs() []string {
	in := []string{c.mod.glob("**")}
	for _, d := range c.mod.nodeDirs {
		in = append(in, "!"+collectors.EscapeGlob(d)+"/**")
	}
	in = append(append(in, c.mod.sources()...), c.mod.embeds.globs()...)
	if c.mod.dir != "." {
		in = append(append(in, makefiles...), taskfiles...) // the root's test rule may give go test its flags
	}
	return append(in, c.mod.ws.Inputs()...)
}

// Outputs are where the embedded files are (see BuildCollector.Outputs).
func (c *TestCollector) Outputs() []string { return c.mod.embeds.outputs() }

// Run runs the tests of every package. Results go test replays from its
// cache are as good as fresh ones: it caches only passing runs, keyed on
// the test binary and the files and environment the tests read.
//
// go test keeps its default vet, so its verdict is the one go test ./...
// gives by hand; the build collector leaves those analyzers to it.
// -timeout is set below the collector's own timeout so that a hanging test
// is named by go test (a panic with the running tests) before the whole
// run is killed.
func (c *TestCollector) Run(ctx context.Context, req collectors.Request) model.Result {
	c.mod.embeds.refresh()
	b := collectors.NewBase(c.ID(), c.Kind(), c.Domain())
	loc, _ := ModuleAt(req.Root, c.mod.absDir(req.Root))
	binTimeout := c.binaryTimeout
	if binTimeout <= 0 {
		timeout := req.Timeout
		if timeout <= 0 {
			timeout = collectors.DefaultTimeout
		}
		binTimeout = (timeout * 9 / 10).Truncate(time.Second)
		if binTimeout <= 0 {
			binTimeout = timeout
		}
	}
	project := projectTestFlags(req.Root, c.mod.dir)
	args := testArgs(binTimeout, project.Args...)
	req.Report("go test: compiling")
	return b.RunTool(ctx, req, collectors.Tool{
		Invocation:  goInvocation(c.mod, c.Kind(), WorkspaceOf(req.Root, c.mod.dir).Env(), testOutputCap, &testProgress{report: req.Report}, args...),
		NotFound:    notFound,
		InstallHint: InstallHint,
		Read: func(in collectors.Input) (collectors.Reading, error) {
			rep, err := ParseTestJSON(bytes.NewReader(in.Stdout), TestOptions{
				Module:    loc,
				Stderr:    in.Stderr,
				IsLogCall: logCallChecker(req.Root),
				Locate:    fileLocator(loc.Dir),
				Declared:  testDeclarations(req.Root),
				NoDocker:  sync.OnceValue(dockerDown),
				Machine:   reach.This(),
			})
			text := string(in.Stderr) + rep.Text
			switch {
			case in.Truncated:
				return collectors.Reading{Output: text}, errors.New("go test output exceeded the capture limit; counts would be incomplete")
			case err != nil:
				return collectors.Reading{}, err
			}
			if rd, ok := downloadFailure(rep.Findings); ok {
				return rd, nil
			}
			if in.ExitCode != 0 && len(rep.Findings) == 0 {
				if rd, ok := loadFailure(text, RuleBuildFailed, loc.goMod()); ok {
					return rd, nil
				}
				return collectors.Reading{Output: text}, errors.New("go test failed but reported no failing test or package: " + collectors.FirstLine(text))
			}
			if rep.Passed+rep.Failed+rep.Skipped == 0 && len(rep.Findings) == 0 {
				// Green, but it checked nothing: said, at the module.
				rep.Findings = append(rep.Findings, model.Finding{Severity: model.Medium, Rule: RuleNoTests, File: loc.goMod(),
					Message: "go test ran no test: no package of " + loc.name() + " has a test"})
			}
			explainEmbedMisses(req.Root, rep.Findings)
			sortFindings(rep.Findings)
			return collectors.Reading{
				Facts: map[string]float64{
					"tests.passed":         float64(rep.Passed),
					"tests.failed":         float64(rep.Failed),
					"tests.skipped":        float64(rep.Skipped),
					"tests.build_failures": float64(rep.BuildFailures),
				},
				Findings: rep.Findings,
				Output:   project.note() + excerptOrSummary(rep.Text, "go test reported no packages"),
				// Go never replays a failing package from its test cache:
				// a test that failed may pass once the machine has what
				// it lacked (a program, the network), so neither does
				// preflight. A build failure is the code's, and stands.
				MachineBound: slices.ContainsFunc(rep.Findings, func(f model.Finding) bool { return f.Rule != RuleBuildFailed && f.Rule != RuleNoTests }),
			}, nil
		},
	})
}

// testArgs run every package's tests with JSON events; timeout bounds
// each test binary.
func testArgs(timeout time.Duration, project ...string) []string {
	args := append([]string{"test", "-json", "-timeout=" + timeout.String()}, project...)
	return append(args, "./...")
}

// logCall matches a source line that only logs: t.Log(…), tb.Logf(…).
var logCall = regexp.MustCompile(`\.Logf?\(`)

var failCall = regexp.MustCompile(`\.(Error|Errorf|Fatal|Fatalf|Fail|FailNow)\(`)

// logCallChecker looks at the source line a test message points to, so
// t.Log lines printed before the real failure are not taken for it. Files
// are read once per run.
func logCallChecker(root string) func(file string, line int) bool {
	cache := map[string][]string{}
	return func(file string, line int) bool {
		lines, ok := cache[file]
		if !ok {
			lines = readLines(root, filepath.FromSlash(file))
			cache[file] = lines
		}
		if line <= 0 || line > len(lines) {
			return false
		}
		src := lines[line-1]
		return logCall.MatchString(src) && !failCall.MatchString(src)
	}
}

// readLines reads a repo-relative file's lines, trimmed.
func readLines(root, rel string) []string {
	f, err := repofs.Open(root, rel)
	if err != nil {
		return nil
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		lines = append(lines, strings.TrimSpace(sc.Text()))
	}
	return lines
}

// testDecl matches the line that declares a test function.
var testDecl = regexp.MustCompile(`^func (Test\w*)\(`)

// testDeclarations finds a test function's declaration in the _test.go
// files of a package directory, each directory read once.
func testDeclarations(root string) func(dir, test string) (string, int) {
	type at struct {
		file string
		line int
	}
	cache := map[string]map[string]at{}
	return func(dir, test string) (string, int) {
		decls, ok := cache[dir]
		if !ok {
			decls = map[string]at{}
			matches, _ := filepath.Glob(filepath.Join(dir, "*_test.go"))
			for _, m := range matches {
				rel, err := filepath.Rel(root, m)
				if err != nil || strings.HasPrefix(rel, "..") {
					continue
				}
				for i, l := range readLines(root, rel) {
					if d := testDecl.FindStringSubmatch(l); d != nil {
						decls[d[1]] = at{filepath.ToSlash(rel), i + 1}
					}
				}
			}
			cache[dir] = decls
		}
		d := decls[test]
		return d.file, d.line
	}
}

// RepoCode: go test compiles the module's tests and runs them.
func (c *TestCollector) RepoCode() string {
	return "go test ./... in " + c.mod.dir
}

// fileLocator finds a file that a test message names by base name: in the
// test's package when it is there, else the one file of that name in the
// module (a helper package's t.Fatalf prints "dbtest.go:38" for
// business/sdk/dbtest/dbtest.go). Two files of that name, or none: "". The
// module is walked once per run, when first needed.
func fileLocator(moduleDir string) func(dir, base string) string {
	var byBase map[string][]string
	return func(dir, base string) string {
		if st, err := os.Stat(filepath.Join(dir, base)); err == nil && st.Mode().IsRegular() {
			return filepath.Join(dir, base)
		}
		if byBase == nil {
			byBase = map[string][]string{}
			_ = filepath.WalkDir(moduleDir, func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					return nil
				}
				if d.IsDir() {
					if n := d.Name(); p != moduleDir && (n == "vendor" || n == "testdata" || strings.HasPrefix(n, ".")) {
						return filepath.SkipDir
					}
					return nil
				}
				if strings.HasSuffix(d.Name(), ".go") {
					byBase[d.Name()] = append(byBase[d.Name()], p)
				}
				return nil
			})
		}
		if found := byBase[base]; len(found) == 1 {
			return found[0]
		}
		return ""
	}
}

// dockerDown reports that no Docker daemon answers here: the one
// DOCKER_HOST names (unix:// or tcp://), else the rootful or rootless
// socket. A test whose containers cannot start then lacks a service.
func dockerDown() bool {
	var addrs [][2]string
	if host := os.Getenv("DOCKER_HOST"); host != "" {
		network, addr, ok := strings.Cut(host, "://")
		if !ok || (network != "unix" && network != "tcp") {
			return false // ssh:// and the like: not known
		}
		addrs = append(addrs, [2]string{network, addr})
	} else {
		addrs = append(addrs, [2]string{"unix", "/var/run/docker.sock"})
		if run := os.Getenv("XDG_RUNTIME_DIR"); run != "" {
			addrs = append(addrs, [2]string{"unix", filepath.Join(run, "docker.sock")})
		}
	}
	for _, a := range addrs {
		if c, err := net.DialTimeout(a[0], a[1], time.Second); err == nil {
			c.Close()
			return false
		}
	}
	return true
}
