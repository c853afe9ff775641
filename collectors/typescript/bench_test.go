package typescript

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/model"
)

// The two benchmarks measure the same thing, the time from a one-file edit
// to its findings, on the same trees: BenchmarkOneShot with a full tsc run
// as `preflight check` does, BenchmarkWatchRecheck with the running checker
// as the cockpit does.
//
//	go test ./collectors/typescript -run XXX -bench . -benchtime 10x

// benchTree is a project to benchmark and the file each iteration edits.
type benchTree struct {
	name   string
	root   string
	id     string
	edited string // repo-relative
	old    string // text the edit toggles
	new    string
}

func benchTrees(b *testing.B) []benchTree {
	fixture := copyFixture(b, monorepoFixture)
	generated := generatedProject(b, 400)
	return []benchTree{
		{name: "fixture", root: fixture, id: "typescript:api", edited: "packages/api/src/user.ts",
			old: `"hello " + user.name`, new: `"hi " + user.name`},
		{name: "generated-400-files", root: generated, id: "typescript:.", edited: "src/mod200.ts",
			old: `"item" + id`, new: `"node" + id`},
	}
}

// generatedProject writes a chain of n modules, each importing the one
// before it, with the default libraries of an es2022 target.
func generatedProject(b *testing.B, n int) string {
	root := filepath.Join(b.TempDir(), "gen")
	linkTypeScript(b, root)
	generateModules(b, root, n)
	return root
}

// generateModules writes the project of generatedProject into dir.
func generateModules(b *testing.B, dir string, n int) {
	writeFile(b, filepath.Join(dir, "tsconfig.json"), `{"compilerOptions": {"target": "es2022", "module": "nodenext", "strict": true, "noEmit": true, "types": []}, "include": ["src"]}`)
	writeFile(b, filepath.Join(dir, "package.json"), `{"type": "module"}`)
	for i := 0; i < n; i++ {
		var src strings.Builder
		parent := "undefined"
		if i > 0 {
			fmt.Fprintf(&src, "import { type Item%d, make%d } from \"./mod%d.js\";\n\n", i-1, i-1, i-1)
			parent = fmt.Sprintf("make%d(id - 1)", i-1)
		}
		fmt.Fprintf(&src, "export interface Item%d {\n  id: number;\n  name: string;\n  tags: string[];\n", i)
		if i > 0 {
			fmt.Fprintf(&src, "  parent?: Item%d;\n", i-1)
		}
		fmt.Fprintf(&src, "}\n\nexport function make%d(id: number): Item%d {\n", i, i)
		fmt.Fprintf(&src, "  const parent = id > 0 ? %s : undefined;\n", parent)
		fmt.Fprintf(&src, "  return { id, name: \"item\" + id, tags: [String(id)], ...(parent ? { parent } : {}) };\n}\n\n")
		fmt.Fprintf(&src, "export const index%d = new Map<string, Item%d>([[\"a\", make%d(%d)]]);\n", i, i, i, i)
		fmt.Fprintf(&src, "export const names%d = [...index%d.values()].map((item) => item.name.toUpperCase()).join(\",\");\n", i, i)
		writeFile(b, filepath.Join(dir, "src", fmt.Sprintf("mod%d.ts", i)), src.String())
	}
}

func benchmarkEdits(b *testing.B, mode collectors.Mode) {
	needTypeScript(b)
	for _, tree := range benchTrees(b) {
		b.Run(tree.name, func(b *testing.B) {
			p := project(b, tree.root, tree.id)
			if r := run(b, p, tree.root, mode); r.Status != model.StatusOK {
				b.Fatalf("first run: %s %s\n%s", r.Status, r.Error, r.Output)
			}
			file := filepath.Join(tree.root, filepath.FromSlash(tree.edited))
			// The first edit after a start costs more in watch mode: the
			// compiler learns the real shape of each file it had only
			// versioned, walking the importers of the edited one. Measure
			// the steady state the cockpit lives in.
			toggle(b, file, tree.old, tree.new)
			run(b, p, tree.root, mode, tree.edited)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				toggle(b, file, tree.old, tree.new)
				b.StartTimer()
				if r := run(b, p, tree.root, mode, tree.edited); r.Status != model.StatusOK {
					b.Fatalf("%s %s", r.Status, r.Error)
				}
			}
		})
	}
}

// toggle swaps a for b in file, or back.
func toggle(b *testing.B, file, x, y string) {
	data, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	if strings.Contains(string(data), x) {
		replaceIn(b, file, x, y)
	} else {
		replaceIn(b, file, y, x)
	}
}

func BenchmarkOneShot(b *testing.B) { benchmarkEdits(b, collectors.OneShot) }

func BenchmarkWatchRecheck(b *testing.B) { benchmarkEdits(b, collectors.Watch) }

// BenchmarkCheckerMemory compares the resident memory of the Node
// processes that keep N projects' watch programs: all in the one process
// of their repository (shared) against one process per project, as when
// each project is alone in its repository (separate). Each project is a
// chain of 100 modules on the default es2022 libraries.
//
//	go test ./collectors/typescript -run XXX -bench CheckerMemory -benchtime 1x
func BenchmarkCheckerMemory(b *testing.B) {
	needTypeScript(b)
	for _, n := range []int{4, 8} {
		b.Run(fmt.Sprintf("projects-%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				shared, sharedProcs := checkerRSS(b, n, true)
				separate, separateProcs := checkerRSS(b, n, false)
				if sharedProcs != 1 || separateProcs != n {
					b.Fatalf("%d shared and %d separate processes, want 1 and %d", sharedProcs, separateProcs, n)
				}
				b.ReportMetric(float64(shared)/1024, "shared-MiB")
				b.ReportMetric(float64(separate)/1024, "separate-MiB")
				b.ReportMetric(float64(shared)/float64(separate), "shared/separate")
			}
		})
	}
}

// checkerRSS checks n generated projects in Watch mode, in one repository
// or in one repository each, and returns the summed VmRSS (KiB) of the
// checker processes and how many there were.
func checkerRSS(b *testing.B, n int, oneRepo bool) (kib, processes int) {
	base := b.TempDir()
	var projects []*Project
	var roots []string
	for i := 0; i < n; i++ {
		root := filepath.Join(base, fmt.Sprintf("repo%d", i))
		if oneRepo {
			root = filepath.Join(base, "repo")
		}
		if i == 0 || !oneRepo {
			linkTypeScript(b, root)
		}
		generateModules(b, filepath.Join(root, fmt.Sprintf("p%d", i)), 100)
		for _, c := range Detect(root, []string{fmt.Sprintf("p%d/tsconfig.json", i)}) {
			projects = append(projects, c.(*Project))
			roots = append(roots, root)
		}
	}
	defer func() {
		for _, p := range projects {
			_ = p.Close()
		}
	}()
	pids := map[int]bool{}
	for i, p := range projects {
		if r := run(b, p, roots[i], collectors.Watch); r.Status != model.StatusOK || r.Facts["errors"] != 0 {
			b.Fatalf("%s: %s %s %v\n%s", p.ID(), r.Status, r.Error, r.Facts, r.Output)
		}
		p.mu.Lock()
		pids[p.checker.pid()] = true
		p.mu.Unlock()
	}
	for pid := range pids {
		kib += vmRSS(b, pid)
	}
	return kib, len(pids)
}

// vmRSS reads a process's resident set size in KiB from /proc.
func vmRSS(b *testing.B, pid int) int {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Skip("no /proc: ", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kib int
			if _, err := fmt.Sscan(rest, &kib); err != nil {
				b.Fatal(err)
			}
			return kib
		}
	}
	b.Fatalf("no VmRSS in /proc/%d/status", pid)
	return 0
}
