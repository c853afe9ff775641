# preflight's own build. `make demo` shows the cockpit on the built-in sample
# project; `make test` runs the whole test suite (it installs the npm packages
# the TypeScript fixtures need first).
GO       ?= go
TS_TOOLS := collectors/typescript/testdata
TS_BIN   := $(CURDIR)/$(TS_TOOLS)/node_modules/.bin

.PHONY: all build test demo deps deps-ts vet bench fuzz clean

all: build

build:
	$(GO) build -o bin/preflight .

# npm packages the fixtures need, one lock file each; Go tools the tests run.
JS_VERSIONS  := $(addprefix collectors/jstest/testdata/versions/,vitest1 vitest2 vitest3 vitest4 jest27 jest29 jest30)
ESLINT_VERSIONS := $(addprefix collectors/eslint/testdata/versions/,eslint8-eslintrc eslint8-flat eslint9-flat eslint9-eslintrc eslint10-flat)
TS_VERSIONS  := $(addprefix $(TS_TOOLS)/versions/,ts44 ts49) $(TS_TOOLS)/vue
NPM_FIXTURES := $(TS_TOOLS) collectors/bundle/testdata/esbuild collectors/jstest/testdata collectors/eslint/testdata $(JS_VERSIONS) $(ESLINT_VERSIONS) $(TS_VERSIONS)
TOOLS_BIN    := $(CURDIR)/.tools/bin
ACTIONLINT   := github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
GOVULNCHECK  := golang.org/x/vuln/cmd/govulncheck@v1.8.0
GITLEAKS     := github.com/zricethezav/gitleaks/v8@v8.30.1
KUSTOMIZE    := sigs.k8s.io/kustomize/kustomize/v5@v5.8.1
TEST_PATH    := $(TOOLS_BIN):$(TS_BIN):$$PATH

deps-ts:
	@d=$(TS_TOOLS); if [ ! -f $$d/node_modules/.package-lock.json ] || [ $$d/package-lock.json -nt $$d/node_modules/.package-lock.json ]; then \
	  echo "npm ci: installing TypeScript for the demo's type checks"; \
	  npm ci --prefix $$d --no-audit --no-fund --loglevel=error; fi

deps:
	@for d in $(NPM_FIXTURES); do \
	  if [ ! -f $$d/node_modules/.package-lock.json ] || [ $$d/package-lock.json -nt $$d/node_modules/.package-lock.json ]; then \
	    echo "npm ci --prefix $$d"; npm ci --prefix $$d --no-audit --no-fund --loglevel=error || exit 1; \
	  fi; \
	done
	@test -x $(TOOLS_BIN)/actionlint || { echo "go install $(ACTIONLINT)"; GOBIN=$(TOOLS_BIN) $(GO) install $(ACTIONLINT); }
	@test -x $(TOOLS_BIN)/govulncheck || { echo "go install $(GOVULNCHECK)"; GOBIN=$(TOOLS_BIN) $(GO) install $(GOVULNCHECK); }
	@test -x $(TOOLS_BIN)/gitleaks || { echo "go install $(GITLEAKS)"; GOBIN=$(TOOLS_BIN) $(GO) install $(GITLEAKS); }
	@test -x $(TOOLS_BIN)/kustomize || { echo "go install $(KUSTOMIZE)"; GOBIN=$(TOOLS_BIN) $(GO) install $(KUSTOMIZE); }

# The end-to-end tests of cli run real compilers and test runners on the
# demo; on a busy 2-core machine the package takes longer than go test's
# default 10 minutes.
# proc's output copies and the engine's slot queue run concurrently: their
# tests also run under the race detector.
test: deps
	PATH="$(TEST_PATH)" $(GO) test -count=1 -timeout 30m ./...
	$(GO) test -race -count=1 ./proc ./engine

# Every fuzz target for a short while: FUZZTIME is a count of inputs, so a
# busy machine does the same work instead of stopping on a deadline. A
# crash fails and leaves its input under the package's testdata/fuzz.
FUZZTIME ?= 5000x
fuzz:
	@for f in $$(git ls-files '*_test.go' | xargs grep -l '^func Fuzz' | grep -v /testdata/); do \
	  d=./$$(dirname $$f); \
	  for t in $$(grep -o '^func Fuzz[A-Za-z0-9_]*' $$f | sed 's/^func //'); do \
	    echo "fuzz $$d $$t ($(FUZZTIME))"; \
	    $(GO) test $$d -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) > .fuzz.log 2>&1 || { cat .fuzz.log; rm -f .fuzz.log; exit 1; }; \
	  done; \
	done; rm -f .fuzz.log

vet:
	@test -z "$$(gofmt -l . | grep -v testdata/)" || { gofmt -l . | grep -v testdata/; echo "gofmt needed"; exit 1; }
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

# The first build downloads modules and compiles them for minutes; say so,
# with the time it has taken, instead of a silent terminal.
demo: deps-ts
	@echo "go build: compiling preflight (the first time takes a few minutes: modules are downloaded and compiled)"
	@$(GO) build -o bin/preflight . & pid=$$!; start=$$(date +%s); \
	  while kill -0 $$pid 2>/dev/null; do \
	    if [ -t 1 ]; then printf '\rgo build: compiling… %ss ' $$(( $$(date +%s) - start )); fi; sleep 1; \
	  done; wait $$pid; rc=$$?; if [ -t 1 ]; then printf '\r\033[K'; fi; exit $$rc
	PATH="$(TS_BIN):$$PATH" bin/preflight demo

bench: deps
	PATH="$(TEST_PATH)" bash bench/run.sh

clean:
	rm -rf bin
