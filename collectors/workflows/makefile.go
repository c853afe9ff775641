package workflows

import (
	"fmt"
	"path"
	"regexp"
	"strings"
)

// makefile is what a Makefile says about its targets, enough to follow
// what `make t` runs: each target's recipe and prerequisites, and the
// variables its recipes use. Conditionals are read as if every branch
// applied; includes and pattern rules are not followed.
type makefile struct {
	file  string
	vars  map[string]string
	rules map[string]*makeRule
	goal  string // the default goal: the first target
}

type makeRule struct {
	prereqs []string
	recipe  []recipeLine
}

type recipeLine struct {
	text string
	line int // 1-based, in the Makefile
}

var (
	makeAssignment  = regexp.MustCompile(`^(?:(?:export|override)\s+)*([A-Za-z_][A-Za-z0-9_.-]*)\s*(\+=|\?=|::?=|!=|=)\s*(.*)$`)
	makeRuleLine    = regexp.MustCompile(`^([^:=#\t][^:=#]*?)\s*::?(?:[^=]|$)`)
	makeConditional = regexp.MustCompile(`^(ifeq|ifneq|ifdef|ifndef|else|endif)\b`)
	makeVarRef      = regexp.MustCompile(`\$(?:\(([A-Za-z_][A-Za-z0-9_.-]*)\)|\{([A-Za-z_][A-Za-z0-9_.-]*)\})`)
)

// parseMakefile reads the rules and variables of a Makefile.
func parseMakefile(file string, src []byte) *makefile {
	mf := &makefile{file: file, vars: map[string]string{"MAKE": "make"}, rules: map[string]*makeRule{}}
	var current []*makeRule
	var conds conditionals
	lines := strings.Split(string(src), "\n")
	for i := 0; i < len(lines); i++ {
		start := i
		line := strings.TrimRight(lines[i], "\r")
		for strings.HasSuffix(line, "\\") && i+1 < len(lines) {
			i++
			line = strings.TrimSuffix(line, "\\") + " " + strings.TrimSpace(strings.TrimRight(lines[i], "\r"))
		}
		// A tab begins a recipe line only after a rule; before one it
		// indents make's own lines (fzf's BINARY := … inside ifeq).
		if strings.HasPrefix(line, "\t") && current != nil {
			for _, r := range current {
				r.recipe = append(r.recipe, recipeLine{strings.TrimSpace(line), start + 1})
			}
			continue
		}
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		if m := makeConditional.FindStringSubmatch(trimmed); m != nil {
			conds.enter(m[1])
			continue // a rule's recipe goes on inside ifeq … endif
		}
		current = nil
		if m := makeAssignment.FindStringSubmatch(trimmed); m != nil {
			if !conds.assigns(m[1]) {
				continue
			}
			switch value := strings.TrimSpace(stripMakeComment(m[3])); m[2] {
			case "+=":
				mf.vars[m[1]] = strings.TrimSpace(mf.vars[m[1]] + " " + value)
			case "?=":
				if _, set := mf.vars[m[1]]; !set {
					mf.vars[m[1]] = value
				}
			case "!=": // a shell command's output: unknown here
			default:
				mf.vars[m[1]] = value
			}
			continue
		}
		m := makeRuleLine.FindStringSubmatch(trimmed)
		if m == nil {
			continue // a directive (ifeq, include, define …)
		}
		rest := strings.TrimSpace(strings.TrimLeft(trimmed[len(m[1]):], " :"))
		deps, inline, hasInline := strings.Cut(stripMakeComment(rest), ";")
		if strings.Contains(deps, "=") {
			continue // a target-specific variable
		}
		for _, t := range strings.Fields(m[1]) {
			r := mf.rules[t]
			if r == nil {
				r = &makeRule{}
				mf.rules[t] = r
			}
			r.prereqs = append(r.prereqs, strings.Fields(deps)...)
			if hasInline && strings.TrimSpace(inline) != "" {
				r.recipe = append(r.recipe, recipeLine{strings.TrimSpace(inline), start + 1})
			}
			current = append(current, r)
			if mf.goal == "" && !strings.HasPrefix(t, ".") && !strings.Contains(t, "%") {
				mf.goal = t
			}
		}
	}
	// A target may be named through variables (fzf's target/$(BINARY64),
	// which bin/fzf requires as target/$(BINARY)): known by its value too.
	for t, r := range mf.rules {
		if name := mf.expand(t); name != t && mf.rules[name] == nil {
			mf.rules[name] = r
		}
	}
	return mf
}

// conditionals are the ifeq … endif blocks open where the Makefile is
// read. Every branch is read, but a variable the first branch sets keeps
// that value: fzf's ifeq chain on the machine sets BINARY for x86_64
// first, and for loong64 last.
type conditionals []map[string]bool

func (c *conditionals) enter(keyword string) {
	switch n := len(*c); {
	case keyword == "endif" && n > 0:
		*c = (*c)[:n-1]
	case keyword == "else" && n > 0:
		(*c)[n-1][""] = true // past the first branch
	case strings.HasPrefix(keyword, "if"):
		*c = append(*c, map[string]bool{})
	}
}

// assigns reports whether an assignment to name takes effect as read.
func (c conditionals) assigns(name string) bool {
	if len(c) == 0 {
		return true
	}
	inner := c[len(c)-1]
	if !inner[""] {
		inner[name] = true
		return true
	}
	return !inner[name]
}

func stripMakeComment(s string) string {
	if i := strings.Index(s, "#"); i >= 0 {
		return s[:i]
	}
	return s
}

// maxExpansion bounds an expanded recipe line: variables that refer to
// themselves several times would otherwise grow it without end.
const maxExpansion = 16 << 10

// expand replaces the variables a recipe uses with their values ($$ is
// the shell's $); functions and unknown variables stay as written.
func (mf *makefile) expand(s string) string {
	for range maxNesting {
		next := makeVarRef.ReplaceAllStringFunc(s, func(ref string) string {
			m := makeVarRef.FindStringSubmatch(ref)
			if v, ok := mf.vars[m[1]+m[2]]; ok {
				return v
			}
			return ref
		})
		if next == s || len(next) > maxExpansion {
			break
		}
		s = next
	}
	return strings.ReplaceAll(s, "$$", "$")
}

// makeTargets follows `make ARGS` run in dir into the recipes of the
// targets it builds (the default goal when none is named), and their
// prerequisites.
func (f *follower) makeTargets(dir string, args []string, depth int) {
	file := ""
	var targets []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		flag, value, inline := strings.Cut(a, "=")
		switch {
		case (a == "-C" || a == "--directory" || a == "-f" || a == "--file" || a == "--makefile") && i+1 < len(args):
			i++
			if a == "-C" || a == "--directory" {
				dir = path.Join(dir, args[i])
			} else {
				file = args[i]
			}
		case inline && (flag == "--directory"):
			dir = path.Join(dir, value)
		case inline && (flag == "--file" || flag == "--makefile"):
			file = value
		case strings.HasPrefix(a, "-C") && len(a) > 2:
			dir = path.Join(dir, a[2:])
		case makeValueFlags[a]:
			i++
		case strings.HasPrefix(a, "-"), inline:
		default:
			targets = append(targets, a)
		}
	}
	if file == "" {
		for _, name := range []string{"GNUmakefile", "makefile", "Makefile"} {
			if _, err := f.tree.ReadFile(path.Join(dir, name)); err == nil {
				file = name
				break
			}
		}
	}
	if file == "" {
		return
	}
	rel := path.Clean(path.Join(dir, file))
	data, err := f.tree.ReadFile(rel)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return
	}
	mf := parseMakefile(rel, data)
	if len(targets) == 0 && mf.goal != "" {
		targets = []string{mf.goal}
	}
	for _, t := range targets {
		f.makeTarget(mf, dir, t, depth)
	}
}

// makeTarget records what one target's recipe runs, after its
// prerequisites, each target once.
func (f *follower) makeTarget(mf *makefile, dir, target string, depth int) {
	key := mf.file + ":" + target
	rule := mf.rules[target]
	if rule == nil || f.seen[key] || depth > maxNesting {
		return
	}
	f.seen[key] = true
	for _, p := range rule.prereqs {
		f.makeTarget(mf, dir, mf.expand(p), depth+1)
	}
	for _, l := range rule.recipe {
		cmd := mf.expand(strings.TrimLeft(l.text, "@-+ "))
		f.see("", cmd, func(CommandMatch) string { return fmt.Sprintf("%s:%d, target %s", mf.file, l.line, target) })
		f.commands(dir, cmd, depth+1) // make runs each recipe line in its directory
	}
}
