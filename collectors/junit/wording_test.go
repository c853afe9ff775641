package junit

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"
)

// What a result says, to the byte: the command, the output, the error and
// the hint of fresh, stale, unreadable and malformed reports.
func TestResultWording(t *testing.T) {
	root := filepath.Join(t.TempDir(), "repo")
	fixturetest.WriteFiles(t, root, map[string]string{
		"app/pom.xml":                     "<project/>",
		"app/src/A.java":                  "class A {}\n",
		"app/reports/TEST-a.xml":          `<testsuite name="a"><testcase name="one"/><testcase name="two"><skipped/></testcase></testsuite>`,
		"app/reports/TEST-b.xml":          `<testsuite name="b"><testcase name="three"><failure message="boom"/></testcase></testsuite>`,
		"app/reports/notes/readme.txt":    "not a report",
		"app/reports/TEST-c.xml.disabled": "",
	})
	now := time.Now().Truncate(time.Second)
	a, b := now.Add(-2*time.Hour-10*time.Minute), now.Add(-5*time.Hour)
	setTime(t, filepath.Join(root, "app", "pom.xml"), now.Add(-6*time.Hour))
	setTime(t, filepath.Join(root, "app", "src", "A.java"), now.Add(-6*time.Hour))
	setTime(t, filepath.Join(root, "app", "reports", "TEST-a.xml"), a)
	setTime(t, filepath.Join(root, "app", "reports", "TEST-b.xml"), b)

	type wording struct{ Status, Command, Output, Error, Hint string }
	got := func(r model.Result) wording {
		return wording{string(r.Status), r.Command, r.Output, r.Error, r.Hint}
	}
	c := detect(t, root)["junit:reports"]
	if c == nil || c.Project() != "app" {
		t.Fatalf("detected %v", detect(t, root))
	}
	output := "app/reports/TEST-a.xml: 1 passed, 0 failed, 1 skipped (written " + a.UTC().Format(time.RFC3339) + ")\n" +
		"app/reports/TEST-b.xml: 0 passed, 1 failed, 0 skipped (written " + b.UTC().Format(time.RFC3339) + ")"
	command := "read app/reports/TEST-a.xml, app/reports/TEST-b.xml (JUnit XML), newest written 2h ago"
	r := run(c, root)
	if g, want := got(r), (wording{"ok", command, output, "", ""}); !reflect.DeepEqual(g, want) {
		t.Errorf("fresh:\n got %+v\nwant %+v", g, want)
	}
	if age := r.Facts["report.age_seconds"]; age < 7800 || age > 7900 {
		t.Errorf("age %v", age)
	}
	if len(r.Findings) != 1 || r.Findings[0].Message != "three failed: boom" || r.Findings[0].File != "app/reports/TEST-b.xml" {
		t.Errorf("findings %+v", r.Findings)
	}

	setTime(t, filepath.Join(root, "app", "src", "A.java"), now.Add(-time.Hour))
	want := wording{"unknown", command, output,
		"the JUnit report is 1h older than the sources it covers (newest: app/src/A.java)",
		"rerun the tests that write the report to refresh it"}
	if g := got(run(c, root)); !reflect.DeepEqual(g, want) {
		t.Errorf("stale:\n got %+v\nwant %+v", g, want)
	}

	// A report too large to read stops the run before it says anything.
	big := filepath.Join(root, "app", "reports", "TEST-b.xml")
	if err := os.Truncate(big, 16<<20+1); err != nil {
		t.Fatal(err)
	}
	want = wording{Status: "error", Command: "read app/reports/TEST-a.xml, app/reports/TEST-b.xml (JUnit XML)",
		Error: "cannot read app/reports/TEST-b.xml: read " + big + ": file too large: 16777217 bytes, the limit is 16777216"}
	if g := got(run(c, root)); !reflect.DeepEqual(g, want) {
		t.Errorf("too large:\n got %+v\nwant %+v", g, want)
	}
	if err := os.WriteFile(big, []byte("<testsuite"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = run(c, root)
	want = wording{Status: "error", Command: "read app/reports/TEST-a.xml, app/reports/TEST-b.xml (JUnit XML)",
		Output: "<testsuite", Error: r.Error}
	if g := got(r); !reflect.DeepEqual(g, want) || !strings.HasPrefix(r.Error, "app/reports/TEST-b.xml: unreadable JUnit XML") {
		t.Errorf("malformed:\n got %+v\nwant %+v", g, want)
	}
}
