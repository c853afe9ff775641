package golang

import (
	"path/filepath"
	"regexp"
	"strings"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/model"
)

// goCommandError is the error the go command printed before it compiled
// anything, as one message: a "go: " line and the indented lines under it
// ("go: example.com/x@v1 requires\n\tother@v2: missing go.sum entry for
// go.mod file; to add it:\n\tgo mod download other"). "" when there is
// none.
func goCommandError(out string) string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimRight(l, "\r")
		switch {
		case strings.HasPrefix(l, "go: downloading ") || strings.HasPrefix(l, "go: finding "):
		case strings.HasPrefix(l, "go: "):
			if len(lines) > 0 {
				return strings.Join(lines, "\n")
			}
			lines = append(lines, l)
		case len(lines) > 0 && strings.HasPrefix(l, "\t"):
			lines = append(lines, l)
		case len(lines) > 0:
			return strings.Join(lines, "\n")
		}
	}
	return strings.Join(lines, "\n")
}

// machineFaults are the go command errors that say this machine could not
// get what the module needs — no network, no proxy, an older Go — not that
// the module is wrong.
var machineFaults = []struct{ says, hint string }{
	{"dial tcp", hintOffline}, {"no such host", hintOffline}, {"connection refused", hintOffline},
	{"i/o timeout", hintOffline}, {"TLS handshake timeout", hintOffline}, {"proxyconnect", hintOffline},
	{"x509: ", hintOffline}, {"GOPROXY=off", hintOffline}, {"module lookup disabled", hintOffline},
	{"GOFLAGS=-mod=vendor", hintOffline},
	{"requires go >= ", "install the Go version the module asks for (its go line), or let go download it: GOTOOLCHAIN=auto"},
	{"toolchain not available", "install the Go version the module asks for (its toolchain line)"},
}

const hintOffline = "go needs to download the module's dependencies: run once online (go mod download), or set GOPROXY to a proxy this machine can reach"

// machineFault is the hint for a go command error that is the machine's.
func machineFault(msg string) (string, bool) {
	for _, f := range machineFaults {
		if strings.Contains(msg, f.says) {
			return f.hint, true
		}
	}
	return "", false
}

// downloadRefused is a module download the proxy refused or failed to
// serve (403 Forbidden, a 5xx), which go reports at the import that needs
// it: the network in front of this machine, not the module. 404 and 410
// say the version does not exist, which is the module's.
var downloadRefused = regexp.MustCompile(`reading https?://\S+: (?:403|5\d\d)\b`)

// downloadFailure reads findings the go command placed at imports: when
// one says a dependency could not be downloaded here (refused, or no
// network), the reading is unknown, since nothing that imports it could
// be compiled (gofiber/recipes' swagger: 403 from the proxy).
func downloadFailure(fs []model.Finding) (collectors.Reading, bool) {
	for _, f := range fs {
		if !strings.Contains(f.Message, "reading http") {
			continue
		}
		hint, offline := machineFault(f.Message)
		if downloadRefused.MatchString(f.Message) {
			hint, offline = hintRefused, true
		}
		if offline {
			return collectors.Reading{Status: model.StatusUnknown, Error: "go could not download a dependency: " + collectors.Clip(f.Message, 240), Hint: hint}, true
		}
	}
	return collectors.Reading{}, false
}

const hintRefused = "the module proxy refused or failed to serve a dependency: run where it is served (go mod download), or set GOPROXY to a proxy that serves it"

// loadFailure reads a go command error (out holds one, else ok is false):
// unknown when the machine is to blame, else a blocker of rule at the
// module's go.mod, gomod (what such errors are about: its requirements, its
// go.sum), since nothing of the module builds.
func loadFailure(out, rule, gomod string) (collectors.Reading, bool) {
	msg := goCommandError(out)
	if msg == "" {
		return collectors.Reading{}, false
	}
	if hint, mine := machineFault(msg); mine {
		return collectors.Reading{Status: model.StatusUnknown, Error: "go could not load the module: " + msg, Hint: hint}, true
	}
	return collectors.Reading{Findings: []model.Finding{{Severity: model.Blocker, Rule: rule, File: gomod,
		Message: "the go command cannot load the module, so nothing of it builds: " + strings.TrimPrefix(msg, "go: ")}}}, true
}

// goMod is the module's go.mod, repo-relative.
func (m Module) goMod() string { return m.RelFile(filepath.Join(m.Dir, "go.mod")) }

// name is how a user knows the module: its path, else its directory.
func (m Module) name() string {
	if m.Path != "" {
		return m.Path
	}
	return filepath.ToSlash(filepath.Dir(m.goMod()))
}
