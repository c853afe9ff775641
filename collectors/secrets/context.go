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
)

func (c Context) String() string {
	if c == DevTest {
		return "dev/test"
	}
	return "production"
}

// devDirs are directory names whose contents only developers and tests use.
var devDirs = map[string]bool{
	"test": true, "tests": true, "testdata": true, "__tests__": true, "spec": true,
	"specs": true, "fixtures": true, "__fixtures__": true, "e2e": true, "mocks": true,
	"__mocks__": true, "examples": true, "example": true, "samples": true, "sample": true,
	"docs": true, "doc": true, ".devcontainer": true, "dev": true,
	"testutil": true, "testutils": true, "testhelpers": true, "testing": true, "mock": true,
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
		if devDirs[strings.ToLower(seg)] {
			return DevTest
		}
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
