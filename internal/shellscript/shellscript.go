// Package shellscript tells which files of a repository are shell scripts:
// by their extension, or, for a file without one, by the shell its first
// line runs.
package shellscript

import (
	"io"
	"path"
	"regexp"
	"strings"

	"github.com/preflight-dev/preflight/internal/repofs"
)

// generated are scripts a build tool writes into the project (the Gradle
// and Maven wrappers): not the project's to fix.
var generated = map[string]bool{"gradlew": true, "mvnw": true}

// Is reports whether the repo-relative file is a shell script: *.sh or
// *.bash, or a file without an extension whose first line runs sh, bash,
// dash or ksh (bin/deploy, .ci/test). Wrappers a build tool generates are
// not counted.
func Is(root, rel string) bool {
	switch path.Ext(rel) {
	case ".sh", ".bash":
		return true
	case "":
		return !generated[path.Base(rel)] && shellShebang(firstBytes(root, rel))
	}
	return false
}

// firstBytes is the start of a file, "" when it cannot be read.
func firstBytes(root, rel string) string { return head(root, rel, 128) }

// head is up to n bytes from the start of a file, "" when it cannot be
// read.
func head(root, rel string, n int) string {
	f, err := repofs.Open(root, rel)
	if err != nil {
		return ""
	}
	defer f.Close()
	buf := make([]byte, n)
	got, _ := io.ReadFull(f, buf)
	return string(buf[:got])
}

// templateTag is an ERB or EJS tag (<%= … %>) or a Jinja or Liquid
// statement ({% if … %}) on one line.
var templateTag = regexp.MustCompile(`<%[=#-]?.*?%>|\{%-?\s*[a-z]+\b.*?%\}`)

// Template reports whether a script is a template that another tool
// renders into one (fzf's test/lib/common.sh, which its Ruby tests fill
// in with ERB): shell cannot parse it as it is, and ShellCheck stops at
// its first tag. Only the first 64 KiB are read.
func Template(root, rel string) bool {
	return templateTag.MatchString(head(root, rel, 64<<10))
}

// shellShebang reports whether a script's first line names sh, bash, dash
// or ksh, directly or through env ("#!/usr/bin/env -S bash -e").
func shellShebang(head string) bool {
	line, ok := strings.CutPrefix(head, "#!")
	if !ok {
		return false
	}
	line, _, _ = strings.Cut(line, "\n")
	words := strings.Fields(line)
	if len(words) > 0 && path.Base(words[0]) == "env" {
		words = words[1:]
		for len(words) > 0 && strings.HasPrefix(words[0], "-") {
			words = words[1:]
		}
	}
	if len(words) == 0 {
		return false
	}
	switch path.Base(words[0]) {
	case "sh", "bash", "dash", "ksh":
		return true
	}
	return false
}
