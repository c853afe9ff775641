package nodepkg

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/Masterminds/semver/v3"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/repofs"
	"github.com/preflight-dev/preflight/internal/shellwords"
	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/proc"
)

// Tool is an installed npm package that provides a command: what a
// collector needs to know to build a command line its version accepts and
// to tell a too-old Node from a broken project.
type Tool struct {
	Name    string // package name, "vitest"
	Version string // from its package.json, "" when unknown
	Engines string // its engines.node range, "" when it declares none
}

// Major is the major version, 0 when unknown.
func (t Tool) Major() int {
	v, err := semver.NewVersion(t.Version)
	if err != nil {
		return 0
	}
	return int(v.Major())
}

// InstalledTool reads the package behind a node_modules/.bin entry: the
// link (npm, yarn) or the shell shim (pnpm) points into the package,
// whose package.json is the nearest one up that carries the package's
// name.
func InstalledTool(bin, name string) Tool {
	real, err := filepath.EvalSymlinks(bin)
	if err != nil {
		return Tool{Name: name}
	}
	if t, ok := packageAbove(real, name); ok {
		return t
	}
	if target := shimTarget(real); target != "" {
		if real, err := filepath.EvalSymlinks(target); err == nil {
			if t, ok := packageAbove(real, name); ok {
				return t
			}
		}
	}
	return Tool{Name: name}
}

// shimArg is the script a pnpm shim runs: exec node "$basedir/../vitest/vitest.mjs".
var shimArg = regexp.MustCompile(`"\$basedir/(\.\./[^"]+)"`)

// shimTarget is the file a pnpm shell shim in node_modules/.bin runs, ""
// when bin is no such shim.
func shimTarget(bin string) string {
	f, err := os.Open(bin)
	if err != nil {
		return ""
	}
	defer f.Close()
	head := make([]byte, 8<<10)
	n, _ := io.ReadFull(f, head)
	if !bytes.HasPrefix(head[:n], []byte("#!/bin/sh")) {
		return ""
	}
	m := shimArg.FindSubmatch(head[:n])
	if m == nil {
		return ""
	}
	return filepath.Join(filepath.Dir(bin), filepath.FromSlash(string(m[1])))
}

// packageAbove reads the package.json named name nearest above file,
// within its node_modules.
func packageAbove(file, name string) (Tool, bool) {
	t := Tool{Name: name}
	for d := filepath.Dir(file); filepath.Base(d) != "node_modules" && filepath.Dir(d) != d; d = filepath.Dir(d) {
		data, err := os.ReadFile(filepath.Join(d, "package.json"))
		if err != nil {
			continue
		}
		var m struct {
			Name    string `json:"name"`
			Version string `json:"version"`
			Engines struct {
				Node string `json:"node"`
			} `json:"engines"`
		}
		if json.Unmarshal(data, &m) != nil || m.Name != name {
			continue
		}
		t.Version, t.Engines = m.Version, m.Engines.Node
		return t, true
	}
	return t, false
}

// NodeVersion is the version of the node on PATH ("20.20.2"), "" when it
// cannot be told. It is asked once per process: every test run needs it.
var NodeVersion = sync.OnceValue(func() string {
	out, err := exec.Command("node", "--version").Output()
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(strings.TrimSpace(string(out)), "v")
})

// NodeTooOld says why t cannot run on the given Node version, or "" when
// it can (or when either version is unknown: then the run decides).
func (t Tool) NodeTooOld(node string) string {
	if t.Engines == "" || node == "" {
		return ""
	}
	c, err := semver.NewConstraint(t.Engines)
	if err != nil {
		return ""
	}
	v, err := semver.NewVersion(node)
	if err != nil || c.Check(v) {
		return ""
	}
	return fmt.Sprintf("%s %s needs Node %s; the node on PATH is %s", t.Name, t.Version, t.Engines, node)
}

// ScriptUsing names the script that runs tool ("test" when it does, else
// the first in name order), "" when none does.
func (m Manifest) ScriptUsing(tool string) string {
	for _, name := range m.scriptNames() {
		if (Manifest{Scripts: map[string]string{name: m.Scripts[name]}}).ScriptRuns(tool) {
			return name
		}
	}
	return ""
}

// ScriptRunning names the script that runs tool with the subcommand sub
// ("react-scripts test"), the test script first; "" when none does.
func (m Manifest) ScriptRunning(tool, sub string) string {
	for _, name := range m.scriptNames() {
		for _, c := range shellwords.Lenient(m.Scripts[name]) {
			for i, w := range c.Words[:max(len(c.Words)-1, 0)] {
				if (w.Value == tool || strings.HasSuffix(w.Value, "/"+tool)) && c.Words[i+1].Value == sub {
					return name
				}
			}
		}
	}
	return ""
}

// scriptNames are the names of the scripts, the test script first, then
// the others sorted.
func (m Manifest) scriptNames() []string {
	names := make([]string, 0, len(m.Scripts))
	for name := range m.Scripts {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool {
		if ti, tj := names[i] == "test", names[j] == "test"; ti != tj {
			return ti
		}
		return names[i] < names[j]
	})
	return names
}

// BuildLine is how to build the package in dir (repo-relative), with the
// package manager the nearest lock file names, as a user types it in the
// repository root: "cd web && yarn build".
func BuildLine(root, dir string) string { return ScriptLine(root, dir, "build") }

// ScriptLine is how to run the script of the package in dir the same way:
// "cd packages/lib && yarn build:esm", "pnpm run build:packages".
func ScriptLine(root, dir, script string) string {
	run := "npm run " + script
	for d := filepath.Join(root, filepath.FromSlash(dir)); ; d = filepath.Dir(d) {
		if found := lockfileRun(d); found != "" {
			run = found + " " + script
			break
		}
		rel, err := filepath.Rel(root, d)
		if err != nil || rel == "." || strings.HasPrefix(rel, "..") || d == filepath.Dir(d) {
			break
		}
	}
	if dir == "." {
		return run
	}
	return "cd " + dir + " && " + run
}

// lockfileRun is how the package manager whose lock file is in dir runs
// a script, "" when none is there.
func lockfileRun(dir string) string {
	for _, c := range []struct{ file, cmd string }{
		{"pnpm-lock.yaml", "pnpm run"},
		{"yarn.lock", "yarn"},
		{"bun.lockb", "bun run"},
		{"bun.lock", "bun run"},
		{"package-lock.json", "npm run"},
	} {
		if _, err := os.Stat(filepath.Join(dir, c.file)); err == nil {
			return c.cmd
		}
	}
	return ""
}

// RunScript is how a user runs a script: "npm test", "npm run lint".
func RunScript(name string) string {
	switch name {
	case "test", "start", "stop", "restart":
		return "npm " + name
	}
	return "npm run " + name
}

// Declares reports whether p, or a package above it in the repository,
// lists name as a dependency: Node resolves a package upward, so a
// workspace root's devDependency serves every workspace.
func Declares(p Package, all []Package, name string) bool {
	for _, q := range all {
		if q.Err == nil && (q.Dir == p.Dir || q.Dir == "." || strings.HasPrefix(p.Dir, q.Dir+"/")) && q.Manifest.HasDependency(name) {
			return true
		}
	}
	return false
}

// DeclaredAbove is Declares for a collector that knows its directory but
// not the repository's packages: whether the package.json in dir
// (absolute), or one in a directory above it up to root, lists name.
func DeclaredAbove(root, dir, name string) bool {
	return upward(root, dir, func(d string) bool {
		if rel, err := filepath.Rel(root, d); err == nil {
			if data, err := repofs.ReadFile(root, filepath.Join(rel, "package.json")); err == nil {
				m, err := ParseManifest(data)
				return err == nil && m.HasDependency(name)
			}
		}
		return false
	})
}

// upward calls visit with dir (absolute) and each directory above it up
// to root, nearest first, until visit returns true; it reports whether
// one did.
func upward(root, dir string, visit func(d string) bool) bool {
	for d := dir; ; d = filepath.Dir(d) {
		if visit(d) {
			return true
		}
		if d == root || filepath.Dir(d) == d {
			return false
		}
	}
}

// PlugAndPlayHint is the way out of a Yarn Plug'n'Play install for the
// collectors that run a package's own tools: those are run from
// node_modules, which Plug'n'Play does not write.
const PlugAndPlayHint = "preflight runs a package's tools from node_modules, which Yarn Plug'n'Play does not write: add `nodeLinker: node-modules` to .yarnrc.yml and run yarn install"

// PlugAndPlay reports whether dir's dependencies were installed by Yarn
// Plug'n'Play: a .pnp.cjs (Yarn 3+) or .pnp.js (Yarn 2) in dir or above,
// up to root. Installing again changes nothing then, so saying that a
// tool is not installed would send the user round in a circle.
func PlugAndPlay(root, dir string) bool {
	return upward(root, dir, func(d string) bool {
		return IsFile(filepath.Join(d, ".pnp.cjs")) || IsFile(filepath.Join(d, ".pnp.js"))
	})
}

// IsFile reports whether p is a regular file.
func IsFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// DependenciesInstalled reports whether a node_modules directory serves
// dir (absolute): in dir or a directory above it, up to root.
func DependenciesInstalled(root, dir string) bool {
	return upward(root, dir, hasNodeModules)
}

func hasNodeModules(d string) bool {
	st, err := os.Stat(filepath.Join(d, "node_modules"))
	return err == nil && st.IsDir()
}

// InstallHint says how to install dir's dependencies, run from the
// repository's root: "install the dependencies: cd web && npm ci".
func InstallHint(root, dir string) string {
	return "install the dependencies: " + InstallLine(root, dir)
}

// InstallLine is the install command run from the repository's root:
// "cd web && npm ci", or "npm ci" for the root's own lockfile.
func InstallLine(root, dir string) string {
	at, cmd := installAt(root, dir)
	if rel, err := filepath.Rel(root, at); err == nil && rel != "." && !strings.HasPrefix(rel, "..") {
		cmd = proc.Cmd{Name: "cd", Args: []string{filepath.ToSlash(rel)}}.String() + " && " + cmd
	}
	return cmd
}

// installAt is where dir's dependencies are installed from (the directory
// of the nearest lockfile up to root, else dir) and the command that
// installs them as that lockfile pins them.
func installAt(root, dir string) (string, string) {
	for d := dir; ; d = filepath.Dir(d) {
		for _, l := range []struct{ file, cmd string }{
			{"pnpm-lock.yaml", "pnpm install --frozen-lockfile"},
			{"yarn.lock", ""},
			{"package-lock.json", "npm ci"},
			{"npm-shrinkwrap.json", "npm ci"},
		} {
			if _, err := os.Stat(filepath.Join(d, l.file)); err != nil {
				continue
			}
			if l.file == "yarn.lock" {
				return d, yarnInstall(root, d)
			}
			return d, l.cmd
		}
		if d == root || filepath.Dir(d) == d {
			return dir, "npm install"
		}
	}
}

// yarnInstall is the frozen install of the yarn that wrote dir's yarn.lock.
// Yarn 1 does not know --immutable and ignores it, installing whatever the
// manifests now ask for and rewriting the lockfile; Yarn 2 and later renamed
// its --frozen-lockfile to --immutable. A v1 lockfile says so in its
// header, a later one starts with __metadata; an empty or unreadable one
// falls back to the packageManager field beside it.
func yarnInstall(root, dir string) string {
	const classic, berry = "yarn install --frozen-lockfile", "yarn install --immutable"
	rel, err := filepath.Rel(root, dir)
	if err != nil {
		return berry
	}
	if v1, known := YarnLockV1(root, filepath.Join(rel, "yarn.lock")); known {
		if v1 {
			return classic
		}
		return berry
	}
	if strings.HasPrefix(packageManagerField(root, dir), "yarn@1.") {
		return classic
	}
	return berry
}

// YarnLockV1 reports whether the yarn.lock at rel was written by Yarn 1,
// which says so in its header ("# yarn lockfile v1"); a later Yarn starts
// with __metadata. known is false for a lockfile that says neither, or
// cannot be read.
func YarnLockV1(root, rel string) (v1, known bool) {
	f, err := repofs.Open(root, rel)
	if err != nil {
		return false, false
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	switch {
	case bytes.Contains(head[:n], []byte("# yarn lockfile v1")):
		return true, true
	case bytes.Contains(head[:n], []byte("__metadata:")):
		return false, true
	}
	return false, false
}

// packageManagerField is the packageManager of dir's package.json
// ("yarn@1.22.19"), "" when there is none.
func packageManagerField(root, dir string) string {
	rel, err := filepath.Rel(root, dir)
	if err != nil {
		return ""
	}
	data, err := repofs.ReadFile(root, filepath.Join(rel, "package.json"))
	if err != nil {
		return ""
	}
	var m struct {
		PackageManager string `json:"packageManager"`
	}
	if json.Unmarshal(data, &m) != nil {
		return ""
	}
	return m.PackageManager
}

// PackageManager is the package manager dir's package.json names in its
// packageManager field ("npm", "yarn", "pnpm"), "" when it names none.
func PackageManager(root, dir string) string {
	name, _, _ := strings.Cut(packageManagerField(root, dir), "@")
	return name
}

// nodeValueFlags are Node.js options whose value is the next word.
var nodeValueFlags = map[string]bool{"-r": true, "--require": true, "--import": true, "--loader": true,
	"--experimental-loader": true, "--conditions": true, "-C": true, "--env-file": true}

// RunnerArgs are the words a script gives tool where it runs it: `vitest
// run --no-file-parallelism` gives [run --no-file-parallelism]; nil when
// the script does not run it. A tool run through node by its file
// (node node_modules/jest/bin/jest.js) counts too.
func (m Manifest) RunnerArgs(script, tool string) []string {
	for _, c := range shellwords.Lenient(m.Scripts[script]) {
		if c.Nested {
			continue
		}
		vals := c.Values()
		for i, w := range vals {
			if w == tool || strings.HasSuffix(w, "/"+tool) || strings.Contains(w, "/"+tool+"/") && (strings.HasSuffix(w, ".js") || strings.HasSuffix(w, ".mjs")) {
				return vals[i+1:]
			}
		}
	}
	return nil
}

// NodeOptions are the Node.js options the package's scripts run tool
// with, as one NODE_OPTIONS value: `node --experimental-vm-modules
// node_modules/jest/bin/jest.js` and `NODE_OPTIONS=--experimental-vm-modules
// jest` need them to run the suite at all (ES modules under Jest). The
// test script counts first; "" when no script passes any. A script for
// debugging (test:debug) is not how the suite runs, and the inspector
// options are never taken: they would stop the run at a debugger port
// (--inspect-brk) that anything on the machine could attach to.
func (m Manifest) NodeOptions(tool string) string {
	for _, name := range m.scriptNames() {
		if strings.Contains(strings.ToLower(name), "debug") {
			continue
		}
		for _, c := range shellwords.Lenient(m.Scripts[name]) {
			if opts, ok := nodeOptionsOf(c.Words, tool); ok {
				return opts
			}
		}
	}
	return ""
}

// nodeOptionsOf reads one command: the NODE_OPTIONS it assigns, and the
// options of a `node` that runs tool's script, when it runs tool.
func nodeOptionsOf(words []shellwords.Word, tool string) (string, bool) {
	var opts []string
	i := 0
	for ; i < len(words) && words[i].Assign; i++ {
		if v, ok := strings.CutPrefix(words[i].Value, "NODE_OPTIONS="); ok {
			for _, o := range strings.Fields(v) {
				if !debuggerOption(o) {
					opts = append(opts, o)
				}
			}
		}
	}
	if i == len(words) || words[i].Expands {
		return "", false
	}
	names := func(w string) bool {
		return w == tool || strings.HasSuffix(w, "/"+tool) || strings.Contains(w, "node_modules/"+tool+"/")
	}
	switch cmd := words[i].Value; {
	case names(cmd):
	case cmd == "node" || strings.HasSuffix(cmd, "/node"):
		j := i + 1
		for ; j < len(words) && strings.HasPrefix(words[j].Value, "-"); j++ {
			if debuggerOption(words[j].Value) {
				continue
			}
			opts = append(opts, nodeOption(words[j].Value))
			if nodeValueFlags[words[j].Value] && j+1 < len(words) {
				j++
				opts = append(opts, nodeOption(words[j].Value))
			}
		}
		if j == len(words) || !names(words[j].Value) {
			return "", false
		}
	default:
		return "", false
	}
	return strings.Join(opts, " "), len(opts) > 0
}

// debuggerOption: --inspect, --inspect-brk=9229, --inspect-wait,
// --inspect-port, --debug…: options that open a debugger.
func debuggerOption(o string) bool {
	return strings.HasPrefix(o, "--inspect") || strings.HasPrefix(o, "--debug")
}

// nodeOption is one word as NODE_OPTIONS reads it: in double quotes when
// it has a space.
func nodeOption(w string) string {
	if strings.ContainsAny(w, " \t") {
		return `"` + strings.ReplaceAll(w, `"`, `\"`) + `"`
	}
	return w
}

// ProjectNeedsOtherNode says why the project at dir (absolute) cannot be
// judged on the given Node version: the engines.node range of its
// package.json, or of the nearest one above it up to root that declares
// one, excludes it. "" when it does not, or when either is unknown or the
// range unreadable: then the run decides. A suite that fails on a Node
// the project does not support says nothing about the project.
func ProjectNeedsOtherNode(root, dir, node string) (why, hint string) {
	var want, file string
	upward(root, dir, func(d string) bool {
		if rel, err := filepath.Rel(root, d); err == nil && !strings.HasPrefix(rel, "..") {
			want, file = enginesNode(root, rel)
		}
		return want != ""
	})
	if node == "" || want == "" {
		return "", ""
	}
	c, err := semver.NewConstraint(want)
	v, verr := semver.NewVersion(node)
	if err != nil || verr != nil || c.Check(v) {
		return "", ""
	}
	return fmt.Sprintf("the project needs Node %s (engines.node in %s); the node on PATH is %s", want, file, node),
		"run preflight with a Node.js that satisfies " + want + " (nvm, fnm or volta switch it): on another, failures may be the Node version's"
}

// enginesNode is the engines.node range of rel/package.json and the
// file's slash path, "" when it declares none. The old array form of
// engines and other shapes are no range.
func enginesNode(root, rel string) (want, file string) {
	file = filepath.ToSlash(filepath.Join(rel, "package.json"))
	data, err := repofs.ReadFile(root, file)
	if err != nil {
		return "", ""
	}
	var m struct {
		Engines json.RawMessage `json:"engines"`
	}
	var engines struct {
		Node any `json:"node"`
	}
	if json.Unmarshal(data, &m) != nil || json.Unmarshal(m.Engines, &engines) != nil {
		return "", ""
	}
	want, _ = engines.Node.(string)
	return strings.TrimSpace(want), file
}

// NotInstalled says why the imports of the package at dir (absolute; the
// nearest package.json at or above it, up to root) cannot resolve: it
// lists dependencies, and the install that serves it — the directory of
// the nearest lockfile — has no node_modules. A sub-package with its own
// lockfile (a documentation site beside a library) is not served by the
// root's install, even though the root's tools are found from it. ""
// when it is installed, lists nothing, or has no lockfile: then nothing
// says which install serves it, and the run decides.
func NotInstalled(root, dir string) (why, hint string) {
	pkg, ok := nearestManifest(root, dir)
	if !ok {
		return "", ""
	}
	lockDir, lock := "", ""
	upward(root, pkg, func(d string) bool {
		for _, l := range LockFiles {
			if IsFile(filepath.Join(d, l)) {
				lockDir, lock = d, l
				return true
			}
		}
		return false
	})
	if lockDir == "" {
		return "", "" // nothing says where it is installed from
	}
	if hasNodeModules(lockDir) {
		return "", ""
	}
	where, err := filepath.Rel(root, lockDir)
	if err != nil {
		return "", ""
	}
	where = filepath.ToSlash(where)
	why = "the package's dependencies are not installed: no " + path.Join(where, "node_modules") + " beside " + path.Join(where, lock)
	return why, InstallHint(root, lockDir)
}

// nearestManifest is the directory of the package.json at or above dir,
// up to root, when it lists dependencies to install.
func nearestManifest(root, dir string) (pkg string, lists bool) {
	upward(root, dir, func(d string) bool {
		rel, err := filepath.Rel(root, d)
		if err != nil || strings.HasPrefix(rel, "..") {
			return false
		}
		data, err := repofs.ReadFile(root, filepath.Join(rel, "package.json"))
		if err != nil {
			return false
		}
		m, err := ParseManifest(data)
		pkg, lists = d, err == nil && len(m.Dependencies)+len(m.DevDependencies)+len(m.OptionalDependencies) > 0
		return true
	})
	return pkg, lists
}

// Readiness is whether a package's installed tool can run on this machine,
// found without running anything.
type Readiness struct {
	Bin       string // node_modules/.bin/<name> at or above the package
	Tool      Tool
	Installed bool
	// Why is set when it cannot run although it may be installed: node is
	// not on PATH, or the tool or the project needs another Node; Hint
	// says what to do.
	Why, Hint string
}

// Ready looks for the tool name (shown as label) that dir's package runs.
// Not installed is left to the family: whose fault it is depends on
// whether the package lists it.
func Ready(root, dir, name, label string) Readiness {
	if _, err := exec.LookPath("node"); err != nil {
		return Readiness{Why: "node not found on PATH", Hint: "install Node.js so that node is on PATH: " + label + " runs on it"}
	}
	bin, ok := LocalBin(dir, name)
	if !ok {
		return Readiness{}
	}
	tool := InstalledTool(bin, name)
	rd := Readiness{Bin: bin, Tool: tool, Installed: true}
	if why := tool.NodeTooOld(NodeVersion()); why != "" {
		rd.Why, rd.Hint = why, "run preflight with a Node.js that "+label+" supports (engines.node "+tool.Engines+"), or pin an older "+name
	} else if why, hint := ProjectNeedsOtherNode(root, dir, NodeVersion()); why != "" {
		rd.Why, rd.Hint = why, hint
	}
	return rd
}

// Check is the result a run of the package's tool would give without
// running anything, or nil when it can run: node missing, another Node
// needed, or (notInstalled says whose fault that is) not installed.
func Check(b collectors.Base, root, dir, name, label string, notInstalled func() model.Result) (Readiness, *model.Result) {
	rd := Ready(root, dir, name, label)
	switch {
	case rd.Why != "":
		r := b.Unknown(rd.Why, rd.Hint)
		return rd, &r
	case !rd.Installed:
		r := notInstalled()
		return rd, &r
	}
	return rd, nil
}

// Known makes Check's answer a collector's Precheck.
func Known(_ Readiness, res *model.Result) (model.Result, bool) {
	if res == nil {
		return model.Result{}, false
	}
	return *res, true
}
