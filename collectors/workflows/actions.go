package workflows

import (
	"strings"

	"github.com/preflight-dev/preflight/internal/yamlpos"
)

// knownActions maps actions (owner/repo, or owner/repo/path for one
// action of a monorepo) to the stage they are. Entries cover their sub-
// paths: github/codeql-action covers github/codeql-action/analyze.
var knownActions = map[string]Stages{
	// security scans
	"github/codeql-action":                          security,
	"snyk/actions":                                  security,
	"actions/dependency-review-action":              security,
	"ossf/scorecard-action":                         security,
	"anchore/scan-action":                           security,
	"docker/scout-action":                           security,
	"checkmarx/kics-github-action":                  security,
	"bridgecrewio/checkov-action":                   security,
	"pypa/gh-action-pip-audit":                      security,
	"sonarsource/sonarcloud-github-action":          security,
	"sonarsource/sonarqube-scan-action":             security,
	"shiftleftsecurity/scan-action":                 security,
	"stackhawk/hawkscan-action":                     security,
	"zaproxy/action-baseline":                       security,
	"zaproxy/action-full-scan":                      security,
	"zaproxy/action-api-scan":                       security,
	"google/osv-scanner-action":                     security,
	"microsoft/security-devops-action":              security,
	"zizmorcore/zizmor-action":                      security,
	"aquasecurity/tfsec-sarif-action":               security,
	"erzz/dockle-action":                            security,
	"crazy-max/ghaction-container-scan":             security,
	"returntocorp/semgrep-action":                   security,
	"trufflesecurity/trufflehog":                    security,
	"securego/gosec":                                security,
	"github/super-linter":                           lint,
	"super-linter/super-linter":                     lint,
	"oxsecurity/megalinter":                         lint,
	"wearerequired/lint-action":                     lint,
	"pre-commit/action":                             lint,
	"psf/black":                                     lint,
	"actions-rs/clippy-check":                       lint,
	"crate-ci/typos":                                lint,
	"cypress-io/github-action":                      test,
	"mattallty/jest-github-action":                  test,
	"actions/jekyll-build-pages":                    build,
	"withastro/action":                              build,
	"docker/build-push-action":                      container,
	"docker/bake-action":                            container,
	"redhat-actions/buildah-build":                  container,
	"redhat-actions/s2i-build":                      container,
	"mr-smithers-excellent/docker-build-push":       container,
	"elgohr/publish-docker-github-action":           container,
	"int128/kaniko-action":                          container,
	"aevea/action-kaniko":                           container,
	"aws-actions/amazon-ecs-deploy-task-definition": deploy,
	"aws-actions/aws-cloudformation-github-deploy":  deploy,
	"azure/webapps-deploy":                          deploy,
	"azure/k8s-deploy":                              deploy,
	"azure/functions-action":                        deploy,
	"azure/container-apps-deploy-action":            deploy,
	"azure/static-web-apps-deploy":                  deploy,
	"azure/arm-deploy":                              deploy,
	"google-github-actions/deploy-cloudrun":         deploy,
	"google-github-actions/deploy-appengine":        deploy,
	"google-github-actions/deploy-cloud-functions":  deploy,
	"peaceiris/actions-gh-pages":                    deploy,
	"actions/deploy-pages":                          deploy,
	"jamesives/github-pages-deploy-action":          deploy,
	"amondnet/vercel-action":                        deploy,
	"cloudflare/wrangler-action":                    deploy,
	"cloudflare/pages-action":                       deploy,
	"nwtgck/actions-netlify":                        deploy,
	"akhileshns/heroku-deploy":                      deploy,
	"digitalocean/app_action":                       deploy,
	"helm/chart-releaser-action":                    deploy,
	"pypa/gh-action-pypi-publish":                   deploy,
	"js-devtools/npm-publish":                       deploy,
}

// commandActions run a tool whose arguments are an input: the stage
// depends on them (goreleaser release deploys, goreleaser build builds).
// With no tool, the input is a whole command line (changesets/action's
// `publish: npx changeset publish`, cypress-io/github-action's `build:
// pnpm run build`, run before its tests).
var commandActions = map[string]struct{ tool, input string }{
	"changesets/action":            {"", "publish"},
	"cypress-io/github-action":     {"", "build"},
	"goreleaser/goreleaser-action": {"goreleaser", "args"},
	"gradle/gradle-build-action":   {"gradle", "arguments"},
	"superfly/flyctl-actions":      {"flyctl", "args"},
	"serverless/github-action":     {"serverless", "args"},
	"pulumi/actions":               {"pulumi", "command"},
	"cloudflare/wrangler-action":   {"wrangler", "command"},
}

// inputStages are the stages of tool run with an input's value. An
// expression may give the value (fzf's goreleaser args: ${{ … && 'release
// --clean' || 'release --snapshot --clean' }}): each string it may give
// counts.
func inputStages(tool, value string) Stages {
	set := ScriptStages(strings.TrimSpace(tool + " " + value))
	for _, e := range Expressions(value) {
		for _, v := range e.Values() {
			set |= ScriptStages(strings.TrimSpace(tool + " " + v))
		}
	}
	return set
}

// pushingActions build images and publish them with push: true.
var pushingActions = map[string]bool{"docker/build-push-action": true, "docker/bake-action": true}

// ActionStages says which stages a `uses:` action is. Actions are known
// by name; an action named after a tool (hadolint/hadolint-action,
// reviewdog/action-eslint) is that tool. Setup actions install a tool
// but do not run it, so they show nothing.
func ActionStages(uses string, with *yamlpos.Node) Stages {
	name := actionName(uses)
	if name == "" || strings.HasPrefix(name, "./") || strings.HasPrefix(name, "docker://") {
		return none
	}
	var set Stages
	if pushingActions[name] {
		// push: true publishes what the action builds, as docker buildx
		// build --push does; an expression (github.event_name !=
		// 'pull_request') pushes on the events that deploy.
		if v := strings.TrimSpace(with.Get("push").Text()); v != "" && !strings.EqualFold(v, "false") {
			set |= deploy
		}
	}
	if c, ok := commandActions[name]; ok {
		switch v := with.Get(c.input).Text(); {
		case v != "":
			set |= inputStages(c.tool, v)
		case c.tool == "goreleaser":
			set |= ScriptStages("goreleaser release") // the action's default
		default:
			set |= ScriptStages(c.tool)
		}
	}
	segs := strings.Split(name, "/")
	if len(segs) < 2 {
		return set
	}
	for _, s := range segs[1:] {
		if s == "setup" || strings.HasPrefix(s, "setup-") || strings.HasSuffix(s, "-setup") {
			return set
		}
	}
	for i := len(segs); i >= 2; i-- {
		if st, ok := knownActions[strings.Join(segs[:i], "/")]; ok {
			return set | st
		}
	}
	repo := segs[1]
	for _, cand := range toolCandidates(repo) {
		if st, ok := tools[cand]; ok {
			return set | st
		}
	}
	// A descriptive name: amazon-ecs-deploy, ssh-deploy, action-lint. Only
	// the stages a name cannot fake easily: "test-reporter" runs no tests
	// and "build-push" builds an image, not the project.
	return set | (TaskStages(repo) & (lint | security | deploy))
}

// toolCandidates are the tool names an action's repository name may
// stand for: golangci-lint-action → golangci-lint, action-eslint → eslint.
func toolCandidates(repo string) []string {
	out := []string{repo}
	r := repo
	for _, suffix := range []string{"-github-action", "-gh-action", "-action", "-actions"} {
		if s, ok := strings.CutSuffix(r, suffix); ok {
			r = s
			break
		}
	}
	for _, prefix := range []string{"action-", "gh-action-", "ghaction-"} {
		if s, ok := strings.CutPrefix(r, prefix); ok {
			r = s
			break
		}
	}
	if r != repo {
		out = append(out, r)
	}
	return out
}
