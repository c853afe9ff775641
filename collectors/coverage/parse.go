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

// block is one basic block of a Go cover profile.
type block struct {
	file                 string
	startLine, endLine   int
	startCol, endCol     int
	statements, hitCount int
}

// ParseGoProfile reads a Go cover profile (go test -coverprofile). It
// reports statement coverage as Go does, and line coverage as the share
// of lines inside blocks that ran. Blocks repeated by merged profiles
// count once, covered if any copy ran.
func ParseGoProfile(data []byte) (Summary, error) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	first := true
	blocks := map[[5]string]*block{}
	var order [][5]string
	n := 0
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		n++
		if line == "" {
			continue
		}
		if first {
			first = false
			mode, ok := strings.CutPrefix(line, "mode: ")
			if !ok || (mode != "set" && mode != "count" && mode != "atomic") {
				return Summary{}, fmt.Errorf("not a Go cover profile: first line %q is not \"mode: set|count|atomic\"", clip(line))
			}
			continue
		}
		if strings.HasPrefix(line, "mode: ") {
			continue // profiles concatenated by hand repeat the header
		}
		b, err := parseBlock(line)
		if err != nil {
			return Summary{}, fmt.Errorf("not a Go cover profile: line %d: %v", n, err)
		}
		key := [5]string{b.file, strconv.Itoa(b.startLine), strconv.Itoa(b.startCol), strconv.Itoa(b.endLine), strconv.Itoa(b.endCol)}
		if prev, ok := blocks[key]; ok {
			prev.hitCount = max(prev.hitCount, b.hitCount)
			continue
		}
		blocks[key] = &b
		order = append(order, key)
	}
	if err := sc.Err(); err != nil {
		return Summary{}, fmt.Errorf("unreadable Go cover profile: %w", err)
	}
	if first {
		return Summary{}, errors.New("not a Go cover profile: the file is empty")
	}
	s := Summary{Statements: Counter{Known: true}, Lines: Counter{Known: true}}
	lines := map[string]map[int]bool{} // file -> line -> covered
	for _, k := range order {
		b := blocks[k]
		s.Statements.Total += b.statements
		if b.hitCount > 0 {
			s.Statements.Covered += b.statements
		}
		if b.statements == 0 {
			continue
		}
		if lines[b.file] == nil {
			lines[b.file] = map[int]bool{}
			s.Files = append(s.Files, b.file)
		}
		for l := b.startLine; l <= b.endLine; l++ {
			lines[b.file][l] = lines[b.file][l] || b.hitCount > 0
		}
	}
	for _, ls := range lines {
		for _, covered := range ls {
			s.Lines.Total++
			if covered {
				s.Lines.Covered++
			}
		}
	}
	sort.Strings(s.Files)
	return s, nil
}

// parseBlock reads "file.go:12.34,15.2 3 1".
func parseBlock(line string) (block, error) {
	colon := strings.LastIndexByte(line, ':')
	if colon <= 0 {
		return block{}, fmt.Errorf("%q has no file name", clip(line))
	}
	b := block{file: line[:colon]}
	fields := strings.Fields(line[colon+1:])
	if len(fields) != 3 {
		return block{}, fmt.Errorf("%q is not \"file:start,end statements count\"", clip(line))
	}
	start, end, ok := strings.Cut(fields[0], ",")
	if !ok {
		return block{}, fmt.Errorf("%q has no block range", clip(line))
	}
	var err error
	pos := func(s string) (int, int) {
		l, c, ok := strings.Cut(s, ".")
		li, e1 := strconv.Atoi(l)
		ci, e2 := strconv.Atoi(c)
		if !ok || e1 != nil || e2 != nil || li <= 0 || ci < 0 {
			err = fmt.Errorf("%q has a bad position %q", clip(line), s)
		}
		return li, ci
	}
	b.startLine, b.startCol = pos(start)
	b.endLine, b.endCol = pos(end)
	if err != nil {
		return block{}, err
	}
	if b.endLine < b.startLine || b.endLine-b.startLine > 100_000 {
		return block{}, fmt.Errorf("%q ends before it starts", clip(line))
	}
	if b.statements, err = strconv.Atoi(fields[1]); err != nil || b.statements < 0 {
		return block{}, fmt.Errorf("%q has a bad statement count", clip(line))
	}
	if b.hitCount, err = strconv.Atoi(fields[2]); err != nil || b.hitCount < 0 {
		return block{}, fmt.Errorf("%q has a bad hit count", clip(line))
	}
	return b, nil
}

func clip(s string) string {
	if len(s) > 120 {
		return strings.ToValidUTF8(s[:120], "") + "…"
	}
	return s
}
