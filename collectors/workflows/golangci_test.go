package workflows

import (
	"testing"
)

// gosec is a security scanner whichever program runs it: a golangci-lint
// run that enables it (in the configuration it reads, or on its command
// line) is the pipeline's security scan (go-clean-arch's `make lint`).
func TestGolangciLintWithGosecIsASecurityScan(t *testing.T) {
	v1 := "linters:\n  disable-all: true\n  enable:\n    - errcheck\n    - gosec\n"
	cases := []struct {
		name string
		tree mapTree
		run  string
		want string // the security stage's evidence, "" for none
	}{
		{"v1 config enables it", mapTree{".golangci.yaml": v1}, "golangci-lint run ./...",
			"golangci-lint run ./... runs golangci-lint with gosec enabled (.golangci.yaml:1)"},
		{"followed through make", mapTree{".golangci.yaml": v1, "Makefile": "lint:\n\tgolangci-lint run -c .golangci.yaml ./...\n"}, "make lint",
			"make lint runs golangci-lint with gosec enabled (.golangci.yaml:1)"},
		{"config disables it on the command line", mapTree{".golangci.yaml": v1}, "golangci-lint run -D gosec", ""},
		{"v1 config without it", mapTree{".golangci.yml": "linters:\n  enable:\n    - errcheck\n"}, "golangci-lint run", ""},
		{"no config: the default linters", mapTree{}, "golangci-lint run", ""},
		{"enabled on the command line", mapTree{}, "golangci-lint run -E gosec,errcheck",
			"golangci-lint run -E gosec,errcheck runs golangci-lint with gosec enabled (its command line)"},
		{"v2 default all", mapTree{".golangci.yml": "version: \"2\"\nlinters:\n  default: all\n  disable:\n    - wsl\n"}, "golangci-lint run",
			"golangci-lint run runs golangci-lint with gosec enabled (.golangci.yml:2)"},
		{"v2 default all, gosec disabled", mapTree{".golangci.yml": "version: \"2\"\nlinters:\n  default: all\n  disable: [gosec]\n"}, "golangci-lint run", ""},
		{"v1 bugs preset", mapTree{".golangci.json": `{"linters": {"presets": ["bugs"]}}`}, "golangci-lint run",
			"golangci-lint run runs golangci-lint with gosec enabled (.golangci.json:1)"},
		{"another config named", mapTree{".golangci.yaml": v1, "ci/lint.yml": "linters:\n  enable: [revive]\n"}, "golangci-lint run --config=ci/lint.yml", ""},
		{"no config at all", mapTree{".golangci.yaml": v1}, "golangci-lint run --no-config", ""},
		{"config above the working directory", mapTree{".golangci.yaml": v1, "svc/go.mod": "module x\n"}, "cd svc && golangci-lint run",
			"golangci-lint run runs golangci-lint with gosec enabled (.golangci.yaml:1)"},
	}
	for _, tc := range cases {
		wf := "on: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: " + tc.run + "\n"
		p := AnalyzeGitHubIn([]Source{{Path: ".github/workflows/ci.yml", Data: []byte(wf)}}, tc.tree)
		ev, ok := p.Stages[SecurityScan]
		switch {
		case tc.want == "" && ok:
			t.Errorf("%s: a security scan: %+v", tc.name, ev)
		case tc.want != "" && (!ok || ev.What != tc.want || ev.Line != 6):
			t.Errorf("%s: security evidence %+v, want %q at line 6", tc.name, ev, tc.want)
		}
		if _, ok := p.Stages[Lint]; !ok {
			t.Errorf("%s: golangci-lint is no lint stage", tc.name)
		}
	}

	// The action, with its working directory, and the pre-commit hook.
	tree := mapTree{"api/.golangci.yml": v1, ".pre-commit-config.yaml": "repos:\n  - repo: https://github.com/golangci/golangci-lint\n    rev: v2.1.6\n    hooks:\n      - id: golangci-lint\n        args: [--enable=gosec]\n"}
	gh := AnalyzeGitHubIn([]Source{{Path: ".github/workflows/ci.yml", Data: []byte("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n" +
		"      - uses: golangci/golangci-lint-action@4afd733a84b1f43292c63897423277bb7f4313a9 # v8.0.0\n        with:\n          working-directory: api\n")}}, tree)
	checkStages(t, gh, map[Stage]Evidence{SecurityScan: {".github/workflows/ci.yml", 6,
		"uses: golangci/golangci-lint-action@4afd733a84b1f43292c63897423277bb7f4313a9 runs golangci-lint with gosec enabled (api/.golangci.yml:1)"}})
	hook := AnalyzeGitLabIn(Source{Path: ".gitlab-ci.yml", Data: []byte("lint:\n  script:\n    - pre-commit run --all-files\n")}, nil, tree)
	checkStages(t, hook, map[Stage]Evidence{SecurityScan: {".gitlab-ci.yml", 3,
		"pre-commit run --all-files runs golangci-lint with gosec enabled (its command line)"}})
}
