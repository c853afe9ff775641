// Package deployfiles recognises deployment files by name and content:
// Dockerfiles, compose files, Kubernetes manifests, and the Dockerfiles that
// compose services build. Detection in the dockerfile, compose and
// kubernetes collectors shares it so that each file is claimed by exactly
// one of them.
package deployfiles

import (
	"bytes"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/preflight-dev/preflight/internal/yamlpos"
)

// IsDockerfile reports whether a base name is a Dockerfile by the usual
// conventions: "Dockerfile", "Dockerfile.prod", "api.Dockerfile", and the
// Podman spelling "Containerfile". Per-Dockerfile ignore files
// ("Dockerfile.dockerignore") and notes about Dockerfiles are not.
func IsDockerfile(name string) bool {
	n := strings.ToLower(name)
	if notDockerfileExt[path.Ext(n)] {
		return false
	}
	if strings.HasSuffix(n, ".dockerfile") || strings.HasSuffix(n, ".containerfile") {
		return true
	}
	for _, prefix := range []string{"dockerfile", "containerfile"} {
		if rest, ok := strings.CutPrefix(n, prefix); ok {
			// Dockerfile, Dockerfile.prod, Dockerfile-alpine — but not
			// dockerfiles or dockerfile_test.go, which only share a prefix.
			return rest == "" || rest[0] == '.' || rest[0] == '-'
		}
	}
	return false
}

// DotenvExamples are the files a project commits to show the .env its
// developers keep beside them (cp .env.example .env).
var DotenvExamples = []string{".env.example", ".env.sample", ".env.template", ".env.dist"}

// notDockerfileExt are endings of files that only look like Dockerfiles by
// name: source code, docs and data about Dockerfiles.
var notDockerfileExt = map[string]bool{
	".dockerignore": true, ".md": true, ".txt": true, ".go": true, ".ts": true, ".js": true, ".py": true,
	".rs": true, ".java": true, ".json": true, ".yml": true, ".yaml": true, ".sh": true, ".golden": true,
}

// IsComposeFile reports whether a base name is a compose file:
// docker-compose*.yml, compose*.yaml and their overrides.
func IsComposeFile(name string) bool {
	n := strings.ToLower(name)
	if !strings.HasSuffix(n, ".yml") && !strings.HasSuffix(n, ".yaml") {
		return false
	}
	// compose.yaml, docker-compose.prod.yml, docker_compose.yaml,
	// app.compose.yml: compose is a word of the name (composer.yml is not).
	for _, w := range strings.FieldsFunc(strings.TrimSuffix(strings.TrimSuffix(n, ".yml"), ".yaml"), func(r rune) bool {
		return r == '-' || r == '_' || r == '.'
	}) {
		if w == "compose" {
			return true
		}
	}
	return false
}

// IsComposePath reports whether a repo-relative path is a compose file:
// named as one (IsComposeFile), and not a CI workflow that only carries
// the word (full-stack-fastapi-template's
// .github/workflows/test-docker-compose.yml).
func IsComposePath(rel string) bool { return IsComposeFile(path.Base(rel)) && !IsWorkflowFile(rel) }

// IsWorkflowFile reports whether a repo-relative path is a GitHub or
// GitLab workflow (or a local action), which is YAML but never a
// manifest, and which may say how the project builds and deploys. (The
// secrets scan's IsCIConfig is another list: every CI system's pipeline
// file.)
func IsWorkflowFile(rel string) bool {
	return strings.HasPrefix(rel, ".github/workflows/") || strings.HasPrefix(rel, ".github/actions/") ||
		path.Base(rel) == ".gitlab-ci.yml"
}

// MaxCommandFiles bounds the command files read in a very large repository.
const MaxCommandFiles = 2000

// IsCommandFile reports whether a repo-relative file may say how the
// project builds, runs and deploys itself: CI workflows, Makefiles, shell
// scripts, package.json scripts, skaffold and Tilt configs, and docs
// (`docker compose -f …`, `kubectl apply -f …`, `cp env-example .env`).
func IsCommandFile(rel string) bool {
	base := strings.ToLower(path.Base(rel))
	switch {
	case IsWorkflowFile(rel), base == "makefile", base == "package.json", base == "tiltfile", IsSkaffoldConfig(base):
		return true
	}
	switch path.Ext(base) {
	case ".sh", ".bash", ".md", ".mk":
		return true
	}
	return false
}

// IsSkaffoldConfig reports whether a base name is a skaffold config
// (skaffold.yaml, skaffold-dev.yml).
func IsSkaffoldConfig(base string) bool {
	base = strings.ToLower(base)
	return strings.HasPrefix(base, "skaffold") && IsYAML(base)
}

// IsYAML reports whether a name has a YAML extension.
func IsYAML(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, ".yml") || strings.HasSuffix(n, ".yaml")
}

var (
	topLevelKind       = regexp.MustCompile(`(?m)^["']?kind["']?:[ \t]*["']?[A-Za-z]`)
	topLevelAPIVersion = regexp.MustCompile(`(?m)^["']?apiVersion["']?:[ \t]*["']?[A-Za-z]`)
)

// LooksLikeManifest reports whether YAML text is a Kubernetes manifest: a
// top-level apiVersion and kind. Templates ("{{ … }}", as in Helm charts)
// are not manifests until rendered, so they are left out.
func LooksLikeManifest(src []byte) bool {
	if bytes.Contains(src, []byte("{{")) {
		return false
	}
	return topLevelKind.Match(src) && topLevelAPIVersion.Match(src)
}

// Build is a Dockerfile that a compose service builds.
type Build struct {
	Service    string
	Dockerfile string // repo-relative, forward slashes
	Context    string // repo-relative, forward slashes
	Target     string // build stage, "" for the last one
	Line       int    // of the service's build: key
}

// ComposeBuilds lists the local Dockerfiles the services of one compose file
// build. composeRel is the file's repo-relative path. Builds from remote
// contexts, inline Dockerfiles, paths outside the repository and paths that
// hold variables are left out: they are not files of this tree. The file
// need not be valid compose; whatever can be read is used.
func ComposeBuilds(composeRel string, src []byte) []Build {
	docs, err := yamlpos.Parse(src)
	if err != nil || len(docs) == 0 {
		return nil
	}
	services := docs[0].Get("services")
	if services == nil || services.Kind != yamlpos.Map {
		return nil
	}
	dir := path.Dir(composeRel)
	var out []Build
	for _, svc := range services.Pairs {
		b := svc.Value.Get("build")
		if b == nil {
			continue
		}
		context, dockerfile, target := ".", "Dockerfile", ""
		switch b.Kind {
		case yamlpos.Scalar:
			context = b.Value
		case yamlpos.Map:
			if b.Has("dockerfile_inline") {
				continue
			}
			if c := b.Get("context"); c != nil && c.Kind == yamlpos.Scalar {
				context = c.Value
			}
			if d := b.Get("dockerfile"); d != nil && d.Kind == yamlpos.Scalar {
				dockerfile = d.Value
			}
			target = b.Get("target").Text()
		default:
			continue
		}
		rel, ok := localPath(dir, context, dockerfile)
		if !ok {
			continue
		}
		kv, _ := svc.Value.Pair("build")
		line := kv.Line
		out = append(out, Build{Service: svc.Key, Dockerfile: rel, Context: path.Clean(path.Join(dir, context)), Target: target, Line: line})
	}
	return out
}

// localPath resolves a compose build's Dockerfile to a repo-relative path.
func localPath(composeDir, context, dockerfile string) (string, bool) {
	if context == "" || strings.Contains(context, "$") || strings.Contains(dockerfile, "$") ||
		strings.Contains(context, "://") || strings.HasPrefix(context, "git@") || strings.HasSuffix(context, ".git") {
		return "", false
	}
	context = filepath.ToSlash(context)
	dockerfile = filepath.ToSlash(dockerfile)
	if path.IsAbs(context) || path.IsAbs(dockerfile) {
		return "", false
	}
	p := path.Clean(path.Join(composeDir, context, dockerfile))
	if p == ".." || strings.HasPrefix(p, "../") {
		return "", false
	}
	return p, true
}
