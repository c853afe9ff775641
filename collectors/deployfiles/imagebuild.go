package deployfiles

import (
	"cmp"
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/preflight-dev/preflight/internal/yamlpos"
)

// ImageBuild is one image build command of the project's: its Dockerfile
// and context as written (relative to the repository root, where scripts
// and CI jobs run them), its tags as written, and where it is.
type ImageBuild struct {
	Dockerfile string // -f; "" for the context's Dockerfile
	Context    string
	Tags       []string
	At         string // file:line of the command
}

// buildLine is a line that builds an image.
var buildLine = regexp.MustCompile(`\b(?:docker|podman)(?:[ \t]+(?:buildx|image))?[ \t]+build\b`)

// buildValueFlags are the options of docker build that take the next
// word as their value.
var buildValueFlags = map[string]bool{
	"-f": true, "--file": true, "-t": true, "--tag": true, "--build-arg": true, "--target": true,
	"--platform": true, "--label": true, "--cache-from": true, "--cache-to": true, "-o": true,
	"--output": true, "--secret": true, "--ssh": true, "--network": true, "--progress": true,
	"--iidfile": true, "--metadata-file": true, "--builder": true, "--add-host": true,
	"--build-context": true, "--annotation": true, "--attest": true, "--shm-size": true, "-m": true,
	"--memory": true, "--ulimit": true, "--cgroup-parent": true, "--isolation": true,
}

// ImageBuilds reads the image builds that start on line i of a file's
// lines (docker build, podman build, docker buildx build), over the lines
// its trailing backslashes continue it with. cut ends a command where the
// file's syntax does (Command, ShellCommand); expand puts in the values of
// variables the caller knows.
func ImageBuilds(lines []string, i int, cut, expand func(string) string) []ImageBuild {
	if !buildLine.MatchString(lines[i]) {
		return nil
	}
	whole := continued(lines, i)
	var out []ImageBuild
	for _, span := range buildLine.FindAllStringIndex(whole, -1) {
		out = append(out, ParseImageBuild(expand(cut(whole[span[1]:]))))
	}
	return out
}

// ParseImageBuild reads a docker build command line after "build".
func ParseImageBuild(rest string) ImageBuild {
	var b ImageBuild
	words := commandWords(rest)
	for i := 0; i < len(words); i++ {
		name, value, inline := strings.Cut(strings.Trim(words[i], `"'`), "=")
		if !strings.HasPrefix(name, "-") {
			if b.Context == "" {
				b.Context = strings.Trim(words[i], `"'`)
			}
			continue
		}
		if !inline && buildValueFlags[name] && i+1 < len(words) {
			i++
			value = strings.Trim(words[i], `"'`)
		}
		switch name {
		case "-f", "--file":
			b.Dockerfile = value
		case "-t", "--tag":
			b.Tags = append(b.Tags, value)
		}
	}
	return b
}

// Local is the build's context and Dockerfile as repo-relative paths,
// false when either is not a directory or file of the repository as
// written (a URL, stdin, a variable, a path outside it).
func (b ImageBuild) Local() (context, dockerfile string, ok bool) {
	inside := func(p string) (string, bool) {
		if p == "" || p == "-" || strings.ContainsAny(p, "$`") || strings.Contains(p, "://") || path.IsAbs(p) {
			return "", false
		}
		p = path.Clean(p)
		return p, p != ".." && !strings.HasPrefix(p, "../")
	}
	context, ok = inside(b.Context)
	if !ok {
		return "", "", false
	}
	if b.Dockerfile == "" {
		return context, path.Join(context, "Dockerfile"), true
	}
	dockerfile, ok = inside(b.Dockerfile)
	return context, dockerfile, ok
}

// commandWords splits a command line at blanks outside quotes, $(…),
// ${…} and backquotes: --build-arg DATE=$(date -u +"%Y") is two words.
func commandWords(s string) []string {
	var words []string
	var quote byte
	depth, start := 0, -1
	for i := 0; i < len(s); i++ {
		c := s[i]
		if quote == 0 && depth == 0 && (c == ' ' || c == '\t') {
			if start >= 0 {
				words = append(words, s[start:i])
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'' || c == '`':
			quote = c
		case c == '$' && i+1 < len(s) && (s[i+1] == '(' || s[i+1] == '{'):
			depth++
			i++
		case (c == ')' || c == '}') && depth > 0:
			depth--
		}
	}
	if start >= 0 {
		words = append(words, s[start:])
	}
	return words
}

// continued is line i with the lines its trailing backslashes continue it
// with.
func continued(lines []string, i int) string {
	line := lines[i]
	for strings.HasSuffix(strings.TrimRight(line, " \t"), "\\") && i+1 < len(lines) {
		i++
		line = strings.TrimSuffix(strings.TrimRight(line, " \t"), "\\") + " " + lines[i]
	}
	return line
}

// Command is the rest of one command: up to the next operator, or the end
// of the string or code span it is written in (a package.json script, a
// Markdown `…`).
func Command(rest string) string { return upTo(rest, "&&", "||", ";", "|", "\"", "`") }

// ShellCommand is Command in a shell script, a Makefile or a CI file,
// where a double quote is quoting (-f "$COMPOSE_FILE"), not the end of
// the command.
func ShellCommand(rest string) string { return upTo(rest, "&&", "||", ";", "|", "`") }

// CommandCut is how commands end in a command file: Command in
// package.json and Markdown, ShellCommand elsewhere.
func CommandCut(file string) func(string) string {
	if base := strings.ToLower(path.Base(file)); base == "package.json" || path.Ext(base) == ".md" {
		return Command
	}
	return ShellCommand
}

// upTo is rest up to the first of stops.
func upTo(rest string, stops ...string) string {
	end := len(rest)
	for _, stop := range stops {
		if i := strings.Index(rest, stop); i >= 0 && i < end {
			end = i
		}
	}
	return rest[:end]
}

// ActionBuilds reads the image builds of a GitHub workflow's
// docker/build-push-action steps: their context (".", the checkout, when
// the step gives none or builds from the Git context) and file, relative
// to the repository root, with the step's line in At. Values that hold
// an expression are left out: they are not paths of this tree as written.
func ActionBuilds(rel string, src []byte) []ImageBuild {
	docs, err := yamlpos.Parse(src)
	if err != nil || len(docs) == 0 {
		return nil
	}
	var out []ImageBuild
	for _, job := range docs[0].Get("jobs").Pairs {
		for _, step := range job.Value.Get("steps").List() {
			uses := step.Get("uses")
			if !strings.HasPrefix(uses.Text(), "docker/build-push-action@") {
				continue
			}
			with := step.Get("with")
			context, file := with.Get("context").Text(), with.Get("file").Text()
			if strings.Contains(context, "${{") || strings.Contains(file, "${{") {
				continue
			}
			switch {
			case strings.HasPrefix(context, "{{defaultContext}}"):
				// The Git context, or a directory of it: {{defaultContext}}:web.
				_, dir, _ := strings.Cut(context, ":")
				context = cmp.Or(dir, ".")
			case context == "" || strings.Contains(context, "://"):
				context = "." // the Git context: the commit's tree, whose root is the checkout's
			}
			out = append(out, ImageBuild{Context: context, Dockerfile: file, At: fmt.Sprintf("%s:%d", rel, uses.Line)})
		}
	}
	return out
}
