package dockerfile

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/preflight-dev/preflight/collectors/deployfiles"
	"github.com/preflight-dev/preflight/collectors/imageref"
	"github.com/preflight-dev/preflight/model"
)

// ParseError is a Dockerfile that BuildKit's parser rejects, with the line
// it names (0 when it names none).
type ParseError struct {
	Line int
	Msg  string
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}

// Image is what a Dockerfile's target stage produces, following the
// stages it builds on ("FROM build AS final" inherits build's USER).
type Image struct {
	Stage       string // stage name, "" when unnamed
	FromLine    int    // line of the target stage's FROM
	User        string // the last USER in effect, "" when none is set
	UserLine    int    // line of that USER
	Base        string // the external image the chain starts from, after ARG defaults
	Healthcheck bool   // a HEALTHCHECK other than NONE is in effect
	NoneCheck   bool   // HEALTHCHECK NONE is in effect: deliberately none
	// Command is what the container runs, as a shell would read it: the
	// ENTRYPOINT and CMD in effect; "" when the file sets neither.
	Command string
}

// RunsAsRoot reports whether the image's process runs as root: no USER (and
// a base image not known to drop root), or USER root / 0.
func (im Image) RunsAsRoot() bool {
	if im.User == "" {
		return !imageref.Parse(im.Base).RunsAsNonRoot()
	}
	return rootUser(im.User)
}

// rootUser reports whether a USER value names root. A value built from a
// variable cannot be judged and is taken at its word.
func rootUser(u string) bool {
	name, _, _ := strings.Cut(strings.TrimSpace(u), ":")
	return name == "root" || name == "0"
}

// Analysis is the result of reading one Dockerfile.
type Analysis struct {
	Findings []model.Finding // rule findings, located in file; Collector and Domain unset
	Stages   int
	Final    Image // the last stage
	// ContextCopies are the lines of the shipped stages that copy the
	// whole build context (COPY . .), which .dockerignore decides.
	ContextCopies []int
	// Carried are builder stages' context copies whose .env a shipped
	// stage takes with the build's output: Next.js standalone output holds
	// the .env files next build loaded.
	Carried []Carried
}

// Carried is a builder stage's copy of the whole context (at Line) whose
// .env reaches the image through the output the COPY --from at By takes.
type Carried struct {
	Line, By int
	Output   string // what By copies: "/app/.next/standalone"
}

// Parse reads a Dockerfile with BuildKit's parser and instruction reader,
// the code docker build itself uses. A Dockerfile docker would reject is a
// *ParseError.
func Parse(src []byte) (stages []instructions.Stage, metaArgs []instructions.ArgCommand, err error) {
	defer func() {
		// Third-party parsers fed arbitrary files must not take the
		// process down; a crash is reported like a syntax error.
		if r := recover(); r != nil {
			stages, metaArgs, err = nil, nil, &ParseError{Msg: fmt.Sprintf("Dockerfile parser failed: %v", r)}
		}
	}()
	res, err := parser.Parse(bytes.NewReader(src))
	if err != nil {
		return nil, nil, toParseError(err)
	}
	stages, metaArgs, err = instructions.Parse(res.AST, linter.New(&linter.Config{}))
	if err != nil {
		return nil, nil, toParseError(err)
	}
	if len(stages) == 0 {
		return nil, nil, &ParseError{Line: 1, Msg: "no FROM instruction"}
	}
	return stages, metaArgs, nil
}

var lineInMessage = regexp.MustCompile(`^dockerfile parse error on line (\d+): `)

func toParseError(err error) *ParseError {
	pe := &ParseError{Msg: err.Error()}
	var le *parser.LocationError
	if errors.As(err, &le) {
		for _, rs := range le.Locations {
			if len(rs) > 0 && rs[0].Start.Line > 0 {
				pe.Line = rs[0].Start.Line
				break
			}
		}
	}
	if m := lineInMessage.FindStringSubmatch(pe.Msg); m != nil {
		pe.Msg = pe.Msg[len(m[0]):]
		if pe.Line == 0 {
			fmt.Sscan(m[1], &pe.Line)
		}
	}
	return pe
}

// Analyze parses a Dockerfile and applies every rule. file is the
// repo-relative path findings are reported at.
func Analyze(file string, src []byte) (Analysis, error) {
	stages, metaArgs, err := Parse(src)
	if err != nil {
		return Analysis{}, err
	}
	a := analyzer{file: file, lines: strings.Split(string(src), "\n"), stages: stages, args: argDefaults(metaArgs)}
	a.run()
	final := a.image(len(stages) - 1)
	return Analysis{Findings: a.findings, Stages: len(stages), Final: final, ContextCopies: a.contextCopies, Carried: a.carried()}, nil
}

// Inspect reads what the stage target of a Dockerfile produces ("" for the
// last stage). An unknown target is an error, as it is for docker build.
func Inspect(src []byte, target string) (Image, error) {
	stages, metaArgs, err := Parse(src)
	if err != nil {
		return Image{}, err
	}
	a := analyzer{stages: stages, args: argDefaults(metaArgs)}
	if target == "" {
		return a.image(len(stages) - 1), nil
	}
	for i, s := range stages {
		if strings.EqualFold(s.Name, target) {
			return a.image(i), nil
		}
	}
	return Image{}, fmt.Errorf("target stage %q not found", target)
}

// argDefaults are the build arguments declared before the first FROM with
// their defaults: what FROM lines expand with when no --build-arg is given.
func argDefaults(metaArgs []instructions.ArgCommand) map[string]string {
	env := map[string]string{}
	lex := shell.NewLex('\\')
	for _, a := range metaArgs {
		for _, kv := range a.Args {
			if kv.Value == nil {
				continue
			}
			// As BuildKit does: quotes removed, earlier ARGs expanded
			// (ARG V="22-alpine" is 22-alpine).
			v, _, err := lex.ProcessWord(*kv.Value, mapEnv(env))
			if err != nil {
				v = *kv.Value
			}
			env[kv.Key] = v
		}
	}
	return env
}

type mapEnv map[string]string

func (m mapEnv) Get(k string) (string, bool) { v, ok := m[k]; return v, ok }
func (m mapEnv) Keys() []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}

// envFile reports a COPY source that names an env file — .env, .env.*,
// app.env, or a pattern such as .env* — other than an example of one.
func envFile(src string) bool {
	base := strings.ToLower(path.Base(src))
	for _, ex := range deployfiles.DotenvExamples {
		if base == ex {
			return false
		}
	}
	for _, w := range []string{"example", "sample", "template", "dist"} {
		if strings.Contains(base, w) {
			return false
		}
	}
	return base == ".env" || strings.HasPrefix(base, ".env.") || base == ".env*" || (strings.HasSuffix(base, ".env") && base != ".env")
}

type analyzer struct {
	file     string
	lines    []string
	stages   []instructions.Stage
	args     map[string]string
	findings []model.Finding
	// contextCopies: see Analysis.
	contextCopies []int
}

func (a *analyzer) add(r ruleRef, line int, msg string) {
	a.findings = append(a.findings, r.Finding(a.file, line, a.column(line), msg))
}

// column is where the instruction on line starts (1-based).
func (a *analyzer) column(line int) int {
	if line < 1 || line > len(a.lines) {
		return 0
	}
	l := a.lines[line-1]
	return len(l) - len(strings.TrimLeft(l, " \t")) + 1
}

func startLine(rs []parser.Range) int {
	if len(rs) == 0 {
		return 0
	}
	return rs[0].Start.Line
}

// base expands a FROM's image name with the meta ARG defaults. It returns
// "" when the name still depends on an argument without a default.
func (a *analyzer) base(s instructions.Stage) string {
	name, unset, err := shell.NewLex('\\').ProcessWord(s.BaseName, mapEnv(a.args))
	if err != nil || name == "" || len(unset) > 0 || imageref.Variable(name) {
		return "" // the build gives it (ARG GOLANG_VERSION with no default)
	}
	return name
}

// stageIndex finds an earlier stage by name: FROM <stage> builds on it.
func (a *analyzer) stageIndex(name string, before int) int {
	for i := 0; i < before && i < len(a.stages); i++ {
		if a.stages[i].Name != "" && strings.EqualFold(a.stages[i].Name, name) {
			return i
		}
	}
	return -1
}

// chain lists the stages stage i builds on, outermost first, ending with i.
func (a *analyzer) chain(i int) []int {
	var out []int
	for i >= 0 && len(out) <= len(a.stages) {
		out = append([]int{i}, out...)
		i = a.stageIndex(a.stages[i].BaseName, i)
	}
	return out
}

func (a *analyzer) image(i int) Image {
	s := a.stages[i]
	im := Image{Stage: s.Name, FromLine: startLine(s.Location)}
	ch := a.chain(i)
	im.Base = a.base(a.stages[ch[0]])
	var entrypoint, cmd *instructions.ShellDependantCmdLine
	for _, si := range ch {
		for _, c := range a.stages[si].Commands {
			switch c := c.(type) {
			case *instructions.EntrypointCommand:
				entrypoint, cmd = &c.ShellDependantCmdLine, nil // a new ENTRYPOINT resets CMD
			case *instructions.CmdCommand:
				cmd = &c.ShellDependantCmdLine
			case *instructions.UserCommand:
				im.User, im.UserLine = c.User, startLine(c.Location())
			case *instructions.HealthCheckCommand:
				none := c.Health == nil || len(c.Health.Test) == 0 || strings.EqualFold(c.Health.Test[0], "NONE")
				im.Healthcheck, im.NoneCheck = !none, none
			}
		}
	}
	im.Command = commandLine(entrypoint, cmd)
	return im
}

// commandLine is what ENTRYPOINT and CMD run, as a shell line: the shell
// form as written, the exec form's words quoted; CMD gives an exec-form
// ENTRYPOINT its arguments, and none to a shell-form one.
func commandLine(entrypoint, cmd *instructions.ShellDependantCmdLine) string {
	var words []string
	for _, c := range []*instructions.ShellDependantCmdLine{entrypoint, cmd} {
		if c == nil {
			continue
		}
		if c.PrependShell {
			words = append(words, strings.Join(c.CmdLine, " "))
			if c == entrypoint {
				break
			}
			continue
		}
		for _, w := range c.CmdLine {
			words = append(words, shellQuote(w))
		}
	}
	return strings.Join(words, " ")
}

// shellQuote quotes a word for a shell when it needs quoting.
func shellQuote(w string) string {
	if w != "" && !strings.ContainsAny(w, " \t\n'\"\\$`;&|<>()*?[]{}#~!") {
		return w
	}
	return "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
}

// ruleRef is a rule as the analyzer uses it; rules.Rule satisfies it.
type ruleRef interface {
	Finding(file string, line, col int, message string) model.Finding
}

func (a *analyzer) run() {
	shipped := map[int]bool{} // the stages the final image is built on
	if len(a.stages) > 0 {
		for _, i := range a.chain(len(a.stages) - 1) {
			shipped[i] = true
		}
	}
	for i, s := range a.stages {
		a.checkBase(i, s)
		for _, c := range s.Commands {
			a.checkCommand(c, shipped[i])
		}
	}
	a.checkFinal()
}

// carried finds the shipped stages' COPY --from of a Next.js standalone
// output (.next/standalone: next build copies the .env files it loaded
// into it) built in a stage that copied the whole context.
func (a *analyzer) carried() []Carried {
	if len(a.stages) == 0 {
		return nil
	}
	var out []Carried
	for _, si := range a.chain(len(a.stages) - 1) {
		for _, c := range a.stages[si].Commands {
			cp, ok := c.(*instructions.CopyCommand)
			if !ok || cp.From == "" {
				continue
			}
			from := a.stageIndex(cp.From, si)
			if n, err := strconv.Atoi(cp.From); err == nil && n >= 0 && n < si {
				from = n
			}
			i := slices.IndexFunc(cp.SourcePaths, func(p string) bool { return strings.Contains(p, ".next/standalone") })
			if from < 0 || i < 0 {
				continue
			}
			for _, bi := range a.chain(from) {
				if line := a.contextCopy(bi); line > 0 {
					out = append(out, Carried{Line: line, By: startLine(cp.Location()), Output: cp.SourcePaths[i]})
					break
				}
			}
		}
	}
	return out
}

// contextCopy is the line of stage i's first copy of the whole context,
// 0 when it has none.
func (a *analyzer) contextCopy(i int) int {
	for _, c := range a.stages[i].Commands {
		switch c := c.(type) {
		case *instructions.CopyCommand:
			if c.From == "" && copiesContext(c.SourcePaths, c.ExcludePatterns) {
				return startLine(c.Location())
			}
		case *instructions.AddCommand:
			if copiesContext(c.SourcePaths, c.ExcludePatterns) {
				return startLine(c.Location())
			}
		}
	}
	return 0
}

func (a *analyzer) checkBase(i int, s instructions.Stage) {
	line := startLine(s.Location)
	if strings.EqualFold(s.BaseName, "scratch") || a.stageIndex(s.BaseName, i) >= 0 {
		return
	}
	name := a.base(s)
	if name == "" {
		return
	}
	ref := imageref.Parse(name)
	shown := name
	if s.BaseName != name {
		// As written, then what the ARG defaults make of it: a default may
		// be a placeholder the build replaces (GO_VERSION=PLEASE_PROVIDE).
		shown = s.BaseName + " (" + name + " with the ARG defaults)"
	}
	switch ref.Pinning() {
	case imageref.Floating:
		how := "has no tag, so it means :latest"
		if ref.Tag != "" {
			how = "uses :" + ref.Tag
		}
		a.add(RuleBaseImageUnpinned, line, fmt.Sprintf("FROM %s %s; pin a version tag, ideally a digest", shown, how))
	case imageref.Tagged:
		a.add(RuleBaseImageNoDigest, line, fmt.Sprintf("FROM %s is pinned by tag only; add @sha256:… to pin the exact image", shown))
	}
}

func (a *analyzer) checkFinal() {
	last := len(a.stages) - 1
	im := a.image(last)
	switch {
	case im.User != "" && rootUser(im.User):
		a.add(RuleRootUser, im.UserLine, fmt.Sprintf("final stage sets USER %s; switch to an unprivileged user", im.User))
	case im.User == "" && im.RunsAsRoot():
		a.add(RuleRootUser, im.FromLine, "final stage has no USER instruction, so it runs as root")
	}
	if !im.Healthcheck && !im.NoneCheck {
		a.add(RuleNoHealthcheck, im.FromLine, "final stage has no HEALTHCHECK")
	}
}

// checkCommand applies the instruction rules; what only costs image size
// (apt's recommends and lists) counts in the stages the final image is
// built on, not in a builder stage whose layers do not ship.
func (a *analyzer) checkCommand(c instructions.Command, shipped bool) {
	line := 0
	if l, ok := c.(interface{ Location() []parser.Range }); ok {
		line = startLine(l.Location())
	}
	switch c := c.(type) {
	case *instructions.AddCommand:
		if local := localAddSources(c); len(local) > 0 {
			a.add(RuleAddInsteadOfCopy, line, fmt.Sprintf("ADD %s copies local files; use COPY", strings.Join(local, " ")))
		}
		if shipped && copiesContext(c.SourcePaths, c.ExcludePatterns) {
			a.contextCopies = append(a.contextCopies, line)
		}
	case *instructions.CopyCommand:
		if shipped && c.From == "" && copiesContext(c.SourcePaths, c.ExcludePatterns) {
			a.contextCopies = append(a.contextCopies, line)
		}
		if shipped && c.From == "" {
			for _, src := range c.SourcePaths {
				if envFile(src) {
					a.add(RuleEnvFileInImage, line, fmt.Sprintf("COPY %s puts an env file into the image, with every value in it", src))
					break
				}
			}
		}
	case *instructions.EnvCommand:
		for _, kv := range c.Env {
			if deployfiles.SecretName(kv.Key) && literalValue(kv.Value) {
				a.add(RuleSecretInEnv, line, fmt.Sprintf("ENV %s is set to a literal value that is stored in the image", kv.Key))
			}
		}
	case *instructions.ArgCommand:
		for _, kv := range c.Args {
			if kv.Value != nil && deployfiles.SecretName(kv.Key) && literalValue(*kv.Value) {
				a.add(RuleSecretInArg, line, fmt.Sprintf("ARG %s has a literal default that is recorded in the image history", kv.Key))
			}
		}
	case *instructions.RunCommand:
		a.checkRun(c, line, shipped)
	}
}

// copiesContext reports a COPY or ADD of the whole build context (. or
// *) that does not exclude .env itself (--exclude).
func copiesContext(sources, excludes []string) bool {
	for _, e := range excludes {
		if e == ".env" || e == ".env*" || e == "**/.env" {
			return false
		}
	}
	return slices.ContainsFunc(sources, func(s string) bool {
		return s == "." || s == "./" || s == "*" || s == "./*"
	})
}

func (a *analyzer) checkRun(c *instructions.RunCommand, line int, shipped bool) {
	f := examineScript(runScript(c))
	if f.sudo {
		a.add(RuleSudo, line, "RUN uses sudo")
	}
	if f.pipeToShell {
		a.add(RulePipeToShell, line, "RUN pipes a downloaded script into a shell")
	}
	if f.aptRecommends && shipped {
		a.add(RuleAptInstallRecommends, line, f.aptProgram+" install without --no-install-recommends")
	}
	if f.aptInstall && !f.aptListsRemoved && !aptCacheMounted(c) && shipped {
		a.add(RuleAptListsNotRemoved, line, f.aptProgram+" install without rm -rf /var/lib/apt/lists/* in the same RUN")
	}
}

// runScript is the shell text a RUN executes: its command line, plus the
// heredoc bodies that are the script itself ("RUN <<EOF", "RUN bash <<EOF")
// rather than input to another program ("RUN cat <<EOF > file").
func runScript(c *instructions.RunCommand) string {
	if !c.PrependShell {
		// Exec form: ["sh", "-c", "script"] runs the script; anything else
		// is one command.
		if len(c.CmdLine) >= 3 && shells[path.Base(c.CmdLine[0])] && c.CmdLine[1] == "-c" {
			return c.CmdLine[2]
		}
		return quoteWords(c.CmdLine)
	}
	script := strings.Join(c.CmdLine, " ")
	trimmed := strings.TrimSpace(script)
	first, _, _ := strings.Cut(trimmed, " ")
	if strings.HasPrefix(trimmed, "<<") || shells[path.Base(first)] {
		for _, f := range c.Files {
			script += "\n" + f.Data
		}
	}
	return script
}

func quoteWords(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}

// aptCacheMounted reports a RUN that keeps apt's lists in a cache mount,
// which never enters the layer.
func aptCacheMounted(c *instructions.RunCommand) bool {
	// Mount options are only read once expanded; expanding words to
	// themselves is enough to see the type and target.
	if err := c.Expand(func(w string) (string, error) { return w, nil }); err != nil {
		return false
	}
	for _, m := range instructions.GetMounts(c) {
		if m.Type == instructions.MountTypeCache && strings.HasPrefix(m.Target, "/var/lib/apt") {
			return true
		}
	}
	return false
}

// archiveExt are the archives ADD unpacks, its one legitimate local use.
var archiveExt = []string{".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst"}

// localAddSources returns the sources of an ADD that COPY would copy the
// same way: not URLs or git repositories, not archives to unpack.
func localAddSources(c *instructions.AddCommand) []string {
	var local []string
	for _, src := range c.SourcePaths {
		s := strings.ToLower(src)
		remote := strings.Contains(s, "://") || strings.HasPrefix(s, "git@")
		archive := false
		for _, ext := range archiveExt {
			if strings.HasSuffix(s, ext) {
				archive = true
			}
		}
		if !remote && !archive {
			local = append(local, src)
		}
	}
	for _, content := range c.SourceContents {
		local = append(local, "<<"+content.Path)
	}
	return local
}
