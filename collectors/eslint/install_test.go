package eslint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A lint script whose package lists no ESLint while its dependencies are
// installed cannot run anywhere: a finding, not "install it".
func TestESLintThatIsNotADependency(t *testing.T) {
	root := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("api/package.json", `{"name":"api","scripts":{"lint":"eslint src"},"dependencies":{"express":"5.0.0"}}`)
	write("api/eslint.config.js", "export default [];\n")
	write("api/node_modules/express/package.json", `{"name":"express"}`)
	write("web/package.json", `{"name":"web","scripts":{"lint":"eslint ."},"devDependencies":{"eslint":"9.0.0"}}`)
	write("web/.eslintrc.json", "{}\n")
	write("web/package-lock.json", "{}\n")

	byID := map[string]*Collector{}
	for _, c := range Detect(root, listFiles(t, root)) {
		byID[c.ID()] = c.(*Collector)
	}
	api := run(t, byID["eslint:api"], root)
	want := "`npm run lint` cannot run: eslint is used by the lint script but is not a dependency of api/package.json or of a package above it"
	if api.Status != "ok" || len(api.Findings) != 1 || api.Findings[0].Message != want || api.Findings[0].Rule != "eslint/not-a-dependency" ||
		api.Findings[0].Severity.String() != "high" || len(api.Facts) != 0 {
		t.Errorf("api: %s %q %+v facts %v", api.Status, api.Error, api.Findings, api.Facts)
	}
	web := run(t, byID["eslint:web"], root)
	if web.Status != "unknown" || !strings.HasPrefix(web.Error, "ESLint is a dependency but is not installed") || web.Hint != "install the dependencies: cd web && npm ci" {
		t.Errorf("web: %s %q %q", web.Status, web.Error, web.Hint)
	}
	// Known before any run, so before trust: nothing would run yet.
	if pre, ok := byID["eslint:web"].Precheck(root); !ok || pre.Status != "unknown" || pre.Hint != web.Hint || pre.Error != web.Error {
		t.Errorf("precheck of web: %v %s %q %q", ok, pre.Status, pre.Error, pre.Hint)
	}
	if pre, ok := byID["eslint:api"].Precheck(root); !ok || len(pre.Findings) != 1 {
		t.Errorf("precheck of api: %v %+v", ok, pre)
	}
}

// Yarn Plug'n'Play writes .pnp.cjs instead of node_modules: ESLint is
// installed, and installing again would not give it a node_modules/.bin.
func TestESLintUnderPlugAndPlay(t *testing.T) {
	root := t.TempDir()
	for name, content := range map[string]string{
		"package.json":     `{"private":true,"workspaces":["packages/*"],"scripts":{"lint":"eslint ."},"devDependencies":{"eslint":"9.39.4"}}`,
		"eslint.config.js": "export default [];\n",
		"yarn.lock":        "__metadata:\n  version: 8\n",
		".pnp.cjs":         "#!/usr/bin/env node\n",
	} {
		if err := os.WriteFile(filepath.Join(root, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cs := Detect(root, listFiles(t, root))
	if len(cs) != 1 {
		t.Fatalf("collectors %v", cs)
	}
	r := run(t, cs[0].(*Collector), root)
	if r.Status != "unknown" || !strings.HasPrefix(r.Error, "ESLint is installed with Yarn Plug'n'Play") || !strings.Contains(r.Hint, "nodeLinker: node-modules") {
		t.Errorf("%s %q %q", r.Status, r.Error, r.Hint)
	}
}
