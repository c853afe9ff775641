package ui

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/editor"

	"github.com/preflight-dev/preflight/internal/repofs"
	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/prefs"
)

// sourceRadius is how many lines around a finding the detail pane shows.
const sourceRadius = 3

// maxSourceLine caps one line read for display; a minified bundle can have
// a single line of megabytes.
const maxSourceLine = 1024

type sourceLine struct {
	n    int
	text string
}

// sourceMsg carries the lines around a finding, read off the UI goroutine.
// seq ties it to the request so a slow read for a finding the cursor has
// already left is dropped.
type sourceMsg struct {
	seq   int
	key   string
	lines []sourceLine
	err   error
}

// sourceState is what the detail pane knows about the current finding's
// source.
type sourceState struct {
	key    string
	lines  []sourceLine
	err    error
	loaded bool
}

func sourceKey(f model.Finding) string {
	return f.File + ":" + strconv.Itoa(f.Line)
}

// findingPath is where a finding's file is on disk.
func findingPath(root string, f model.Finding) string {
	p := filepath.FromSlash(f.File)
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(root, p)
}

// loadSource reads the lines around a finding through the masker; onValue
// says the finding stands on the secret value it reports (its rule's
// OnValue), whose line is hidden from the value on besides.
func loadSource(seq int, root string, f model.Finding, mask func(string, []string) []string, onValue bool) tea.Cmd {
	key := sourceKey(f)
	path := findingPath(root, f)
	line := f.Line
	var hide func(int, string) string
	if onValue {
		hide = reportedSecretHidden(f)
	}
	return func() tea.Msg {
		lines, err := readAround(root, path, line, sourceRadius, mask, hide)
		return sourceMsg{seq: seq, key: key, lines: lines, err: err}
	}
}

// reportedSecretHidden returns the finding's own line, as the file has
// it, with the rest hidden from the value on: a value only gitleaks knows
// by its format, under a key that names no secret (a client id, a URL's
// resourcekey=), would show in full beside the finding that reports it,
// whatever else of the line the masker hides. From the finding's column,
// or after the line's first = or ": " when the column is its start.
func reportedSecretHidden(f model.Finding) func(n int, text string) string {
	return func(n int, text string) string {
		if n != f.Line {
			return text
		}
		from := 0
		if f.Column > 1 {
			from = len(text)
			c := 0
			for b := range text { // the byte where character f.Column starts
				if c++; c == f.Column {
					from = b
					break
				}
			}
		} else if j := strings.IndexAny(text, "=:"); j >= 0 {
			from = j + 1
			for from < len(text) && text[from] == ' ' {
				from++
			}
		}
		return text[:from] + "[redacted]"
	}
}

// errFolder says a finding is placed at a folder: it is about what is in
// it as a whole (a pipeline without a test stage), so there is no line to
// show.
var errFolder = errors.New("a folder")

// maskContext is how many lines above the shown ones the secret masking
// reads, so that a private key block starting above them is recognised.
const maskContext = 400

// readAround returns the lines within radius of line (1-based). A finding
// without a line gets the top of the file. The lines are shown through the
// secrets masker: a finding about a committed password sits on the very
// line that holds it, and any other finding may sit next to one. Only a
// regular file inside the repository is read. hide, when set, changes a
// line as the file has it before the masker sees it.
func readAround(root, path string, line, radius int, mask func(string, []string) []string, hide func(n int, text string) string) ([]sourceLine, error) {
	f, err := repofs.Open(root, path)
	if errors.Is(err, repofs.ErrNotRegular) {
		if st, serr := os.Lstat(path); serr == nil && st.IsDir() {
			return nil, errFolder
		}
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if line <= 0 {
		line = radius + 1
	}
	first, last := max(1, line-radius), line+radius
	from := max(1, first-maskContext)
	r := bufio.NewReader(f)
	var window []string
	for n := 1; n <= last; n++ {
		text, err := readLine(r)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if bytes.IndexByte(text, 0) >= 0 {
			return nil, errors.New("binary file")
		}
		if n >= from {
			s := string(text)
			if hide != nil {
				s = hide(n, s)
			}
			window = append(window, s)
		}
	}
	var out []sourceLine
	rel, err := filepath.Rel(root, path)
	if err != nil {
		rel = path
	}
	for i, text := range mask(filepath.ToSlash(rel), window) {
		if n := from + i; n >= first {
			out = append(out, sourceLine{n: n, text: text})
		}
	}
	if len(out) == 0 || out[len(out)-1].n < line {
		// The file shrank after the run that reported the finding.
		return out, fmt.Errorf("line %d is past the end of the file; it changed since this run", line)
	}
	return out, nil
}

// readLine reads one line without its newline, keeping at most
// maxSourceLine bytes of it. io.EOF means there was no line at all.
func readLine(r *bufio.Reader) ([]byte, error) {
	var buf []byte
	for {
		chunk, isPrefix, err := r.ReadLine()
		if err != nil {
			if errors.Is(err, io.EOF) && buf != nil {
				return buf, nil
			}
			return nil, err
		}
		if len(buf) < maxSourceLine {
			buf = append(buf, chunk[:min(len(chunk), maxSourceLine-len(buf))]...)
		}
		if buf == nil {
			buf = []byte{}
		}
		if !isPrefix {
			return buf, nil
		}
	}
}

// editorDoneMsg reports that the editor exited (or could not start).
type editorDoneMsg struct{ err error }

// openEditor suspends the cockpit and opens the finding's file at its line
// and column: with the editor template of the preferences when there is
// one (any editor, "myedit --line {line} {file}"), else with $EDITOR,
// which gets the position when it is an editor preflight knows.
func openEditor(root string, f model.Finding, p prefs.Prefs) tea.Cmd {
	path := findingPath(root, f)
	if line, ok := p.EditorCommand(path, f.Line, f.Column); ok {
		return func() tea.Msg {
			c := exec.Command("/bin/sh", "-c", line)
			return tea.ExecProcess(c, func(err error) tea.Msg {
				if err != nil {
					err = fmt.Errorf("%s: %w", line, err)
				}
				return editorDoneMsg{err: err}
			})()
		}
	}
	return func() tea.Msg {
		opt := editor.LineNumber(f.Line)
		if f.Column > 0 {
			opt = editor.AtPosition(f.Line, f.Column)
		}
		c, err := editor.Command("preflight", path, opt)
		if err != nil {
			return editorDoneMsg{err: err}
		}
		return tea.ExecProcess(c, func(err error) tea.Msg { return editorDoneMsg{err: err} })()
	}
}

// defaultMask is the masker of a cockpit given none.
var defaultMask = hideSource

// hideSource hides every line, so that forgetting to pass a masker can
// never show a secret.
func hideSource(rel string, lines []string) []string {
	out := make([]string, len(lines))
	for i := range lines {
		out[i] = "[source hidden: no secret masker]"
	}
	return out
}
