package golang

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// testProgress counts test results in a `go test -json` stream as it
// arrives, so a long run shows how far it got. Only complete lines are
// read; the final counts come from ParseTestJSON, not from here.
type testProgress struct {
	report                  func(string)
	pending                 []byte
	passed, failed, skipped int
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
	var ev struct{ Action, Test string }
	if json.Unmarshal(line, &ev) != nil || ev.Test == "" {
		return false
	}
	switch ev.Action {
	case "pass":
		p.passed++
	case "fail":
		p.failed++
	case "skip":
		p.skipped++
	default:
		return false
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
