package cache

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/ignore"
	"github.com/preflight-dev/preflight/internal/repofs"
	"github.com/preflight-dev/preflight/internal/shellwords"
	"github.com/preflight-dev/preflight/model"
)

// resultsVersion changes whenever what goes into a key does.
const resultsVersion = "preflight.results/v1"

// OnlineTTL is how long a result that depends on the network (npm audit,
// govulncheck) is reused by default: advisories appear without any change
// to the repository.
const OnlineTTL = 24 * time.Hour

// keyEnv are the environment variables that change what the tools do,
// or what they ask: the vulnerability database and the npm registry an
// advisory result came from.
var keyEnv = []string{"PATH", "GOFLAGS", "GOOS", "GOARCH", "CGO_ENABLED", "GOEXPERIMENT", "GOTOOLCHAIN", "NODE_ENV", "NODE_OPTIONS",
	"GOVULNDB", "npm_config_registry", "NPM_CONFIG_REGISTRY"}

// installMarkers are the files package managers rewrite on every install:
// a reinstall changes the tools and typings a JavaScript collector uses.
// So does prisma generate, which writes its client's declarations into
// node_modules (realworld's tsc and Jest results had outlived it).
var installMarkers = []string{"node_modules/.package-lock.json", "node_modules/.modules.yaml", "node_modules/.yarn-state.yml", "node_modules/.yarn-integrity",
	"node_modules/.prisma/client/index.d.ts"}

// Results reuses collector results by the content of their inputs: a
// result is reused when the content of every input file, the tool it ran,
// its settings, the environment and preflight's version are what they were
// when it was measured. A result that depends on the network is reused for
// a TTL only.
type Results struct {
	file    string
	home    string // the repository the cache file belongs to
	root    string // where inputs are read
	files   []string
	config  string
	version string
	TTL     time.Duration
	Now     func() time.Time
	// OutputOnly reports a directory the file list leaves out for its
	// build-output name alone, which the project's tools still see (see
	// ignore.Matcher.OutputOnly); nil: none is.
	OutputOnly func(rel string) bool
	// Ignored are the files the ignore rules keep out of files in the
	// directories listed (ignore.ListFilesAndIgnored), sorted: a
	// gitignored src/config.ts a tsconfig takes in is an input all the
	// same, by its content.
	Ignored []string

	mu      sync.Mutex
	entries map[string]resultEntry
	hashes  map[string]string   // file content hashes of this process
	outputs map[string][]string // the files of build-output directories OutputOnly names, walked once
	dirty   bool
}

type resultsFile struct {
	Version string                 `json:"version"`
	Root    string                 `json:"root"`
	Entries map[string]resultEntry `json:"entries"`
}

type resultEntry struct {
	Key    string      `json:"key"`
	Tools  []toolStamp `json:"tools,omitempty"`
	Result storedState `json:"result"`
}

// toolStamp identifies an executable a run used, without running it: a
// new version of a tool is a new file.
type toolStamp struct {
	Path    string    `json:"path"`
	Size    int64     `json:"size"`
	ModTime time.Time `json:"mod_time"`
}

// Results opens the results cache of root. files are the repository's
// files (through its ignore rules) and config identifies the settings that
// apply (preflight.yaml's content); both go into every key.
func (s *Store) Results(root string, files []string, config, version string) (*Results, error) {
	return s.ResultsAs(root, root, files, config, version)
}

// ResultsAs opens the results cache of the repository at home for a copy
// of it at root (a worktree of another commit): keys hold no path, so a
// result measured on the same content in either is reused in both.
func (s *Store) ResultsAs(home, root string, files []string, config, version string) (*Results, error) {
	r := &Results{
		file: s.path(home, "results"), home: home, root: root, files: slices.Sorted(slices.Values(files)),
		config: config, version: version, TTL: OnlineTTL, Now: time.Now,
		entries: map[string]resultEntry{}, hashes: map[string]string{},
	}
	b, err := os.ReadFile(r.file)
	if errors.Is(err, os.ErrNotExist) {
		return r, nil
	}
	if err != nil {
		return r, err
	}
	var f resultsFile
	if err := json.Unmarshal(b, &f); err != nil {
		return r, fmt.Errorf("results cache %s is corrupt (ignored): %w", r.file, err)
	}
	if f.Version == resultsVersion && f.Root == home && f.Entries != nil {
		r.entries = f.Entries
	}
	return r, nil
}

// Lookup returns the result c had for exactly these inputs, marked cached.
func (r *Results) Lookup(c collectors.Collector) (model.Result, bool) {
	if !collectors.IsReusable(c) {
		return model.Result{}, false
	}
	k := entryKey(c.ID(), r.key(c))
	r.mu.Lock()
	e, ok := r.entries[k]
	r.mu.Unlock()
	if !ok {
		return model.Result{}, false
	}
	for _, t := range e.Tools {
		p := t.Path
		if !filepath.IsAbs(p) {
			p = filepath.Join(r.root, filepath.FromSlash(p))
		}
		if now := stampOf(p); now.Size != t.Size || !now.ModTime.Equal(t.ModTime) {
			return model.Result{}, false
		}
	}
	res := e.Result.result()
	if collectors.IsOnline(c) && r.Now().Sub(res.FinishedAt) > r.TTL {
		return model.Result{}, false
	}
	res.Cached = true
	return res, true
}

// perCollector is how many results of one collector are kept, for as many
// contents of its inputs: a branch and its base, a change undone.
const perCollector = 4

// Put remembers a result with evidence; a tool that could not run, or a
// result that depends on the machine's state (MachineBound), is asked
// again next time.
func (r *Results) Put(c collectors.Collector, res model.Result) {
	k := entryKey(c.ID(), r.key(c))
	if res.Status != model.StatusOK || res.MachineBound || !collectors.IsReusable(c) || !jsonSafe(res) {
		r.mu.Lock()
		if _, ok := r.entries[k]; ok {
			delete(r.entries, k)
			r.dirty = true
		}
		r.mu.Unlock()
		return
	}
	e := resultEntry{Key: k, Tools: toolsOf(r.root, res.Command), Result: stored(res)}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.entries[k] = e
	r.dirty = true
	var same []string
	for key := range r.entries {
		if strings.HasPrefix(key, c.ID()+"\x00") {
			same = append(same, key)
		}
	}
	if len(same) > perCollector {
		slices.SortFunc(same, func(a, b string) int {
			return r.entries[b].Result.FinishedAt.Compare(r.entries[a].Result.FinishedAt)
		})
		for _, key := range same[perCollector:] {
			delete(r.entries, key)
		}
	}
}

func entryKey(id, key string) string { return id + "\x00" + key }

// Save writes the cache if anything changed.
func (r *Results) Save() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.dirty {
		return nil
	}
	b, err := json.Marshal(resultsFile{Version: resultsVersion, Root: r.home, Entries: r.entries})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(r.file), 0o700); err != nil {
		return err
	}
	if err := repofs.WriteFileAtomic(r.file, b, 0o600); err != nil {
		return err
	}
	r.dirty = false
	return nil
}

// jsonSafe reports whether res survives JSON unchanged: a file name that
// is not UTF-8 would come back with U+FFFD in it, and a reused finding must
// be the finding.
func jsonSafe(res model.Result) bool {
	texts := []string{res.Command, res.Error, res.Hint, res.Output, res.Trigger, res.ToolVersion}
	for _, f := range res.Findings {
		texts = append(texts, f.ID, f.Collector, f.Domain, f.Rule, f.Message, f.File)
	}
	for _, e := range res.Evidence {
		texts = append(texts, e.Fact, e.File, e.Text)
	}
	for _, t := range texts {
		if !utf8.ValidString(t) {
			return false
		}
	}
	return true
}

// key hashes everything a result depends on that can be known before the
// run: the collector, the content of every input file, the install markers
// of the packages among them, the settings, the environment and preflight.
func (r *Results) key(c collectors.Collector) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00", resultsVersion, r.version, c.ID(), c.Kind(), c.Domain(), r.config)
	for _, name := range keyEnv {
		fmt.Fprintf(h, "%s=%s\x00", name, os.Getenv(name))
	}
	globs := c.Inputs()
	dirs := map[string]bool{".": true}
	keyed := map[string]bool{}
	for _, f := range r.files {
		if !collectors.MatchesInputs(globs, f) {
			continue
		}
		fmt.Fprintf(h, "%s\x00%s\x00", f, r.hash(f))
		keyed[f] = true
		if path.Base(f) == "package.json" {
			dirs[path.Dir(f)] = true
		}
	}
	for _, f := range r.Ignored {
		if !keyed[f] && collectors.MatchesInputs(globs, f) {
			fmt.Fprintf(h, "%s\x00%s\x00", f, r.hash(f))
			keyed[f] = true
		}
	}
	for _, f := range r.ignoredInputs(globs, keyed) {
		fmt.Fprintf(h, "%s\x00%s\x00", f, r.hash(f))
	}
	for _, f := range r.outputFiles(globs, dirs) {
		fmt.Fprintf(h, "output\x00%s\x00", f)
	}
	for _, d := range slices.Sorted(func(yield func(string) bool) {
		for d := range dirs {
			if !yield(d) {
				return
			}
		}
	}) {
		for _, m := range installMarkers {
			rel := path.Join(d, m) // not the absolute path: a worktree elsewhere shares results
			t := stampOf(filepath.Join(r.root, filepath.FromSlash(rel)))
			fmt.Fprintf(h, "%s\x00%d\x00%d\x00", rel, t.Size, t.ModTime.UnixNano())
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// maxIgnoredInputs bounds the ignored files one key reads.
const maxIgnoredInputs = 10000

// ignoredInputs are the files on disk that input globs name but the ignore
// rules keep out of files, where finding them is cheap: a literal path
// (next-env.d.ts), one directory's entries (web/.env*), or a directory
// none of whose files is kept (.next/types/**/*.ts, which a tsconfig
// includes). Tools read generated and local files there, so a change to
// one must not reuse a result. Links are not followed.
func (r *Results) ignoredInputs(globs []string, keyed map[string]bool) []string {
	fsys := os.DirFS(r.root)
	var out []string
	for _, g := range globs {
		if strings.HasPrefix(g, "!") {
			continue // an exclusion walks nothing; it filters below
		}
		base, pattern := doublestar.SplitPattern(g)
		deep := strings.Contains(pattern, "/") || strings.Contains(pattern, "**")
		if deep && (base == "." || r.keptUnder(base)) {
			continue // the walk through the ignore rules listed these
		}
		_ = doublestar.GlobWalk(fsys, g, func(rel string, d fs.DirEntry) error {
			if len(out) >= maxIgnoredInputs {
				return fs.SkipAll
			}
			if d.Type().IsRegular() && !keyed[rel] && !slices.Contains(strings.Split(rel, "/"), "node_modules") && collectors.MatchesInputs(globs, rel) {
				keyed[rel] = true
				out = append(out, rel)
			}
			return nil
		}, doublestar.WithNoFollow(), doublestar.WithFilesOnly())
	}
	slices.Sort(out)
	return out
}

// outputFiles are the files matching globs in the build-output directories
// beside the root and the packages that the file list leaves out for
// their name alone: a tool that lints or collects **/*.js sees them (an
// unignored coverage/ that ESLint lints), so a file that appears there, or
// goes, is a new input. Their names are keyed, not their content: a
// coverage run that rewrites the same files must not undo every result.
func (r *Results) outputFiles(globs []string, pkgDirs map[string]bool) []string {
	if r.OutputOnly == nil {
		return nil
	}
	var out []string
	for _, d := range slices.Sorted(maps.Keys(pkgDirs)) {
		for _, name := range ignore.BuildOutputs {
			for _, f := range r.outputDir(path.Join(d, name)) {
				if collectors.MatchesInputs(globs, f) {
					out = append(out, f)
				}
			}
		}
	}
	return out
}

// outputDir lists the files of a build-output directory that OutputOnly
// names (none for any other), walked once per process as files are hashed
// once: every collector's key asks.
func (r *Results) outputDir(dir string) []string {
	r.mu.Lock()
	files, ok := r.outputs[dir]
	r.mu.Unlock()
	if ok {
		return files
	}
	abs := filepath.Join(r.root, filepath.FromSlash(dir))
	if st, err := os.Lstat(abs); err == nil && st.IsDir() && r.OutputOnly(dir) {
		_ = filepath.WalkDir(abs, func(p string, e fs.DirEntry, err error) error {
			switch {
			case err != nil || len(files) >= maxIgnoredInputs:
				return fs.SkipDir
			case e.IsDir() && e.Name() == "node_modules":
				return fs.SkipDir
			case !e.Type().IsRegular():
				return nil
			}
			if rel, err := filepath.Rel(r.root, p); err == nil {
				files = append(files, filepath.ToSlash(rel))
			}
			return nil
		})
	}
	r.mu.Lock()
	if r.outputs == nil {
		r.outputs = map[string][]string{}
	}
	r.outputs[dir] = files
	r.mu.Unlock()
	return files
}

// keptUnder reports whether any file the ignore rules keep lies in dir.
func (r *Results) keptUnder(dir string) bool {
	prefix := dir + "/"
	i, _ := slices.BinarySearch(r.files, prefix)
	return i < len(r.files) && strings.HasPrefix(r.files[i], prefix)
}

// hash is a file's content hash, read once per process.
func (r *Results) hash(rel string) string {
	r.mu.Lock()
	sum, ok := r.hashes[rel]
	r.mu.Unlock()
	if ok {
		return sum
	}
	h := sha256.New()
	f, err := repofs.Open(r.root, rel)
	if err == nil {
		_, err = io.Copy(h, f)
		f.Close()
	}
	if err != nil {
		// Unreadable is a state of its own: it must not match a readable
		// file, nor hide that it became readable.
		sum = "unreadable: " + err.Error()
	} else {
		sum = hex.EncodeToString(h.Sum(nil))
	}
	r.mu.Lock()
	r.hashes[rel] = sum
	r.mu.Unlock()
	return sum
}

// toolsOf stamps the executables a command line names: the first word of
// each step that is found on PATH ("cd web && npx vitest run" stamps
// npx), or, when it is a path, in the directory the step runs in (root,
// or where a `cd` step went: node_modules/.bin/vitest of web). In-process
// analyses name none, and are keyed by preflight's version alone.
func toolsOf(root, command string) []toolStamp {
	var out []toolStamp
	dir := root
	for _, step := range shellwords.Commands(command) {
		if step.Nested {
			continue // "$(mktemp -d)" of the report argument
		}
		var fields []string
		for _, w := range step.Words {
			if !w.Assign || len(fields) > 0 { // CI=true vitest …: the tool is vitest
				fields = append(fields, w.Value)
			}
		}
		if len(fields) == 0 {
			continue
		}
		if fields[0] == "cd" {
			if len(fields) == 2 && !filepath.IsAbs(fields[1]) {
				dir = filepath.Join(dir, filepath.FromSlash(fields[1]))
			}
			continue
		}
		name := fields[0]
		if strings.Contains(name, "/") && !filepath.IsAbs(name) {
			name = filepath.Join(dir, filepath.FromSlash(name))
		}
		p, err := exec.LookPath(name)
		if err != nil {
			continue
		}
		if t := stampOf(p); t.Size > 0 {
			// The repository's own tools are kept relative to it, as keys
			// are, so that a worktree of another commit shares results.
			if rel, err := filepath.Rel(root, p); err == nil && filepath.IsLocal(rel) {
				t.Path = filepath.ToSlash(rel)
			}
			out = append(out, t)
		}
	}
	return out
}

// stampOf is a file's identity after links; the zero stamp (with the path)
// when it is missing.
func stampOf(p string) toolStamp {
	t := toolStamp{Path: p}
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return t
	}
	if fi, err := os.Stat(real); err == nil {
		t.Size, t.ModTime = fi.Size(), fi.ModTime().UTC()
	}
	return t
}
