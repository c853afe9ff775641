package typescript

import (
	"reflect"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"
)

// A Vue app (create-vue's layout) is checked with its own vue-tsc, which
// reads the .vue files: what `vue-tsc --noEmit --pretty false -p
// tsconfig.app.json` prints, the error inside App.vue included, and not
// tsc's "Cannot find module './App.vue'" that would blame the project for
// preflight's choice of compiler. The cockpit runs it one-shot too, since
// the watch checker drives tsc's API, which knows no .vue.
func TestVueAppCheckedWithVueTsc(t *testing.T) {
	root := testdata(t, "vue")
	tc, missing := findToolchain(root)
	if missing != nil || tc.vue != "2.2.12" {
		fixturetest.Unavailable(t, "vue-tsc 2.2.12 is not installed in testdata/vue: make deps")
	}
	p := project(t, root, "typescript:tsconfig.app.json")
	if got := p.RepoCode(); got != "node_modules/vue-tsc and node_modules/typescript" {
		t.Errorf("repository code %q", got)
	}
	for _, mode := range []collectors.Mode{collectors.OneShot, collectors.Watch} {
		r := run(t, p, root, mode)
		if r.Status != model.StatusOK || r.Facts["errors"] != 2 {
			t.Fatalf("mode %v: status %s errors %v error %q\n%s", mode, r.Status, r.Facts["errors"], r.Error, r.Output)
		}
		if got, want := locatedFindings(r), []string{"src/App.vue:2:7 TS2322", "src/main.ts:4:7 TS2322"}; !reflect.DeepEqual(got, want) {
			t.Errorf("mode %v: findings %q, want %q", mode, got, want)
		}
		if !strings.HasPrefix(r.Command, "node node_modules/vue-tsc/bin/vue-tsc.js --noEmit --pretty false ") {
			t.Errorf("mode %v: command %q", mode, r.Command)
		}
	}
	if in := p.Inputs(); !collectors.MatchesInputs(in, "src/App.vue") {
		t.Errorf("inputs %v miss the .vue files", in)
	}
}
