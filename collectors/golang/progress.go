package golang

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// testProgress counts test results in a `go test -json` stream as it
// arrives, so a long run shows how far it got. Only complete lines are
// read; the final counts come from ParseTestJSON, not from here.
type testProgress struct {
	report                  func(string)
	pending                 []byte
	passed, failed, skipped int
	// Per package, the tests that have subtests and those with a failed
	// subtest: subtests end before their parent, so when a parent ends
	// it is known to be one. The counts are ParseTestJSON's: tests
	// without subtests, and a parent only when it failed on its own.
	parents, failedParents map[string]bool
}

func (p *testProgress) Write(b []byte) (int, error) {
	p.pending = append(p.pending, b...)
	changed := false
	for {
		i := bytes.IndexByte(p.pending, '\n')
		if i < 0 {
			break
		}
		line := p.pending[:i]
		p.pending = p.pending[i+1:]
		if p.count(line) {
			changed = true
		}
	}
	if changed && p.report != nil {
		p.report(p.String())
	}
	return len(b), nil
}

func (p *testProgress) count(line []byte) bool {
	if !bytes.Contains(line, []byte(`"Test"`)) {
		return false // package-level events
	}
	var ev struct{ Action, Package, Test string }
	if json.Unmarshal(line, &ev) != nil || ev.Test == "" {
		return false
	}
	switch ev.Action {
	case "pass", "fail", "skip":
	default:
		return false
	}
	if p.parents == nil {
		p.parents, p.failedParents = map[string]bool{}, map[string]bool{}
	}
	key := ev.Package + "\x00" + ev.Test
	for i := strings.LastIndexByte(ev.Test, '/'); i > 0; i = strings.LastIndexByte(ev.Test[:i], '/') {
		parent := ev.Package + "\x00" + ev.Test[:i]
		p.parents[parent] = true
		if ev.Action == "fail" {
			p.failedParents[parent] = true
		}
	}
	if p.parents[key] && (ev.Action != "fail" || p.failedParents[key]) {
		return false // its subtests were counted
	}
	switch ev.Action {
	case "pass":
		p.passed++
	case "fail":
		p.failed++
	case "skip":
		p.skipped++
	}
	return true
}

func (p *testProgress) String() string {
	s := fmt.Sprintf("%d passed", p.passed)
	if p.failed > 0 {
		s += fmt.Sprintf(", %d failed", p.failed)
	}
	if p.skipped > 0 {
		s += fmt.Sprintf(", %d skipped", p.skipped)
	}
	return s + " so far"
}
