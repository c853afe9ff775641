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
// finding is placed by reading the files again with yamlpos.
package compose

import (
	"context"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/dotenv"
	"github.com/compose-spec/compose-go/v2/types"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/deployfiles"
	"github.com/preflight-dev/preflight/collectors/dockerfile"
	"github.com/preflight-dev/preflight/collectors/filerules"
	"github.com/preflight-dev/preflight/collectors/imageref"
	"github.com/preflight-dev/preflight/collectors/nodepkg"
	"github.com/preflight-dev/preflight/internal/repofs"
	"github.com/preflight-dev/preflight/internal/yamlpos"
	"github.com/preflight-dev/preflight/model"
)

const (
	Kind   = "compose"
	Domain = "deployment"
)

// Detect returns one collector per directory holding compose files.
func Detect(root string, files []string) []collectors.Collector {
	var compose []string
	for _, f := range files {
		if deployfiles.IsComposePath(f) {
			compose = append(compose, f)
		}
	}
	// Each compose file is read once here, for both questions below.
	srcs := map[string][]byte{}
	for _, f := range compose {
		if src, err := repofs.ReadFile(root, f); err == nil {
			srcs[f] = src
		}
	}
	primary := primaryNames()
	var usage Usage
	if len(compose) > 0 {
		usage = composeUsage(root, files, primary)
	}
	has := map[string]bool{}
	for _, f := range files {
		has[f] = true
	}
	var out []collectors.Collector
	for _, t := range filerules.Targets(root, Kind, compose) {
		configs := ConfigurationsAsUsed(t.Files, usage.Alone)
		envs := usage.envFiles(t.Dir, configs, func(f string) bool { return has[f] })
		out = append(out, &Collector{id: t.ID, dir: t.Dir, files: t.Files, configs: configs, envs: envs, usage: usage.Read, jobs: usage.Jobs, builds: usage.Builds,
			inputs: inputs(srcs, t.Dir, t.Files, envs, usage.Read)})
	}
	return out
}

// primaryNames are the default compose file names.
func primaryNames() map[string]bool {
	primary := map[string]bool{}
	for _, n := range cli.DefaultFileNames {
		primary[n] = true
	}
	return primary
}

// Configurations groups the compose files of one directory the way they
// are used. The default file (compose.yaml, …, docker-compose.yaml, in
// compose's order of preference) is loaded with its override file, as
// `docker compose` does without -f. Every other file (docker-compose.prod.yml)
// is a variant loaded on top of the default file, as in
// `docker compose -f docker-compose.yml -f docker-compose.prod.yml`,
// unless the project runs it alone.
// Without a default file each file stands alone.
func Configurations(files []string) [][]string { return ConfigurationsAsUsed(files, nil) }

// ConfigurationsAsUsed is Configurations where the project's own commands
// say otherwise: a variant they name alone (alone[base name] is true) is
// loaded alone, as they run it.
func ConfigurationsAsUsed(files []string, alone map[string]bool) [][]string {
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
		case primary != "" && !alone[path.Base(f)]:
			out = append(out, []string{primary, f})
		default:
			out = append(out, []string{f})
		}
	}
	return out
}

// inputs are the compose files, the .env they interpolate, the files
// they pull in with extends and include, and the Dockerfiles they build
// (their USER and HEALTHCHECK decide two rules), or that may make the
// project's own image, with the package.json files that name it
// (OwnImages).
func inputs(srcs map[string][]byte, dir string, files []string, envs []EnvSource, usage []string) []string {
	set := map[string]bool{path.Join(dir, ".env"): true}
	for _, d := range []string{dir, "."} {
		set[path.Join(d, "Dockerfile")], set[path.Join(d, "package.json")] = true, true
	}
	for _, f := range usage {
		set[f] = true
	}
	for _, e := range envs {
		if e.File != "" {
			set[e.File] = true
		}
	}
	for _, f := range files {
		set[f] = true
		src, ok := srcs[f]
		if !ok {
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
		out = append(out, collectors.EscapeGlob(f))
	}
	sort.Strings(out)
	return out
}

// referencedFiles lists the local files a compose file includes or extends
// from, repo-relative.
func referencedFiles(dir string, src []byte) []string {
	docs, err := yamlpos.Parse(src)
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
	if inc := docs[0].Get("include"); inc != nil && inc.Kind == yamlpos.Seq {
		for _, it := range inc.Items {
			switch it.Kind {
			case yamlpos.Scalar:
				addRef(it.Value)
			case yamlpos.Map:
				p := it.Get("path")
				if p != nil && p.Kind == yamlpos.Seq {
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
	files   []string          // repo-relative
	configs [][]string        // load order per configuration
	envs    []EnvSource       // per configuration: the env file the project gives it, if any
	usage   []string          // the scripts, workflows and docs that say how compose is run
	jobs    map[string]string // services run to completion, and where that is said
	builds  map[string]deployfiles.ImageBuild
	inputs  []string
}

func (c *Collector) ID() string            { return c.id }
func (c *Collector) Cost() collectors.Cost { return collectors.CostFiles }
func (c *Collector) Kind() string          { return Kind }
func (c *Collector) Domain() string        { return Domain }
func (c *Collector) Inputs() []string      { return c.inputs }
func (c *Collector) Configs() [][]string   { return c.configs }
func (c *Collector) Files() []string       { return c.files }

func (c *Collector) Run(ctx context.Context, req collectors.Request) model.Result {
	run := filerules.New(req.Root)
	configs, envs, jobs, builds := c.configs, c.envs, c.jobs, c.builds
	if len(c.usage) > 0 {
		// Read again: an edited script may now run a file alone, or with
		// another env file.
		u := composeUsage(req.Root, c.usage, primaryNames())
		configs, jobs, builds = ConfigurationsAsUsed(c.files, u.Alone), u.Jobs, u.Builds
		envs = u.envFiles(c.dir, configs, func(f string) bool {
			file, err := repofs.Open(req.Root, f)
			if err == nil {
				file.Close()
			}
			return err == nil
		})
	}
	texts := map[string]bool{}
	loc := NewLocator(c.files, func(rel string) ([]byte, error) {
		src, ok := run.Read(rel)
		if !ok {
			return nil, errUnread
		}
		texts[rel] = true
		return src, nil
	})
	// compose-go is not asked to load a file that could not be read, nor
	// one over the YAML limits (an anchor that merges itself would cost it
	// seconds before it gave up): such a file fails every configuration
	// that uses it, with one finding. Other YAML errors are left to
	// compose-go to confirm, since it is the loader that counts.
	broken := map[string]bool{}
	for _, f := range c.files {
		pe := loc.ParseError(f)
		if pe != nil && pe.Limit && texts[f] {
			run.Invalid(RuleInvalid, f, pe.Line, pe.Column, pe.Msg)
		}
		broken[f] = !texts[f] || pe != nil && pe.Limit
	}
	var (
		findings []model.Finding
		seen     = map[string]bool{}
		services = map[string]bool{}
		commands []string
	)
	add := func(f model.Finding) {
		key := f.Rule + "\x00" + f.File + "\x00" + fmt.Sprint(f.Line) + "\x00" + f.Message
		if !seen[key] {
			seen[key] = true
			findings = append(findings, f)
		}
	}
configs:
	for i, cfg := range configs {
		if err := ctx.Err(); err != nil {
			return model.Unknown(c.id, Kind, Domain, "cancelled: "+err.Error(), "")
		}
		label := strings.Join(cfg, " + ")
		commands = append(commands, label)
		for _, f := range cfg {
			if broken[f] {
				run.Evidence = append(run.Evidence, label+": not loaded, "+f+" cannot be read")
				continue configs
			}
		}
		abs := make([]string, len(cfg))
		for i, f := range cfg {
			abs[i] = filepath.Join(req.Root, filepath.FromSlash(f))
		}
		l := loc.With(cfg)
		p, warnings, err := Load(ctx, abs)
		env := DotEnv(abs)
		var blank []string // the variables the project's env file leaves empty
		if vars := UnsetVariables(warnings); len(vars) > 0 && envs[i].File != "" {
			// The project's own env file, as its commands and docs use it.
			given := envs[i]
			project := EnvFile{req.Root, given.File}
			q, w, qerr := LoadWithEnvFile(ctx, abs, project)
			empty := emptyIn(project, vars)
			if left := UnsetVariables(w); len(left)+len(empty) < len(vars) || (len(left) < len(vars) && qerr == nil) {
				p, warnings, err, env, blank = q, w, qerr, project, empty
				run.Evidence = append(run.Evidence, fmt.Sprintf("%s: variables from %s (%s %s)", label, given.File, given.At, given.How))
			}
		}
		for _, w := range warnings {
			run.Evidence = append(run.Evidence, label+": warning: "+w)
		}
		note := ""
		var named *strings.Replacer // placeholders back to ${VAR}
		// An example env file's empty value is one for the user to fill
		// in: as good as unset (gofiber/recipes' DB_PORT=).
		required := RequiredVariables(err)
		if vars := unionSorted(unionSorted(UnsetVariables(warnings), blank), required); err != nil && len(vars) > 0 {
			// Invalid only for want of variables the repository does not
			// set (a .env it ignores): said at their first use, and the
			// rules checked with placeholders in their place.
			q, back, perr := LoadWithPlaceholders(ctx, abs, env, vars)
			for range maxRequired {
				// compose-go stops at the first required variable.
				more := RequiredVariables(perr)
				if len(more) == 0 {
					break
				}
				required, vars = unionSorted(required, more), unionSorted(vars, more)
				q, back, perr = LoadWithPlaceholders(ctx, abs, env, vars)
			}
			if perr == nil {
				named = back
				// A variable marked required (${DOMAIN:?Variable not
				// set}) is meant to be set where the stack is deployed:
				// the rule's own fix, not a finding.
				if unset := slices.DeleteFunc(slices.Clone(vars), func(v string) bool { return slices.Contains(required, v) }); len(unset) > 0 {
					file, line := firstUse(run, cfg, unset)
					notSet := "not set"
					switch {
					case len(blank) > 0:
						notSet = "not set (" + env.Rel + " leaves " + itOrThem(len(unset)) + " empty)"
					case env.Rel != ".env":
						notSet = "not set, not even by " + env.Rel
					}
					add(RuleUnsetVariable.Finding(file, line, 0, fmt.Sprintf("%s %s: docker compose refuses the configuration without %s (%s)",
						strings.Join(unset, ", "), notSet, itOrThem(len(unset)), humanize(LocateError(err, req.Root, cfg, l).Msg))))
				}
				if len(required) > 0 {
					run.Evidence = append(run.Evidence, fmt.Sprintf("%s: %s marked required (${VAR:?…}), to be set where it is deployed", label, strings.Join(required, ", ")))
				}
				p, err, note = q, nil, " (unset "+strings.Join(vars, ", ")+" given placeholders)"
			}
		}
		if err != nil {
			le := LocateError(err, req.Root, cfg, l)
			le.Msg = humanize(le.Msg)
			if !seen[le.String()] { // a base file's error recurs in each variant
				seen[le.String()] = true
				run.Invalid(RuleInvalid, le.File, le.Line, 0, le.Msg)
			}
			// The rules that do not depend on what was refused still hold.
			if p, err = LoadRaw(ctx, abs); err != nil {
				continue
			}
			note = " (read without validation)"
		}
		issues := Check(p, OwnImages(p, req.Root, builds), jobs)
		for n := range p.Services {
			// Said once, at the service's first configuration.
			if at, job := jobs[n]; job && !services[n] {
				run.Evidence = append(run.Evidence, fmt.Sprintf("service %s runs to completion (%s: --exit-code-from %s): no restart policy or healthcheck asked of it", n, at, n))
			}
			services[n] = true
		}
		// A stack only developers and tests run (cypress/docker-compose.yml,
		// docker-compose.dev.yml) is no deployment: what the rules say of
		// it is shown, and weighs nothing.
		devStack := deployfiles.DevOnly(cfg[0])
		if devStack {
			note += " (a dev/test stack: its findings are info)"
		}
		run.Evidence = append(run.Evidence, fmt.Sprintf("%s: %s, %s%s",
			label, filerules.Plural(len(p.Services), "service"), filerules.Plural(len(issues), "issue"), note))
		for _, is := range issues {
			file, line, col := l.Service(is.Service, is.Keys)
			msg := is.Message
			if named != nil {
				msg = named.Replace(msg)
			}
			f := is.Rule.Finding(file, line, col, msg)
			// What only the local layer (compose.override.yml) writes, or
			// the service only it adds, is the developers' setting:
			// full-stack-fastapi-template publishes its database's port
			// there, and deploys with compose.deploy.yml instead.
			if devStack || deployfiles.DevOnly(file) {
				f.Severity, f.Message = model.Info, f.Message+" [dev/test stack]"
			}
			add(f)
		}
	}
	for _, file := range c.files {
		if !texts[file] {
			continue
		}
		var mine []model.Finding
		for _, f := range findings {
			if f.File == file {
				mine = append(mine, f)
			}
		}
		run.Add(file, mine)
	}
	res := run.Result(c.id, Kind, Domain)
	// Distinct service names: a service in the base file and in each
	// variant loaded on top of it is one service; the configurations say
	// how many stacks were loaded.
	res.Facts["services"] = float64(len(services))
	res.Facts["configurations"] = float64(len(configs))
	res.Command = "compose-go load (all profiles) of " + strings.Join(commands, "; ") + " (preflight built-in rules)"
	return res
}

var errUnread = errors.New("not read")

// emptyIn are those of vars that env sets to an empty value.
func emptyIn(env EnvFile, vars []string) []string {
	f, err := repofs.Open(env.Root, env.Rel)
	if err != nil {
		return nil
	}
	defer f.Close()
	values, err := dotenv.Parse(f)
	if err != nil {
		return nil
	}
	var out []string
	for _, v := range vars {
		if val, set := values[v]; set && val == "" {
			out = append(out, v)
		}
	}
	return out
}

// unionSorted is a and b without repeats, sorted.
func unionSorted(a, b []string) []string {
	out := slices.Concat(a, b)
	slices.Sort(out)
	return slices.Compact(out)
}

// itOrThem is the pronoun for n things.
func itOrThem(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

// firstUse is where the first of vars is used in the configuration's
// files: ${VAR}, ${VAR:-…} or $VAR.
func firstUse(run *filerules.Run, files, vars []string) (string, int) {
	names := make([]string, len(vars))
	for i, v := range vars {
		names[i] = regexp.QuoteMeta(v)
	}
	use := regexp.MustCompile(`\$\{?(?:` + strings.Join(names, "|") + `)\b`)
	for _, f := range files {
		src, ok := run.Read(f)
		if !ok {
			continue
		}
		for i, line := range strings.Split(string(src), "\n") {
			if use.MatchString(line) {
				return f, i + 1
			}
		}
	}
	return files[0], 0
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
		// A FIFO or a giant under a Dockerfile's name is not read.
		if src, err = repofs.ReadFile(filepath.Dir(df), df); err != nil {
			return dockerfile.Image{}, false
		}
	}
	im, err := dockerfile.Inspect(src, b.Target)
	return im, err == nil
}

// OwnImages reads what a service runs from the Dockerfile it is built from:
// its build:, else, for a service that only names an image, the build of
// that image when it is this project's own: another service builds it
// (build: with the same image:), the project's commands build it (builds,
// by repository: `docker build -f Dockerfile --tag shop .` in a Makefile),
// or it is named after the project — the compose files' name:, or the
// package.json name there or at the repository's root — and a Dockerfile
// stands beside the compose files or at the root. The name of the
// directory the repository is checked out in is not one: the same commit
// would give other findings in another clone.
// A published image of the project (ghcr.io/org/app) is what its
// Dockerfile makes it.
func OwnImages(p *types.Project, root string, builds map[string]deployfiles.ImageBuild) BuiltImage {
	var names map[string]bool // read once, when a service asks
	return func(s types.ServiceConfig) (dockerfile.Image, bool) {
		if s.Build != nil || s.Image == "" || imageref.Variable(s.Image) {
			return BuiltFromDisk(s)
		}
		repo := imageref.Parse(s.Image).Repo()
		for _, n := range p.ServiceNames() {
			if o := p.Services[n]; o.Build != nil && o.Image != "" && imageref.Parse(o.Image).Repo() == repo {
				return BuiltFromDisk(o)
			}
		}
		if b, ok := builds[repo]; ok {
			if s.Build = buildConfig(b, root); s.Build != nil {
				return BuiltFromDisk(s)
			}
		}
		if names == nil {
			names = projectNames(p, root)
		}
		if !names[path.Base(repo)] {
			return dockerfile.Image{}, false
		}
		for _, dir := range []string{p.WorkingDir, root} {
			s.Build = &types.BuildConfig{Context: dir}
			if im, ok := BuiltFromDisk(s); ok {
				return im, true
			}
		}
		return dockerfile.Image{}, false
	}
}

// buildConfig is the build as compose would write it, with absolute
// paths: docker build reads -f from the directory it runs in, not the
// context. nil for a context outside the repository or not on disk.
func buildConfig(b deployfiles.ImageBuild, root string) *types.BuildConfig {
	context, dockerfile, ok := b.Local()
	if !ok {
		return nil
	}
	bc := &types.BuildConfig{Context: filepath.Join(root, filepath.FromSlash(context))}
	if b.Dockerfile != "" {
		bc.Dockerfile = filepath.Join(root, filepath.FromSlash(dockerfile))
	}
	return bc
}

// projectNames are the names a project's own image goes by: the name:
// its compose files give it, and its package.json names.
func projectNames(p *types.Project, root string) map[string]bool {
	names := map[string]bool{}
	for _, f := range p.ComposeFiles {
		if data, err := repofs.ReadFile(root, f); err == nil {
			if docs, err := yamlpos.Parse(data); err == nil && len(docs) > 0 {
				if n := docs[0].Get("name").Text(); n != "" && !strings.Contains(n, "$") {
					names[strings.ToLower(n)] = true
				}
			}
		}
	}
	for _, dir := range []string{p.WorkingDir, root} {
		data, err := repofs.ReadFile(root, filepath.Join(dir, "package.json"))
		if err != nil {
			continue
		}
		if m, err := nodepkg.ParseManifest(data); err == nil && m.Name != "" {
			names[strings.ToLower(path.Base(m.Name))] = true // @scope/app → app
		}
	}
	delete(names, "")
	return names
}

// humanize rewrites the JSON-schema wording compose-go passes through for
// unknown keys into what a person would say.
func humanize(msg string) string {
	if p, ok := strings.CutSuffix(msg, " false schema"); ok && !strings.Contains(p, " ") {
		return p + ": unknown key"
	}
	return msg
}
