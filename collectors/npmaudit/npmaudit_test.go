package npmaudit

import (
	"context"
	"errors"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/findingtest"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"
)

func TestInterpretCaptured(t *testing.T) {
	cases := []struct {
		name     string
		status   model.Status
		facts    map[string]float64
		findings []string // severity rule location
		errText  string
		hint     string // when not OfflineHint
	}{
		{name: "clean", status: model.StatusOK,
			facts: map[string]float64{"vulns.critical": 0, "vulns.high": 0, "vulns.moderate": 0, "vulns.low": 0, "vulns.total": 0, "dependencies": 1}},
		{name: "vulnerable", status: model.StatusOK,
			facts: map[string]float64{"vulns.critical": 1, "vulns.high": 4, "vulns.moderate": 0, "vulns.low": 0, "vulns.total": 5, "dependencies": 52},
			findings: []string{
				"blocker npm-audit/critical web/package-lock.json:308:5", // minimist
				"high npm-audit/high web/package-lock.json:33:5",         // body-parser
				"high npm-audit/high web/package-lock.json:140:5",        // express
				"high npm-audit/high web/package-lock.json:252:5",        // lodash
				"high npm-audit/high web/package-lock.json:366:5",        // qs
			}},
		{name: "workspaces", status: model.StatusOK,
			facts: map[string]float64{"vulns.high": 1, "vulns.total": 1, "dependencies": 6},
			findings: []string{
				"high npm-audit/high web/package-lock.json:22:5", // lodash, hoisted from packages/api
			}},
		{name: "registry-rejects", status: model.StatusUnknown,
			errText: "npm audit could not get advisories: 405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk"},
		{name: "unreachable", status: model.StatusUnknown,
			errText: "npm audit could not get advisories: request to http://127.0.0.1:9/-/npm/v1/security/advisories/bulk failed, reason: connect ECONNREFUSED 127.0.0.1:9"},
		// A member's package.json npm refuses is the project's fault, a
		// finding of package-json:.; npm audit has no evidence to give.
		{name: "malformed-member", status: model.StatusUnknown, hint: ManifestHint,
			errText: `npm audit cannot run: npm refuses a package.json of this package or its workspaces (EJSONPARSE Invalid package.json: JSONParseError: Expected double-quoted property name in JSON at position 106 while parsing near "... { \"ms\": \"2.1.3\" },\n}\n": Failed to parse JSON data.
Note: package.json must be actual JSON, not just JavaScript.)`},
	}
	col := newCollector("web", "npm-audit:web", "package-lock.json")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := loadCaptured(t, tc.name)
			res := col.interpret(c.run.ExitCode, c.stdout, c.stderr, c.lock)
			if res.Status != tc.status || res.Error != tc.errText {
				t.Fatalf("status %s error %q", res.Status, res.Error)
			}
			if tc.hint == "" {
				tc.hint = OfflineHint
			}
			if tc.status != model.StatusOK {
				if res.Hint != tc.hint || len(res.Findings) != 0 || res.Output == "" {
					t.Errorf("hint %q, %d findings, output %q", res.Hint, len(res.Findings), res.Output)
				}
				return
			}
			for k, v := range tc.facts {
				if res.Facts[k] != v {
					t.Errorf("fact %s = %v, want %v", k, res.Facts[k], v)
				}
			}
			findingtest.CheckStamped(t, res.Findings, col.ID(), Domain)
			got := findingtest.Lines(res.Findings)
			if strings.Join(got, "\n") != strings.Join(tc.findings, "\n") {
				t.Errorf("findings:\n%s", strings.Join(got, "\n"))
			}
		})
	}
}

func TestFindingMessages(t *testing.T) {
	c := loadCaptured(t, "vulnerable")
	res := newCollector(".", "npm-audit:x", "package-lock.json").interpret(c.run.ExitCode, c.stdout, c.stderr, c.lock)
	byName := map[string]string{}
	for _, f := range res.Findings {
		byName[strings.SplitN(f.Message, "@", 2)[0]] = f.Message
	}
	want := map[string]string{
		"minimist":    "minimist@1.2.0 (direct dependency): Prototype Pollution in minimist (GHSA-xvch-5gv4-984h, critical); Prototype Pollution in minimist (GHSA-vh95-rmgr-6w4m, moderate)\nFix: npm audit fix (updates minimist to 1.2.8).",
		"body-parser": "body-parser@1.19.0 vulnerable through qs\nFix: npm audit fix (updates express to 4.22.3).",
		"express":     "express@4.17.1 (direct dependency): Express.js Open Redirect in malformed URLs (GHSA-rv95-896h-c2vc, moderate); express vulnerable to XSS via response.redirect() (GHSA-qw6h-vgh9-j6wx, low); also vulnerable through body-parser, qs\nFix: npm audit fix (updates express to 4.22.3).",
	}
	for name, msg := range want {
		if byName[name] != msg {
			t.Errorf("%s:\n%s\nwant:\n%s", name, byName[name], msg)
		}
	}
}

func TestParseRejects(t *testing.T) {
	cases := map[string]struct {
		out         string
		unsupported bool
	}{
		"not json":                   {"npm ERR! code ENOLOCK", false},
		"npm 6 layout":               {`{"actions":[],"advisories":{},"metadata":{}}`, true},
		"report version 1":           {`{"auditReportVersion":1,"vulnerabilities":{}}`, true},
		"json without a version":     {`{"vulnerabilities":{}}`, false},
		"unknown severity":           {`{"auditReportVersion":2,"vulnerabilities":{"a":{"severity":"urgent"}}}`, false},
		"via of the wrong type":      {`{"auditReportVersion":2,"vulnerabilities":{"a":{"severity":"low","via":[3]}}}`, false},
		"fixAvailable of wrong type": {`{"auditReportVersion":2,"vulnerabilities":{"a":{"severity":"low","fixAvailable":"yes"}}}`, false},
	}
	col := newCollector(".", "npm-audit:x", "package-lock.json")
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(tc.out))
			if err == nil {
				t.Fatal("accepted")
			}
			if errors.Is(err, ErrUnsupportedVersion) != tc.unsupported {
				t.Errorf("unsupported = %v: %v", !tc.unsupported, err)
			}
			// npm audit exits 0 or 1 whatever happened: unreadable output
			// is an error, never a clean audit.
			for _, exit := range []int{0, 1} {
				if res := col.interpret(exit, []byte(tc.out), nil, nil); res.Status != model.StatusError {
					t.Errorf("exit %d: status %s", exit, res.Status)
				}
			}
		})
	}
}

func TestRegistryErrorObject(t *testing.T) {
	_, err := Parse([]byte(`{"error":{"code":"ENOLOCK","summary":"This command requires an existing lockfile.","detail":"Try creating one first with: npm i --package-lock-only"}}`))
	var re *RegistryError
	if !errors.As(err, &re) || re.Error() != "ENOLOCK This command requires an existing lockfile.: Try creating one first with: npm i --package-lock-only" {
		t.Fatalf("%v", err)
	}
}

func TestDetect(t *testing.T) {
	files := []string{
		"package-lock.json", "package.json", "packages/api/package.json",
		"web/yarn.lock", "web/package.json", "docs/pnpm-lock.yaml",
		"tools/package-lock.json", "tools/yarn.lock",
		"node_modules/x/package-lock.json", "e2e/testdata/package-lock.json",
		// shiori: bun's lockfiles, beside package-lock.json or alone.
		"webapp/package-lock.json", "webapp/bun.lock", "webapp/package.json", "bun.lockb",
	}
	cs := Detect("/r/shop", files)
	var got []string
	for _, c := range cs {
		got = append(got, c.ID()+" "+strings.Join(c.Inputs(), ","))
	}
	want := []string{
		"npm-audit:. package-lock.json,package.json,bun.lockb",
		"npm-audit:docs docs/pnpm-lock.yaml,docs/package.json",
		"npm-audit:tools tools/package-lock.json,tools/package.json,tools/yarn.lock",
		"npm-audit:web web/yarn.lock,web/package.json",
		"npm-audit:webapp webapp/package-lock.json,webapp/package.json,webapp/bun.lock",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("detect:\n%s", strings.Join(got, "\n"))
	}
	res := cs[3].Run(context.Background(), collectors.Request{Root: "/r/shop"})
	if res.Status != model.StatusUnknown || res.Hint != NoAuditorHint || res.Error != "web/yarn.lock has no supported auditor" {
		t.Errorf("yarn-only project: %+v", res)
	}
}

// With a yarn or pnpm lockfile beside package-lock.json, what the project
// installs from decides: its packageManager field, else what node_modules
// was installed with; when nothing says, auditing package-lock.json could
// be of versions that are not installed.
func TestTwoLockfiles(t *testing.T) {
	both := map[string]string{"web/package-lock.json": "{}", "web/yarn.lock": "# yarn lockfile v1\n"}
	with := func(extra map[string]string) map[string]string {
		m := maps.Clone(both)
		maps.Copy(m, extra)
		return m
	}
	cases := []struct {
		name  string
		files map[string]string
		why   string // "" when package-lock.json is audited
	}{
		{"nothing says", with(map[string]string{"web/package.json": `{"name":"web"}`}),
			"two lockfiles, web/package-lock.json and web/yarn.lock, and nothing says which one the project installs from: an audit of package-lock.json may be of versions that are not installed"},
		{"packageManager yarn", with(map[string]string{"web/package.json": `{"packageManager":"yarn@1.22.22"}`}),
			"web/yarn.lock is the lockfile the project installs from (packageManager yarn in web/package.json); web/package-lock.json beside it pins other versions"},
		{"packageManager npm", with(map[string]string{"web/package.json": `{"packageManager":"npm@10.8.2"}`}), ""},
		{"installed with yarn", with(map[string]string{"web/package.json": `{}`, "web/node_modules/.yarn-integrity": "{}"}),
			"web/yarn.lock is the lockfile the dependencies were installed from (web/node_modules/.yarn-integrity); web/package-lock.json beside it pins other versions"},
		{"installed with npm", with(map[string]string{"web/package.json": `{}`, "web/node_modules/.package-lock.json": "{}"}), ""},
		{"packageManager bun", map[string]string{"web/package-lock.json": "{}", "web/bun.lock": "{}", "web/package.json": `{"packageManager":"bun@1.2.0"}`},
			"web/bun.lock is the lockfile the project installs from (packageManager bun in web/package.json); web/package-lock.json beside it pins other versions"},
	}
	for _, tc := range cases {
		root := fixturetest.WriteRepo(t, tc.files)
		var c *Collector
		for _, d := range Detect(root, fixturetest.Files(t, root)) {
			c = d.(*Collector)
		}
		why, hint := c.otherLockfile(root)
		if why != tc.why || (why != "" && hint == "") {
			t.Errorf("%s: %q (hint %q), want %q", tc.name, why, hint, tc.why)
		}
	}
}

func requireNpm(t *testing.T) {
	t.Helper()
	fixturetest.RequireTools(t, "npm")
}

// useAdvisoryServer points npm at a local registry that serves the
// advisories, for the rest of the test.
func useAdvisoryServer(t *testing.T) {
	t.Helper()
	requireNpm(t)
	url, stop, err := advisoryServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	t.Setenv("npm_config_registry", url)
}

// TestRunAgainstAdvisoryServer runs the real npm audit through the
// collector, with the registry set in npm's environment the way a user's
// .npmrc would set it.
func TestRunAgainstAdvisoryServer(t *testing.T) {
	useAdvisoryServer(t)
	root, _ := filepath.Abs(filepath.Join("testdata", "projects"))
	res := newCollector("vulnerable", "npm-audit:vulnerable", "package-lock.json").
		Run(context.Background(), collectors.Request{Root: root, Timeout: 3 * time.Minute})
	if res.Status != model.StatusOK {
		t.Fatalf("status %s: %s\n%s", res.Status, res.Error, res.Output)
	}
	if res.ExitCode != 1 || res.Command != "cd vulnerable && npm audit --json --package-lock-only" {
		t.Errorf("exit %d command %q", res.ExitCode, res.Command)
	}
	if res.Facts["vulns.critical"] != 1 || res.Facts["vulns.high"] != 4 || len(res.Findings) != 5 {
		t.Errorf("facts %v, %d findings", res.Facts, len(res.Findings))
	}
}

func TestRunAgainstUnreachableRegistry(t *testing.T) {
	requireNpm(t)
	t.Setenv("npm_config_registry", "http://127.0.0.1:9/")
	root, _ := filepath.Abs(filepath.Join("testdata", "projects"))
	res := newCollector("clean", "npm-audit:clean", "package-lock.json").
		Run(context.Background(), collectors.Request{Root: root, Timeout: time.Minute})
	if res.Status != model.StatusUnknown || !strings.Contains(res.Error, "ECONNREFUSED") || res.Hint != OfflineHint {
		t.Fatalf("status %s error %q", res.Status, res.Error)
	}
}

func FuzzParse(f *testing.F) {
	for _, n := range []string{"clean", "vulnerable", "workspaces", "registry-rejects", "unreachable", "malformed-member"} {
		f.Add(string(loadCaptured(f, n).stdout))
	}
	f.Fuzz(func(t *testing.T, out string) {
		r, err := Parse([]byte(out))
		col := newCollector(".", "npm-audit:x", "package-lock.json")
		res := col.interpret(1, []byte(out), nil, nil)
		if err != nil {
			if res.Status == model.StatusOK || len(res.Findings) != 0 {
				t.Fatalf("failed parse gave %s with %d findings", res.Status, len(res.Findings))
			}
			return
		}
		if r.AuditReportVersion != 2 || res.Status != model.StatusOK || len(res.Findings) != len(r.Vulnerabilities) {
			t.Fatalf("version %d status %s findings %d of %d", r.AuditReportVersion, res.Status, len(res.Findings), len(r.Vulnerabilities))
		}
	})
}

// The real npm on a workspace with a member npm refuses: unknown, pointing
// at the package.json finding, never a registry problem.
func TestRunOnAWorkspaceWithARefusedMember(t *testing.T) {
	requireNpm(t)
	t.Setenv("npm_config_registry", "http://127.0.0.1:9/")
	root, _ := filepath.Abs(filepath.Join("testdata", "projects"))
	res := newCollector("malformed-member", "npm-audit:malformed-member", "package-lock.json").
		Run(context.Background(), collectors.Request{Root: root, Timeout: time.Minute})
	if res.Status != model.StatusUnknown || !strings.Contains(res.Error, "EJSONPARSE") || res.Hint != ManifestHint || len(res.Findings) != 0 {
		t.Fatalf("status %s error %q hint %q", res.Status, res.Error, res.Hint)
	}
}

// A pnpm workspace's lockfile has no auditor here, and the hint must not
// send the user to npm: npm refuses workspace: ranges, and without an npm
// "workspaces" field it locks the root alone and would audit nothing.
func TestPnpmWorkspaceHint(t *testing.T) {
	root := fixturetest.Testdata(t, "projects", "pnpm-workspace")
	files := []string{"package.json", "pnpm-lock.yaml", "pnpm-workspace.yaml", "packages/app/package.json", "packages/lib/package.json"}
	cs := Detect(root, files)
	if len(cs) != 1 || cs[0].ID() != "npm-audit:." {
		t.Fatalf("detected %d collectors: %v", len(cs), cs)
	}
	res := cs[0].Run(context.Background(), collectors.Request{Root: root})
	if res.Status != model.StatusUnknown || res.Error != "pnpm-lock.yaml has no supported auditor" {
		t.Fatalf("status %s, error %q", res.Status, res.Error)
	}
	if strings.Contains(res.Hint, "npm install") || !strings.Contains(res.Hint, "trivy fs --format sarif") {
		t.Errorf("hint %q", res.Hint)
	}
}

// interpret reads a captured run as Run would have read it.
func (c *Collector) interpret(exit int, stdout, stderr, lock []byte) model.Result {
	in := collectors.Input{ExitCode: exit, Data: stdout, Stdout: stdout, Stderr: stderr}
	return c.Conclude(in, func(in collectors.Input) (collectors.Reading, error) { return c.read(in, lock) })
}

// npm keeps what a Yarn 1 lockfile pins when it locks beside it, so the
// hint for one says how; for Yarn 2 and later and pnpm, npm cannot.
func TestYarnV1LockfileHintSaysHowNpmCanAuditIt(t *testing.T) {
	root := t.TempDir()
	fixturetest.WriteFiles(t, root, map[string]string{
		"v1/package.json":    `{"dependencies": {"ms": "^2.0.0"}}`,
		"v1/yarn.lock":       "# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n\n\nms@^2.0.0:\n  version \"2.0.0\"\n",
		"berry/package.json": `{"dependencies": {"ms": "^2.0.0"}}`,
		"berry/yarn.lock":    "# This file is generated by running \"yarn install\" inside your project.\n\n__metadata:\n  version: 8\n",
	})
	hints := map[string]string{}
	for _, c := range Detect(root, fixturetest.Files(t, root)) {
		hints[c.ID()] = c.Run(context.Background(), collectors.Request{Root: root}).Hint
	}
	if want := map[string]string{"npm-audit:v1": YarnV1Hint, "npm-audit:berry": NoAuditorHint}; !maps.Equal(hints, want) {
		t.Errorf("hints %q, want %q", hints, want)
	}
}

// A package with dependencies whose lockfile the repository does not hold
// (git ignores it, or there is none) is audited from the lockfile on disk,
// or is unknown: never passed over, as if it had nothing to audit. A
// workspace member is covered by its root's lockfile; a package without
// dependencies, or one that is not the project's (an example), has none.
func TestPackageWithoutACommittedLockfile(t *testing.T) {
	vulnerable := filepath.Join("testdata", "projects", "vulnerable")
	root := fixturetest.WriteRepo(t, map[string]string{
		"app/package.json":       fixturetest.ReadFile(t, filepath.Join(vulnerable, "package.json")),
		"app/package-lock.json":  fixturetest.ReadFile(t, filepath.Join(vulnerable, "package-lock.json")), // ignored: not among the files
		"lib/package.json":       `{"devDependencies": {"typescript": "^5.0.0"}}`,
		"yarny/package.json":     `{"dependencies": {"react": "^19.0.0"}}`,
		"yarny/yarn.lock":        "# yarn lockfile v1\n",
		"ws/package.json":        `{"workspaces": ["pkgs/*"], "devDependencies": {"typescript": "^5.0.0"}}`,
		"ws/package-lock.json":   "{}",
		"ws/pkgs/a/package.json": `{"dependencies": {"react": "^19.0.0"}}`,
		"empty/package.json":     `{"name": "empty"}`,
		// A package of its own below a package that is no workspace root.
		"lib/tools/package.json":     `{"devDependencies": {"tsx": "^4.0.0"}}`,
		"examples/demo/package.json": `{"dependencies": {"react": "^19.0.0"}}`,
	})
	files := []string{"app/package.json", "lib/package.json", "yarny/package.json", "ws/package.json", "ws/package-lock.json",
		"ws/pkgs/a/package.json", "lib/tools/package.json", "empty/package.json", "examples/demo/package.json"}
	byID := map[string]*Collector{}
	var ids []string
	for _, c := range Detect(root, files) {
		byID[c.ID()] = c.(*Collector)
		ids = append(ids, c.ID())
	}
	if want := []string{"npm-audit:app", "npm-audit:lib", "npm-audit:tools", "npm-audit:ws", "npm-audit:yarny"}; !slices.Equal(ids, want) {
		t.Fatalf("collectors %q, want %q", ids, want)
	}
	req := collectors.Request{Root: root, Timeout: 3 * time.Minute}
	for id, want := range map[string]struct{ why, hint string }{
		"npm-audit:lib": {"lib/package.json's dependencies are not audited: the repository holds no lockfile for them, and npm audit --package-lock-only, which preflight runs so as to audit what the repository pins, reads one",
			"commit the lockfile (npm install writes package-lock.json), or write one here to audit what an install would resolve today: npm install --package-lock-only --ignore-scripts"},
		"npm-audit:yarny": {"yarny/package.json's dependencies are locked only by yarny/yarn.lock, which the repository does not hold and preflight cannot audit", NoAuditorHint},
	} {
		res := byID[id].Run(context.Background(), req)
		if res.Status != model.StatusUnknown || res.Error != want.why || res.Hint != want.hint {
			t.Errorf("%s: %s %q (hint %q)", id, res.Status, res.Error, res.Hint)
		}
	}

	// The lockfile on disk is audited, and the output says whose it is.
	useAdvisoryServer(t)
	res := byID["npm-audit:app"].Run(context.Background(), req)
	if res.Status != model.StatusOK || res.Facts["vulns.critical"] != 1 || res.Facts["vulns.high"] != 4 || len(res.Findings) != 5 ||
		!strings.HasPrefix(res.Output, "note: app/package-lock.json is not in the repository (git ignores it)") {
		t.Errorf("status %s %s, facts %v, %d findings\n%s", res.Status, res.Error, res.Facts, len(res.Findings), res.Output)
	}
}
