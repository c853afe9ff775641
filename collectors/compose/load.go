package compose

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/sirupsen/logrus"

	"github.com/preflight-dev/preflight/internal/repofs"
)

// Load reads one compose configuration the way `docker compose -f a -f b`
// does: files merged in order, the .env next to the first file
// interpolated, every profile enabled so that no service is hidden.
// The process environment is not used (but PWD, as the shell sets it
// beside the file), so results depend on the repository alone, and
// env_file contents are not read: no rule needs them and they hold
// secrets. files are absolute. The loader's warnings (unset
// variables, obsolete keys) are returned as evidence.
func Load(ctx context.Context, files []string) (p *types.Project, warnings []string, err error) {
	return load(ctx, files, DotEnv(files))
}

// LoadWithEnvFile is Load with env in place of the .env, as
// `docker compose --env-file FILE` loads it.
func LoadWithEnvFile(ctx context.Context, files []string, env EnvFile) (*types.Project, []string, error) {
	return load(ctx, files, env)
}

// EnvFile is the file a load interpolates variables from: Rel inside Root.
// One that is not a regular file inside Root is left out, as a missing
// .env is.
type EnvFile struct{ Root, Rel string }

// DotEnv is the .env next to the first file, which compose reads unless
// told otherwise.
func DotEnv(files []string) EnvFile { return EnvFile{filepath.Dir(files[0]), ".env"} }

// unsetRE is compose-go's warning for a variable nothing sets.
var unsetRE = regexp.MustCompile(`The "([^"]+)" variable is not set`)

// requiredRE is compose-go's error for a variable marked required
// (${DOMAIN:?Variable not set}) that nothing sets.
var requiredRE = regexp.MustCompile(`required variable ([A-Za-z_][A-Za-z0-9_]*) is missing a value`)

// maxRequired bounds the loads that look for one more required variable:
// compose-go names them one at a time.
const maxRequired = 16

// RequiredVariables are the variables a load error says are marked
// required and not set, sorted; none for another error or none.
func RequiredVariables(err error) []string {
	if err == nil {
		return nil
	}
	var out []string
	for _, m := range requiredRE.FindAllStringSubmatch(err.Error(), -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	slices.Sort(out)
	return out
}

// UnsetVariables are the variables the loader's warnings say nothing set,
// by name.
func UnsetVariables(warnings []string) []string {
	var out []string
	for _, w := range warnings {
		if m := unsetRE.FindStringSubmatch(w); m != nil && !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	slices.Sort(out) // the loader warns in map order
	return out
}

// LoadWithPlaceholders loads a configuration giving each of vars a number
// of its own (a valid port, count, image name…), to see whether only their
// absence made it invalid. The replacer puts ${VAR} back in place of its
// number in what the rules say ("publishes ${DB_PORT}:5432").
func LoadWithPlaceholders(ctx context.Context, files []string, env EnvFile, vars []string) (*types.Project, *strings.Replacer, error) {
	assigned := make([]string, len(vars))
	back := make([]string, 0, 2*len(vars))
	for i, v := range vars {
		n := strconv.Itoa(placeholderBase + i)
		assigned[i] = v + "=" + n
		back = append(back, n, "${"+v+"}")
	}
	p, _, err := load(ctx, files, env, cli.WithEnv(assigned))
	return p, strings.NewReplacer(back...), err
}

// placeholderBase is the first placeholder: a port number no configuration
// is likely to write itself.
const placeholderBase = 47101

// LoadRaw loads a configuration that Load refused, without the schema
// validation, interpolation and consistency checks that refused it, so the hardening
// rules can still be applied to what the files say.
func LoadRaw(ctx context.Context, files []string) (*types.Project, error) {
	p, _, err := load(ctx, files, DotEnv(files), cli.WithLoadOptions(func(o *loader.Options) {
		o.SkipValidation, o.SkipConsistencyCheck, o.SkipInterpolation = true, true, true
	}))
	return p, err
}

func load(ctx context.Context, files []string, env EnvFile, extra ...cli.ProjectOptionsFn) (p *types.Project, warnings []string, err error) {
	dir := filepath.Dir(files[0])
	opts := []cli.ProjectOptionsFn{
		cli.WithWorkingDirectory(dir),
		cli.WithName(projectName(dir)),
		cli.WithProfiles([]string{"*"}),
		cli.WithoutEnvironmentResolution,
		// The one variable of the process environment a configuration
		// may count on: the shell sets PWD where docker compose runs,
		// beside the file (${PWD}/config:/etc/app).
		cli.WithEnv([]string{"PWD=" + dir}),
	}
	opts = append(opts, extra...)
	if f, err := repofs.Open(env.Root, env.Rel); err == nil {
		// compose-go reads it again; this only makes sure it is a regular
		// file inside the project, so a FIFO cannot stall the load.
		f.Close()
		opts = append(opts, cli.WithEnvFiles(filepath.Join(env.Root, filepath.FromSlash(env.Rel))), cli.WithDotEnv)
	}
	warnings = captureLog(func() {
		defer func() {
			// A crash in the loader on an odd file is that file's error,
			// not the end of the process.
			if r := recover(); r != nil {
				p, err = nil, fmt.Errorf("compose loader failed: %v", r)
			}
		}()
		var o *cli.ProjectOptions
		o, err = cli.NewProjectOptions(files, opts...)
		if err != nil {
			return
		}
		p, err = o.LoadProject(ctx)
	})
	return p, warnings, err
}

// projectName is what compose would call a project in dir; a name is
// required, and a directory name may normalise to nothing.
func projectName(dir string) string {
	if n := loader.NormalizeProjectName(filepath.Base(dir)); n != "" {
		return n
	}
	return "project"
}

// compose-go reports warnings through the global logrus logger. Left alone
// they would be printed over the cockpit; instead they are discarded and
// collected, one load at a time, as evidence for the result that caused
// them.
var (
	logOnce sync.Once
	logMu   sync.Mutex
	logHook = &captureHook{}
)

type captureHook struct {
	mu    sync.Mutex
	lines []string
}

func (h *captureHook) Levels() []logrus.Level { return logrus.AllLevels }

func (h *captureHook) Fire(e *logrus.Entry) error {
	if e.Level > logrus.WarnLevel {
		return nil // info and debug chatter
	}
	h.mu.Lock()
	h.lines = append(h.lines, e.Message)
	h.mu.Unlock()
	return nil
}

func captureLog(fn func()) []string {
	logOnce.Do(func() {
		logrus.SetOutput(io.Discard)
		logrus.AddHook(logHook)
	})
	logMu.Lock()
	defer logMu.Unlock()
	logHook.mu.Lock()
	logHook.lines = nil
	logHook.mu.Unlock()
	fn()
	logHook.mu.Lock()
	defer logHook.mu.Unlock()
	return logHook.lines
}

// LoadError is a configuration the loader rejected, placed at the file and
// line it concerns where the message allows it.
type LoadError struct {
	File string // repo-relative; "" when unknown
	Line int
	Msg  string
}

func (e LoadError) String() string {
	switch {
	case e.File != "" && e.Line > 0:
		return e.File + ":" + strconv.Itoa(e.Line) + ": " + e.Msg
	case e.File != "":
		return e.File + ": " + e.Msg
	}
	return e.Msg
}

var (
	validatingRE   = regexp.MustCompile(`^validating (\S+): (.*)$`)
	schemaPathRE   = regexp.MustCompile(`^([A-Za-z0-9_.\-]+)\s`)
	additionalRE   = regexp.MustCompile(`additional propert(?:y|ies) '([^']+)'`)
	interpolateRE  = regexp.MustCompile(`interpolating ([A-Za-z0-9_.\-]+):`)
	decodePathRE   = regexp.MustCompile(`'services\[([^\]]+)\]\.([A-Za-z0-9_.\-]+)'`)
	serviceRE      = regexp.MustCompile(`service "([^"]+)"`)
	containerRE    = regexp.MustCompile(`can't set container_name and (\S+) as container name`)
	quotedFileRE   = regexp.MustCompile(`compose file "([^"]+)"`)
	firstLineOfErr = regexp.MustCompile(`\s*\n\s*`)
)

// LocateError turns a loader error into a LoadError. files are the
// configuration's files in load order; their trees come from l. Absolute
// paths under root are shortened to repo-relative ones.
func LocateError(err error, root string, files []string, l *Locator) LoadError {
	msg := strings.TrimSpace(firstLineOfErr.ReplaceAllString(err.Error(), " "))
	rel := func(p string) string {
		if r, e := filepath.Rel(root, p); e == nil && !strings.HasPrefix(r, "..") {
			return filepath.ToSlash(r)
		}
		return p
	}
	short := strings.ReplaceAll(msg, filepath.Clean(root)+string(filepath.Separator), "")
	le := LoadError{Msg: short}

	// A file that is not YAML at all: our own parser says which one and
	// at which line, where the loader's message names neither reliably.
	for _, f := range files {
		if pe := l.ParseError(f); pe != nil {
			le.File, le.Line, le.Msg = f, pe.Line, pe.Msg
			return le
		}
	}
	if m := validatingRE.FindStringSubmatch(msg); m != nil {
		le.File = rel(m[1])
		le.Msg = m[2]
		var path []string
		if pm := schemaPathRE.FindStringSubmatch(m[2]); pm != nil {
			path = strings.Split(pm[1], ".")
		}
		if strings.HasSuffix(m[2], " false schema") && len(path) > 0 {
			// Of several unknown keys, compose-go names one picked in map
			// order, another each run: the first in the file is named, so
			// the finding (its line, its id) holds still.
			if k := l.firstUnknownKey(le.File, path[:len(path)-1]); k != "" {
				path[len(path)-1] = k
				le.Msg = strings.Join(path, ".") + " false schema"
			}
		}
		if am := additionalRE.FindStringSubmatch(m[2]); am != nil {
			path = append(path, am[1])
		}
		le.Line = l.LineIn(le.File, path)
		return le
	}
	var path []string
	switch {
	case interpolateRE.MatchString(msg):
		path = strings.Split(interpolateRE.FindStringSubmatch(msg)[1], ".")
	case decodePathRE.MatchString(msg):
		m := decodePathRE.FindStringSubmatch(msg)
		path = append([]string{"services", m[1]}, strings.Split(m[2], ".")...)
	case containerRE.MatchString(msg):
		path = []string{"services", containerRE.FindStringSubmatch(msg)[1], "container_name"}
	case serviceRE.MatchString(msg):
		path = []string{"services", serviceRE.FindStringSubmatch(msg)[1]}
	}
	if path != nil {
		le.File, le.Line = l.Find(path)
		return le
	}
	if m := quotedFileRE.FindStringSubmatch(msg); m != nil {
		le.File = rel(m[1])
	}
	// Otherwise (say the loader's YAML parser rejects what ours accepted)
	// there is no line to trust: the "line N" in such messages is off by
	// one either way, so the message stands as it is.
	if le.File == "" && len(files) > 0 {
		le.File = files[0]
	}
	return le
}
