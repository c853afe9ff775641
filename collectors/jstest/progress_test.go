package jstest

import (
	"os"
	"testing"
)

// TestProgressFromCapturedRunnerOutput feeds the real human output of the
// fixture runs through the progress reader.
func TestProgressFromCapturedRunnerOutput(t *testing.T) {
	cases := []struct {
		kind, file, want string
	}{
		{KindVitest, "testdata/captured/vitest-fail.stdout", "2 test files done, 3 tests (2 failed)"},
		{KindJest, "testdata/captured/jest-fail.stderr", "2 test files done (2 failing)"},
	}
	for _, tc := range cases {
		data, err := os.ReadFile(tc.file)
		if err != nil {
			t.Fatal(err)
		}
		var last string
		p := newProgress(tc.kind, func(s string) { last = s })
		// Byte by byte: lines arrive in pieces from a pipe.
		for i := range data {
			if _, err := p.Write(data[i : i+1]); err != nil {
				t.Fatal(err)
			}
		}
		if last != tc.want {
			t.Errorf("%s: progress %q, want %q", tc.file, last, tc.want)
		}
	}
}
