package nodepkg

import (
	"strings"
	"testing"
)

func TestNodeOptionsOfTheScriptThatRunsTheTool(t *testing.T) {
	cases := []struct {
		name    string
		scripts map[string]string
		want    string
	}{
		{"node runs jest's script", map[string]string{"test": "node --experimental-vm-modules node_modules/jest/bin/jest.js"}, "--experimental-vm-modules"},
		{"node runs the bin", map[string]string{"test": "node --no-warnings -r ./setup.cjs node_modules/.bin/jest --ci"}, "--no-warnings -r ./setup.cjs"},
		{"NODE_OPTIONS before jest", map[string]string{"test": "NODE_OPTIONS=--experimental-vm-modules jest"}, "--experimental-vm-modules"},
		{"NODE_OPTIONS quoted, and node flags", map[string]string{"test": `NODE_OPTIONS="--max-old-space-size=4096" node --expose-gc node_modules/jest/bin/jest.js`}, "--max-old-space-size=4096 --expose-gc"},
		{"after a build step", map[string]string{"test": "tsc -b && node --experimental-vm-modules node_modules/jest/bin/jest.js"}, "--experimental-vm-modules"},
		{"the test script first", map[string]string{"a": "node --inspect node_modules/.bin/jest", "test": "node --expose-gc node_modules/.bin/jest"}, "--expose-gc"},
		{"another script when test has none", map[string]string{"test": "jest", "test:esm": "NODE_OPTIONS=--experimental-vm-modules jest"}, "--experimental-vm-modules"},
		{"plain jest", map[string]string{"test": "jest --ci"}, ""},
		{"node runs something else", map[string]string{"test": "node --experimental-vm-modules scripts/check.js && jest"}, ""},
		{"NODE_OPTIONS for another tool", map[string]string{"build": "NODE_OPTIONS=--max-old-space-size=8192 vite build", "test": "jest"}, ""},
		{"a debug script is not how the suite runs", map[string]string{"test": "jest", "test:debug": "node --inspect-brk -r tsconfig-paths/register -r ts-node/register node_modules/.bin/jest --runInBand"}, ""},
		{"inspector options are never taken", map[string]string{"test": "NODE_OPTIONS='--inspect --max-old-space-size=4096' node --inspect-brk=9229 --expose-gc node_modules/.bin/jest"}, "--max-old-space-size=4096 --expose-gc"},
		{"another runner", map[string]string{"test": "node --experimental-vm-modules node_modules/vitest/vitest.mjs"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := (Manifest{Scripts: tc.scripts}).NodeOptions("jest"); got != tc.want {
				t.Errorf("NodeOptions = %q, want %q", got, tc.want)
			}
		})
	}
}

func FuzzNodeOptions(f *testing.F) {
	f.Add("node --experimental-vm-modules node_modules/jest/bin/jest.js")
	f.Add(`NODE_OPTIONS="--a --b" node -r x node_modules/.bin/jest`)
	f.Add("node -r")
	f.Fuzz(func(t *testing.T, script string) {
		got := (Manifest{Scripts: map[string]string{"test": script}}).NodeOptions("jest")
		if got != "" && !strings.Contains(script, "jest") {
			t.Fatalf("options %q from a script that does not run jest: %q", got, script)
		}
		fields := strings.Fields(got)
		for i, o := range fields {
			if debuggerOption(o) && (i == 0 || !nodeValueFlags[fields[i-1]]) {
				t.Fatalf("a debugger option %q taken from %q", got, script)
			}
		}
	})
}
