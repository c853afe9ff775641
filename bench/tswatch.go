package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/typescript"
	"github.com/preflight-dev/preflight/engine"
	"github.com/preflight-dev/preflight/ignore"
	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/watch"
)

// tsEdit is the edit sequence every TypeScript recheck figure makes to one
// module in the middle of a generated project (tsProject.editModule): edit
// 0, 2, 4 … assigns a string to a number (one type error), edit 1, 3 … a
// number again (none), so each recheck must report a count different from
// the one before.
type tsEdit struct {
	file   string // absolute
	rel    string // repo-relative, slash-separated
	name   string // the constant edited, totalN
	orig   []byte
	target string
}

func newTSEdit(root string, p tsProject) *tsEdit {
	rel, n := p.editModule()
	file := filepath.Join(root, filepath.FromSlash(rel))
	orig, err := os.ReadFile(file)
	must(err)
	name := "total" + strconv.Itoa(n)
	target := name + ": number = 1"
	if !strings.Contains(string(orig), target) {
		must(fmt.Errorf("%s has no %q to edit", rel, target))
	}
	return &tsEdit{file: file, rel: rel, name: name, orig: orig, target: target}
}

// apply writes edit i and returns when it was written and the error
// count the project must then have.
func (e *tsEdit) apply(i int) (time.Time, int) {
	value, errs := strconv.Itoa(i+2), 0
	if i%2 == 0 {
		value, errs = strconv.Quote("e"+strconv.Itoa(i)), 1
	}
	body := strings.Replace(string(e.orig), e.target, e.name+": number = "+value, 1)
	must(os.WriteFile(e.file, []byte(body), 0o644))
	return time.Now(), errs
}

func (e *tsEdit) restore() { must(os.WriteFile(e.file, e.orig, 0o644)) }

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2].Round(time.Millisecond)
}

// measureTypeScriptEndToEnd times, for each edit, the file write to the
// engine's first snapshot that holds the TypeScript result with the new
// count: the watcher, its 150 ms debounce, scheduling and the recheck, as
// the cockpit receives it. The first edit after the checker starts is a
// warm-up and not counted (tsc --watch is treated the same).
func measureTypeScriptEndToEnd(root string, p tsProject, samples int) time.Duration {
	cols := typescript.Detect(root, []string{p.dir + "/tsconfig.json"})
	if len(cols) != 1 {
		must(fmt.Errorf("the generated TypeScript project %s was not detected", p.dir))
	}
	id := cols[0].ID()
	m, err := ignore.Load(root)
	must(err)
	e := engine.New(root, cols, engine.Options{Mode: collectors.Watch})
	defer e.Close()
	edit := newTSEdit(root, p)
	defer edit.restore()
	w, err := watch.New(root, m, watch.Options{})
	must(err)
	defer w.Close()
	go func() {
		for ev := range w.Events() {
			e.Changed(ev.Paths)
		}
	}()
	// wait returns when the first snapshot arrives whose TypeScript result
	// comes from a run started after since and is done.
	wait := func(since time.Time) (time.Time, model.CollectorState) {
		timeout := time.After(5 * time.Minute)
		for {
			select {
			case snap := <-e.Updates():
				for _, st := range snap.Collectors {
					if st.Collector == id && !st.Running && !st.StartedAt.Before(since) {
						return time.Now(), st
					}
				}
			case <-timeout:
				must(fmt.Errorf("no TypeScript result within 5 minutes"))
			}
		}
	}
	start := time.Now()
	e.RunAll("bench")
	if _, st := wait(start); st.Status != model.StatusOK || st.Facts["errors"] != 0 {
		must(fmt.Errorf("typescript first run: %s %s %v", st.Status, st.Error, st.Facts))
	}
	var times []time.Duration
	for i := 0; i <= samples; i++ {
		at, want := edit.apply(i)
		got, st := wait(at)
		if st.Status != model.StatusOK || st.Facts["errors"] != float64(want) {
			must(fmt.Errorf("typescript after edit %d: %s %s, %v errors, want %d", i, st.Status, st.Error, st.Facts["errors"], want))
		}
		if i > 0 {
			times = append(times, got.Sub(at))
		}
		e.Wait()
		time.Sleep(300 * time.Millisecond) // let the watcher settle before the next write
	}
	return median(times)
}

var tscFound = regexp.MustCompile(`Found (\d+) errors?\. Watching for file changes\.`)

// measureTscWatchRecheck runs `tsc --watch --noEmit --pretty false` on the
// generated project p and times, for each edit, the file write to the next
// "Found N errors. Watching for file changes." line, checking N. The first
// edit is a warm-up, as on preflight's side.
func measureTscWatchRecheck(root string, p tsProject, samples int) (time.Duration, error) {
	tsc, err := exec.LookPath("tsc")
	if err != nil {
		return 0, fmt.Errorf("tsc is not on PATH")
	}
	cmd := exec.Command(tsc, "--watch", "--noEmit", "--pretty", "false", "--preserveWatchOutput",
		"-p", filepath.Join(root, filepath.FromSlash(p.dir), "tsconfig.json"))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, err := cmd.StdoutPipe()
	must(err)
	cmd.Stderr = os.Stderr
	must(cmd.Start())
	defer func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	}()
	type found struct {
		at     time.Time
		errors int
	}
	compiles := make(chan found, 16)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := tscFound.FindStringSubmatch(sc.Text()); m != nil {
				n, _ := strconv.Atoi(m[1])
				compiles <- found{time.Now(), n}
			}
		}
		close(compiles)
	}()
	next := func() found {
		select {
		case f, ok := <-compiles:
			if !ok {
				must(fmt.Errorf("tsc --watch exited"))
			}
			return f
		case <-time.After(5 * time.Minute):
			must(fmt.Errorf("tsc --watch reported nothing within 5 minutes"))
		}
		return found{}
	}
	if f := next(); f.errors != 0 {
		return 0, fmt.Errorf("tsc --watch first compile: %d errors, want 0", f.errors)
	}
	edit := newTSEdit(root, p)
	defer edit.restore()
	var times []time.Duration
	for i := 0; i <= samples; i++ {
		at, want := edit.apply(i)
		f := next()
		if f.errors != want {
			return 0, fmt.Errorf("tsc --watch after edit %d: %d errors, want %d", i, f.errors, want)
		}
		if i > 0 {
			times = append(times, f.at.Sub(at))
		}
		time.Sleep(300 * time.Millisecond)
		select {
		case f := <-compiles:
			return 0, fmt.Errorf("tsc --watch compiled again after edit %d (%d errors)", i, f.errors)
		default:
		}
	}
	return median(times), nil
}

// measureTypeScriptRecheck prints the recheck figures after a one-file
// edit: preflight end to end against tsc --watch, both from the write to
// the new error count, and the long-lived checker called directly against
// a full tsc run.
func measureTypeScriptRecheck(root string, p tsProject, samples int) {
	load := loadAverage()
	direct, full := measureTypeScriptDirect(root, p, samples)
	endToEnd := measureTypeScriptEndToEnd(root, p, samples)
	tscWatch, err := measureTscWatchRecheck(root, p, samples)
	fmt.Printf("TypeScript one-file edit, median of %d edits after a warm-up (load average %s at the start, %s at the end):\n",
		samples, load, loadAverage())
	if err != nil {
		fmt.Printf("  write → new error count:  preflight %v; tsc --watch: %v\n", endToEnd, err)
	} else {
		fmt.Printf("  write → new error count:  preflight %v vs tsc --watch %v (ratio %.2f×); each through its own file watching and delay (preflight 150 ms, tsc 250 ms)\n",
			endToEnd, tscWatch, float64(endToEnd)/float64(tscWatch))
	}
	fmt.Printf("  recheck alone:            watch path %v (the checker told the changed file: no watcher, no delay) vs full tsc --noEmit %v\n",
		direct, full)
}

// measureTypeScriptEdit prints a tree's edit figure: on its largest
// project, the write to the new error count through preflight's watcher,
// debounce, engine and checker, against `tsc --watch` on the same project
// and edits, both measured here, one after the other.
func measureTypeScriptEdit(root string, p tsProject, samples int) {
	rel, _ := p.editModule()
	fmt.Printf("  TypeScript edit, %s (%d modules; %s), median of %d edits after a warm-up:\n", p.dir, p.modules, rel, samples)
	fmt.Printf("    load average at the start:    %s\n", loadAverage())
	endToEnd := measureTypeScriptEndToEnd(root, p, samples)
	tscWatch, err := measureTscWatchRecheck(root, p, samples)
	if err != nil {
		fmt.Printf("    write → new error count:      preflight %v; tsc --watch: %v\n", endToEnd, err)
	} else {
		fmt.Printf("    write → new error count:      preflight %v vs tsc --watch %v (%.2f×)\n",
			endToEnd, tscWatch, float64(endToEnd)/float64(tscWatch))
	}
	fmt.Printf("    load average at the end:      %s\n", loadAverage())
}
