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
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/deployfiles"
	"github.com/preflight-dev/preflight/collectors/filerules"
	"github.com/preflight-dev/preflight/collectors/workflows"
	"github.com/preflight-dev/preflight/model"
)

const (
	Kind   = "dockerfile"
	Domain = "deployment"
)

// Detect returns one collector per directory holding Dockerfiles: files
// named like one (Dockerfile, Dockerfile.*, *.Dockerfile, Containerfile)
// and those that the project's compose files and build commands build,
// whatever their name. Such a Dockerfile is checked on disk, since it may
// live in a directory the file list leaves out.
func Detect(root string, files []string) []collectors.Collector {
	var found []string
	composeFiles := false
	for _, f := range files {
		switch base := path.Base(f); {
		case deployfiles.IsDockerfile(base):
			found = append(found, f)
		case deployfiles.IsComposePath(f):
			composeFiles = true
		}
	}
	if len(found) == 0 && !composeFiles {
		return nil // nothing builds an image: no need to read how
	}
	builds := projectBuilds(root, files)
	for _, f := range slices.Sorted(maps.Keys(builds)) {
		if st, err := os.Stat(filepath.Join(root, filepath.FromSlash(f))); err == nil && st.Mode().IsRegular() {
			found = append(found, f)
		}
	}
	var out []collectors.Collector
	for _, t := range filerules.Targets(root, Kind, found) {
		c := &Collector{id: t.ID, dir: t.Dir, files: t.Files, builds: map[string][]buildContext{}}
		for _, f := range t.Files {
			for _, b := range builds[f] {
				c.builds[f] = append(c.builds[f], b)
				c.sources = append(c.sources, b.file)
			}
		}
		slices.Sort(c.sources)
		c.sources = slices.Compact(c.sources)
		out = append(out, c)
	}
	return out
}

// Collector checks the Dockerfiles of one directory.
type Collector struct {
	id    string
	dir   string
	files []string // repo-relative
	// builds are the contexts the project builds each Dockerfile from,
	// where its compose files and commands say; a Dockerfile none names
	// is built from its directory.
	builds map[string][]buildContext
	// sources are the files that say how they are built, read again on
	// each run.
	sources []string
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
	for _, s := range c.sources {
		out = append(out, collectors.EscapeGlob(s))
	}
	for _, f := range c.files {
		out = append(out, collectors.EscapeGlob(f), collectors.EscapeGlob(f)+".dockerignore")
		for _, ctx := range contextsOf(f, c.builds) {
			dir := collectors.EscapeGlob(ctx.dir) + "/"
			if ctx.dir == "." {
				dir = ""
			}
			out = append(out, dir+".dockerignore", dir+".env")
			for _, ex := range deployfiles.DotenvExamples {
				out = append(out, dir+ex)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (c *Collector) Run(ctx context.Context, req collectors.Request) model.Result {
	run := filerules.New(req.Root)
	parsed := 0
	builds := c.builds
	if len(c.sources) > 0 {
		// Read again: an edited Makefile may build from another context.
		builds = projectBuilds(req.Root, c.sources)
	}
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
		if leak := envInImage(req.Root, f, src, an, contextsOf(f, builds)); leak != nil {
			an.Findings = append(an.Findings, *leak)
		}
		mark, why := "", ""
		switch {
		case devImage(f, builds[f]):
			mark, why = "dev image", "an image only developers or tests use"
		case runsTests(an.Final.Command):
			mark, why = "test image", "an image that runs the tests ("+filerules.Clip(an.Final.Command, 60)+")"
		}
		if mark != "" {
			for i := range an.Findings {
				an.Findings[i].Severity, an.Findings[i].Message = model.Info, an.Findings[i].Message+" ["+mark+"]"
			}
		}
		shown, n := run.Add(f, an.Findings)
		line := fmt.Sprintf("%s: %s, %s, %d suppressed",
			f, filerules.Plural(an.Stages, "stage"), filerules.Plural(shown, "finding"), n)
		if mark != "" {
			line += " (" + why + ": its findings are info)"
		}
		run.Evidence = append(run.Evidence, line)
	}
	res := run.Result(c.id, Kind, Domain)
	res.Facts["dockerfiles"] = float64(parsed)
	res.Command = fmt.Sprintf("parsed %s in %s (preflight built-in rules)", filerules.Plural(len(c.files), "Dockerfile"), c.dir)
	return res
}

// devImage reports a Dockerfile only developers and tests use, by its
// path (.devcontainer/, .gitpod.Dockerfile, Dockerfile.dev, test/ …; see
// deployfiles.DevOnly), that nothing else builds: a workflow (ci.yml
// included) or a production compose file that builds it ships it.
func devImage(file string, builds []buildContext) bool {
	if !deployfiles.DevOnly(file) {
		return false
	}
	for _, b := range builds {
		if b.file != "" && (deployfiles.IsWorkflowFile(b.file) || !deployfiles.DevOnly(b.file)) {
			return false
		}
	}
	return true
}

// runsTests reports an image whose command runs the project's tests
// (fzf's Dockerfile: CMD runs ruby test/runner.rb in tmux): a harness
// that runs to completion, not a server that ships.
func runsTests(command string) bool {
	for _, m := range workflows.CommandStages(command) {
		if m.Stages.Has(workflows.Test) {
			return true
		}
	}
	return false
}

// envInImage is the env-in-context finding of a Dockerfile, at its copy of
// the whole context, for the first context that lets a .env in: copied
// by a shipped stage, or carried into the image by a builder's output
// (Next.js standalone). nil when there is none.
func envInImage(root, file string, src []byte, an Analysis, contexts []buildContext) *model.Finding {
	if len(an.ContextCopies) == 0 && len(an.Carried) == 0 {
		return nil
	}
	for _, ctx := range contexts {
		why := envInContext(root, file, ctx.dir)
		if why == "" {
			continue
		}
		line, how := 0, ""
		if len(an.ContextCopies) > 0 {
			line, how = an.ContextCopies[0], "a developer's .env goes into the image with its secrets"
		} else {
			c := an.Carried[0]
			line, how = c.Line, fmt.Sprintf("next build copies the .env files it loads into %s, which line %d copies into the image with their secrets", c.Output, c.By)
		}
		f := RuleEnvInImage.Finding(file, line, 0, fmt.Sprintf("%s copies the whole build context (%s), and %s: %s",
			filerules.Clip(strings.TrimSpace(lineOf(src, line)), 40), ctx.name(), why, how))
		return &f
	}
	return nil
}

// lineOf is line n (1-based) of src, "" when there is none.
func lineOf(src []byte, n int) string {
	lines := strings.Split(string(src), "\n")
	if n < 1 || n > len(lines) {
		return ""
	}
	return lines[n-1]
}
