package kubernetes

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/rules"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/internal/yamlpos"
	"github.com/preflight-dev/preflight/model"
)

func testdata(t testing.TB) string {
	t.Helper()
	return fixturetest.Testdata(t)
}

func runDir(t *testing.T, dir string) model.Result {
	t.Helper()
	c := &Collector{id: Kind + ":" + dir, dir: dir}
	return c.Run(context.Background(), collectors.Request{Root: testdata(t)})
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

func TestDetect(t *testing.T) {
	root := filepath.Join(testdata(t), "tree")
	var got []string
	for _, c := range Detect(root, fixturetest.Files(t, root)) {
		got = append(got, c.ID()+"="+c.(*Collector).dir)
		if c.Kind() != "kubernetes" || c.Domain() != "deployment" {
			t.Errorf("%s: kind %s domain %s", c.ID(), c.Kind(), c.Domain())
		}
	}
	// The chart's template holds "{{" and Chart.yaml has no kind; notes.yaml
	// has a kind but no apiVersion. A kustomization with its patch
	// (overlays/prod), skaffold.yaml and a lone ConfigMap (web/base) run no
	// pods: no collector would have anything to check there.
	want := []string{
		"kubernetes:base=deploy/base",
		"kubernetes:k8s=k8s",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("detected %v\nwant %v", got, want)
	}
}

func TestCandidateNames(t *testing.T) {
	for p, want := range map[string]bool{
		"k8s/app.yaml":                 true,
		"k8s/app.yml":                  true,
		"k8s/app.json":                 false,
		"docker-compose.yml":           false,
		"deploy/compose.prod.yaml":     false,
		".github/workflows/deploy.yml": false,
		".gitlab-ci.yml":               false,
	} {
		if candidate(p) != want {
			t.Errorf("candidate(%s) = %v", p, !want)
		}
	}
}

func TestInputsCoverTheDirectoryOnly(t *testing.T) {
	c := &Collector{id: "kubernetes:k8s", dir: "deploy/k8s"}
	match := func(p string) bool {
		for _, g := range c.Inputs() {
			if ok, _ := doublestar.Match(g, p); ok {
				return true
			}
		}
		return false
	}
	if !match("deploy/k8s/new.yaml") || !match("deploy/k8s/a.yml") || match("deploy/k8s/sub/a.yaml") || match("deploy/a.yaml") {
		t.Errorf("inputs %v", c.Inputs())
	}
}

// The bad manifest breaks every rule; the good one (a hardened Deployment
// scaled by an HPA, a hardened CronJob) breaks none; a List is unpacked;
// stacked suppressions above a container apply to it.
func TestManifests(t *testing.T) {
	res := runDir(t, "manifests")
	if res.Status != model.StatusOK {
		t.Fatalf("status %s error %q", res.Status, res.Error)
	}
	const bad, list, sup = "manifests/bad.yaml", "manifests/list.yaml", "manifests/suppressed.yaml"
	want := []hit{
		{bad, 8, "k8s/single-replica"},
		{bad, 15, "k8s/host-namespaces"},
		{bad, 17, "k8s/run-as-non-root"},
		{bad, 20, "k8s/host-path"},
		{bad, 24, "k8s/image-latest"},
		{bad, 33, "k8s/no-liveness-probe"},
		{bad, 33, "k8s/no-readiness-probe"},
		{bad, 33, "k8s/no-resource-limits"},
		{bad, 33, "k8s/no-resource-requests"},
		{bad, 34, "k8s/image-latest"},
		{bad, 36, "k8s/privileged"},
		{bad, 37, "k8s/allow-privilege-escalation"},
		{bad, 38, "k8s/read-only-root-fs"},
		{list, 9, "k8s/host-namespaces"},
		{list, 11, "k8s/no-resource-requests"},
		{list, 13, "k8s/run-as-non-root"},
		{sup, 5, "k8s/single-replica"},
		{sup, 11, "preflight/suppression-without-reason"},
	}
	if got := hits(res.Findings); !reflect.DeepEqual(got, want) {
		t.Errorf("findings\n got %v\nwant %v", got, want)
		for _, f := range res.Findings {
			t.Logf("%s:%d %s %s", f.File, f.Line, f.Rule, f.Message)
		}
	}
	covered := map[string]bool{}
	for _, f := range res.Findings {
		r, ok := rules.NewCatalogue(AllRules()).Lookup(f.Rule)
		if !ok || r.Severity != f.Severity || f.Collector != "kubernetes:manifests" || f.Domain != "deployment" || f.ID == "" {
			t.Errorf("finding %+v", f)
		}
		if f.File == bad {
			covered[f.Rule] = true
		}
		// A setting written with the wrong value is named with it.
		if f.File == bad && f.Line == 37 && !strings.HasSuffix(f.Message, "sets allowPrivilegeEscalation: true") {
			t.Errorf("bad.yaml:37: %q", f.Message)
		}
	}
	for _, r := range Rules {
		if !covered[r.ID] {
			t.Errorf("bad.yaml never breaks %s", r.ID)
		}
	}
	wantFacts := map[string]float64{"manifests": 4, "workloads": 5, "suppressed": 2}
	if !reflect.DeepEqual(res.Facts, wantFacts) {
		t.Errorf("facts %v", res.Facts)
	}
	if res.Command != "parsed 4 manifests in manifests (preflight built-in rules)" || res.ExitCode != -1 {
		t.Errorf("command %q", res.Command)
	}
	if !strings.Contains(res.Output, "manifests/good.yaml: 2 workloads, 0 findings, 0 suppressed") {
		t.Errorf("output %q", res.Output)
	}
}

func TestMessagesNameTheWorkloadAndContainer(t *testing.T) {
	res := runDir(t, "manifests")
	want := map[string]bool{
		"Deployment web: container web is privileged":                                                     false,
		"Deployment web mounts hostPath /var/run/docker.sock (volume docker)":                             false,
		"Deployment web: init container migrate uses image ghcr.io/acme/web-migrate, which is not pinned": false,
		"Pod debug: container shell sets runAsNonRoot: false":                                             false,
	}
	for _, f := range res.Findings {
		if _, ok := want[f.Message]; ok {
			want[f.Message] = true
		}
	}
	for m, seen := range want {
		if !seen {
			t.Errorf("no finding says %q", m)
		}
	}
}

// Kustomizations are judged as kustomize renders them: one collector per
// kustomization nothing else builds on (the overlays), none for the base
// they share, and none for a workload no kustomization lists.
func TestDetectKustomizeOverlays(t *testing.T) {
	root := filepath.Join(testdata(t), "kustomize")
	var got []string
	for _, c := range Detect(root, fixturetest.Files(t, root)) {
		got = append(got, c.ID()+"="+c.(*Collector).dir+fmt.Sprint(c.(*Collector).kustomize))
	}
	want := []string{"kubernetes:broken=brokentrue", "kubernetes:assistant=components/assistantfalse", "kubernetes:dev=overlays/devtrue", "kubernetes:prod=overlays/prodtrue", "kubernetes:plugin=plugintrue", "kubernetes:remote=remotetrue", "kubernetes:staging=worker/stagingtrue"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("detected %v\nwant %v", got, want)
	}
}

// A component is built only into a kustomization that lists it under
// components:. One that none lists is no deployment kustomize could build
// (a wrapper listing it as a resource fails: "expected kind != 'Component'");
// its own manifests are checked as they are, its patches are not.
func TestUnusedComponentIsCheckedAsManifests(t *testing.T) {
	root := filepath.Join(testdata(t), "kustomize")
	var c *Collector
	for _, d := range Detect(root, fixturetest.Files(t, root)) {
		if d.(*Collector).dir == "components/assistant" {
			c = d.(*Collector)
		}
	}
	if c == nil {
		t.Fatal("the component's manifests are not checked")
	}
	res := c.Run(context.Background(), collectors.Request{Root: root})
	if res.Status != model.StatusOK || res.Facts["manifests"] != 1 || res.Facts["workloads"] != 1 {
		t.Fatalf("status %s error %q facts %v", res.Status, res.Error, res.Facts)
	}
	for _, f := range res.Findings {
		if f.File != "components/assistant/assistant.yaml" || f.Rule == "k8s/invalid" {
			t.Errorf("finding %s:%d %s %s", f.File, f.Line, f.Rule, f.Message)
		}
	}
	if got := hits(res.Findings); !slices.Contains(got, hit{"components/assistant/assistant.yaml", 15, "k8s/image-latest"}) {
		t.Errorf("the unpinned image is not reported: %v", got)
	}
	if in := c.Inputs(); !slices.Equal(in, []string{"components/assistant/kustomization.yaml", "components/assistant/assistant.yaml"}) {
		t.Errorf("inputs %v", in)
	}
}

// A manifest beside a kustomization that does not list it is not deployed
// by kubectl apply -k, but one the repository deploys some other way
// (skaffold's rawYaml, as microservices-demo's load generator) is checked
// as written, on its own; one nothing names stays unchecked.
func TestManifestDeployedBesideAKustomization(t *testing.T) {
	loadgen := "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: loadgen\nspec:\n  replicas: 1\n  template:\n    spec:\n" +
		"      containers:\n      - name: main\n        image: loadgen\n        securityContext:\n          privileged: true\n"
	tree := map[string]string{
		"manifests/kustomization.yaml": "resources:\n- web.yaml\n",
		"manifests/web.yaml":           "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27.3\n",
		"manifests/loadgen.yaml":       loadgen,
		"manifests/debug.yaml":         strings.ReplaceAll(loadgen, "loadgen", "debug"),
		"skaffold.yaml":                "apiVersion: skaffold/v3\nkind: Config\nmanifests:\n  rawYaml:\n  - ./manifests/loadgen.yaml\n",
	}
	root := fixturetest.WriteRepo(t, tree)
	var ids []string
	var loose *Collector
	for _, c := range Detect(root, fixturetest.Files(t, root)) {
		ids = append(ids, c.ID())
		if c.ID() == "kubernetes:manifests/loadgen.yaml" {
			loose = c.(*Collector)
		}
	}
	if !slices.Equal(ids, []string{"kubernetes:manifests", "kubernetes:manifests/loadgen.yaml"}) || loose == nil {
		t.Fatalf("collectors %v", ids)
	}
	if !slices.Equal(loose.Inputs(), []string{"manifests/loadgen.yaml", "skaffold.yaml"}) {
		t.Errorf("inputs %v", loose.Inputs())
	}
	res := loose.Run(context.Background(), collectors.Request{Root: root})
	if res.Status != model.StatusOK || res.Facts["manifests"] != 1 || res.Facts["workloads"] != 1 {
		t.Fatalf("status %s error %q facts %v", res.Status, res.Error, res.Facts)
	}
	if got := hits(res.Findings); !slices.Contains(got, hit{"manifests/loadgen.yaml", 13, "k8s/privileged"}) {
		t.Errorf("the privileged container is not reported: %v", got)
	}
	note := "manifests/kustomization.yaml does not render manifests/loadgen.yaml, skaffold.yaml:5 names it: checked as written"
	if !strings.Contains(res.Output, note) {
		t.Errorf("evidence lacks %q:\n%s", note, res.Output)
	}
}

// An image skaffold builds is named untagged in the manifests on purpose:
// skaffold tags every build and puts the tag in what it deploys. Other
// untagged images still are unpinned (microservices-demo's layout).
func TestSkaffoldArtifactsAreNotUnpinned(t *testing.T) {
	root := fixturetest.WriteRepo(t, map[string]string{
		"k8s/app.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  initContainers:\n  - name: wait\n    image: busybox\n" +
			"  containers:\n  - name: ad\n    image: adservice\n  - name: cache\n    image: redis:alpine\n  - name: gw\n    image: gateway\n",
		"skaffold.yaml": "apiVersion: skaffold/v4beta11\nkind: Config\nbuild:\n  artifacts:\n  - image: adservice\n    context: src/ad\n" +
			"---\napiVersion: skaffold/v4beta11\nkind: Config\nprofiles:\n- name: gw\n  build:\n    artifacts:\n    - image: gateway\n",
	})
	cs := Detect(root, fixturetest.Files(t, root))
	if len(cs) != 1 {
		t.Fatalf("%d collectors", len(cs))
	}
	res := cs[0].Run(context.Background(), collectors.Request{Root: root})
	var unpinned []string
	for _, f := range res.Findings {
		if f.Rule == RuleImageLatest.ID {
			unpinned = append(unpinned, fmt.Sprintf("%d %s", f.Line, f.Message))
		}
	}
	want := []string{"8 Pod app: init container wait uses image busybox, which is not pinned", "13 Pod app: container cache uses image redis:alpine, which is not pinned"}
	if !slices.Equal(unpinned, want) {
		t.Errorf("unpinned %q, want %q", unpinned, want)
	}
	note := "built and tagged at deploy, so not asked to be pinned: adservice (skaffold, skaffold.yaml:5), gateway (skaffold, skaffold.yaml:14)"
	if !strings.Contains(res.Output, note) {
		t.Errorf("evidence lacks %q:\n%s", note, res.Output)
	}
	if !slices.Contains(cs[0].Inputs(), "skaffold.yaml") {
		t.Errorf("inputs %v: an edited skaffold.yaml must rerun the check", cs[0].Inputs())
	}
	// Read again on the next run: an image skaffold no longer builds is
	// unpinned again.
	fixturetest.WriteFiles(t, root, map[string]string{"skaffold.yaml": "apiVersion: skaffold/v4beta11\nkind: Config\n"})
	res = cs[0].Run(context.Background(), collectors.Request{Root: root})
	n := 0
	for _, f := range res.Findings {
		if f.Rule == RuleImageLatest.ID {
			n++
		}
	}
	if n != 4 {
		t.Errorf("%d unpinned images after the artifacts are gone, want 4", n)
	}
}

// requireKustomize skips without kustomize, except in CI, where `make
// deps` installs it.
func requireKustomize(t *testing.T) {
	t.Helper()
	if _, _, ok := kustomizeTool(); !ok {
		fixturetest.Unavailable(t, "kustomize is not on PATH (make deps installs it into .tools/bin)")
	}
}

func runKustomize(t *testing.T, dir string) model.Result {
	t.Helper()
	requireKustomize(t)
	root := filepath.Join(testdata(t), "kustomize")
	for _, c := range Detect(root, fixturetest.Files(t, root)) {
		if c.(*Collector).dir == dir {
			return c.Run(context.Background(), collectors.Request{Root: root})
		}
	}
	t.Fatalf("no collector for %s", dir)
	return model.Result{}
}

// The overlay's patches decide: the memory limit its patch sets is not
// missing, the hostNetwork and hostPID it adds are findings at the lines
// that add them (a patch file, an inline JSON 6902 patch), and the image it
// renames without a tag is unpinned at its images: entry. What the base
// still lacks is reported in the base.
func TestKustomizeOverlayIsJudgedAsRendered(t *testing.T) {
	res := runKustomize(t, "overlays/prod")
	if res.Status != model.StatusOK {
		t.Fatalf("status %s error %q", res.Status, res.Error)
	}
	want := []hit{
		{"base/deploy.yaml", 14, "k8s/no-resource-requests"},
		{"overlays/prod/hardening.yaml", 8, "k8s/host-namespaces"},
		{"overlays/prod/kustomization.yaml", 12, "k8s/host-namespaces"},
		{"overlays/prod/kustomization.yaml", 14, "k8s/image-latest"},
	}
	if got := hits(res.Findings); !reflect.DeepEqual(got, want) {
		t.Errorf("findings\n got %v\nwant %v", got, want)
		for _, f := range res.Findings {
			t.Logf("%s:%d:%d %s %s", f.File, f.Line, f.Column, f.Rule, f.Message)
		}
	}
	for _, f := range res.Findings {
		switch {
		case f.Rule == "k8s/image-latest" && f.Message != "Deployment prod-web: container app uses image registry.example.com/web, which is not pinned":
			t.Errorf("message %q", f.Message)
		case f.File == "overlays/prod/kustomization.yaml" && f.Rule == "k8s/host-namespaces" && f.Column != 9:
			t.Errorf("inline patch finding at column %d, want 9 (its value:)", f.Column)
		}
	}
	if res.Facts["workloads"] != 1 || res.Facts["manifests"] != 1 {
		t.Errorf("facts %v", res.Facts)
	}
	if !strings.HasSuffix(res.Command, "kustomize build overlays/prod") && !strings.HasSuffix(res.Command, "kubectl kustomize overlays/prod") {
		t.Errorf("command %q", res.Command)
	}
	if res.ExitCode != 0 {
		t.Errorf("kustomize exited 0, the result says %d", res.ExitCode)
	}
}

// Without patches the base is what gets deployed, findings in its file;
// the workload no kustomization lists is not checked. What a dev overlay
// deploys is no production: its findings are info, marked, as a dev
// compose stack's are; the prod overlay's keep their weight.
func TestKustomizeBaseAlone(t *testing.T) {
	res := runKustomize(t, "overlays/dev")
	for _, f := range res.Findings {
		if f.Severity != model.Info || !strings.HasSuffix(f.Message, " [dev/test environment]") {
			t.Errorf("dev overlay: %s %s %q", f.Severity, f.Rule, f.Message)
		}
	}
	for _, f := range runKustomize(t, "overlays/prod").Findings {
		if f.Severity == model.Info || strings.Contains(f.Message, "[dev/test") {
			t.Errorf("prod overlay: %s %s %q", f.Severity, f.Rule, f.Message)
		}
	}
	want := []hit{
		{"base/deploy.yaml", 14, "k8s/no-resource-limits"},
		{"base/deploy.yaml", 14, "k8s/no-resource-requests"},
		{"base/deploy.yaml", 15, "k8s/image-latest"},
	}
	if got := hits(res.Findings); !reflect.DeepEqual(got, want) {
		t.Errorf("findings\n got %v\nwant %v", got, want)
	}
	// At the image itself, as in a plain manifest, not at image:.
	for _, f := range res.Findings {
		if f.Rule == "k8s/image-latest" && f.Column != 18 {
			t.Errorf("image-latest at column %d, want 18 (web-image)", f.Column)
		}
	}
}

// A finding about a setting that is missing (no replicas: one replica) is
// at the object in its file, not at a patch that merely writes something
// else under the same parent (spec:).
func TestMissingSettingIsAtTheObjectNotAtAnUnrelatedPatch(t *testing.T) {
	res := runKustomize(t, "worker/staging")
	want := []hit{{"worker/base/worker.yaml", 5, "k8s/single-replica"}}
	if got := hits(res.Findings); !reflect.DeepEqual(got, want) {
		t.Errorf("findings\n got %v\nwant %v", got, want)
		for _, f := range res.Findings {
			t.Logf("%s:%d:%d %s %s", f.File, f.Line, f.Column, f.Rule, f.Message)
		}
	}
}

// A remote base is not downloaded: the collector is unknown and says why;
// a kustomization kustomize refuses is a blocker at it, not an error.
func TestKustomizeRemoteAndBroken(t *testing.T) {
	root := filepath.Join(testdata(t), "kustomize")
	before, err := os.ReadFile(filepath.Join(root, "broken", "kustomization.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	res := runKustomize(t, "remote")
	if res.Status != model.StatusUnknown || !strings.Contains(res.Error, "https://github.com/acme/deploy//base?ref=v1") {
		t.Errorf("remote: status %s error %q", res.Status, res.Error)
	}
	res = runKustomize(t, "broken")
	if res.Status != model.StatusOK || len(res.Findings) != 1 {
		t.Fatalf("broken: status %s error %q findings %v", res.Status, res.Error, hits(res.Findings))
	}
	f := res.Findings[0]
	if f.Rule != "k8s/invalid" || f.File != "broken/kustomization.yaml" || !strings.Contains(f.Message, "missing.yaml") ||
		strings.Contains(f.Message, testdata(t)) || strings.Contains(f.Message, "preflight-kustomize") || strings.Contains(f.Message, "../") {
		t.Errorf("broken: %s:%d %s %q", f.File, f.Line, f.Rule, f.Message)
	}
	if after, _ := os.ReadFile(filepath.Join(root, "broken", "kustomization.yaml")); string(after) != string(before) {
		t.Error("the project's kustomization was changed")
	}
}

// What preflight does not allow kustomize to do (run a plugin, helm) is not
// the project's fault: unknown, not a finding. Without kustomize or
// kubectl the collector is unknown and says how to install one.
func TestKustomizeRefusalsThatAreNotTheProjects(t *testing.T) {
	res := runKustomize(t, "plugin")
	if res.Status != model.StatusUnknown || !strings.Contains(res.Error, "plugins disabled") || len(res.Findings) != 0 {
		t.Errorf("plugin: status %s error %q findings %v", res.Status, res.Error, hits(res.Findings))
	}
	t.Setenv("PATH", t.TempDir())
	c := &Collector{id: "kubernetes:dev", dir: "overlays/dev", kustomize: true}
	res = c.Run(context.Background(), collectors.Request{Root: filepath.Join(testdata(t), "kustomize")})
	if res.Status != model.StatusUnknown || res.Hint != kustomizeHint || !strings.Contains(res.Error, "kustomize is not on PATH") {
		t.Errorf("no kustomize: status %s error %q hint %q", res.Status, res.Error, res.Hint)
	}
}

// A manifest that is not valid YAML is a blocker at its line, quoting the
// line with secret values masked; the other manifests are still checked.
func TestInvalidYAMLIsABlockerAtItsLine(t *testing.T) {
	res := runDir(t, "broken")
	if res.Status != model.StatusOK || res.Error != "" {
		t.Fatalf("status %s error %q", res.Status, res.Error)
	}
	var got []string
	others := 0
	for _, f := range res.Findings {
		if f.Rule == RuleInvalid.ID && f.Severity == model.Blocker {
			got = append(got, f.Location()+": "+f.Message)
		} else if f.File == "broken/ok.yaml" {
			others++
		}
	}
	want := []string{
		"broken/app.yaml:10:11: sequence end token ']' not found (at: labels: [a, b)",
		`broken/secret.yaml:5:13: could not find end character of double-quoted text (at: password: ****)`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("findings\n%q\nwant\n%q", got, want)
	}
	if strings.Contains(res.Output+fmt.Sprint(res.Findings), "hunter2") {
		t.Error("a secret value is shown")
	}
	if res.Facts["manifests"] != 1 || res.Facts["workloads"] != 1 || others == 0 {
		t.Errorf("facts %v, %d findings in the valid sibling", res.Facts, others)
	}
}

func checkText(t *testing.T, text string) []model.Finding {
	t.Helper()
	docs, err := yamlpos.Parse([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	objs := Objects("m.yaml", docs)
	var out []model.Finding
	for _, o := range objs {
		out = append(out, Check(o, Scaled(objs), nil)...)
	}
	return out
}

func TestRuleCases(t *testing.T) {
	const hardened = `      securityContext: {runAsNonRoot: true}
      containers:
        - name: c
          image: app:1
          securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true}
          resources: {requests: {cpu: 1m, memory: 1Mi}, limits: {memory: 2Mi}}
          livenessProbe: {tcpSocket: {port: 1}}
          readinessProbe: {tcpSocket: {port: 1}}
`
	deploy := func(spec, pod string) string {
		return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n" + spec + "  template:\n    spec:\n" + pod
	}
	cases := []struct {
		name string
		text string
		want string // rule@line, sorted as found
	}{
		{"hardened", deploy("  replicas: 2\n", hardened), "[]"},
		{"replicas default to one", deploy("", hardened), "[k8s/single-replica@4]"},
		{"replicas quoted", deploy("  replicas: \"1\"\n", hardened), "[k8s/single-replica@5]"},
		{"HPA for another deployment", deploy("", hardened) + "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nspec:\n  scaleTargetRef: {kind: Deployment, name: other}\n", "[k8s/single-replica@4]"},
		// An autoscaler's minimum is the fewest replicas that run
		// (minReplicas defaults to 1): podinfo's backend scales down to one.
		{"HPA down to one", deploy("", hardened) + "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec:\n  scaleTargetRef: {kind: Deployment, name: d}\n  minReplicas: 1\n", "[k8s/single-replica@4]"},
		{"HPA with the default minimum", deploy("  replicas: 3\n", hardened) + "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec:\n  scaleTargetRef: {kind: Deployment, name: d}\n", "[k8s/single-replica@5]"},
		{"StatefulSet replicas default to one", strings.Replace(deploy("", hardened), "kind: Deployment", "kind: StatefulSet", 1), "[k8s/single-replica@4]"},
		{"StatefulSet kept at two by an HPA", strings.Replace(deploy("", hardened), "kind: Deployment", "kind: StatefulSet", 1) + "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec:\n  scaleTargetRef: {kind: StatefulSet, name: d}\n  minReplicas: 2\n", "[]"},
		{"HPA for a Deployment of the StatefulSet's name", strings.Replace(deploy("", hardened), "kind: Deployment", "kind: StatefulSet", 1) + "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec:\n  scaleTargetRef: {kind: Deployment, name: d}\n  minReplicas: 2\n", "[k8s/single-replica@4]"},
		{"DaemonSet has no replicas", strings.Replace(deploy("", hardened), "kind: Deployment", "kind: DaemonSet", 1), "[]"},
		{"HPA keeps two", deploy("", hardened) + "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec:\n  scaleTargetRef: {kind: Deployment, name: d}\n  minReplicas: 2\n", "[]"},
		{"pod runAsNonRoot false", deploy("  replicas: 2\n", strings.Replace(hardened, "{runAsNonRoot: true}", "{runAsNonRoot: false}", 1)), "[k8s/run-as-non-root@8]"},
		{"container runAsUser 0 beats pod runAsNonRoot", deploy("  replicas: 2\n", strings.Replace(hardened, "{allowPrivilegeEscalation: false,", "{runAsUser: 0, allowPrivilegeEscalation: false,", 1)), "[k8s/run-as-non-root@12]"},
		{"digest-only image", deploy("  replicas: 2\n", strings.Replace(hardened, "image: app:1", "image: app@sha256:00", 1)), "[]"},
		{"templated image", deploy("  replicas: 2\n", strings.Replace(hardened, "image: app:1", "image: app:${TAG}", 1)), "[]"},
		{"registry port, no tag", deploy("  replicas: 2\n", strings.Replace(hardened, "image: app:1", "image: localhost:5000/app", 1)), "[k8s/image-latest@11]"},
		{"Job needs no probes", "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  template:\n    spec:\n" +
			strings.Replace(strings.Replace(hardened, "          livenessProbe: {tcpSocket: {port: 1}}\n", "", 1), "          readinessProbe: {tcpSocket: {port: 1}}\n", "", 1), "[]"},
		{"Pod without probes", `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {runAsNonRoot: true}
  containers:
    - name: c
      image: app:1
      securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true}
      resources: {requests: {cpu: 1m, memory: 1Mi}, limits: {memory: 2Mi}}
`, "[k8s/no-liveness-probe@7 k8s/no-readiness-probe@7]"},
		{"container runAsNonRoot true overrides the pod's false", deploy("  replicas: 2\n", strings.Replace(strings.Replace(hardened, "{runAsNonRoot: true}", "{runAsNonRoot: false}", 1), "{allowPrivilegeEscalation: false,", "{runAsNonRoot: true, allowPrivilegeEscalation: false,", 1)), "[]"},
		{"not a workload", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {privileged: \"true\"}\n", "[]"},
		{"workload without a pod spec", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n", "[]"},
		{"hostNetwork false is fine", deploy("  replicas: 2\n", "      hostNetwork: false\n"+hardened), "[]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, f := range checkText(t, tc.text) {
				got = append(got, fmt.Sprintf("%s@%d", f.Rule, f.Line))
			}
			if fmt.Sprint(got) != tc.want && !(len(got) == 0 && tc.want == "[]") {
				t.Errorf("got %v, want %s\n%s", got, tc.want, tc.text)
			}
		})
	}
}

// FuzzCheck runs the object reader and every rule on arbitrary YAML: no
// panics, and every finding inside the text.
func FuzzCheck(f *testing.F) {
	for _, p := range []string{"manifests/bad.yaml", "manifests/good.yaml", "manifests/list.yaml", "broken/app.yaml"} {
		b, err := os.ReadFile(filepath.Join("testdata", p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add("apiVersion: v1\nkind: List\nitems: [{apiVersion: v1, kind: List, items: [{apiVersion: v1, kind: Pod, spec: {containers: [1, {}]}}]}]\n")
	f.Fuzz(func(t *testing.T, text string) {
		docs, err := yamlpos.Parse([]byte(text))
		if err != nil {
			return
		}
		lines := strings.Count(text, "\n") + 1
		objs := Objects("m.yaml", docs)
		for _, o := range objs {
			for _, fd := range Check(o, Scaled(objs), nil) {
				if fd.Line < 0 || fd.Line > lines || fd.File != "m.yaml" || fd.Message == "" {
					t.Fatalf("bad finding %+v in %d lines", fd, lines)
				}
			}
		}
	})
}

// FuzzPlace renders nothing: it takes an object as both the rendered and
// the written form and a patch for it, and checks that every finding is
// placed inside one of the two texts, whatever they hold.
func FuzzPlace(f *testing.F) {
	for _, p := range [][2]string{
		{"kustomize/base/deploy.yaml", "kustomize/overlays/prod/hardening.yaml"},
		{"manifests/bad.yaml", "kustomize/overlays/prod/hardening.yaml"},
	} {
		a, err := os.ReadFile(filepath.Join("testdata", p[0]))
		if err != nil {
			f.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join("testdata", p[1]))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(a), string(b))
	}
	f.Add("apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {hostPID: true, containers: [{name: c}]}\n",
		"- op: add\n  path: /spec/hostPID\n  value: true\n- op: add\n  path: /spec/containers/0/image\n")
	f.Fuzz(func(t *testing.T, object, patchText string) {
		docs, err := yamlpos.Parse([]byte(object))
		if err != nil {
			return
		}
		pdocs, err := yamlpos.Parse([]byte(patchText))
		if err != nil {
			return
		}
		k := &kustomization{file: "k.yaml", images: map[string]yamlpos.Pair{}}
		for _, d := range pdocs {
			k.patches = append(k.patches, patch{file: "p.yaml", doc: d, kind: "Pod"})
		}
		lines := map[string]int{"m.yaml": strings.Count(object, "\n") + 1, "p.yaml": strings.Count(patchText, "\n") + 1, "k.yaml": 1}
		objs := Objects("m.yaml", docs)
		for i := range objs {
			objs[i].place = newPlacer(objs[i].Node, objs[i].Node, "m.yaml", objs[i].Kind, []string{objs[i].Name}, []*kustomization{k}).place
			for _, fd := range Check(objs[i], Scaled(objs), nil) {
				if n, ok := lines[fd.File]; !ok || fd.Line < 0 || fd.Line > n {
					t.Fatalf("finding placed at %s:%d (texts of %v lines)", fd.File, fd.Line, lines)
				}
			}
		}
	})
}

// The finding on an autoscaled workload names the autoscaler and its
// minimum, which is what to change.
func TestSingleReplicaNamesTheAutoscaler(t *testing.T) {
	fs := checkText(t, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: backend}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: app:1}]\n"+
		"---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: backend}\nspec:\n  scaleTargetRef: {kind: Deployment, name: backend}\n  maxReplicas: 4\n")
	for _, f := range fs {
		if f.Rule == RuleSingleReplica.ID {
			if want := "Deployment backend can run a single replica: HorizontalPodAutoscaler backend scales it down to minReplicas 1"; f.Message != want {
				t.Errorf("message %q, want %q", f.Message, want)
			}
			return
		}
	}
	t.Errorf("no single-replica finding: %v", fs)
}
