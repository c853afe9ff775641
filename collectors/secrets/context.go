package secrets

import (
	"path"

	"github.com/preflight-dev/preflight/collectors/deployfiles"
)

// Context says who would use the values in a file.
type Context int

const (
	// Production is the default: a file that is deployed or read by what is
	// deployed (docker-compose.yml, k8s/, config/production.json, .env).
	Production Context = iota
	// DevTest is a file only developers and test suites read.
	DevTest
	// CI is a weak or well-known default value in a CI pipeline's file: it
	// guards only what the job starts for itself (a service container on
	// localhost), so it weighs as in a dev/test file. Other secrets there
	// are committed for real and keep their production weight.
	CI
	// LocalOnly is a well-known default password in a URL of a server on
	// the same machine (postgres://postgres:postgres@localhost/…, a
	// build stage's dummy DATABASE_URL): it weighs as in a dev/test file.
	LocalOnly
	// Tasks is a weak or well-known default value in a Makefile: it sets
	// up what make starts on a developer's machine (docker run -e
	// POSTGRES_PASSWORD=secret), so it weighs as in a dev/test file.
	// Other secrets there are committed for real.
	Tasks
)

func (c Context) String() string {
	switch c {
	case DevTest:
		return "dev/test"
	case CI:
		return "CI"
	case LocalOnly:
		return "localhost"
	case Tasks:
		return "Makefile"
	}
	return "production"
}

// IsCIConfig reports a CI pipeline's configuration: GitHub workflows,
// .gitlab-ci.yml, CircleCI, Azure Pipelines, Travis, Bitbucket, Drone and
// Woodpecker.
func IsCIConfig(rel string) bool {
	dir, name := path.Split(rel)
	ext := path.Ext(name)
	switch {
	case dir == ".github/workflows/" && (ext == ".yml" || ext == ".yaml"):
		return true
	case dir == ".circleci/" && name == "config.yml", dir == ".woodpecker/" && (ext == ".yml" || ext == ".yaml"):
		return true
	case dir == "":
		switch name {
		case ".gitlab-ci.yml", "azure-pipelines.yml", ".travis.yml", "bitbucket-pipelines.yml", ".drone.yml", ".woodpecker.yml":
			return true
		}
	}
	return false
}

// Classify tells production files from dev/test-only ones by path (see
// deployfiles.DevOnly). Anything else counts as production, since a
// default password that might be deployed must be treated as deployed. A
// CI pipeline is one whatever its name says (ci.yml, test.yml): see CI.
func Classify(rel string) Context {
	if !IsCIConfig(rel) && deployfiles.DevOnly(rel) {
		return DevTest
	}
	return Production
}
