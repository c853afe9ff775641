package workflows

import (
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/internal/yamlpos"
)

func names(set Stages) string {
	var out []string
	for _, s := range set.List() {
		out = append(out, s.String())
	}
	return strings.Join(out, ",")
}

func TestScriptStages(t *testing.T) {
	cases := []struct {
		script string
		want   Stages
	}{
		// tests
		{"npm test", test},
		{"npm t", test},
		{"npm run test:unit -- --coverage", test},
		{"npm --prefix web run test", test},
		{"npm -w packages/api run test", test},
		{"pnpm test", test},
		{"pnpm --filter web test", test},
		{"pnpm -r run test:e2e", test},
		{"yarn test", test},
		{"yarn workspace web run test", test},
		{"yarn workspaces foreach -A run test", test},
		{"bun test", test},
		{"go test -race ./...", test},
		{"pytest -q", test},
		{"python -m pytest tests/", test},
		{"python3 -m unittest discover", test},
		{"poetry run pytest", test},
		{"uv run pytest -x", test},
		{"npx vitest run", test},
		{"npx --yes jest --ci", test},
		{"pnpm exec playwright test", test},
		{"./node_modules/.bin/jest", test},
		{"cargo test --workspace", test},
		{"cargo +nightly nextest run", test},
		{"make test", test},
		{"make -C backend check", test},
		{"gradle test", test},
		{"./gradlew build -x test", build},
		{"./gradlew build", build | test | lint},
		{"mvn -B verify", build | test},
		{"mvn -DskipTests package", build},
		{"dotnet test", test},
		{"bundle exec rspec", test},
		{"tox", test},
		{"tox -e lint", lint},
		{"nox -s tests", test},
		{"CI=true npm test", test},
		{"sudo -E env FOO=bar npm test", test},
		{"timeout 10m go test ./...", test},
		{"bash scripts/test.sh", test},
		{"./scripts/run_tests.sh", test},
		{"./scripts/build-docker-image.sh", container}, {"./deploy-prod.sh", deploy},
		// Named for what it makes: translation figures, no build or test
		// (excalidraw's locales-coverage job).
		{"node scripts/build-locales-coverage.js", none},
		{"coverage run -m pytest", test},
		{"node --test", test},
		{"xvfb-run -a npm test", test},
		{"turbo run test lint", test | lint},
		{"nx affected -t test,lint", test | lint},
		{"nx run api:test", test},
		{"concurrently \"npm:lint\" \"npm run test\"", test | lint},
		{"sh -c 'npm ci && npm test'", test},
		{"cypress run --browser chrome", test},
		// lint
		{"npm run lint", lint},
		{"eslint .", lint},
		{"golangci-lint run ./...", lint},
		{"go vet ./...", lint},
		{"ruff check .", lint},
		{"ruff format --check .", lint},
		{"prettier --check .", lint},
		{"biome ci .", lint},
		{"pre-commit run --all-files", lint},
		{"go run honnef.co/go/tools/cmd/staticcheck@latest ./...", lint},
		{"cargo clippy -- -D warnings", lint},
		{"cargo fmt --check", lint},
		{"terraform fmt -check", lint},
		{"helm lint chart/", lint},
		// type checks
		{"tsc --noEmit", typecheck},
		{"npx tsc --noEmit -p web", typecheck},
		{"tsc -b", typecheck | build},
		{"npm run typecheck", typecheck},
		{"npm run type-check", typecheck},
		{"pnpm run check:types", typecheck},
		{"mypy src", typecheck},
		{"cargo check", typecheck},
		{"vue-tsc --noEmit", typecheck},
		// A runner in a test directory, run by an interpreter, through a
		// shell's -ic and tmux (fzf's test image).
		{"ruby test/runner.rb", test},
		{"bash tests/run.sh", test},
		{`bash -ic "tmux new 'set -o pipefail; ruby /fzf/test/runner.rb | tee out && touch ok' && cat out"`, test},
		{"tmux new-session -d -s ci -x 80 'npm test'", test},
		{"tmux new -s dev", none},
		{"ruby script/setup.rb", none},
		{"./test/setup-db.sh", none},
		{"php tests/main.php", test},
		// builds
		{"go build ./...", build},
		{"npm run build", build},
		{"pnpm build", build},
		{"yarn build:prod", build},
		{"make", build},
		{"make -j4", build},
		{"cargo build --release", build},
		{"python -m build", build},
		{"vite build", build},
		{"next build", build},
		{"nest build", typecheck | build},
		{"nest build --builder swc", build},
		{"nest build -b swc --type-check", typecheck | build},
		{"nest start", none},
		{"goreleaser release --snapshot --clean", build},
		// security
		{"npm audit --audit-level=high", security},
		{"yarn npm audit", security},
		{"go run golang.org/x/vuln/cmd/govulncheck@latest ./...", security},
		{"govulncheck ./...", security},
		{"trivy fs --exit-code 1 .", security},
		{"gitleaks detect --source .", security},
		{"semgrep ci", security},
		{"snyk test", security},
		{"pip-audit -r requirements.txt", security},
		{"cargo audit", security},
		{"docker run --rm -v $PWD:/src aquasec/trivy:0.50.0 fs /src", security},
		{"docker scout cves image", security},
		{"dotnet list package --vulnerable", security},
		{"npm run audit:deps", security},
		// container images
		{"docker build -t app .", container},
		{"docker buildx build --push -t x .", container | deploy},
		{"docker buildx bake --push", container | deploy},
		// The engine named by a variable (shiori's scripts/buildx.sh).
		{"$CONTAINER_RUNTIME buildx build -f ${CONTAINERFILE_NAME} --platform linux/amd64 ${CONTAINER_BUILDX_OPTIONS} .", container},
		{"$(DOCKER) build -t app .", container},
		{"$BUILD_DIR/run.sh", none},
		// Publishing an image counts as gem push and npm publish do.
		{"docker push ghcr.io/acme/api:1.2", deploy},
		{"docker image push ghcr.io/acme/api:1.2", deploy},
		{"helm push chart.tgz oci://ghcr.io/acme", deploy},
		{"make build-images", container},
		{"docker compose -f ci.yml build", container},
		{"docker compose -f docker-compose.relational.ci.yaml --env-file env-example-relational -p tests up --build --exit-code-from api", container},
		{"docker-compose up --build -d", container},
		{"docker compose up -d", none},
		{"docker-compose build api", container},
		{"podman build .", container},
		{"/kaniko/executor --context . --destination x", container},
		{"make docker-build", container},
		{"gcloud builds submit --tag gcr.io/x/y", container},
		// deploys
		{"kubectl apply -f k8s/", deploy},
		{"kubectl -n prod rollout restart deploy/api", deploy},
		{"helm upgrade --install api chart/", deploy},
		{"terraform apply -auto-approve", deploy},
		{"vercel deploy --prod", deploy},
		{"npx vercel --prod --token $T", deploy},
		{"fly deploy", deploy},
		{"gcloud run deploy api --image x", deploy},
		{"aws ecs update-service --cluster c --service s --force-new-deployment", deploy},
		{"npm publish --access public", deploy},
		{"git push heroku main", deploy},
		{"npm run deploy", deploy},
		{"goreleaser release --clean", build | deploy},
		{"pnpm changelogen --canary nightly --publish --publishTag 2x", deploy},
		{"npx changelogen --release", none},
		{"npx release-it --ci", deploy},
		// several commands
		{"npm ci\nnpm run lint\nnpm test", lint | test},
		{"npm ci && npm run build && npm test", build | test},
		{"go vet ./... \\\n  && go test ./...", lint | test},
		{"if [ -n \"$CI\" ]; then npm test; fi", test},
		{"for d in a b; do (cd $d && make test); done", test},
		// nothing
		{"", none},
		{"echo hello", none},
		{"npm ci", none},
		{"npm install", none},
		{"npm run dev", none},
		{"npm start", none},
		{"yarn install --frozen-lockfile", none},
		{"go mod download", none},
		{"docker compose up -d", none},
		{"terraform plan", none},
		{"pulumi preview", none},
		{"prettier --write .", none},
		{"cargo fmt", none},
		{"npm run check", none},
		{"make ci", none},
		{"# npm test", none},
		{"echo 'npm test; go test'", none},
		{"echo \"run: npm test\"", none},
		{"cat testdata/x.json", none},
		{"git push origin main", none},
		{"git checkout main", none},
		{"./bin/server --port 8080", none},
	}
	for _, c := range cases {
		if got := ScriptStages(c.script); got != c.want {
			t.Errorf("%q: got [%s], want [%s]", c.script, names(got), names(c.want))
		}
	}
}

func TestCommandStagesLines(t *testing.T) {
	script := "set -e\nnpm ci\nnpm run lint && \\\n  npm test\n\n# go test\ngo build ./..."
	got := CommandStages(script)
	want := []CommandMatch{
		{Stages: lint, Command: "npm run lint", Line: 2},
		{Stages: test, Command: "npm test", Line: 2},
		{Stages: build, Command: "go build ./...", Line: 6},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestTaskStages(t *testing.T) {
	cases := []struct {
		name string
		want Stages
	}{
		{"test", test}, {"test:unit", test}, {"tests", test}, {"e2e", test}, {"testUnit", test},
		{"lint", lint}, {"lint:fix", lint}, {"format:check", lint}, {"fmt-check", lint},
		{"typecheck", typecheck}, {"type-check", typecheck}, {"typeCheck", typecheck}, {"check-types", typecheck}, {"tsc", typecheck},
		{"build", build}, {"build:prod", build}, {"compile", build}, {"dist", build},
		{"docker-build", container}, {"build:image", container}, {"bootBuildImage", container},
		{"audit", security}, {"security-scan", security}, {"vulncheck", security}, {"dependency-check", security},
		{"deploy", deploy}, {"deploy:prod", deploy}, {"publish", deploy},
		{"check", none}, {"ci", none}, {"verify", none}, {"all", none}, {"dev", none}, {"start", none},
		{"format", none}, {"release", none}, {"testdata", none}, {"", none},
		// Coverage of the tests, not of translations (excalidraw's
		// locales-coverage).
		{"coverage", test}, {"test:coverage", test}, {"coverage-report", test}, {"coverage:html", test},
		{"locales-coverage", none}, {"build-locales-coverage", build},
	}
	for _, c := range cases {
		if got := TaskStages(c.name); got != c.want {
			t.Errorf("%q: got [%s], want [%s]", c.name, names(got), names(c.want))
		}
	}
}

// with is a with: block of one input.
func with(key, value string) *yamlpos.Node {
	return &yamlpos.Node{Kind: yamlpos.Map, Pairs: []yamlpos.Pair{{Key: key, Value: &yamlpos.Node{Kind: yamlpos.Scalar, Value: value}}}}
}

func TestActionStages(t *testing.T) {
	goreleaserBuild := &yamlpos.Node{Kind: yamlpos.Map, Pairs: []yamlpos.Pair{{Key: "args", Value: &yamlpos.Node{Kind: yamlpos.Scalar, Value: "build --snapshot"}}}}
	cases := []struct {
		uses string
		with *yamlpos.Node
		want Stages
	}{
		{"github/codeql-action/analyze@v3", nil, security},
		{"github/codeql-action/init@48ab28a6f5dbc2a99bf1e0131198dd8f1df78169", nil, security},
		{"aquasecurity/trivy-action@0.28.0", nil, security},
		{"gitleaks/gitleaks-action@v2", nil, security},
		{"golang/govulncheck-action@v1", nil, security},
		{"snyk/actions/node@master", nil, security},
		{"actions/dependency-review-action@v4", nil, security},
		{"golangci/golangci-lint-action@v6", nil, lint},
		{"hadolint/hadolint-action@v3.1.0", nil, lint},
		{"reviewdog/action-eslint@v1", nil, lint},
		{"super-linter/super-linter/slim@v7", nil, lint},
		{"cypress-io/github-action@v6", nil, test},
		// It builds the app first when told how (vitesse's build: pnpm run build).
		{"cypress-io/github-action@v6", &yamlpos.Node{Kind: yamlpos.Map, Pairs: []yamlpos.Pair{{Key: "build", Value: &yamlpos.Node{Kind: yamlpos.Scalar, Value: "pnpm run build"}}}}, test | build},
		{"docker/build-push-action@v6", nil, container},
		// push: true publishes the image (excalidraw's publish-docker.yml);
		// an expression pushes on the events that deploy.
		{"docker/build-push-action@v5", with("push", "true"), container | deploy},
		{"docker/build-push-action@v5", with("push", "${{ github.event_name != 'pull_request' }}"), container | deploy},
		{"docker/build-push-action@v5", with("push", "false"), container},
		{"docker/bake-action@v5", with("push", "true"), container | deploy},
		{"actions/deploy-pages@v4", nil, deploy},
		{"aws-actions/amazon-ecs-deploy-task-definition@v2", nil, deploy},
		{"easingthemes/ssh-deploy@main", nil, deploy},
		{"goreleaser/goreleaser-action@v6", nil, build | deploy},
		{"goreleaser/goreleaser-action@v6", goreleaserBuild, build},
		// An expression gives the arguments (fzf's release.yml): each
		// string it may give counts, not the event it compares with.
		{"goreleaser/goreleaser-action@v7", with("args", "${{ github.event_name == 'push'\n    && 'release --clean --release-notes tmp/release-note'\n    || 'release --snapshot --clean --skip=publish' }}"), build | deploy},
		{"goreleaser/goreleaser-action@v7", with("args", "${{ github.event_name == 'release' && 'build --snapshot' || 'build --single-target' }}"), build},
		// changesets/action runs its inputs as commands: publishing is
		// deploying; with no publish input it only opens a version PR.
		{"changesets/action@v1", &yamlpos.Node{Kind: yamlpos.Map, Pairs: []yamlpos.Pair{{Key: "publish", Value: &yamlpos.Node{Kind: yamlpos.Scalar, Value: "npx changeset publish"}}}}, deploy},
		{"changesets/action@v1", nil, none},
		// setup actions install tools but run nothing
		{"actions/setup-go@v5", nil, none},
		{"snyk/actions/setup@master", nil, none},
		{"pnpm/action-setup@v4", nil, none},
		{"actions/checkout@v4", nil, none},
		{"actions/upload-artifact@v4", nil, none},
		{"dorny/test-reporter@v1", nil, none},
		{"codecov/codecov-action@v5", nil, none},
		{"./.github/actions/test", nil, none},
		{"docker://aquasec/trivy", nil, none},
		{"", nil, none},
	}
	for _, c := range cases {
		if got := ActionStages(c.uses, c.with); got != c.want {
			t.Errorf("%q: got [%s], want [%s]", c.uses, names(got), names(c.want))
		}
	}
}

func FuzzScriptStages(f *testing.F) {
	for _, s := range []string{"npm test", "go vet ./... \\\n && go test ./...", "echo 'a; b' # c", "sh -c \"make test\"",
		"docker run -v x:y aquasec/trivy fs .", "nx run-many -t build,test", "concurrently 'npm:lint'", "mvn -DskipTests deploy"} {
		f.Add(s, "npm run lint")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		matches := CommandStages(a)
		lines := strings.Count(a, "\n") + 1
		var union Stages
		for _, m := range matches {
			if m.Stages == none || m.Stages>>numStages != 0 {
				t.Fatalf("match with no or unknown stages: %+v", m)
			}
			if m.Line < 0 || m.Line >= lines {
				t.Fatalf("line %d outside a %d-line script", m.Line, lines)
			}
			if strings.TrimSpace(m.Command) == "" {
				t.Fatalf("match without a command: %+v", m)
			}
			union |= m.Stages
		}
		if got := ScriptStages(a); got != union {
			t.Fatalf("ScriptStages %v != union of matches %v", got, union)
		}
		// Another command on a line of its own cannot take a stage away,
		// unless the first script ends inside a continuation.
		if !strings.HasSuffix(strings.TrimRight(a, " \t\r"), `\`) {
			if both := ScriptStages(a + "\n" + b); both&union != union {
				t.Fatalf("adding %q lost stages: %v then %v", b, union, both)
			}
		}
		_ = TaskStages(a)
		_ = ActionStages(a, nil)
	})
}

// Pins where splitName splits: at every rune that is not a letter or digit
// and at a lower-to-upper step (an acronym stays one word with what
// follows), in lower case.
func TestSplitName(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"__", ""},
		{"A", "a"},
		{"ABC", "abc"},
		{"aB", "a|b"},
		{"test:unit", "test|unit"},
		{"typeCheck", "type|check"},
		{"build:prod", "build|prod"},
		{"HTTPServerPassword", "httpserver|password"},
		{"ABCdef", "abcdef"},
		{"aBCd", "a|bcd"},
		{"_ABc", "abc"},
		{"apiKey2", "api|key2"},
		{"v2Build", "v2build"},
		{"x-api_key.y", "x|api|key|y"},
		{"a b/c:d", "a|b|c|d"},
		{"lint--fix", "lint|fix"},
		{"ÉtéParisÅngström", "été|paris|ångström"},
		{"ωΣigma", "ω|σigma"},
	}
	for _, c := range cases {
		if got := strings.Join(splitName(c.in), "|"); got != c.want {
			t.Errorf("splitName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
