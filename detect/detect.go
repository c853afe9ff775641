// Package detect finds the collectors that apply to a repository by
// looking at its files once: tsconfig.json, go.mod, and so on.
package detect

import (
	"errors"
	"path"
	"sort"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/bundle"
	"github.com/preflight-dev/preflight/collectors/compose"
	"github.com/preflight-dev/preflight/collectors/coverage"
	"github.com/preflight-dev/preflight/collectors/deployfiles"
	"github.com/preflight-dev/preflight/collectors/dockerfile"
	"github.com/preflight-dev/preflight/collectors/eslint"
	"github.com/preflight-dev/preflight/collectors/golang"
	"github.com/preflight-dev/preflight/collectors/govulncheck"
	"github.com/preflight-dev/preflight/collectors/jstest"
	"github.com/preflight-dev/preflight/collectors/junit"
	"github.com/preflight-dev/preflight/collectors/kubernetes"
	"github.com/preflight-dev/preflight/collectors/npmaudit"
	"github.com/preflight-dev/preflight/collectors/packagejson"
	"github.com/preflight-dev/preflight/collectors/sarif"
	"github.com/preflight-dev/preflight/collectors/secrets"
	"github.com/preflight-dev/preflight/collectors/shellcheck"
	"github.com/preflight-dev/preflight/collectors/typescript"
	"github.com/preflight-dev/preflight/collectors/unchecked"
	"github.com/preflight-dev/preflight/collectors/workflows"
	"github.com/preflight-dev/preflight/ignore"
	"github.com/preflight-dev/preflight/model"
)

// family detects the collectors of one tool family from the file list.
type family func(root string, files []string) []collectors.Collector

var families = []family{
	typescript.Detect,
	golang.Detect,
	packagejson.Detect,
	jstest.Detect,
	junit.Detect,
	coverage.Detect,
	eslint.Detect,
	shellcheck.Detect,
	secrets.Detect,
	npmaudit.Detect,
	govulncheck.Detect,
	sarif.Detect,
	dockerfile.Detect,
	compose.Detect,
	kubernetes.Detect,
	workflows.Detect,
	bundle.Detect,
	unchecked.Detect,
}

// markers are the file names whose appearance or removal can change which
// collectors apply; .gitignore is one because it decides what is scanned.
var markers = map[string]bool{
	"tsconfig.json": true, "go.mod": true, "go.work": true, ".gitignore": true,
	"package.json": true, ".gitlab-ci.yml": true,
	"package-lock.json": true, "yarn.lock": true, "pnpm-lock.yaml": true, "bun.lock": true, "bun.lockb": true,
}

// ChangesCollectors reports whether a change to the repo-relative path may
// add or remove collectors, so the tree should be scanned again.
func ChangesCollectors(rel string) bool {
	base := path.Base(rel)
	return markers[base] || deployfiles.IsDockerfile(base) || deployfiles.IsComposeFile(base) || unchecked.Marker(base)
}

// MayAddCollector reports whether a file of this name could make a
// collector apply that did not before: a marker, a Dockerfile or compose
// file, a file the secrets scanner reads (.env.production), YAML (a
// Kubernetes manifest or a workflow), a report a collector imports.
// Callers ask only for paths no current collector takes as input, so the
// tree is scanned again when the first file of a new kind appears.
func MayAddCollector(rel string) bool {
	if ChangesCollectors(rel) || secrets.Scanned(rel) {
		return true
	}
	switch path.Ext(rel) {
	case ".yml", ".yaml", ".xml", ".sarif", ".info", ".out", ".json", ".sh", ".bash":
		return true
	}
	return false
}

// Collectors lists every collector that applies to root, in display order
// (domain, then id). files are the repository's non-ignored files.
func Collectors(root string, files []string) []collectors.Collector {
	files = withoutFixtures(files)
	var out []collectors.Collector
	for _, f := range families {
		out = append(out, f(root, files)...)
	}
	sort.SliceStable(out, func(i, j int) bool {
		di, dj := domainRank(out[i].Domain()), domainRank(out[j].Domain())
		if di != dj {
			return di < dj
		}
		return out[i].ID() < out[j].ID()
	})
	return out
}

// withoutFixtures drops files under a testdata directory: by the Go
// convention they are fixtures for tests, not projects of the repository.
func withoutFixtures(files []string) []string {
	out := files[:0:0]
	for _, f := range files {
		if collectors.NotTheProjects(f) {
			continue
		}
		out = append(out, f)
	}
	return out
}

// Scan lists root's files through the ignore rules and detects collectors.
// Directories that cannot be read do not stop it: it returns the collectors
// of everything else together with an *ignore.UnreadableError naming them.
func Scan(root string, m *ignore.Matcher) ([]collectors.Collector, error) {
	files, err := ignore.ListFiles(root, m)
	var unreadable *ignore.UnreadableError
	if err != nil && !errors.As(err, &unreadable) {
		return nil, err
	}
	return Collectors(root, files), err
}

func domainRank(id string) int {
	for i, d := range model.Domains {
		if d.ID == id {
			return i
		}
	}
	return len(model.Domains)
}
