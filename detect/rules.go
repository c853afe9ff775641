package detect

import (
	"sync"

	"github.com/preflight-dev/preflight/collectors/bundle"
	"github.com/preflight-dev/preflight/collectors/compose"
	"github.com/preflight-dev/preflight/collectors/coverage"
	"github.com/preflight-dev/preflight/collectors/dockerfile"
	"github.com/preflight-dev/preflight/collectors/eslint"
	"github.com/preflight-dev/preflight/collectors/filerules"
	"github.com/preflight-dev/preflight/collectors/govulncheck"
	"github.com/preflight-dev/preflight/collectors/jstest"
	"github.com/preflight-dev/preflight/collectors/junit"
	"github.com/preflight-dev/preflight/collectors/kubernetes"
	"github.com/preflight-dev/preflight/collectors/npmaudit"
	"github.com/preflight-dev/preflight/collectors/packagejson"
	"github.com/preflight-dev/preflight/collectors/rules"
	"github.com/preflight-dev/preflight/collectors/secrets"
	"github.com/preflight-dev/preflight/collectors/typescript"
	"github.com/preflight-dev/preflight/collectors/workflows"
)

// Rules is the catalogue of every rule the families report, for the
// cockpit's detail pane and the reports' rule metadata.
var Rules = sync.OnceValue(func() *rules.Catalogue {
	return rules.NewCatalogue(
		bundle.AllRules(), compose.AllRules(), coverage.AllRules(), dockerfile.AllRules(),
		eslint.AllRules(), filerules.AllRules(), govulncheck.AllRules(), jstest.AllRules(),
		junit.AllRules(), kubernetes.AllRules(), npmaudit.AllRules(), packagejson.AllRules(),
		secrets.AllRules(), typescript.AllRules(), workflows.AllRules(),
	)
})
