// Command hold measures what reusing results and comparing with a base cost
// next to a full `preflight check`, side by side in one run:
//
//   - a second check of an unchanged tree (results reused) vs the first;
//   - `check --base main` after a one-file change vs a full check of the
//     same branch, with no cache and with the cache of main's run (what a
//     CI job that persists --cache-dir has).
//
// The project is the built-in demo, or a copy of -dir. It is committed to a
// throwaway git repository so --base has a history.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/preflight-dev/preflight/demo"
)

func main() {
	bin := flag.String("preflight", "preflight", "the preflight binary to measure")
	src := flag.String("dir", "", "project to copy (default: the built-in demo)")
	name := flag.String("name", "demo project", "what to call the project in the output")
	flag.Parse()

	work, err := os.MkdirTemp("", "preflight-hold-")
	must(err)
	defer os.RemoveAll(work)
	repo := filepath.Join(work, "repo")
	if *src == "" {
		must(demo.UnpackInto(repo))
	} else {
		must(copyTree(*src, repo))
	}
	git(repo, "init", "-q", "-b", "main")
	git(repo, "add", "-A")
	git(repo, "commit", "-q", "-m", "main")

	cache := func(name string) string { return filepath.Join(work, "cache-"+name) }
	first := check(*bin, repo, cache("a"))
	second := check(*bin, repo, cache("a"))
	fmt.Printf("%s, %s\n", *name, describe(repo))
	fmt.Printf("  check, first run             %8s\n", round(first))
	reused, all := reusedIn(repo)
	fmt.Printf("  check, unchanged tree again  %8s   %.2f× the first (%d of %d results reused)\n", round(second), ratio(second, first), reused, all)

	// One file changes on a branch.
	git(repo, "checkout", "-q", "-b", "change")
	changed := oneFile(repo)
	f, err := os.OpenFile(filepath.Join(repo, changed), os.O_APPEND|os.O_WRONLY, 0)
	must(err)
	_, err = f.WriteString("\n// changed\n")
	must(err)
	must(f.Close())
	git(repo, "commit", "-q", "-am", "one file")

	full := check(*bin, repo, cache("full"), "--fresh")
	baseCold := check(*bin, repo, cache("cold"), "--base", "main")
	newCold := newIn(repo)
	baseWarm := check(*bin, repo, cache("a"), "--base", "main")
	newWarm := newIn(repo)
	if newCold != newWarm {
		fmt.Fprintf(os.Stderr, "hold: --base found %d new findings without the cache, %d with it\n", newCold, newWarm)
		os.Exit(1)
	}
	fmt.Printf("  one file changed (%s):\n", changed)
	fmt.Printf("    full check                 %8s\n", round(full))
	fmt.Printf("    --base main, no cache      %8s   %.2f× the full check\n", round(baseCold), ratio(baseCold, full))
	fmt.Printf("    --base main, main's cache  %8s   %.2f× the full check (%d new findings both ways)\n", round(baseWarm), ratio(baseWarm, full), newWarm)
}

// lastReport is the JSON report of the last check.
type lastReport struct {
	Collectors []struct{ Cached bool }
	Base       *struct{ New int }
}

func readReport(repo string) lastReport {
	b, err := os.ReadFile(filepath.Join(filepath.Dir(repo), "report.json"))
	must(err)
	var r lastReport
	must(json.Unmarshal(b, &r))
	return r
}

// reusedIn counts the results the last check reused, of all it reported:
// the second figure means something only when it reused them all.
func reusedIn(repo string) (reused, all int) {
	for _, c := range readReport(repo).Collectors {
		if c.Cached {
			reused++
		}
		all++
	}
	return reused, all
}

// newIn is how many findings the last check --base called new.
func newIn(repo string) int {
	r := readReport(repo)
	if r.Base == nil {
		fmt.Fprintln(os.Stderr, "hold: the --base report has no base")
		os.Exit(1)
	}
	return r.Base.New
}

// check runs one `preflight check` and returns how long it took. Its exit
// code is the verdict, not a failure of the benchmark.
func check(bin, repo, cache string, extra ...string) time.Duration {
	args := append([]string{"check", "--trust", "--cache-dir", cache, "--format", "json", "--output", filepath.Join(filepath.Dir(repo), "report.json")}, extra...)
	cmd := exec.Command(bin, append(args, repo)...)
	cmd.Stderr = os.Stderr
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() > 1) {
		fmt.Fprintf(os.Stderr, "hold: %s %s: %v\n", bin, strings.Join(args, " "), err)
		os.Exit(1)
	}
	return took
}

// oneFile picks the first TypeScript or Go source file, the kind a change
// most often touches.
func oneFile(repo string) string {
	var pick string
	_ = filepath.WalkDir(repo, func(p string, d fs.DirEntry, err error) error {
		if err != nil || pick != "" {
			return filepath.SkipDir
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if ext := filepath.Ext(p); !d.IsDir() && (ext == ".ts" || ext == ".go") {
			pick, _ = filepath.Rel(repo, p)
		}
		return nil
	})
	if pick == "" {
		fmt.Fprintln(os.Stderr, "hold: no .ts or .go file to change")
		os.Exit(1)
	}
	return filepath.ToSlash(pick)
}

func describe(repo string) string {
	out, err := exec.Command("git", "-C", repo, "ls-files").Output()
	must(err)
	return fmt.Sprintf("%d files", strings.Count(string(out), "\n"))
}

func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			if d.Name() == ".git" {
				return filepath.SkipDir
			}
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}

func git(dir string, args ...string) {
	cmd := exec.Command("git", append([]string{"-C", dir, "-c", "commit.gpgsign=false", "-c", "user.name=bench", "-c", "user.email=bench@example.com"}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "hold: git %v: %v\n%s", args, err, out)
		os.Exit(1)
	}
}

func ratio(a, b time.Duration) float64 { return float64(a) / float64(b) }

func round(d time.Duration) string { return d.Round(10 * time.Millisecond).String() }

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "hold:", err)
		os.Exit(1)
	}
}
