package eslint

import (
	"reflect"
	"testing"
)

func TestScriptArgs(t *testing.T) {
	for _, tt := range []struct {
		script string
		want   []string
	}{
		{"eslint ./src ./tests", []string{"./src", "./tests"}},
		{"eslint .", []string{"."}},
		{"eslint", nil},
		{"eslint --cache --max-warnings 0 -c eslint.config.mjs src", []string{"src"}},
		{"eslint --ext .ts,.tsx --format=stylish 'src/**/*.{ts,tsx}'", []string{"--ext", ".ts,.tsx", "src/**/*.{ts,tsx}"}},
		{"eslint --ext=.vue src", []string{"--ext=.vue", "src"}},
		{"eslint --ext .ts", nil},
		{"tsc --noEmit && eslint lib test --fix", []string{"lib", "test"}},
		{"prettier -c . && ../../node_modules/.bin/eslint src; echo done", []string{"src"}},
		{"eslint $FILES", nil},
		{"eslint --stdin < src/a.js", nil},
		{"run-p lint:*", nil},
	} {
		if got := scriptArgs(tt.script); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("scriptArgs(%q) = %q, want %q", tt.script, got, tt.want)
		}
	}
}
