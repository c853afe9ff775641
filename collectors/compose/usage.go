package compose

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/preflight-dev/preflight/collectors/deployfiles"
	"github.com/preflight-dev/preflight/collectors/imageref"
	"github.com/preflight-dev/preflight/internal/repofs"
)

// How a repository runs compose tells a variant file's role: one the
// project's scripts, workflows or docs name alone (docker compose -f
// docker-compose.ci.yaml up) stands alone; one they name after the default
// file (-f docker-compose.yml -f docker-compose.prod.yml) is an overlay.

// fileArg is one -f/--file argument of a compose command line.
var fileArg = regexp.MustCompile(`(?:^|\s)(?:-f|--file)(?:\s+|=)["']?([^\s"';|&)]+)`)

// composeLine is a line that runs compose.
var composeLine = regexp.MustCompile(`\b(?:docker[ \t]+compose|docker-compose|podman-compose|podman[ \t]+compose)\b`)

// Usage is what the project's scripts, workflows and docs say about how
// they run compose.
type Usage struct {
	// Alone tells, by file base name, whether each variant is named alone
	// (true) or after another file (false); names never seen are absent.
	Alone map[string]bool
	// EnvFile is, by the base name of the first -f file, the --env-file a
	// command gives it ("" key: a command without -f).
	EnvFile map[string]EnvSource
	// CopiedFor is, by the base name of the first -f file ("" key: a
	// command without -f), the file the same doc or script last copied to
	// a .env before that command (cp env-example .env, then docker compose
	// up).
	CopiedFor map[string]EnvSource
	// Copied are all the files the docs or scripts copy to a .env, in the
	// order read.
	Copied []EnvSource
	// Jobs are the services the project runs to completion, by name, with
	// where it says so: the stack stops when the service named by
	// --exit-code-from exits (a test runner, a migration), so restarting
	// it or probing its health would be wrong.
	Jobs map[string]string
	// Builds are the images the project's commands build, by repository
	// (`docker build --tag shop .` builds shop), each with the first
	// build that names it.
	Builds map[string]deployfiles.ImageBuild
	// Read are the files that said any of it: what the collector reads
	// again on each run, and reruns for when they change.
	Read []string
}

// exitCodeFrom names the service whose exit ends a compose up. The flag
// is compose's alone, so it is read on any line: a Makefile often keeps
// the "docker compose -f …" part in a variable.
var exitCodeFrom = regexp.MustCompile(`(?:^|\s)--exit-code-from(?:\s+|=)["']?([A-Za-z0-9][A-Za-z0-9._-]*)`)

// EnvSource is an env file the project names, as written, and where.
type EnvSource struct {
	File string // as written in the command
	At   string // file:line of the command
	How  string // what the command does with it
	to   string // the .env a copy makes, as written
	from string // the directory of the doc or script that says it
}

// envFileArg is the --env-file of a compose command line.
var envFileArg = regexp.MustCompile(`(?:^|\s)--env-file(?:\s+|=)["']?([^\s"';|&)]+)`)

// copyToDotenv is a cp of one file to a .env: cp [-n] .env.example .env.
var copyToDotenv = regexp.MustCompile(`(?:^|[\s;&(` + "`" + `])cp(?:\s+-[a-zA-Z]+)*\s+["']?([^\s"';|&)` + "`" + `]+)["']?\s+["']?((?:[^\s"';|&)` + "`" + `]*/)?\.env)["']?(?:$|[\s;&|)` + "`" + `])`)

// composeUsage reads the lines of the project's scripts, workflows and
// docs that run compose or make its .env. primary names are the default
// files (compose.yaml, docker-compose.yml …).
func composeUsage(root string, files []string, primary map[string]bool) Usage {
	alone := map[string]bool{}
	overlay := map[string]bool{}
	u := Usage{Alone: map[string]bool{}, EnvFile: map[string]EnvSource{}, CopiedFor: map[string]EnvSource{}, Jobs: map[string]string{},
		Builds: map[string]deployfiles.ImageBuild{}}
	read := 0
	for _, f := range files {
		if !deployfiles.IsCommandFile(f) || read >= deployfiles.MaxCommandFiles {
			continue
		}
		read++
		src, err := repofs.ReadFile(root, f)
		if err != nil {
			continue
		}
		cut := deployfiles.CommandCut(f)
		var (
			lastCopy EnvSource
			vars     = map[string]string{} // COMPOSE_FILE=… assigned earlier in the file
			relevant bool
		)
		lines := strings.Split(string(src), "\n")
		for i, line := range lines {
			at := fmt.Sprintf("%s:%d", f, i+1)
			assign(line, vars)
			for _, b := range deployfiles.ImageBuilds(lines, i, cut, func(w string) string { return expand(w, vars) }) {
				b.At = at
				for _, repo := range tagRepos(b.Tags) {
					if _, seen := u.Builds[repo]; !seen {
						u.Builds[repo] = b
					}
					relevant = true
				}
			}
			for _, m := range exitCodeFrom.FindAllStringSubmatch(line, -1) {
				if _, seen := u.Jobs[m[1]]; !seen {
					u.Jobs[m[1]] = at
				}
				relevant = true
			}
			for _, m := range copyToDotenv.FindAllStringSubmatch(line, -1) {
				to := path.Clean(expand(m[2], vars))
				lastCopy = EnvSource{File: path.Clean(expand(m[1], vars)), At: at, How: "copies it to " + to, to: to, from: path.Dir(f)}
				u.Copied = append(u.Copied, lastCopy)
				relevant = true
			}
			for _, span := range composeLine.FindAllStringIndex(line, -1) {
				if partOfName(line, span) {
					continue // docker-compose.ci.yaml is a file, not a command
				}
				relevant = true
				cmd := cut(line[span[1]:])
				var named []string
				for _, m := range fileArg.FindAllStringSubmatch(cmd, -1) {
					named = append(named, path.Base(expand(m[1], vars)))
				}
				for i, n := range named {
					if i == 0 {
						alone[n] = true
					} else {
						overlay[n] = true
					}
				}
				first := ""
				if len(named) > 0 {
					first = named[0]
				}
				if _, seen := u.CopiedFor[first]; !seen && lastCopy.File != "" {
					u.CopiedFor[first] = lastCopy
				}
				if m := envFileArg.FindStringSubmatch(cmd); m != nil {
					if _, seen := u.EnvFile[first]; !seen {
						u.EnvFile[first] = EnvSource{File: path.Clean(expand(m[1], vars)), At: at, How: "passes it as --env-file"}
					}
				}
			}
		}
		if relevant {
			u.Read = append(u.Read, f)
		}
	}
	for n := range alone {
		if !primary[n] {
			u.Alone[n] = !overlay[n]
		}
	}
	for n := range overlay {
		if _, seen := u.Alone[n]; !seen {
			u.Alone[n] = false
		}
	}
	return u
}

// assignment is a variable set to one word in a script or Makefile:
// COMPOSE_FILE="docker-compose.ci.yaml", ENV_FILE ?= ci.env.
var assignment = regexp.MustCompile(`^\s*(?:export\s+|local\s+|readonly\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*(?:=|:=|\?=)\s*["']?([^\s"';&|` + "`" + `]+)["']?\s*(?:#.*)?$`)

// assign records the variable line sets, if it sets one to a known
// value: one word, or one built of variables set before (IMAGE :=
// $(BASE)/app:$(VERSION)). A value that runs a command ($(pwd)/a.yml) or
// names a variable not known is not recorded.
func assign(line string, vars map[string]string) {
	m := assignment.FindStringSubmatch(line)
	if m == nil {
		return
	}
	if v := expand(m[2], vars); !strings.Contains(v, "$") {
		vars[m[1]] = v
	}
}

// varRef is a use of a variable: $X, ${X}, ${X:-default}, or Make's $(X
// (the closing parenthesis ends the word it is read from).
var varRef = regexp.MustCompile(`\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\(([A-Za-z_][A-Za-z0-9_]*)\)?|([A-Za-z_][A-Za-z0-9_]*))`)

// expand puts the values of variables assigned earlier in the same file
// (or a ${X:-default}'s default) in place of their uses; others stay.
func expand(word string, vars map[string]string) string {
	if !strings.Contains(word, "$") {
		return word
	}
	return varRef.ReplaceAllStringFunc(word, func(ref string) string {
		m := varRef.FindStringSubmatch(ref)
		name := m[1] + m[3] + m[4]
		if v, ok := vars[name]; ok {
			return v
		}
		if m[2] != "" {
			return m[2]
		}
		return ref
	})
}

// partOfName reports a match of composeLine inside a longer name: a file
// (docker-compose.yml) or a path (./bin/docker-compose-wrapper).
func partOfName(line string, span []int) bool {
	joined := func(b byte) bool { return b == '.' || b == '-' || b == '_' || b == '/' }
	return span[0] > 0 && joined(line[span[0]-1]) && line[span[0]-1] != '/' ||
		span[1] < len(line) && joined(line[span[1]])
}

// tagRepos are the image repositories tags name, leaving out tags that
// hold variables.
func tagRepos(tags []string) []string {
	var out []string
	for _, t := range tags {
		if repo := imageref.Parse(t).Repo(); repo != "" && !strings.Contains(t, "$") {
			out = append(out, repo)
		}
	}
	return out
}

// envFiles resolves, for each configuration of the compose files in dir,
// the env file the project loads it with when it does not commit a .env:
// the --env-file of a command that names the configuration's first file
// (or names no file, for the default configuration), else a file the docs
// or scripts copy to dir's .env. Paths are tried against dir and against
// the repository root; only files of the repository count.
func (u Usage) envFiles(dir string, configs [][]string, has func(string) bool) []EnvSource {
	out := make([]EnvSource, len(configs))
	if has(path.Join(dir, ".env")) {
		return out // compose reads the committed .env; it is what counts
	}
	resolve := func(f string) string {
		for _, c := range []string{path.Join(dir, f), f} {
			if c = path.Clean(c); has(c) {
				return c
			}
		}
		return ""
	}
	// copiedHere resolves a copy to dir's .env: paths from the repository
	// root, or from dir when the copy is run there — said by a doc or
	// script there or at the root, not one of another directory
	// (gofiber/recipes: oauth2/README.md's cp .env.example .env is
	// oauth2's).
	copiedHere := func(c EnvSource) (EnvSource, bool) {
		switch {
		case c.to == "":
		case path.Dir(c.to) == dir && has(c.File):
			return c, true
		case path.Dir(c.to) == "." && (c.from == dir || c.from == "."):
			if f := resolve(c.File); f != "" {
				c.File = f
				return c, true
			}
		}
		return EnvSource{}, false
	}
	var anyCopy EnvSource
	for _, c := range u.Copied {
		if e, ok := copiedHere(c); ok {
			anyCopy = e
			break
		}
	}
	for i, cfg := range configs {
		first := path.Base(cfg[0])
		e, ok := u.EnvFile[first]
		if !ok && i == 0 {
			e, ok = u.EnvFile[""]
		}
		if ok {
			if f := resolve(e.File); f != "" {
				e.File = f
				out[i] = e
				continue
			}
		}
		c, ok := u.CopiedFor[first]
		if !ok && i == 0 {
			c, ok = u.CopiedFor[""]
		}
		if e, here := copiedHere(c); ok && here {
			out[i] = e
		} else {
			out[i] = anyCopy
		}
	}
	return out
}
