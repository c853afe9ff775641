package workflows

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/preflight-dev/preflight/collectors/filerules"
	"github.com/preflight-dev/preflight/collectors/nodepkg"
	"github.com/preflight-dev/preflight/internal/shellwords"
	"github.com/preflight-dev/preflight/internal/yamlpos"
)

// Tree is the repository a pipeline runs in, for the checks that look at
// the files a step uses: the package.json whose script it runs, its
// working directory, its lockfile.
type Tree interface {
	ReadFile(rel string) ([]byte, error)
	IsDir(rel string) bool
}

// stepDir is the directory a run: step starts in, relative to the
// repository: the step's working-directory, else the job's, else the
// workflow's defaults.run. ok is false when it cannot be known (an
// expression, a path outside the checkout).
func stepDir(step, job, root *yamlpos.Node) (dir string, at *yamlpos.Node, ok bool) {
	for _, n := range []*yamlpos.Node{step.Get("working-directory"), job.Path("defaults", "run", "working-directory"), root.Path("defaults", "run", "working-directory")} {
		if n == nil {
			continue
		}
		d := strings.TrimSpace(n.Text())
		if d == "" || strings.Contains(d, "${{") || strings.Contains(d, "$") || path.IsAbs(d) {
			return "", nil, false
		}
		d = path.Clean(d)
		if d == ".." || strings.HasPrefix(d, "../") {
			return "", nil, false
		}
		return d, n, true
	}
	return ".", nil, true
}

// checksOutElsewhere reports whether a job checks code out somewhere other
// than the workspace root (another repository, a path:): the layout the
// steps see is then not this repository's.
func checksOutElsewhere(job *yamlpos.Node) bool {
	for _, step := range job.Get("steps").List() {
		if actionName(step.Get("uses").Text()) != "actions/checkout" {
			continue
		}
		with := step.Get("with")
		if with.Get("path").Text() != "" || with.Get("repository").Text() != "" {
			return true
		}
	}
	return false
}

// checkScripts reports the commands of a run: step that cannot work: a
// package script that does not exist, a working directory that does not,
// npm ci without a lockfile.
func (w *workflow) checkScripts(run *yamlpos.Node, dir string, dirAt *yamlpos.Node) {
	if w.tree == nil {
		return
	}
	if dirAt != nil && dir != "." && !w.tree.IsDir(dir) {
		w.p.report(RuleMissingWorkingDirectory, w.file, dirAt.Line, dirAt.Column,
			fmt.Sprintf("working-directory %s does not exist in the repository: the step fails before it runs", dir))
		return
	}
	for _, cmd := range shellwords.Commands(run.Value) {
		if to, ok := cmd.Cd(); ok {
			if to == "" {
				return // somewhere we cannot follow
			}
			dir = path.Clean(path.Join(dir, to))
			continue
		}
		words := withoutAssignments(cmd.Values())
		if len(words) == 0 {
			continue
		}
		line := scriptLine(run, cmd.Line)
		if script, ok := scriptCall(words); ok {
			w.checkScript(dir, script, filerules.Clip(cmd.Text, 80), line)
		} else {
			w.followShell(dir, words, filerules.Clip(cmd.Text, 80), line)
		}
		if isNpmCI(words) && w.upward(dir, "package-lock.json") == "" && w.upward(dir, "npm-shrinkwrap.json") == "" {
			w.p.report(RuleNpmCIWithoutLockfile, w.file, line, 0,
				fmt.Sprintf("`%s` runs in %s, and neither it nor a directory above has a package-lock.json: npm ci refuses to install without one", filerules.Clip(cmd.Text, 80), dirName(dir)))
		}
	}
}

// upward finds name in dir or the nearest directory above it, as npm finds
// the package (and a workspace root's lockfile) it works on; "" if none.
func (w *workflow) upward(dir, name string) string { return upward(w.tree, dir, name) }

func upward(tree Tree, dir, name string) string {
	for {
		if _, err := tree.ReadFile(path.Join(dir, name)); err == nil {
			return path.Join(dir, name)
		}
		if dir == "." {
			return ""
		}
		dir = path.Dir(dir)
	}
}

func dirName(dir string) string {
	if dir == "." {
		return "the repository root"
	}
	return dir
}

// checkScript reports a package script the command runs that the
// directory's package.json does not define.
func (w *workflow) checkScript(dir string, call scriptRef, text string, line int) {
	file := w.upward(dir, "package.json")
	data, err := w.tree.ReadFile(file)
	if file == "" || err != nil {
		w.p.report(RuleMissingScript, w.file, line, 0,
			fmt.Sprintf("`%s` runs in %s, and neither it nor a directory above has a package.json: the step fails", text, dirName(dir)))
		return
	}
	pkg, err := nodepkg.ParseManifest(data)
	if err != nil {
		return // a package.json npm refuses is package-json/invalid, at its line
	}
	if _, ok := pkg.Scripts[call.name]; ok {
		w.followScript(pkg, file, call, text, line)
		return
	}
	if call.name == "start" || call.optional {
		return // without a script, npm start runs node server.js; --if-present runs nothing
	}
	if call.bare && (pkg.Dependencies[call.name] != "" || pkg.DevDependencies[call.name] != "" || knownBins[call.name] ||
		w.providedByDependency(path.Dir(file), pkg, call.name)) {
		return // `pnpm eslint` runs the binary when there is no such script
	}
	w.p.report(RuleMissingScript, w.file, line, 0,
		fmt.Sprintf("`%s` will fail: %s has no %q script", text, file, call.name))
}

// scriptShowsStages reports whether command runs a package script of the
// package in dir (or above it) whose commands, followed, show a stage.
func (w *workflow) scriptShowsStages(dir, command string) bool {
	cmds := shellwords.Commands(command)
	if w.tree == nil || len(cmds) != 1 {
		return false
	}
	words := withoutAssignments(cmds[0].Values())
	if len(words) == 0 {
		return false
	}
	call, ok := scriptCall(words)
	if !ok {
		return false
	}
	file := w.upward(dir, "package.json")
	if file == "" {
		return false
	}
	data, err := w.tree.ReadFile(file)
	if err != nil {
		return false
	}
	pkg, err := nodepkg.ParseManifest(data)
	if err != nil {
		return false
	}
	scratch := newPipeline()
	newFollower(scratch, w.tree, w.file, command, 0).npmScript(pkg, file, call, 0)
	return len(scratch.Stages) > 0
}

// followScript records the stages the package script a step runs shows
// by what it runs, not only by its name: `npm run lint` whose script runs
// `tsc --noEmit` type-checks. Scripts that run other scripts of the same
// package, and shell scripts of the repository (bash scripts/ci.sh), are
// followed, each once.
func (w *workflow) followScript(pkg nodepkg.Manifest, file string, call scriptRef, text string, line int) {
	f := newFollower(w.p, w.tree, w.file, text, line)
	f.npmScript(pkg, file, call, 0)
}

// followShell records the stages of what a step runs of the repository's
// own: a shell script (./scripts/ci.sh, bash test/run.sh) or a make target,
// by the commands in it.
func (w *workflow) followShell(dir string, words []string, text string, line int) {
	newFollower(w.p, w.tree, w.file, text, line).command(dir, words, 0)
}

// follower follows what one CI command runs into the repository.
type follower struct {
	p    *Pipeline
	tree Tree
	file string // the CI file
	text string // the command, as the evidence names it
	line int    // its line in the CI file
	seen map[string]bool
}

func newFollower(p *Pipeline, tree Tree, file, text string, line int) *follower {
	return &follower{p: p, tree: tree, file: file, text: text, line: line, seen: map[string]bool{}}
}

// see records the stages of the commands in script, found in where and
// run in dir ("" when it does not matter).
func (f *follower) see(dir, script string, where func(m CommandMatch) string) {
	for _, m := range CommandStages(script) {
		st := m.Stages
		if dir != "" && st.Has(Build) && f.tscWithoutEmit(dir, m.Command) {
			st &^= build
		}
		f.p.see(st, Evidence{f.file, f.line, fmt.Sprintf("%s runs %s (%s)", f.text, filerules.Clip(m.Command, 60), where(m))})
	}
}

// noEmit is a tsconfig's "noEmit": true.
var noEmit = regexp.MustCompile(`"noEmit"\s*:\s*true`)

// tscWithoutEmit reports a tsc command run in dir whose configuration
// (-p, else tsconfig.json) says noEmit: it type-checks and builds
// nothing (excalidraw's test:typecheck is a bare tsc).
func (f *follower) tscWithoutEmit(dir, command string) bool {
	cmds := shellwords.Commands(command)
	if len(cmds) != 1 {
		return false
	}
	words := stripPrefixes(cmds[0].Values())
	if len(words) == 0 || toolName(words[0]) != "tsc" {
		return false
	}
	config := "tsconfig.json"
	for i, w := range words[1:] {
		if (w == "-p" || w == "--project") && i+2 < len(words) {
			config = words[i+2]
		}
	}
	if !strings.HasSuffix(config, ".json") {
		config = path.Join(config, "tsconfig.json")
	}
	data, err := f.tree.ReadFile(path.Clean(path.Join(dir, config)))
	return err == nil && noEmit.Match(data)
}

// command follows one command run in dir into what it runs of the
// repository: a package script, a shell script, a make target.
func (f *follower) command(dir string, words []string, depth int) {
	if f.tree == nil || depth > maxNesting {
		return
	}
	if call, ok := scriptCall(words); ok {
		if pj := upward(f.tree, dir, "package.json"); pj != "" {
			if data, err := f.tree.ReadFile(pj); err == nil {
				if pkg, err := nodepkg.ParseManifest(data); err == nil {
					f.npmScript(pkg, pj, call, depth+1)
				}
			}
		}
	} else if script := shellScriptArg(words); script != "" {
		f.shellScript(dir, script, depth+1)
	} else if tool := toolName(words[0]); tool == "make" || tool == "gmake" {
		f.makeTargets(dir, words[1:], depth+1)
	} else if tool == "pre-commit" || tool == "prek" {
		f.preCommitHooks(words[1:], depth+1)
	} else if tool == "golangci-lint" {
		f.golangciSecurity(dir, words[1:])
	}
}

// commands follows each command of a script run in dir, into the
// directory a cd goes to (`cd cli && pnpm pub:beta`), up to a cd whose
// directory it does not know or that leaves the repository.
func (f *follower) commands(dir, script string, depth int) {
	for _, cmd := range shellwords.Commands(script) {
		if to, ok := cmd.Cd(); ok {
			if to == "" {
				return
			}
			if dir = path.Clean(path.Join(dir, to)); dir == ".." || strings.HasPrefix(dir, "../") {
				return
			}
			continue
		}
		if words := withoutAssignments(cmd.Values()); len(words) > 0 {
			f.command(dir, words, depth)
		}
	}
}

func (f *follower) npmScript(pkg nodepkg.Manifest, file string, call scriptRef, depth int) {
	name := call.name
	body, ok := pkg.Scripts[name]
	if len(call.args) > 0 {
		body += " " + strings.Join(call.args, " ")
	}
	key := file + "#" + name + "\x00" + strings.Join(call.args, " ") // a script, with the words given it
	if !ok || f.seen[key] || depth > maxNesting {
		return
	}
	f.seen[key] = true
	f.see(path.Dir(file), body, func(CommandMatch) string { return fmt.Sprintf("%s, script %q", file, name) })
	f.commands(path.Dir(file), body, depth) // npm runs scripts in the package directory
}

// shellScript follows a script file run from dir: its commands' stages,
// and what it runs in turn.
func (f *follower) shellScript(dir, script string, depth int) {
	file := path.Clean(path.Join(dir, script))
	if f.seen[file] || depth > maxNesting || file == ".." || strings.HasPrefix(file, "../") {
		return
	}
	f.seen[file] = true
	data, err := f.tree.ReadFile(file)
	if err != nil {
		return
	}
	f.see(dir, string(data), func(m CommandMatch) string { return fmt.Sprintf("%s:%d", file, m.Line+1) })
	f.commands(dir, string(data), depth)
}

// shellScriptArg is the shell script file a command runs: ./ci.sh,
// scripts/test.bash, bash x.sh, sh -e x.sh; "" for anything else.
func shellScriptArg(words []string) string {
	isScript := func(w string) bool {
		ext := path.Ext(w)
		return (ext == ".sh" || ext == ".bash") && !strings.ContainsAny(w, "$`*?")
	}
	switch path.Base(words[0]) {
	case "bash", "sh", "dash", "zsh":
		for _, a := range words[1:] {
			if a == "-c" {
				return ""
			}
			if !strings.HasPrefix(a, "-") {
				if isScript(a) {
					return a
				}
				return ""
			}
		}
		return ""
	}
	if isScript(words[0]) {
		return words[0]
	}
	return ""
}

// providedByDependency reports whether a dependency of pkg (in dir) may
// provide the command bin under another name (@lerna-lite/cli provides
// lerna), as the nearest lockfile says. A lockfile that does not name a
// package's commands (pnpm's, Yarn 1's) leaves that package possible.
func (w *workflow) providedByDependency(dir string, pkg nodepkg.Manifest, bin string) bool {
	for _, name := range []string{"yarn.lock", "pnpm-lock.yaml", "package-lock.json", "npm-shrinkwrap.json"} {
		file := w.upward(dir, name)
		if file == "" {
			continue
		}
		data, err := w.tree.ReadFile(file)
		if err != nil {
			continue
		}
		for dep, bins := range nodepkg.LockedBins(name, data) {
			if pkg.HasDependency(dep) && (bins == nil || slices.Contains(bins, bin)) {
				return true
			}
		}
	}
	return false
}

// knownBins are binaries whose package has another name, which pnpm and
// yarn run when no script has their name.
var knownBins = map[string]bool{"tsc": true, "tsx": true, "next": true, "vite": true, "jest": true, "vitest": true,
	"eslint": true, "prettier": true, "playwright": true, "cypress": true, "node": true, "nx": true, "turbo": true}

type scriptRef struct {
	name string
	bare bool // `pnpm X` / `yarn [run] X`: a script, or else a binary
	// args are the words after the script's name, which the package
	// manager appends to the script (`npm start test` runs `nps test`).
	args []string
	// optional: --if-present, the package may have no such script.
	optional bool
}

// scriptCall reads `npm test`, `npm run X`, `pnpm [run] X`, `yarn [run] X`:
// the package script the command runs in its directory. Commands that
// choose another package (--prefix, -w, --filter, -r, workspaces) are not
// followed; one that tolerates a missing script (--if-present, GitHub's
// starter workflow's `npm run build --if-present`) is, when it is there.
func scriptCall(words []string) (scriptRef, bool) {
	own := words[1:]
	if i := slices.Index(own, "--"); i >= 0 {
		own = own[:i] // the script's words
	}
	optional := false
	for _, a := range own {
		switch strings.SplitN(a, "=", 2)[0] {
		case "--prefix", "-w", "--workspace", "--workspaces", "-ws", "-C", "--cwd", "--dir", "--filter", "-F",
			"-r", "--recursive", "-h", "--help":
			return scriptRef{}, false
		case "--if-present":
			optional = true
		}
	}
	ref, ok := scriptCalled(words)
	ref.optional = optional
	return ref, ok
}

// scriptCalled is scriptCall without its look at the flags.
func scriptCalled(words []string) (scriptRef, bool) {
	tool := path.Base(words[0])
	args := words[1:]
	sub, rest := firstArg(args, npmValueFlags)
	switch tool {
	case "npm":
		switch sub {
		case "test", "t", "tst":
			return scriptRef{name: "test", args: npmArgs(rest)}, true
		case "start":
			return scriptRef{name: "start", args: npmArgs(rest)}, true
		case "run", "run-script", "rum", "urn":
			name, more := firstArg(rest, npmValueFlags)
			return scriptRef{name: name, args: npmArgs(more)}, name != "" && name != "env"
		}
	case "pnpm", "yarn":
		switch {
		case sub == "test" || sub == "t" && tool == "pnpm":
			return scriptRef{name: "test", args: scriptArgs(rest)}, true
		case sub == "run" || sub == "run-script":
			// yarn run, like a bare yarn X, runs a dependency's binary
			// when no script has the name; pnpm run does not.
			name, more := firstArg(rest, npmValueFlags)
			return scriptRef{name: name, bare: tool == "yarn", args: scriptArgs(more)}, name != ""
		case sub == "" || strings.Contains(sub, "/") || strings.Contains(sub, "$"):
			return scriptRef{}, false
		case tool == "pnpm" && !pnpm.builtins[sub] && !pnpmOwn[sub], tool == "yarn" && !yarnOwn[sub]:
			return scriptRef{name: sub, bare: true, args: scriptArgs(rest)}, true
		case sub == "start":
			return scriptRef{name: "start", args: scriptArgs(rest)}, true
		}
	}
	return scriptRef{}, false
}

// npmArgs are the words npm appends to a script: those after its name
// but the flags, which npm takes for itself up to a "--" (`npm run build
// --if-present`), and every word after that.
func npmArgs(rest []string) []string {
	var out []string
	for i, a := range rest {
		if a == "--" {
			return append(out, rest[i+1:]...)
		}
		if !strings.HasPrefix(a, "-") {
			out = append(out, a)
		}
	}
	return out
}

// scriptArgs are the words pnpm and yarn append to a script: those after
// its name, without the "--" that separates them.
func scriptArgs(rest []string) []string {
	if len(rest) > 0 && rest[0] == "--" {
		rest = rest[1:]
	}
	return rest
}

// pnpmOwn and yarnOwn are the commands of the tools themselves (beyond
// pnpm.builtins), which no script shadows.
var (
	pnpmOwn = map[string]bool{"exec": true, "dlx": true, "audit": true, "publish": true, "pack": true, "outdated": true,
		"licenses": true, "recursive": true, "server": true, "bin": true, "root": true, "doctor": true, "approve-builds": true,
		"self-update": true, "install-test": true, "it": true, "cache": true, "deploy": true, "version": true}
	yarnOwn = map[string]bool{"install": true, "add": true, "remove": true, "upgrade": true, "up": true, "set": true,
		"config": true, "cache": true, "info": true, "why": true, "dedupe": true, "init": true, "create": true,
		"link": true, "unlink": true, "workspace": true, "workspaces": true, "npm": true, "exec": true, "dlx": true,
		"audit": true, "publish": true, "pack": true, "constraints": true, "plugin": true, "version": true, "node": true,
		"bin": true, "explain": true, "global": true, "import": true, "list": true, "outdated": true, "owner": true,
		"login": true, "logout": true, "policies": true, "tag": true, "team": true, "licenses": true, "generate-lock-entry": true,
		"autoclean": true, "check": true, "help": true, "rebuild": true, "patch": true, "patch-commit": true, "stage": true,
		"search": true, "unplug": true, "up-interactive": true}
)

func isNpmCI(words []string) bool {
	if path.Base(words[0]) != "npm" {
		return false
	}
	sub, _ := firstArg(words[1:], npmValueFlags)
	for _, a := range words[1:] {
		if strings.HasPrefix(a, "--prefix") || a == "-w" || strings.HasPrefix(a, "--workspace") {
			return false
		}
	}
	return sub == "ci" || sub == "clean-install" || sub == "ic" || sub == "install-clean" || sub == "isntall-clean"
}

// withoutAssignments drops leading VAR=value words.
func withoutAssignments(words []string) []string {
	for len(words) > 0 && strings.Contains(words[0], "=") && !strings.HasPrefix(words[0], "-") {
		words = words[1:]
	}
	return words
}
