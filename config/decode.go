package config

import (
	"math"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/model"
)

// decoder turns the node tree into a Config and checks what a schema
// cannot say: a glob doublestar refuses, a duration or size out of range,
// a regular expression that does not compile or lacks its groups, a reader
// this build lacks, a path that climbs out of the repository. Values of
// the wrong shape it reads as best it can: validate reports those, and
// Parse drops what the decoder says at a position validate reported.
type decoder struct {
	Errors
}

// expected reports a value the schema accepts but preflight cannot use,
// in the words the schema gives at ptr for the values it rejects.
func (d *decoder) expected(n *node, where, ptr string) {
	d.add(n.pos, "%s: expected %s, got %s", where, schemaAt("#"+ptr).Get("x-expected").Text(), shown(n, nil))
}

func (d *decoder) config(n *node) *Config {
	cfg := &Config{customPos: map[string]Pos{}}
	for _, e := range n.entries {
		v := e.value
		switch e.key {
		case "ignore":
			cfg.Ignore = d.globs(v, "ignore")
		case "collectors":
			cfg.Collectors = d.collectors(v)
		case "domains":
			cfg.Domains = d.domains(v)
		case "severity":
			cfg.Severity = d.severities(v)
		case "budgets":
			cfg.Budgets = d.budgets(v)
		case "gate":
			cfg.Gate = []string{}
			for _, item := range v.items {
				cfg.Gate = append(cfg.Gate, item.text)
			}
		case "custom":
			cfg.Custom = d.customs(v, cfg.customPos)
		}
	}
	return cfg
}

// args reads a list of command arguments; numbers and booleans are taken
// as written ([sleep, 5]).
func args(n *node) []string {
	var out []string
	for _, item := range n.items {
		out = append(out, item.text)
	}
	return out
}

// globs reads a list of doublestar globs relative to the repository root.
func (d *decoder) globs(n *node, where string) []string {
	out := []string{}
	for i, item := range n.items {
		if item.kind != kString {
			continue
		}
		if !doublestar.ValidatePattern(item.text) {
			d.add(item.pos, "%s[%d]: %q is not a valid glob (use *, **, ?, [abc] and {a,b} with balanced brackets and braces)", where, i, item.text)
		}
		out = append(out, item.text)
	}
	return out
}

func (d *decoder) duration(n *node, where string) time.Duration {
	if n.kind != kString {
		return 0
	}
	v, err := time.ParseDuration(n.text)
	if err != nil || v <= 0 {
		d.expected(n, where, "/definitions/duration")
		return 0
	}
	return v
}

func (d *decoder) collectors(n *node) []CollectorSetting {
	var out []CollectorSetting
	for _, e := range n.entries {
		cs := CollectorSetting{Match: e.key, Pos: e.keyPos}
		for _, f := range e.value.entries {
			at := "collectors." + e.key + "." + f.key
			switch f.key {
			case "enabled":
				b := f.value.text == "true"
				cs.Enabled = &b
			case "inputs":
				cs.Inputs = d.globs(f.value, at)
			case "timeout":
				cs.Timeout = d.duration(f.value, at)
			case "args":
				cs.Args = args(f.value)
			}
		}
		out = append(out, cs)
	}
	return out
}

func (d *decoder) domains(n *node) []DomainSetting {
	var out []DomainSetting
	for _, e := range n.entries {
		ds := DomainSetting{ID: e.key, Pos: e.keyPos}
		for _, f := range e.value.entries {
			switch f.key {
			case "name":
				ds.Name = strings.TrimSpace(f.value.text)
			case "weight":
				if w, err := strconv.ParseFloat(f.value.text, 64); err == nil {
					ds.Weight = &w
				}
			}
		}
		out = append(out, ds)
	}
	return out
}

func (d *decoder) severities(n *node) []SeverityOverride {
	var out []SeverityOverride
	for _, e := range n.entries {
		if !doublestar.ValidatePattern(e.key) || e.key == "" {
			d.add(e.keyPos, "severity: %q is not a rule id or a valid glob over rule ids (e.g. TS6133, vet:*)", e.key)
			continue
		}
		if sev, err := model.ParseSeverity(e.value.text); err == nil {
			out = append(out, SeverityOverride{Rule: e.key, Severity: sev, Pos: e.keyPos})
		}
	}
	return out
}

func (d *decoder) budgets(n *node) Budgets {
	var b Budgets
	for _, e := range n.entries {
		switch e.key {
		case "bundle_size":
			b.BundleMaxBytes = d.size(e.value)
		case "coverage":
			b.CoverageMinPercent = d.percent(e.value)
		}
	}
	return b
}

var sizeRE = regexp.MustCompile(`^\s*([0-9]+(?:\.[0-9]+)?)\s*([KMG]i?B|B)?\s*$`)

var sizeUnits = map[string]float64{"": 1, "B": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}

// size reads a byte count: an integer, or a number with a unit (250KB,
// 1.5MiB).
func (d *decoder) size(n *node) int64 {
	bytes := -1.0
	if m := sizeRE.FindStringSubmatch(n.text); m != nil && (n.kind == kInt || n.kind == kString) {
		v, _ := strconv.ParseFloat(m[1], 64)
		bytes = v * sizeUnits[m[2]]
	}
	if bytes < 1 || bytes > math.MaxInt64/2 {
		d.expected(n, "budgets.bundle_size", "/properties/budgets/properties/bundle_size")
		return 0
	}
	return int64(bytes)
}

// percent reads 80, 80.5 or "80%".
func (d *decoder) percent(n *node) float64 {
	v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(n.text), "%")), 64)
	if err != nil || v <= 0 || v > 100 {
		d.expected(n, "budgets.coverage", "/properties/budgets/properties/coverage")
		return 0
	}
	return v
}

func (d *decoder) customs(n *node, positions map[string]Pos) []collectors.CommandSpec {
	var out []collectors.CommandSpec
	for _, e := range n.entries {
		where := "custom." + e.key
		spec := collectors.CommandSpec{Name: e.key, Output: collectors.ReadExitCode, Severity: model.Blocker}
		var patternNode, reportNode *node
		for _, f := range e.value.entries {
			v, at := f.value, where+"."+f.key
			switch f.key {
			case "command":
				if v.kind == kString {
					spec.Command, spec.Shell = []string{v.text}, true
				} else {
					spec.Command = args(v)
				}
			case "dir":
				spec.Dir = d.relPath(v, at)
			case "inputs":
				spec.Inputs = d.globs(v, at)
			case "timeout":
				spec.Timeout = d.duration(v, at)
			case "domain":
				spec.Domain = v.text
			case "output":
				spec.Output = v.text
			case "pattern":
				patternNode = v
			case "report":
				reportNode = v
			case "severity":
				if sev, err := model.ParseSeverity(v.text); err == nil {
					spec.Severity = sev
				}
			}
		}
		if patternNode != nil && spec.Output == collectors.ReadRegex {
			spec.Pattern = d.pattern(patternNode, where+".pattern")
		}
		if reportNode != nil {
			at := where + ".report"
			switch spec.Output {
			case collectors.ReadExitCode, collectors.ReadRegex:
				d.add(reportNode.pos, "%s: the %s reader reads the command's output, not a report file; remove report or change output", at, spec.Output)
			default:
				spec.Report = d.relPath(reportNode, at)
			}
		}
		positions[spec.Name] = e.keyPos
		out = append(out, spec)
	}
	return out
}

// relPath reads a path relative to the repository root (the schema keeps
// it relative and written with /) that must not climb out of it.
func (d *decoder) relPath(n *node, where string) string {
	if clean := path.Clean(n.text); clean == ".." || strings.HasPrefix(clean, "../") {
		d.add(n.pos, "%s: %q leaves the repository", where, n.text)
	}
	return n.text
}

var patternGroups = []string{"file", "path", "line", "col", "column", "severity", "level", "rule", "code", "message", "msg"}

func (d *decoder) pattern(n *node, at string) *regexp.Regexp {
	re, err := regexp.Compile(n.text)
	if err != nil {
		d.add(n.pos, "%s: not a valid regular expression (Go RE2 syntax): %v", at, strings.TrimPrefix(err.Error(), "error parsing regexp: "))
		return nil
	}
	has := map[string]bool{}
	for _, name := range re.SubexpNames() {
		if name == "" {
			continue
		}
		if !slices.Contains(patternGroups, name) {
			d.add(n.pos, "%s: unknown group name %q (use file, line, col, severity, rule, message)", at, name)
			return nil
		}
		has[name] = true
	}
	if !has["message"] && !has["msg"] && !has["file"] {
		d.add(n.pos, "%s: needs a (?P<message>…) or (?P<file>…) group so a match says what is wrong", at)
		return nil
	}
	return re
}

func orDefault(s, dflt string) string {
	if s == "" {
		return dflt
	}
	return s
}
