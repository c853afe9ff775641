package bundle

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/preflight-dev/preflight/collectors/nodepkg"
	"github.com/preflight-dev/preflight/internal/repofs"
)

// manifest is the part of package.json this collector reads.
type manifest struct {
	Scripts         map[string]string `json:"scripts"`
	Workspaces      json.RawMessage   `json:"workspaces"`
	Dependencies    map[string]string `json:"dependencies"`
	DevDependencies map[string]string `json:"devDependencies"`
	Private         bool              `json:"private"`
	Exports         json.RawMessage   `json:"exports"`
	Module          string            `json:"module"`
	Types           string            `json:"types"`
	Typings         string            `json:"typings"`
	buildLine       int               // line of the "build" script, 0 when unknown
}

// publishesLibrary reports whether the package is published for other
// code to import: not private, with an entry point for importers
// (exports, module, types). Such a package built with Vite is a library
// in library mode, not an app; "main" alone is npm init's default and
// says nothing.
func (m manifest) publishesLibrary() bool {
	if m.Private {
		return false
	}
	return (len(m.Exports) > 0 && string(m.Exports) != "null") || m.Module != "" || m.Types != "" || m.Typings != ""
}

// browserTools are the frameworks and bundlers whose build ships
// JavaScript to browsers: a package that depends on one is an app with a
// bundle to budget. tsc, tsup or a server's build are not.
var browserTools = []string{
	"next", "vite", "webpack", "react-scripts", "@angular-devkit/build-angular", "parcel",
	"astro", "nuxt", "@sveltejs/kit", "gatsby", "@remix-run/dev",
	"@vue/cli-service", "@rsbuild/core", "@rspack/cli",
}

// browserBuild matches a build script that bundles for browsers.
var browserBuild = regexp.MustCompile(`\b(next build|vite build|vite\b|webpack|react-scripts build|ng build|parcel build|astro build|nuxt build|nuxi build|nuxi generate|gatsby build|remix build|vue-cli-service build|rsbuild build|rspack build|esbuild\b[^&|;]*--bundle)`)

// libraryBuild matches a build script that compiles a library or a
// framework module, not an app: such packages often list Vite or Nuxt
// among their devDependencies for tests or a playground, which does not
// make their dist a browser bundle.
var libraryBuild = regexp.MustCompile(`(^|[\s;&|(])(tsc|vue-tsc|tsup|unbuild|nuxt-module-build|svelte-package)\b`)

// shipsToBrowsers reports whether the package builds an app for browsers
// (not a library it publishes): a browser framework or bundler in its build script (esbuild only with
// --bundle, and not for --platform=node), else among its dependencies
// unless the build script compiles a library, or an Nx project.json whose
// build uses one.
func (m manifest) shipsToBrowsers(dir string) bool {
	build := m.buildScripts()
	if strings.Contains(build, "--platform=node") || m.publishesLibrary() {
		return false
	}
	if browserBuild.MatchString(build) {
		return true
	}
	if libraryBuild.MatchString(build) {
		return false
	}
	for _, t := range browserTools {
		if m.Dependencies[t] != "" || m.DevDependencies[t] != "" {
			return true
		}
	}
	if data, err := repofs.ReadFile(dir, filepath.Join(dir, "project.json")); err == nil {
		return nxBuildsForBrowsers(data)
	}
	return false
}

// nxBuildsForBrowsers reports whether an Nx project.json has a target
// that bundles for browsers. esbuild bundles for Node unless told
// "platform": "browser", webpack and rspack for browsers unless told
// "target": "node": the realworld API's @nx/esbuild build is a server.
func nxBuildsForBrowsers(data []byte) bool {
	targets, err := nodepkg.ParseNxProject(data)
	if err != nil {
		return false
	}
	for _, t := range targets {
		m := nxBrowserExecutor.FindStringSubmatch(t.Executor)
		switch {
		case m == nil:
		case m[2] == "esbuild":
			if t.Platform == "browser" {
				return true
			}
		case m[2] == "webpack" || m[2] == "rspack":
			if t.Target != "node" {
				return true
			}
		default:
			return true
		}
	}
	return false
}

// scriptRun is a package manager running a script of the same package:
// npm run X, yarn [run] X, pnpm [run] X, bun run X.
var scriptRun = regexp.MustCompile(`\b(?:npm run|yarn(?: run)?|pnpm(?: run)?|bun run)\s+([A-Za-z0-9][A-Za-z0-9:_.-]*)`)

// buildScripts is the build script with the scripts it runs, a few
// levels deep: excalidraw-app's build is `yarn build:app && …`, and
// build:app runs vite build.
func (m manifest) buildScripts() string {
	out := m.Scripts["build"]
	seen := map[string]bool{"build": true}
	todo := []string{out}
	for depth := 0; depth < 3 && len(todo) > 0; depth++ {
		var next []string
		for _, script := range todo {
			for _, call := range scriptRun.FindAllStringSubmatch(script, -1) {
				if s, ok := m.Scripts[call[1]]; ok && !seen[call[1]] {
					seen[call[1]] = true
					out += " ; " + s
					next = append(next, s)
				}
			}
		}
		todo = next
	}
	return out
}

// nxBrowserExecutor matches an Nx build executor that may bundle for browsers.
var nxBrowserExecutor = regexp.MustCompile(`^@(nx|nrwl)/(vite|next|webpack|angular|esbuild|rspack|react)\b`)

// readManifest parses package.json. A file that is not valid JSON gives
// an error; the caller treats such a package as having no build script.
func readManifest(root, file string) (manifest, error) {
	data, err := repofs.ReadFile(root, file)
	if err != nil {
		return manifest{}, err
	}
	return parseManifest(data)
}

var buildKeyRE = regexp.MustCompile(`"build"\s*:`)

func parseManifest(data []byte) (manifest, error) {
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return manifest{}, err
	}
	if m.hasBuild() {
		// The line of "build": inside "scripts", for the finding's location.
		text := string(data)
		if i := strings.Index(text, `"scripts"`); i >= 0 {
			if loc := buildKeyRE.FindStringIndex(text[i:]); loc != nil {
				m.buildLine = strings.Count(text[:i+loc[0]], "\n") + 1
			}
		}
	}
	return m, nil
}

func (m manifest) hasBuild() bool { return strings.TrimSpace(m.Scripts["build"]) != "" }

// orchestrates reports whether the package only drives other packages: a
// workspace root whose build script builds its workspaces, not itself. A
// root whose own build is an app's (Elk: `nuxt build`, with its docs as a
// workspace package) is an app, and so is one with no package below it to
// build (umami's pnpm-workspace.yaml holds pnpm's settings only).
func (m manifest) orchestrates(dir string, members bool) bool {
	if !members || browserBuild.MatchString(m.Scripts["build"]) {
		return false
	}
	if len(m.Workspaces) > 0 && string(m.Workspaces) != "null" {
		return true
	}
	for _, f := range []string{"pnpm-workspace.yaml", "lerna.json", "nx.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			return true
		}
	}
	// A turbo.json orchestrates only at the workspace root: a package's own
	// turbo.json extends the root's ("extends": ["//"]) and the package is
	// still an app.
	if data, err := repofs.ReadFile(dir, filepath.Join(dir, "turbo.json")); err == nil {
		return !strings.Contains(string(data), `"extends"`)
	}
	return false
}
