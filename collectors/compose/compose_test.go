package compose

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/deployfiles"
	"github.com/preflight-dev/preflight/collectors/rules"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"
)

// detectOne detects the single compose collector of a fixture.
func detectOne(t *testing.T, name string) collectors.Collector {
	t.Helper()
	root := fixturetest.Testdata(t, name)
	cs := Detect(root, fixturetest.Files(t, root))
	if len(cs) != 1 {
		t.Fatalf("%s: %d collectors", name, len(cs))
	}
	return cs[0]
}

// runFixture detects the single compose collector of a fixture and runs it.
func runFixture(t *testing.T, name string) model.Result {
	t.Helper()
	return detectOne(t, name).Run(context.Background(), collectors.Request{Root: fixturetest.Testdata(t, name)})
}

type hit struct {
	File string
	Line int
	Rule string
}

func hits(fs []model.Finding) []hit {
	out := make([]hit, len(fs))
	for i, f := range fs {
		out[i] = hit{f.File, f.Line, f.Rule}
	}
	return out
}

func TestConfigurations(t *testing.T) {
	cases := []struct {
		files []string
		want  string
	}{
		{[]string{"docker-compose.yml"}, "[[docker-compose.yml]]"},
		{[]string{"docker-compose.override.yml", "docker-compose.yml"}, "[[docker-compose.yml docker-compose.override.yml]]"},
		{[]string{"a/compose.prod.yaml", "a/compose.yaml"}, "[[a/compose.yaml] [a/compose.yaml a/compose.prod.yaml]]"},
		// compose prefers compose.yaml; the other default name is a variant.
		{[]string{"compose.yaml", "docker-compose.yml"}, "[[compose.yaml] [compose.yaml docker-compose.yml]]"},
		{[]string{"docker-compose.dev.yml", "docker-compose.prod.yml"}, "[[docker-compose.dev.yml] [docker-compose.prod.yml]]"},
		{[]string{"compose.override.yml"}, "[[compose.override.yml]]"},
	}
	for _, tc := range cases {
		if got := fmt.Sprint(Configurations(tc.files)); got != tc.want {
			t.Errorf("Configurations(%v) = %s, want %s", tc.files, got, tc.want)
		}
	}
}

func TestDetect(t *testing.T) {
	root := fixturetest.Testdata(t, "tree")
	cs := Detect(root, fixturetest.Files(t, root))
	got := map[string]string{}
	for _, c := range cs {
		cc := c.(*Collector)
		got[c.ID()] = fmt.Sprint(cc.Configs())
		if c.Kind() != "compose" || c.Domain() != "deployment" {
			t.Errorf("%s: kind %s domain %s", c.ID(), c.Kind(), c.Domain())
		}
	}
	want := map[string]string{
		"compose:.":            "[[docker-compose.yml docker-compose.override.yml] [docker-compose.yml docker-compose.prod.yml]]",
		"compose:deploy":       "[[deploy/compose.yaml]]",
		"compose:tools/deploy": "[[tools/deploy/compose.yaml]]",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("detected %v\nwant %v", got, want)
	}
	for _, c := range cs {
		if c.ID() != "compose:." {
			continue
		}
		wantInputs := []string{".env", "Dockerfile", "deploy/common.yml", "deploy/extra.yml", "docker-compose.override.yml",
			"docker-compose.prod.yml", "docker-compose.yml", "package.json", "services/api/Dockerfile", "tools/docker-compose.tools.yml"}
		if !reflect.DeepEqual(c.Inputs(), wantInputs) {
			t.Errorf("inputs %v\nwant %v", c.Inputs(), wantInputs)
		}
	}
}

// The rules fixture has one service that breaks every rule and one that is
// hardened and must produce nothing.
func TestEveryRuleAndAHardenedService(t *testing.T) {
	res := runFixture(t, "rules")
	if res.Status != model.StatusOK || res.Error != "" {
		t.Fatalf("status %s error %q", res.Status, res.Error)
	}
	const f = "docker-compose.yml"
	want := []hit{
		{f, 23, "compose/cap-drop-all"},
		{f, 23, "compose/no-healthcheck"},
		{f, 23, "compose/no-new-privileges"},
		{f, 23, "compose/no-resource-limits"},
		{f, 23, "compose/no-restart-policy"},
		{f, 24, "compose/image-latest"},
		{f, 25, "compose/privileged"},
		{f, 26, "compose/root-user"},
		{f, 27, "compose/host-network"},
		{f, 28, "compose/datastore-port-exposed"},
		{f, 31, "compose/docker-socket"},
		{f, 33, "compose/writable-root-fs"},
		{f, 34, "compose/host-namespace"},
		{f, 35, "compose/host-namespace"},
	}
	if got := hits(res.Findings); !reflect.DeepEqual(got, want) {
		t.Errorf("findings\n got %v\nwant %v", got, want)
	}
	covered := map[string]bool{}
	for _, fd := range res.Findings {
		covered[fd.Rule] = true
		r, ok := rules.NewCatalogue(AllRules()).Lookup(fd.Rule)
		if !ok || fd.Severity != r.Severity || fd.Collector != "compose:." || fd.Domain != "deployment" || fd.ID == "" || fd.Column == 0 {
			t.Errorf("finding %+v", fd)
		}
		if strings.Contains(fd.Message, "hardened") {
			t.Errorf("the hardened service has a finding: %s", fd.Message)
		}
	}
	for _, r := range Rules {
		if !covered[r.ID] {
			t.Errorf("the bad service never breaks %s", r.ID)
		}
	}
	if res.Facts["services"] != 2 || res.Facts["configurations"] != 1 || res.Facts["suppressed"] != 0 || len(res.Facts) != 3 {
		t.Errorf("facts %v", res.Facts)
	}
	// Only the port on all interfaces is named, not the loopback one.
	for _, fd := range res.Findings {
		if fd.Rule == "compose/datastore-port-exposed" && fd.Message != "service bad (redis) publishes 6379:6379 on all interfaces" {
			t.Errorf("message %q", fd.Message)
		}
	}
}

// The project fixture exercises what compose-go brings: an override file
// and a variant, .env interpolation, a profile, merge keys from an x-
// anchor, a service whose Dockerfile sets USER and HEALTHCHECK, and
// suppressions stacked above a service.
func TestProjectWithOverridesEnvProfilesAndSuppressions(t *testing.T) {
	res := runFixture(t, "project")
	if res.Status != model.StatusOK {
		t.Fatalf("status %s error %q", res.Status, res.Error)
	}
	want := []hit{
		{"compose.override.yaml", 4, "compose/datastore-port-exposed"},
		{"compose.prod.yaml", 3, "compose/writable-root-fs"},
		{"compose.yaml", 33, "preflight/suppression-without-reason"},
	}
	if got := hits(res.Findings); !reflect.DeepEqual(got, want) {
		t.Errorf("findings\n got %v\nwant %v", got, want)
		for _, f := range res.Findings {
			t.Logf("%s:%d %s %s", f.File, f.Line, f.Rule, f.Message)
		}
	}
	// debug (profile "debug") is loaded; its two findings appear in both
	// configurations but are counted once.
	if res.Facts["services"] != 3 || res.Facts["suppressed"] != 2 {
		t.Errorf("facts %v", res.Facts)
	}
	wantCmd := "compose-go load (all profiles) of compose.yaml + compose.override.yaml; compose.yaml + compose.prod.yaml (preflight built-in rules)"
	if res.Command != wantCmd || res.ExitCode != -1 {
		t.Errorf("command %q exit %d", res.Command, res.ExitCode)
	}
	wantOut := "compose.yaml + compose.override.yaml: 3 services, 3 issues\ncompose.yaml + compose.prod.yaml: 3 services, 3 issues"
	if res.Output != wantOut {
		t.Errorf("output %q", res.Output)
	}
}

// A configuration docker compose refuses is a blocker at the file and line
// it concerns, with the loader's message and the line quoted; the
// collector itself is ok.
func TestInvalidComposeIsABlockerAtFileAndLine(t *testing.T) {
	cases := map[string]string{
		"broken/syntax":    "docker-compose.yml:6: value is not allowed in this context",
		"broken/schema":    "docker-compose.yml:5: services.web.imagee: unknown key",
		"broken/units":     "compose.yaml:4: decoding failed due to the following error(s): 'services[web].mem_limit' invalid suffix: 'q'",
		"broken/reference": `compose.yaml:2: service "web" refers to undefined network backend: invalid compose project`,
		"broken/override":  "compose.override.yaml:6: services.web.deploy.resources.limits.memory must be a string",
		"broken/duplicate": `compose.yaml:4: mapping key "image" already defined at [3:5]`,
	}
	for dir, want := range cases {
		t.Run(dir, func(t *testing.T) {
			res := runFixture(t, dir)
			if res.Status != model.StatusOK || res.Error != "" {
				t.Errorf("status %s error %q", res.Status, res.Error)
			}
			var got []string
			for _, f := range res.Findings {
				if f.Rule == RuleInvalid.ID && f.Severity == model.Blocker {
					got = append(got, fmt.Sprintf("%s:%d: %s", f.File, f.Line, f.Message))
				}
			}
			if len(got) != 1 || !strings.HasPrefix(got[0], want+" (at: ") || strings.Contains(got[0], "\n") {
				t.Errorf("invalid findings %q, want %q", got, want)
			}
			if _, msg, _ := strings.Cut(want, ": "); !strings.Contains(res.Output, msg) {
				t.Errorf("output %q", res.Output)
			}
		})
	}
}

// A variable marked required (${TAG:?set TAG in .env}, full-stack-fastapi-
// template's ${DOMAIN:?Variable not set}) is meant to be set where the
// stack runs: that is the unset-variable rule's own fix, so it is no
// finding; the rules are checked with a placeholder, and the evidence says
// so. A plain unset variable beside it still is one.
func TestARequiredVariableIsNoFinding(t *testing.T) {
	res := runFixture(t, "broken/interpolation")
	for _, f := range res.Findings {
		if f.Rule == RuleInvalid.ID || f.Rule == RuleUnsetVariable.ID {
			t.Errorf("%s %s:%d %s", f.Rule, f.File, f.Line, f.Message)
		}
	}
	if !strings.Contains(res.Output, "compose.yaml: TAG marked required (${VAR:?…}), to be set where it is deployed") || !strings.Contains(res.Output, "7 issues") {
		t.Errorf("output %q", res.Output)
	}
	root := fixturetest.WriteRepo(t, map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx:${TAG:?set TAG}\n    ports:\n      - \"${PORT}:80\"\n    environment:\n      HOST: ${DOMAIN:?set DOMAIN}\n"})
	c := Detect(root, []string{"compose.yaml"})[0]
	res = c.Run(context.Background(), collectors.Request{Root: root})
	var unset []string
	for _, f := range res.Findings {
		if f.Rule == RuleUnsetVariable.ID || f.Rule == RuleInvalid.ID {
			unset = append(unset, fmt.Sprintf("%s %s:%d %s", f.Rule, f.File, f.Line, strings.SplitN(f.Message, ":", 2)[0]))
		}
	}
	if want := []string{"compose/unset-variable compose.yaml:5 PORT not set"}; !slices.Equal(unset, want) {
		t.Errorf("findings %q, want %q", unset, want)
	}
	if !strings.Contains(res.Output, "DOMAIN, TAG marked required") {
		t.Errorf("output %q", res.Output)
	}
}

// compose-go refuses container_name with deploy.replicas, but the file's
// eleven services still run as root: the hardening rules apply to what the
// file says.
func TestRefusedComposeStillGetsItsHardeningFindings(t *testing.T) {
	res := runFixture(t, "broken/refused")
	count := map[string]int{}
	for _, f := range res.Findings {
		count[f.Rule]++
	}
	if res.Status != model.StatusOK || count[RuleInvalid.ID] != 1 || count[RuleRootUser.ID] != 11 || res.Facts["services"] != 11 {
		t.Errorf("status %s findings by rule %v facts %v", res.Status, count, res.Facts)
	}
	for _, f := range res.Findings {
		if f.Rule == RuleInvalid.ID && (f.Line != 8 || !strings.Contains(f.Message, "can't set container_name and svc3")) {
			t.Errorf("invalid finding %+v", f)
		}
	}
}

// An anchor that merges itself costs compose-go seconds of alias expansion;
// it is refused at once.
func TestSelfMergingAnchorIsAFindingAtOnce(t *testing.T) {
	start := time.Now()
	res := runFixture(t, "broken/selfmerge")
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %s", d)
	}
	if len(res.Findings) != 1 || res.Findings[0].Rule != RuleInvalid.ID || res.Findings[0].Line != 4 ||
		!strings.Contains(res.Findings[0].Message, "too many alias expansions") {
		t.Errorf("findings %+v", res.Findings)
	}
}

// checkText loads one compose file written to a temporary directory and
// returns its issues as "service rule" strings.
func checkText(t *testing.T, text string, extra map[string]string) []string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{"compose.yaml": text}
	for k, v := range extra {
		files[k] = v
	}
	fixturetest.WriteFiles(t, dir, files)
	p, _, err := Load(context.Background(), []string{filepath.Join(dir, "compose.yaml")})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, is := range Check(p, OwnImages(p, dir, nil), nil) {
		out = append(out, is.Service+" "+is.Rule.ID)
	}
	return out
}

// The finding on the project's own image says where the root comes from.
func TestOwnImageRunningAsRootNamesItsDockerfile(t *testing.T) {
	dir := t.TempDir()
	fixturetest.WriteFiles(t, dir, map[string]string{"compose.yaml": "services:\n  web:\n    image: ghcr.io/acme/shop:2\n", "Dockerfile": "FROM x:1\n", "package.json": `{"name": "shop"}`})
	p, _, err := Load(context.Background(), []string{filepath.Join(dir, "compose.yaml")})
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, is := range Check(p, OwnImages(p, dir, nil), nil) {
		if is.Rule == RuleRootUser {
			msgs = append(msgs, is.Message)
		}
	}
	want := "service web runs as root: no user: and image ghcr.io/acme/shop:2, built from this repository's Dockerfile, does not switch to an unprivileged USER"
	if len(msgs) != 1 || msgs[0] != want {
		t.Errorf("root-user messages %q, want %q", msgs, want)
	}
}

// A compose file in a directory of its own (podman/) runs the image the
// Dockerfile at the repository's root makes.
func TestOwnImageFromTheRootDockerfile(t *testing.T) {
	dir := t.TempDir()
	fixturetest.WriteFiles(t, dir, map[string]string{"podman/podman-compose.yml": "services:\n  web:\n    image: ghcr.io/acme/shop:2\n",
		"Dockerfile": "FROM x:1\nUSER app\n", "package.json": `{"name": "shop"}`})
	p, _, err := Load(context.Background(), []string{filepath.Join(dir, "podman/podman-compose.yml")})
	if err != nil {
		t.Fatal(err)
	}
	for _, is := range Check(p, OwnImages(p, dir, nil), nil) {
		if is.Rule == RuleRootUser {
			t.Errorf("root-user for the image the root Dockerfile makes: %s", is.Message)
		}
	}
}

func has(issues []string, s string) bool {
	for _, x := range issues {
		if x == s {
			return true
		}
	}
	return false
}

func TestRuleCases(t *testing.T) {
	cases := []struct {
		name  string
		text  string
		extra map[string]string
		issue string
		want  bool
	}{
		{"user 0 is root", "services:\n  a:\n    image: x:1\n    user: \"0:0\"\n", nil, "a compose/root-user", true},
		{"non-root user", "services:\n  a:\n    image: x:1\n    user: app\n", nil, "a compose/root-user", false},
		{"image known to drop root", "services:\n  a:\n    image: bitnami/redis:7.4\n", nil, "a compose/root-user", false},
		{"distroless nonroot tag", "services:\n  a:\n    image: gcr.io/distroless/static:nonroot\n", nil, "a compose/root-user", false},
		{"Dockerfile with USER", "services:\n  a:\n    build: ./a\n", map[string]string{"a/Dockerfile": "FROM x:1\nUSER 1000\n"}, "a compose/root-user", false},
		{"Dockerfile without USER", "services:\n  a:\n    build: ./a\n", map[string]string{"a/Dockerfile": "FROM x:1\n"}, "a compose/root-user", true},
		{"missing Dockerfile is not known to drop root", "services:\n  a:\n    build: ./nope\n", nil, "a compose/root-user", true},
		{"inline Dockerfile with USER and HEALTHCHECK", "services:\n  a:\n    build:\n      dockerfile_inline: |\n        FROM x:1\n        USER app\n        HEALTHCHECK CMD true\n", nil, "a compose/no-healthcheck", false},
		{"target stage decides", "services:\n  a:\n    build: {context: ., target: dev}\n", map[string]string{"Dockerfile": "FROM x:1 AS dev\nFROM x:1\nUSER app\n"}, "a compose/root-user", true},
		{"the project's published image is what its Dockerfile makes", "services:\n  a:\n    image: ghcr.io/acme/shop:latest\n", map[string]string{"package.json": `{"name": "@acme/shop"}`, "Dockerfile": "FROM x:1\nUSER app\nHEALTHCHECK CMD true\n"}, "a compose/root-user", false},
		{"and its HEALTHCHECK counts", "services:\n  a:\n    image: ghcr.io/acme/shop:latest\n", map[string]string{"package.json": `{"name": "@acme/shop"}`, "Dockerfile": "FROM x:1\nUSER app\nHEALTHCHECK CMD true\n"}, "a compose/no-healthcheck", false},
		{"the project's image without USER", "services:\n  a:\n    image: acme/shop\n", map[string]string{"package.json": `{"name": "shop"}`, "Dockerfile": "FROM x:1\n"}, "a compose/root-user", true},
		{"another image is not the project's", "services:\n  a:\n    image: acme/shop-worker\n", map[string]string{"package.json": `{"name": "shop"}`, "Dockerfile": "FROM x:1\nUSER app\n"}, "a compose/root-user", true},
		{"no Dockerfile, no telling", "services:\n  a:\n    image: acme/shop\n", map[string]string{"package.json": `{"name": "shop"}`}, "a compose/root-user", true},
		{"an image another service builds", "services:\n  a:\n    image: registry.example.com/acme/api:1\n    build: {context: ., dockerfile: api.Dockerfile}\n  b:\n    image: registry.example.com/acme/api:1\n", map[string]string{"api.Dockerfile": "FROM x:1\nUSER 1000\n"}, "b compose/root-user", false},
		{"healthcheck disabled on purpose", "services:\n  a:\n    image: x:1\n    healthcheck: {disable: true}\n", nil, "a compose/no-healthcheck", false},
		{"legacy no-new-privileges", "services:\n  a:\n    image: x:1\n    security_opt: [no-new-privileges]\n", nil, "a compose/no-new-privileges", false},
		{"no-new-privileges false", "services:\n  a:\n    image: x:1\n    security_opt: [\"no-new-privileges:false\"]\n", nil, "a compose/no-new-privileges", true},
		{"cap_drop lower case", "services:\n  a:\n    image: x:1\n    cap_drop: [all]\n", nil, "a compose/cap-drop-all", false},
		{"cap_drop some", "services:\n  a:\n    image: x:1\n    cap_drop: [NET_RAW]\n", nil, "a compose/cap-drop-all", true},
		{"mem_limit and cpus", "services:\n  a:\n    image: x:1\n    mem_limit: 1g\n    cpus: 0.5\n", nil, "a compose/no-resource-limits", false},
		{"memory only", "services:\n  a:\n    image: x:1\n    mem_limit: 1g\n", nil, "a compose/no-resource-limits", true},
		{"restart in deploy", "services:\n  a:\n    image: x:1\n    deploy: {restart_policy: {condition: on-failure}}\n", nil, "a compose/no-restart-policy", false},
		{"socket by long syntax", "services:\n  a:\n    image: x:1\n    volumes:\n      - type: bind\n        source: /run/podman/podman.sock\n        target: /var/run/docker.sock\n", nil, "a compose/docker-socket", true},
		{"socket-like name is not a socket", "services:\n  a:\n    image: x:1\n    volumes: [\"./docker.sock.d:/etc/x\"]\n", nil, "a compose/docker-socket", false},
		{"datastore on loopback", "services:\n  a:\n    image: mysql:8.4\n    ports: [\"127.0.0.1:3306:3306\"]\n", nil, "a compose/datastore-port-exposed", false},
		{"datastore on a random port", "services:\n  a:\n    image: mongo:8\n    ports: [\"27017\"]\n", nil, "a compose/datastore-port-exposed", true},
		{"datastore on IPv6 wildcard", "services:\n  a:\n    image: docker.elastic.co/elasticsearch/elasticsearch:8.15.0\n    ports: [\"[::]:9200:9200\"]\n", nil, "a compose/datastore-port-exposed", true},
		{"web UI for a database is not one", "services:\n  a:\n    image: mongo-express:1\n    ports: [\"8081:8081\"]\n", nil, "a compose/datastore-port-exposed", false},
		{"latest tag", "services:\n  a:\n    image: nginx:latest\n", nil, "a compose/image-latest", true},
		{"digest only", "services:\n  a:\n    image: nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000\n", nil, "a compose/image-latest", false},
		{"built image name is not pinned, nor needs to be", "services:\n  a:\n    image: acme/app\n    build: .\n", map[string]string{"Dockerfile": "FROM x:1\n"}, "a compose/image-latest", false},
		{"tag from .env", "services:\n  a:\n    image: nginx:${TAG}\n", map[string]string{".env": "TAG=1.27\n"}, "a compose/image-latest", false},
		{"unset tag falls back to none", "services:\n  a:\n    image: nginx:${TAG:-latest}\n", nil, "a compose/image-latest", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := checkText(t, tc.text, tc.extra)
			if has(got, tc.issue) != tc.want {
				t.Errorf("%q present = %v, want %v (issues %v)", tc.issue, !tc.want, tc.want, got)
			}
		})
	}
}

// loadText loads a compose.yaml of text, written in a directory of its
// own (returned), as the collector loads one.
func loadText(t *testing.T, text string) (dir string, p *types.Project, warnings []string) {
	t.Helper()
	dir = t.TempDir()
	fixturetest.WriteFiles(t, dir, map[string]string{"compose.yaml": text})
	p, warnings, err := Load(context.Background(), []string{filepath.Join(dir, "compose.yaml")})
	if err != nil {
		t.Fatal(err)
	}
	return dir, p, warnings
}

func TestLoaderWarningsAreEvidenceNotOutput(t *testing.T) {
	_, _, warnings := loadText(t, "version: \"3.8\"\nservices:\n  a:\n    image: nginx:${TAG}\n")
	joined := strings.Join(warnings, "\n")
	if !strings.Contains(joined, `The "TAG" variable is not set`) || !strings.Contains(joined, "`version` is obsolete") {
		t.Errorf("warnings %q", warnings)
	}
}

func TestLoadIgnoresTheProcessEnvironment(t *testing.T) {
	t.Setenv("TAG", "9.9")
	_, proj, _ := loadText(t, "services:\n  a:\n    image: nginx:${TAG:-1.27}\n    env_file: missing.env\n")
	if img := proj.Services["a"].Image; img != "nginx:1.27" {
		t.Errorf("image %q: the result must depend on the repository only", img)
	}
}

// PWD is the one variable of the environment docker compose always has:
// the shell sets it where compose runs, beside the file (podinfo's otel
// stack mounts ${PWD}/grafana). It is that directory, not preflight's.
func TestLoadSetsPWDToTheFilesDirectory(t *testing.T) {
	t.Setenv("PWD", "/somewhere/else")
	dir, proj, warnings := loadText(t, "services:\n  a:\n    image: nginx:1.27\n    volumes:\n      - ${PWD}/conf:/etc/conf:ro\n")
	if len(warnings) != 0 {
		t.Fatalf("warnings %q", warnings)
	}
	if src := proj.Services["a"].Volumes[0].Source; src != filepath.Join(dir, "conf") {
		t.Errorf("volume source %q, want %q", src, filepath.Join(dir, "conf"))
	}
}

// A configuration that is invalid only because a variable is unset (the
// project's .env is not in the repository) says which variable, where it
// is used, and is checked with a placeholder in its place: its hardening
// findings are not lost to one refusal.
func TestUnsetVariableIsNamedAndTheRulesStillRun(t *testing.T) {
	res := runFixture(t, "broken/unset")
	count := map[string]int{}
	for _, f := range res.Findings {
		count[f.Rule]++
		if f.Rule == RuleUnsetVariable.ID && (f.File != "compose.yaml" || f.Line != 5 ||
			f.Message != "APP_PORT, DB_PORT not set: docker compose refuses the configuration without them (No port specified: :<empty>)") {
			t.Errorf("unset finding %+v", f)
		}
		// The placeholder never shows: the variable does.
		if f.Rule == RuleDatastorePortExposed.ID && !strings.Contains(f.Message, "publishes ${DB_PORT}:5432") {
			t.Errorf("datastore finding %q", f.Message)
		}
	}
	if res.Status != model.StatusOK || count[RuleInvalid.ID] != 0 || count[RuleUnsetVariable.ID] != 1 ||
		count[RuleDatastorePortExposed.ID] != 1 || count[RuleImageLatest.ID] != 1 || res.Facts["services"] != 2 {
		t.Errorf("status %s findings by rule %v facts %v\n%+v", res.Status, count, res.Facts, res.Findings)
	}
}

// A variant the project's own commands run alone (a CI workflow, a
// script, the docs) is loaded alone; one they run after the default file,
// or never name, stays an overlay of it.
func TestVariantsAreLoadedAsTheProjectRunsThem(t *testing.T) {
	root := fixturetest.WriteRepo(t, map[string]string{
		"docker-compose.yaml":               "services:\n  api:\n    image: api:1.0.0\n",
		"docker-compose.relational.ci.yaml": "services:\n  api:\n    image: api:1.0.0\n",
		"docker-compose.prod.yaml":          "services:\n  api:\n    restart: always\n",
		"docker-compose.document.yaml":      "services:\n  api:\n    image: api:1.0.0\n",
		"docker-compose.unknown.yaml":       "services:\n  api:\n    restart: always\n",
		".github/workflows/e2e.yml":         "jobs:\n  e2e:\n    steps:\n      - run: docker compose -f docker-compose.relational.ci.yaml --env-file env-example -p tests up --build --exit-code-from api\n",
		"scripts/deploy.sh":                 "#!/bin/sh\ndocker compose -f docker-compose.yaml -f docker-compose.prod.yaml up -d\n",
		"docs/database.md":                  "Run `docker compose -f docker-compose.document.yaml up -d`.\n",
	})
	cs := Detect(root, fixturetest.Files(t, root))
	if len(cs) != 1 {
		t.Fatalf("%d collectors", len(cs))
	}
	want := "[[docker-compose.yaml] [docker-compose.document.yaml] [docker-compose.yaml docker-compose.prod.yaml] [docker-compose.relational.ci.yaml] [docker-compose.yaml docker-compose.unknown.yaml]]"
	if got := fmt.Sprint(cs[0].(*Collector).Configs()); got != want {
		t.Errorf("configurations\n got %s\nwant %s", got, want)
	}
}

func TestComposeUsage(t *testing.T) {
	root := fixturetest.WriteRepo(t, map[string]string{
		"Makefile":     "up:\n\tdocker-compose --file=deploy/stack.yml up\nboth:\n\tpodman compose -f compose.yaml -f stack.yml config\n",
		"package.json": `{"scripts": {"db": "docker compose -f 'db.yml' up -d", "x": "echo -f notcompose.yml"}}`,
	})
	got := composeUsage(root, fixturetest.Files(t, root), map[string]bool{"compose.yaml": true})
	want := map[string]bool{"stack.yml": false, "db.yml": true}
	if fmt.Sprint(got.Alone) != fmt.Sprint(want) {
		t.Errorf("usage %v, want %v", got.Alone, want)
	}
}

func FuzzComposeCommandFiles(f *testing.F) {
	f.Add(` -f a.yml -f "b.yml" up && docker compose -f c.yml`)
	f.Add("--file=x.yaml`")
	f.Add(` --env-file=ci.env up; cp -n ".env.sample" .env`)
	f.Fuzz(func(t *testing.T, rest string) {
		cmd := deployfiles.Command(rest)
		if !strings.HasPrefix(rest, cmd) || strings.Contains(cmd, "&&") || strings.Contains(cmd, `"`) {
			t.Fatalf("command(%q) = %q", rest, cmd)
		}
		if sh := deployfiles.ShellCommand(rest); !strings.HasPrefix(sh, cmd) || !strings.HasPrefix(rest, sh) || strings.Contains(sh, "&&") {
			t.Fatalf("shellCommand(%q) = %q", rest, sh)
		}
		_ = expand(rest, map[string]string{"A": "a.yml"})
		for _, re := range []*regexp.Regexp{fileArg, envFileArg, copyToDotenv} {
			for _, m := range re.FindAllStringSubmatch(cmd, -1) {
				if m[1] == "" || strings.ContainsAny(m[1], " \t\"'") {
					t.Fatalf("file %q from %q", m[1], cmd)
				}
			}
		}
	})
}

// A project that keeps its variables in an example env file (not named
// .env) and says how to use it — its docs copy it to .env before running
// compose, its CI passes it as --env-file — is loaded with that file, as
// its users run it: no unset variable is reported that the file sets.
func TestProjectEnvFileSetsTheVariables(t *testing.T) {
	res := runFixture(t, "envexample")
	if res.Status != model.StatusOK {
		t.Fatalf("status %s: %s", res.Status, res.Error)
	}
	var unset []string
	for _, f := range res.Findings {
		if f.Rule == RuleUnsetVariable.ID {
			unset = append(unset, fmt.Sprintf("%s:%d %s", f.File, f.Line, strings.SplitN(f.Message, ":", 2)[0]))
		}
	}
	// env-example-document sets all but MAIL_PORT.
	if want := []string{"docker-compose.document.yaml:10 MAIL_PORT not set, not even by env-example-document"}; !reflect.DeepEqual(unset, want) {
		t.Errorf("unset-variable findings %q, want %q", unset, want)
	}
	for _, want := range []string{
		"docker-compose.yaml: variables from env-example-relational (docs/installing-and-running.md:8 copies it to .env)",
		"docker-compose.document.yaml: variables from env-example-document (docs/installing-and-running.md:22 copies it to .env)",
		"docker-compose.relational.ci.yaml: variables from env-example-relational (.github/workflows/docker-e2e.yml:8 passes it as --env-file)",
	} {
		if !strings.Contains(res.Output, want) {
			t.Errorf("evidence lacks %q:\n%s", want, res.Output)
		}
	}
	if strings.Contains(res.Output, "docker-compose.relational.ci.yaml: warning") {
		t.Errorf("the CI configuration was loaded without its env file:\n%s", res.Output)
	}
	// The rules see the values the project's file gives.
	for _, f := range res.Findings {
		if f.Rule == "compose/datastore-port-exposed" && f.File == "docker-compose.yaml" && !strings.Contains(f.Message, "publishes 5432:5432") {
			t.Errorf("port finding %q, want the port from env-example-relational", f.Message)
		}
	}
	c := detectOne(t, "envexample")
	want := "[[docker-compose.yaml] [docker-compose.document.yaml] [docker-compose.generators.test.yaml] [docker-compose.relational.ci.yaml]]"
	if got := fmt.Sprint(c.(*Collector).Configs()); got != want {
		t.Errorf("configurations\n got %s\nwant %s (run-crud.sh names its file through $COMPOSE_FILE)", got, want)
	}
	for _, in := range []string{"env-example-relational", "env-example-document", "test/generators/run-crud.sh", "docs/installing-and-running.md"} {
		if !slices.Contains(c.Inputs(), in) {
			t.Errorf("inputs %v lack %s: editing it must rerun the checks", c.Inputs(), in)
		}
	}
}

// How the project runs compose is read again on every run: a script that
// stops naming a file alone makes it an overlay at the next run, without
// waiting for the tree to be scanned again.
func TestEditedScriptChangesTheConfigurations(t *testing.T) {
	root := t.TempDir()
	fixturetest.Copy(t, fixturetest.Testdata(t, "envexample"), root)
	c := Detect(root, fixturetest.Files(t, root))[0]
	req := collectors.Request{Root: root}
	if cmd := c.Run(context.Background(), req).Command; !strings.Contains(cmd, "; docker-compose.generators.test.yaml;") {
		t.Fatalf("before the edit: %s", cmd)
	}
	script := filepath.Join(root, "test", "generators", "run-crud.sh")
	src := strings.Replace(fixturetest.ReadFile(t, script), `-f "$COMPOSE_FILE"`, `-f docker-compose.yaml -f "$COMPOSE_FILE"`, 1)
	fixturetest.WriteFiles(t, root, map[string]string{"test/generators/run-crud.sh": src})
	if cmd := c.Run(context.Background(), req).Command; !strings.Contains(cmd, "docker-compose.yaml + docker-compose.generators.test.yaml") {
		t.Errorf("after the edit: %s", cmd)
	}
}

func TestExpandVariables(t *testing.T) {
	vars := map[string]string{"COMPOSE_FILE": "ci.yml", "ENV": "ci.env"}
	for in, want := range map[string]string{
		"$COMPOSE_FILE":         "ci.yml",
		"${COMPOSE_FILE}":       "ci.yml",
		"deploy/$(COMPOSE_FILE": "deploy/ci.yml",
		"${OTHER:-dev.yml}":     "dev.yml",
		"${OTHER}":              "${OTHER}",
		"$ENV.local":            "ci.env.local",
		"plain.yml":             "plain.yml",
	} {
		if got := expand(in, vars); got != want {
			t.Errorf("expand(%q) = %q, want %q", in, got, want)
		}
	}
	for line, want := range map[string]string{
		`COMPOSE_FILE="docker-compose.ci.yaml"`: "COMPOSE_FILE=docker-compose.ci.yaml",
		"export ENV_FILE=ci.env  # for CI":      "ENV_FILE=ci.env",
		"STACK ?= stack.yml":                    "STACK=stack.yml",
		"X=$(pwd)/a.yml":                        "",
		"if [ -f a ]; then X=1; fi":             "",
		"IMAGE := $(BASE)/app:${VERSION}":       "IMAGE=localhost/acme/app:0.0.1",
		"OTHER_IMAGE := $(UNSET)/app":           "",
	} {
		set := map[string]string{"BASE": "localhost/acme", "VERSION": "0.0.1"}
		assign(line, set)
		delete(set, "BASE")
		delete(set, "VERSION")
		got := ""
		for k, v := range set {
			got = k + "=" + v
		}
		if got != want {
			t.Errorf("assignment %q = %q, want %q", line, got, want)
		}
	}
}

// Without a command that says so, an example file is not assumed to be
// the .env: the variables stay unset.
func TestExampleEnvFileNobodyUsesIsNotAssumed(t *testing.T) {
	root := fixturetest.WriteRepo(t, map[string]string{
		"docker-compose.yml": "services:\n  web:\n    image: nginx:1.27\n    ports:\n      - ${PORT}:${PORT}\n",
		".env.example":       "PORT=8080\n",
		"README.md":          "Run `docker compose up`.\n",
	})
	cs := Detect(root, fixturetest.Files(t, root))
	res := cs[0].Run(context.Background(), collectors.Request{Root: root})
	n := 0
	for _, f := range res.Findings {
		if f.Rule == RuleUnsetVariable.ID {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d unset-variable findings, want 1: %v", n, res.Findings)
	}
	if strings.Contains(res.Output, "variables from") {
		t.Errorf("evidence claims an env file:\n%s", res.Output)
	}
}

// A doc's cp .env.example .env is its own directory's (gofiber/recipes:
// oauth2/README.md's copy was taken for another recipe's stack), and an
// example env file's empty value is as good as unset: an unset-variable
// finding at its first use with the rules checked, not an invalid file.
func TestExampleEnvFileCopiesAndEmptyValues(t *testing.T) {
	stack := "services:\n  db:\n    image: postgres:16-alpine\n    environment:\n      - POSTGRES_USER=${DB_USER}\n    ports:\n      - ${DB_PORT}:${DB_PORT}\n"
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string // the unset-variable finding's place and message's start
		from  bool   // the evidence names the env file
	}{
		{"another recipe's doc", map[string]string{"auth/docker-compose.yml": stack, "auth/.env.example": "DB_PORT=\nDB_USER=\n",
			"oauth2/README.md": "```\ncp .env.example .env\n```\n"}, "auth/docker-compose.yml:5 DB_PORT, DB_USER not set: docker compose refuses", false},
		{"its own doc, a value left empty", map[string]string{"auth/docker-compose.yml": stack, "auth/.env.example": "DB_PORT=\nDB_USER=app\n",
			"auth/README.md": "```\ncp .env.example .env\ndocker compose up\n```\n"}, "auth/docker-compose.yml:7 DB_PORT not set (auth/.env.example leaves it empty): docker compose refuses the configuration without it", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := fixturetest.WriteRepo(t, tc.files)
			res := Detect(root, fixturetest.Files(t, root))[0].Run(context.Background(), collectors.Request{Root: root})
			var unset []string
			for _, f := range res.Findings {
				switch f.Rule {
				case RuleInvalid.ID:
					t.Errorf("invalid: %s", f.Message)
				case RuleUnsetVariable.ID:
					unset = append(unset, f.Location()+" "+f.Message)
				}
			}
			if len(unset) != 1 || !strings.HasPrefix(unset[0], tc.want) {
				t.Errorf("unset-variable findings %q, want one: %s…", unset, tc.want)
			}
			if !slices.ContainsFunc(res.Findings, func(f model.Finding) bool { return f.Rule == RuleDatastorePortExposed.ID }) {
				t.Errorf("the rules were not checked: %v", res.Findings)
			}
			if got := strings.Contains(res.Output, "variables from auth/.env.example"); got != tc.from {
				t.Errorf("evidence names the env file: %v, want %v\n%s", got, tc.from, res.Output)
			}
		})
	}
}

func TestComposeUsageEnvFiles(t *testing.T) {
	root := fixturetest.WriteRepo(t, map[string]string{
		"README.md": "```\ncp -n deploy/.env.sample deploy/.env\ndocker compose -f deploy/compose.yaml up\n```\n" +
			"Or: `cp .env.dist .env && docker compose up`\n",
		"Makefile": "ci:\n\tdocker compose --env-file=ci.env -f ci.yml up\n",
	})
	u := composeUsage(root, fixturetest.Files(t, root), map[string]bool{"compose.yaml": true})
	got := fmt.Sprintf("%v | %v | %d copies", u.EnvFile, u.CopiedFor, len(u.Copied))
	want := "map[ci.yml:{ci.env Makefile:2 passes it as --env-file  }] | " +
		"map[:{.env.dist README.md:5 copies it to .env .env .} compose.yaml:{deploy/.env.sample README.md:2 copies it to deploy/.env deploy/.env .}] | 2 copies"
	if got != want {
		t.Errorf("usage\n got %s\nwant %s", got, want)
	}
}

// A service whose exit ends the stack (--exit-code-from, here through a
// Makefile variable that holds the compose command) is a job: it is not
// asked for a restart policy or a healthcheck; the service it tests is.
// Without the flag, at the next run, it is asked again.
func TestServiceRunToCompletionIsAJob(t *testing.T) {
	root := fixturetest.WriteRepo(t, map[string]string{
		"docker-compose.yml": "services:\n  app:\n    image: acme/app:1.2\n" +
			"  integration-test:\n    image: acme/app-tests:1.2\n    command: go test ./integration-test/...\n",
		"Makefile": "STACK = docker compose -f docker-compose.yml\n\n" +
			"integration:\n\t$(STACK) up --build --abort-on-container-exit --exit-code-from integration-test\n",
	})
	c := Detect(root, fixturetest.Files(t, root))[0]
	asked := func(res model.Result) map[string]bool {
		got := map[string]bool{}
		for _, f := range res.Findings {
			if f.Rule == RuleNoRestartPolicy.ID || f.Rule == RuleNoHealthcheck.ID {
				got[f.Rule+" "+strings.Fields(f.Message)[1]] = true
			}
		}
		return got
	}
	res := c.Run(context.Background(), collectors.Request{Root: root})
	want := map[string]bool{"compose/no-restart-policy app": true, "compose/no-healthcheck app": true}
	if got := asked(res); !reflect.DeepEqual(got, want) {
		t.Errorf("restart and healthcheck findings %v, want %v", got, want)
	}
	note := "service integration-test runs to completion (Makefile:4: --exit-code-from integration-test): no restart policy or healthcheck asked of it"
	if !slices.Contains(strings.Split(res.Output, "\n"), note) {
		t.Errorf("evidence lacks %q:\n%s", note, res.Output)
	}
	fixturetest.WriteFiles(t, root, map[string]string{"Makefile": "integration:\n\tdocker compose up --build\n"})
	res = c.Run(context.Background(), collectors.Request{Root: root})
	want["compose/no-restart-policy integration-test"], want["compose/no-healthcheck integration-test"] = true, true
	if got := asked(res); !reflect.DeepEqual(got, want) {
		t.Errorf("after the flag is gone: %v, want %v", got, want)
	}
}

// Whether a service's image is the project's own does not depend on the
// directory the repository is checked out in (go-clean-arch's `image:
// go-clean-arch` gave other findings in a clone named repo/): the image
// is the project's when its commands build it — a Makefile's docker build,
// continued over lines, with its -f read from the repository root — or the
// compose files' name: is its name.
func TestOwnImageDoesNotDependOnTheCheckoutDirectory(t *testing.T) {
	files := map[string]string{
		"compose.yaml":      "services:\n  web:\n    image: shop\n    restart: always\n  cart:\n    image: cart\n    restart: always\n",
		"build/Dockerfile":  "FROM alpine:3.20\nUSER 65532\n",
		"Dockerfile":        "FROM alpine:3.20\n",
		"Makefile":          "image:\n\t@ DOCKER_BUILDKIT=0 docker build \\\n\t\t--file build/Dockerfile \\\n\t\t--tag shop \\\n\t\t\t.\n",
		".github/ci.yml":    "steps:\n  - run: docker buildx build -t ghcr.io/acme/api:${{ github.sha }} -f Dockerfile --push .\n",
		"other/compose.yml": "name: widget\nservices:\n  w:\n    image: widget\n    restart: always\n",
	}
	rootUser := func(dir string) []string {
		root := filepath.Join(t.TempDir(), dir)
		fixturetest.WriteFiles(t, root, files)
		var got []string
		for _, c := range Detect(root, fixturetest.Files(t, root)) {
			for _, f := range c.Run(context.Background(), collectors.Request{Root: root}).Findings {
				if f.Rule == RuleRootUser.ID {
					got = append(got, f.ID+" "+f.File+": "+f.Message)
				}
			}
		}
		return got
	}
	shop, cart := rootUser("shop"), rootUser("cart")
	if !slices.Equal(shop, cart) {
		t.Errorf("findings depend on the checkout's name:\n%q\n%q", shop, cart)
	}
	want := []string{"compose.yaml: service cart runs as root: no user: and image cart is not known to drop root",
		"other/compose.yml: service w runs as root: no user: and image widget, built from this repository's Dockerfile, does not switch to an unprivileged USER"}
	if len(shop) != 2 || !strings.HasSuffix(shop[0], want[0]) || !strings.HasSuffix(shop[1], want[1]) {
		t.Errorf("root-user findings %q, want %q", shop, want)
	}

	builds := map[string]deployfiles.ImageBuild{}
	for _, line := range []string{
		`--file build/Dockerfile --tag shop .`,
		`-t ghcr.io/acme/api:1.2 -f=Dockerfile --platform linux/amd64 --push ctx`,
		`-t "$IMAGE" .`,
	} {
		b := deployfiles.ParseImageBuild(line)
		for _, r := range tagRepos(b.Tags) {
			builds[r] = b
		}
	}
	wantBuilds := map[string]deployfiles.ImageBuild{"shop": {Dockerfile: "build/Dockerfile", Context: ".", Tags: []string{"shop"}},
		"acme/api": {Dockerfile: "Dockerfile", Context: "ctx", Tags: []string{"ghcr.io/acme/api:1.2"}}}
	if !reflect.DeepEqual(builds, wantBuilds) {
		t.Errorf("builds %+v, want %+v", builds, wantBuilds)
	}
}

// ardanlabs/service's shape: the makefile names its image with variables
// built of others (SALES_IMAGE := $(BASE_IMAGE_NAME)/$(SALES_APP):$(VERSION))
// and passes a build date made by a command; the compose service runs
// that image, whose Dockerfile drops root.
func TestOwnImageTaggedWithNestedMakeVariables(t *testing.T) {
	root := t.TempDir()
	fixturetest.WriteFiles(t, root, map[string]string{
		"makefile": "BASE_IMAGE_NAME := localhost/ardanlabs\nSALES_APP       := sales\nVERSION         := 0.0.1\n" +
			"SALES_IMAGE     := $(BASE_IMAGE_NAME)/$(SALES_APP):$(VERSION)\n\nbuild:\n\tdocker build \\\n\t\t-f zarf/docker/dockerfile.sales \\\n" +
			"\t\t-t $(SALES_IMAGE) \\\n\t\t--build-arg BUILD_DATE=$(date -u +\"%Y-%m-%dT%H:%M:%SZ\") \\\n\t\t.\n",
		"zarf/docker/dockerfile.sales":     "FROM golang:1.26 AS build\nCOPY . /src\nFROM alpine:3.20\nCOPY --from=build /src/sales /sales\nUSER sales\n",
		"zarf/compose/docker_compose.yaml": "services:\n  sales:\n    image: localhost/ardanlabs/sales:0.0.1\n    restart: unless-stopped\n",
	})
	u := composeUsage(root, fixturetest.Files(t, root), primaryNames())
	if b, ok := u.Builds["ardanlabs/sales"]; !ok || b.Context != "." || b.Dockerfile != "zarf/docker/dockerfile.sales" || b.At != "makefile:7" {
		t.Errorf("builds %+v", u.Builds)
	}
	for _, c := range Detect(root, fixturetest.Files(t, root)) {
		for _, f := range c.Run(context.Background(), collectors.Request{Root: root}).Findings {
			if f.Rule == RuleRootUser.ID {
				t.Errorf("%s: %s", f.Location(), f.Message)
			}
		}
	}
}

// A stack only developers and tests run (umami's cypress/docker-compose.yml,
// a docker-compose.dev.yml run alone) is no deployment: its findings are
// shown as info; the default file, with its override merged in, is.
func TestDevAndTestStacksWeighNothing(t *testing.T) {
	stack := "services:\n  db:\n    image: postgres:16\n    ports:\n      - 5432:5432\n"
	root := fixturetest.WriteRepo(t, map[string]string{
		"cypress/docker-compose.yml":  stack,
		"docker-compose.yml":          stack,
		"docker-compose.override.yml": "services:\n  db:\n    environment:\n      - A=b\n",
		"docker-compose.dev.yml":      stack,
		"Makefile":                    "dev:\n\tdocker compose -f docker-compose.dev.yml up\n",
	})
	sev := map[string]map[model.Severity]int{}
	for _, c := range Detect(root, fixturetest.Files(t, root)) {
		for _, f := range c.Run(context.Background(), collectors.Request{Root: root}).Findings {
			if sev[f.File] == nil {
				sev[f.File] = map[model.Severity]int{}
			}
			sev[f.File][f.Severity]++
			if dev := f.File != "docker-compose.yml"; dev != strings.HasSuffix(f.Message, " [dev/test stack]") {
				t.Errorf("%s: %s", f.Location(), f.Message)
			}
		}
	}
	for _, dev := range []string{"cypress/docker-compose.yml", "docker-compose.dev.yml"} {
		if len(sev[dev]) != 1 || sev[dev][model.Info] == 0 {
			t.Errorf("%s: severities %v, want info only", dev, sev[dev])
		}
	}
	if prod := sev["docker-compose.yml"]; prod[model.High] == 0 {
		t.Errorf("docker-compose.yml: severities %v, want its datastore port high", prod)
	}
}

// A GitHub workflow named for the stack it tests
// (.github/workflows/test-docker-compose.yml) is a workflow: no compose
// collector, so no "invalid" blockers for its jobs: and steps:.
func TestAWorkflowNamedForComposeIsNoComposeFile(t *testing.T) {
	root := fixturetest.WriteRepo(t, map[string]string{
		".github/workflows/test-docker-compose.yml": "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker compose up -d\n",
	})
	if got := Detect(root, []string{".github/workflows/test-docker-compose.yml"}); len(got) != 0 {
		t.Errorf("detected %d compose collectors", len(got))
	}
}

// Of several unknown keys compose-go names one picked in map order, a
// different one from run to run; the finding names the first in the file,
// so its line and id hold still (a --baseline run flipped GO/NO-GO on an
// unchanged file).
func TestOfSeveralUnknownKeysTheFirstIsNamed(t *testing.T) {
	root := fixturetest.WriteRepo(t, map[string]string{"compose.yml": "services:\n  web:\n    image: nginx:1.27\n    foo: 1\n    bar: 2\n    baz: 3\n    qux: 4\n"})
	seen := map[string]bool{}
	for range 8 {
		res := Detect(root, []string{"compose.yml"})[0].Run(context.Background(), collectors.Request{Root: root})
		for _, f := range res.Findings {
			if f.Rule == RuleInvalid.ID {
				seen[fmt.Sprintf("%s:%d %s %s", f.File, f.Line, f.ID, strings.SplitN(f.Message, " (at:", 2)[0])] = true
			}
		}
	}
	got := slices.Sorted(maps.Keys(seen))
	if len(got) != 1 || !strings.HasPrefix(got[0], "compose.yml:4 ") || !strings.HasSuffix(got[0], " services.web.foo: unknown key") {
		t.Errorf("findings over 8 runs: %q", got)
	}
}

// What only the local layer writes (full-stack-fastapi-template's
// compose.override.yml publishes the database's port) is a developer's
// setting, info; what the base file says of the same service keeps its
// weight.
func TestTheOverrideLayersSettingsAreDevelopers(t *testing.T) {
	root := fixturetest.WriteRepo(t, map[string]string{
		"compose.yml":          "services:\n  db:\n    image: postgres:16\n",
		"compose.override.yml": "services:\n  db:\n    ports:\n      - \"5432:5432\"\n",
	})
	res := Detect(root, []string{"compose.override.yml", "compose.yml"})[0].Run(context.Background(), collectors.Request{Root: root})
	got := map[string]string{}
	for _, f := range res.Findings {
		got[f.Rule] = fmt.Sprintf("%s %s:%d", f.Severity, f.File, f.Line)
	}
	if want := "info compose.override.yml:3"; got[RuleDatastorePortExposed.ID] != want {
		t.Errorf("port published by the override: %q, want %q", got[RuleDatastorePortExposed.ID], want)
	}
	if want := "medium compose.yml:2"; got[RuleNoResourceLimits.ID] != want {
		t.Errorf("the base file's service: %q, want %q", got[RuleNoResourceLimits.ID], want)
	}
}
