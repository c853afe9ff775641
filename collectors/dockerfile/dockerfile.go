// Package dockerfile checks Dockerfiles against deployment rules drawn from
// the CIS Docker Benchmark and the OWASP Docker Security Cheat Sheet: root
// user, unpinned base images, missing HEALTHCHECK, ADD for local files,
// secrets in ENV/ARG, apt hygiene, sudo and curl | sh. Files are read with
// BuildKit's own parser, so a Dockerfile docker build rejects is reported as
// an error with the parser's message and line.
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
	"sort"
	"strings"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/deployfiles"
	"github.com/preflight-dev/preflight/internal/repofs"
	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/proc"
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
	byDir := map[string]map[string]bool{}
	add := func(f string) {
		dir := path.Dir(f)
		if byDir[dir] == nil {
			byDir[dir] = map[string]bool{}
		}
		byDir[dir][f] = true
	}
	for _, f := range files {
		if deployfiles.IsDockerfile(path.Base(f)) {
			add(f)
		}
	}
	for _, f := range files {
		if !deployfiles.IsComposeFile(path.Base(f)) {
			continue
		}
		src, err := repofs.ReadFile(root, filepath.FromSlash(f))
		if err != nil {
			continue
		}
		for _, b := range deployfiles.ComposeBuilds(f, src) {
			if st, err := os.Stat(filepath.Join(root, filepath.FromSlash(b.Dockerfile))); err == nil && st.Mode().IsRegular() {
				add(b.Dockerfile)
			}
		}
	}
	dirs := make([]string, 0, len(byDir))
	for d := range byDir {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	names := collectors.TargetNames(root, dirs)
	out := make([]collectors.Collector, 0, len(dirs))
	for _, d := range dirs {
		c := &Collector{id: Kind + ":" + names[d], dir: d}
		for f := range byDir[d] {
			c.files = append(c.files, f)
		}
		sort.Strings(c.files)
		out = append(out, c)
	}
	return out
}

// Collector checks the Dockerfiles of one directory.
type Collector struct {
	id    string
	dir   string
	files []string // repo-relative
}

func (c *Collector) ID() string      { return c.id }
func (c *Collector) Kind() string    { return Kind }
func (c *Collector) Domain() string  { return Domain }
func (c *Collector) Files() []string { return c.files }

// Inputs are the Dockerfiles themselves; a new Dockerfile is a new
// detection, not a rerun.
func (c *Collector) Inputs() []string {
	out := make([]string, len(c.files))
	for i, f := range c.files {
		out[i] = deployfiles.EscapeGlob(f)
	}
	return out
}

func (c *Collector) Run(ctx context.Context, req collectors.Request) model.Result {
	res := model.Result{Collector: c.id, Kind: Kind, Domain: Domain, Status: model.StatusOK, ExitCode: -1}
	var (
		findings   []model.Finding
		suppressed int
		parsed     int
		failures   []string
		evidence   []string
	)
	for _, f := range c.files {
		if err := ctx.Err(); err != nil {
			return model.Unknown(c.id, Kind, Domain, "cancelled: "+err.Error(), "")
		}
		src, err := repofs.ReadFile(req.Root, filepath.FromSlash(f))
		if errors.Is(err, os.ErrNotExist) {
			continue // removed since detection; the next scan drops it
		}
		if err != nil {
			failures = append(failures, fmt.Sprintf("%s: %v", f, err))
			continue
		}
		an, err := Analyze(f, src)
		if err != nil {
			failures = append(failures, describeParseError(f, src, err))
			continue
		}
		parsed++
		kept, n, extra := deployfiles.ApplySuppressions(f, string(src), an.Findings)
		suppressed += n
		findings = append(findings, kept...)
		findings = append(findings, extra...)
		evidence = append(evidence, fmt.Sprintf("%s: %d stage%s, %d finding%s, %d suppressed",
			f, an.Stages, plural(an.Stages), len(kept)+len(extra), plural(len(kept)+len(extra)), n))
	}
	for i := range findings {
		findings[i].Collector, findings[i].Domain = c.id, Domain
	}
	sortFindings(findings)
	model.AssignIDs(findings)
	res.Findings = findings
	res.Facts = map[string]float64{"dockerfiles": float64(parsed), "suppressed": float64(suppressed)}
	res.Command = fmt.Sprintf("parsed %d Dockerfile%s in %s (preflight built-in rules)", len(c.files), plural(len(c.files)), c.dir)
	if len(failures) > 0 {
		res.Status = model.StatusError
		res.Error = strings.Join(firstLines(failures), "; ")
		evidence = append(evidence, failures...)
	}
	res.Output = proc.Excerpt(strings.Join(evidence, "\n"), 40)
	return res
}

// describeParseError renders a parse error as "file:line: message" with the
// offending source line, the evidence a reader needs to fix it.
func describeParseError(file string, src []byte, err error) string {
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line == 0 {
		return fmt.Sprintf("%s: %v", file, err)
	}
	s := fmt.Sprintf("%s:%d: %s", file, pe.Line, pe.Msg)
	lines := strings.Split(string(src), "\n")
	if pe.Line <= len(lines) {
		s += "\n  " + deployfiles.RedactLine(strings.TrimRight(lines[pe.Line-1], "\r"))
	}
	return s
}

func firstLines(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i], _, _ = strings.Cut(s, "\n")
	}
	return out
}

func sortFindings(fs []model.Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].File != fs[j].File {
			return fs[i].File < fs[j].File
		}
		if fs[i].Line != fs[j].Line {
			return fs[i].Line < fs[j].Line
		}
		return fs[i].Rule < fs[j].Rule
	})
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
