package cli

import (
	"bytes"
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

	"github.com/preflight-dev/preflight/collectors/typescript"
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
	dir := repoWith(t, markerConfig)
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
	if err := os.WriteFile(filepath.Join(dir, "preflight.yaml"), []byte(markerConfig+"collectors: {go-tset: {timeout: 5m}}\n"), 0o644); err != nil {
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

// typescript_programs in the personal preferences bounds the TypeScript
// checker's programs before the first run starts one.
func TestCockpitAppliesTheTypeScriptProgramsPreference(t *testing.T) {
	dir := repoWith(t, markerConfig)
	home := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", home)
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	if err := os.MkdirAll(filepath.Join(home, "preflight"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "preflight", "config.yaml"), []byte("typescript_programs: 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := typescript.MaxPrograms()
	defer typescript.SetMaxPrograms(before)
	extraProgramOptions = []tea.ProgramOption{tea.WithWindowSize(160, 30)}
	defer func() { extraProgramOptions = nil }()

	in, keys := io.Pipe()
	defer keys.Close()
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() { done <- Run([]string{dir}, IO{In: in, Out: &out, Err: &errb, Interactive: true}) }()
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(ansi.Strip(out.String()), "custom:marker") {
		if time.Now().After(deadline) {
			t.Fatalf("the cockpit never showed its tree:\n%s", ansi.Strip(out.String()))
		}
		time.Sleep(20 * time.Millisecond)
	}
	keys.Write([]byte("q"))
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("the cockpit did not quit")
	}
	if got := typescript.MaxPrograms(); got != 3 {
		t.Errorf("TypeScript programs bound %d, want 3 from the preferences", got)
	}
}
