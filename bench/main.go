// Command bench measures preflight on generated repositories. On a tree of
// many small directories: the walk, detection, cache and render in one
// process, watcher setup time and memory, latency from a file write to the
// affected collector starting, and the TypeScript recheck after a one-file
// edit (preflight from the write to the new count vs `tsc --watch`, and
// the checker alone vs a full tsc run). On that tree, on one shaped like a
// real product repository (committed virtualenvs, three TypeScript
// projects, a tracked file its .gitignore ignores) and on a TypeScript
// monorepo, the preflight binary as a person runs it: the first frame
// through a pseudo-terminal against a trivial Bubble Tea program's, idle
// CPU, RSS and Node helpers while watching against `tsc --watch` per
// project; the edit → new error count on the tree's largest TypeScript
// project against `tsc --watch` on it; and the memory of the TypeScript
// checker for several projects (one shared process vs one process per
// project).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/preflight-dev/preflight/cache"
	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/secrets"
	"github.com/preflight-dev/preflight/collectors/typescript"
	"github.com/preflight-dev/preflight/detect"
	"github.com/preflight-dev/preflight/engine"
	"github.com/preflight-dev/preflight/ignore"
	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/ui"
	"github.com/preflight-dev/preflight/watch"
)

func main() {
	dir := flag.String("dir", "", "where to generate the tree (required)")
	dirs := flag.Int("dirs", 5000, "directories in the generated tree")
	perDir := flag.Int("files", 10, "files per directory")
	tsModules := flag.Int("ts-modules", 300, "modules in the generated TypeScript project")
	tsProjects := flag.Int("ts-projects", 8, "TypeScript projects for the checker memory figure")
	samples := flag.Int("samples", 40, "file writes for the latency figure")
	tsSamples := flag.Int("ts-samples", 5, "edits for each TypeScript recheck figure")
	tsOnly := flag.Bool("typescript-only", false, "only the TypeScript recheck figures, on the TypeScript project alone")
	only := flag.String("only", "", "internal: run one measurement in this process (watcher)")
	bin := flag.String("preflight", "", "the preflight binary, for the figures of the program as a person runs it (none: skipped)")
	trivial := flag.String("trivial", "", "the reference Bubble Tea program (bench/trivial)")
	before := flag.String("before", "", "an earlier preflight binary whose first frame and figures while watching are measured too (none: skipped)")
	watchingOnly := flag.Bool("watching-only", false, "of the preflight binary's figures, only those while watching (idle CPU, RSS)")
	editOnly := flag.Bool("edit-only", false, "of each tree's figures, only the TypeScript edit on its largest project against tsc --watch")
	shapes := flag.String("shapes", "docs,real,monorepo", "which trees to measure")
	venvFiles := flag.Int("venv-files", 42000, "files in the committed virtualenvs of the real-shaped tree")
	wsPackages := flag.Int("ws-packages", 20, "packages of the TypeScript monorepo")
	wsModules := flag.Int("ws-modules", 60, "modules per package of the TypeScript monorepo")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "bench: -dir is required")
		os.Exit(2)
	}
	if *only == "watcher" {
		measureWatcher(*dir)
		return
	}
	if *watchingOnly && *editOnly {
		must(fmt.Errorf("-watching-only and -edit-only each measure something else: pick one"))
	}
	app := tsProject{dir: "app", modules: *tsModules, flat: true}
	if *tsOnly {
		must(writeTSProject(filepath.Join(*dir, "app"), *tsModules))
		fmt.Printf("TypeScript project of %d modules\n\n", *tsModules)
		measureTypeScriptRecheck(*dir, app, *tsSamples)
		return
	}
	if *bin != "" && *trivial == "" && !*watchingOnly && !*editOnly {
		must(fmt.Errorf("-preflight needs -trivial, the reference program"))
	}
	want := map[string]bool{}
	for _, s := range strings.Split(*shapes, ",") {
		want[strings.TrimSpace(s)] = true
	}
	if want["docs"] {
		must(generate(*dir, *dirs, *perDir, *tsModules))
		fmt.Printf("tree: %d files in %d directories, TypeScript project of %d modules, one Go module\n\n",
			*dirs**perDir, *dirs, *tsModules)

		if *editOnly {
			measureTypeScriptEdit(*dir, app, *tsSamples)
		} else if !*watchingOnly {
			// The watcher is measured in a fresh process so its RSS is its own.
			self, _ := os.Executable()
			cmd := exec.Command(self, "-dir", *dir, "-only", "watcher")
			cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
			must(cmd.Run())

			measureFirstFrame(*dir)
			measureLatency(*dir, *samples)
			// Its first figure is this tree's edit figure: the project is its largest.
			measureTypeScriptRecheck(*dir, app, *tsSamples)
			measureTypeScriptMemory(*dir, *tsProjects, 100)
		}
		if *bin != "" && !*editOnly {
			fmt.Println("\nthe preflight binary on this tree:")
			measureCockpit(*dir, []tsProject{app}, *bin, *trivial, *before, *watchingOnly)
		}
	}
	if want["real"] {
		root := *dir + "-real"
		projects := []tsProject{{dir: "web", modules: 1800}, {dir: "admin", modules: 400}, {dir: "sdk", modules: 300}}
		must(generateReal(root, *venvFiles, projects))
		files, dirs, err := countTree(root)
		must(err)
		fmt.Printf("\nreal-shaped tree: %d files in %d directories (%d of the files in three committed virtualenvs), "+
			"TypeScript projects of %d, %d and %d modules, a tracked file its .gitignore ignores; git repository\n",
			files, dirs, *venvFiles, projects[0].modules, projects[1].modules, projects[2].modules)
		if *bin != "" && !*editOnly {
			measureCockpit(root, projects, *bin, *trivial, *before, *watchingOnly)
		}
		if !*watchingOnly {
			measureTypeScriptEdit(root, largest(projects), *tsSamples)
		}
	}
	if want["monorepo"] {
		root := *dir + "-monorepo"
		projects, err := generateMonorepo(root, *wsPackages, *wsModules)
		must(err)
		files, dirs, err := countTree(root)
		must(err)
		fmt.Printf("\nTypeScript monorepo (npm workspaces): %d packages of %d modules, %d files in %d directories; git repository\n",
			*wsPackages, *wsModules, files, dirs)
		if *bin != "" && !*editOnly {
			measureCockpit(root, projects, *bin, *trivial, *before, *watchingOnly)
		}
		if !*watchingOnly {
			measureTypeScriptEdit(root, largest(projects), *tsSamples)
		}
	}
}

// generate writes dirs directories of perDir small files under docs/, a
// TypeScript project under app/ and a Go module under svc/.
func generate(root string, dirs, perDir, tsModules int) error {
	for d := 0; d < dirs; d++ {
		dir := filepath.Join(root, "docs", fmt.Sprintf("g%02d", d/100), fmt.Sprintf("d%04d", d))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		for f := 0; f < perDir; f++ {
			body := fmt.Sprintf("# note %d/%d\n\nGenerated content for the watcher benchmark.\n", d, f)
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("n%02d.md", f)), []byte(body), 0o644); err != nil {
				return err
			}
		}
	}
	if err := writeTSProject(filepath.Join(root, "app"), tsModules); err != nil {
		return err
	}
	svc := filepath.Join(root, "svc")
	if err := os.MkdirAll(svc, 0o755); err != nil {
		return err
	}
	files := map[string]string{
		"go.mod":      "module example.com/bench/svc\n\ngo 1.22\n",
		"svc.go":      "package svc\n\n// Double doubles.\nfunc Double(n int) int { return 2 * n }\n",
		"svc_test.go": "package svc\n\nimport \"testing\"\n\nfunc TestDouble(t *testing.T) {\n\tif Double(2) != 4 {\n\t\tt.Fatal(\"bad\")\n\t}\n}\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(svc, name), []byte(body), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// writeTSProject writes a TypeScript project of a chain of modules into app.
func writeTSProject(app string, modules int) error {
	if err := os.MkdirAll(filepath.Join(app, "src"), 0o755); err != nil {
		return err
	}
	tsconfig := `{"compilerOptions": {"target": "es2022", "module": "nodenext", "strict": true, "noEmit": true, "types": []}, "include": ["src"]}`
	if err := os.WriteFile(filepath.Join(app, "tsconfig.json"), []byte(tsconfig), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(app, "package.json"), []byte(`{"type": "module"}`), 0o644); err != nil {
		return err
	}
	for i := 0; i < modules; i++ {
		var b strings.Builder
		if i > 0 {
			fmt.Fprintf(&b, "import { make%d } from \"./mod%d.js\";\n", i-1, i-1)
		}
		fmt.Fprintf(&b, "export interface Item%d { id: number; name: string; tags: string[] }\n", i)
		fmt.Fprintf(&b, "export function make%d(id: number): Item%d {\n", i, i)
		if i > 0 {
			fmt.Fprintf(&b, "  const prev = make%d(id - 1);\n  return { id, name: prev.name + \"/\" + id, tags: [...prev.tags, String(id)] };\n}\n", i-1)
		} else {
			b.WriteString("  return { id, name: String(id), tags: [] };\n}\n")
		}
		fmt.Fprintf(&b, "export const total%d: number = 1;\n", i)
		if err := os.WriteFile(filepath.Join(app, "src", fmt.Sprintf("mod%d.ts", i)), []byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func measureWatcher(root string) {
	before := rssKB()
	start := time.Now()
	m, err := ignore.Load(root)
	must(err)
	w, err := watch.New(root, m, watch.Options{})
	must(err)
	setup := time.Since(start)
	st := w.State()
	after := rssKB()
	w.Close()
	fmt.Printf("watcher setup:            %v for %d dirs watched (%d polled), RSS %d MiB (+%d MiB for the watcher)\n",
		setup.Round(time.Millisecond), st.Dirs, st.Polled, after/1024, (after-before)/1024)
}

// measureFirstFrame repeats what the cockpit did before its first frame
// until it learnt to draw the cache first (and still does before its
// first frame with fresh collectors): read ignore rules, detect
// collectors, load the cache, seed the engine and render.
func measureFirstFrame(root string) {
	cacheDir, err := os.MkdirTemp("", "pfbench-cache-")
	must(err)
	defer os.RemoveAll(cacheDir)
	store := cache.At(cacheDir)
	// Warm the cache with a real one-shot run, as a previous session would.
	m, err := ignore.Load(root)
	must(err)
	cols, err := detect.Scan(root, m)
	must(err)
	e := engine.New(root, cols, engine.Options{Mode: collectors.OneShot})
	e.RunAll("bench")
	e.Wait()
	must(store.Save(e.Snapshot()))
	e.Close()

	var times []time.Duration
	for i := 0; i < 5; i++ {
		start := time.Now()
		m, err := ignore.Load(root)
		must(err)
		cols, err := detect.Scan(root, m)
		must(err)
		e := engine.New(root, cols, engine.Options{Mode: collectors.Watch})
		snap, ok, err := store.Load(root)
		must(err)
		if !ok {
			must(fmt.Errorf("cache was not written"))
		}
		e.Seed(snap)
		cockpit := ui.New(ui.Options{Root: root, Initial: e.Snapshot(), Updates: e.Updates(), MaskLines: secrets.MaskLines})
		updated, _ := cockpit.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		frame := updated.View()
		times = append(times, time.Since(start))
		if frame.Content == "" {
			must(fmt.Errorf("empty first frame"))
		}
		e.Close()
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	fmt.Printf("first frame, warm cache:  %v median of 5 (ignore rules + detection + cache + render)\n", times[2].Round(time.Millisecond))
}

// measureLatency writes a file and times until the engine starts the
// affected collector. The collector is a probe that records when it starts,
// so the figure is preflight's own path (watch, debounce, match, schedule),
// not a tool's run time.
func measureLatency(root string, samples int) {
	m, err := ignore.Load(root)
	must(err)
	started := make(chan time.Time, 1)
	probe := &probeCollector{inputs: []string{"app/src/**/*.ts"}, started: started}
	e := engine.New(root, []collectors.Collector{probe}, engine.Options{})
	defer e.Close()
	w, err := watch.New(root, m, watch.Options{})
	must(err)
	defer w.Close()
	go func() {
		for ev := range w.Events() {
			e.Changed(ev.Paths)
		}
	}()
	file := filepath.Join(root, "app", "src", "mod0.ts")
	orig, err := os.ReadFile(file)
	must(err)
	defer os.WriteFile(file, orig, 0o644)
	var lat []time.Duration
	for i := 0; i < samples; i++ {
		at := time.Now()
		must(os.WriteFile(file, append(orig, []byte("// "+strconv.Itoa(i)+"\n")...), 0o644))
		select {
		case t := <-started:
			lat = append(lat, t.Sub(at))
		case <-time.After(10 * time.Second):
			must(fmt.Errorf("no run started within 10s of a write"))
		}
		e.Wait()
		time.Sleep(50 * time.Millisecond)
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	p := func(q float64) time.Duration { return lat[int(q*float64(len(lat)-1))].Round(time.Millisecond) }
	fmt.Printf("write → collector start:  p50 %v, p95 %v over %d writes (includes the 150ms debounce)\n", p(0.50), p(0.95), len(lat))
}

type probeCollector struct {
	inputs  []string
	started chan time.Time
}

func (p *probeCollector) ID() string       { return "probe:latency" }
func (p *probeCollector) Kind() string     { return "probe" }
func (p *probeCollector) Domain() string   { return "build" }
func (p *probeCollector) Inputs() []string { return p.inputs }
func (p *probeCollector) Run(context.Context, collectors.Request) model.Result {
	select {
	case p.started <- time.Now():
	default:
	}
	return model.Result{Status: model.StatusOK}
}

// measureTypeScriptDirect makes the edits of tsEdit and times the recheck
// through the long-lived checker, called directly and told the changed
// file (no watcher, no debounce), and a full one-shot tsc run on the same
// edits. The first watch-mode edit is a warm-up and not counted.
func measureTypeScriptDirect(root string, p tsProject, samples int) (watchPath, full time.Duration) {
	var tsCol collectors.Collector
	for _, c := range typescript.Detect(root, []string{p.dir + "/tsconfig.json"}) {
		tsCol = c
	}
	if tsCol == nil {
		must(fmt.Errorf("the generated TypeScript project was not detected"))
	}
	defer func() {
		if c, ok := tsCol.(collectors.Closer); ok {
			c.Close()
		}
	}()
	edit := newTSEdit(root, p)
	defer edit.restore()
	runOnce := func(mode collectors.Mode, changed []string, want int) time.Duration {
		start := time.Now()
		r := tsCol.Run(context.Background(), collectors.Request{Root: root, Mode: mode, Changed: changed})
		if r.Status != model.StatusOK || r.Facts["errors"] != float64(want) {
			must(fmt.Errorf("typescript %s: %s %s, %v errors, want %d", r.Status, r.Error, r.Hint, r.Facts["errors"], want))
		}
		return time.Since(start)
	}
	runOnce(collectors.Watch, nil, 0) // start the checker
	var watchT, fullT []time.Duration
	for i := 0; i <= samples; i++ {
		_, want := edit.apply(i)
		d := runOnce(collectors.Watch, []string{edit.rel}, want)
		if i > 0 {
			watchT = append(watchT, d)
		}
	}
	for i := 1; i <= samples; i++ {
		_, want := edit.apply(i)
		fullT = append(fullT, runOnce(collectors.OneShot, nil, want))
	}
	return median(watchT), median(fullT)
}

// measureTypeScriptMemory checks n projects of modules modules each in
// watch mode twice: all in one repository, where they share one checker
// process, and each in a repository of its own, one process each (what
// one checker per project amounted to), and compares the processes' RSS.
func measureTypeScriptMemory(root string, n, modules int) {
	measure := func(oneRepo bool) (kb, processes int) {
		var projects []collectors.Collector
		var roots []string
		for i := 0; i < n; i++ {
			repo := filepath.Join(root, "tsmem", fmt.Sprintf("separate%d", i))
			if oneRepo {
				repo = filepath.Join(root, "tsmem", "shared")
			}
			dir := fmt.Sprintf("p%d", i)
			must(writeTSProject(filepath.Join(repo, dir), modules))
			projects = append(projects, typescript.Detect(repo, []string{dir + "/tsconfig.json"})...)
			roots = append(roots, repo)
		}
		defer func() {
			for _, c := range projects {
				if cl, ok := c.(collectors.Closer); ok {
					cl.Close()
				}
			}
		}()
		pids := map[int]bool{}
		for i, c := range projects {
			r := c.Run(context.Background(), collectors.Request{Root: roots[i], Mode: collectors.Watch})
			_, rest, _ := strings.Cut(r.Command, "(pid ")
			digits, _, _ := strings.Cut(rest, ")")
			pid, err := strconv.Atoi(digits)
			if r.Status != model.StatusOK || err != nil {
				must(fmt.Errorf("typescript %s in watch mode: %s %s %s", c.ID(), r.Status, r.Error, r.Command))
			}
			pids[pid] = true
		}
		for pid := range pids {
			kb += rssKBOf(pid)
		}
		return kb, len(pids)
	}
	shared, one := measure(true)
	separate, many := measure(false)
	fmt.Printf("TypeScript checker memory, %d projects of %d modules: %d shared process %d MiB vs %d separate processes %d MiB (%.2f×)\n",
		n, modules, one, shared/1024, many, separate/1024, float64(shared)/float64(separate))
}

func rssKB() int { return rssKBOf(os.Getpid()) }

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}
