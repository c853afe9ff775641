// Package govulncheck reports known vulnerabilities in Go modules with
// govulncheck: one collector per go.mod. Only vulnerabilities whose code is
// reachable from the module are high; imported-only ones are low, and ones
// in a required module that is not even imported are info. govulncheck
// -json exits 0 whether or not it finds anything, so the verdict comes from
// the stream, never from the exit code; an unreachable vulnerability
// database is unknown, never clean.
package govulncheck

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/modfile"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/golang"
	"github.com/preflight-dev/preflight/collectors/rules"
	"github.com/preflight-dev/preflight/internal/repofs"
	"github.com/preflight-dev/preflight/model"
)

const (
	// Kind is the collector kind; ids are "govulncheck:<module>".
	Kind = "govulncheck"
	// Domain is where vulnerabilities are scored.
	Domain = "security"
	// Tool is the executable looked up on PATH.
	Tool = "govulncheck"
	// InstallHint is shown when govulncheck is not on PATH and the module
	// does not provide it.
	InstallHint = "install govulncheck: go install golang.org/x/vuln/cmd/govulncheck@v1.8.0, or make it one of the module's tools: go get -tool golang.org/x/vuln/cmd/govulncheck"
	// ToolPackage is govulncheck's package, as a go.mod tool directive names it.
	ToolPackage = "golang.org/x/vuln/cmd/govulncheck"
	// DBEnv names a vulnerability database to use instead of vuln.go.dev,
	// e.g. a mirror on disk (file:///srv/vulndb) for machines offline.
	DBEnv = "GOVULNDB"
	// OfflineHint says how to get evidence when the database is unreachable.
	OfflineHint = "govulncheck needs its vulnerability database (vuln.go.dev): run online, set GOVULNDB to a local copy (file:///path), or import a SARIF report made in CI with govulncheck -format sarif"
)

var (
	RuleCalled = rules.Rule{
		ID: "govulncheck/called", Severity: model.High,
		Title:     "the code calls a function with a known vulnerability",
		Rationale: "govulncheck traced a call path from this module to the vulnerable symbol, so the vulnerability is reachable.",
		Fix:       "Upgrade the module to the fixed version (go get module@version) or stop calling the vulnerable function.",
		Reference: "Go vulnerability database (pkg.go.dev/vuln)",
	}
	RuleImported = rules.Rule{
		ID: "govulncheck/imported", Severity: model.Low,
		Title:     "a package with a known vulnerability is imported, but the vulnerable code is not called",
		Rationale: "Not reachable today; a new call can make it reachable without anyone noticing.",
		Fix:       "Upgrade the module to the fixed version when convenient.",
		Reference: "Go vulnerability database (pkg.go.dev/vuln)",
	}
	RuleRequired = rules.Rule{
		ID: "govulncheck/required", Severity: model.Info,
		Title:     "a required module has a known vulnerability in a package that is not imported",
		Rationale: "The vulnerable package is not built into this module; listed so the upgrade is not forgotten.",
		Fix:       "Upgrade the module to the fixed version when convenient.",
		Reference: "Go vulnerability database (pkg.go.dev/vuln)",
	}
)

// AllRules lists every rule the family reports, for the rule catalogue.
func AllRules() []rules.Rule { return []rules.Rule{RuleCalled, RuleImported, RuleRequired} }

// Detect returns one collector per go.mod that is not under vendor/ or
// testdata/ (the go command skips those too).
func Detect(root string, files []string) []collectors.Collector {
	var dirs []string
	for _, f := range files {
		if path.Base(f) == "go.mod" && !collectors.NotTheProjects(f) {
			dirs = append(dirs, path.Dir(f))
		}
	}
	sort.Strings(dirs)
	names := collectors.TargetNames(dirs)
	out := make([]collectors.Collector, 0, len(dirs))
	for _, d := range dirs {
		c := newCollector(d, Kind+":"+names[d])
		c.root, c.ws = root, golang.WorkspaceOf(root, d)
		out = append(out, c)
	}
	return out
}

// Collector runs govulncheck on one module: the govulncheck on PATH, else
// the one the module's go.mod names in its tool block (go tool govulncheck).
type Collector struct {
	collectors.Base
	dir  string // repo-relative module directory, "." at the root
	root string // the repository, for reading go.mod before a run
	ws   golang.Workspace
}

func newCollector(dir, id string) *Collector {
	return &Collector{Base: collectors.NewBase(id, Kind, Domain), dir: dir}
}

func (c *Collector) Cost() collectors.Cost { return collectors.CostBuild }

// Inputs: the dependency list, and the code, since a new call can make a
// vulnerability reachable; with the workspace's.
func (c *Collector) Inputs() []string {
	return append([]string{c.glob("go.mod"), c.glob("go.sum"), c.glob("**/*.go")}, c.ws.Inputs()...)
}

func (c *Collector) glob(p string) string {
	if c.dir == "." {
		return p
	}
	return c.dir + "/" + p
}

// rel makes a path inside the module repo-relative.
func (c *Collector) rel(p string) string {
	if c.dir == "." {
		return p
	}
	return c.dir + "/" + p
}

// Args are govulncheck's arguments: JSON output, over every package of the
// module, with the database from GOVULNDB when set.
func Args(db string) []string {
	args := []string{"-json"}
	if db != "" {
		args = append(args, "-db", db)
	}
	return append(args, "./...")
}

// Online is true: govulncheck reads the Go vulnerability database, whose answers change without any change here.
func (c *Collector) Online() bool { return true }

func (c *Collector) Run(ctx context.Context, req collectors.Request) model.Result {
	db := os.Getenv(DBEnv)
	if said, by, ago, down := outages.recent(db); down {
		return c.Unknown(fmt.Sprintf("vulnerability database unreachable: %s (%s found it %s ago; not asked again so soon)",
			said, by, ago.Round(time.Second)), OfflineHint)
	}
	res := c.run(ctx, req)
	if said, ok := strings.CutPrefix(res.Error, unreachablePrefix); ok && res.Status == model.StatusUnknown {
		outages.record(db, said, c.ID())
	}
	return res
}

func (c *Collector) run(ctx context.Context, req collectors.Request) model.Result {
	env := golang.WorkspaceOf(req.Root, c.dir).Env()
	inv := collectors.Invocation{Tool: "govulncheck", Dir: c.dir, Name: Tool, Args: Args(os.Getenv(DBEnv)), StartHint: InstallHint, Env: env, ShowEnv: env}
	read := c.Read
	if !onPath() && c.moduleTool(req.Root) != "" {
		inv.Name, inv.Args = "go", append([]string{"tool", Tool}, inv.Args...)
		read = func(in collectors.Input) (collectors.Reading, error) {
			if rd, failed := goToolFailure(in); failed {
				return rd, nil
			}
			return c.Read(in)
		}
	}
	return c.RunTool(ctx, req, collectors.Tool{Invocation: inv, InstallHint: InstallHint, Read: read})
}

// goToolFailure reads a go tool run that never started govulncheck: go
// could not build it (a download failed). Nothing was checked, and the
// vulnerability database is not to blame.
func goToolFailure(in collectors.Input) (collectors.Reading, bool) {
	msg := strings.TrimSpace(string(in.Stderr))
	if in.ExitCode == 0 || !strings.HasPrefix(msg, "go: ") {
		return collectors.Reading{}, false
	}
	why := firstLine(msg)
	for _, l := range strings.Split(msg, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "go: downloading ") {
			why = l
			break
		}
	}
	return collectors.Reading{Status: model.StatusUnknown, Error: "go could not build the govulncheck of go.mod's tool block: " + why,
		Hint: "go downloads it once: run online (go mod download), or install govulncheck on PATH"}, true
}

func onPath() bool {
	_, err := exec.LookPath(Tool)
	return err == nil
}

// moduleTool is the version of golang.org/x/vuln the module's go.mod
// requires when its tool block names govulncheck ("" when it does not):
// then `go tool govulncheck` builds and runs that version.
func (c *Collector) moduleTool(root string) string {
	data, err := repofs.ReadFile(root, filepath.Join(root, filepath.FromSlash(c.dir), "go.mod"))
	if err != nil {
		return ""
	}
	f, err := modfile.Parse("go.mod", data, nil)
	if err != nil {
		return ""
	}
	for _, t := range f.Tool {
		if t.Path != ToolPackage {
			continue
		}
		for _, r := range f.Require {
			if r.Mod.Path == "golang.org/x/vuln" {
				return r.Mod.Version
			}
		}
		return "(version not required)"
	}
	return ""
}

// Precheck answers at once, without waiting for a slot or for trust, when
// there is no govulncheck to run: none on PATH, none among the module's
// tools.
func (c *Collector) Precheck(root string) (model.Result, bool) {
	if onPath() || c.moduleTool(root) != "" {
		return model.Result{}, false
	}
	return c.Unknown(Tool+" is not on PATH, and "+c.rel("go.mod")+" does not list it among its tools", InstallHint), true
}

// RepoCode: the govulncheck on PATH is the user's; one the module's go.mod
// pins is built from the module graph the repository chose (its replace
// directives included), so it waits for trust like the module's tests.
func (c *Collector) RepoCode() string {
	if onPath() {
		return ""
	}
	if v := c.moduleTool(c.root); v != "" {
		return "go tool govulncheck (golang.org/x/vuln " + v + ", from the tool block of " + c.rel("go.mod") + ")"
	}
	return ""
}

// Read reads one govulncheck run with the module's go.mod, which places
// findings that have no call site on the require line.
func (c *Collector) Read(in collectors.Input) (collectors.Reading, error) {
	gomod, _ := repofs.ReadFile(in.Root, filepath.Join(in.Dir, "go.mod"))
	return c.read(in, gomod)
}

const unreachablePrefix = "vulnerability database unreachable: "

// outageWindow is how long a database govulncheck could not reach is
// taken to be down: the other modules of a repository (gofiber/recipes
// has 90) would each load their packages for minutes to hear it again.
const outageWindow = 2 * time.Minute

// outages remembers, by database (the -db given, "" for the default),
// when govulncheck last could not reach it, what it said and which
// collector heard it.
var outages = &outageLog{}

type outageLog struct {
	mu   sync.Mutex
	last map[string]outage
}

type outage struct {
	at       time.Time
	said, by string
}

func (l *outageLog) record(db, said, by string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.last == nil {
		l.last = map[string]outage{}
	}
	l.last[db] = outage{time.Now(), said, by}
}

// recent is the outage of db heard within outageWindow, if any.
func (l *outageLog) recent(db string) (said, by string, ago time.Duration, down bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	o, ok := l.last[db]
	if ago = time.Since(o.at); !ok || ago > outageWindow {
		return "", "", 0, false
	}
	return o.said, o.by, ago, true
}

// dbFailure recognises govulncheck's messages for a database it could not
// reach or read.
func dbFailure(stderr string) bool {
	s := strings.ToLower(stderr)
	for _, m := range []string{"fetching vulnerabilities", "creating client", "vuln.go.dev", "dial tcp",
		"no such host", "connection refused", "unrecognized vulndb format", "i/o timeout", "tls handshake"} {
		if strings.Contains(s, m) {
			return true
		}
	}
	return false
}

// read turns one govulncheck run into a reading: its exit code, its JSON
// stream and its stderr.
func (c *Collector) read(in collectors.Input, gomod []byte) (collectors.Reading, error) {
	msg := strings.TrimSpace(string(in.Stderr))
	// -json exits 0 with or without findings; 3 is text mode's "found
	// some", accepted in case a wrapper asks for it.
	if in.ExitCode != 0 && in.ExitCode != 3 {
		if strings.Contains(msg, "loading packages") {
			// The module does not load or build: its go collector reports
			// why, as the project's; govulncheck measured nothing.
			return collectors.Reading{Status: model.StatusUnknown, Error: "govulncheck could not load the module's packages: " + loadError(msg),
				Hint: "make the module build first: " + collectors.InDir(c.dir, "go build ./...") + " says why (so does this module's go collector)"}, nil
		}
		if dbFailure(msg) {
			return collectors.Reading{Status: model.StatusUnknown, Error: unreachablePrefix + firstLine(msg), Hint: OfflineHint}, nil
		}
		return collectors.Reading{}, fmt.Errorf("govulncheck exited %d: %s", in.ExitCode, firstLine(msg))
	}
	stream, err := ParseStream(in.Data)
	if err != nil {
		return collectors.Reading{}, err
	}
	vulns := stream.Vulns(modulePath(gomod))
	counts := map[Level]int{}
	var findings []model.Finding
	for _, v := range vulns {
		counts[v.Level]++
		findings = append(findings, c.finding(v, gomod))
	}
	return collectors.Reading{
		Findings: findings,
		Facts: map[string]float64{
			"vulns":          float64(len(vulns)),
			"vulns.called":   float64(counts[Called]),
			"vulns.imported": float64(counts[Imported]),
			"vulns.required": float64(counts[Required]),
		},
		Output: summary(stream, vulns),
	}, nil
}

// loadError is what the go command said when govulncheck loaded the
// packages ("…loading packages: err: exit status 1: stderr: go: x requires
// …"): from its "go: " on; else the packages did not compile (the excerpt
// shows the errors).
func loadError(stderr string) string {
	if i := strings.Index(stderr, "go: "); i >= 0 {
		return strings.TrimSpace(stderr[i:])
	}
	return "the packages do not compile"
}

// finding places a vulnerability: at its first call site when called,
// otherwise on the go.mod line that requires the module.
func (c *Collector) finding(v Vuln, gomod []byte) model.Finding {
	title := v.ID
	if v.Entry != nil {
		if cve := firstCVE(v.Entry.Aliases); cve != "" {
			title += " (" + cve + ")"
		}
		if v.Entry.Summary != "" {
			title += ": " + v.Entry.Summary
		}
	}
	mods := v.Modules
	if len(mods) == 0 {
		mods = []ModuleFix{{v.Module, v.Version, v.FixedVersion}}
	}
	var found []string
	for _, m := range mods {
		found = append(found, moduleFix(m))
	}
	msg := title + "\n" + strings.Join(found, "; ") + "."
	var f model.Finding
	switch v.Level {
	case Called:
		var sites []string
		for _, s := range v.Calls {
			sites = append(sites, fmt.Sprintf("%s:%d %s → %s", c.rel(s.File), s.Line, s.Caller, s.Symbol))
		}
		msg += "\nCalled from " + strings.Join(sites, "; ")
		f = RuleCalled.Finding("", 0, 0, msg)
		if len(v.Calls) > 0 {
			f.File, f.Line, f.Column = c.rel(v.Calls[0].File), v.Calls[0].Line, v.Calls[0].Column
		}
	case Imported:
		msg += "\nImports " + strings.Join(v.Packages, ", ") + " without calling the vulnerable code."
		f = RuleImported.Finding("", 0, 0, msg)
	default:
		msg += "\nRequired; the vulnerable packages are not imported."
		f = RuleRequired.Finding("", 0, 0, msg)
	}
	if f.File == "" {
		f.File = c.rel("go.mod")
		f.Line = requireLine(gomod, v.Module)
	}
	return f
}

// moduleFix says where a vulnerability is found and what fixes it, as
// govulncheck's text does: the standard library by Go's version
// (go1.26.8, fixed in go1.26.9), which a toolchain upgrade fixes.
func moduleFix(m ModuleFix) string {
	name, version, fixed := m.Module, m.Version, m.FixedVersion
	if m.Module == stdlib || m.Module == "toolchain" {
		name, version, fixed = "the standard library", goVersion(version), goVersion(fixed)
		if version != "" {
			name += " " + version
		}
	} else if version != "" {
		name += "@" + version
	}
	if fixed == "" {
		return name + ", no fixed version yet"
	}
	return name + ", fixed in " + fixed
}

// stdlib is the module path govulncheck gives the standard library.
const stdlib = "stdlib"

// goVersion writes a Go release's semantic version (v1.26.8) as Go names
// it (go1.26.8).
func goVersion(v string) string {
	if rest, ok := strings.CutPrefix(v, "v"); ok {
		return "go" + rest
	}
	return v
}

func firstCVE(aliases []string) string {
	for _, a := range aliases {
		if strings.HasPrefix(a, "CVE-") {
			return a
		}
	}
	if len(aliases) > 0 {
		return aliases[0]
	}
	return ""
}

// requireLine is the go.mod line naming module (the go directive for the
// standard library), or 0.
func requireLine(gomod []byte, module string) int {
	for i, line := range strings.Split(string(gomod), "\n") {
		f := strings.Fields(line)
		if module == "stdlib" || module == "toolchain" {
			if len(f) >= 2 && f[0] == "go" {
				return i + 1
			}
			continue
		}
		for j, w := range f {
			if w == module && (j == 0 || f[0] == "require" || f[0] == "replace") {
				return i + 1
			}
		}
	}
	return 0
}

// modulePath reads the module directive of a go.mod.
func modulePath(gomod []byte) string {
	for _, line := range strings.Split(string(gomod), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "module" {
			return strings.Trim(f[1], "\"`")
		}
	}
	return ""
}

func summary(s Stream, vulns []Vuln) string {
	var b strings.Builder
	db := "?"
	if s.Config != nil {
		db = s.Config.DB
		fmt.Fprintf(&b, "govulncheck %s, database %s, scan level %s\n", s.Config.ScannerVersion, db, s.Config.ScanLevel)
	}
	if len(vulns) == 0 {
		b.WriteString("no known vulnerabilities affect this module\n")
	}
	for _, v := range vulns {
		fmt.Fprintf(&b, "%s %s %s@%s\n", v.Level, v.ID, v.Module, v.Version)
	}
	return strings.TrimRight(b.String(), "\n")
}

// firstLine names a failed run by what it said first; a run that said
// nothing says so, so the error never ends in a bare colon.
func firstLine(s string) string {
	return cmp.Or(collectors.FirstLine(s), "(no message)")
}
