package compose

import (
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

// composeUsage reads the lines that run compose and returns, by file base
// name, whether each variant is named alone (true) or after another file
// (false); names never seen are absent. primary names are the default
// files (compose.yaml, docker-compose.yml …).
func composeUsage(root string, files []string, primary map[string]bool) map[string]bool {
	alone := map[string]bool{}
	overlay := map[string]bool{}
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
		for _, line := range strings.Split(string(src), "\n") {
			for _, at := range composeLine.FindAllStringIndex(line, -1) {
				var named []string
				for _, m := range fileArg.FindAllStringSubmatch(command(line[at[1]:]), -1) {
					named = append(named, path.Base(m[1]))
				}
				for i, n := range named {
					if i == 0 {
						alone[n] = true
					} else {
						overlay[n] = true
					}
				}
			}
		}
	}
	out := map[string]bool{}
	for n := range alone {
		if !primary[n] {
			out[n] = !overlay[n]
		}
	}
	for n := range overlay {
		if _, seen := out[n]; !seen {
			out[n] = false
		}
	}
	return out
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
