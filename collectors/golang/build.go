package golang

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/model"
)

// BuildCollector runs `go build` and `go vet` on every package of one
// module. Compile errors are blockers; vet diagnostics are high.
type BuildCollector struct {
	mod module
}

func (c *BuildCollector) ID() string     { return "go:" + c.mod.name }
func (c *BuildCollector) Kind() string   { return "go" }
func (c *BuildCollector) Domain() string { return "build" }

func (c *BuildCollector) Cost() collectors.Cost { return collectors.CostBuild }

// Group: go build and go test of one module compile the same packages;
// one after the other, the second reuses what the first built.
func (c *BuildCollector) Group() string { return moduleGroup(c.mod) }

// Inputs include every .go file under the module (test files too: vet
// checks them) and the files that decide dependencies.
func (c *BuildCollector) Inputs() []string {
	return append(append(c.mod.sources(), c.mod.ws.Inputs()...), c.mod.embeds.globs()...)
}

// Outputs are where the embedded files are: git may ignore them (a UI's
// build output), and a build that rewrites them changes what compiles.
func (c *BuildCollector) Outputs() []string { return c.mod.embeds.outputs() }

// Run builds, then vets even when the build failed: vet still checks the
// packages that compile, and it type-checks test files, which go build
// never compiles.
func (c *BuildCollector) Run(ctx context.Context, req collectors.Request) model.Result {
	c.mod.embeds.refresh()
	r := newRunner(c.ID(), c.Kind(), c.Domain(), c.mod, req)
	if res, missing := r.missingGo(); missing {
		return res
	}
	ctx, cancel := r.context(ctx)
	defer cancel()

	// A cold build compiles the standard library and every dependency
	// first, which takes minutes: the cockpit says so.
	req.Report("go build: compiling")
	command := r.command(buildArgs(), vetArgs(r.vetKey()))
	ranBuild, stopped := r.run(ctx, r.command(buildArgs()), 0, nil, buildArgs()...)
	if stopped != nil {
		return *stopped
	}
	req.Report("go vet")
	ranVet, stopped := r.run(ctx, command, 0, nil, vetArgs(r.vetKey())...)
	if stopped != nil {
		// The two share one timeout: say so, and count both.
		stopped.Duration += ranBuild.Out.Duration
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			timeout := req.Timeout
			if timeout <= 0 {
				timeout = collectors.DefaultTimeout
			}
			stopped.Error = fmt.Sprintf("go build and go vet did not finish in %s together (go build took %s)",
				timeout, ranBuild.Out.Duration.Round(time.Second))
		}
		return *stopped
	}
	build, vet := ranBuild.Out, ranVet.Out

	exit := build.ExitCode
	if exit == 0 {
		exit = vet.ExitCode
	}
	text := string(build.Stderr) + string(build.Stdout) + string(vet.Stderr)
	all := text + string(vet.Stdout)

	compile := ParseBuildOutput(append(append([]byte(nil), build.Stderr...), build.Stdout...), r.loc)
	if rd, ok := downloadFailure(compile); ok {
		return r.loaded(rd, command, build.ExitCode, all)
	}
	if build.ExitCode != 0 && len(compile) == 0 {
		if rd, ok := loadFailure(text, RuleCompile, r.loc.goMod()); ok {
			return r.loaded(rd, command, build.ExitCode, all)
		}
		return r.failed(command, build.ExitCode,
			"go build failed without a diagnostic preflight could read: "+firstLine(string(build.Stderr)+string(build.Stdout)),
			all)
	}
	vetOut, vetErr := ParseVetOutput(vet.Stdout, r.loc)
	vetText, textErr := ParseVetOutput(vet.Stderr, r.loc)
	if vetErr == nil {
		vetErr = textErr
	}
	if vetErr != nil {
		return r.failed(command, exit, vetErr.Error(), all)
	}
	diags := append(vetOut.Diagnostics, vetText.Diagnostics...)
	vetCompile := append(vetOut.CompileErrors, vetText.CompileErrors...)
	if vet.ExitCode != 0 && len(diags)+len(vetCompile) == 0 {
		return r.failed(command, exit,
			"go vet failed without a diagnostic preflight could read: "+firstLine(string(vet.Stderr)+string(vet.Stdout)),
			all)
	}
	// vet's JSON is evidence only when it holds diagnostics; otherwise it
	// is a "{}" per package.
	evidence := text
	if len(vetOut.Diagnostics) > 0 {
		evidence = all
	}

	diags = leaveToGoTest(req.Root, goTestVetsEveryPackage(ranVet.Dir), diags)
	compile = mergeCompileErrors(compile, vetCompile)
	explainEmbedMisses(req.Root, compile)
	findings := r.finish(append(compile, diags...))
	res := r.Result()
	res.Status, res.Command, res.ExitCode = model.StatusOK, command, exit
	res.Facts = map[string]float64{
		"build.errors": float64(len(compile)),
		"vet.findings": float64(len(diags)),
	}
	res.Findings = findings
	res.Output = excerptOrSummary(evidence, "go build and go vet reported nothing")
	return res
}

// loaded is the result of a build the go command stopped before compiling
// (a go.sum entry missing, no network): nothing was vetted either.
func (r runner) loaded(rd collectors.Reading, command string, exit int, output string) model.Result {
	res := r.Result()
	if rd.Status == model.StatusUnknown {
		res = r.Unknown(rd.Error, rd.Hint)
	} else {
		res.Status = model.StatusOK
		res.Findings = r.finish(rd.Findings)
		res.Facts = map[string]float64{"build.errors": float64(len(rd.Findings)), "vet.findings": 0}
	}
	res.Command, res.ExitCode, res.Output = command, exit, excerpt(output)
	return res
}

// buildArgs compile every package. -o /dev/null because with a single
// main package go build ./... would leave a binary in the user's tree.
func buildArgs() []string { return []string{"build", "-o", os.DevNull, "./..."} }

// vetArgs ask for JSON, which names the analyzer of each diagnostic.
//
// module keeps this module's vet results apart in Go's cache. go vet
// caches each package's analysis under a key of the package and vet's
// flags, the same whether the package was vetted as one of ./... (its
// diagnostics printed and cached) or only as a dependency of another
// module (facts only, nothing printed). A later run hitting the other
// kind of entry prints the wrong thing: nothing for this module's own
// package, or a dependency's diagnostics in another module's output. The
// -printf.funcs value names no function (it cannot be an identifier), so
// it changes no analysis, only the key. "" gives the plain command.
func vetArgs(module string) []string {
	if module == "" {
		return []string{"vet", "-json", "./..."}
	}
	return []string{"vet", "-json", "-printf.funcs=preflight:" + module, "./..."}
}

// vetKey is what keeps this module's vet results apart: a short digest of
// its module path and directory, the same in every clone. Short, because
// a long path in a command would be masked as a possible token.
func (r runner) vetKey() string {
	sum := sha256.Sum256([]byte(r.loc.Path + "\x00" + r.mod.dir))
	return hex.EncodeToString(sum[:4])
}

// excerptOrSummary keeps the last lines of a tool's output as evidence, or
// says that there was none.
func excerptOrSummary(out, none string) string {
	if firstLine(out) == "" {
		return none
	}
	return excerpt(out)
}

// goTestVet are the analyzers go test itself runs before a package's tests
// (go help test): a diagnostic of theirs fails that package's tests, and
// the go-test collector reports it there as a blocker.
var goTestVet = map[string]bool{
	"atomic": true, "bool": true, "buildtags": true, "directive": true, "errorsas": true,
	"ifaceassert": true, "nilfunc": true, "printf": true, "stringintconv": true, "tests": true,
}

// leaveToGoTest drops the vet diagnostics that go test reports for the same
// package, so one mistake is not counted twice: those of go test's
// analyzers in every package when go test vets packages without tests too
// (Go 1.26 does), else in packages that have test files.
func leaveToGoTest(root string, vetsAll bool, diags []model.Finding) []model.Finding {
	hasTests := map[string]bool{}
	kept := diags[:0]
	for _, d := range diags {
		dir := path.Dir(d.File)
		if _, seen := hasTests[dir]; !seen {
			tests, _ := filepath.Glob(filepath.Join(root, filepath.FromSlash(dir), "*_test.go"))
			hasTests[dir] = len(tests) > 0
		}
		if (vetsAll || hasTests[dir]) && goTestVet[strings.TrimPrefix(d.Rule, "vet:")] {
			continue
		}
		kept = append(kept, d)
	}
	return kept
}

// goTestVetsEveryPackage reports whether the go on PATH vets packages that
// have no test files when it tests them, as Go 1.26 does.
func goTestVetsEveryPackage(dir string) bool {
	cmd := exec.Command(goTool, "env", "GOVERSION")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return false
	}
	v := strings.TrimPrefix(strings.TrimSpace(string(out)), "go")
	major, minor, _ := strings.Cut(v, ".")
	minor, _, _ = strings.Cut(minor, ".")
	m, err1 := strconv.Atoi(major)
	if i := strings.IndexFunc(minor, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
		minor = minor[:i] // go1.27rc1
	}
	n, err2 := strconv.Atoi(minor)
	return err1 == nil && err2 == nil && (m > 1 || m == 1 && n >= 26)
}
