package dockerfile

import (
	"path"
	"strings"
)

// command is one simple shell command of a RUN script: its words, and
// whether its output is piped into the next command.
type command struct {
	words []string
	pipe  bool // "cmd | next"
}

// splitScript cuts a shell script into simple commands at the control
// operators (| || && ; & and newlines), honouring quotes, backslash
// escapes, comments and $( … ) substitutions. It is not a full shell
// parser: it is what the RUN rules need to find a program and its
// arguments without being fooled by a "|" inside quotes.
func splitScript(script string) []command {
	var (
		out   []command
		words []string
		word  strings.Builder
		inW   bool // a word has started (it may be empty: "")
	)
	endWord := func() {
		if inW {
			words = append(words, word.String())
			word.Reset()
			inW = false
		}
	}
	endCmd := func(pipe bool) {
		endWord()
		if len(words) > 0 {
			out = append(out, command{words: words, pipe: pipe})
		}
		words = nil
	}
	rs := []rune(script)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case c == '\\' && i+1 < len(rs):
			i++
			if rs[i] != '\n' { // an escaped newline continues the line
				word.WriteRune(rs[i])
				inW = true
			}
		case c == '\'':
			inW = true
			for i++; i < len(rs) && rs[i] != '\''; i++ {
				word.WriteRune(rs[i])
			}
		case c == '"':
			inW = true
			for i++; i < len(rs) && rs[i] != '"'; i++ {
				if rs[i] == '\\' && i+1 < len(rs) && strings.ContainsRune("\"\\$`", rs[i+1]) {
					i++
				}
				word.WriteRune(rs[i])
			}
		case c == '$' && i+1 < len(rs) && rs[i+1] == '(':
			// Keep a command substitution inside its word, as written, so
			// `sh -c "$(curl …)"` stays recognisable.
			inW = true
			depth := 0
			for ; i < len(rs); i++ {
				word.WriteRune(rs[i])
				if rs[i] == '(' {
					depth++
				} else if rs[i] == ')' {
					depth--
					if depth == 0 {
						break
					}
				}
			}
		case c == '$' && i+1 < len(rs) && rs[i+1] == '{':
			inW = true
			for ; i < len(rs); i++ {
				word.WriteRune(rs[i])
				if rs[i] == '}' {
					break
				}
			}
		case c == '#' && !inW:
			for i < len(rs) && rs[i] != '\n' {
				i++
			}
			i-- // let the newline end the command
		case c == ' ' || c == '\t' || c == '\r':
			endWord()
		case c == '\n' || c == ';':
			endCmd(false)
		case c == '|':
			if i+1 < len(rs) && rs[i+1] == '|' {
				i++
				endCmd(false)
			} else {
				endCmd(true)
			}
		case c == '&':
			if i+1 < len(rs) && rs[i+1] == '&' {
				i++
			}
			endCmd(false)
		case c == ')' || (c == '(' || c == '{' || c == '}') && !inW:
			// Subshells and groups: the commands inside still count.
			endWord()
			if c == ')' || c == '}' {
				endCmd(false)
			}
		default:
			word.WriteRune(c)
			inW = true
		}
	}
	endCmd(false)
	return out
}

// program returns the command's program and arguments with leading
// variable assignments ("DEBIAN_FRONTEND=noninteractive apt-get …") and
// wrappers that run another program (sudo, env, xargs, time, nohup, exec)
// removed, and the program reduced to its base name ("/bin/sh" → "sh").
// sudo reports whether sudo was one of the wrappers.
func (c command) program() (prog string, args []string, sudo bool) {
	w := c.words
	for len(w) > 0 {
		first := w[0]
		switch {
		case isAssignment(first):
			w = w[1:]
		case first == "sudo" || first == "env" || first == "exec" || first == "nohup" || first == "time" || first == "command":
			if first == "sudo" {
				sudo = true
			}
			w = w[1:]
			for len(w) > 0 && strings.HasPrefix(w[0], "-") { // wrapper options
				w = w[1:]
			}
		default:
			return path.Base(first), w[1:], sudo
		}
	}
	return "", nil, sudo
}

func isAssignment(w string) bool {
	i := strings.IndexByte(w, '=')
	if i <= 0 {
		return false
	}
	for j, r := range w[:i] {
		if !(r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || j > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

var shells = map[string]bool{"sh": true, "bash": true, "dash": true, "ash": true, "zsh": true, "ksh": true}

// scriptFacts is what the RUN rules look for in one script.
type scriptFacts struct {
	sudo            bool
	pipeToShell     bool
	aptInstall      bool // apt-get/apt install
	aptRecommends   bool // an install without --no-install-recommends
	aptListsRemoved bool // rm … /var/lib/apt/lists
}

func examineScript(script string) scriptFacts {
	var f scriptFacts
	cmds := splitScript(script)
	downloading := false // an earlier command of the current pipeline is curl/wget
	for _, c := range cmds {
		prog, args, sudo := c.program()
		f.sudo = f.sudo || sudo || prog == "sudo"
		if shells[prog] {
			if downloading {
				f.pipeToShell = true
			}
			for _, a := range args {
				if fetchesScript(a) {
					f.pipeToShell = true
				}
			}
		}
		if prog == "curl" || prog == "wget" {
			downloading = downloading || c.pipe
		}
		if !c.pipe {
			downloading = false
		}
		switch prog {
		case "apt-get", "apt":
			if subcommand(args) == "install" {
				f.aptInstall = true
				if !noRecommends(args) {
					f.aptRecommends = true
				}
			}
		case "rm":
			for _, a := range args {
				if strings.HasPrefix(a, "/var/lib/apt/lists") {
					f.aptListsRemoved = true
				}
			}
		}
	}
	return f
}

// fetchesScript recognises a downloaded script handed to a shell as an
// argument: sh -c "$(curl …)", bash <(wget -O- …).
func fetchesScript(arg string) bool {
	for _, p := range []string{"$(curl", "$(wget", "<(curl", "<(wget", "`curl", "`wget"} {
		if strings.Contains(arg, p) {
			return true
		}
	}
	return false
}

// subcommand is the first argument that is not an option: apt-get's verb.
// Options with a separate value (-o X, -t X, -c X) skip that value.
func subcommand(args []string) string {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-o" || a == "-t" || a == "-c" || a == "--option" || a == "--target-release" || a == "--config-file":
			i++
		case strings.HasPrefix(a, "-"):
		default:
			return a
		}
	}
	return ""
}

func noRecommends(args []string) bool {
	for _, a := range args {
		if a == "--no-install-recommends" || strings.Contains(a, "Install-Recommends=false") ||
			strings.Contains(a, "Install-Recommends=0") {
			return true
		}
	}
	return false
}
