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

// Inputs are the Dockerfiles themselves; a new Dockerfile is a new
// detection, not a rerun.
func (c *Collector) Inputs() []string {
	out := make([]string, len(c.files))
	for i, f := range c.files {
		out[i] = collectors.EscapeGlob(f)
	}
	return out
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
		shown, n := run.Add(f, an.Findings)
		run.Evidence = append(run.Evidence, fmt.Sprintf("%s: %s, %s, %d suppressed",
			f, filerules.Plural(an.Stages, "stage"), filerules.Plural(shown, "finding"), n))
	}
	res := run.Result(c.id, Kind, Domain)
	res.Facts["dockerfiles"] = float64(parsed)
	res.Command = fmt.Sprintf("parsed %s in %s (preflight built-in rules)", filerules.Plural(len(c.files), "Dockerfile"), c.dir)
	return res
}
