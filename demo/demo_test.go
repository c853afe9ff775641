package demo

import (
	"os"
	"path/filepath"
	"testing"
)

func TestUnpackWritesARealGoModuleAndTypeScriptPackages(t *testing.T) {
	dir := t.TempDir()
	if err := UnpackInto(dir); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{
		"services/billing/go.mod", "services/billing/invoice_test.go",
		"packages/api/tsconfig.json", "packages/api/src/orders.ts", "packages/web/tsconfig.json", "tsconfig.json",
	} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("%s missing: %v", p, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "services/billing/go.mod.demo")); err == nil {
		t.Error("go.mod.demo should have been renamed")
	}
}
