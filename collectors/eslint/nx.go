package eslint

import (
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/preflight-dev/preflight/collectors/nodepkg"
	"github.com/preflight-dev/preflight/internal/repofs"
)

// nxLintExecutor is an Nx lint target that runs ESLint.
var nxLintExecutor = regexp.MustCompile(`^@(nx|nrwl)/(eslint|linter):(lint|eslint)$`)

// nxLintPatterns are what `nx run-many -t lint` lints in an Nx workspace
// whose root is dir: the lintFilePatterns of its projects' lint targets,
// each project's root when a target names none, quoted for ESLint to
// expand. The realworld API lints ./src, and its e2e project e2e/; the
// build output and Nx's cache beside them are no project's. Nil when dir
// is no Nx workspace, none of its projects lints with ESLint, or one
// lints the whole workspace.
func nxLintPatterns(root, dir string, files []string) []string {
	if !slices.Contains(files, path.Join(dir, "nx.json")) {
		return nil
	}
	var out []string
	for _, f := range files {
		projectDir := path.Dir(f)
		rel, inside := under(dir, projectDir)
		if path.Base(f) != "project.json" || nodepkg.InNodeModules(f) || (!inside && projectDir != dir) {
			continue
		}
		if projectDir == dir {
			rel = "."
		}
		data, err := repofs.ReadFile(root, f)
		if err != nil {
			continue
		}
		targets, err := nodepkg.ParseNxProject(data)
		if err != nil {
			continue
		}
		for _, t := range targets {
			if !nxLintExecutor.MatchString(t.Executor) {
				continue
			}
			patterns := t.LintFilePatterns
			if len(patterns) == 0 {
				patterns = []string{"{projectRoot}"}
			}
			for _, p := range patterns {
				p = strings.TrimPrefix(strings.ReplaceAll(p, "{projectRoot}", rel), "{workspaceRoot}/")
				if p = path.Clean(p); p == "." || strings.ContainsAny(p, "'{") || strings.HasPrefix(p, "!") {
					return nil
				}
				if q := "'" + p + "'"; !slices.Contains(out, q) {
					out = append(out, q)
				}
			}
		}
	}
	return out
}
