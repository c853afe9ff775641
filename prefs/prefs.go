// Package prefs reads the personal preferences of the person at the
// cockpit from $XDG_CONFIG_HOME/preflight/config.yaml
// (~/.config/preflight/config.yaml). They are never part of a
// repository's preflight.yaml, which is shared with everyone who checks
// the repository: how one person's editor opens a file, how wide their
// tree is or which keys they press concerns nobody else.
//
//	editor: "myedit --line {line} {file}"   # any editor; {file} {line} {column}
//	split: 60                               # % of the screen the tree takes
//	notify: bell                            # off (default), bell or desktop
//	progress: true                          # progress in the tab/taskbar (OSC 9;4)
//	typescript_programs: 8                  # TypeScript watch programs kept in the checker
//	keys:                                   # action: key, or a list of keys
//	  rerun: [r, F5]
package prefs

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
)

// FileName is the preferences file inside preflight's config directory.
const FileName = "config.yaml"

// Split bounds, in percent of the screen the tree takes.
const (
	MinSplit = 20
	MaxSplit = 80
)

// Notify modes: how the cockpit tells that the verdict changed.
const (
	NotifyOff     = ""
	NotifyBell    = "bell"    // the terminal bell
	NotifyDesktop = "desktop" // a desktop notification (OSC 9), where the terminal supports it
)

// Prefs are one person's preferences. The zero value is the default.
type Prefs struct {
	// Path is the file they were read from; "" when there is none.
	Path string
	// Editor is a command line template that opens a file at a line:
	// {file} is replaced by the file's path (quoted for the shell),
	// {line} and {column} by the position. "" uses $VISUAL/$EDITOR.
	Editor string
	// Split is the percentage of the screen the tree takes (its width
	// beside the detail pane, its height above it); 0 adapts to the
	// terminal.
	Split int
	// Notify is NotifyOff, NotifyBell or NotifyDesktop.
	Notify string
	// NoProgress turns off the progress report to the terminal's tab or
	// taskbar (OSC 9;4) while collectors run.
	NoProgress bool
	// Keys remaps actions: action name → the keys that trigger it.
	Keys map[string][]string
	// TypeScriptPrograms bounds the TypeScript watch programs one checker
	// process keeps in memory (each is a project's parsed and checked
	// program); 0 is the default. Memory is this machine's concern.
	TypeScriptPrograms int
}

// Path is where the preferences file is: $XDG_CONFIG_HOME/preflight/config.yaml,
// else ~/.config/preflight/config.yaml.
func Path() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "preflight", FileName), nil
}

// Load reads the preferences file. A missing file is the default, not an
// error; what cannot be read or understood is said in the warnings and
// left at its default, so a typo never stops the cockpit.
func Load() (Prefs, []string) {
	path, err := Path()
	if err != nil {
		return Prefs{}, nil // no home, no preferences
	}
	src, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Prefs{}, nil
	}
	if err != nil {
		return Prefs{}, []string{fmt.Sprintf("%s: %v; using the defaults", path, err)}
	}
	return Parse(path, src)
}

// settings are the known top-level keys, in the order they are documented.
var settings = []string{"editor", "split", "notify", "progress", "keys", "typescript_programs"}

// Parse reads preferences from src; path names the file in warnings.
func Parse(path string, src []byte) (Prefs, []string) {
	p := Prefs{Path: path}
	var warnings []string
	warn := func(format string, args ...any) {
		warnings = append(warnings, path+": "+fmt.Sprintf(format, args...))
	}
	var raw map[string]any
	if err := yaml.Unmarshal(src, &raw); err != nil {
		warn("not valid YAML, using the defaults: %s", firstLine(err.Error()))
		return p, warnings
	}
	keys := slices.Sorted(maps.Keys(raw))
	for _, k := range keys {
		v := raw[k]
		switch k {
		case "editor":
			s, ok := v.(string)
			if !ok || strings.TrimSpace(s) == "" {
				warn("editor: expected a command line such as \"myedit --line {line} {file}\", got %v", v)
				continue
			}
			p.Editor = strings.TrimSpace(s)
		case "split":
			n, ok := number(v)
			if !ok || n < MinSplit || n > MaxSplit {
				warn("split: expected the percentage of the screen the tree takes, %d to %d, got %v", MinSplit, MaxSplit, v)
				continue
			}
			p.Split = n
		case "notify":
			switch s := fmt.Sprint(v); s {
			case "off", "false", "none", "<nil>":
				p.Notify = NotifyOff
			case NotifyBell, NotifyDesktop:
				p.Notify = s
			default:
				warn("notify: expected off, bell or desktop, got %v", v)
			}
		case "progress":
			b, ok := v.(bool)
			if !ok {
				warn("progress: expected true or false, got %v", v)
				continue
			}
			p.NoProgress = !b
		case "keys":
			p.Keys, warnings = keyMap(v, path, warnings)
		case "typescript_programs":
			n, ok := number(v)
			if !ok || n < 1 {
				warn("typescript_programs: expected how many TypeScript programs to keep, 1 or more, got %v", v)
				continue
			}
			p.TypeScriptPrograms = n
		default:
			warn("unknown setting %q (known: %s)", k, strings.Join(settings, ", "))
		}
	}
	return p, warnings
}

func keyMap(v any, path string, warnings []string) (map[string][]string, []string) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, append(warnings, fmt.Sprintf("%s: keys: expected action: key pairs such as \"rerun: [r, F5]\", got %v", path, v))
	}
	out := map[string][]string{}
	for action, keys := range m {
		var list []string
		switch k := keys.(type) {
		case string:
			list = []string{k}
		case []any:
			for _, x := range k {
				list = append(list, fmt.Sprint(x))
			}
		default:
			list = []string{fmt.Sprint(k)}
		}
		var clean []string
		for _, k := range list {
			if k = strings.TrimSpace(k); k != "" {
				clean = append(clean, k)
			}
		}
		if len(clean) == 0 {
			warnings = append(warnings, fmt.Sprintf("%s: keys.%s: no key given", path, action))
			continue
		}
		out[action] = clean
	}
	return out, warnings
}

func number(v any) (int, bool) {
	switch n := v.(type) {
	case uint64:
		return int(n), true
	case int64:
		return int(n), true
	case int:
		return n, true
	case float64:
		if n == float64(int(n)) {
			return int(n), true
		}
	case string:
		i, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(n), "%"))
		return i, err == nil
	}
	return 0, false
}

// EditorCommand is the shell command line that opens file at line and
// column with the editor template; ok is false when there is no template.
// The file is quoted for the shell; a template without {file} gets it
// at the end.
func (p Prefs) EditorCommand(file string, line, column int) (cmdline string, ok bool) {
	if p.Editor == "" {
		return "", false
	}
	line, column = max(1, line), max(1, column)
	t := p.Editor
	if !strings.Contains(t, "{file}") {
		t += " {file}"
	}
	r := strings.NewReplacer("{file}", ShellQuote(file), "{line}", strconv.Itoa(line), "{column}", strconv.Itoa(column))
	return r.Replace(t), true
}

// ShellQuote quotes s for a POSIX shell.
func ShellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:@%+=,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
