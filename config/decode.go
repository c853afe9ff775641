package config

import (
	"fmt"
	"math"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/preflight-dev/preflight/collectors/custom"
	"github.com/preflight-dev/preflight/model"
)

// decoder turns the node tree into a Config, collecting every error
// rather than stopping at the first: one run shows all that is wrong.
type decoder struct {
	errs Errors
}

func (d *decoder) errf(p Pos, format string, args ...any) {
	d.errs = append(d.errs, &Error{Pos: p, Msg: fmt.Sprintf(format, args...)})
}

// Top-level keys, in the order the documentation lists them.
var topKeys = []string{"version", "ignore", "collectors", "domains", "severity", "budgets", "gate", "custom"}

func (d *decoder) config(n *node) *Config {
	cfg := &Config{customPos: map[string]Pos{}}
	entries, ok := d.mapping(n, "the top level")
	if !ok {
		return cfg
	}
	for _, e := range entries {
		v := e.value
		switch e.key {
		case "version":
			if v.kind != kInt || v.text != "1" {
				d.errf(v.pos, "version: expected 1 (the only config version), got %s", describe(v))
			}
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
			for _, item := range d.list(v, "gate", `a list of domain ids such as [build, tests, security]`) {
				if id, ok := d.domainID(item, "gate"); ok {
					cfg.Gate = append(cfg.Gate, id)
				}
			}
		case "custom":
			cfg.Custom = d.customs(v, cfg.customPos)
		default:
			d.unknownKey(e, "at the top level", topKeys)
		}
	}
	return cfg
}

// mapping returns n's entries, or reports that a mapping was expected.
func (d *decoder) mapping(n *node, where string) ([]entry, bool) {
	if n.kind == kNull {
		return nil, true // "collectors:" with nothing under it
	}
	if n.kind != kMap {
		d.errf(n.pos, "%s: expected a mapping (key: value lines), got %s", where, describe(n))
		return nil, false
	}
	return n.entries, true
}

func (d *decoder) list(n *node, where, form string) []*node {
	if n.kind == kNull {
		return nil
	}
	if n.kind != kList {
		d.errf(n.pos, "%s: expected %s, got %s", where, form, describe(n))
		return nil
	}
	return n.items
}

func (d *decoder) unknownKey(e entry, where string, allowed []string) {
	msg := fmt.Sprintf("unknown key %q %s (expected one of: %s)", e.key, where, strings.Join(allowed, ", "))
	if s := suggest(e.key, allowed); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	d.errf(e.keyPos, "%s", msg)
}

func (d *decoder) str(n *node, where, form string) (string, bool) {
	if n.kind != kString {
		d.errf(n.pos, "%s: expected %s, got %s", where, form, describe(n))
		return "", false
	}
	return n.text, true
}

// args reads a list of command arguments; numbers and booleans are taken
// as written ([sleep, 5]).
func (d *decoder) args(n *node, where, form string) []string {
	var out []string
	for i, item := range d.list(n, where, form) {
		switch item.kind {
		case kString, kInt, kFloat, kBool:
			out = append(out, item.text)
		default:
			d.errf(item.pos, "%s[%d]: expected an argument (a string), got %s", where, i, describe(item))
		}
	}
	return out
}

// globs reads a list of doublestar globs relative to the repository root.
func (d *decoder) globs(n *node, where string) []string {
	items := d.list(n, where, `a list of globs such as ["dist/**", "**/*.snap"]`)
	out := []string{}
	for i, item := range items {
		at := fmt.Sprintf("%s[%d]", where, i)
		g, ok := d.str(item, at, `a glob such as "fixtures/**"`)
		if !ok {
			continue
		}
		if msg := badGlob(g); msg != "" {
			d.errf(item.pos, "%s: %q %s", at, g, msg)
			continue
		}
		out = append(out, g)
	}
	return out
}

func badGlob(g string) string {
	switch {
	case g == "":
		return "is empty"
	case strings.HasPrefix(g, "/"):
		return "is absolute; globs are relative to the repository root (drop the leading /)"
	case strings.Contains(g, `\`):
		return `uses \; write paths with /`
	case !doublestar.ValidatePattern(g):
		return "is not a valid glob (use *, **, ?, [abc] and {a,b} with balanced brackets and braces)"
	}
	return ""
}

func (d *decoder) duration(n *node, where string) time.Duration {
	const form = `a duration such as "90s", "5m" or "1h30m"`
	s, ok := d.str(n, where, form)
	if !ok {
		return 0
	}
	v, err := time.ParseDuration(s)
	if err != nil || v <= 0 {
		d.errf(n.pos, "%s: expected %s, got %q", where, form, s)
		return 0
	}
	return v
}

func (d *decoder) boolean(n *node, where string) (bool, bool) {
	if n.kind != kBool {
		d.errf(n.pos, "%s: expected true or false, got %s", where, describe(n))
		return false, false
	}
	return n.text == "true", true
}

func (d *decoder) number(n *node, where, form string) (float64, bool) {
	if n.kind != kInt && n.kind != kFloat {
		d.errf(n.pos, "%s: expected %s, got %s", where, form, describe(n))
		return 0, false
	}
	v, err := strconv.ParseFloat(n.text, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		d.errf(n.pos, "%s: expected %s, got %s", where, form, describe(n))
		return 0, false
	}
	return v, true
}

var (
	domainIDRE  = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	nameRE      = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)
	collectorRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*(:\S+)?$`)
)

func (d *decoder) domainID(n *node, where string) (string, bool) {
	s, ok := d.str(n, where, "a domain id such as build, tests, security, deployment, performance or ci")
	if !ok {
		return "", false
	}
	if !domainIDRE.MatchString(s) {
		d.errf(n.pos, "%s: %q is not a domain id (lower-case letters, digits and -, e.g. build, tests, security)", where, s)
		return "", false
	}
	return s, true
}

var collectorKeys = []string{"enabled", "inputs", "timeout", "args"}

func (d *decoder) collectors(n *node) []CollectorSetting {
	entries, _ := d.mapping(n, "collectors")
	var out []CollectorSetting
	for _, e := range entries {
		where := "collectors." + e.key
		if !collectorRE.MatchString(e.key) {
			d.errf(e.keyPos, "collectors: %q is not a collector kind or id (a kind such as go-test, or an id such as typescript:web)", e.key)
			continue
		}
		cs := CollectorSetting{Match: e.key, Pos: e.keyPos}
		fields, ok := d.mapping(e.value, where)
		if !ok {
			continue
		}
		for _, f := range fields {
			at := where + "." + f.key
			switch f.key {
			case "enabled":
				if b, ok := d.boolean(f.value, at); ok {
					cs.Enabled = &b
				}
			case "inputs":
				cs.Inputs = d.globs(f.value, at)
			case "timeout":
				cs.Timeout = d.duration(f.value, at)
			case "args":
				cs.Args = d.args(f.value, at, `a list of arguments such as ["-race"]`)
			default:
				d.unknownKey(f, "in "+where, collectorKeys)
			}
		}
		out = append(out, cs)
	}
	return out
}

var domainKeys = []string{"name", "weight"}

func (d *decoder) domains(n *node) []DomainSetting {
	entries, _ := d.mapping(n, "domains")
	var out []DomainSetting
	for _, e := range entries {
		where := "domains." + e.key
		if !domainIDRE.MatchString(e.key) {
			d.errf(e.keyPos, "domains: %q is not a domain id (lower-case letters, digits and -, e.g. build, tests, security)", e.key)
			continue
		}
		ds := DomainSetting{ID: e.key, Pos: e.keyPos}
		fields, ok := d.mapping(e.value, where)
		if !ok {
			continue
		}
		for _, f := range fields {
			at := where + "." + f.key
			switch f.key {
			case "name":
				if s, ok := d.str(f.value, at, "a display name such as \"Security\""); ok {
					if strings.TrimSpace(s) == "" {
						d.errf(f.value.pos, "%s: expected a display name, got an empty string", at)
					}
					ds.Name = strings.TrimSpace(s)
				}
			case "weight":
				if w, ok := d.number(f.value, at, "a weight from 0 to 100 (0 leaves the domain out of the overall score)"); ok {
					if w < 0 || w > 100 {
						d.errf(f.value.pos, "%s: expected a weight from 0 to 100, got %s", at, f.value.text)
					} else {
						ds.Weight = &w
					}
				}
			default:
				d.unknownKey(f, "in "+where, domainKeys)
			}
		}
		out = append(out, ds)
	}
	return out
}

func (d *decoder) severities(n *node) []SeverityOverride {
	entries, _ := d.mapping(n, "severity")
	var out []SeverityOverride
	for _, e := range entries {
		where := "severity." + e.key
		if !doublestar.ValidatePattern(e.key) || e.key == "" {
			d.errf(e.keyPos, "severity: %q is not a rule id or a valid glob over rule ids (e.g. TS6133, vet:*)", e.key)
			continue
		}
		s, ok := d.str(e.value, where, "a severity: blocker, high, medium, low or info")
		if !ok {
			continue
		}
		sev, err := model.ParseSeverity(s)
		if err != nil {
			d.errf(e.value.pos, "%s: expected a severity: blocker, high, medium, low or info; got %q", where, s)
			continue
		}
		out = append(out, SeverityOverride{Rule: e.key, Severity: sev, Pos: e.keyPos})
	}
	return out
}

var budgetKeys = []string{"bundle_size", "coverage"}

func (d *decoder) budgets(n *node) Budgets {
	var b Budgets
	entries, _ := d.mapping(n, "budgets")
	for _, e := range entries {
		at := "budgets." + e.key
		switch e.key {
		case "bundle_size":
			b.BundleMaxBytes = d.size(e.value, at)
		case "coverage":
			b.CoverageMinPercent = d.percent(e.value, at)
		default:
			d.unknownKey(e, "in budgets", budgetKeys)
		}
	}
	return b
}

var sizeRE = regexp.MustCompile(`^\s*([0-9]+(?:\.[0-9]+)?)\s*([KMG]i?B|B)?\s*$`)

var sizeUnits = map[string]float64{"": 1, "B": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}

// size reads a byte count: an integer, or a number with a unit (250KB,
// 1.5MiB).
func (d *decoder) size(n *node, where string) int64 {
	const form = `a size such as 250KB, 1.5MiB or a number of bytes`
	switch n.kind {
	case kInt:
		v, err := strconv.ParseInt(n.text, 10, 64)
		if err != nil || v <= 0 {
			d.errf(n.pos, "%s: expected %s, got %s", where, form, describe(n))
			return 0
		}
		return v
	case kString:
		m := sizeRE.FindStringSubmatch(n.text)
		if m == nil {
			d.errf(n.pos, "%s: expected %s, got %q", where, form, n.text)
			return 0
		}
		v, _ := strconv.ParseFloat(m[1], 64)
		bytes := v * sizeUnits[m[2]]
		if bytes < 1 || bytes > math.MaxInt64/2 {
			d.errf(n.pos, "%s: expected %s, got %q", where, form, n.text)
			return 0
		}
		return int64(bytes)
	}
	d.errf(n.pos, "%s: expected %s, got %s", where, form, describe(n))
	return 0
}

// percent reads 80, 80.5 or "80%".
func (d *decoder) percent(n *node, where string) float64 {
	const form = `a percentage from 0 to 100 such as 80 or "80%"`
	text := n.text
	if n.kind == kString {
		text = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(n.text), "%"))
	} else if n.kind != kInt && n.kind != kFloat {
		d.errf(n.pos, "%s: expected %s, got %s", where, form, describe(n))
		return 0
	}
	v, err := strconv.ParseFloat(text, 64)
	if err != nil || v <= 0 || v > 100 {
		d.errf(n.pos, "%s: expected %s, got %s", where, form, describe(n))
		return 0
	}
	return v
}

var customKeys = []string{"command", "dir", "inputs", "timeout", "domain", "output", "pattern", "report", "severity"}

func (d *decoder) customs(n *node, positions map[string]Pos) []custom.Spec {
	entries, _ := d.mapping(n, "custom")
	var out []custom.Spec
	for _, e := range entries {
		where := "custom." + e.key
		if !nameRE.MatchString(e.key) {
			d.errf(e.keyPos, "custom: %q is not a collector name (lower-case letters, digits, ., _ and -; e.g. prisma-validate)", e.key)
			continue
		}
		fields, ok := d.mapping(e.value, where)
		if !ok {
			continue
		}
		if e.value.kind == kNull {
			d.errf(e.keyPos, "%s: missing required key \"command\" (e.g. command: npx prisma validate)", where)
			continue
		}
		spec := custom.Spec{Name: e.key, Output: custom.ReadExitCode, Severity: model.Blocker}
		var patternNode, reportNode *node
		got := map[string]bool{}
		for _, f := range fields {
			at := where + "." + f.key
			got[f.key] = true
			switch f.key {
			case "command":
				d.command(f.value, at, &spec)
			case "dir":
				if s, ok := d.str(f.value, at, `a directory relative to the repository root, such as "packages/db"`); ok {
					if msg := badRelPath(s); msg != "" {
						d.errf(f.value.pos, "%s: %q %s", at, s, msg)
					}
					spec.Dir = s
				}
			case "inputs":
				spec.Inputs = d.globs(f.value, at)
			case "timeout":
				spec.Timeout = d.duration(f.value, at)
			case "domain":
				if id, ok := d.domainID(f.value, at); ok {
					spec.Domain = id
				}
			case "output":
				if s, ok := d.str(f.value, at, "one of "+strings.Join(custom.Readers, ", ")); ok {
					switch {
					case !contains(custom.Readers, s):
						d.errf(f.value.pos, "%s: expected one of %s; got %q", at, strings.Join(custom.Readers, ", "), s)
					case !custom.Available(s):
						d.errf(f.value.pos, "%s: the %s reader is not available in this build of preflight", at, s)
					default:
						spec.Output = s
					}
				}
			case "pattern":
				patternNode = f.value
			case "report":
				reportNode = f.value
			case "severity":
				if s, ok := d.str(f.value, at, "a severity: blocker, high, medium, low or info"); ok {
					if sev, err := model.ParseSeverity(s); err != nil {
						d.errf(f.value.pos, "%s: expected a severity: blocker, high, medium, low or info; got %q", at, s)
					} else {
						spec.Severity = sev
					}
				}
			default:
				d.unknownKey(f, "in "+where, customKeys)
			}
		}
		if !got["command"] {
			d.errf(e.keyPos, "%s: missing required key \"command\" (e.g. command: npx prisma validate)", where)
		}
		if !got["domain"] {
			d.errf(e.keyPos, "%s: missing required key \"domain\" (one of build, tests, security, deployment, performance, ci, or your own)", where)
		}
		d.pattern(patternNode, where, e.keyPos, &spec)
		if reportNode != nil {
			at := where + ".report"
			switch spec.Output {
			case custom.ReadExitCode, custom.ReadRegex:
				d.errf(reportNode.pos, "%s: the %s reader reads the command's output, not a report file; remove report or change output", at, spec.Output)
			default:
				if s, ok := d.str(reportNode, at, `a file the command writes, relative to dir, such as "reports/junit.xml"`); ok {
					if msg := badRelPath(s); msg != "" || s == "." {
						d.errf(reportNode.pos, "%s: %q %s", at, s, orDefault(msg, "is not a file"))
					}
					spec.Report = s
				}
			}
		}
		positions[spec.Name] = e.keyPos
		out = append(out, spec)
	}
	return out
}

// command reads a command line (a string, run by sh -c) or an argv list
// (run directly).
func (d *decoder) command(n *node, where string, spec *custom.Spec) {
	const form = `a command line such as "npx prisma validate", or a list of arguments such as [npx, prisma, validate]`
	switch n.kind {
	case kString:
		if strings.TrimSpace(n.text) == "" {
			d.errf(n.pos, "%s: expected %s, got an empty string", where, form)
			return
		}
		spec.Command, spec.Shell = []string{n.text}, true
	case kList:
		args := d.args(n, where, form)
		if len(args) == 0 || args[0] == "" {
			d.errf(n.pos, "%s: expected %s, got an empty list", where, form)
			return
		}
		spec.Command = args
	default:
		d.errf(n.pos, "%s: expected %s, got %s", where, form, describe(n))
	}
}

var patternGroups = []string{"file", "path", "line", "col", "column", "severity", "level", "rule", "code", "message", "msg"}

func (d *decoder) pattern(n *node, where string, keyPos Pos, spec *custom.Spec) {
	at := where + ".pattern"
	if spec.Output != custom.ReadRegex {
		if n != nil {
			d.errf(n.pos, "%s: only the regex reader uses a pattern (output is %s)", at, spec.Output)
		}
		return
	}
	if n == nil {
		d.errf(keyPos, "%s: missing required key \"pattern\" (the regex reader needs one, e.g. pattern: '^(?P<file>[^:]+):(?P<line>\\d+): (?P<message>.*)$')", where)
		return
	}
	s, ok := d.str(n, at, `a regular expression with named groups, such as '^(?P<file>[^:]+):(?P<line>\d+): (?P<message>.*)$'`)
	if !ok {
		return
	}
	re, err := regexp.Compile(s)
	if err != nil {
		d.errf(n.pos, "%s: not a valid regular expression (Go RE2 syntax): %v", at, strings.TrimPrefix(err.Error(), "error parsing regexp: "))
		return
	}
	has := map[string]bool{}
	for _, name := range re.SubexpNames() {
		if name == "" {
			continue
		}
		if !contains(patternGroups, name) {
			d.errf(n.pos, "%s: unknown group name %q (use file, line, col, severity, rule, message)", at, name)
			return
		}
		has[name] = true
	}
	if !has["message"] && !has["msg"] && !has["file"] {
		d.errf(n.pos, "%s: needs a (?P<message>…) or (?P<file>…) group so a match says what is wrong", at)
		return
	}
	spec.Pattern = re
}

func badRelPath(p string) string {
	switch {
	case p == "":
		return "is empty"
	case strings.HasPrefix(p, "/"):
		return "is absolute; give a path relative to the repository root"
	case strings.Contains(p, `\`):
		return `uses \; write paths with /`
	}
	clean := path.Clean(p)
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return "leaves the repository"
	}
	return ""
}

func orDefault(s, dflt string) string {
	if s == "" {
		return dflt
	}
	return s
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// describe names what was found, for "expected X, got Y".
func describe(n *node) string {
	switch n.kind {
	case kString:
		return fmt.Sprintf("the string %q", n.text)
	case kInt, kFloat:
		return "the number " + n.text
	case kBool:
		return n.text
	}
	return string(n.kind)
}

// suggest returns the allowed word closest to a misspelt key, if any is
// close enough to be a likely typo.
func suggest(key string, allowed []string) string {
	best, bestDist := "", 3
	for _, a := range allowed {
		if dist := levenshtein(strings.ToLower(key), a); dist < bestDist {
			best, bestDist = a, dist
		}
	}
	return best
}

func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
