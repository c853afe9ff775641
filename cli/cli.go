// Package cli parses preflight's command line, runs each command through
// the pipeline in app and writes what it found: reports, JSON lines, the
// cockpit, exit codes.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/agext/levenshtein"
	"github.com/charmbracelet/x/term"

	"github.com/preflight-dev/preflight/proc"
)

// Version is set at build time with -ldflags "-X .../cli.Version=v1.2.3".
var Version = ""

// IO is where a command reads and writes; tests pass buffers.
type IO struct {
	In       io.Reader
	Out, Err io.Writer
	// Interactive reports whether stdin and stdout are a terminal.
	Interactive bool
}

// Stdio is the process's own terminal.
func Stdio() IO {
	return IO{
		In: os.Stdin, Out: os.Stdout, Err: os.Stderr,
		Interactive: term.IsTerminal(os.Stdin.Fd()) && term.IsTerminal(os.Stdout.Fd()),
	}
}

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1 // the verdict reached --fail-on
	exitUsage = 2 // bad arguments or configuration
)

const usage = `preflight — can this ship? A live readiness cockpit backed by real tool runs.

Usage:
  preflight [DIR] [--base REV] [--cache-dir DIR]
                                  open the cockpit on DIR (default .); it compares the
                                  findings with REV (default: the upstream, main or master)
  preflight demo                  open the cockpit on a built-in sample project
  preflight check [DIR] [flags]   run every collector once, print a report
  preflight watch [DIR] [flags]   headless: print a report each time a rerun completes
  preflight plan [DIR] --shards N [--trust] [--cache-dir DIR]
                                  the CI matrix of a sharded run, as one line of JSON:
                                  {"include": [{"shard": "1/3", "collectors": "…"}, …]}
  preflight merge SHARD.json... [flags]
                                  one report and verdict from the JSON reports of
                                  every check --shard I/N, as from one full check
  preflight init [DIR]            write a starter READINESS.md and preflight.yaml for DIR
  preflight import REPORT.md [--into READINESS.md] [--dry-run]
                                  turn a hand-written readiness report into checklist items
  preflight trust [DIR]           let DIR run its own code: node_modules tools, go test,
                                  the commands in its preflight.yaml
  preflight baseline [DIR] [--update]
                                  accept today's findings: write .preflight/baseline.json

check flags:
  --format text|json|markdown|sarif|junit
                                  report format (default text; coloured on a terminal)
  --output FILE                   write the --format before it to FILE (atomically);
                                  repeat --format/--output pairs for several reports
  --trust                         trust the checkout without storing it (CI): run its own
                                  tools, tests and preflight.yaml commands (--trust-config too)
  --fail-on no-go|conditional|never
                                  exit 1 when the verdict reaches this level (default no-go)
  --base REV                      compare with the merge-base of HEAD and REV: findings are
                                  new or unchanged, fixed ones are listed, and --fail-on
                                  judges only what the change adds
  --baseline                      compare with .preflight/baseline.json the same way
  --fail-on-all                   with --base or --baseline, judge every finding as before
  --changed-since REV             run only the collectors whose inputs changed since REV, and
                                  those of workspace packages and Go modules that depend on
                                  a changed one; the rest are reported as not run
  --cache-dir DIR                 keep caches in DIR (default: the user cache directory);
                                  persist it in CI to reuse results across runs
  --fresh                         run every tool; reuse no result measured earlier
  --online-ttl DURATION           reuse results that depend on the network (npm audit,
                                  govulncheck) for at most DURATION (default 24h; 0: never)
  --shard I/N                     run only shard I of N of the collectors (split by the
                                  durations in the cache, else round-robin by id); the
                                  JSON report is for preflight merge
merge flags:
  --format, --output, --fail-on   as for check
  --repo DIR                      checkout of the shards' commit whose READINESS.md is
                                  judged against all shards (default .)
  --cache-dir DIR                 where the merged durations are kept for the next plan:
                                  the --cache-dir of the shards (default: the user cache)
watch flags:
  --format jsonl                  one JSON report per line (the only format)
  --trust                         as for check

trust flags:
  --revoke                        forget the trust given to DIR

Other:
  -h, --help                      this help
  --version                       print the version

Examples:
  preflight                       # cockpit on the current repository
  preflight check --format json > readiness.json
  preflight check --format sarif --output preflight.sarif --format junit --output junit.xml
  preflight check --fail-on conditional   # CI gate: fail unless GO
  preflight check --base origin/main      # pull request gate: only what the branch adds
  preflight check --shard 2/4 --format json --output shard-2.json
  preflight merge shard-*.json --fail-on no-go
  preflight watch --format jsonl | jq -c '{verdict, score}'

Exit codes: 0 ok, 1 verdict reached --fail-on, 2 usage or configuration error.
`

// Run executes one command line and returns the process exit code.
func Run(args []string, io IO) int {
	// Orphans among the tools' descendants become preflight's, so a
	// finished or cancelled run can find and kill them (Linux).
	_ = proc.BecomeSubreaper()
	if len(args) > 0 {
		switch args[0] {
		case "-h", "--help", "help":
			fmt.Fprint(io.Out, usage)
			return exitOK
		case "--version", "version":
			fmt.Fprintf(io.Out, "preflight %s\n", version())
			return exitOK
		case "check":
			return runCheck(args[1:], io)
		case "trust":
			return runTrust(args[1:], io)
		case "baseline":
			return runBaseline(args[1:], io)
		case "watch":
			return runWatch(args[1:], io)
		case "demo":
			return runDemo(args[1:], io)
		case "init":
			return runInit(args[1:], io)
		case "import":
			return runImport(args[1:], io)
		case "merge":
			return runMerge(args[1:], io)
		case "plan":
			return runPlan(args[1:], io)
		}
	}
	return runCockpit(args, io)
}

func version() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// cacheVersion is the version cached results are kept under: results of
// another preflight may differ, so a build from source ("dev") is told
// apart from the next one by its executable (size and modification time),
// or every rebuild would reuse what the one before measured.
func cacheVersion() string {
	v := version()
	if v != "dev" {
		return v
	}
	exe, err := os.Executable()
	if err != nil {
		return v
	}
	return v + "+" + buildStamp(exe)
}

// buildStamp identifies one build of an executable without reading it.
func buildStamp(exe string) string {
	st, err := os.Stat(exe)
	if err != nil {
		return "unknown"
	}
	return strconv.FormatInt(st.Size(), 36) + "." + strconv.FormatInt(st.ModTime().UnixNano(), 36)
}

// usageError is printed with a pointer to --help and exits 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func fail(io IO, err error) int {
	if errors.Is(err, errHelp) {
		fmt.Fprint(io.Out, usage)
		return exitOK
	}
	var u usageError
	if errors.As(err, &u) {
		fmt.Fprintf(io.Err, "preflight: %s\nRun 'preflight --help' for usage.\n", u.msg)
		return exitUsage
	}
	fmt.Fprintf(io.Err, "preflight: %s\n", err)
	return exitUsage
}

// errHelp is -h or --help after a command: the usage is printed, as for
// preflight --help, and that is not an error.
var errHelp = errors.New("help asked for")

// parse accepts flags before and after the positional DIR, as people type
// them ("check . --format json" and "check --format json .").
func parse(fs *flag.FlagSet, args []string) (dir string, err error) {
	fs.SetOutput(io.Discard)
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return "", errHelp
			}
			return "", flagError(err)
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
	switch len(positional) {
	case 0:
		dir = "."
	case 1:
		dir = positional[0]
	default:
		return "", usageError{fmt.Sprintf("expected at most one directory, got %s", strings.Join(positional, " "))}
	}
	return resolveDir(dir)
}

func resolveDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	st, err := os.Stat(abs)
	if err != nil {
		return "", usageError{fmt.Sprintf("cannot open %s: %v", dir, errors.Unwrap(err))}
	}
	if !st.IsDir() {
		return "", usageError{fmt.Sprintf("%s is not a directory", dir)}
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	return abs, nil
}

// flagError says what the flag package found wrong the way flags are
// typed on preflight's command line, with two dashes: "unknown flag
// --bogus", not "flag provided but not defined: -bogus".
func flagError(err error) usageError {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		return usageError{"unknown flag --" + strings.TrimLeft(name, "-")}
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return usageError{"--" + strings.TrimLeft(name, "-") + " needs a value"}
	}
	return usageError{strings.Replace(msg, " flag -", " --", 1)}
}

// commands are the words preflight takes as a command.
var commands = []string{"check", "watch", "plan", "merge", "demo", "init", "import", "trust", "baseline", "help", "version"}

// suggestCommand is the command arg was probably meant to be, when arg is
// not a directory but is one or two typos away from a command: "chek" is
// check, not a directory that does not exist.
func suggestCommand(arg string) (string, bool) {
	if arg == "" || strings.ContainsAny(arg, `/\.`) {
		return "", false
	}
	if _, err := os.Stat(arg); err == nil {
		return "", false
	}
	best, dist := "", 3
	for _, c := range commands {
		if d := levenshtein.Distance(strings.ToLower(arg), c, nil); d < dist {
			best, dist = c, d
		}
	}
	return best, best != "" && dist <= max(1, len(best)/3)
}
