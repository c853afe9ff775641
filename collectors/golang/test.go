package golang

import (
	"bufio"
	"bytes"
	"context"
	"github.com/preflight-dev/preflight/internal/repofs"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/preflight-dev/preflight/collectors"
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

// Inputs add testdata to the build inputs: tests read fixtures from it.
func (c *TestCollector) Inputs() []string {
	return []string{c.mod.glob("**/*.go"), c.mod.glob("go.mod"), c.mod.glob("go.sum"), c.mod.glob("**/testdata/**")}
}

// Run runs the tests of every package. Results go test replays from its
// cache are as good as fresh ones: it caches only passing runs, keyed on
// the test binary and the files and environment the tests read.
//
// -vet=off because the build collector reports vet diagnostics already;
// with vet on, go test would turn each one into a failed package.
// -timeout is set below the collector's own timeout so that a hanging test
// is named by go test (a panic with the running tests) before the whole
// run is killed.
func (c *TestCollector) Run(ctx context.Context, req collectors.Request) model.Result {
	r := newRunner(c.ID(), c.Kind(), c.Domain(), c.mod, req)
	if res, missing := r.missingGo(); missing {
		return res
	}
	ctx, cancel := r.context(ctx)
	defer cancel()

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
	args := testArgs(binTimeout)
	command := r.command(args)
	req.Report("go test: compiling")
	ran, stopped := r.run(ctx, command, testOutputCap, &testProgress{report: req.Report}, args...)
	if stopped != nil {
		return *stopped
	}
	out := ran.Out
	rep, perr := ParseTestJSON(bytes.NewReader(out.Stdout), TestOptions{
		Module:    r.loc,
		Stderr:    out.Stderr,
		IsLogCall: logCallChecker(req.Root),
		Locate:    fileLocator(r.loc.Dir),
	})
	if out.Truncated {
		return r.failed(command, out.ExitCode, "go test output exceeded the capture limit; counts would be incomplete",
			string(out.Stderr)+rep.Text)
	}
	if perr != nil {
		return r.failed(command, out.ExitCode, perr.Error(), string(out.Stderr)+string(out.Stdout))
	}
	if out.ExitCode != 0 && len(rep.Findings) == 0 {
		return r.failed(command, out.ExitCode,
			"go test failed but reported no failing test or package: "+firstLine(string(out.Stderr)+rep.Text),
			string(out.Stderr)+rep.Text)
	}
	res := r.Result()
	res.Status, res.Command, res.ExitCode = model.StatusOK, command, out.ExitCode
	res.Facts = map[string]float64{
		"tests.passed":         float64(rep.Passed),
		"tests.failed":         float64(rep.Failed),
		"tests.skipped":        float64(rep.Skipped),
		"tests.build_failures": float64(rep.BuildFailures),
	}
	res.Findings = r.finish(rep.Findings)
	res.Output = excerptOrSummary(rep.Text, "go test reported no packages")
	return res
}

// testArgs run every package's tests with JSON events; timeout bounds
// each test binary.
func testArgs(timeout time.Duration) []string {
	return []string{"test", "-json", "-timeout=" + timeout.String(), "./..."}
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
