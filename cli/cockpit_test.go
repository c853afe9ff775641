package cli

import (
	"bytes"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/preflight-dev/preflight/cache"
	"github.com/preflight-dev/preflight/model"
)

// syncBuffer is a buffer the program writes while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The whole cockpit, as `preflight DIR` runs it: a preflight.yaml saved
// with a collector name that matches nothing while the cockpit is open is
// said on its screen, and nothing at all is written to stderr, where it
// would be printed over the screen.
func TestCockpitSaysConfigWarningsOnItsScreenNotOnStderr(t *testing.T) {
	dir := repoWith(t, fixturetest.MarkerConfig)
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	extraProgramOptions = []tea.ProgramOption{tea.WithWindowSize(160, 30)}
	defer func() { extraProgramOptions = nil }()

	in, keys := io.Pipe()
	defer keys.Close() // ends the program's input reader
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() { done <- Run([]string{dir}, IO{In: in, Out: &out, Err: &errb, Interactive: true}) }()
	waitScreen := func(want string) {
		t.Helper()
		deadline := time.Now().Add(time.Minute)
		for !strings.Contains(ansi.Strip(out.String()), want) {
			if time.Now().After(deadline) {
				t.Fatalf("the screen never showed %q:\n%s", want, ansi.Strip(out.String()))
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitScreen("custom:marker")
	if err := os.WriteFile(filepath.Join(dir, "preflight.yaml"), []byte(fixturetest.MarkerConfig+"collectors: {go-tset: {timeout: 5m}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitScreen("collectors.go-tset matches no collector in this repository")
	keys.Write([]byte("q"))
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d", code)
		}
	case <-time.After(time.Minute):
		t.Fatal("the cockpit did not quit")
	}
	if e := errb.String(); e != "" {
		t.Fatalf("written to stderr while the cockpit ran: %q", e)
	}
}

// Nothing in preflight writes to the process's terminal on its own: every
// command writes through the IO it is given, which the cockpit points at
// its messages while it owns the terminal. Only Stdio names the real
// stdout and stderr.
func TestOnlyStdioNamesTheTerminal(t *testing.T) {
	banned := regexp.MustCompile(`os\.Stdout|os\.Stderr|fmt\.Print(f|ln)?\(|log\.(Print|Fatal|Panic)|(^|[^.\w])print(ln)?\(`)
	root := ".."
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "testdata", "node_modules", ".git", "bench", ".tools":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		inStdio := false
		for i, line := range strings.Split(string(src), "\n") {
			code, _, _ := strings.Cut(line, "//")
			if strings.Contains(code, "func Stdio()") {
				inStdio = true
			}
			if b := banned.FindString(code); b != "" && !inStdio {
				t.Errorf("%s:%d writes to the terminal directly (%s): %s", path, i+1, b, strings.TrimSpace(line))
			}
			if inStdio && strings.HasPrefix(line, "}") {
				inStdio = false
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// startCockpit starts `preflight DIR` on a 160×30 screen and returns its
// output, a way to press keys, and its exit code once it ends.
func startCockpit(t *testing.T, dir string) (out, errb *syncBuffer, keys *io.PipeWriter, done <-chan int) {
	t.Helper()
	return startCockpitWith(t, dir)
}

// startCockpitWith is startCockpit with the command line's flags.
func startCockpitWith(t *testing.T, args ...string) (out, errb *syncBuffer, keys *io.PipeWriter, done <-chan int) {
	t.Helper()
	return startCockpitPrefs(t, func(string) {}, args...)
}

// startCockpitPrefs starts the cockpit with the personal preferences
// writePrefs puts in a fresh configuration home.
func startCockpitPrefs(t *testing.T, writePrefs func(configHome string), args ...string) (out, errb *syncBuffer, keys *io.PipeWriter, done <-chan int) {
	t.Helper()
	home := t.TempDir()
	writePrefs(home)
	t.Setenv("XDG_CONFIG_HOME", home)
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	extraProgramOptions = []tea.ProgramOption{tea.WithWindowSize(160, 30)}
	t.Cleanup(func() { extraProgramOptions = nil })
	in, keys := io.Pipe()
	t.Cleanup(func() { keys.Close() })
	out, errb = &syncBuffer{}, &syncBuffer{}
	code := make(chan int, 1)
	go func() { code <- Run(args, IO{In: in, Out: out, Err: errb, Interactive: true}) }()
	return out, errb, keys, code
}

// checkerBound is the program bound on the command line of the TypeScript
// checker running in dir ("" when none runs): its last argument.
func checkerBound(dir string) string {
	procs, _ := filepath.Glob("/proc/[0-9]*")
	for _, p := range procs {
		if cwd, err := os.Readlink(filepath.Join(p, "cwd")); err != nil || cwd != dir {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(p, "cmdline"))
		args := strings.Split(strings.TrimSuffix(string(raw), "\x00"), "\x00")
		if err == nil && len(args) > 3 && args[1] == "-e" && args[len(args)-2] == "--" {
			return args[len(args)-1]
		}
	}
	return ""
}

func waitScreenShows(t *testing.T, out *syncBuffer, want ...string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		screen := ansi.Strip(out.String())
		missing := ""
		for _, w := range want {
			if !strings.Contains(screen, w) {
				missing = w
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the screen never showed %q:\n%s", missing, screen)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// The cockpit draws the last session's results before it reads the
// tree: with the scan held, the cached collector is on screen, marked
// cached and scanning; once the scan is let go, the collectors it
// detected run and take over.
func TestCockpitDrawsTheCacheBeforeScanning(t *testing.T) {
	dir := repoWith(t, fixturetest.MarkerConfig)
	root, err := resolveDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	store, err := cache.Default()
	if err != nil {
		t.Fatal(err)
	}
	finished := time.Now().Add(-time.Hour)
	if err := store.Save(model.Snapshot{Root: root, GeneratedAt: finished, Collectors: []model.CollectorState{{Result: model.Result{
		Collector: "custom:fromcache", Kind: "custom", Domain: "tests", Status: model.StatusOK,
		StartedAt: finished.Add(-time.Second), FinishedAt: finished, Duration: time.Second,
	}}}}); err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	scanning := make(chan struct{})
	beforeScan = func() { close(scanning); <-release }
	defer func() { beforeScan = nil }()

	out, errb, keys, done := startCockpit(t, dir)
	<-scanning
	waitScreenShows(t, out, "custom:fromcache", "scanning the repository", "cached")
	if strings.Contains(ansi.Strip(out.String()), "custom:marker") {
		t.Fatal("a detected collector is on screen although the scan has not run")
	}
	close(release)
	waitScreenShows(t, out, "custom:marker")
	keys.Write([]byte("q"))
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d, stderr %q", code, errb.String())
		}
	case <-time.After(time.Minute):
		t.Fatal("the cockpit did not quit")
	}
}

// A preflight.yaml that cannot be read ends the cockpit with the same
// message and exit code as before the cockpit drew anything.
func TestCockpitEndsOnAnInvalidConfigAndSaysWhy(t *testing.T) {
	dir := repoWith(t, "custom: [unclosed\n")
	_, errb, _, done := startCockpit(t, dir)
	select {
	case code := <-done:
		if code != exitUsage {
			t.Errorf("exit %d, want %d", code, exitUsage)
		}
	case <-time.After(time.Minute):
		t.Fatal("the cockpit did not end on an invalid preflight.yaml")
	}
	if e := errb.String(); !strings.Contains(e, "preflight.yaml") {
		t.Fatalf("stderr does not say what is wrong with preflight.yaml: %q", e)
	}
}

// typescript_programs in the personal preferences bounds the TypeScript
// checker's programs: the checker the cockpit starts is given the bound.
func TestCockpitAppliesTheTypeScriptProgramsPreference(t *testing.T) {
	fixturetest.RequireTools(t, "node", "tsc")
	dir := fixturetest.WriteRepo(t, map[string]string{
		"tsconfig.json": `{"compilerOptions": {"strict": true, "noEmit": true}, "include": ["src"]}` + "\n",
		"src/a.ts":      "export const n: number = 1;\n",
	})
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	out, _, keys, done := startCockpitPrefs(t, func(home string) {
		if err := os.MkdirAll(filepath.Join(home, "preflight"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(home, "preflight", "config.yaml"), []byte("typescript_programs: 3\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}, dir)
	waitScreenShows(t, out, "typescript")
	var bound string
	for deadline := time.Now().Add(time.Minute); bound == "" && time.Now().Before(deadline); {
		bound = checkerBound(dir)
		time.Sleep(50 * time.Millisecond)
	}
	keys.Write([]byte("q"))
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("the cockpit did not quit")
	}
	if bound != "3" {
		t.Errorf("the TypeScript checker was started with a bound of %q programs, want 3 from the preferences", bound)
	}
}

// The cockpit compares with --base once its first run is done: the header
// says what the branch adds, and n shows only that.
func TestCockpitComparesWithTheBase(t *testing.T) {
	fixturetest.RequireTools(t, "git", "node", "tsc")
	dir := baseRepo(t)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	out, _, keys, done := startCockpitWith(t, dir, "--base", "main")
	// .env.staging's token is new on the branch whatever else may wait
	// for trust; src/fixme.ts's error is fixed only if tsc ran.
	waitScreenShows(t, out, "new · ", "fixed vs main")
	keys.Write([]byte("n"))
	waitScreenShows(t, out, "(showing the new)")
	keys.Write([]byte("q"))
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("the cockpit did not quit")
	}
	if list := git(t, dir, "worktree", "list"); strings.Count(list, "\n") != 1 {
		t.Errorf("a temporary worktree was left:\n%s", list)
	}
}
