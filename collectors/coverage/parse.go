package coverage

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/tools/cover"
)

// Counter is covered out of total for one measure (lines, branches …).
type Counter struct {
	Covered, Total int
	Known          bool // the report measures it
}

// Percent is the covered share in percent; ok is false when nothing was
// measured (0 of 0 is not 100%).
func (c Counter) Percent() (pct float64, ok bool) {
	if !c.Known || c.Total <= 0 {
		return 0, false
	}
	return 100 * float64(c.Covered) / float64(c.Total), true
}

// Summary is what a coverage report says about the whole run.
type Summary struct {
	Lines, Statements, Functions, Branches Counter
	// Files are the source files the report covers, as written in it:
	// absolute, relative to where the tests ran, or (Go) module paths.
	Files []string
}

// ParseIstanbulFinal reads coverage/coverage-final.json, the per-file hit
// counts istanbul's json reporter writes (Vitest's and Jest's default
// reporters include it; Vitest's write no summary and no lcov), and totals
// them as istanbul does: a statement, function or branch path is covered
// when its count is above 0; a line is a statement's start line, covered
// when any statement starting there is.
func ParseIstanbulFinal(data []byte) (Summary, error) {
	type location struct {
		Start struct {
			Line int `json:"line"`
		} `json:"start"`
	}
	var raw map[string]struct {
		Path         string               `json:"path"`
		StatementMap map[string]location  `json:"statementMap"`
		S            map[string]float64   `json:"s"`
		F            map[string]float64   `json:"f"`
		B            map[string][]float64 `json:"b"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return Summary{}, fmt.Errorf("unreadable istanbul coverage: %w", err)
	}
	var s Summary
	s.Lines.Known, s.Statements.Known, s.Functions.Known, s.Branches.Known = true, true, true, true
	count := func(c *Counter, hits float64) {
		c.Total++
		if hits > 0 {
			c.Covered++
		}
	}
	for name, file := range raw {
		if file.StatementMap == nil || file.S == nil {
			return Summary{}, fmt.Errorf("not istanbul coverage: %q has no statementMap and s", clip(name))
		}
		lines := map[int]float64{}
		for id, hits := range file.S {
			count(&s.Statements, hits)
			if loc, ok := file.StatementMap[id]; ok {
				if prev, seen := lines[loc.Start.Line]; !seen || prev < hits {
					lines[loc.Start.Line] = hits
				}
			}
		}
		for _, hits := range lines {
			count(&s.Lines, hits)
		}
		for _, hits := range file.F {
			count(&s.Functions, hits)
		}
		for _, paths := range file.B {
			for _, hits := range paths {
				count(&s.Branches, hits)
			}
		}
		if file.Path != "" {
			name = file.Path
		}
		s.Files = append(s.Files, name)
	}
	sort.Strings(s.Files)
	return s, nil
}

// ParseIstanbulSummary reads coverage/coverage-summary.json, written by
// istanbul's json-summary reporter (Jest, Vitest, nyc, c8).
func ParseIstanbulSummary(data []byte) (Summary, error) {
	var raw map[string]map[string]struct {
		Total   *float64 `json:"total"`
		Covered *float64 `json:"covered"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return Summary{}, fmt.Errorf("unreadable coverage summary: %w", err)
	}
	total, ok := raw["total"]
	if !ok {
		return Summary{}, errors.New("not an istanbul coverage summary: no \"total\" entry")
	}
	counter := func(name string) (Counter, error) {
		m, ok := total[name]
		if !ok {
			return Counter{}, nil
		}
		if m.Total == nil || m.Covered == nil || *m.Total < 0 || *m.Covered < 0 || *m.Covered > *m.Total {
			return Counter{}, fmt.Errorf("not an istanbul coverage summary: total.%s has no valid total and covered counts", name)
		}
		return Counter{Covered: int(*m.Covered), Total: int(*m.Total), Known: true}, nil
	}
	var s Summary
	var err error
	for name, dst := range map[string]*Counter{"lines": &s.Lines, "statements": &s.Statements, "functions": &s.Functions, "branches": &s.Branches} {
		if *dst, err = counter(name); err != nil {
			return Summary{}, err
		}
	}
	if !s.Lines.Known {
		return Summary{}, errors.New("not an istanbul coverage summary: total.lines is missing")
	}
	for name := range raw {
		if name != "total" {
			s.Files = append(s.Files, name)
		}
	}
	sort.Strings(s.Files)
	return s, nil
}

// lcovRecord accumulates one SF: … end_of_record section.
type lcovRecord struct {
	lf, lh, da, dah int
	hasLF, hasLH    bool
	fnf, fnh        int
	brf, brh        int
	hasFN, hasBR    bool
	open            bool
}

// ParseLcov reads an lcov tracefile (lcov.info), written by Jest, Vitest,
// c8, genhtml's tools and many other languages' coverage tools.
func ParseLcov(data []byte) (Summary, error) {
	var s Summary
	s.Lines.Known = true
	var rec lcovRecord
	flush := func() {
		if !rec.open {
			return
		}
		if rec.hasLF && rec.hasLH {
			s.Lines.Total += rec.lf
			s.Lines.Covered += min(rec.lh, rec.lf)
		} else {
			s.Lines.Total += rec.da
			s.Lines.Covered += rec.dah
		}
		if rec.hasFN {
			s.Functions.Known = true
			s.Functions.Total += rec.fnf
			s.Functions.Covered += min(rec.fnh, rec.fnf)
		}
		if rec.hasBR {
			s.Branches.Known = true
			s.Branches.Total += rec.brf
			s.Branches.Covered += min(rec.brh, rec.brf)
		}
		rec = lcovRecord{}
	}
	number := func(line, v string) (int, error) {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 0 {
			return 0, fmt.Errorf("not an lcov tracefile: bad number in %q", clip(line))
		}
		return n, nil
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	n := 0
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		n++
		if line == "" {
			continue
		}
		key, val, _ := strings.Cut(line, ":")
		var err error
		switch key {
		case "SF":
			flush()
			rec.open = true
			s.Files = append(s.Files, val)
		case "end_of_record":
			flush()
		case "DA":
			parts := strings.Split(val, ",")
			if len(parts) < 2 {
				return Summary{}, fmt.Errorf("not an lcov tracefile: line %d: %q", n, clip(line))
			}
			var hits int
			if _, err = number(line, parts[0]); err == nil {
				hits, err = number(line, parts[1])
			}
			rec.da++
			if hits > 0 {
				rec.dah++
			}
		case "LF":
			rec.lf, err = number(line, val)
			rec.hasLF = true
		case "LH":
			rec.lh, err = number(line, val)
			rec.hasLH = true
		case "FNF":
			rec.fnf, err = number(line, val)
			rec.hasFN = true
		case "FNH":
			rec.fnh, err = number(line, val)
			rec.hasFN = true
		case "BRF":
			rec.brf, err = number(line, val)
			rec.hasBR = true
		case "BRH":
			rec.brh, err = number(line, val)
			rec.hasBR = true
		case "TN", "FN", "FNDA", "BRDA", "VER", "FNL", "FNA":
		default:
			return Summary{}, fmt.Errorf("not an lcov tracefile: line %d: %q", n, clip(line))
		}
		if err != nil {
			return Summary{}, err
		}
		if key != "SF" && key != "TN" && key != "VER" && key != "end_of_record" && !rec.open {
			return Summary{}, fmt.Errorf("not an lcov tracefile: line %d is outside a record (no SF: before it)", n)
		}
	}
	if err := sc.Err(); err != nil {
		return Summary{}, fmt.Errorf("unreadable lcov tracefile: %w", err)
	}
	flush()
	if len(s.Files) == 0 {
		return Summary{}, errors.New("not an lcov tracefile: no SF: record")
	}
	return s, nil
}

// ParseGoProfile reads a Go cover profile (go test -coverprofile) with
// golang.org/x/tools/cover. It reports statement coverage as Go does, and
// line coverage as the share of lines inside blocks that ran. Blocks
// repeated by merged profiles count once, covered if any copy ran.
func ParseGoProfile(data []byte) (Summary, error) {
	mode, blocks, lineNos, err := goProfileLines(data)
	if err != nil {
		return Summary{}, err
	}
	profiles, err := parseGoBlocks(mode, blocks)
	if err != nil {
		return Summary{}, goProfileError(blocks, lineNos, err)
	}
	s := Summary{Statements: Counter{Known: true}, Lines: Counter{Known: true}}
	for _, p := range profiles { // sorted by file name
		lines := map[int]bool{} // line -> covered
		for _, b := range p.Blocks {
			// Counts merged in count and atomic mode are sums, which can
			// wrap past the largest int: any but zero ran.
			ran := b.Count != 0
			s.Statements.Total += b.NumStmt
			if ran {
				s.Statements.Covered += b.NumStmt
			}
			if b.NumStmt == 0 {
				continue
			}
			for l := b.StartLine; l <= b.EndLine; l++ {
				lines[l] = lines[l] || ran
			}
		}
		if len(lines) > 0 {
			s.Files = append(s.Files, p.FileName)
		}
		for _, covered := range lines {
			s.Lines.Total++
			if covered {
				s.Lines.Covered++
			}
		}
	}
	return s, nil
}

// goProfileLines checks the mode line and returns the block lines with
// their line numbers in the file. It is more forgiving than the cover
// package: blank lines, spaces around lines and the repeated headers of
// profiles concatenated by hand are left out.
func goProfileLines(data []byte) (mode string, blocks []string, lineNos []int, err error) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	n := 0
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		n++
		switch {
		case line == "":
		case mode == "":
			var ok bool
			mode, ok = strings.CutPrefix(line, "mode: ")
			if !ok || (mode != "set" && mode != "count" && mode != "atomic") {
				return "", nil, nil, fmt.Errorf("not a Go cover profile: first line %q is not \"mode: set|count|atomic\"", clip(line))
			}
		case strings.HasPrefix(line, "mode: "):
		default:
			blocks = append(blocks, line)
			lineNos = append(lineNos, n)
		}
	}
	if err := sc.Err(); err != nil {
		return "", nil, nil, fmt.Errorf("unreadable Go cover profile: %w", err)
	}
	if mode == "" {
		return "", nil, nil, errors.New("not a Go cover profile: the file is empty")
	}
	return mode, blocks, lineNos, nil
}

// parseGoBlocks parses block lines with the cover package, and rejects
// the blocks it takes but that cannot be: a line before the first, an
// end before the start, or a span that would make the line counts huge.
func parseGoBlocks(mode string, blocks []string) ([]*cover.Profile, error) {
	profile := "mode: " + mode + "\n" + strings.Join(blocks, "\n")
	profiles, err := cover.ParseProfilesFromReader(strings.NewReader(profile))
	if err != nil {
		return nil, err
	}
	for _, p := range profiles {
		for _, b := range p.Blocks {
			switch {
			case b.StartLine <= 0:
				return nil, errors.New("the block starts before line 1")
			case b.EndLine < b.StartLine:
				return nil, errors.New("the block ends before it starts")
			case b.EndLine-b.StartLine > 100_000:
				return nil, errors.New("the block spans more than 100000 lines")
			}
		}
	}
	return profiles, nil
}

// goProfileError says which line of the file is at fault, found by
// parsing the blocks one at a time; an error no single line causes (the
// same block with different statement counts) is given as it is.
func goProfileError(blocks []string, lineNos []int, err error) error {
	for i, b := range blocks {
		if _, lineErr := parseGoBlocks("set", []string{b}); lineErr != nil {
			// The cover package quotes the whole line, however long.
			why := lineErr.Error()
			why, _ = strings.CutPrefix(why, fmt.Sprintf("line %q doesn't match expected format: ", b))
			return fmt.Errorf("not a Go cover profile: line %d: %q: %s", lineNos[i], clip(b), why)
		}
	}
	return fmt.Errorf("not a Go cover profile: %v", err)
}

func clip(s string) string {
	if len(s) > 120 {
		return strings.ToValidUTF8(s[:120], "") + "…"
	}
	return s
}
