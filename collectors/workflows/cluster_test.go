package workflows

import (
	"slices"
	"testing"
)

// A job that starts its own cluster (kind, k3d, minikube) and installs
// into it is testing, not deploying: podinfo's e2e job runs `helm test`
// against the chart it installed in kind. The same commands in a job
// without such a cluster deploy.
func TestThrowawayClusterIsNoDeploy(t *testing.T) {
	steps := "      - run: |\n          kubectl apply --server-side -f https://example.com/cert-manager.yaml\n" +
		"          helm upgrade --install --wait app ./chart\n          helm test app\n"
	kind := AnalyzeGitHubIn([]Source{{Path: ".github/workflows/e2e.yml", Data: []byte("on: pull_request\njobs:\n  kind:\n    runs-on: ubuntu-latest\n    steps:\n" +
		"      - uses: helm/kind-action@ef37e7f390d99f746eb8b610417061a60e82a6cc # v1.14.0\n" + steps)}}, mapTree{})
	if ev, ok := kind.Stages[Deploy]; ok {
		t.Errorf("a deploy into the job's own kind cluster: %+v", ev)
	}
	checkStages(t, kind, map[Stage]Evidence{Test: {".github/workflows/e2e.yml", 10, "helm test app"}})
	if !slices.Contains(kind.Notes, "job kind deploys only into the cluster it creates (.github/workflows/e2e.yml:6, uses: helm/kind-action): not counted as deploy") {
		t.Errorf("notes %q", kind.Notes)
	}
	k3d := AnalyzeGitHubIn([]Source{{Path: ".github/workflows/e2e.yml", Data: []byte("on: push\njobs:\n  e2e:\n    runs-on: ubuntu-latest\n    steps:\n" +
		"      - run: k3d cluster create ci\n" + steps)}}, mapTree{})
	if _, ok := k3d.Stages[Deploy]; ok {
		t.Error("a deploy into the job's own k3d cluster")
	}
	prod := AnalyzeGitHubIn([]Source{{Path: ".github/workflows/cd.yml", Data: []byte("on: push\njobs:\n  cd:\n    runs-on: ubuntu-latest\n    steps:\n" + steps)}}, mapTree{})
	if _, ok := prod.Stages[Deploy]; !ok {
		t.Error("kubectl apply and helm upgrade in a job without its own cluster no longer deploy")
	}
}

// A chart's tests: helm test, helmfile test, chart-testing's install.
func TestChartTestsAreTests(t *testing.T) {
	for cmd, want := range map[string]Stages{
		"helm test app":                        test,
		"helmfile -e ci test":                  test,
		"ct lint-and-install --config ct.yaml": lint | test,
		"ct install --target-branch main":      test,
		"helm upgrade --install app ./chart":   deploy,
	} {
		var got Stages
		for _, m := range CommandStages(cmd) {
			got |= m.Stages
		}
		if got != want {
			t.Errorf("%s: %v, want %v", cmd, got.List(), want.List())
		}
	}
}
