package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/preflight-dev/preflight/detect"
	"github.com/preflight-dev/preflight/ignore"
)

// measureCockpit runs the preflight binary on root as a person would and
// prints, each beside its reference from the same run: the first frame
// through a pseudo-terminal (vs the trivial Bubble Tea program), and once
// the first runs are over, idle CPU, preflight's RSS and its Node helpers
// (vs one `tsc --watch` per project).
//
// before, when set, is an earlier preflight binary whose first frame is
// timed the same way, for a figure before and after a change.
//
// watchingOnly skips everything but the figures while watching (idle CPU
// and RSS), for a quick before-and-after of those.
func measureCockpit(root string, projects []tsProject, bin, trivial, before string, watchingOnly bool) {
	home, err := os.MkdirTemp("", "pfbench-home-")
	must(err)
	defer os.RemoveAll(home)
	env := []string{
		"XDG_CACHE_HOME=" + filepath.Join(home, "cache"), "XDG_CONFIG_HOME=" + filepath.Join(home, "config"),
		"XDG_STATE_HOME=" + filepath.Join(home, "state"), "XDG_DATA_HOME=" + filepath.Join(home, "data"),
	}

	fmt.Printf("  load average at the start:      %s\n", loadAverage())
	if watchingOnly {
		for _, b := range []string{bin, before} {
			if b == "" {
				continue
			}
			warmCache(root, env, home, b)
			fmt.Printf("  %s:\n", filepath.Base(b))
			measureWatching(root, env, b)
		}
		fmt.Printf("  load average at the end:        %s\n", loadAverage())
		return
	}
	scan := measureScan(root)
	fmt.Printf("  walk + detection:               %v median of 3 (ignore rules, the walk, every collector family: what came before the first frame)\n", scan.Round(time.Millisecond))

	start := time.Now()
	warmCache(root, env, home, bin)
	fmt.Printf("  preflight check (warms cache):  %v\n", time.Since(start).Round(100*time.Millisecond))

	const frames = 5
	ref, err := medianFrame(frames, nil, []string{"trivial program", "quit"}, trivial)
	must(err)
	warm, err := medianFrame(frames, env, []string{"cached", "quit"}, bin, root)
	must(err)
	fmt.Printf("  first frame, warm cache (pty):  %v vs %v for a trivial Bubble Tea program (+%v; median of %d each)\n",
		warm.Round(time.Millisecond), ref.Round(time.Millisecond), (warm - ref).Round(time.Millisecond), frames)
	if before != "" {
		old, err := medianFrame(frames, env, []string{"cached", "quit"}, before, root)
		must(err)
		fmt.Printf("  … the same with %s:   %v\n", filepath.Base(before), old.Round(time.Millisecond))
	}
	var cold []time.Duration
	for i := 0; i < 3; i++ {
		noCache := append(append([]string(nil), env...), "XDG_CACHE_HOME="+filepath.Join(home, fmt.Sprintf("empty-cache-%d", i)))
		d, err := medianFrame(1, noCache, []string{"scanning", "quit"}, bin, root)
		must(err)
		cold = append(cold, d)
	}
	sort.Slice(cold, func(i, j int) bool { return cold[i] < cold[j] })
	fmt.Printf("  first frame, no cache (pty):    %v (median of 3)\n", cold[1].Round(time.Millisecond))

	measureWatching(root, env, bin)
	if before != "" {
		fmt.Printf("  … the same with %s:\n", filepath.Base(before))
		measureWatching(root, env, before)
	}
	measureTscWatch(root, projects, 10*time.Second)
	fmt.Printf("  load average at the end:        %s\n", loadAverage())
}

// warmCache runs `preflight check` once: a previous session, as far as the
// cache is concerned.
func warmCache(root string, env []string, home, bin string) {
	check := exec.Command(bin, "check", root)
	check.Env = append(os.Environ(), env...)
	out, _ := check.CombinedOutput() // a no-go verdict exits non-zero, and is fine here
	if m, _ := filepath.Glob(filepath.Join(home, "cache", "preflight", "*.json")); len(m) == 0 {
		must(fmt.Errorf("preflight check wrote no cache: %s", tail(string(out), 2000)))
	}
}

// measureWatching prints, once the first runs are over, what preflight
// costs while nothing changes: its idle CPU and its helpers', its own RSS
// and its Node helpers.
func measureWatching(root string, env []string, bin string) {
	t, err := spawn(env, bin, root)
	must(err)
	_, err = t.waitFrame(30*time.Second, "cached", "quit")
	must(err)
	pid := t.cmd.Process.Pid
	settled, ok := settle(pid, 5*time.Minute)
	note := ""
	if !ok {
		note = " (still busy after 5m: figures taken anyway)"
	}
	const idleFor = 10 * time.Second
	own, kids := idleCPU(pid, idleFor)
	rss := rssKBOf(pid)
	helpers, helpersKB := 0, 0
	for _, d := range descendants(pid) {
		if d.comm == "node" {
			helpers++
			helpersKB += rssKBOf(d.pid)
		}
	}
	t.quit(time.Minute)
	fmt.Printf("  watching, idle over %v:        preflight %.1f%% of a core, its helpers %.1f%%; preflight RSS %d MiB (first runs took %v%s)\n",
		idleFor, own, kids, rss/1024, settled.Round(time.Second), note)
	fmt.Printf("  Node helpers while watching:    %s, %d MiB RSS in all\n", processes(helpers), helpersKB/1024)
}

// loadAverage is the machine's 1, 5 and 15 minute load averages: figures
// taken on a busy machine say so.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ") + " (" + strconv.Itoa(runtime.NumCPU()) + " cores)"
}

// measureScan times what the cockpit used to do before its first frame:
// ignore rules, the walk and detection.
func measureScan(root string) time.Duration {
	var times []time.Duration
	for i := 0; i < 3; i++ {
		start := time.Now()
		m, err := ignore.Load(root)
		must(err)
		_, err = detect.Scan(root, m)
		must(err)
		times = append(times, time.Since(start))
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	return times[1]
}

// measureTscWatch is the reference for the helpers: one `tsc --watch` per
// project, as people run them in terminals of their own.
func measureTscWatch(root string, projects []tsProject, idleFor time.Duration) {
	tsc, err := exec.LookPath("tsc")
	if err != nil {
		fmt.Println("  reference, tsc --watch:         tsc is not on PATH")
		return
	}
	var procs []*exec.Cmd
	defer func() {
		for _, p := range procs {
			p.Process.Kill()
			p.Wait()
		}
	}()
	for _, p := range projects {
		cmd := exec.Command(tsc, "--watch", "--noEmit", "--preserveWatchOutput", "-p", filepath.Join(root, p.dir, "tsconfig.json"))
		out := &syncWriter{}
		cmd.Stdout, cmd.Stderr = out, out
		must(cmd.Start())
		procs = append(procs, cmd)
		deadline := time.Now().Add(5 * time.Minute)
		for !strings.Contains(out.String(), "Watching for file changes") {
			if time.Now().After(deadline) {
				must(fmt.Errorf("tsc --watch on %s never settled: %s", p.dir, tail(out.String(), 500)))
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	kb := 0
	var before time.Duration
	for _, p := range procs {
		kb += rssKBOf(p.Process.Pid)
		if st, err := readStat(p.Process.Pid); err == nil {
			before += st.cpu
		}
	}
	time.Sleep(idleFor)
	var after time.Duration
	for _, p := range procs {
		if st, err := readStat(p.Process.Pid); err == nil {
			after += st.cpu
		}
	}
	fmt.Printf("  reference, tsc --watch each:    %s, %d MiB RSS in all, %.1f%% of a core idle\n",
		processes(len(procs)), kb/1024, 100*float64(after-before)/float64(idleFor))
}

func processes(n int) string {
	if n == 1 {
		return "1 process"
	}
	return strconv.Itoa(n) + " processes"
}
