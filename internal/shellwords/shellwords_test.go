package shellwords

import (
	"reflect"
	"strings"
	"testing"
)

// cmd is a command as the tables write it: text, words, line, flags.
type cmd struct {
	text   string
	words  []string
	line   int
	piped  bool
	nested bool
}

func commandsOf(script string) []cmd {
	var out []cmd
	for _, c := range Commands(script) {
		out = append(out, cmd{c.Text, c.Values(), c.Line, c.Piped, c.Nested})
	}
	return out
}

func w(s ...string) []string { return s }

func TestCommands(t *testing.T) {
	for _, tt := range []struct {
		script string
		want   []cmd
	}{
		{"npm ci\nnpm test", []cmd{{"npm ci", w("npm", "ci"), 0, false, false}, {"npm test", w("npm", "test"), 1, false, false}}},
		{"npm run lint && \\\n  npm test\n\n# go test\ngo build ./...", []cmd{
			{"npm run lint", w("npm", "run", "lint"), 0, false, false},
			{"npm test", w("npm", "test"), 0, false, false},
			{"go build ./...", w("go", "build", "./..."), 4, false, false},
		}},
		{"docker build \\\n  -t app .", []cmd{{"docker build    -t app .", w("docker", "build", "-t", "app", "."), 0, false, false}}},
		{"a; b || c & d", []cmd{{"a", w("a"), 0, false, false}, {"b", w("b"), 0, false, false}, {"c", w("c"), 0, false, false}, {"d", w("d"), 0, false, false}}},
		{"curl -fsSL x | sudo sh", []cmd{{"curl -fsSL x", w("curl", "-fsSL", "x"), 0, true, false}, {"sudo sh", w("sudo", "sh"), 0, false, false}}},
		{"wget -qO- x | tee y | bash", []cmd{{"wget -qO- x", w("wget", "-qO-", "x"), 0, true, false}, {"tee y", w("tee", "y"), 0, true, false}, {"bash", w("bash"), 0, false, false}}},
		{"npm test 2>&1 | tee log", []cmd{{"npm test 2>&1", w("npm", "test"), 0, true, false}, {"tee log", w("tee", "log"), 0, false, false}}},
		{`echo 'a; b' "c | d" # e`, []cmd{{`echo 'a; b' "c | d"`, w("echo", "a; b", "c | d"), 0, false, false}}},
		{`FOO="a b" CI=1 npm test > out.txt`, []cmd{{`FOO="a b" CI=1 npm test > out.txt`, w("FOO=a b", "CI=1", "npm", "test"), 0, false, false}}},
		{"export NODE_ENV=test", []cmd{{"export NODE_ENV=test", w("export", "NODE_ENV=test"), 0, false, false}}},
		{"! npm test &", []cmd{{"! npm test", w("npm", "test"), 0, false, false}}},
		{"echo $(npm test) `go vet`", []cmd{
			{"echo $(npm test) `go vet`", w("echo", "$(npm test)", "`go vet`"), 0, false, false},
			{"npm test", w("npm", "test"), 0, false, true},
			{"go vet", w("go", "vet"), 0, false, true},
		}},
		{"for d in a b; do (cd $d && make test); done", []cmd{{"cd $d", w("cd", "$d"), 0, false, false}, {"make test", w("make", "test"), 0, false, false}}},
		{"if [ -n \"$CI\" ]; then npm test; fi", []cmd{{`[ -n "$CI" ]`, w("[", "-n", "$CI", "]"), 0, false, false}, {"npm test", w("npm", "test"), 0, false, false}}},
		{`a\ b "\$x\y" 'c'd`, []cmd{{`a\ b "\$x\y" 'c'd`, w("a b", `$x\y`, "cd"), 0, false, false}}},
		{"git fetch origin ${{ github.event.workflow_run.head_branch }}", []cmd{{"git fetch origin ${{ github.event.workflow_run.head_branch }}", w("git", "fetch", "origin", "${{ github.event.workflow_run.head_branch }}"), 0, false, false}}},
		{`echo "${{ secrets.X }}" '${{ a }}'`, []cmd{{`echo "${{ secrets.X }}" '${{ a }}'`, w("echo", "${{ secrets.X }}", "${{ a }}"), 0, false, false}}},
		{"", nil},
		{"# only a comment\n\n", nil},
	} {
		if got := commandsOf(tt.script); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Commands(%q)\n got %+v\nwant %+v", tt.script, got, tt.want)
		}
	}
}

// TestCommandsRecover: lines the grammar refuses on their own still give
// their commands, and a bad line costs only itself.
func TestCommandsRecover(t *testing.T) {
	for _, tt := range []struct {
		script string
		want   []cmd
	}{
		// A quote left open closes at the end of its line.
		{`echo "it's` + "\nnpm test", []cmd{{`echo "it's`, w("echo", "it's"), 0, false, false}, {"npm test", w("npm", "test"), 1, false, false}}},
		{"npm run lint -- --rule 'x", []cmd{{"npm run lint -- --rule 'x", w("npm", "run", "lint", "--", "--rule", "x"), 0, false, false}}},
		// Compound commands spread over lines: each line is read alone.
		{"if [ -f x ]; then\n  npm test\nfi", []cmd{{"[ -f x ]", w("[", "-f", "x", "]"), 0, false, false}, {"npm test", w("npm", "test"), 1, false, false}}},
		{"for d in a b; do\ndo make test\ndone", []cmd{{"make test", w("make", "test"), 1, false, false}}},
		{"case $1 in\n  unit) npm test ;;\nesac", []cmd{{"unit", w("unit"), 1, false, false}, {"npm test", w("npm", "test"), 1, false, false}}},
		{"then npm run build; else npm run dev", []cmd{{"npm run build", w("npm", "run", "build"), 0, false, false}, {"else npm run dev", w("else", "npm", "run", "dev"), 0, false, false}}},
		// A heredoc that never ends keeps the commands before it.
		{"npm test; cat <<EOF", []cmd{{"npm test", w("npm", "test"), 0, false, false}, {"cat", w("cat"), 0, false, false}, {"EOF", w("EOF"), 0, false, false}}},
		// A stray ")" is stepped over alone: the quote after it still
		// opens a word.
		{`)" > out/lint.txt`, []cmd{{`" > out/lint.txt`, w(" > out/lint.txt"), 0, false, false}}},
		{"npm test && echo $((", []cmd{{"npm test", w("npm", "test"), 0, false, false}, {"echo", w("echo"), 0, false, false}}},
		{"[[ -z x\nnpm test", []cmd{{"-z x", w("-z", "x"), 0, false, false}, {"npm test", w("npm", "test"), 1, false, false}}},
		{")))\n;;", nil},
	} {
		if got := commandsOf(tt.script); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Commands(%q)\n got %+v\nwant %+v", tt.script, got, tt.want)
		}
	}
}

// TestLenient: the text after a quote that is never closed is read as
// commands too.
func TestLenient(t *testing.T) {
	for _, tt := range []struct {
		script string
		want   [][]string
	}{
		{"echo 'starting && jest --ci", [][]string{{"echo", "starting && jest --ci"}, {"starting"}, {"jest", "--ci"}}},
		{"a\nb \"c; d", [][]string{{"a"}, {"b", "c; d"}, {"c"}, {"d"}}},
		{"npm test 'x'", [][]string{{"npm", "test", "x"}}},
	} {
		var got [][]string
		last := strings.Count(tt.script, "\n")
		for _, c := range Lenient(tt.script) {
			got = append(got, c.Values())
			if c.Line > last {
				t.Errorf("Lenient(%q): %q on line %d of a %d-line script", tt.script, c.Text, c.Line, last+1)
			}
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Lenient(%q) = %q, want %q", tt.script, got, tt.want)
		}
		if cmds := Lenient(tt.script); cmds[len(cmds)-1].Line != last {
			t.Errorf("Lenient(%q): last command on line %d, want %d", tt.script, cmds[len(cmds)-1].Line, last)
		}
	}
}

func TestCd(t *testing.T) {
	for _, tt := range []struct {
		script string
		dir    string
		ok     bool
	}{
		{"cd web", "web", true},
		{"cd 'my app'/src", "my app/src", true},
		{"CI=1 cd ../api", "../api", true},
		{"cd", "", true},
		{"cd -P web", "", true},
		{"(cd web && npm ci)", "web", true},
		{"cd $DIR", "", true},
		{`cd "$(dirname x)"`, "", true},
		{"cd ~/src", "", true},
		{"cd /tmp", "", true},
		{"cd a b", "", true},
		{"npm ci", "", false},
		{"echo cd web", "", false},
		{"pushd web", "", false},
	} {
		cmds := Commands(tt.script)
		if len(cmds) == 0 {
			t.Fatalf("no command in %q", tt.script)
		}
		if dir, ok := cmds[0].Cd(); dir != tt.dir || ok != tt.ok {
			t.Errorf("Cd(%q) = %q, %v; want %q, %v", tt.script, dir, ok, tt.dir, tt.ok)
		}
	}
}

func TestWordQuoting(t *testing.T) {
	for _, tt := range []struct {
		raw  string
		want Word
	}{
		{"src", Word{Raw: "src", Value: "src", Pattern: "src"}},
		{"src/*.js", Word{Raw: "src/*.js", Value: "src/*.js", Pattern: "src/*.js", Glob: true}},
		{"'src/**/*'", Word{Raw: "'src/**/*'", Value: "src/**/*", Pattern: `src/\*\*/\*`, Quoted: true}},
		{`"lib/*.ts"`, Word{Raw: `"lib/*.ts"`, Value: "lib/*.ts", Pattern: `lib/\*.ts`, Quoted: true}},
		{`src/"a b"/*.js`, Word{Raw: `src/"a b"/*.js`, Value: "src/a b/*.js", Pattern: "src/a b/*.js", Quoted: true, Glob: true}},
		{`\*.js`, Word{Raw: `\*.js`, Value: "*.js", Pattern: `\*.js`, Quoted: true}},
		{"$FILES", Word{Raw: "$FILES", Value: "$FILES", Pattern: "$FILES", Expands: true}},
		{`"$(ls)"x`, Word{Raw: `"$(ls)"x`, Value: "$(ls)x", Pattern: "$(ls)x", Quoted: true, Expands: true}},
	} {
		got, ok := ParseWord(tt.raw)
		if !ok || got != tt.want {
			t.Errorf("ParseWord(%q) = %+v, %v; want %+v", tt.raw, got, ok, tt.want)
		}
	}
	for _, raw := range []string{"a b", "a;b", "", "a|b"} {
		if got, ok := ParseWord(raw); ok {
			t.Errorf("ParseWord(%q) = %+v, want not one word", raw, got)
		}
	}
}

func FuzzCommands(f *testing.F) {
	for _, s := range []string{"npm test", "go vet ./... \\\n && go test ./...", "echo 'a; b' # c", `sh -c "make test"`,
		"if [ x ]; then\n npm test\nfi", `echo "it's`, "a | b && $(c) `d` <(e)", "case x in\n y) z ;;\nesac", "cat <<EOF\nx\nEOF"} {
		f.Add(s, "npm run lint")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		lines := strings.Count(a, "\n") + 1
		cmds := Commands(a)
		for _, c := range cmds {
			if len(c.Words) == 0 {
				t.Fatalf("command without words: %+v", c)
			}
			if c.Line < 0 || c.Line >= lines {
				t.Fatalf("line %d outside a %d-line script", c.Line, lines)
			}
		}
		lenient := Lenient(a)
		if len(lenient) < len(cmds) {
			t.Fatalf("Lenient(%q) has fewer commands than Commands", a)
		}
		for _, c := range lenient {
			if len(c.Words) == 0 || c.Line < 0 || c.Line >= lines {
				t.Fatalf("Lenient(%q): bad command %+v", a, c)
			}
		}
		// Lines are read on their own: another line after the script
		// leaves its commands as they were, unless it ends inside a
		// continuation.
		if strings.HasSuffix(strings.TrimRight(a, " \t\r"), `\`) {
			return
		}
		both := Commands(a + "\n" + b)
		if len(both) < len(cmds) || len(cmds) > 0 && !reflect.DeepEqual(both[:len(cmds)], cmds) {
			t.Fatalf("adding %q changed the commands of %q:\n%+v\n%+v", b, a, cmds, both)
		}
	})
}
