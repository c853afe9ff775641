package deployfiles

import (
	"fmt"
	"path"
	"strings"
	"testing"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/preflight-dev/preflight/collectors"
)

func TestNames(t *testing.T) {
	for name, want := range map[string]bool{
		"Dockerfile": true, "dockerfile": true, "Dockerfile.prod": true, "Dockerfile-dev": true,
		"api.Dockerfile": true, "api.dockerfile": true, "Containerfile": true, "app.containerfile": true,
		"Dockerfile.dockerignore": false, "Dockerfile.md": false, ".dockerignore": false, "docker-compose.yml": false,
		"dockerfile.go": false, "dockerfile_test.go": false, "dockerfiles": false, "Dockerfile.golden": false,
		"containerfile.ts": false, "Dockerfile_old": false,
	} {
		if IsDockerfile(name) != want {
			t.Errorf("IsDockerfile(%s) = %v", name, !want)
		}
	}
	for name, want := range map[string]bool{
		"docker-compose.yml": true, "docker-compose.prod.yaml": true, "compose.yaml": true,
		"compose.override.yml": true, "Docker-Compose.YML": true, "compose.json": false, "deploy.yml": false,
		"docker_compose.yaml": true, "app.compose.yml": true, "stack-compose.yaml": true, "composer.yml": false, "decompose.yaml": false,
	} {
		if IsComposeFile(name) != want {
			t.Errorf("IsComposeFile(%s) = %v", name, !want)
		}
	}
	// A workflow named for what it runs is a workflow.
	for rel, want := range map[string]bool{
		"deploy/docker-compose.yml": true, ".github/docker-compose.ci.yml": true,
		".github/workflows/test-docker-compose.yml": false, ".github/workflows/deploy-docker-compose.yml": false,
	} {
		if IsComposePath(rel) != want {
			t.Errorf("IsComposePath(%s) = %v", rel, !want)
		}
	}
	for rel, want := range map[string]bool{
		".github/workflows/ci.yml": true, ".gitlab-ci.yml": true, "ci/.gitlab-ci.yml": true, "k8s/ci.yml": false,
	} {
		if IsWorkflowFile(rel) != want {
			t.Errorf("IsWorkflowFile(%s) = %v", rel, !want)
		}
	}
}

func TestLooksLikeManifest(t *testing.T) {
	for src, want := range map[string]bool{
		"apiVersion: v1\nkind: Pod\n":                        true,
		"---\n\"apiVersion\": apps/v1\n'kind': Deployment\n": true,
		"kind: Pod\n":                                            false,
		"spec:\n  apiVersion: v1\n  kind: Pod\n":                 false,
		"apiVersion: v1\nkind: Pod\nmetadata: {name: {{ x }}}\n": false,
		"apiVersion: v2\nname: chart\n":                          false,
	} {
		if LooksLikeManifest([]byte(src)) != want {
			t.Errorf("LooksLikeManifest(%q) = %v", src, !want)
		}
	}
}

func TestComposeBuilds(t *testing.T) {
	src := `services:
  a: {build: .}
  b:
    build:
      context: ./svc/b
      dockerfile: docker/b.Dockerfile
      target: prod
  c: {build: {dockerfile: Containerfile}}
  d: {build: "https://github.com/x/y.git"}
  e: {build: {dockerfile_inline: "FROM x"}}
  f: {build: ../../outside}
  g: {build: {context: "${CTX}"}}
  h: {image: nginx}
  i: {build: {context: /abs}}
`
	got := fmt.Sprint(ComposeBuilds("deploy/docker-compose.yml", []byte(src)))
	want := "[{a deploy/Dockerfile deploy  2} {b deploy/svc/b/docker/b.Dockerfile deploy/svc/b prod 4} {c deploy/Containerfile deploy  8}]"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if ComposeBuilds("x.yml", []byte("services: [\n")) != nil || ComposeBuilds("x.yml", []byte("services: 1\n")) != nil {
		t.Error("unreadable compose files build nothing")
	}
}

func TestEscapeGlobAndTargetNames(t *testing.T) {
	g := collectors.EscapeGlob("a/[b]/c*.yml")
	if ok, _ := doublestar.Match(g, "a/[b]/c*.yml"); !ok {
		t.Errorf("%s does not match its own path", g)
	}
	if ok, _ := doublestar.Match(g, "a/b/cx.yml"); ok {
		t.Errorf("%s matches another path", g)
	}
}

func TestSecretName(t *testing.T) {
	yes := []string{"DB_PASSWORD", "dbPassword", "API_KEY", "apiKey", "STRIPE_KEY", "AWS_SECRET_ACCESS_KEY",
		"NPM_TOKEN", "SECRET_KEY_BASE", "MYSQL_ROOT_PASSWD", "REDIS_PASS", "GOOGLE_CREDENTIALS", "client-secret"}
	no := []string{"PWD", "PATH", "KEY", "GPG_KEY", "PUBLIC_KEY", "DB_PASSWORD_FILE", "TOKEN_URL", "SECRET_NAME",
		"AWS_ACCESS_KEY_ID", "KEYCLOAK_URL", "PASSENGER_APP_ENV", "NODE_ENV", "MONKEY"}
	for _, n := range yes {
		if !SecretName(n) {
			t.Errorf("%s should look like a secret", n)
		}
	}
	for _, n := range no {
		if SecretName(n) {
			t.Errorf("%s should not look like a secret", n)
		}
	}
}

func TestRedactLine(t *testing.T) {
	cases := map[string]string{
		"ENV DB_PASSWORD=hunter2 APP_ENV=prod": "ENV DB_PASSWORD=**** APP_ENV=prod",
		"ENV API_KEY abc def":                  "ENV API_KEY ****",
		`ARG NPM_TOKEN="npm_x"`:                "ARG NPM_TOKEN=****",
		"  password: c2VjcmV0":                 "  password: ****",
		"    - \"clientSecret\": 'x y'":        "    - \"clientSecret\": ****",
		"  labels: [a, b":                      "  labels: [a, b",
		"RUNN echo TOKEN_URL=https://x":        "RUNN echo TOKEN_URL=https://x",
		"ENV PATH /usr/bin":                    "ENV PATH /usr/bin",
	}
	for in, want := range cases {
		if got := RedactLine(in); got != want {
			t.Errorf("RedactLine(%q) = %q, want %q", in, got, want)
		}
	}
}

// Pins where nameWords splits: only at _, - and . and at a lower-to-upper
// step (an acronym stays one word with what follows), in upper case; other
// punctuation stays inside a word.
func TestNameWords(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"__", ""},
		{"a", "A"},
		{"ABC", "ABC"},
		{"aB", "A|B"},
		{"dbPassword", "DB|PASSWORD"},
		{"AWS_SECRET_ACCESS_KEY", "AWS|SECRET|ACCESS|KEY"},
		{"HTTPServerPassword", "HTTPSERVER|PASSWORD"},
		{"ABCdef", "ABCDEF"},
		{"aBCd", "A|BCD"},
		{"_ABc", "ABC"},
		{"apiKey2", "API|KEY2"},
		{"v2Build", "V2BUILD"},
		{"x-api_key.y", "X|API|KEY|Y"},
		{"lint--fix", "LINT|FIX"},
		{"a b/c:d", "A B/C:D"},
		{"//registry.npmjs.org/:_authToken", "//REGISTRY|NPMJS|ORG/:|AUTH|TOKEN"},
		{"ÉtéParisÅngström", "ÉTÉ|PARIS|ÅNGSTRÖM"},
		{"ωΣigma", "Ω|ΣIGMA"},
	}
	for _, c := range cases {
		if got := strings.Join(nameWords(c.in), "|"); got != c.want {
			t.Errorf("nameWords(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestIsCommandFile(t *testing.T) {
	for rel, want := range map[string]bool{
		".github/workflows/ci.yml": true, ".gitlab-ci.yml": true, "Makefile": true, "build/rules.mk": true,
		"scripts/e2e.sh": true, "docs/install.md": true, "package.json": true, "skaffold.yaml": true, "Tiltfile": true,
		"k8s/deploy.yaml": false, "main.go": false, "skaffold.json": false,
	} {
		if got := IsCommandFile(rel); got != want {
			t.Errorf("IsCommandFile(%q) = %v, want %v", rel, got, want)
		}
	}
}

// A build command is read over its continued lines, up to where the
// command ends; its context and Dockerfile are repo-relative, and those
// that are not files of the repository as written are not local.
func TestImageBuilds(t *testing.T) {
	lines := []string{
		"build:",
		"\tdocker build \\",
		"\t  -f docker/Dockerfile --tag shop:$(VERSION) . && docker push shop",
		`docker buildx build --file=api.Dockerfile "$CTX"; podman build -t x ./web`,
		"echo docker builder prune",
		`docker build -t "a b" --build-arg BUILD_DATE=$(date -u +"%Y-%m-%d %H") --label x=${A:-b c} ctx`,
	}
	var got []string
	for i := range lines {
		for _, b := range ImageBuilds(lines, i, ShellCommand, func(w string) string { return w }) {
			ctx, df, ok := b.Local()
			got = append(got, fmt.Sprintf("%d %q %q %q → %s %s %v", i+1, b.Dockerfile, b.Context, b.Tags, ctx, df, ok))
		}
	}
	want := []string{
		`2 "docker/Dockerfile" "." ["shop:$(VERSION)"] → . docker/Dockerfile true`,
		`4 "api.Dockerfile" "$CTX" [] →   false`,
		`4 "" "./web" ["x"] → web web/Dockerfile true`,
		`6 "" "ctx" ["a b"] → ctx ctx/Dockerfile true`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("builds:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, b := range []ImageBuild{{Context: "-"}, {Context: "https://github.com/x/y.git"}, {Context: "../up"}, {Context: "/abs"}, {Context: ".", Dockerfile: "../Dockerfile"}} {
		if _, _, ok := b.Local(); ok {
			t.Errorf("%+v is local", b)
		}
	}
	if CommandCut("README.md")(`docker build ." and more`) != "docker build ." || CommandCut("Makefile")(`a "b" | c`) != `a "b" ` {
		t.Error("CommandCut does not end commands where the file's syntax does")
	}
}

func FuzzImageBuilds(f *testing.F) {
	f.Add("docker build \\\n -f a/Dockerfile -t x:1 . && make")
	f.Add(`podman build --file="b c" "$CTX" ../up`)
	f.Fuzz(func(t *testing.T, text string) {
		lines := strings.Split(text, "\n")
		for i := range lines {
			for _, b := range ImageBuilds(lines, i, ShellCommand, func(w string) string { return w }) {
				ctx, df, ok := b.Local()
				if !ok {
					continue
				}
				for _, p := range []string{ctx, df} {
					if p == ".." || strings.HasPrefix(p, "../") || path.IsAbs(p) || strings.Contains(p, "$") {
						t.Fatalf("%+v: %q is not a path inside the repository", b, p)
					}
				}
			}
		}
	})
}

// docker/build-push-action steps build from their context (the Git
// context, the checkout's root, when none is given) with their file;
// expressions are no paths.
func TestActionBuilds(t *testing.T) {
	src := `on: push
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: docker/build-push-action@v6
        with:
          context: .
          file: docker/Dockerfile
      - uses: docker/build-push-action@v6
      - uses: docker/build-push-action@v6
        with: {context: "{{defaultContext}}:web"}
      - uses: docker/build-push-action@v6
        with: {context: "${{ matrix.dir }}"}
`
	var got []string
	for _, b := range ActionBuilds(".github/workflows/release.yml", []byte(src)) {
		ctx, df, ok := b.Local()
		got = append(got, fmt.Sprintf("%s %s %s %v", b.At, ctx, df, ok))
	}
	want := []string{
		".github/workflows/release.yml:7 . docker/Dockerfile true",
		".github/workflows/release.yml:11 . Dockerfile true",
		".github/workflows/release.yml:12 web web/Dockerfile true",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("builds:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if ActionBuilds("x.yml", []byte("jobs: [\n")) != nil {
		t.Error("an unreadable workflow builds nothing")
	}
}
