package secrets

import (
	"regexp"
	"strings"
)

// Secrets passed as command-line arguments: `--token=…`, `--password …`,
// `"--api-key", "…"` in compose `command:`, Kubernetes `args:`, Dockerfile
// RUN lines, Makefile recipes and CI scripts, and the `-p` of the clients that take a
// password that way (mysql, sshpass …). The flag's name is the key.
var (
	flagEquals = regexp.MustCompile(`(?:^|[\s"'\[,])--([A-Za-z][A-Za-z0-9_-]*)=["']?([^\s"',\]]+)`)
	flagSpace  = regexp.MustCompile(`(?:^|[\s"'\[,])--([A-Za-z][A-Za-z0-9_-]*)["']?(?:[ \t]*,[ \t]*|[ \t]+)["']?([^\s"',\]\-#][^\s"',\]]*)`)
	dashP      = regexp.MustCompile(`\b(?:mysql|mysqldump|mysqladmin|mariadb|mariadb-dump|sshpass)\b[^#\n]*?[\s"',]-p[ \t]*["']?([^\s"',\]\-][^\s"',\]]*)`)
	// A YAML list item that is only a flag: its value is the next item.
	flagItem = regexp.MustCompile(`^\s*-\s+["']?--([A-Za-z][A-Za-z0-9_-]*)["']?\s*$`)
	nextItem = regexp.MustCompile(`^\s*-\s+["']?([^\s"'#][^\s"']*)["']?\s*$`)
)

// argPairs finds the secret-named flags of one line and their values.
func (x *extractor) argPairs(k kind, line string) []pair {
	if k != kindYAML && k != kindDockerfile && k != kindMake {
		return nil
	}
	var out []pair
	if k == kindYAML {
		if x.pendingFlag != "" {
			flag := x.pendingFlag
			x.pendingFlag = ""
			if m := nextItem.FindStringSubmatchIndex(line); m != nil {
				out = append(out, pair{key: flag, value: line[m[2]:m[3]], start: m[2], end: m[3]})
			}
		}
		if m := flagItem.FindStringSubmatch(line); m != nil && IsSecretKey(m[1]) {
			x.pendingFlag = m[1]
			return out
		}
	}
	if !strings.Contains(line, "-") {
		return out
	}
	for _, re := range []*regexp.Regexp{flagEquals, flagSpace} {
		for _, m := range re.FindAllStringSubmatchIndex(line, -1) {
			out = append(out, pair{key: line[m[2]:m[3]], value: line[m[4]:m[5]], start: m[4], end: m[5]})
		}
	}
	for _, m := range dashP.FindAllStringSubmatchIndex(line, -1) {
		out = append(out, pair{key: "password", value: line[m[2]:m[3]], start: m[2], end: m[3]})
	}
	return out
}
