package deployfiles

import (
	"path"
	"strings"
)

// devDirs are directory names whose contents only developers and tests use.
var devDirs = map[string]bool{
	"test": true, "tests": true, "testdata": true, "__tests__": true, "spec": true,
	"specs": true, "fixtures": true, "__fixtures__": true, "e2e": true, "mocks": true,
	"__mocks__": true, "examples": true, "example": true, "samples": true, "sample": true,
	"docs": true, "doc": true, ".devcontainer": true, "dev": true,
	"testutil": true, "testutils": true, "testhelpers": true, "testing": true, "mock": true,
	"cypress": true, "playwright": true,
	// CodeSandbox's dev environment: .codesandbox/Dockerfile and tasks.json.
	".codesandbox": true,
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
	"gitpod": true, "devcontainer": true, // workspace images: .gitpod.Dockerfile
}

// DevOnly reports a file only developers and test suites use, by its
// path: a directory such as test/, examples/ or cypress/ (or one whose
// name has such a word: https-dev-config/), or a file name word such as
// dev, test, local or example (docker-compose.dev.yml, .env.example,
// docker-compose.override.yml, Compose's local layer).
func DevOnly(rel string) bool {
	dir, name := path.Split(rel)
	for _, seg := range strings.Split(strings.Trim(dir, "/"), "/") {
		seg = strings.ToLower(seg)
		if devDirs[seg] {
			return true
		}
		for _, w := range strings.FieldsFunc(seg, func(r rune) bool { return r == '.' || r == '-' || r == '_' }) {
			if devDirWords[w] && w != seg {
				return true // https-dev-config/, e2e-fixtures/
			}
		}
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(name), func(r rune) bool {
		return r == '.' || r == '-' || r == '_'
	}) {
		if devNameWords[w] {
			return true
		}
	}
	return false
}
