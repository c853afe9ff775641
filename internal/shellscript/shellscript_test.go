package shellscript

import (
	"os"
	"path/filepath"
	"testing"
)

func TestShellShebang(t *testing.T) {
	for head, want := range map[string]bool{
		"#!/bin/sh\necho hi":                 true,
		"#!/bin/bash -e\n":                   true,
		"#! /usr/bin/env bash\n":             true,
		"#!/usr/bin/env -S bash -eu\n":       true,
		"#!/bin/dash":                        true,
		"#!/usr/bin/ksh\n":                   true,
		"#!/usr/bin/env python3\nprint(1)\n": false,
		"#!/bin/zsh\n":                       false, // ShellCheck does not check zsh
		"#!/usr/bin/env\n":                   false,
		"#!\n":                               false,
		"echo no shebang\n#!/bin/sh\n":       false,
		"":                                   false,
		"#!/usr/bin/env node\n#!/bin/sh":     false,
		"\xef\xbb\xbf#!/bin/sh\n":            false, // the kernel does not skip a BOM either
	} {
		if got := shellShebang(head); got != want {
			t.Errorf("shellShebang(%q) = %v, want %v", head, got, want)
		}
	}
}

func TestIsReadsOnlyExtensionlessRegularFiles(t *testing.T) {
	root := t.TempDir()
	write := func(rel, text string) {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("bin/deploy", "#!/usr/bin/env bash\nset -e\n")
	write("tools/gen", "#!/usr/bin/env python3\n")
	write("gradlew", "#!/bin/sh\n")
	write("notes.txt", "#!/bin/sh\n")
	write("ci/run.sh", "echo no shebang needed\n")
	outside := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(outside, []byte("#!/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "bin", "link")); err != nil {
		t.Fatal(err)
	}
	for rel, want := range map[string]bool{
		"bin/deploy": true, "ci/run.sh": true,
		"tools/gen": false, "gradlew": false, "notes.txt": false, "bin/link": false, "missing": false,
	} {
		if got := Is(root, rel); got != want {
			t.Errorf("Is(%q) = %v, want %v", rel, got, want)
		}
	}
}

func FuzzShellShebang(f *testing.F) {
	for _, s := range []string{"#!/bin/sh\n", "#!/usr/bin/env -S bash", "#!", "#!env -", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, head string) {
		if shellShebang(head) && len(head) < 4 {
			t.Fatalf("%q cannot name a shell", head)
		}
	})
}

// A file with ERB or Jinja tags is a template another tool renders into a
// script; braces of the shell and of Go templates in a script are not.
func TestTemplate(t *testing.T) {
	root := t.TempDir()
	for body, want := range map[string]bool{
		"set -u\nunset <%= UNSETS.join(' ') %>\n":                               true,
		"<%- if shell == :zsh -%>\nsetopt no_beep\n<%- end -%>\n":               true,
		"{% if ansible_os_family == 'Debian' %}\napt-get update\n{% endif %}\n": true,
		"echo ${HOME%/} ${x%%.*}\n":                                             false,
		"docker inspect -f '{{.State.Running}}' app\n":                          false,
		"awk '{ printf \"%s\", $1 }'\n":                                         false,
	} {
		file := filepath.Join(root, "t.sh")
		if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := Template(root, "t.sh"); got != want {
			t.Errorf("%q: template %v, want %v", body, got, want)
		}
	}
}
