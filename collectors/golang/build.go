package golang

import (
	"context"
	"os"

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

// Inputs include every .go file under the module (test files too: vet
// checks them) and the files that decide dependencies.
func (c *BuildCollector) Inputs() []string {
	return []string{c.mod.glob("**/*.go"), c.mod.glob("go.mod"), c.mod.glob("go.sum")}
}

// Run builds, then vets even when the build failed: vet still checks the
// packages that compile, and it type-checks test files, which go build
// never compiles.
func (c *BuildCollector) Run(ctx context.Context, req collectors.Request) model.Result {
	r := newRunner(c.ID(), c.Kind(), c.Domain(), c.mod, req)
	if res, missing := r.missingGo(); missing {
		return res
	}
	ctx, cancel := r.context(ctx)
	defer cancel()

	// A cold build compiles the standard library and every dependency
	// first, which takes minutes: the cockpit says so.
	req.Report("go build: compiling")
	buildCmd, build, err := r.run(ctx, 0, buildArgs()...)
	if err != nil {
		return r.interrupted(buildCmd, r.command(buildCmd), build, err)
	}
	req.Report("go vet")
	vetCmd, vet, err := r.run(ctx, 0, vetArgs()...)
	command := r.command(buildCmd, vetCmd)
	if err != nil {
		return r.interrupted(vetCmd, command, vet, err)
	}

	exit := build.ExitCode
	if exit == 0 {
		exit = vet.ExitCode
	}
	text := string(build.Stderr) + string(build.Stdout) + string(vet.Stderr)
	all := text + string(vet.Stdout)

	compile := ParseBuildOutput(append(append([]byte(nil), build.Stderr...), build.Stdout...), r.loc)
	if build.ExitCode != 0 && len(compile) == 0 {
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

	compile = mergeCompileErrors(compile, vetCompile)
	findings := r.finish(append(compile, diags...))
	return model.Result{
		Collector: r.id, Kind: r.kind, Domain: r.domain,
		Status:   model.StatusOK,
		Command:  command,
		ExitCode: exit,
		Facts: map[string]float64{
			"build.errors": float64(len(compile)),
			"vet.findings": float64(len(diags)),
		},
		Findings: findings,
		Output:   excerptOrSummary(evidence, "go build and go vet reported nothing"),
	}
}

// buildArgs compile every package. -o /dev/null because with a single
// main package go build ./... would leave a binary in the user's tree.
func buildArgs() []string { return []string{"build", "-o", os.DevNull, "./..."} }

// vetArgs ask for JSON, which names the analyzer of each diagnostic.
func vetArgs() []string { return []string{"vet", "-json", "./..."} }

// excerptOrSummary keeps the last lines of a tool's output as evidence, or
// says that there was none.
func excerptOrSummary(out, none string) string {
	if firstLine(out) == "" {
		return none
	}
	return excerpt(out)
}
