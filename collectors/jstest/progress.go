package jstest

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"sync"
)

// progress reads the runner's human output as it arrives and reports how
// many test files are done. It is only a progress note: the counts that
// become facts come from the JSON report at the end.
type progress struct {
	mu     sync.Mutex
	kind   string
	report func(string)
	buf    []byte

	files, failingFiles, tests, failedTests int
}

func newProgress(kind string, report func(string)) *progress {
	return &progress{kind: kind, report: report}
}

// vitest's default reporter: " ✓ test/a.test.ts (3 tests) 4ms" or
// " ❯ test/b.test.ts (3 tests | 2 failed) 9ms", one line per finished file.
var vitestFileLine = regexp.MustCompile(`^ [✓❯×↓] \S+ \((\d+) tests?(?: \| (\d+) failed)?`)

// jest prints "PASS path" or "FAIL path" on stderr per finished file.
var jestFileLine = regexp.MustCompile(`^(PASS|FAIL) \S`)

func (p *progress) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buf = append(p.buf, b...)
	changed := false
	for {
		i := bytes.IndexByte(p.buf, '\n')
		if i < 0 {
			break
		}
		if p.line(string(p.buf[:i])) {
			changed = true
		}
		p.buf = p.buf[i+1:]
	}
	if changed && p.report != nil {
		p.report(p.String())
	}
	return len(b), nil
}

func (p *progress) line(l string) bool {
	if m := vitestFileLine.FindStringSubmatch(l); m != nil && p.kind == KindVitest {
		p.files++
		n, _ := strconv.Atoi(m[1])
		failed, _ := strconv.Atoi(m[2])
		p.tests += n
		p.failedTests += failed
		if failed > 0 {
			p.failingFiles++
		}
		return true
	}
	if m := jestFileLine.FindStringSubmatch(l); m != nil && p.kind == KindJest {
		p.files++
		if m[1] == "FAIL" {
			p.failingFiles++
		}
		return true
	}
	return false
}

func (p *progress) String() string {
	s := fmt.Sprintf("%d test files done", p.files)
	if p.kind == KindVitest {
		s += fmt.Sprintf(", %d tests", p.tests)
		if p.failedTests > 0 {
			s += fmt.Sprintf(" (%d failed)", p.failedTests)
		}
	} else if p.failingFiles > 0 {
		s += fmt.Sprintf(" (%d failing)", p.failingFiles)
	}
	return s
}
