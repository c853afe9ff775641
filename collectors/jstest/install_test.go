package jstest

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/internal/reach"
	"github.com/preflight-dev/preflight/model"
)

// Whose fault is a runner that does not resolve: a script using a runner
// nobody lists is the project's (a finding); a listed runner that is not
// installed is the machine's (unknown, with the install command).
func TestRunnerThatDoesNotResolve(t *testing.T) {
	cases := []struct {
		name   string
		files  map[string]string
		id     string
		status string
		want   string // in the error, or in the finding's message
		hint   string
	}{
		{
			name: "script without the dependency, dependencies installed",
			files: map[string]string{
				"package.json":                       `{"name":"shop","scripts":{"test":"vitest run"},"dependencies":{"left-pad":"1.3.0"}}`,
				"package-lock.json":                  `{}`,
				"node_modules/left-pad/package.json": `{"name":"left-pad"}`,
			},
			id: "vitest:.", status: "ok",
			want: "`npm test` cannot run: vitest is used by the test script but is not a dependency of package.json or of a package above it",
		},
		{
			name: "declared but not installed, pnpm",
			files: map[string]string{
				"package.json":   `{"name":"shop","scripts":{"test":"jest"},"devDependencies":{"jest":"29.7.0"}}`,
				"pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
			},
			id: "jest:.", status: "unknown",
			want: "jest is a dependency but is not installed", hint: "install the dependencies: pnpm install --frozen-lockfile",
		},
		{
			name: "declared at the workspace root, nothing installed",
			files: map[string]string{
				"package.json":          `{"name":"root","private":true,"workspaces":["apps/*"],"devDependencies":{"vitest":"4.1.12"}}`,
				"yarn.lock":             "",
				"apps/web/package.json": `{"name":"web","scripts":{"test":"vitest run"}}`,
			},
			id: "vitest:web", status: "unknown",
			want: "vitest is a dependency but is not installed", hint: "yarn install --immutable",
		},
		{
			// Installing again would change nothing: Plug'n'Play writes
			// .pnp.cjs, not node_modules.
			name: "declared at the workspace root, installed with Yarn Plug'n'Play",
			files: map[string]string{
				"package.json":              `{"name":"root","private":true,"workspaces":["packages/*"],"packageManager":"yarn@4.11.0","devDependencies":{"vitest":"4.1.12"}}`,
				"yarn.lock":                 "__metadata:\n  version: 8\n  cacheKey: 10c0\n",
				".pnp.cjs":                  "#!/usr/bin/env node\n/* eslint-disable */\n",
				"packages/lib/package.json": `{"name":"lib","scripts":{"test":"vitest"}}`,
			},
			id: "vitest:lib", status: "unknown",
			want: "vitest is installed with Yarn Plug'n'Play (.pnp.cjs)", hint: "add `nodeLinker: node-modules` to .yarnrc.yml",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			for name, content := range tc.files {
				mustWrite(t, filepath.Join(root, name), content, 0o644)
			}
			r := runCollector(t, collector(t, root, tc.id), root, time.Minute)
			if string(r.Status) != tc.status || len(r.Facts) != 0 {
				t.Fatalf("status %s (%s), facts %v", r.Status, r.Error, r.Facts)
			}
			if tc.status == "ok" {
				if len(r.Findings) != 1 || r.Findings[0].Message != tc.want || r.Findings[0].Severity.String() != "blocker" ||
					r.Findings[0].File != "package.json" || r.Findings[0].Line == 0 || r.Findings[0].Rule != "vitest/not-a-dependency" {
					t.Errorf("findings %+v", r.Findings)
				}
				return
			}
			if !strings.HasPrefix(r.Error, tc.want) || !strings.Contains(r.Hint, tc.hint) || len(r.Findings) != 0 {
				t.Errorf("error %q hint %q findings %+v", r.Error, r.Hint, r.Findings)
			}
		})
	}
}

// A hook that throws leaves Vitest's JSON report with the file only; the
// console, captured from Vitest 2, names the error and its line.
func TestSuiteFailurePlacedFromTheConsole(t *testing.T) {
	console, err := os.ReadFile(filepath.Join("testdata", "console", "vitest2-beforeall.txt"))
	if err != nil {
		t.Fatal(err)
	}
	in := []model.Finding{
		{Rule: "vitest/suite-failed", File: "api/src/hook.test.js", Message: "test file could not run" + noReason},
		{Rule: "vitest/test-failed", File: "api/src/other.test.js", Message: "x failed"},
	}
	got := placeSuiteFailures(in, string(console), "api")
	if got[0].Line != 4 || got[0].Column != 9 || got[0].Message != "test file could not run: Error: database is not reachable" {
		t.Errorf("suite failure %+v", got[0])
	}
	if got[1].Line != 0 || got[1].Message != "x failed" {
		t.Errorf("other finding changed: %+v", got[1])
	}
	// A report that has the position already keeps it.
	kept := placeSuiteFailures([]model.Finding{{Rule: "vitest/suite-failed", File: "api/src/hook.test.js", Line: 2, Column: 1, Message: "m"}}, string(console), "api")
	if kept[0].Line != 2 || kept[0].Message != "m" {
		t.Errorf("kept %+v", kept[0])
	}
}

// A test file that fails while a module it imports loads (Jest's stack has
// no frame in the test file) says where the error was thrown.
func TestSuiteFailureNamesWhereItWasThrown(t *testing.T) {
	loc := Location{Root: "/repo", Dir: "/repo"}
	msg := "MONGODB_URL is required\n    at Object.<anonymous> (/repo/src/config/config.js:32:9)\n" +
		"    at Object.<anonymous> (/repo/node_modules/dotenv/lib/main.js:1:1)\n    at Object.<anonymous> (/repo/src/app.js:9:16)"
	f := suiteFailure(KindJest, "tests/integration/auth.test.js", msg, loc)
	if f.Line != 0 || f.Message != "test file could not run: MONGODB_URL is required (thrown at src/config/config.js:32:9)" {
		t.Errorf("finding %+v", f)
	}
	// A frame in the test file itself is the place, as before.
	f = suiteFailure(KindJest, "src/app.js", msg, loc)
	if f.Line != 9 || f.Column != 16 || strings.Contains(f.Message, "thrown at") {
		t.Errorf("finding %+v", f)
	}
}

// Vitest 4's JSON report gives a test that timed out the placeholder
// "Error: STACK_TRACE_ERROR"; its console, captured from Vitest 4.1, says
// it timed out and after how long.
func TestTimedOutTestExplainedFromTheConsole(t *testing.T) {
	report, console := captureIn(t, "vitest4-timeout")
	rep, err := parseReport(KindVitest, report, Location{Root: "/repo", Dir: "/repo"})
	if err != nil || len(rep.Findings) != 1 || rep.Failed != 1 || rep.Passed != 1 {
		t.Fatalf("report %+v, %v", rep, err)
	}
	if rep.Findings[0].Message != "checkout › waits for the payment provider failed: "+placeholderError {
		t.Fatalf("the report no longer has the placeholder: %q", rep.Findings[0].Message)
	}
	got := explainPlaceholders(rep.Findings, string(console), ".")
	if got[0].Message != "checkout › waits for the payment provider failed: Error: Test timed out in 200ms." ||
		got[0].File != "test/slow.test.js" || got[0].Line != 4 {
		t.Errorf("%+v", got[0])
	}
	// Another test's reason is not borrowed.
	other := []model.Finding{{Rule: "vitest/test-failed", File: "test/slow.test.js", Message: "adds up failed: " + placeholderError}}
	if got := explainPlaceholders(other, string(console), "."); got[0].Message != "adds up failed: "+placeholderError {
		t.Errorf("%+v", got[0])
	}
}

// Suite failures as Vitest 4.1 prints them (captured): a hook inside a
// describe block fails with the block's position on the FAIL line, and a
// file whose two hooks fail is placed by the error it reports, not by the
// other one's frame.
func TestSuiteFailuresPlacedByTheirOwnError(t *testing.T) {
	for _, tc := range []struct {
		capture, want string
	}{
		// FAIL svc.test.js:3:1 > needs a service; the throw at 5:15.
		{"vitest4-describe-hook", "svc.test.js:5:15 test file could not run: Error: service exited unexpectedly (code=125)"},
		// [1/2] beforeAll's error, thrown in helper.js; [2/2] afterAll's
		// TypeError at app.test.js:9:35, which is not the reason given.
		{"vitest4-hook-other-error", "app.test.js:0:0 test file could not run: Timed out waiting for: http-get://localhost:1234 (at helper.js:2:56)"},
	} {
		report, console := captureIn(t, tc.capture)
		rep, err := parseReport(KindVitest, report, Location{Root: "/repo", Dir: "/repo"})
		if err != nil || len(rep.Findings) != 1 {
			t.Fatalf("%s: report %+v, %v", tc.capture, rep, err)
		}
		f := placeSuiteFailures(rep.Findings, string(console), ".")[0]
		if got := fmt.Sprintf("%s:%d:%d %s", f.File, f.Line, f.Column, f.Message); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.capture, got, tc.want)
		}
	}
}

func FuzzPlaceSuiteFailures(f *testing.F) {
	for _, name := range []string{"vitest2-beforeall.txt", "vitest4-describe-hook.txt", "vitest4-hook-other-error.txt"} {
		data, err := os.ReadFile(filepath.Join("testdata", "console", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data))
	}
	f.Fuzz(func(t *testing.T, console string) {
		in := []model.Finding{
			{Rule: "vitest/suite-failed", File: "src/hook.test.js", Message: "test file could not run" + noReason},
			{Rule: "vitest/suite-failed", File: "app.test.js", Line: 3, Column: 2, Message: "test file could not run: boom"},
		}
		for i, f := range placeSuiteFailures(slices.Clone(in), console, ".") {
			if f.File != in[i].File || f.Line < 0 || f.Column < 0 || (in[i].Line > 0 && f.Line != in[i].Line) {
				t.Fatalf("%+v from %+v", f, in[i])
			}
		}
	})
}

// The package's own script decides how its suite runs: the options that
// change what runs and how are carried into preflight's run, as `npm test`
// makes it; what would change the report or write to the tree is not.
func TestScriptOptionsCarriedIntoTheRun(t *testing.T) {
	for _, tc := range []struct {
		kind, script string
		want         []string
	}{
		{KindVitest, "vitest --no-file-parallelism", []string{"--no-file-parallelism"}},
		{KindVitest, "vitest run --project unit --pool forks --coverage src/", []string{"--project", "unit", "--pool", "forks"}},
		{KindVitest, "vitest run --config=vitest.unit.config.ts test/api --reporter verbose -u --watch=false", []string{"--config=vitest.unit.config.ts", "test/api"}},
		{KindVitest, "NODE_OPTIONS=--max-old-space-size=4096 vitest --maxWorkers 1 --no-isolate --bail 1", []string{"--maxWorkers", "1", "--no-isolate"}},
		{KindVitest, "tsc -b && vitest", nil},
		{KindJest, "jest --runInBand --config jest.unit.json --coverage --passWithNoTests", []string{"--runInBand", "--config", "jest.unit.json"}},
		{KindJest, "node --experimental-vm-modules node_modules/jest/bin/jest.js -i src/", []string{"-i", "src/"}},
		{KindJest, "jest --selectProjects api --ci --json --outputFile=x.json", []string{"--selectProjects", "api"}},
	} {
		root := t.TempDir()
		fixturetest.WriteFiles(t, root, map[string]string{"web/package.json": `{"scripts":{"test":` + strconv.Quote(tc.script) + `}}`})
		c := &Collector{run: runners[tc.kind], dir: "web"}
		if got := c.scriptArgs(root); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.script, got, tc.want)
		}
	}
	// A launcher hands its script's options on to Jest: CRA 1's template
	// runs its tests with --env=jsdom (react-redux-realworld: a test that
	// touches document fails without it).
	cra := &Collector{run: runners[KindJest], dir: ".", launcher: "react-scripts", script: "test"}
	root := t.TempDir()
	fixturetest.WriteFiles(t, root, map[string]string{"package.json": `{"scripts":{"test":"cross-env PORT=4100 react-scripts test --env=jsdom --watch"}}`})
	if got := cra.scriptArgs(root); !slices.Equal(got, []string{"--env=jsdom"}) {
		t.Errorf("react-scripts: %q", got)
	}
}

// A file whose beforeAll cannot reach its database (captured from Vitest
// 4.1: connect ECONNREFUSED 127.0.0.1:9) did not test the code: it is
// needs-service (medium), as for go test; a test that failed on its own
// is still a blocker.
func TestFileThatCannotReachItsServiceNeedsIt(t *testing.T) {
	report, console := captureIn(t, "vitest4-econnrefused")
	rep, err := parseReport(KindVitest, report, Location{Root: "/repo", Dir: "/repo"})
	if err != nil || len(rep.Findings) != 1 || rep.SuitesFailed != 1 {
		t.Fatalf("report %+v, %v", rep, err)
	}
	fs := append(placeSuiteFailures(rep.Findings, string(console), "."),
		model.Finding{Rule: "vitest/test-failed", Severity: model.Blocker, File: "api.test.js", Message: "calls the API failed: Error: connect ECONNREFUSED 127.0.0.1:8080"})
	machineLacks(fs, KindVitest, "", reach.Machine{Unreachable: func(string) bool { return true }, NotInstalled: func(string) bool { return true }})
	f := fs[0]
	if f.Rule != "vitest/needs-service" || f.Severity != model.Medium || f.File != "db.test.js" ||
		f.Message != "test file stopped before its tests, something it needs is not reachable here: connect ECONNREFUSED 127.0.0.1:9; start what it needs, or keep the file out of the default run" {
		t.Errorf("%+v", f)
	}
	if fs[1].Rule != "vitest/test-failed" || fs[1].Severity != model.Blocker {
		t.Errorf("a failed test changed: %+v", fs[1])
	}
}

// A test that fails for want of an internet host this machine cannot reach
// either (captured from Jest 29.7 on Node 20: testdata/console/
// jest29-offline.source.js) needs the network: named by the message
// (getaddrinfo ENOTFOUND) or by the cause Jest printed under fetch's
// "fetch failed". Where the host answers, or nobody asked, and for a local
// server that refused, the failure is the test's.
func TestTestThatNeedsTheNetwork(t *testing.T) {
	report, console := captureIn(t, "jest29-offline")
	const tail = "; run it where it can, or keep it out of the default run"
	offline := []string{
		"jest/needs-service medium __tests__/download.test.js:10 downloads the release notes needs the network: downloads.preflight.invalid cannot be reached from here (Error: getaddrinfo ENOTFOUND downloads.preflight.invalid)" + tail,
		"jest/needs-service medium __tests__/download.test.js:15 fetches the release notes needs the network: downloads.preflight.invalid cannot be reached from here (TypeError: fetch failed (cause: getaddrinfo ENOTFOUND downloads.preflight.invalid))" + tail,
		"jest/test-failed blocker __tests__/download.test.js:19 asks the local server failed: Error: connect ECONNREFUSED 127.0.0.1:1",
	}
	online := []string{
		"jest/test-failed blocker __tests__/download.test.js:10 downloads the release notes failed: Error: getaddrinfo ENOTFOUND downloads.preflight.invalid",
		"jest/test-failed blocker __tests__/download.test.js:15 fetches the release notes failed: TypeError: fetch failed",
		offline[2],
	}
	for name, tc := range map[string]struct {
		unreachable func(string) bool
		want        []string
	}{
		"offline":   {func(h string) bool { return h == "downloads.preflight.invalid" }, offline},
		"reachable": {func(string) bool { return false }, online},
		"not known": {nil, online},
	} {
		rep, err := parseReport(KindJest, report, Location{Root: "/repo", Dir: "/repo"})
		if err != nil || rep.Failed != 3 || rep.Passed != 1 {
			t.Fatalf("report %+v, %v", rep, err)
		}
		turned := machineLacks(rep.Findings, KindJest, string(console), reach.Machine{Unreachable: tc.unreachable})
		var got []string
		for _, f := range rep.Findings {
			got = append(got, fmt.Sprintf("%s %s %s:%d %s", f.Rule, f.Severity, f.File, f.Line, f.Message))
		}
		if !reflect.DeepEqual(got, tc.want) || turned != (name == "offline") {
			t.Errorf("%s: turned %v\n got %q\nwant %q", name, turned, got, tc.want)
		}
	}
}

// A database that does not run is reported to the test running when the
// driver gives up; the next test in the file times out waiting on it
// (captured from Jest 27.5 with mongoose 5.11 and no MongoDB: testdata/
// console/jest27-mongo-down.source.js). Both need the service, and so does
// a request aborted in another file of the run, none of whose tests
// carried the refusal (TypeScript-Node-Starter's api.test.ts, some runs).
// Where MongoDB runs, the timeout is the test's; a failed assertion always
// is.
func TestTestsWaitingOnADatabaseThatIsDownNeedIt(t *testing.T) {
	report, console := captureIn(t, "jest27-mongo-down")
	const waited = "; it was waiting on MongoDB on 127.0.0.1:27017, which does not run here (GET /a › returns 200 in this file failed for it); start it as the project's CI or compose stack does, or keep it out of the default run"
	for name, tc := range map[string]struct {
		unreachable func(string) bool
		want        []string
	}{
		"down":    {func(h string) bool { return h == "127.0.0.1:27017" }, []string{"needs-service medium 3", "needs-service medium 4"}},
		"running": {func(string) bool { return false }, []string{"test-failed blocker 3", "test-failed blocker 4"}},
	} {
		rep, err := parseReport(KindJest, report, Location{Root: "/repo", Dir: "/repo"})
		if err != nil || rep.Failed != 2 || len(rep.Findings) != 2 {
			t.Fatalf("report %+v, %v", rep, err)
		}
		other := model.Finding{Rule: "jest/test-failed", Severity: model.Blocker, File: "test/api.test.js", Message: "GET /api › returns 200 failed: Error: aborted"}
		asserted := model.Finding{Rule: "jest/test-failed", Severity: model.Blocker, File: rep.Findings[1].File, Message: "GET /d › returns 200 failed: Error: expected 200 \"OK\", got 500 \"Internal Server Error\""}
		fs := append(rep.Findings, other, asserted)
		turned := machineLacks(fs, KindJest, string(console), reach.Machine{Unreachable: tc.unreachable})
		var got []string
		for _, f := range fs[:2] {
			got = append(got, fmt.Sprintf("%s %s %d", strings.TrimPrefix(f.Rule, "jest/"), f.Severity, f.Line))
		}
		if !reflect.DeepEqual(got, tc.want) || turned != (name == "down") {
			t.Errorf("%s: turned %v, got %q, want %q", name, turned, got, tc.want)
		}
		if name == "down" && (!strings.HasPrefix(fs[1].Message, "GET /b › returns 200 failed: Error: thrown: \"Exceeded timeout of 5000 ms") || !strings.HasSuffix(fs[1].Message, waited)) {
			t.Errorf("the waiting test's message: %q", fs[1].Message)
		}
		if fs[3] != asserted {
			t.Errorf("%s: a failed assertion changed: %+v", name, fs[3])
		}
		// The driver's error goes on over lines (errno, code, syscall):
		// the finding says it on one.
		if name == "down" && (strings.Contains(fs[0].Message, "\n") || !strings.Contains(fs[0].Message, "connect ECONNREFUSED 127.0.0.1:27017")) {
			t.Errorf("the refused test's message: %q", fs[0].Message)
		}
		const elsewhere = "GET /api › returns 200 failed: Error: aborted; it was waiting on MongoDB on 127.0.0.1:27017, which does not run here (GET /a › returns 200 in test/app.test.js failed for it); start it as the project's CI or compose stack does, or keep it out of the default run"
		if name == "down" && (fs[2].Rule != "jest/needs-service" || fs[2].Message != elsewhere) || name == "running" && fs[2] != other {
			t.Errorf("%s: the aborted request of another file: %+v", name, fs[2])
		}
	}
}

// A framework that retries its database in a beforeEach (@nestjs/typeorm,
// as nestjs-realworld's tag.controller.spec does) logs each refusal and
// never fails with it: the hook times out (Jest 25's "Async callback was
// not invoked"), and the test with it. The refusal is only in what the run
// printed (captured: testdata/console/jest25-console-refused.source.js);
// where nothing serves MySQL here, the test waited on it.
func TestATestWaitingOnADatabaseOnlyTheOutputNames(t *testing.T) {
	report, console := captureIn(t, "jest25-console-refused")
	for down, want := range map[bool]string{
		true:  "jest/needs-service medium src/db.spec.js:15",
		false: "jest/test-failed blocker src/db.spec.js:15",
	} {
		rep, err := parseReport(KindJest, report, Location{Root: "/repo", Dir: "/repo"})
		if err != nil || rep.Failed != 1 || len(rep.Findings) != 1 {
			t.Fatalf("report %+v, %v", rep, err)
		}
		machineLacks(rep.Findings, KindJest, string(console), reach.Machine{Unreachable: func(h string) bool { return down && h == "127.0.0.1:3306" }})
		f := rep.Findings[0]
		if got := fmt.Sprintf("%s %s %s:%d", f.Rule, f.Severity, f.File, f.Line); got != want {
			t.Errorf("MySQL down %v: %s, want %s", down, got, want)
		}
		if down && !strings.Contains(f.Message, "it was waiting on MySQL on 127.0.0.1:3306, which does not run here (the run's output says it refused the connection)") {
			t.Errorf("message %q", f.Message)
		}
	}
}

// A run whose every failure the machine explains (MongoDB not running)
// does not blame a missing .env: TypeScript-Node-Starter's setup copies
// .env.example, and its tests fail the same way with it.
func TestFailuresTheMachineExplainsDoNotBlameTheDotenv(t *testing.T) {
	report, console := captureIn(t, "jest27-mongo-down")
	root := fixturetest.WriteRepo(t, map[string]string{".env.example": "SESSION_SECRET=\n"})
	col := &Collector{id: "jest:.", dir: ".", run: runners[KindJest]}
	t.Cleanup(func() { thisMachine = reach.This })
	for down, hint := range map[bool]string{true: "", false: "the package has .env.example but no .env"} {
		thisMachine = func() reach.Machine { return reach.Machine{Unreachable: func(string) bool { return down }} }
		r, err := col.read(collectors.Input{Data: report, Stdout: console, ExitCode: 1, Root: root, Dir: root})
		if err != nil {
			t.Fatal(err)
		}
		if r.Facts["tests.failed"] != 2 || !strings.HasPrefix(r.Hint, hint) || (hint == "") != (r.Hint == "") {
			t.Errorf("MongoDB down %v: failed %v, hint %q", down, r.Facts["tests.failed"], r.Hint)
		}
	}
}

// A test that fails because a program it spawns is not installed here
// needs it; where it is installed, the failure is the test's.
func TestTestThatNeedsAMissingProgram(t *testing.T) {
	for installed, want := range map[bool]string{
		false: "vitest/needs-service medium creates a cluster needs kind, which is not installed here (Error: spawn kind ENOENT); install it, or keep it out of the default run",
		true:  "vitest/test-failed blocker creates a cluster failed: Error: spawn kind ENOENT",
	} {
		fs := []model.Finding{{Rule: "vitest/test-failed", Severity: model.Blocker, File: "k8s.test.ts", Message: "creates a cluster failed: Error: spawn kind ENOENT"}}
		machineLacks(fs, KindVitest, "", reach.Machine{NotInstalled: func(string) bool { return !installed }})
		if got := fmt.Sprintf("%s %s %s", fs[0].Rule, fs[0].Severity, fs[0].Message); got != want {
			t.Errorf("installed %v: %q, want %q", installed, got, want)
		}
	}
}

func TestConsoleCause(t *testing.T) {
	jest := "  ● api › fetches\n\n    TypeError: fetch failed\n\n    Cause:\n    getaddrinfo ENOTFOUND api.example.com\n\n  ● other\n\n    Cause:\n    connect ECONNREFUSED 127.0.0.1:1\n"
	vitest := " FAIL  src/api.test.ts > api > fetches\nTypeError: fetch failed\n ❯ src/api.test.ts:3:9\nCaused by: Error: getaddrinfo ENOTFOUND api.example.com\n"
	for _, tc := range []struct{ console, title, want string }{
		{jest, "api › fetches", "getaddrinfo ENOTFOUND api.example.com"},
		{jest, "other", "connect ECONNREFUSED 127.0.0.1:1"},
		{jest, "missing", ""},
		{vitest, "api > fetches", "Error: getaddrinfo ENOTFOUND api.example.com"},
		{vitest, "", ""},
	} {
		if got := consoleCause(tc.console, tc.title); got != tc.want {
			t.Errorf("consoleCause(%q) = %q, want %q", tc.title, got, tc.want)
		}
	}
}

// captureIn reads a runner's JSON report and console captured as
// testdata/console/NAME.json and NAME.txt.
func captureIn(t *testing.T, name string) (report, console []byte) {
	t.Helper()
	report, err := os.ReadFile(filepath.Join("testdata", "console", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	console, err = os.ReadFile(filepath.Join("testdata", "console", name+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	return report, console
}

// A file that cannot load a package's native addon (captured from Jest
// 29.7 with bcrypt 5.1.1 installed with --ignore-scripts) did not test the
// code: it is native-addon-not-built (medium), naming the package to
// rebuild, not a blocker of the project's.
func TestFileWhoseNativeAddonIsNotBuilt(t *testing.T) {
	report, err := os.ReadFile(filepath.Join("testdata", "console", "jest29-native-addon.json"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := parseReport(KindJest, report, Location{Root: "/repo", Dir: "/repo"})
	if err != nil || len(rep.Findings) != 1 || rep.SuitesFailed != 1 {
		t.Fatalf("report %+v, %v", rep, err)
	}
	if !machineLacks(rep.Findings, KindJest, "", reach.Machine{}) {
		t.Error("machineLacks says it turned nothing: the result would be reused after a rebuild")
	}
	f := rep.Findings[0]
	if f.Rule != "jest/native-addon-not-built" || f.Severity != model.Medium || f.File != "hash.test.js" ||
		!strings.HasPrefix(f.Message, "test file stopped before its tests, a native addon it loads is not built for this Node (rebuild it: npm rebuild bcrypt, or use a version that builds for this Node): Cannot find module 'node_modules/bcrypt/lib/binding/napi-v3/bcrypt_lib.node'") {
		t.Errorf("%+v", f)
	}
}

func TestNativePackageNamesTheAddonsPackage(t *testing.T) {
	for msg, want := range map[string]string{
		"Cannot find module '/r/node_modules/bcrypt/lib/binding/napi-v3/bcrypt_lib.node' from 'node_modules/bcrypt/bcrypt.js'":                                            "bcrypt",
		"The module '/r/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 108.": "better-sqlite3",
		"Could not locate the bindings file. Tried:\n → /r/node_modules/@scope/addon/build/addon.node\n at node_modules/bindings/bindings.js":                             "@scope/addon",
		"Cannot find module '/r/node_modules/a/node_modules/sharp/build/Release/sharp.node' from 'node_modules/a/index.js'":                                               "sharp",
		"Error: invalid ELF header": "",
	} {
		if got := nativePackage(msg); got != want {
			t.Errorf("nativePackage(%q) = %q, want %q", msg, got, want)
		}
	}
}

// Vitest that stops at start-up because its config fetches something the
// machine cannot reach (captured from Vitest 4.0.18 with CI=true, a
// plugin that rethrows a failed font fetch on CI, as unocss's web fonts
// preset does) measured nothing: unknown, with what was unreachable, not
// a blocker of the project's; a runner that stops on the project's own
// error stays broken.
func TestRunnerThatCannotReachAHostAtStartUpIsUnknown(t *testing.T) {
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", "console", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	col := &Collector{id: "vitest:.", dir: ".", run: runners[KindVitest]}
	r, err := col.read(collectors.Input{Stdout: read("vitest4-offline.txt"), Stderr: read("vitest4-offline.err"), ExitCode: 1, Root: "/repo", Dir: "/repo"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != model.StatusUnknown || r.Broken || len(r.Findings) != 0 ||
		!strings.Contains(r.Error, "vitest stopped before any test: something it needs is not reachable here (") ||
		!strings.Contains(r.Error, "getaddrinfo ENOTFOUND fonts.googleapis.invalid") || !strings.Contains(r.Hint, "CI=true") {
		t.Errorf("reading %+v", r)
	}
	broken, err := col.read(collectors.Input{Stderr: []byte("Error: Cannot find module './setup.ts'\n"), ExitCode: 1, Root: "/repo", Dir: "/repo"})
	if err != nil || !broken.Broken || broken.Status == model.StatusUnknown {
		t.Errorf("a runner stopped by the project: %+v, %v", broken, err)
	}
}
