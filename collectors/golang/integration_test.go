package golang

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"
)

// requireGo skips when Go is missing, except in CI, where a missing tool
// must fail the run instead of hiding the tests.
func requireGo(t *testing.T) {
	t.Helper()
	fixturetest.RequireTools(t, "go")
}

// fixture detects the collectors of one fixture, using the fixture
// directory as the repository root.
func fixture(t *testing.T, name string) (root string, build, test collectors.Collector) {
	t.Helper()
	root = fixturetest.Testdata(t, name)
	cs := Detect(root, fixturetest.Files(t, root))
	if len(cs) != 2 {
		t.Fatalf("%s: detected %d collectors, want 2", name, len(cs))
	}
	return root, cs[0], cs[1]
}

func run(t *testing.T, c collectors.Collector, root string) model.Result {
	t.Helper()
	return c.Run(context.Background(), collectors.Request{Root: root, Mode: collectors.OneShot, Timeout: 5 * time.Minute})
}

// checkStamped asserts what every returned finding carries besides its
// location: who found it, the domain and a fingerprint.
func checkStamped(t *testing.T, c collectors.Collector, res model.Result) {
	t.Helper()
	ids := map[string]bool{}
	for _, f := range res.Findings {
		if f.Collector != c.ID() || f.Domain != c.Domain() || f.ID == "" {
			t.Errorf("finding not stamped: %+v", f)
		}
		if ids[f.ID] {
			t.Errorf("duplicate finding id %s", f.ID)
		}
		ids[f.ID] = true
	}
	if res.Collector != c.ID() || res.Kind != c.Kind() || res.Domain != c.Domain() {
		t.Errorf("result identity = %q %q %q", res.Collector, res.Kind, res.Domain)
	}
}

// fixtureRun is what one collector run on a fixture module must report.
type fixtureRun struct {
	fixture  string
	exit     int
	facts    map[string]float64
	findings []loc
	evidence string
	// machineBound: the result depends on what runs on this machine, so
	// it is never reused (a service that is not running, a failed test).
	machineBound bool
	// anyResolver: messages name the DNS server that was asked ("lookup
	// x on 10.0.0.53:53"), which is this machine's; it is not compared.
	anyResolver bool
}

var resolverAddr = regexp.MustCompile(` on \S+:53:`)

// check asserts res against want: status, exit code, facts, findings in
// order, the command shown, the evidence and the stamps.
func (want fixtureRun) check(t *testing.T, c collectors.Collector, res model.Result, command string) {
	t.Helper()
	if res.MachineBound != want.machineBound {
		t.Errorf("machine-bound %v, want %v", res.MachineBound, want.machineBound)
	}
	if res.Status != model.StatusOK {
		t.Fatalf("status %s: %s\n%s", res.Status, res.Error, res.Output)
	}
	if res.ExitCode != want.exit {
		t.Errorf("exit code = %d, want %d", res.ExitCode, want.exit)
	}
	if !reflect.DeepEqual(res.Facts, want.facts) {
		t.Errorf("facts = %v, want %v", res.Facts, want.facts)
	}
	got, wantFindings := locs(res.Findings), slices.Clone(want.findings)
	if want.anyResolver {
		for _, l := range [][]loc{got, wantFindings} {
			for i := range l {
				l[i].Message = resolverAddr.ReplaceAllString(l[i].Message, ":")
			}
		}
	}
	if !reflect.DeepEqual(got, wantFindings) {
		t.Errorf("findings:\n got %+v\nwant %+v", got, wantFindings)
	}
	if res.Command != command {
		t.Errorf("command = %q, want %q", res.Command, command)
	}
	if !strings.Contains(res.Output, want.evidence) {
		t.Errorf("output excerpt lacks %q:\n%s", want.evidence, res.Output)
	}
	checkStamped(t, c, res)
}

func TestBuildCollectorOnFixtures(t *testing.T) {
	requireGo(t)
	tests := []fixtureRun{
		{
			fixture: "broken", exit: 1, evidence: "vet: testonly/testonly_test.go:6:20",
			facts: map[string]float64{"build.errors": 3, "vet.findings": 0},
			findings: []loc{
				{model.Blocker, "compile", "bad/bad.go", 5, 13, "undefined: two"},
				{model.Blocker, "compile", "bad/bad.go", 9, 9, "cannot use 42 (untyped int constant) as string value in return statement"},
				{model.Blocker, "compile", "testonly/testonly_test.go", 6, 20, "cannot use Triple(2) (value of type int) as string value in variable declaration"},
			},
		},
		{
			// go vet -json exits 0 when it reports diagnostics.
			fixture: "vet", exit: 0, evidence: `"message": "fmt.Printf format %s has arg total of wrong type int"`,
			// printf is one of the analyzers go test runs itself: its
			// diagnostics fail the tests and are reported there, once.
			facts: map[string]float64{"build.errors": 0, "vet.findings": 1},
			findings: []loc{
				{model.High, "vet:unreachable", "report.go", 22, 2, "unreachable code"},
			},
		},
		{fixture: "clean", facts: map[string]float64{"build.errors": 0, "vet.findings": 0}, findings: []loc{}, evidence: "go build and go vet reported nothing"},
		{fixture: "tests", facts: map[string]float64{"build.errors": 0, "vet.findings": 0}, findings: []loc{}, evidence: "go build and go vet reported nothing"},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			t.Parallel()
			root, build, _ := fixture(t, tt.fixture)
			key := sha256.Sum256([]byte("example.com/fixture/" + tt.fixture + "\x00."))
			tt.check(t, build, run(t, build, root), "go build -o /dev/null ./...; go vet -json -printf.funcs=preflight:"+hex.EncodeToString(key[:4])+" ./...")
		})
	}
}

func TestTestCollectorOnFixtures(t *testing.T) {
	requireGo(t)
	// No Docker daemon answers, whatever this machine runs.
	t.Setenv("DOCKER_HOST", "unix://"+filepath.Join(t.TempDir(), "no-docker.sock"))
	tests := []fixtureRun{
		{
			fixture: "tests", exit: 1,
			facts:    map[string]float64{"tests.passed": 5, "tests.failed": 2, "tests.skipped": 1, "tests.build_failures": 0},
			findings: testsFixtureFindings,
			evidence: "--- FAIL: TestSub",
			// A failed test is run again, as go test runs it again.
			machineBound: true,
		},
		{
			fixture: "broken", exit: 1,
			facts: map[string]float64{"tests.passed": 1, "tests.failed": 0, "tests.skipped": 0, "tests.build_failures": 3},
			findings: []loc{
				{model.Blocker, "build-failed", "bad/bad.go", 5, 13, "undefined: two"},
				{model.Blocker, "build-failed", "bad/bad.go", 9, 9, "cannot use 42 (untyped int constant) as string value in return statement"},
				{model.Blocker, "build-failed", "testonly/testonly_test.go", 6, 20, "cannot use Triple(2) (value of type int) as string value in variable declaration"},
			},
			evidence: "[build failed]",
		},
		{
			fixture: "crash", exit: 1,
			facts: map[string]float64{"tests.passed": 2, "tests.failed": 2, "tests.skipped": 0, "tests.build_failures": 0},
			findings: []loc{
				{model.Blocker, "test-panic", "crash.go", 4, 0, "TestOutOfRange panicked: runtime error: index out of range [3] with length 1 [recovered, repanicked]"},
				{model.Blocker, "test-panic", "nested/nested.go", 7, 0, "TestLookup/absent panicked: missing key b [recovered, repanicked]"},
			},
			evidence:     "goroutine",
			machineBound: true,
		},
		{
			// go test runs part of vet before the tests, as `go test ./...`
			// does: a printf mistake fails the package (and, with Go 1.26,
			// also a package without tests).
			fixture: "vet", exit: 1,
			facts: map[string]float64{"tests.passed": 0, "tests.failed": 0, "tests.skipped": 0, "tests.build_failures": 2},
			findings: []loc{
				{model.Blocker, "build-failed", "notests/notests.go", 8, 22, "fmt.Sprintf format %s has arg n of wrong type int"},
				{model.Blocker, "build-failed", "report.go", 7, 22, "fmt.Sprintf format %s has arg count of wrong type int"},
				{model.Blocker, "build-failed", "report.go", 11, 21, "fmt.Printf format %s has arg total of wrong type int"},
			},
			evidence: "[build failed]",
		},
		{
			fixture: "clean", exit: 0,
			facts:    map[string]float64{"tests.passed": 1, "tests.failed": 0, "tests.skipped": 0, "tests.build_failures": 0},
			findings: []loc{},
			evidence: "ok  \texample.com/fixture/clean",
		},
		{
			// An integration suite whose service is not running here.
			fixture: "needsservice", exit: 1,
			facts: map[string]float64{"tests.passed": 1, "tests.failed": 2, "tests.skipped": 0, "tests.build_failures": 0},
			// Sorted by file, as every result is.
			findings:     []loc{needsServiceFindings[1], needsServiceFindings[3], needsServiceFindings[0], needsServiceFindings[2]},
			evidence:     "connection refused",
			machineBound: true,
		},
		{
			// A test that downloads from a host found nowhere.
			fixture: "offline", exit: 1,
			facts:        map[string]float64{"tests.passed": 1, "tests.failed": 2, "tests.skipped": 0, "tests.build_failures": 0},
			findings:     offlineFindings,
			evidence:     "no such host",
			machineBound: true,
			anyResolver:  true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			t.Parallel()
			root, _, test := fixture(t, tt.fixture)
			tt.check(t, test, run(t, test, root), "go test -json -timeout=4m30s ./...")
		})
	}
}

func TestTestCollectorReportsHangingTest(t *testing.T) {
	requireGo(t)
	t.Parallel()
	root, _, c := fixture(t, "hang")
	test := c.(*TestCollector)
	test.binaryTimeout = 2 * time.Second
	res := run(t, test, root)
	if res.Status != model.StatusOK {
		t.Fatalf("status %s: %s\n%s", res.Status, res.Error, res.Output)
	}
	want := []loc{{model.Blocker, "test-timeout", "hang_test.go", 11, 0, "TestForever did not finish: test timed out after 2s"}}
	if got := locs(res.Findings); !reflect.DeepEqual(got, want) {
		t.Errorf("findings:\n got %+v\nwant %+v", got, want)
	}
	if res.Facts["tests.failed"] != 1 || res.Facts["tests.passed"] != 1 {
		t.Errorf("facts = %v", res.Facts)
	}
	if !strings.Contains(res.Output, "panic: test timed out after 2s") {
		t.Errorf("output excerpt lacks the timeout panic:\n%s", res.Output)
	}
}

func TestCollectorsInSubdirectoryModule(t *testing.T) {
	// Locations are relative to the repository root, not the module, and
	// the command says where to run it.
	requireGo(t)
	t.Parallel()
	root := fixturetest.Testdata(t)
	cs := Detect(root, []string{"vet/go.mod", "vet/report.go"})
	if len(cs) != 2 || cs[0].ID() != "go:vet" {
		t.Fatalf("detected %v", cs)
	}
	res := run(t, cs[0], root)
	if res.Status != model.StatusOK || len(res.Findings) != 1 {
		t.Fatalf("status %s, %d findings: %s", res.Status, len(res.Findings), res.Error)
	}
	if got := res.Findings[0].Location(); got != "vet/report.go:22:2" {
		t.Errorf("location = %s, want vet/report.go:22:2", got)
	}
	if !strings.HasPrefix(res.Command, "cd vet && go build") {
		t.Errorf("command = %q", res.Command)
	}
}

func TestCollectorsWithoutGo(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	root, build, test := fixture(t, "clean")
	for _, c := range []collectors.Collector{build, test} {
		res := run(t, c, root)
		if res.Status != model.StatusUnknown {
			t.Errorf("%s: status %s, want unknown", c.ID(), res.Status)
		}
		if res.Hint != InstallHint {
			t.Errorf("%s: hint %q", c.ID(), res.Hint)
		}
		if len(res.Findings) != 0 || res.Facts != nil {
			t.Errorf("%s: evidence from a tool that did not run: %+v", c.ID(), res)
		}
	}
}

func TestCollectorsTimeOut(t *testing.T) {
	requireGo(t)
	root, build, test := fixture(t, "clean")
	for _, c := range []collectors.Collector{build, test} {
		res := c.Run(context.Background(), collectors.Request{Root: root, Timeout: time.Nanosecond})
		if res.Status != model.StatusUnknown || !strings.Contains(res.Error, "timed out") {
			t.Errorf("%s: status %s error %q, want unknown after a timeout", c.ID(), res.Status, res.Error)
		}
		if res.Command == "" {
			t.Errorf("%s: no command recorded", c.ID())
		}
	}
}

// go build and go vet share one timeout: when vet is the one cut short,
// the result says so and counts the time of both.
func TestBuildAndVetShareTheTimeout(t *testing.T) {
	bin := t.TempDir()
	fake := "#!/bin/sh\ncase \"$1\" in build) sleep 1 ;; *) sleep 30 ;; esac\n"
	if err := os.WriteFile(filepath.Join(bin, "go"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	root, build, _ := fixture(t, "clean")
	res := build.Run(context.Background(), collectors.Request{Root: root, Timeout: 3 * time.Second})
	if want := "go build and go vet did not finish in 3s together (go build took "; res.Status != model.StatusUnknown || !strings.HasPrefix(res.Error, want) {
		t.Errorf("status %s error %q, want it to start %q", res.Status, res.Error, want)
	}
	if res.Duration < 2500*time.Millisecond {
		t.Errorf("duration %s counts vet alone", res.Duration)
	}
}

func TestCollectorsCancelled(t *testing.T) {
	requireGo(t)
	root, build, test := fixture(t, "clean")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, c := range []collectors.Collector{build, test} {
		res := c.Run(ctx, collectors.Request{Root: root})
		if res.Status != model.StatusUnknown || !strings.Contains(res.Error, "cancelled") {
			t.Errorf("%s: status %s error %q, want unknown after cancel", c.ID(), res.Status, res.Error)
		}
	}
}

func TestCollectorsReportBrokenGoMod(t *testing.T) {
	// The go command refuses the module before compiling anything; it
	// names the go.mod line, so both collectors report it there.
	requireGo(t)
	t.Parallel()
	root := t.TempDir()
	fixturetest.WriteFiles(t, root, map[string]string{
		"go.mod": "module example.com/bad\n\ngo 1.22\n\nnonsense directive\n",
		"x.go":   "package x\n",
	})
	for _, c := range Detect(root, []string{"go.mod", "x.go"}) {
		res := run(t, c, root)
		if res.Status != model.StatusOK {
			t.Fatalf("%s: status %s: %s", c.ID(), res.Status, res.Error)
		}
		rule := map[string]string{"go": "compile", "go-test": "build-failed"}[c.Kind()]
		want := []loc{{model.Blocker, rule, "go.mod", 5, 0, "unknown directive: nonsense"}}
		if got := locs(res.Findings); !reflect.DeepEqual(got, want) {
			t.Errorf("%s findings:\n got %+v\nwant %+v", c.ID(), got, want)
		}
	}
}

func TestCollectorsUnreadableOutput(t *testing.T) {
	// A go that prints something else entirely (a broken wrapper, a
	// different tool of that name) must give an error with the evidence,
	// never a clean result.
	bin := t.TempDir()
	fixturetest.WriteFiles(t, bin, map[string]string{"go": "#!/bin/sh\necho 'wrapper: something unexpected happened'\nexit 2\n"})
	if err := os.Chmod(filepath.Join(bin, "go"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	root, build, test := fixture(t, "clean")
	for _, c := range []collectors.Collector{build, test} {
		res := run(t, c, root)
		if res.Status != model.StatusError {
			t.Errorf("%s: status %s, want error", c.ID(), res.Status)
		}
		if !strings.Contains(res.Output, "wrapper: something unexpected happened") || res.ExitCode != 2 {
			t.Errorf("%s: evidence missing: exit %d output %q", c.ID(), res.ExitCode, res.Output)
		}
		if len(res.Findings) != 0 {
			t.Errorf("%s: findings from unreadable output: %+v", c.ID(), res.Findings)
		}
	}
}

// t.Fatalf in a helper package prints only the file's base name; the
// finding names the helper's real file, not one in the test's package,
// and the test's package and where the test is declared, since other
// packages' tests share that line (pocketbase's tests/api.go:274).
func TestFailureInAHelperPackageIsPlacedInTheHelper(t *testing.T) {
	requireGo(t)
	t.Parallel()
	root := t.TempDir()
	fixturetest.WriteFiles(t, root, map[string]string{
		"go.mod":           "module example.com/h\n\ngo 1.22\n",
		"helper/helper.go": "package helper\n\nimport \"testing\"\n\nfunc Start(t *testing.T) {\n\tt.Fatalf(\"Starting database: timed out\")\n}\n",
		"pkg/pkg.go":       "package pkg\n",
		"pkg/pkg_test.go":  "package pkg\n\nimport (\n\t\"testing\"\n\n\t\"example.com/h/helper\"\n)\n\nfunc TestDB(t *testing.T) { helper.Start(t) }\n",
	})
	cs := Detect(root, []string{"go.mod"})
	res := run(t, cs[1], root)
	want := []loc{{model.Blocker, "test-failed", "helper/helper.go", 6, 0, "TestDB (example.com/h/pkg, TestDB at pkg/pkg_test.go:9) failed: Starting database: timed out"}}
	if got := locs(res.Findings); !reflect.DeepEqual(got, want) {
		t.Errorf("findings:\n got %+v\nwant %+v", got, want)
	}
}

// go test output larger than the capture keeps would give wrong counts:
// an error with what was read as evidence, never a pass.
func TestTestCollectorOutputBeyondTheCapture(t *testing.T) {
	bin := t.TempDir()
	fixturetest.WriteFiles(t, bin, map[string]string{"go": fmt.Sprintf(`#!/bin/sh
echo '{"Action":"pass","Package":"example.com/m","Test":"TestOne"}'
head -c %d /dev/zero | tr '\0' ' '
echo 'go: some note' >&2
`, testOutputCap+1024)})
	if err := os.Chmod(filepath.Join(bin, "go"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+":/usr/bin:/bin")
	root, _, test := fixture(t, "clean")
	res := run(t, test, root)
	if res.Status != model.StatusError || res.Error != "go test output exceeded the capture limit; counts would be incomplete" ||
		!strings.Contains(res.Output, "go: some note") || len(res.Findings) != 0 || res.Facts != nil {
		t.Errorf("status %s error %q facts %v output %q", res.Status, res.Error, res.Facts, res.Output)
	}
}

// Go caches vet's analysis of a package under one key whether the package
// was vetted as part of ./... or only as another module's dependency. The
// two modules' runs must not see each other's entries: lib's own finding
// is reported whichever module is vetted first, and never in app's result.
func TestVetResultsOfModulesThatImportEachOther(t *testing.T) {
	requireGo(t)
	for _, order := range [][]string{{"go:app", "go:lib"}, {"go:lib", "go:app", "go:lib"}} {
		t.Run(strings.Join(order, ","), func(t *testing.T) {
			// A fresh copy: its packages are new to Go's cache.
			root := t.TempDir()
			fixturetest.Copy(t, fixturetest.Testdata(t, "vetcache"), root)
			builds := map[string]collectors.Collector{}
			for _, c := range Detect(root, fixturetest.Files(t, root)) {
				if c.Kind() == "go" {
					builds[c.ID()] = c
				}
			}
			for _, id := range append(order, "go:app") {
				res := run(t, builds[id], root)
				var got []string
				for _, f := range res.Findings {
					got = append(got, f.Rule+" "+f.Location())
				}
				want := []string(nil)
				if id == "go:lib" {
					want = []string{"vet:composites lib/use/use.go:7:14"}
				}
				if res.Status != model.StatusOK || !reflect.DeepEqual(got, want) {
					t.Fatalf("%s after %v: status %s (%s), findings %q, want %q", id, order, res.Status, res.Error, got, want)
				}
			}
		})
	}
}

// A module the go command refuses to load before compiling anything (a
// dependency's go.mod hash missing from go.sum) is the project's blocker at
// its go.mod, with the whole error, not an error of preflight's.
func TestModuleThatDoesNotLoadIsABlockerAtGoMod(t *testing.T) {
	requireGo(t)
	t.Setenv("GOFLAGS", "-mod=readonly")
	root := fixturetest.Testdata(t, "gosum")
	checked := 0
	defer func() {
		if checked != 2 {
			t.Errorf("checked %d collectors of app, want go and go-test", checked)
		}
	}()
	for _, c := range Detect(root, fixturetest.Files(t, root)) {
		if !strings.HasSuffix(c.ID(), ":app") {
			continue
		}
		checked++
		res := run(t, c, root)
		rule := map[string]string{"go": "compile", "go-test": "build-failed"}[c.Kind()]
		if res.Status != model.StatusOK || len(res.Findings) != 1 {
			t.Fatalf("%s: status %s (%s), findings %+v", c.ID(), res.Status, res.Error, res.Findings)
		}
		f := res.Findings[0]
		if f.Severity != model.Blocker || f.Rule != rule || f.File != "app/go.mod" ||
			!strings.Contains(f.Message, "example.com/fixture/gosum/lib@v0.0.0 requires\n\tgolang.org/x/text@v0.14.0: missing go.sum entry for go.mod file") {
			t.Errorf("%s: finding %+v", c.ID(), f)
		}
	}
}

// A module without a test is green in go test, but nothing was checked:
// a medium finding at its go.mod says so.
func TestModuleWithoutTestsIsSaid(t *testing.T) {
	requireGo(t)
	t.Parallel()
	root := t.TempDir()
	fixturetest.WriteFiles(t, root, map[string]string{
		"users/go.mod":         "module example.com/users\n\ngo 1.22\n",
		"users/users.go":       "package users\n\n// Name is a user's name.\ntype Name string\n",
		"users/store/store.go": "package store\n\n// Store keeps users.\ntype Store struct{}\n",
	})
	var test collectors.Collector
	for _, c := range Detect(root, fixturetest.Files(t, root)) {
		if c.Kind() == "go-test" {
			test = c
		}
	}
	res := run(t, test, root)
	want := []loc{{model.Medium, "no-tests", "users/go.mod", 0, 0, "go test ran no test: no package of example.com/users has a test"}}
	if got := locs(res.Findings); res.Status != model.StatusOK || !reflect.DeepEqual(got, want) || res.Facts["tests.passed"] != 0 {
		t.Errorf("status %s (%s), facts %v, findings\n got %+v\nwant %+v", res.Status, res.Error, res.Facts, got, want)
	}
}

// A go.work workspace: app builds only with liba from the workspace, extra
// is left out of it and builds by its own go.mod (GOWORK=off, as go
// refuses to run there otherwise), tool too, reaching liba by a replace.
// What each module's build reads beyond itself is among its inputs, so an
// edit there (go.work dropping liba) is never answered by a reused result.
func TestWorkspaceModules(t *testing.T) {
	requireGo(t)
	root := fixturetest.Testdata(t, "workspace")
	for dir, want := range map[string]Workspace{
		"app":   {Modules: []string{"liba"}},
		"liba":  {Modules: []string{"app"}},
		"extra": {Outside: true},
		"tool":  {Modules: []string{"liba"}, Outside: true},
	} {
		ws := WorkspaceOf(root, dir)
		if !slices.Equal(ws.Modules, want.Modules) || ws.Outside != want.Outside ||
			!slices.Equal(ws.Files, []string{dir + "/go.work", dir + "/go.work.sum", "go.work", "go.work.sum"}) {
			t.Errorf("%s: workspace %+v, want %+v", dir, ws, want)
		}
	}
	byID := map[string]collectors.Collector{}
	for _, c := range Detect(root, fixturetest.Files(t, root)) {
		byID[c.ID()] = c
	}
	if in := byID["go:app"].Inputs(); !slices.Contains(in, "go.work") || !slices.Contains(in, "liba/**/*.go") {
		t.Errorf("go:app inputs %q lack the workspace", in)
	}
	for id, command := range map[string]string{
		"go:app": "cd app && go build", "go-test:app": "cd app && go test",
		"go:extra": "cd extra && GOWORK=off go build", "go-test:extra": "cd extra && GOWORK=off go test",
		"go:tool": "cd tool && GOWORK=off go build",
	} {
		r := run(t, byID[id], root)
		if r.Status != model.StatusOK || len(r.Findings) != 0 || !strings.HasPrefix(r.Command, command) {
			t.Errorf("%s: %s %q, %d findings (%+v), command %q", id, r.Status, r.Error, len(r.Findings), r.Findings, r.Command)
		}
		if strings.HasPrefix(id, "go-test:") && r.Facts["tests.passed"] != 1 {
			t.Errorf("%s: facts %v", id, r.Facts)
		}
	}
}

// go test runs as the project's own test rule runs it: its Makefile's
// -short keeps the test that sends mail out, and the evidence says why.
func TestTestCollectorRunsWithTheProjectsShortFlag(t *testing.T) {
	requireGo(t)
	t.Parallel()
	root, _, test := fixture(t, "short")
	res := run(t, test, root)
	if res.Status != model.StatusOK || res.Command != "go test -json -timeout=4m30s -short ./..." {
		t.Fatalf("status %s %s, command %q", res.Status, res.Error, res.Command)
	}
	if res.Facts["tests.passed"] != 1 || res.Facts["tests.skipped"] != 1 || res.Facts["tests.failed"] != 0 || len(res.Findings) != 0 {
		t.Errorf("facts %v, findings %v", res.Facts, res.Findings)
	}
	if !strings.HasPrefix(res.Output, "note: go test runs with -short, as the project's test rule does (Makefile:6)\n") {
		t.Errorf("output:\n%s", res.Output)
	}
}
