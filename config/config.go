// Package config reads preflight.yaml, the optional per-repository file
// that tunes preflight: extra ignore globs, collector settings, domain
// names and weights, severity overrides, budgets, which domains gate the
// verdict, and custom collectors. Every error names the file, line and
// column and says what was expected there.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/repofs"
	"github.com/preflight-dev/preflight/model"
)

// FileName is the config file at the repository root.
const FileName = "preflight.yaml"

// SchemaURL is where editors find the JSON Schema of preflight.yaml.
const SchemaURL = "https://raw.githubusercontent.com/preflight-dev/preflight/main/config/preflight.schema.json"

// Config is a parsed, validated preflight.yaml. The zero value (no file)
// changes nothing.
type Config struct {
	Path string // absolute path of the file; "" when the repository has none

	Ignore     []string           // doublestar globs added to the ignore rules
	Collectors []CollectorSetting // in file order
	Domains    []DomainSetting
	Severity   []SeverityOverride
	Budgets    Budgets
	// Gate lists the domains whose findings and missing evidence decide
	// the verdict; nil means every domain does.
	Gate   []string
	Custom []collectors.CommandSpec

	// customPos remembers where each custom collector is defined, for
	// messages about it.
	customPos map[string]Pos
}

// root is the repository the file configures; "" when there is no file.
func (c *Config) root() string {
	if c.Path == "" {
		return ""
	}
	return filepath.Dir(c.Path)
}

// CollectorSetting tunes the built-in collectors a key matches: a kind
// ("go-test") matches every instance, an id ("typescript:web") one.
type CollectorSetting struct {
	Match   string
	Enabled *bool         // nil: unchanged
	Inputs  []string      // nil: the collector's own
	Timeout time.Duration // 0: the default
	Args    []string      // extra arguments for the tool
	Pos     Pos           // of the key
}

// DomainSetting renames or reweighs a domain.
type DomainSetting struct {
	ID     string
	Name   string   // "": unchanged
	Weight *float64 // nil: unchanged; 0 leaves the domain out of the overall score
	Pos    Pos
}

// SeverityOverride gives every finding of a rule another severity. Rule
// is an exact rule id or a glob over rule ids ("vet:*").
type SeverityOverride struct {
	Rule     string
	Severity model.Severity
	Pos      Pos
}

// Budgets are the limits measured values are held to.
type Budgets struct {
	// BundleMaxBytes bounds the gzipped JavaScript a build output ships;
	// 0: the bundle collector's default.
	BundleMaxBytes int64
	// CoverageMinPercent is the lowest acceptable line coverage; 0: the
	// coverage collector's default.
	CoverageMinPercent float64
}

// maxFileSize bounds what is parsed: a real config is a few kilobytes.
const maxFileSize = 1 << 20

// Load reads root/preflight.yaml. A repository without one gets the zero
// Config and no error.
func Load(root string) (*Config, error) {
	path := filepath.Join(root, FileName)
	data, err := repofs.ReadFile(root, FileName)
	if errors.Is(err, fs.ErrNotExist) {
		return &Config{}, nil
	}
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse validates data as the contents of the file at path (path is used in
// messages and as the config's identity for trust).
func Parse(path string, data []byte) (*Config, error) {
	if len(data) > maxFileSize {
		return nil, Errors{{File: path, Pos: Pos{1, 1}, Msg: fmt.Sprintf("the file is %d bytes; a config is at most %d", len(data), maxFileSize)}}
	}
	tree, err := parseTree(data)
	if err != nil {
		return nil, Errors{withFile(err, path)}
	}
	// Every error at once, in file order: one run shows all that is wrong.
	// Where the schema rejects a value, the decoder's later checks of it
	// would only repeat that.
	errs := validate(tree)
	rejected := map[Pos]bool{}
	for _, e := range errs {
		rejected[e.Pos] = true
	}
	d := &decoder{}
	cfg := d.config(tree)
	for _, e := range d.Errors {
		if !rejected[e.Pos] {
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		sort.SliceStable(errs, func(i, j int) bool {
			a, b := errs[i].Pos, errs[j].Pos
			return a.Line < b.Line || a.Line == b.Line && (a.Col < b.Col || a.Col == b.Col && errs[i].Msg < errs[j].Msg)
		})
		for _, e := range errs {
			e.File = path
		}
		return nil, errs
	}
	cfg.Path = path
	return cfg, nil
}

func withFile(err error, path string) *Error {
	var e *Error
	if errors.As(err, &e) {
		e.File = path
		return e
	}
	return &Error{File: path, Pos: Pos{1, 1}, Msg: err.Error()}
}

// Error is one problem in the file, at a position.
type Error struct {
	File string
	Pos  Pos
	Msg  string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", orDefault(e.File, FileName), e.Pos.Line, e.Pos.Col, e.Msg)
}

// file is the config's path for messages.
func (c *Config) file() string { return orDefault(c.Path, FileName) }

// at renders a position in the config as file:line:col.
func (c *Config) at(p Pos) string { return fmt.Sprintf("%s:%d:%d", c.file(), p.Line, p.Col) }

// Errors are all the problems found in one file, in file order.
type Errors []*Error

func (es *Errors) add(p Pos, format string, args ...any) {
	*es = append(*es, &Error{Pos: p, Msg: fmt.Sprintf(format, args...)})
}

func (es Errors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// NeedsTrust reports whether the config defines commands: custom
// collectors or extra arguments for built-in ones.
func (c *Config) NeedsTrust() bool { return len(c.Commands()) > 0 }

// Commands lists, one line each, every command the config would make
// preflight run, in a canonical form. Trust is given to exactly this text:
// any change to it (a new command, an edited one, another directory or
// extra arguments) needs trust again; tuning timeouts, inputs or severities
// does not.
func (c *Config) Commands() []string {
	var out []string
	for _, s := range c.Custom {
		kind := "exec"
		if s.Shell {
			kind = "sh -c"
		}
		out = append(out, fmt.Sprintf("custom:%s: %s %q in %s", s.Name, kind, s.Command, s.WorkDir()))
	}
	for _, cs := range c.Collectors {
		if len(cs.Args) > 0 {
			out = append(out, fmt.Sprintf("%s: extra arguments %q", cs.Match, cs.Args))
		}
	}
	return out
}

// Describe lists the config's commands for people: what runs, and where.
func (c *Config) Describe() []string {
	var out []string
	for _, s := range c.Custom {
		out = append(out, fmt.Sprintf("custom:%s  %s", s.Name, s.CommandLine()))
	}
	for _, cs := range c.Collectors {
		if len(cs.Args) > 0 {
			out = append(out, fmt.Sprintf("%s  extra arguments: %s", cs.Match, strings.Join(cs.Args, " ")))
		}
	}
	return out
}

// Policy is what the config changes about scoring: domain names, weights
// and the gating domains. It is nil when the config changes none of them.
func (c *Config) Policy() *model.Policy {
	if len(c.Domains) == 0 && c.Gate == nil {
		return nil
	}
	p := &model.Policy{Domains: map[string]model.DomainOverride{}, Gate: append([]string(nil), c.Gate...)}
	for _, d := range c.Domains {
		p.Domains[d.ID] = model.DomainOverride{Name: d.Name, Weight: d.Weight}
	}
	return p
}
