// Package compose checks compose files per service against rules drawn from
// the CIS Docker Benchmark and the OWASP Docker Security Cheat Sheet:
// privileged services, the Docker socket, host networking, root users,
// missing hardening (read_only, no-new-privileges, cap_drop), missing
// healthchecks, limits and restart policies, databases published on all
// interfaces and unpinned images.
//
// Files are loaded with compose-go, the library docker compose itself uses,
// so overrides, .env interpolation, extends, include and profiles behave as
// they do for `docker compose config`. compose-go keeps no positions; each
// finding is placed by reading the files again with yamltree.
package compose

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/deployfiles"
	"github.com/preflight-dev/preflight/collectors/dockerfile"
	"github.com/preflight-dev/preflight/collectors/yamltree"
	"github.com/preflight-dev/preflight/internal/repofs"
	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/proc"
)

const (
	Kind   = "compose"
	Domain = "deployment"
)

// Detect returns one collector per directory holding compose files.
func Detect(root string, files []string) []collectors.Collector {
	byDir := map[string][]string{}
	for _, f := range files {
		if deployfiles.IsComposeFile(path.Base(f)) {
			byDir[path.Dir(f)] = append(byDir[path.Dir(f)], f)
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
		fs := byDir[d]
		sort.Strings(fs)
		c := &Collector{id: Kind + ":" + names[d], dir: d, files: fs, configs: Configurations(fs)}
		c.inputs = inputs(root, d, fs)
		out = append(out, c)
	}
	return out
}

// Configurations groups the compose files of one directory the way they
// are used. The default file (compose.yaml, …, docker-compose.yaml, in
// compose's order of preference) is loaded with its override file, as
// `docker compose` does without -f. Every other file (docker-compose.prod.yml)
// is a variant loaded on top of the default file, as in
// `docker compose -f docker-compose.yml -f docker-compose.prod.yml`.
// Without a default file each file stands alone.
func Configurations(files []string) [][]string {
	has := map[string]string{}
	for _, f := range files {
		has[path.Base(f)] = f
	}
	pick := func(names []string) string {
		for _, n := range names {
			if f, ok := has[n]; ok {
				return f
			}
		}
		return ""
	}
	primary := pick(cli.DefaultFileNames)
	override := ""
	if primary != "" {
		override = pick(cli.DefaultOverrideFileNames)
	}
	var out [][]string
	if primary != "" {
		def := []string{primary}
		if override != "" {
			def = append(def, override)
		}
		out = append(out, def)
	}
	for _, f := range files {
		switch {
		case f == primary || f == override:
		case primary != "":
			out = append(out, []string{primary, f})
		default:
			out = append(out, []string{f})
		}
	}
	return out
}

// inputs are the compose files, the .env they interpolate, the files
// they pull in with extends and include, and the Dockerfiles they build
// (their USER and HEALTHCHECK decide two rules).
func inputs(root, dir string, files []string) []string {
	set := map[string]bool{path.Join(dir, ".env"): true}
	for _, f := range files {
		set[f] = true
		src, err := repofs.ReadFile(root, filepath.FromSlash(f))
		if err != nil {
			continue
		}
		for _, b := range deployfiles.ComposeBuilds(f, src) {
			set[b.Dockerfile] = true
		}
		for _, r := range referencedFiles(dir, src) {
			set[r] = true
		}
	}
	out := make([]string, 0, len(set))
	for f := range set {
		out = append(out, deployfiles.EscapeGlob(f))
	}
	sort.Strings(out)
	return out
}

// referencedFiles lists the local files a compose file includes or extends
// from, repo-relative.
func referencedFiles(dir string, src []byte) []string {
	docs, err := yamltree.Parse(src)
	if err != nil || len(docs) == 0 {
		return nil
	}
	var refs []string
	addRef := func(p string) {
		if p == "" || strings.Contains(p, "$") || strings.Contains(p, "://") || path.IsAbs(p) {
			return
		}
		r := path.Clean(path.Join(dir, p))
		if r != ".." && !strings.HasPrefix(r, "../") {
			refs = append(refs, r)
		}
	}
	if inc := docs[0].Get("include"); inc != nil && inc.Kind == yamltree.Seq {
		for _, it := range inc.Items {
			switch it.Kind {
			case yamltree.Scalar:
				addRef(it.Value)
			case yamltree.Map:
				p := it.Get("path")
				if p != nil && p.Kind == yamltree.Seq {
					for _, x := range p.Items {
						addRef(x.Text())
					}
				} else {
					addRef(p.Text())
				}
			}
		}
	}
	if svcs := docs[0].Get("services"); svcs != nil {
		for _, s := range svcs.Pairs {
			addRef(s.Value.Path("extends", "file").Text())
		}
	}
	return refs
}

// Collector checks the compose configurations of one directory.
type Collector struct {
	id      string
	dir     string
	files   []string   // repo-relative
	configs [][]string // load order per configuration
	inputs  []string
}

func (c *Collector) ID() string          { return c.id }
func (c *Collector) Kind() string        { return Kind }
func (c *Collector) Domain() string      { return Domain }
func (c *Collector) Inputs() []string    { return c.inputs }
func (c *Collector) Configs() [][]string { return c.configs }
func (c *Collector) Files() []string     { return c.files }

func (c *Collector) Run(ctx context.Context, req collectors.Request) model.Result {
	res := model.Result{Collector: c.id, Kind: Kind, Domain: Domain, Status: model.StatusOK, ExitCode: -1}
	texts := map[string][]byte{}
	read := func(rel string) ([]byte, error) {
		src, err := repofs.ReadFile(req.Root, filepath.FromSlash(rel))
		if err == nil {
			texts[rel] = src
		}
		return src, err
	}
	loc := NewLocator(c.files, read)
	built := BuiltFromDisk

	var (
		findings []model.Finding
		seen     = map[string]bool{}
		services = map[string]bool{}
		failures []string
		evidence []string
		commands []string
	)
	for _, cfg := range c.configs {
		if err := ctx.Err(); err != nil {
			return model.Unknown(c.id, Kind, Domain, "cancelled: "+err.Error(), "")
		}
		commands = append(commands, strings.Join(cfg, " + "))
		abs := make([]string, len(cfg))
		for i, f := range cfg {
			abs[i] = filepath.Join(req.Root, filepath.FromSlash(f))
		}
		l := loc.With(cfg)
		p, warnings, err := Load(ctx, abs)
		for _, w := range warnings {
			evidence = append(evidence, strings.Join(cfg, " + ")+": warning: "+w)
		}
		if err != nil {
			le := LocateError(err, req.Root, cfg, l)
			le.Msg = humanize(le.Msg)
			failures = append(failures, le.String())
			continue
		}
		issues := Check(p, built)
		for n := range p.Services {
			services[n] = true
		}
		evidence = append(evidence, fmt.Sprintf("%s: %d service%s, %d issue%s",
			strings.Join(cfg, " + "), len(p.Services), plural(len(p.Services)), len(issues), plural(len(issues))))
		for _, is := range issues {
			file, line, col := l.Service(is.Service, is.Keys)
			f := is.Rule.Finding(file, line, col, is.Message)
			key := f.Rule + "\x00" + f.File + "\x00" + fmt.Sprint(f.Line) + "\x00" + f.Message
			if !seen[key] {
				seen[key] = true
				findings = append(findings, f)
			}
		}
	}

	var kept []model.Finding
	suppressed := 0
	for _, file := range c.files {
		var mine []model.Finding
		for _, f := range findings {
			if f.File == file {
				mine = append(mine, f)
			}
		}
		k, n, extra := deployfiles.ApplySuppressions(file, string(texts[file]), mine)
		kept = append(kept, k...)
		kept = append(kept, extra...)
		suppressed += n
	}
	for i := range kept {
		kept[i].Collector, kept[i].Domain = c.id, Domain
	}
	sortFindings(kept)
	model.AssignIDs(kept)
	res.Findings = kept
	res.Facts = map[string]float64{"services": float64(len(services)), "suppressed": float64(suppressed)}
	res.Command = "compose-go load (all profiles) of " + strings.Join(commands, "; ") + " (preflight built-in rules)"
	if len(failures) > 0 {
		res.Status = model.StatusError
		res.Error = strings.Join(failures, "; ")
		evidence = append(evidence, failures...)
	}
	res.Output = proc.Excerpt(strings.Join(evidence, "\n"), 40)
	return res
}

// BuiltFromDisk reads the Dockerfile a loaded service builds (paths are
// absolute after loading) and tells what its target stage runs as.
func BuiltFromDisk(s types.ServiceConfig) (dockerfile.Image, bool) {
	b := s.Build
	if b == nil {
		return dockerfile.Image{}, false
	}
	var src []byte
	if b.DockerfileInline != "" {
		src = []byte(b.DockerfileInline)
	} else {
		if strings.Contains(b.Context, "://") {
			return dockerfile.Image{}, false
		}
		df := b.Dockerfile
		if df == "" {
			df = "Dockerfile"
		}
		if !filepath.IsAbs(df) {
			df = filepath.Join(b.Context, df)
		}
		var err error
		if src, err = os.ReadFile(df); err != nil {
			return dockerfile.Image{}, false
		}
	}
	im, err := dockerfile.Inspect(src, b.Target)
	return im, err == nil
}

// humanize rewrites the JSON-schema wording compose-go passes through for
// unknown keys into what a person would say.
func humanize(msg string) string {
	if p, ok := strings.CutSuffix(msg, " false schema"); ok && !strings.Contains(p, " ") {
		return p + ": unknown key"
	}
	return msg
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
