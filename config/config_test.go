package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/model"
)

func TestFullExampleParses(t *testing.T) {
	data, err := os.ReadFile("testdata/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Parse("/repo/preflight.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(cfg.Ignore, " ") != "fixtures/** **/*.snap" {
		t.Errorf("ignore = %q", cfg.Ignore)
	}
	if len(cfg.Collectors) != 3 || cfg.Collectors[0].Match != "go-test" || cfg.Collectors[0].Timeout != 15*time.Minute {
		t.Fatalf("collectors = %+v", cfg.Collectors)
	}
	if c := cfg.Collectors[1]; c.Match != "typescript:legacy" || c.Enabled == nil || *c.Enabled || c.Pos != (Pos{13, 3}) {
		t.Errorf("collectors[1] = %+v", c)
	}
	if c := cfg.Collectors[2]; len(c.Inputs) != 2 || c.Inputs[1] != "packages/web/tsconfig.json" {
		t.Errorf("collectors[2] = %+v", c)
	}
	if len(cfg.Domains) != 2 || *cfg.Domains[0].Weight != 5 || cfg.Domains[1].Name != "Speed" || *cfg.Domains[1].Weight != 0 {
		t.Errorf("domains = %+v", cfg.Domains)
	}
	if len(cfg.Severity) != 2 || cfg.Severity[0] != (SeverityOverride{"TS6133", model.Low, Pos{28, 3}}) || cfg.Severity[1].Rule != "vet:*" {
		t.Errorf("severity = %+v", cfg.Severity)
	}
	if cfg.Budgets != (Budgets{BundleMaxBytes: 250_000, CoverageMinPercent: 80}) {
		t.Errorf("budgets = %+v", cfg.Budgets)
	}
	if strings.Join(cfg.Gate, ",") != "build,tests,security" {
		t.Errorf("gate = %v", cfg.Gate)
	}
	if len(cfg.Custom) != 4 {
		t.Fatalf("custom = %+v", cfg.Custom)
	}
	p := cfg.Custom[0]
	if p.Name != "prisma" || !p.Shell || p.Command[0] != "npx prisma validate" || p.Dir != "packages/db" ||
		p.Timeout != 2*time.Minute || p.Domain != "build" || p.Output != collectors.ReadExitCode || p.Severity != model.Blocker {
		t.Errorf("custom prisma = %+v", p)
	}
	l := cfg.Custom[1]
	if l.Shell || strings.Join(l.Command, " ") != "./scripts/licenses.sh --strict" || l.Output != collectors.ReadRegex || l.Pattern == nil {
		t.Errorf("custom licenses = %+v", l)
	}
	if m := cfg.Custom[3]; m.Output != collectors.ReadGoTestJSON || m.Severity != model.High {
		t.Errorf("custom migrations = %+v", m)
	}
	if !cfg.NeedsTrust() || len(cfg.Commands()) != 4 {
		t.Errorf("commands = %q", cfg.Commands())
	}
	pol := cfg.Policy()
	if pol.Domain("performance").Name != "Speed" || pol.Domain("performance").Weight != 0 || pol.Gates("ci") || !pol.Gates("tests") {
		t.Errorf("policy = %+v", pol)
	}
}

func TestEmptyAndMissingConfigChangeNothing(t *testing.T) {
	for _, src := range []string{"", "# only a comment\n", "version: 1\n", "collectors:\ncustom:\n"} {
		cfg, err := Parse("preflight.yaml", []byte(src))
		if err != nil {
			t.Errorf("%q: %v", src, err)
			continue
		}
		if cfg.NeedsTrust() || cfg.Policy() != nil || len(cfg.Ignore) != 0 {
			t.Errorf("%q changes something: %+v", src, cfg)
		}
	}
	cfg, err := Load(t.TempDir())
	if err != nil || cfg.Path != "" {
		t.Errorf("no file: %+v %v", cfg, err)
	}
}

// Each broken example is one kind of mistake; the error must point at the
// exact line and column and say what was expected there.
func TestValidationErrorsHavePositionAndExpectedForm(t *testing.T) {
	cases := []struct {
		kind, src, want string
	}{
		{"yaml syntax", "ignore: [dist\n", `1:9: YAML syntax: sequence end token ']' not found`},
		{"unknown top-level key", "version: 1\ncolectors:\n  go: {}\n",
			`2:1: unknown key "colectors" at the top level (expected one of: version, ignore, collectors, domains, severity, budgets, gate, custom); did you mean "collectors"?`},
		{"unknown nested key", "collectors:\n  go-test:\n    timout: 5m\n",
			`3:5: unknown key "timout" in collectors.go-test (expected one of: enabled, inputs, timeout, args); did you mean "timeout"?`},
		{"list expected", "ignore: dist/**\n", `1:9: ignore: expected a list of globs such as ["dist/**", "**/*.snap"], got the string "dist/**"`},
		{"mapping expected", "collectors:\n  - go\n", `2:3: collectors: expected a mapping (key: value lines), got a list`},
		{"bool expected", "collectors:\n  go:\n    enabled: \"no\"\n", `3:14: collectors.go.enabled: expected true or false, got the string "no"`},
		{"bad duration", "collectors:\n  go:\n    timeout: 5\n", `3:14: collectors.go.timeout: expected a duration such as "90s", "5m" or "1h30m", got the number 5`},
		{"bad glob", "ignore:\n  - ok/**\n  - \"src/[a\"\n", `3:5: ignore[1]: "src/[a" is not a valid glob (use *, **, ?, [abc] and {a,b} with balanced brackets and braces)`},
		{"absolute glob", "collectors:\n  go:\n    inputs: [/etc/**]\n", `3:14: collectors.go.inputs[0]: "/etc/**" is absolute; globs are relative to the repository root (drop the leading /)`},
		{"bad severity", "severity:\n  TS2322: urgent\n", `2:11: severity.TS2322: expected a severity: blocker, high, medium, low or info; got "urgent"`},
		{"bad rule glob", "severity:\n  \"vet:[\": low\n", `2:3: severity: "vet:[" is not a rule id or a valid glob over rule ids (e.g. TS6133, vet:*)`},
		{"bad collector key", "collectors:\n  Go Test:\n    enabled: false\n", `2:3: collectors: "Go Test" is not a collector kind or id`},
		{"bad domain id", "gate: [build, Security]\n", `1:15: gate[1]: "Security" is not a domain id (lower-case letters, digits and -, e.g. build, tests, security)`},
		{"weight range", "domains:\n  ci:\n    weight: 101\n", `3:13: domains.ci.weight: expected a weight from 0 to 100, got 101`},
		{"bad size", "budgets:\n  bundle_size: big\n", `2:16: budgets.bundle_size: expected a size such as 250KB, 1.5MiB or a number of bytes, got "big"`},
		{"bad percent", "budgets:\n  coverage: 180\n", `2:13: budgets.coverage: expected a percentage from 0 to 100 such as 80 or "80%", got the number 180`},
		{"wrong version", "version: 2\n", `1:10: version: expected 1 (the only config version), got the number 2`},
		{"duplicate key", "gate: [build]\ngate: [tests]\n", `2:1: YAML syntax: mapping key "gate" already defined at [1:1]`},
		{"custom without command", "custom:\n  smoke:\n    domain: tests\n", `2:3: custom.smoke: missing required key "command" (e.g. command: npx prisma validate)`},
		{"custom without domain", "custom:\n  smoke:\n    command: ./smoke.sh\n", `2:3: custom.smoke: missing required key "domain"`},
		{"unknown reader", "custom:\n  x:\n    command: make lint\n    domain: ci\n    output: xml\n",
			`5:13: custom.x.output: expected one of exit-code, regex, tsc, go-test-json, junit, sarif, eslint-json; got "xml"`},
		{"regex without pattern", "custom:\n  x:\n    command: make lint\n    domain: ci\n    output: regex\n", `2:3: custom.x: missing required key "pattern"`},
		{"invalid regex", "custom:\n  x:\n    command: make lint\n    domain: ci\n    output: regex\n    pattern: '(?P<file>[a-'\n",
			`6:14: custom.x.pattern: not a valid regular expression (Go RE2 syntax): missing closing ]`},
		{"regex without message", "custom:\n  x:\n    command: make lint\n    domain: ci\n    output: regex\n    pattern: '^(?P<line>\\d+)'\n",
			`6:14: custom.x.pattern: needs a (?P<message>…) or (?P<file>…) group`},
		{"unknown regex group", "custom:\n  x:\n    command: make lint\n    domain: ci\n    output: regex\n    pattern: '^(?P<lnum>\\d+) (?P<message>.*)'\n",
			`6:14: custom.x.pattern: unknown group name "lnum" (use file, line, col, severity, rule, message)`},
		{"pattern on another reader", "custom:\n  x:\n    command: make lint\n    domain: ci\n    pattern: x\n", `5:14: custom.x.pattern: only the regex reader uses a pattern (set output: regex, or remove pattern)`},
		{"dir leaving the repository", "custom:\n  x:\n    command: make\n    domain: ci\n    dir: ../other\n", `5:10: custom.x.dir: "../other" leaves the repository`},
		{"report on exit-code", "custom:\n  x:\n    command: make\n    domain: ci\n    report: out.xml\n", `5:13: custom.x.report: the exit-code reader reads the command's output, not a report file`},
		{"empty command", "custom:\n  x:\n    command: []\n    domain: ci\n", `3:14: custom.x.command: expected a command line such as "npx prisma validate", or a list of arguments such as [npx, prisma, validate], got an empty list`},
		{"bad custom name", "custom:\n  My Check:\n    command: make\n    domain: ci\n", `2:3: custom: "My Check" is not a collector name`},
		{"two documents", "gate: [build]\n---\ngate: [tests]\n", `3:1: more than one YAML document (---); preflight.yaml holds one mapping`},
		{"key written twice", "collectors:\n  go: {}\n  \"go \": {}\n", `3:3: key "go" is written twice (also at 2:3)`},
		{"merge key", "collectors:\n  go: &g {enabled: false}\n  go-test:\n    <<: *g\n", `4:5: merge keys (<<) are not supported; write the keys out`},
		{"alias to nothing", "gate: *nothing\n", `1:7: alias *nothing refers to no anchor defined before it`},
		{"not a mapping", "- gate\n", `1:1: the top level: expected a mapping (key: value lines), got a list`},
		{"unknown custom key", "custom:\n  x:\n    comand: make\n    command: make\n    domain: ci\n",
			`3:5: unknown key "comand" in custom.x (expected one of: command, dir, inputs, timeout, domain, output, pattern, report, severity); did you mean "command"?`},
		{"custom without anything", "custom:\n  smoke:\n", `2:10: custom.smoke: expected a mapping (key: value lines), got nothing (null)`},
		{"argument expected", "collectors:\n  go-test:\n    args: [-race, {a: 1}]\n", `3:19: collectors.go-test.args[1]: expected an argument (a string), got a mapping`},
		{"weight not a number", "domains:\n  ci:\n    weight: heavy\n", `3:13: domains.ci.weight: expected a weight from 0 to 100, got the string "heavy"`},
		{"blank domain name", "domains:\n  ci:\n    name: \" \"\n", `3:11: domains.ci.name: expected a display name such as "Security", got " "`},
		{"bad domain key", "domains:\n  Sec Ops:\n    weight: 1\n", `2:3: domains: "Sec Ops" is not a domain id`},
		{"zero duration", "collectors:\n  go:\n    timeout: 0s\n", `3:14: collectors.go.timeout: expected a duration such as "90s", "5m" or "1h30m", got "0s"`},
		{"zero size", "budgets:\n  bundle_size: 0\n", `2:16: budgets.bundle_size: expected a size such as 250KB, 1.5MiB or a number of bytes, got the number 0`},
		{"size too large", "budgets:\n  bundle_size: 9000000000GB\n", `2:16: budgets.bundle_size: expected a size such as 250KB, 1.5MiB or a number of bytes, got "9000000000GB"`},
		{"percent out of range", "budgets:\n  coverage: \"180%\"\n", `2:13: budgets.coverage: expected a percentage from 0 to 100 such as 80 or "80%", got "180%"`},
		{"empty first argument", "custom:\n  x:\n    command: [\"\", a]\n    domain: ci\n", `3:14: custom.x.command: expected a command line such as "npx prisma validate", or a list of arguments such as [npx, prisma, validate], got a list`},
		{"backslash in dir", "custom:\n  x:\n    command: make\n    domain: ci\n    dir: 'a\\b'\n", `5:10: custom.x.dir: "a\\b" uses \; write paths with /`},
		{"report left out of the repository", "custom:\n  x:\n    command: make\n    domain: ci\n    output: junit\n    report: ../r.xml\n", `6:13: custom.x.report: "../r.xml" leaves the repository`},
		{"report on a directory", "custom:\n  x:\n    command: make\n    domain: ci\n    output: junit\n    report: .\n", `6:13: custom.x.report: "." is not a file`},
	}
	for _, tc := range cases {
		t.Run(tc.kind, func(t *testing.T) {
			_, err := Parse("/repo/preflight.yaml", []byte(tc.src))
			if err == nil {
				t.Fatalf("accepted:\n%s", tc.src)
			}
			var es Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("error is %T, want Errors", err)
			}
			want := "/repo/preflight.yaml:" + tc.want
			if got := es[0].Error(); !strings.HasPrefix(got, want) {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})
	}
}

// A key that breaks a naming rule is found in its own mapping, whatever
// the order the validator checked the mappings in.
func TestBadKeysArePlacedInTheirOwnMapping(t *testing.T) {
	src := "collectors:\n  Go Test: {}\ndomains:\n  Sec Ops: {}\ncustom:\n  My Check: {command: make, domain: ci}\nignore: []\ngate: []\n"
	want := []string{`p.yaml:2:3: collectors: "Go Test" is not`, `p.yaml:4:3: domains: "Sec Ops" is not`, `p.yaml:6:3: custom: "My Check" is not`}
	for range 20 {
		_, err := Parse("p.yaml", []byte(src))
		var es Errors
		if !errors.As(err, &es) || len(es) != len(want) {
			t.Fatalf("want %d errors, got %v", len(want), err)
		}
		for i, w := range want {
			if !strings.HasPrefix(es[i].Error(), w) {
				t.Fatalf("error %d: got %s, want %s…", i, es[i], w)
			}
		}
	}
}

func TestAllErrorsAreReportedInFileOrder(t *testing.T) {
	src := "gate: [Build]\ncollectors:\n  go:\n    enabled: 1\n    timeout: soon\nbogus: 1\n"
	_, err := Parse("p.yaml", []byte(src))
	var es Errors
	if !errors.As(err, &es) || len(es) != 4 {
		t.Fatalf("want 4 errors, got %v", err)
	}
	for i, line := range []int{1, 4, 5, 6} {
		if es[i].Pos.Line != line {
			t.Errorf("error %d at line %d, want %d: %v", i, es[i].Pos.Line, line, es[i])
		}
	}
	if !strings.Contains(err.Error(), "\np.yaml:4:14: collectors.go.enabled") {
		t.Errorf("joined message:\n%v", err)
	}
}

func TestSizesAndPercents(t *testing.T) {
	cases := map[string]Budgets{
		"budgets: {bundle_size: 1024}":     {BundleMaxBytes: 1024},
		"budgets: {bundle_size: 1.5MiB}":   {BundleMaxBytes: 1572864},
		"budgets: {bundle_size: \"2 MB\"}": {BundleMaxBytes: 2_000_000},
		"budgets: {coverage: \"72.5%\"}":   {CoverageMinPercent: 72.5},
		"budgets: {coverage: 90}":          {CoverageMinPercent: 90},
	}
	for src, want := range cases {
		cfg, err := Parse("p.yaml", []byte(src))
		if err != nil || cfg.Budgets != want {
			t.Errorf("%s: %+v %v", src, cfg, err)
		}
	}
}

func TestCommandsChangeOnlyWithWhatRuns(t *testing.T) {
	base := "custom:\n  x:\n    command: make lint\n    domain: ci\n"
	a, _ := Parse("p", []byte(base))
	tuned, _ := Parse("p", []byte(base+"    timeout: 9m\n    inputs: [\"**/*.go\"]\nseverity: {x: low}\n"))
	if strings.Join(a.Commands(), "\n") != strings.Join(tuned.Commands(), "\n") {
		t.Error("tuning timeout, inputs or severity must not need trust again")
	}
	for _, changed := range []string{
		"custom:\n  x:\n    command: make lint fix\n    domain: ci\n",
		"custom:\n  x:\n    command: make lint\n    dir: sub\n    domain: ci\n",
		"custom:\n  x:\n    command: [make, lint]\n    domain: ci\n",
		"custom:\n  y:\n    command: make lint\n    domain: ci\n",
		base + "collectors:\n  go-test:\n    args: [-race]\n",
	} {
		b, err := Parse("p", []byte(changed))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(a.Commands(), "\n") == strings.Join(b.Commands(), "\n") {
			t.Errorf("a change to what runs kept the same commands:\n%s", changed)
		}
	}
}

func TestLiveKeepsTheLastGoodConfig(t *testing.T) {
	root := t.TempDir()
	file := filepath.Join(root, FileName)
	write := func(s string) {
		t.Helper()
		if err := os.WriteFile(file, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("gate: [build]\n")
	l, err := NewLive(root)
	if err != nil {
		t.Fatal(err)
	}
	if g := l.Current().Gate; len(g) != 1 || g[0] != "build" {
		t.Fatalf("gate = %v", g)
	}
	write("gate: [build\n")
	changed, err := l.Reload()
	if changed || err == nil || !strings.Contains(err.Error(), "preflight.yaml:1:7: YAML syntax") {
		t.Fatalf("invalid edit: changed %v err %v", changed, err)
	}
	if g := l.Current().Gate; len(g) != 1 || g[0] != "build" || l.Err() == nil {
		t.Fatalf("the last good config must stay in force, with the error shown: %v %v", g, l.Err())
	}
	write("gate: [build, tests]\n")
	if changed, err := l.Reload(); !changed || err != nil || l.Err() != nil || len(l.Current().Gate) != 2 {
		t.Fatalf("fixed edit: changed %v err %v gate %v", changed, err, l.Current().Gate)
	}
	if changed, err := l.Reload(); changed || err != nil {
		t.Errorf("an unchanged file is not a change: %v %v", changed, err)
	}
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	if changed, err := l.Reload(); !changed || err != nil || l.Current().Gate != nil {
		t.Errorf("a removed file is the empty config: %v %v %+v", changed, err, l.Current())
	}
}

func TestNewLiveRefusesAnInvalidFile(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, FileName), []byte("gate: build\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := NewLive(root); err == nil || !strings.Contains(err.Error(), "preflight.yaml:1:7: gate: expected a list") {
		t.Fatalf("err = %v", err)
	}
}

func FuzzParse(f *testing.F) {
	if data, err := os.ReadFile("testdata/full.yaml"); err == nil {
		f.Add(data)
	}
	f.Add([]byte("collectors:\n  go:\n    enabled: false\n"))
	f.Add([]byte("a: &x [1, *x]\n"))
	f.Add([]byte("custom:\n  x: {command: [a], domain: ci, output: regex, pattern: '(?P<message>.*)'}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse("p.yaml", data)
		if err != nil {
			var es Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("error without positions: %v", err)
			}
			for _, e := range es {
				if e.Pos.Line < 1 || e.Pos.Col < 1 || e.Msg == "" || strings.Contains(e.Msg, "a value the schema allows") {
					t.Fatalf("bad error %+v", e)
				}
			}
			return
		}
		for _, s := range cfg.Custom {
			if len(s.Command) == 0 || s.Domain == "" || (s.Output == collectors.ReadRegex) != (s.Pattern != nil) {
				t.Fatalf("invalid spec accepted: %+v", s)
			}
		}
	})
}
