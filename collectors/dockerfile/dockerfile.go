// Package dockerfile checks Dockerfiles against deployment rules drawn from
// the CIS Docker Benchmark and the OWASP Docker Security Cheat Sheet: root
// user, unpinned base images, missing HEALTHCHECK, ADD for local files,
// secrets in ENV/ARG, apt hygiene, sudo and curl | sh. Files are read with
// BuildKit's own parser, so a Dockerfile docker build rejects is a blocker
// at its line with the parser's message.
//
// One collector covers the Dockerfiles of one directory, including those
// that compose services build from unconventional names.
package dockerfile

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/deployfiles"
	"github.com/preflight-dev/preflight/collectors/filerules"
	"github.com/preflight-dev/preflight/internal/repofs"
	"github.com/preflight-dev/preflight/model"
)

const (
	Kind   = "dockerfile"
	Domain = "deployment"
)

// Detect returns one collector per directory holding Dockerfiles: files
// named like one (Dockerfile, Dockerfile.*, *.Dockerfile, Containerfile)
// and those that compose files in the tree build, whatever their name.
// A compose build's Dockerfile is checked on disk, since it may live in a
// directory the file list leaves out.
func Detect(root string, files []string) []collectors.Collector {
	var found []string
	for _, f := range files {
		if deployfiles.IsDockerfile(path.Base(f)) {
			found = append(found, f)
		}
	}
	for _, f := range files {
		if !deployfiles.IsComposeFile(path.Base(f)) {
			continue
		}
		src, err := repofs.ReadFile(root, f)
		if err != nil {
			continue
		}
		for _, b := range deployfiles.ComposeBuilds(f, src) {
			if st, err := os.Stat(filepath.Join(root, filepath.FromSlash(b.Dockerfile))); err == nil && st.Mode().IsRegular() {
				found = append(found, b.Dockerfile)
			}
		}
	}
	var out []collectors.Collector
	for _, t := range filerules.Targets(root, Kind, found) {
		out = append(out, &Collector{id: t.ID, dir: t.Dir, files: t.Files})
	}
	return out
}

// Collector checks the Dockerfiles of one directory.
type Collector struct {
	id    string
	dir   string
	files []string // repo-relative
}

func (c *Collector) ID() string            { return c.id }
func (c *Collector) Cost() collectors.Cost { return collectors.CostFiles }
func (c *Collector) Kind() string          { return Kind }
func (c *Collector) Domain() string        { return Domain }
func (c *Collector) Files() []string       { return c.files }

// Inputs are the Dockerfiles (a new one is a new detection, not a rerun),
// and what decides whether a .env reaches their build context: the
// .dockerignore files, a .env and the examples that show one is kept.
func (c *Collector) Inputs() []string {
	var out []string
	for _, f := range c.files {
		dir := collectors.EscapeGlob(path.Dir(f)) + "/"
		if path.Dir(f) == "." {
			dir = ""
		}
		out = append(out, collectors.EscapeGlob(f), collectors.EscapeGlob(f)+".dockerignore", dir+".dockerignore", dir+".env")
		for _, ex := range deployfiles.DotenvExamples {
			out = append(out, dir+ex)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (c *Collector) Run(ctx context.Context, req collectors.Request) model.Result {
	run := filerules.New(req.Root)
	parsed := 0
	for _, f := range c.files {
		if err := ctx.Err(); err != nil {
			return model.Unknown(c.id, Kind, Domain, "cancelled: "+err.Error(), "")
		}
		src, ok := run.Read(f)
		if !ok {
			continue
		}
		an, err := Analyze(f, src)
		if err != nil {
			line, msg := 0, err.Error()
			var pe *ParseError
			if errors.As(err, &pe) {
				line, msg = pe.Line, pe.Msg
			}
			run.Invalid(RuleInvalid, f, line, 0, msg)
			continue
		}
		parsed++
		if len(an.ContextCopies) > 0 {
			if why := envInContext(req.Root, f); why != "" {
				line := an.ContextCopies[0]
				an.Findings = append(an.Findings, RuleEnvInImage.Finding(f, line, 0,
					fmt.Sprintf("%s copies the whole build context (%s), and %s: a developer's .env goes into the image with its secrets",
						filerules.Clip(strings.TrimSpace(lineOf(src, line)), 40), contextName(path.Dir(f)), why)))
			}
		}
		shown, n := run.Add(f, an.Findings)
		run.Evidence = append(run.Evidence, fmt.Sprintf("%s: %s, %s, %d suppressed",
			f, filerules.Plural(an.Stages, "stage"), filerules.Plural(shown, "finding"), n))
	}
	res := run.Result(c.id, Kind, Domain)
	res.Facts["dockerfiles"] = float64(parsed)
	res.Command = fmt.Sprintf("parsed %s in %s (preflight built-in rules)", filerules.Plural(len(c.files), "Dockerfile"), c.dir)
	return res
}

// lineOf is line n (1-based) of src, "" when there is none.
func lineOf(src []byte, n int) string {
	lines := strings.Split(string(src), "\n")
	if n < 1 || n > len(lines) {
		return ""
	}
	return lines[n-1]
}

func contextName(dir string) string {
	if dir == "." {
		return "the repository root, as docker build . takes it"
	}
	return dir + ", as docker build " + dir + " takes it"
}
