package prefs

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseReadsEverySetting(t *testing.T) {
	p, warnings := Parse("config.yaml", []byte(`
editor: "myedit --line {line} {file}"
split: 60
notify: bell
progress: false
keys:
  rerun: [r, F5]
  filter: f
typescript_programs: 3
`))
	if len(warnings) > 0 {
		t.Fatalf("warnings %q", warnings)
	}
	want := Prefs{Path: "config.yaml", Editor: "myedit --line {line} {file}", Split: 60, Notify: NotifyBell, NoProgress: true,
		Keys: map[string][]string{"rerun": {"r", "F5"}, "filter": {"f"}}, TypeScriptPrograms: 3}
	if !reflect.DeepEqual(p, want) {
		t.Fatalf("got %+v\nwant %+v", p, want)
	}
}

// A mistake in the file is said and left at its default; the rest of the
// file still applies.
func TestParseWarnsAndKeepsTheRest(t *testing.T) {
	p, warnings := Parse("config.yaml", []byte("editr: vim\nsplit: 95\nnotify: loud\nprogress: maybe\ntypescript_programs: 0\neditor: code -g {file}:{line}\n"))
	got := strings.Join(warnings, "\n")
	for _, want := range []string{
		`config.yaml: unknown setting "editr" (known: editor, split, notify, progress, keys, typescript_programs)`,
		"config.yaml: typescript_programs: expected how many TypeScript programs to keep, 1 or more, got 0",
		"config.yaml: split: expected the percentage of the screen the tree takes, 20 to 80, got 95",
		"config.yaml: notify: expected off, bell or desktop, got loud",
		"config.yaml: progress: expected true or false, got maybe",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("warnings lack %q:\n%s", want, got)
		}
	}
	if p.Editor != "code -g {file}:{line}" || p.Split != 0 || p.Notify != NotifyOff || p.NoProgress || p.TypeScriptPrograms != 0 {
		t.Errorf("prefs %+v", p)
	}
	if _, w := Parse("config.yaml", []byte("editor: [")); len(w) != 1 || !strings.Contains(w[0], "not valid YAML") {
		t.Errorf("invalid YAML: %q", w)
	}
}

func TestLoadReadsTheXDGConfigFile(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	if p, w := Load(); p.Path != "" || len(w) > 0 {
		t.Fatalf("no file: %+v %q", p, w)
	}
	file := filepath.Join(dir, "preflight", FileName)
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte("split: 40\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if p, w := Load(); p.Path != file || p.Split != 40 || len(w) > 0 {
		t.Fatalf("%+v %q", p, w)
	}
}

// The template works for any editor: the file is quoted for the shell,
// the position filled in, and a template without {file} gets it last.
func TestEditorCommand(t *testing.T) {
	for _, tc := range []struct {
		tmpl, file string
		line, col  int
		want       string
	}{
		{"myedit --line {line} {file}", "/repo/src/a.ts", 12, 3, "myedit --line 12 /repo/src/a.ts"},
		{"code -g {file}:{line}:{column}", "/repo/it's here.ts", 5, 9, `code -g '/repo/it'\''s here.ts':5:9`},
		{"hx", "/repo/a.go", 0, 0, "hx /repo/a.go"},
		{"nvim +{line}", "/repo/$(rm -rf).go", 7, 0, "nvim +7 '/repo/$(rm -rf).go'"},
	} {
		got, ok := Prefs{Editor: tc.tmpl}.EditorCommand(tc.file, tc.line, tc.col)
		if !ok || got != tc.want {
			t.Errorf("%q: %q, want %q", tc.tmpl, got, tc.want)
		}
	}
	if _, ok := (Prefs{}).EditorCommand("/a", 1, 1); ok {
		t.Error("no template must mean $EDITOR")
	}
}
