package golang

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/preflight-dev/preflight/internal/repofs"
	"github.com/preflight-dev/preflight/internal/shellwords"
	"github.com/preflight-dev/preflight/internal/yamlpos"
)

// makefiles are the names make reads, in the order it looks for them.
var makefiles = []string{"GNUmakefile", "makefile", "Makefile"}

// testTarget opens a Makefile rule named test or tests ("test:", "test
// unit:", go-clean-arch's "tests: $(GOTESTSUM)").
var testTarget = regexp.MustCompile(`^(?:[A-Za-z0-9_.-]+\s+)*tests?(?:\s+[A-Za-z0-9_.-]+)*\s*::?(?:[^=]|$)`)

// goCommand is go itself in a recipe: go, $(GO), ${GOCMD} …
var goCommand = regexp.MustCompile(`^(?:go|\$[({]GO[A-Z_]*[)}])$`)

// gotestsum runs go test; -short and -tags are none of its own options,
// so wherever they stand (after its "--", or after a variable holding
// it: gotestsum $(TESTS_ARGS) -short) they are go test's.
var gotestsum = regexp.MustCompile(`^(?:(?:\S*/)?gotestsum|\$[({]GOTESTSUM[)}])$`)

// testFlags are the options of the project's own go test command that
// decide which tests run and how they build: -short and -tags. from says
// where they were read ("Makefile:12").
type testFlags struct {
	Args []string
	From string
}

// projectTestFlags reads them from the test rule of the Makefile beside
// the module, else the test task of its Taskfile (go-task), else the
// same at the repository root: what `make test` or `task test`, and a CI
// step that runs it, run. None when there is no such rule, or its go test
// sets neither (a result then is go test ./... as by hand).
func projectTestFlags(root, modDir string) testFlags {
	for _, dir := range slices.Compact([]string{modDir, "."}) {
		if f, ok := makeTestFlags(root, dir); ok {
			return f
		}
		if f, ok := taskTestFlags(root, dir); ok {
			return f
		}
	}
	return testFlags{}
}

// firstFile reads the first of names in dir that is there, as make and
// go-task each read only the first file of theirs they find.
func firstFile(root, dir string, names []string) (rel string, data []byte, ok bool) {
	for _, name := range names {
		rel = path.Join(dir, name)
		if data, err := repofs.ReadFile(root, rel); err == nil {
			return rel, data, true
		}
	}
	return "", nil, false
}

// makeTestFlags reads the test rule of the Makefile in dir.
func makeTestFlags(root, dir string) (testFlags, bool) {
	rel, data, ok := firstFile(root, dir, makefiles)
	if !ok {
		return testFlags{}, false
	}
	if args, line := testRuleFlags(string(data)); len(args) > 0 {
		return testFlags{Args: args, From: fmt.Sprintf("%s:%d", rel, line)}, true
	}
	return testFlags{}, false
}

// taskfiles are the names go-task reads, in its order.
var taskfiles = []string{"Taskfile.yml", "taskfile.yml", "Taskfile.yaml", "taskfile.yaml"}

// taskTestFlags reads the first go test of the test task of the Taskfile
// in dir: its cmds (strings, or maps with cmd:) or its cmd.
func taskTestFlags(root, dir string) (testFlags, bool) {
	rel, data, ok := firstFile(root, dir, taskfiles)
	if !ok {
		return testFlags{}, false
	}
	docs, err := yamlpos.Parse(data)
	if err != nil || len(docs) == 0 {
		return testFlags{}, false
	}
	task := docs[0].Path("tasks", "test")
	cmds := task.Get("cmds").List()
	if c := task.Get("cmd"); c != nil {
		cmds = append(cmds, c)
	}
	for _, c := range cmds {
		if c.Get("cmd") != nil {
			c = c.Get("cmd")
		}
		args, ok := goTestFlags(c.Text())
		if !ok {
			continue
		}
		if len(args) == 0 {
			return testFlags{}, false // its go test sets neither
		}
		return testFlags{Args: args, From: fmt.Sprintf("%s:%d", rel, c.Line)}, true
	}
	return testFlags{}, false
}

// testRuleFlags finds the first go test (or gotestsum) of the Makefile's
// test rule and keeps its -short and -tags; line is where that go test is
// (1-based).
func testRuleFlags(makefile string) (args []string, line int) {
	lines := strings.Split(makefile, "\n")
	for i := 0; i < len(lines); i++ {
		if !testTarget.MatchString(lines[i]) {
			continue
		}
		for j := i + 1; j < len(lines) && (strings.HasPrefix(lines[j], "\t") || strings.TrimSpace(lines[j]) == ""); j++ {
			if args, ok := goTestFlags(strings.TrimLeft(strings.TrimSpace(lines[j]), "@-+")); ok {
				return args, j + 1
			}
		}
		return nil, 0
	}
	return nil, 0
}

// goTestFlags finds the first go test of a command line and keeps its
// -short and -tags; ok is false when it runs none.
func goTestFlags(script string) (args []string, ok bool) {
	for _, cmd := range shellwords.Commands(script) {
		var words []string
		for _, w := range cmd.Words {
			if len(words) > 0 || !w.Assign { // GOFLAGS=… go test
				words = append(words, w.Value)
			}
		}
		switch {
		case len(words) >= 2 && goCommand.MatchString(words[0]) && words[1] == "test":
			return keptTestFlags(words[2:]), true
		case len(words) >= 1 && gotestsum.MatchString(words[0]):
			return keptTestFlags(words[1:]), true
		}
	}
	return nil, false
}

// keptTestFlags are -short and -tags of go test's arguments, in the form
// go takes them.
func keptTestFlags(words []string) []string {
	var out []string
	for i := 0; i < len(words); i++ {
		w := strings.Replace(words[i], "--", "-", 1)
		switch {
		case w == "-short" || w == "-short=true" || w == "-test.short" || w == "-test.short=true":
			out = append(out, "-short")
		case w == "-tags" && i+1 < len(words):
			i++
			w = "-tags=" + words[i]
			fallthrough
		case strings.HasPrefix(w, "-tags="):
			if !strings.Contains(w, "$") { // $(TAGS): make's, not known here
				out = append(out, w)
			}
		}
	}
	return out
}

// note says where the options came from, for the evidence.
func (f testFlags) note() string {
	if len(f.Args) == 0 {
		return ""
	}
	return "note: go test runs with " + strings.Join(f.Args, " ") + ", as the project's test rule does (" + f.From + ")\n"
}
