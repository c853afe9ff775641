package cli

import (
	"fmt"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/checklist"
	"github.com/preflight-dev/preflight/config"
)

func TestInitWritesAStarterBoundToWhatIsDetectedAndNeverReplaces(t *testing.T) {
	root := fixturetest.WriteRepo(t, map[string]string{
		"svc/go.mod":  "module example.com/svc\n\ngo 1.22\n",
		"svc/main.go": "package main\n\nfunc main() {}\n",
		// A project nothing checks has no evidence to bind an item to.
		"worker/requirements.txt": "requests==2.32.3\n",
	})
	code, out, stderr := run(t, false, "init", root)
	if code != 0 || !strings.Contains(out, "wrote "+filepath.Join(root, "READINESS.md")) {
		t.Fatalf("exit %d out %q err %q", code, out, stderr)
	}
	d := checklist.Parse(checklist.FileName, []byte(fixturetest.ReadFile(t, filepath.Join(root, "READINESS.md"))))
	var rules []string
	for _, it := range d.Items {
		if it.Rule != "" {
			rules = append(rules, it.Rule)
		}
	}
	// Other collectors may apply to a Go module too; these two always do.
	joined := strings.Join(rules, "\n")
	if len(d.Problems) > 0 || !strings.Contains(joined, `go["svc"].build.errors == 0 && go["svc"].vet.findings == 0`) ||
		!strings.Contains(joined, `go_test["svc"].tests.failed == 0 && go_test["svc"].tests.build_failures == 0`) {
		t.Fatalf("rules %q problems %v", rules, d.Problems)
	}
	if strings.Contains(joined, "unchecked") {
		t.Errorf("an item bound to a project preflight does not check: %q", rules)
	}
	if !strings.Contains(out, fmt.Sprintf("items, %d of them bound", len(rules))) {
		t.Fatalf("out %q", out)
	}
	cfgPath := filepath.Join(root, "preflight.yaml")
	cfg := fixturetest.ReadFile(t, cfgPath)
	if !strings.Contains(out, "wrote "+cfgPath) || !strings.Contains(cfg, "go-test:svc") {
		t.Fatalf("starter preflight.yaml not written or not naming the detected collectors: %q\n%s", out, cfg)
	}
	if _, err := config.Parse(cfgPath, []byte(cfg)); err != nil {
		t.Fatalf("the starter preflight.yaml does not parse: %v", err)
	}
	before := fixturetest.ReadFile(t, filepath.Join(root, "READINESS.md"))
	code, _, stderr = run(t, false, "init", root)
	if code != 2 || !strings.Contains(stderr, "already exist") || fixturetest.ReadFile(t, filepath.Join(root, "READINESS.md")) != before || fixturetest.ReadFile(t, cfgPath) != cfg {
		t.Fatalf("second init: exit %d %q", code, stderr)
	}
	// With only the config gone, init writes it again and keeps the checklist.
	if err := os.Remove(cfgPath); err != nil {
		t.Fatal(err)
	}
	code, out, _ = run(t, false, "init", root)
	if code != 0 || !strings.Contains(out, "kept "+filepath.Join(root, "READINESS.md")) || fixturetest.ReadFile(t, cfgPath) != cfg {
		t.Fatalf("third init: exit %d %q", code, out)
	}
}

const smallReport = "# Readiness report ‚úÖ\n\n" +
	"**Overall score:** 81/100\n\n" +
	"- Backend: 0 TypeScript errors\n" +
	"- 84% faster pages\n\n" +
	"## Checklist\n\n" +
	"- [x] Tests pass\n" +
	"- [ ] Docker image hardened\n"

func TestImportWritesAChecklistAndAddsToItWithoutDuplicates(t *testing.T) {
	root := fixturetest.WriteRepo(t, map[string]string{"notes/report.md": smallReport})
	into := filepath.Join(root, "READINESS.md")
	code, out, stderr := run(t, false, "import", filepath.Join(root, "notes/report.md"), "--into", into)
	if code != 0 {
		t.Fatalf("exit %d err %q", code, stderr)
	}
	for _, want := range []string{
		"(new file)",
		"repaired 1 mis-encoded character on 1 line (UTF-8 that had been read as Mac OS Roman)",
		`→ Overall: score() >= 81`,
		`sum("typescript", "errors") == 0`,
		`[x] Tests pass → Tests: sum("@tests", "tests.failed") == 0`,
		"[ ] Docker image hardened → Deployment",
		"84% faster pages → no collector measures this",
		"wrote " + into,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	first := fixturetest.ReadFile(t, into)
	d := checklist.Parse(checklist.FileName, []byte(first))
	if len(d.Problems) > 0 || len(d.Items) != 4 || d.Items[0].Source != "notes/report.md:5" {
		t.Fatalf("items %+v problems %v\n%s", d.Items, d.Problems, first)
	}

	// Importing again adds nothing and says why.
	code, out, _ = run(t, false, "import", filepath.Join(root, "notes/report.md"), "--into", into)
	if code != 0 || !strings.Contains(out, "already in the checklist (4)") || fixturetest.ReadFile(t, into) != first {
		t.Fatalf("second import: exit %d\n%s\n%s", code, out, fixturetest.ReadFile(t, into))
	}
	if strings.Contains(out, "wrote") || !strings.Contains(out, "already has every item of") || !strings.Contains(out, "nothing written") {
		t.Fatalf("a second import that adds nothing must not say it wrote:\n%s", out)
	}
}

func TestImportDryRunWritesNothing(t *testing.T) {
	root := fixturetest.WriteRepo(t, map[string]string{"report.md": smallReport})
	into := filepath.Join(root, "READINESS.md")
	code, out, _ := run(t, false, "import", filepath.Join(root, "report.md"), "--dry-run", "--into", into)
	if code != 0 || !strings.Contains(out, "--- "+into+" (dry run: not written) ---\n# Readiness") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if _, err := os.Stat(into); !os.IsNotExist(err) {
		t.Fatal("a dry run wrote the file")
	}
	if code, _, stderr := run(t, false, "import"); code != 2 || !strings.Contains(stderr, "import takes one report") {
		t.Fatalf("no report: %d %q", code, stderr)
	}
}
