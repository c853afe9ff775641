package golang

import (
	"bytes"
	"io/fs"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/preflight-dev/preflight/collectors/nodepkg"
	"github.com/preflight-dev/preflight/internal/repofs"
	"github.com/preflight-dev/preflight/model"
)

// embeds are the files a module's //go:embed lines compile into its
// packages: inputs of the build and the tests as much as the sources are,
// though often written by another build (a UI's build/ that git ignores).
// They are read from the sources when first asked for and again at every
// run, since an edit to a .go file may name others.
type embeds struct {
	root, dir string
	mu        sync.Mutex
	read      bool
	patterns  []string // repo-relative, as go reads them (path.Match syntax)
}

// globs are the input globs of the embedded files: each pattern, and the
// tree below what it names, as go embeds a directory whole.
func (e *embeds) globs() []string {
	var out []string
	for _, p := range e.current() {
		g := escapeBraces(p)
		out = append(out, g, g+"/**")
	}
	return out
}

// outputs are the paths the patterns start from: the watcher follows them
// when the ignore rules hide them.
func (e *embeds) outputs() []string {
	var out []string
	for _, p := range e.current() {
		base := p
		if strings.ContainsAny(p, `*?[\`) {
			base, _ = doublestar.SplitPattern(escapeBraces(p))
		}
		if !slices.Contains(out, base) && base != "." {
			out = append(out, base)
		}
	}
	return out
}

func (e *embeds) current() []string {
	if e == nil {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.read {
		e.patterns, e.read = e.scan(), true
	}
	return e.patterns
}

// refresh reads the sources again.
func (e *embeds) refresh() {
	if e == nil {
		return
	}
	patterns := e.scan()
	e.mu.Lock()
	e.patterns, e.read = patterns, true
	e.mu.Unlock()
}

// scan reads the //go:embed lines of the module's Go files, in the
// directories go builds: not vendor/, testdata/, or those named with a
// leading dot or underscore.
func (e *embeds) scan() []string {
	var out []string
	abs := filepath.Join(e.root, filepath.FromSlash(e.dir))
	_ = filepath.WalkDir(abs, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		name := d.Name()
		if d.IsDir() {
			if p != abs && (name == "vendor" || name == "testdata" || name == "node_modules" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(e.root, p)
		if err != nil {
			return nil
		}
		src, err := repofs.ReadFile(e.root, rel)
		if err != nil || !bytes.Contains(src, []byte("//go:embed")) {
			return nil
		}
		pkg := path.Dir(filepath.ToSlash(rel))
		for _, pattern := range EmbedPatterns(src) {
			if full := path.Join(pkg, pattern); !slices.Contains(out, full) {
				out = append(out, full)
			}
		}
		return nil
	})
	slices.Sort(out)
	return out
}

// EmbedPatterns are the patterns of a Go file's //go:embed directives, as
// the go command reads them: separated by spaces, in "double" or `back`
// quotes when they hold one, and without the all: prefix (which only adds
// hidden files to a directory).
func EmbedPatterns(src []byte) []string {
	var out []string
	for line := range strings.Lines(string(src)) {
		rest, ok := strings.CutPrefix(strings.TrimRight(line, "\r\n"), "//go:embed")
		if !ok || rest != "" && rest[0] != ' ' && rest[0] != '\t' {
			continue
		}
		for _, p := range embedFields(rest) {
			p = strings.TrimPrefix(p, "all:")
			if p != "" && !strings.HasPrefix(p, "/") && !slices.Contains(strings.Split(p, "/"), "..") {
				out = append(out, path.Clean(p))
			}
		}
	}
	return out
}

// embedFields splits a directive's arguments as go/build does.
func embedFields(s string) []string {
	var out []string
	for {
		s = strings.TrimLeft(s, " \t")
		if s == "" {
			return out
		}
		var field string
		switch s[0] {
		case '"', '`':
			end := strings.IndexByte(s[1:], s[0])
			if s[0] == '"' {
				end = closingQuote(s)
			}
			if end < 0 {
				return out // go refuses the line
			}
			q := s[:end+2]
			v, err := strconv.Unquote(q)
			if err != nil {
				return out
			}
			field, s = v, s[len(q):]
		default:
			i := strings.IndexAny(s, " \t")
			if i < 0 {
				i = len(s)
			}
			field, s = s[:i], s[i:]
		}
		out = append(out, field)
	}
}

// closingQuote is the index, in s[1:], of the quote that closes the
// double-quoted string s starts with; -1 when none does.
func closingQuote(s string) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i - 1
		}
	}
	return -1
}

// escapeBraces makes a path.Match pattern a doublestar one: braces are
// literal to go and alternatives to doublestar; the other metacharacters
// mean the same to both.
func escapeBraces(p string) string {
	return strings.NewReplacer("{", `\{`, "}", `\}`).Replace(p)
}

// embedMiss is go's error for a //go:embed pattern that matches nothing.
var embedMiss = regexp.MustCompile(`pattern (\S+): no matching files found`)

// explainEmbedMisses adds, to go's error for an embed pattern that matches
// nothing, what it names and, when a Node package there builds, the build
// that writes it: gotify's `//go:embed build/*` compiles only after
// `cd ui && yarn build`, which a fresh checkout has not run.
func explainEmbedMisses(root string, fs []model.Finding) {
	for i, f := range fs {
		m := embedMiss.FindStringSubmatch(f.Message)
		if m == nil || f.File == "" || strings.Contains(f.Message, " is not in the checkout") {
			continue
		}
		target := path.Join(path.Dir(f.File), strings.TrimPrefix(m[1], "all:"))
		if i := strings.IndexAny(target, `*?[\`); i >= 0 {
			target = path.Dir(target[:i+1])
		}
		note := " (" + target + " is not in the checkout"
		for d := target; ; d = path.Dir(d) {
			if data, err := repofs.ReadFile(root, path.Join(d, "package.json")); err == nil {
				if man, err := nodepkg.ParseManifest(data); err == nil && man.Scripts["build"] != "" {
					note += ": a build writes it? " + nodepkg.BuildLine(root, d)
					break
				}
			}
			if d == "." || d == "/" {
				break
			}
		}
		fs[i].Message += note + ")"
	}
}
