package compose

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/preflight-dev/preflight/internal/repofs"
)

// How a repository runs compose tells a variant file's role: one the
// project's scripts, workflows or docs name alone (docker compose -f
// docker-compose.ci.yaml up) stands alone; one they name after the default
// file (-f docker-compose.yml -f docker-compose.prod.yml) is an overlay.

// fileArg is one -f/--file argument of a compose command line.
var fileArg = regexp.MustCompile(`(?:^|\s)(?:-f|--file)(?:\s+|=)["']?([^\s"';|&)]+)`)

// maxUsageFiles bounds the files read for it in a very large repository.
const maxUsageFiles = 2000

// composeLine is a line that runs compose.
var composeLine = regexp.MustCompile(`\b(?:docker[ \t]+compose|docker-compose|podman-compose|podman[ \t]+compose)\b`)

// usageFile reports whether a file may show how the project runs compose.
func usageFile(f string) bool {
	base := strings.ToLower(path.Base(f))
	switch {
	case strings.HasPrefix(f, ".github/workflows/"), base == ".gitlab-ci.yml", base == "makefile", base == "package.json":
		return true
	}
	switch path.Ext(base) {
	case ".sh", ".bash", ".md", ".mk":
		return true
	}
	return false
}

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
}

// EnvSource is an env file the project names, as written, and where.
type EnvSource struct {
	File string // as written in the command
	At   string // file:line of the command
	How  string // what the command does with it
	to   string // the .env a copy makes, as written
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
	u := Usage{Alone: map[string]bool{}, EnvFile: map[string]EnvSource{}, CopiedFor: map[string]EnvSource{}}
	read := 0
	for _, f := range files {
		if !usageFile(f) || read >= maxUsageFiles {
			continue
		}
		read++
		src, err := repofs.ReadFile(root, f)
		if err != nil {
			continue
		}
		var lastCopy *EnvSource
		for i, line := range strings.Split(string(src), "\n") {
			at := fmt.Sprintf("%s:%d", f, i+1)
			for _, m := range copyToDotenv.FindAllStringSubmatch(line, -1) {
				u.Copied = append(u.Copied, EnvSource{File: path.Clean(m[1]), At: at, How: "copies it to " + path.Clean(m[2]), to: path.Clean(m[2])})
				lastCopy = &u.Copied[len(u.Copied)-1]
			}
			for _, span := range composeLine.FindAllStringIndex(line, -1) {
				if partOfName(line, span) {
					continue // docker-compose.ci.yaml is a file, not a command
				}
				cmd := command(line[span[1]:])
				var named []string
				for _, m := range fileArg.FindAllStringSubmatch(cmd, -1) {
					named = append(named, path.Base(m[1]))
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
				if _, seen := u.CopiedFor[first]; !seen && lastCopy != nil {
					u.CopiedFor[first] = *lastCopy
				}
				if m := envFileArg.FindStringSubmatch(cmd); m != nil {
					if _, seen := u.EnvFile[first]; !seen {
						u.EnvFile[first] = EnvSource{File: path.Clean(m[1]), At: at, How: "passes it as --env-file"}
					}
				}
			}
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

// partOfName reports a match of composeLine inside a longer name: a file
// (docker-compose.yml) or a path (./bin/docker-compose-wrapper).
func partOfName(line string, span []int) bool {
	joined := func(b byte) bool { return b == '.' || b == '-' || b == '_' || b == '/' }
	return span[0] > 0 && joined(line[span[0]-1]) && line[span[0]-1] != '/' ||
		span[1] < len(line) && joined(line[span[1]])
}

// command is the rest of one command: up to the next operator, or the end
// of the string or code span it is written in (a package.json script, a
// Markdown `…`).
func command(rest string) string {
	end := len(rest)
	for _, stop := range []string{"&&", "||", ";", "|", "\"", "`"} {
		if i := strings.Index(rest, stop); i >= 0 && i < end {
			end = i
		}
	}
	return rest[:end]
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
	// root, or from dir when the copy is run there.
	copiedHere := func(c EnvSource) (EnvSource, bool) {
		switch {
		case c.to == "":
		case path.Dir(c.to) == dir && has(c.File):
			return c, true
		case path.Dir(c.to) == ".":
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
