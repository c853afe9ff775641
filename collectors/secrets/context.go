package secrets

import (
	"path"
	"strings"
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
)

func (c Context) String() string {
	switch c {
	case DevTest:
		return "dev/test"
	case CI:
		return "CI"
	case LocalOnly:
		return "localhost"
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

// devDirs are directory names whose contents only developers and tests use.
var devDirs = map[string]bool{
	"test": true, "tests": true, "testdata": true, "__tests__": true, "spec": true,
	"specs": true, "fixtures": true, "__fixtures__": true, "e2e": true, "mocks": true,
	"__mocks__": true, "examples": true, "example": true, "samples": true, "sample": true,
	"docs": true, "doc": true, ".devcontainer": true, "dev": true,
	"testutil": true, "testutils": true, "testhelpers": true, "testing": true, "mock": true,
	"cypress": true, "playwright": true,
}

// devDirWords are words in a directory's name that mark it dev/test-only
// (mkcert's https-dev-config/, test-fixtures/): fewer than in a file's
// name, since a directory named local-… or …-template may ship.
var devDirWords = map[string]bool{
	"dev": true, "development": true, "test": true, "tests": true, "testing": true, "e2e": true,
	"example": true, "examples": true, "sample": true, "samples": true, "mock": true, "mocks": true,
	"fixture": true, "fixtures": true,
}

// devNameWords are words in a file name that mark it dev/test-only:
// docker-compose.dev.yml, application-test.properties, .env.example,
// config.local.json, docker-compose.override.yml (Compose's local layer).
var devNameWords = map[string]bool{
	"dev": true, "development": true, "test": true, "tests": true, "testing": true,
	"local": true, "ci": true, "e2e": true, "example": true, "examples": true,
	"sample": true, "template": true, "tmpl": true, "dist": true, "defaults": true,
	"override": true, "spec": true, "mock": true, "fixture": true, "stub": true,
}

// Classify tells production files from dev/test-only ones by path: a
// directory such as test/ or examples/, or a file name word such as dev,
// test, local or example. Anything else counts as production, since a
// default password that might be deployed must be treated as deployed.
func Classify(rel string) Context {
	dir, name := path.Split(rel)
	for _, seg := range strings.Split(strings.Trim(dir, "/"), "/") {
		seg = strings.ToLower(seg)
		if devDirs[seg] {
			return DevTest
		}
		for _, w := range strings.FieldsFunc(seg, func(r rune) bool { return r == '.' || r == '-' || r == '_' }) {
			if devDirWords[w] && w != seg {
				return DevTest // https-dev-config/, e2e-fixtures/
			}
		}
	}
	if IsCIConfig(rel) {
		// ci.yml, test.yml, .gitlab-ci.yml: a pipeline's name says what it
		// runs, not that its secrets are for tests (see CI).
		return Production
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(name), func(r rune) bool {
		return r == '.' || r == '-' || r == '_'
	}) {
		if devNameWords[w] {
			return DevTest
		}
	}
	return Production
}
