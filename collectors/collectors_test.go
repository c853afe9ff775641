package collectors

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestTargetNames(t *testing.T) {
	// The root is "." whatever the checkout is called, so a sub-folder
	// named like the checkout does not collide with it.
	got := TargetNames([]string{".", "apps/web", "libs/web", "libs/api", "shop"})
	want := map[string]string{".": ".", "apps/web": "apps/web", "libs/web": "libs/web", "libs/api": "api", "shop": "shop"}
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

func TestExcerptStripsColourAndCutsLongLines(t *testing.T) {
	long := strings.Repeat("é", 500)
	out := Excerpt("\x1b[31mred\x1b[39m\n"+long+"\n\x1b]8;;http://x\x07link\x1b]8;;\x07\n", 10)
	lines := strings.Split(out, "\n")
	if lines[0] != "red" || lines[2] != "link" {
		t.Errorf("escapes left: %q", out)
	}
	if !strings.HasSuffix(lines[1], " …") || len(lines[1]) > maxLineWidth+4 || !strings.HasPrefix(lines[1], "éé") {
		t.Errorf("long line: %d bytes %q…", len(lines[1]), lines[1][:10])
	}
	if !strings.Contains(Excerpt(strings.Repeat("x\n", 30), 5), "25 lines omitted") {
		t.Error("excerpt does not say what it left out")
	}
}

func TestNotTheProjects(t *testing.T) {
	cases := map[string]bool{
		"vendor/github.com/goccy/go-json/docker-compose.yml": true, "web/node_modules/x/Dockerfile": true,
		"third_party/otel/Dockerfile": true, "internal/testdata/a.env": true,
		"venv/lib/python3.11/site-packages/requests/setup.py": true, "site_packages.py": false,
		"zarf/compose/docker_compose.yaml": false, "vendors.go": false, "cmd/vendor-tool/main.go": false,
	}
	for p, want := range cases {
		if got := NotTheProjects(p); got != want {
			t.Errorf("NotTheProjects(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestRequestWithTimeout(t *testing.T) {
	parent, stop := context.WithCancel(context.Background())
	defer stop()

	ctx, cancel := Request{}.WithTimeout(parent)
	if _, ok := ctx.Deadline(); ok {
		t.Error("no timeout in the request, yet the context has a deadline")
	}
	cancel()
	if ctx.Err() != nil {
		t.Error("cancelling a run without a timeout cancelled the engine's context")
	}

	start := time.Now()
	ctx, cancel = Request{Timeout: time.Minute}.WithTimeout(parent)
	dl, ok := ctx.Deadline()
	if !ok || dl.Before(start.Add(time.Minute)) || dl.After(time.Now().Add(time.Minute)) {
		t.Errorf("deadline %v (set %v), want a minute from now", dl, ok)
	}
	cancel()
	if ctx.Err() == nil || parent.Err() != nil {
		t.Errorf("cancel: run %v, engine %v; want only the run cancelled", ctx.Err(), parent.Err())
	}

	ctx, cancel = Request{Timeout: time.Nanosecond}.WithTimeout(parent)
	defer cancel()
	select {
	case <-ctx.Done():
		if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			t.Errorf("a run past its timeout ends with %v, want the deadline", ctx.Err())
		}
	case <-time.After(10 * time.Second):
		t.Error("a run past its timeout was not cancelled")
	}
}

// An input glob that starts with ! takes back what the globs before it
// named: the last that matches decides, as in .gitignore.
func TestMatchesInputsWithExclusions(t *testing.T) {
	globs := []string{"**", "!ui/**", "ui/build/**", "!**/*.map"}
	for p, want := range map[string]bool{
		"main.go": true, "docs/README.md": true, "ui/src/app.tsx": false, "ui/build/index.html": true,
		"ui/build/app.js.map": false, "ui": false,
	} {
		if got := MatchesInputs(globs, p); got != want {
			t.Errorf("%s: %v, want %v", p, got, want)
		}
	}
	if MatchesInputs([]string{"!x"}, "x") || MatchesInputs(nil, "x") {
		t.Error("an exclusion alone names nothing")
	}
}
