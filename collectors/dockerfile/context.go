package dockerfile

import (
	"bytes"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"

	"github.com/preflight-dev/preflight/collectors/deployfiles"
	"github.com/preflight-dev/preflight/internal/repofs"
)

// buildContext is a directory a Dockerfile is built from, and the file
// and line that build it so.
type buildContext struct {
	dir  string // repo-relative
	file string // the file that builds it; "" for the default, the Dockerfile's directory
	by   string // where in file: "docker-compose.yml:7"
}

// name says which context it is and why, for a message.
func (b buildContext) name() string {
	what := b.dir
	if what == "." {
		what = "the repository root"
	}
	if b.by != "" {
		return what + ", as " + b.by + " builds it"
	}
	if b.dir == "." {
		return what + ", as docker build . takes it"
	}
	return what + ", as docker build " + b.dir + " takes it"
}

// projectBuilds reads how the project builds its Dockerfiles, by
// Dockerfile: the builds of its compose files, the image build commands
// of its scripts, workflows and docs (run from the repository root, as CI
// jobs and most scripts run them), Makefiles and package.json scripts (run
// in their directory), and its workflows' docker/build-push-action steps.
func projectBuilds(root string, files []string) map[string][]buildContext {
	out := map[string][]buildContext{}
	add := func(dockerfile string, b buildContext) {
		if !slices.Contains(out[dockerfile], b) {
			out[dockerfile] = append(out[dockerfile], b)
		}
	}
	read := 0
	for _, f := range files {
		base := path.Base(f)
		compose, commands := deployfiles.IsComposePath(f), deployfiles.IsCommandFile(f) && read < deployfiles.MaxCommandFiles
		if !compose && !commands {
			continue
		}
		src, err := repofs.ReadFile(root, f)
		if err != nil {
			continue
		}
		if compose {
			for _, b := range deployfiles.ComposeBuilds(f, src) {
				add(b.Dockerfile, buildContext{dir: b.Context, file: f, by: fmt.Sprintf("%s:%d", f, b.Line)})
			}
			continue
		}
		read++
		if !bytes.Contains(src, []byte("build")) {
			continue
		}
		if strings.HasPrefix(f, ".github/workflows/") {
			for _, b := range deployfiles.ActionBuilds(f, src) {
				if dir, dockerfile, ok := b.Local(); ok {
					add(dockerfile, buildContext{dir: dir, file: f, by: b.At})
				}
			}
		}
		cwd := "."
		if b := strings.ToLower(base); b == "makefile" || b == "package.json" || path.Ext(b) == ".mk" {
			cwd = path.Dir(f)
		}
		lines := strings.Split(string(src), "\n")
		cut := deployfiles.CommandCut(f)
		for i := range lines {
			for _, b := range deployfiles.ImageBuilds(lines, i, cut, func(w string) string { return w }) {
				dir, dockerfile, ok := b.Local()
				dir, dockerfile = path.Join(cwd, dir), path.Join(cwd, dockerfile)
				if ok && dir != ".." && !strings.HasPrefix(dir, "../") && dockerfile != ".." && !strings.HasPrefix(dockerfile, "../") {
					add(dockerfile, buildContext{dir: dir, file: f, by: fmt.Sprintf("%s:%d", f, i+1)})
				}
			}
		}
	}
	return out
}

// contextsOf are the contexts dockerfile is built from: those the project
// names, else its directory.
func contextsOf(dockerfile string, builds map[string][]buildContext) []buildContext {
	if b := builds[dockerfile]; len(b) > 0 {
		return b
	}
	return []buildContext{{dir: path.Dir(dockerfile)}}
}

// envInContext says why the build context dir of a Dockerfile lets a
// developer's .env into the image: a .env is there, or an example shows
// one is kept there, and the .dockerignore BuildKit reads
// (Dockerfile.dockerignore beside the Dockerfile, else the context's
// .dockerignore) does not exclude it. "" when it does not.
func envInContext(root, dockerfile, dir string) string {
	kept := ""
	if exists(root, path.Join(dir, ".env")) {
		kept = "a .env is there"
	} else {
		for _, ex := range deployfiles.DotenvExamples {
			if exists(root, path.Join(dir, ex)) {
				kept = ex + " shows one is kept there"
				break
			}
		}
	}
	if kept == "" {
		return ""
	}
	ignore := dockerfile + ".dockerignore"
	data, err := repofs.ReadFile(root, ignore)
	if err != nil {
		ignore = path.Join(dir, ".dockerignore")
		if data, err = repofs.ReadFile(root, ignore); err != nil {
			return fmt.Sprintf("there is no .dockerignore for it (%s)", kept)
		}
	}
	patterns, err := ignorefile.ReadAll(bytes.NewReader(data))
	if err != nil {
		return ""
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		return "" // docker build refuses it too; not this rule's to say
	}
	if excluded, err := pm.MatchesOrParentMatches(".env"); err != nil || excluded {
		return ""
	}
	return fmt.Sprintf("%s does not exclude .env (%s)", ignore, kept)
}

func exists(root, rel string) bool {
	f, err := repofs.Open(root, rel)
	if err == nil {
		f.Close()
	}
	return err == nil
}
