package ignore

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// patternCases are gitignore(5) rules, one root .gitignore each. Every case
// is checked against the Matcher and, where git is installed, against
// `git check-ignore` itself, so the expectations cannot drift from git.
var patternCases = []struct {
	gitignore string
	path      string
	dir       bool
	want      bool
}{
	{"*.log", "a.log", false, true},
	{"*.log", "d/e/a.log", false, true},
	{"*.log", "a.log", true, true},
	{"*.log", "a.logx", false, false},
	{"*.log\n!keep.log", "keep.log", false, false},
	{"*.log\n!keep.log", "d/keep.log", false, false},
	{"*.log\n!keep.log", "d/other.log", false, true},
	{"!keep.log\n*.log", "keep.log", false, true}, // the last matching line wins
	{"logs/", "logs", true, true},
	{"logs/", "logs", false, false}, // directory-only
	{"logs/", "d/logs", true, true},
	{"logs/", "logs/x.txt", false, true}, // inside an ignored directory
	{"/root.txt", "root.txt", false, true},
	{"/root.txt", "d/root.txt", false, false}, // anchored by the leading slash
	{"docs/build", "docs/build", false, true},
	{"docs/build", "x/docs/build", false, false}, // anchored by the middle slash
	{"a?c", "abc", false, true},
	{"a?c", "ac", false, false},
	{"[!x]y.txt", "zy.txt", false, true},
	{"[!x]y.txt", "xy.txt", false, false},
	{"[a-c]z", "bz", false, true},
	{"[a-c]z", "dz", false, false},
	{"*.[oa]", "x.o", false, true},
	{"abc/**", "abc/q", false, true},
	{"abc/**", "abc/d/q", false, true},
	{"abc/**", "abc", true, false}, // "everything inside", not the directory itself
	{"**/deep", "deep", false, true},
	{"**/deep", "m/n/deep", false, true},
	{"x/**/z", "x/z", false, true},
	{"x/**/z", "x/1/2/z", false, true},
	{"x/**/z", "y/x/z", false, false},
	{"a/**/b/", "a/x/b", true, true},
	{"a/**/b/", "a/x/b", false, false},
	{"foo/*.txt", "foo/a.txt", false, true},
	{"foo/*.txt", "foo/b/a.txt", false, false}, // * does not cross /
	{"foo/*.txt", "q/foo/a.txt", false, false},
	{`\#hash`, "#hash", false, true},
	{"# comment", "# comment", false, false},
	{`\!bang`, "!bang", false, true},
	{`sp\ `, "sp ", false, true},
	{`sp\ `, "sp", false, false},
	{"trail   ", "trail", false, true}, // unescaped trailing spaces are dropped
	{"{a,b}", "{a,b}", false, true},    // no brace alternation in git
	{"{a,b}", "a", false, false},
	{`a\*b`, "a*b", false, true},
	{`a\*b`, "axb", false, false},
	{"Build/", "build", true, false}, // case-sensitive
	{"foo bar", "foo bar", false, true},
	{".env*", ".env.local", false, true},
	{"**", "x/y", false, true},
	{"dir/\n!dir/keep", "dir/keep", false, true}, // no re-including inside an excluded directory
	{"dir/*\n!dir/keep", "dir/keep", false, false},
	{"dir/*\n!dir/keep", "dir/other", false, true},
	{"*\n!*/\n!*.go", "a/b.go", false, false}, // the whitelist idiom
	{"*\n!*/\n!*.go", "a/b.txt", false, true},
	{"*\n!*/\n!*.go", "a", true, false},
}

func TestPatternsAgainstTheMatcher(t *testing.T) {
	for _, c := range patternCases {
		root := t.TempDir()
		writeTree(t, root, map[string]string{".gitignore": c.gitignore + "\n"})
		m := mustLoad(t, root, Options{NoBuildOutputs: true})
		if got := m.Ignored(c.path, c.dir); got != c.want {
			t.Errorf(".gitignore %q: Ignored(%q, dir=%v) = %v, want %v", c.gitignore, c.path, c.dir, got, c.want)
		}
	}
}

// TestPatternsAgainstGit proves the table itself: git agrees with every
// expectation.
func TestPatternsAgainstGit(t *testing.T) {
	requireGit(t)
	hermeticGit(t)
	for _, c := range patternCases {
		root := t.TempDir()
		git(t, root, "init", "-q")
		writeTree(t, root, map[string]string{".gitignore": c.gitignore + "\n"})
		if c.dir {
			writeTree(t, root, map[string]string{c.path + "/": ""})
		} else {
			writeTree(t, root, map[string]string{c.path: "x"})
		}
		cmd := exec.Command("git", "-C", root, "check-ignore", "-q", "--no-index", c.path)
		err := cmd.Run()
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatal(err)
		}
		if got := err == nil; got != c.want {
			t.Errorf(".gitignore %q: git says ignored(%q, dir=%v) = %v, table says %v", c.gitignore, c.path, c.dir, got, c.want)
		}
	}
}

func TestParsePatternSkipsWhatGitSkips(t *testing.T) {
	for _, line := range []string{"", "   ", "# comment", "\r", "/", "!", `trailing\`, "a[", "!/"} {
		if p, ok := parsePattern(line); ok {
			t.Errorf("parsePattern(%q) = %+v, want no pattern", line, p)
		}
	}
}

func TestTrimTrailingSpaces(t *testing.T) {
	for in, want := range map[string]string{
		"a":       "a",
		"a  ":     "a",
		`a\ `:     `a\ `,
		`a\  `:    `a\ `,
		`a\\ `:    `a\\`,
		" a":      " a",
		`a\`:      `a\`,
		"a b  ":   "a b",
		`a\ \  `:  `a\ \ `,
		"\t a \t": "\t a \t",
	} {
		if got := trimTrailingSpaces(in); got != want {
			t.Errorf("trimTrailingSpaces(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzParsePattern: any line and path, no panic; a negated line matches
// exactly the paths its positive form matches; a comment never matches.
func FuzzParsePattern(f *testing.F) {
	for _, c := range patternCases {
		for _, line := range strings.Split(c.gitignore, "\n") {
			f.Add(line, c.path, c.dir)
		}
	}
	f.Fuzz(func(t *testing.T, line, path string, isDir bool) {
		p, ok := parsePattern(line)
		if !ok {
			return
		}
		if strings.HasPrefix(line, "#") {
			t.Fatalf("comment %q parsed as a pattern", line)
		}
		name := path[strings.LastIndex(path, "/")+1:]
		got := p.match(path, name, isDir)
		if p.negate {
			return
		}
		n, ok := parsePattern("!" + line)
		if !ok || !n.negate {
			t.Fatalf("negation of %q did not parse as a negation", line)
		}
		if n.match(path, name, isDir) != got {
			t.Fatalf("%q and its negation disagree on %q", line, path)
		}
		l := patternList{p}
		if ign, matched := l.decide(path, name, isDir); matched != got || (matched && !ign) {
			t.Fatalf("decide(%q) = %v,%v; match = %v", path, ign, matched, got)
		}
	})
}

func TestInvalidExtraGlobIsAnError(t *testing.T) {
	if _, err := LoadWithOptions(t.TempDir(), Options{Extra: []string{"a/[b"}}); err == nil {
		t.Fatal("want an error for a malformed glob")
	}
}

func TestLoadRejectsMissingRoot(t *testing.T) {
	if _, err := Load(filepath.Join(t.TempDir(), "nope")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Load(missing) error = %v, want not-exist", err)
	}
}
