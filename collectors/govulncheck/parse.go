package govulncheck

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// The types below mirror govulncheck's JSON protocol (v1.0.0): a stream of
// JSON objects, each with exactly one of these fields set. The stream is
// indented, not one object per line, so it is read with a json.Decoder.

// Message is one object of the stream.
type Message struct {
	Config   *Config   `json:"config,omitempty"`
	Progress *Progress `json:"progress,omitempty"`
	OSV      *Entry    `json:"osv,omitempty"`
	Finding  *Finding  `json:"finding,omitempty"`
}

// Config describes the scan; it is the first message.
type Config struct {
	ProtocolVersion string `json:"protocol_version"`
	ScannerVersion  string `json:"scanner_version"`
	DB              string `json:"db"`
	ScanLevel       string `json:"scan_level"`
}

// Progress is a status line.
type Progress struct {
	Message string `json:"message"`
}

// Entry is the part of an OSV entry preflight shows.
type Entry struct {
	ID               string   `json:"id"`
	Summary          string   `json:"summary"`
	Details          string   `json:"details"`
	Aliases          []string `json:"aliases"`
	DatabaseSpecific struct {
		URL string `json:"url"`
	} `json:"database_specific"`
}

// Finding says that a vulnerability (OSV id) applies at the level of its
// trace: a module only, a package (imported), or a function (called).
type Finding struct {
	OSV          string   `json:"osv"`
	FixedVersion string   `json:"fixed_version"`
	Trace        []*Frame `json:"trace"`
}

// Frame is one step of a trace; Trace[0] is the vulnerable symbol, the
// last frame is the entry point in the scanned module.
type Frame struct {
	Module   string    `json:"module"`
	Version  string    `json:"version"`
	Package  string    `json:"package"`
	Function string    `json:"function"`
	Receiver string    `json:"receiver"`
	Position *Position `json:"position"`
}

// Position is where a frame is; Filename is relative to its module's root.
type Position struct {
	Filename string `json:"filename"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
}

// Level is how close a vulnerability is to the code.
type Level int

const (
	Required Level = iota // a vulnerable module is in the build list
	Imported              // a vulnerable package is imported
	Called                // a vulnerable function is reachable
)

func (l Level) String() string {
	switch l {
	case Called:
		return "called"
	case Imported:
		return "imported"
	}
	return "required"
}

// level of a finding: its trace's first frame names a function, a package
// or only a module.
func (f *Finding) level() Level {
	if len(f.Trace) == 0 {
		return Required
	}
	switch top := f.Trace[0]; {
	case top.Function != "":
		return Called
	case top.Package != "":
		return Imported
	}
	return Required
}

// Stream is a parsed govulncheck -json output.
type Stream struct {
	Config   *Config
	Progress []string
	Entries  map[string]*Entry
	Findings []*Finding
}

// ParseStream reads the whole stream. A stream cut short (govulncheck
// failed half way) returns what was read and an error.
func ParseStream(out []byte) (Stream, error) {
	s := Stream{Entries: map[string]*Entry{}}
	dec := json.NewDecoder(bytes.NewReader(out))
	for n := 1; ; n++ {
		var m Message
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return s, fmt.Errorf("govulncheck JSON object %d is unreadable: %v", n, err)
		}
		switch {
		case m.Config != nil:
			s.Config = m.Config
		case m.Progress != nil:
			s.Progress = append(s.Progress, m.Progress.Message)
		case m.OSV != nil:
			if m.OSV.ID == "" {
				return s, fmt.Errorf("govulncheck JSON object %d is an OSV entry without an id", n)
			}
			s.Entries[m.OSV.ID] = m.OSV
		case m.Finding != nil:
			if m.Finding.OSV == "" {
				return s, fmt.Errorf("govulncheck JSON object %d is a finding without an OSV id", n)
			}
			s.Findings = append(s.Findings, m.Finding)
		}
	}
	if s.Config == nil {
		return s, errors.New("govulncheck printed no config message: this is not its -json output")
	}
	return s, nil
}

// CallSite is where the scanned module reaches a vulnerable symbol.
type CallSite struct {
	File     string // relative to the module root, as govulncheck prints it
	Line     int
	Column   int
	Caller   string // the function in the scanned module
	Symbol   string // the vulnerable symbol, package.Function or package.Type.Method
	Function string
	Module   string // the vulnerable symbol's module
}

// ModuleFix is one module a vulnerability is found in: its version in the
// build and the version that fixes it ("" when none does yet).
type ModuleFix struct {
	Module, Version, FixedVersion string
}

// Vuln is one vulnerability, deduplicated across the stream's findings: the
// highest level any finding reached and every call site.
type Vuln struct {
	ID           string
	Entry        *Entry // nil when the stream carried no OSV entry for it
	Level        Level
	Module       string // the vulnerable module (the first of Modules)
	Version      string // its version in the build
	FixedVersion string
	// Modules are all the modules it is found in, in govulncheck's order
	// (by module path): one vulnerability may need x/net and Go upgraded.
	Modules  []ModuleFix
	Packages []string // vulnerable packages imported
	Calls    []CallSite
}

// Vulns merges the findings by OSV id, most serious first (called, then
// imported, then required), then by id. scanned is the scanned module's
// path, to find the first frame in its own code.
func (s Stream) Vulns(scanned string) []Vuln {
	byID := map[string]*Vuln{}
	var order []string
	for _, f := range s.Findings {
		v := byID[f.OSV]
		if v == nil {
			v = &Vuln{ID: f.OSV, Entry: s.Entries[f.OSV]}
			byID[f.OSV] = v
			order = append(order, f.OSV)
		}
		if l := f.level(); l > v.Level {
			v.Level = l
		}
		if v.FixedVersion == "" {
			v.FixedVersion = f.FixedVersion
		}
		if len(f.Trace) == 0 {
			continue
		}
		top := f.Trace[0]
		if i := slices.IndexFunc(v.Modules, func(m ModuleFix) bool { return m.Module == top.Module }); i < 0 {
			v.Modules = append(v.Modules, ModuleFix{top.Module, top.Version, f.FixedVersion})
		} else if v.Modules[i].FixedVersion == "" {
			v.Modules[i].FixedVersion = f.FixedVersion
		}
		if top.Package != "" && !slices.Contains(v.Packages, top.Package) {
			v.Packages = append(v.Packages, top.Package)
		}
		if top.Function != "" {
			if site, ok := callSite(f.Trace, scanned); ok && !containsSite(v.Calls, site) {
				v.Calls = append(v.Calls, site)
			}
		}
	}
	out := make([]Vuln, 0, len(order))
	for _, id := range order {
		v := byID[id]
		sort.Strings(v.Packages)
		sort.SliceStable(v.Modules, func(i, j int) bool { return v.Modules[i].Module < v.Modules[j].Module })
		if len(v.Modules) > 0 {
			v.Module, v.Version, v.FixedVersion = v.Modules[0].Module, v.Modules[0].Version, v.Modules[0].FixedVersion
		}
		// In the order govulncheck's text lists its example traces: by
		// module, then by vulnerable symbol, then as found.
		sort.SliceStable(v.Calls, func(i, j int) bool {
			if v.Calls[i].Module != v.Calls[j].Module {
				return v.Calls[i].Module < v.Calls[j].Module
			}
			return v.Calls[i].Symbol < v.Calls[j].Symbol
		})
		out = append(out, *v)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Level != out[j].Level {
			return out[i].Level > out[j].Level
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// callSite is the first frame of a call trace inside the scanned module:
// where its code calls toward the vulnerable symbol.
func callSite(trace []*Frame, scanned string) (CallSite, bool) {
	top := trace[0]
	sym := symbolName(top)
	for _, fr := range trace[1:] {
		if fr.Module != scanned || fr.Position == nil {
			continue
		}
		return CallSite{
			File: fr.Position.Filename, Line: fr.Position.Line, Column: fr.Position.Column,
			Caller: fr.Function, Symbol: sym, Function: top.Function, Module: top.Module,
		}, true
	}
	return CallSite{}, false
}

// symbolName renders a symbol as govulncheck's text does, and Go code
// names it: language.Parse, unicode.utf16Decoder.Transform, yaml.Unmarshal
// for gopkg.in/yaml.v3.
func symbolName(f *Frame) string {
	name, _, _ := strings.Cut(f.Function, "$") // a closure is its function's
	if f.Receiver != "" {
		name = strings.TrimPrefix(f.Receiver, "*") + "." + name
	}
	if f.Package == "" {
		return name
	}
	return assumedName(f.Package) + "." + name
}

// assumedName is the name a package is imported by when its path does not
// say otherwise: the last element, skipping a major version (/v2), without
// a go- prefix, up to the first character that cannot be in a name.
func assumedName(importPath string) string {
	base := path.Base(importPath)
	if n, ok := strings.CutPrefix(base, "v"); ok {
		if _, err := strconv.Atoi(n); err == nil && path.Dir(importPath) != "." {
			base = path.Base(path.Dir(importPath))
		}
	}
	base = strings.TrimPrefix(base, "go-")
	if i := strings.IndexFunc(base, func(r rune) bool { return r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) }); i >= 0 {
		base = base[:i]
	}
	return base
}

func containsSite(list []CallSite, s CallSite) bool {
	for _, x := range list {
		if x.File == s.File && x.Line == s.Line && x.Symbol == s.Symbol {
			return true
		}
	}
	return false
}
