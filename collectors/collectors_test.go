package collectors

import (
	"context"
	"fmt"
	"os/exec"
	"reflect"
	"testing"
	"time"
)

func TestTargetNames(t *testing.T) {
	got := TargetNames("/src/shop", []string{".", "apps/web", "libs/web", "libs/api", "shop"})
	want := map[string]string{".": "shop", "apps/web": "apps/web", "libs/web": "libs/web", "libs/api": "api", "shop": "shop"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestInterruption(t *testing.T) {
	cases := map[error]string{
		context.DeadlineExceeded:                 "npm audit timed out after 2m0s",
		context.Canceled:                         "cancelled before npm audit finished",
		fmt.Errorf("exec: %w", exec.ErrNotFound): "could not run npm audit: exec: executable file not found in $PATH",
	}
	for err, want := range cases {
		if got := Interruption("npm audit", err, 2*time.Minute); got != want {
			t.Errorf("%v: got %q, want %q", err, got, want)
		}
	}
}
