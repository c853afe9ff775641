# preflight's own build. `make demo` shows the cockpit on the built-in sample
# project; `make test` runs the whole test suite (it installs the npm packages
# the TypeScript fixtures need first).
GO       ?= go
TS_TOOLS := collectors/typescript/testdata
TS_BIN   := $(CURDIR)/$(TS_TOOLS)/node_modules/.bin

.PHONY: all build test demo deps vet bench clean

all: build

build:
	$(GO) build -o bin/preflight .

deps: $(TS_TOOLS)/node_modules/.package-lock.json

$(TS_TOOLS)/node_modules/.package-lock.json: $(TS_TOOLS)/package.json $(TS_TOOLS)/package-lock.json
	npm ci --prefix $(TS_TOOLS) --no-audit --no-fund --loglevel=error

test: deps
	PATH="$(TS_BIN):$$PATH" $(GO) test -count=1 ./...

vet:
	@test -z "$$(gofmt -l . | grep -v testdata/)" || { gofmt -l . | grep -v testdata/; echo "gofmt needed"; exit 1; }
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

demo: deps
	PATH="$(TS_BIN):$$PATH" $(GO) run . demo

bench: deps
	PATH="$(TS_BIN):$$PATH" bash bench/run.sh

clean:
	rm -rf bin
