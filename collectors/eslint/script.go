package eslint

import (
	"path"
	"regexp"
	"strings"
)

// valueFlags are the ESLint options that take their value as the next
// word: that word is not a path to lint.
var valueFlags = map[string]bool{
	"-c": true, "--config": true, "--ext": true, "-f": true, "--format": true,
	"-o": true, "--output-file": true, "--ignore-path": true, "--ignore-pattern": true,
	"--rule": true, "--plugin": true, "--parser": true, "--parser-options": true,
	"--resolve-plugins-relative-to": true, "--rulesdir": true, "--max-warnings": true,
	"--cache-location": true, "--cache-strategy": true, "--env": true, "--global": true,
	"--report-unused-disable-directives-severity": true, "--stdin-filename": true,
	"--flag": true, "--concurrency": true, "--suppressions-location": true,
}

// commandSeparator splits a script into its commands.
var commandSeparator = regexp.MustCompile(`&&|\|\||[;|&]`)

// scriptArgs returns what the package's lint script hands to ESLint that
// decides which files are linted: its paths ("eslint ./src ./tests" lints
// those, not the whole package) and its --ext (which files of a directory
// a legacy config lints). Nil when the script names no path or cannot be
// read plainly (variables, substitutions, stdin): the package is then
// linted whole.
func scriptArgs(script string) []string {
	if strings.ContainsAny(script, "$`") {
		return nil
	}
	for _, command := range commandSeparator.Split(script, -1) {
		words := strings.Fields(command)
		for i, w := range words {
			if w != "eslint" && path.Base(w) != "eslint" {
				continue
			}
			return positional(words[i+1:])
		}
	}
	return nil
}

func positional(args []string) []string {
	var paths, ext []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--stdin":
			return nil
		case strings.HasPrefix(a, "--ext="):
			ext = append(ext, a)
		case a == "--ext" && i+1 < len(args):
			ext = append(ext, a, args[i+1])
			i++
		case strings.HasPrefix(a, "-"):
			if !strings.Contains(a, "=") && valueFlags[a] {
				i++
			}
		default:
			if p := strings.Trim(a, `'"`); p != "" {
				paths = append(paths, p)
			}
		}
	}
	if len(paths) == 0 {
		return nil
	}
	return append(ext, paths...)
}
