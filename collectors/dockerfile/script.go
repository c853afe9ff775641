package dockerfile

import (
	"path"
	"strings"

	"github.com/preflight-dev/preflight/internal/shellwords"
)

// command is one simple shell command of a RUN script: its words, and
// whether its output is piped into the next command.
type command struct {
	words []string
	pipe  bool // "cmd | next"
}

// splitScript cuts a shell script into the simple commands the RUN rules
// look at. Commands inside a substitution are left in their word, as
// written, so `sh -c "$(curl …)"` stays recognisable as one command.
func splitScript(script string) []command {
	var out []command
	for _, c := range shellwords.Commands(script) {
		if !c.Nested {
			out = append(out, command{words: c.Values(), pipe: c.Piped})
		}
	}
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
	aptInstall      bool   // apt-get/apt install
	aptProgram      string // the first that installs: "apt-get" or "apt", as written
	aptRecommends   bool   // an install without --no-install-recommends
	aptListsRemoved bool   // rm … /var/lib/apt/lists
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
				if !f.aptInstall {
					f.aptProgram = prog
				}
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
