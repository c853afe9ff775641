package collectors

import (
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/preflight-dev/preflight/internal/shellwords"
	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/proc"
)

// CustomKind is the tool family of every collector preflight.yaml defines;
// their ids are "custom:NAME".
const CustomKind = "custom"

// The readers of a defined command's output.
const (
	ReadExitCode   = "exit-code"
	ReadRegex      = "regex"
	ReadTsc        = "tsc"
	ReadGoTestJSON = "go-test-json"
	ReadJUnit      = "junit"
	ReadSARIF      = "sarif"
	ReadESLintJSON = "eslint-json"
)

// Readers lists every output reader by name, in the order documentation
// lists them.
var Readers = []string{ReadExitCode, ReadRegex, ReadTsc, ReadGoTestJSON, ReadJUnit, ReadSARIF, ReadESLintJSON}

// CommandSpec is one collector as preflight.yaml defines it: the config
// produces it, the custom family runs it.
type CommandSpec struct {
	Name string
	// Command is the argv to run; with Shell it has one element, a command
	// line for `sh -c` (pipes, &&, globs, environment variables).
	Command []string
	Shell   bool
	Dir     string   // repo-relative working directory; "" or "." is the root
	Inputs  []string // doublestar globs, repo-relative
	Timeout time.Duration
	Domain  string
	Output  string // one of the Read* readers
	// Pattern is the regex reader's expression with named groups file,
	// line, col (or column), severity, rule (or code) and message.
	Pattern *regexp.Regexp
	// Report is a file (relative to Dir) the command writes and the reader
	// reads instead of stdout; "" reads stdout.
	Report string
	// Severity is given to a failed exit code and to findings whose own
	// severity is not known.
	Severity model.Severity
}

// Defined is a collector that runs a CommandSpec.
type Defined interface {
	Collector
	Spec() CommandSpec
}

// Placeholder is a collector that names a check preflight does not run
// (a golangci-lint configuration): a command of preflight.yaml that runs
// that check takes its place.
type Placeholder interface {
	Collector
	RunBy(CommandSpec) bool
}

// Runs reports whether the command runs tool: a word of it, after the
// directories and a version (`@latest`), is the tool's name, as in
// `npx svelte-check`, `./bin/golangci-lint run` or `npx @biomejs/biome ci`;
// a tool named with its subcommand ("astro check") is followed by it.
func (s CommandSpec) Runs(tool string) bool {
	want := strings.Fields(tool)
	if len(want) == 0 {
		return false
	}
	words := s.Command
	if s.Shell {
		words = nil
		for _, c := range shellwords.Lenient(strings.Join(s.Command, " ")) {
			words = append(words, c.Values()...)
		}
	}
	for i, w := range words {
		name, _, _ := strings.Cut(path.Base(filepath.ToSlash(w)), "@")
		if name == want[0] && i+len(want) <= len(words) && slices.Equal(words[i+1:i+len(want)], want[1:]) {
			return true
		}
	}
	return false
}

// WorkDir is the spec's working directory, cleaned and slash-separated;
// "." is the repository root.
func (s CommandSpec) WorkDir() string {
	if s.Dir == "" {
		return "."
	}
	return filepath.ToSlash(filepath.Clean(filepath.FromSlash(s.Dir)))
}

// CommandLine renders the command as a user would type it at the
// repository root.
func (s CommandSpec) CommandLine() string {
	var cmd string
	if s.Shell {
		cmd = strings.Join(s.Command, " ")
	} else if len(s.Command) > 0 {
		cmd = proc.Cmd{Name: s.Command[0], Args: s.Command[1:]}.String()
	}
	if d := s.WorkDir(); d != "." {
		cmd = "cd " + proc.Cmd{Name: d}.String() + " && " + cmd
	}
	return cmd
}
