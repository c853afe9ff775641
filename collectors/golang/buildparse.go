package golang

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/preflight-dev/preflight/internal/repofs"
	"github.com/preflight-dev/preflight/model"
)

// Rules used by the build collector.
const (
	RuleCompile = "compile" // the compiler or type checker rejected the code
	RuleVet     = "vet"     // prefix: vet diagnostics are "vet:<analyzer>"
)

// diagLine matches "path:line:col: message" and "path:line: message", the
// form the compiler, the type checker and go vet print. "vet: " prefixes
// type errors go vet found while checking a package itself.
var diagLine = regexp.MustCompile(`^(?:vet: )?((?:[A-Za-z]:)?[^:\s][^:]*):(\d+)(?::(\d+))?: ?(.*)$`)

// diagnostic is one located line of compiler output plus the indented lines
// that continue it ("\thave (int)", "\twant (string)").
type diagnostic struct {
	pkg     string // from the "# pkg" header above it, "" when none
	file    string // as printed
	line    int
	col     int
	message string
}

// textReport is the result of reading compiler-style text output.
type textReport struct {
	diags    []diagnostic
	headers  []string // "# pkg" lines seen, without the "# "
	unparsed []string // lines that were neither diagnostics nor known noise
}

// parseCompilerText reads the text the go command prints for build
// failures. It never fails: lines it does not understand are kept in
// unparsed so the caller can decide whether the output made sense.
func parseCompilerText(out []byte) textReport {
	var r textReport
	pkg := ""
	// continues says whether an indented line belongs to the diagnostic
	// just read, rather than to some unrecognised message.
	continues := false
	for _, raw := range strings.Split(string(out), "\n") {
		line := strings.TrimRight(raw, "\r")
		indented := strings.HasPrefix(line, "\t") || strings.HasPrefix(line, "    ")
		if !indented {
			continues = false
		}
		switch {
		case strings.TrimSpace(line) == "":
			continue
		case indented && continues:
			d := &r.diags[len(r.diags)-1]
			d.message += "\n" + strings.TrimSpace(line)
			continue
		case strings.HasPrefix(line, "# "):
			h := strings.TrimPrefix(line, "# ")
			r.headers = append(r.headers, h)
			// "# [pkg]" repeats the package for vet; keep the first form.
			if !strings.HasPrefix(h, "[") {
				pkg = h
			}
			continue
		case isGoNoise(line):
			continue
		}
		m := diagLine.FindStringSubmatch(line)
		if m == nil {
			r.unparsed = append(r.unparsed, line)
			continue
		}
		ln, err := strconv.Atoi(m[2])
		if err != nil || ln <= 0 {
			r.unparsed = append(r.unparsed, line)
			continue
		}
		col, _ := strconv.Atoi(m[3])
		msg := strings.TrimSpace(m[4])
		if strings.HasPrefix(msg, "warning:") || strings.HasPrefix(msg, "note:") {
			// The C compiler's remarks on cgo code; they do not stop a build.
			continues = false
			continue
		}
		r.diags = append(r.diags, diagnostic{pkg: pkg, file: m[1], line: ln, col: col, message: msg})
		continues = true
	}
	return r
}

// isGoNoise reports lines the go command prints that carry no diagnosis.
func isGoNoise(line string) bool {
	return line == "too many errors" ||
		strings.HasPrefix(line, "go: downloading ") ||
		strings.HasPrefix(line, "go: finding ") ||
		strings.HasPrefix(line, "go: extracting ")
}

// ParseBuildOutput turns the text `go build` printed into blocker findings
// with rule "compile", one per error line, located relative to mod.Root.
// Collector and Domain are left for the caller.
func ParseBuildOutput(out []byte, mod Module) []model.Finding {
	return diagnosticFindings(parseCompilerText(out).diags, mod, RuleCompile)
}

func diagnosticFindings(diags []diagnostic, mod Module, rule string) []model.Finding {
	var fs []model.Finding
	for _, d := range diags {
		f := model.Finding{
			Severity: model.Blocker,
			Rule:     rule,
			Message:  d.message,
			File:     mod.RelFile(d.file),
			Line:     d.line,
			Column:   d.col,
		}
		if strings.HasPrefix(d.file, "$WORK/") {
			// A file go generates in its temporary build directory (the
			// test main: "could not import main" of a module named main)
			// is nowhere in the repository: the module's line says it.
			f.File, f.Line, f.Column = mod.goMod(), moduleLine(mod), 0
			f.Message = "go's generated " + path.Base(d.file) + ": " + d.message
		}
		fs = append(fs, f)
	}
	return fs
}

// moduleLine is the line of the module's go.mod module directive, 0
// when it cannot be read.
func moduleLine(mod Module) int {
	data, err := repofs.ReadFile(mod.Root, filepath.Join(mod.Dir, "go.mod"))
	if err != nil {
		return 0
	}
	for i, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "module ") {
			return i + 1
		}
	}
	return 0
}

// VetReport is what `go vet -json` printed, read.
type VetReport struct {
	// Diagnostics are analyzer findings, rule "vet:<analyzer>", severity high.
	Diagnostics []model.Finding
	// CompileErrors are type errors vet hit while loading packages, rule
	// "compile". They include test files, which go build never compiles.
	CompileErrors []model.Finding
	// Unparsed are text lines that were neither diagnostics nor known noise.
	Unparsed []string
}

// vetTree is go vet's JSON: package id → analyzer → either a list of
// diagnostics or {"error": "..."}.
type vetTree map[string]map[string]json.RawMessage

type vetDiagnostic struct {
	Posn    string `json:"posn"`
	Message string `json:"message"`
}

type vetError struct {
	Err string `json:"error"`
}

// ParseVetOutput reads what `go vet -json` wrote on one stream. The go
// command interleaves JSON objects with text: "# pkg" headers and type
// errors that stop vet from analysing a package. Since Go 1.25 the JSON goes
// to stdout; before, everything went to stderr, so both streams are read
// the same way. A JSON object that does not decode is an error: the
// diagnostics it held would otherwise be silently lost.
func ParseVetOutput(out []byte, mod Module) (VetReport, error) {
	var r VetReport
	var text bytes.Buffer
	for len(out) > 0 {
		line := out
		if i := bytes.IndexByte(out, '\n'); i >= 0 {
			line = out[:i+1]
		}
		if !bytes.HasPrefix(bytes.TrimLeft(line, " \t"), []byte("{")) {
			text.Write(line)
			out = out[len(line):]
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(out))
		var tree vetTree
		if err := dec.Decode(&tree); err != nil {
			return r, fmt.Errorf("go vet -json output is not valid JSON: %v", err)
		}
		r.Diagnostics = append(r.Diagnostics, vetTreeFindings(tree, mod)...)
		out = out[dec.InputOffset():]
	}
	tr := parseCompilerText(text.Bytes())
	r.CompileErrors = diagnosticFindings(tr.diags, mod, RuleCompile)
	r.Unparsed = tr.unparsed
	// The go command vets packages in parallel; order by location.
	sortFindings(r.Diagnostics)
	sortFindings(r.CompileErrors)
	return r, nil
}

func vetTreeFindings(tree vetTree, mod Module) []model.Finding {
	var fs []model.Finding
	for pkg, analyzers := range tree {
		if !mod.Owns(pkg) {
			continue // a dependency's, printed from Go's cache: not this module's
		}
		for name, raw := range analyzers {
			rule := RuleVet + ":" + name
			var diags []vetDiagnostic
			if err := json.Unmarshal(raw, &diags); err == nil {
				for _, d := range diags {
					file, line, col := splitPosn(d.Posn)
					if file == "" {
						line, col = 0, 0
					}
					fs = append(fs, model.Finding{
						Severity: model.High,
						Rule:     rule,
						Message:  d.Message,
						File:     mod.RelFile(file),
						Line:     line,
						Column:   col,
					})
				}
				continue
			}
			var e vetError
			if err := json.Unmarshal(raw, &e); err == nil && e.Err != "" {
				fs = append(fs, model.Finding{
					Severity: model.High,
					Rule:     rule,
					Message:  "analyzer failed: " + e.Err,
				})
			}
		}
	}
	return fs
}

// splitPosn splits "file:line:col" (or "file:line", or "file") from the
// right, so a path containing colons survives.
func splitPosn(posn string) (file string, line, col int) {
	file = posn
	nums := make([]int, 0, 2)
	for range 2 {
		i := strings.LastIndexByte(file, ':')
		if i < 0 {
			break
		}
		n, err := strconv.Atoi(file[i+1:])
		if err != nil || n < 0 {
			break
		}
		nums = append(nums, n)
		file = file[:i]
	}
	switch len(nums) {
	case 2:
		line, col = nums[1], nums[0]
	case 1:
		line = nums[0]
	}
	if file == "-" {
		file = ""
	}
	return file, line, col
}

// sortFindings orders findings by location so fingerprints (which number
// identical findings in order) do not depend on map or package order.
func sortFindings(fs []model.Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		if c := model.ComparePlace(fs[i], fs[j]); c != 0 {
			return c < 0
		}
		return fs[i].Message < fs[j].Message
	})
}

// mergeCompileErrors adds the errors in more to base unless base already
// has an error at the same place: go vet re-reports errors go build found
// when it loads the broken package or a package that imports it.
func mergeCompileErrors(base, more []model.Finding) []model.Finding {
	type at struct {
		file      string
		line, col int
	}
	seen := map[at]bool{}
	for _, f := range base {
		seen[at{f.File, f.Line, f.Column}] = true
	}
	out := append([]model.Finding(nil), base...)
	for _, f := range more {
		k := at{f.File, f.Line, f.Column}
		if f.File != "" && seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, f)
	}
	return out
}
