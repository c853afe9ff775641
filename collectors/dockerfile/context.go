package dockerfile

import (
	"bytes"
	"fmt"
	"path"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"

	"github.com/preflight-dev/preflight/collectors/deployfiles"
	"github.com/preflight-dev/preflight/internal/repofs"
)

// envInContext says why the build context of a Dockerfile — its
// directory, as `docker build .` there takes it — lets a developer's .env
// into the image: a .env is there, or an example shows one is kept there,
// and the .dockerignore BuildKit reads (Dockerfile.dockerignore beside the
// Dockerfile, else the context's .dockerignore) does not exclude it. ""
// when it does not.
func envInContext(root, dockerfile string) string {
	dir := path.Dir(dockerfile)
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
