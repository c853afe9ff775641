package workflows

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/preflight-dev/preflight/internal/yamlpos"
)

// golangciConfigs are the files golangci-lint reads its settings from when
// no -c names one, looked for in the working directory and the directories
// above it.
var golangciConfigs = []string{".golangci.yml", ".golangci.yaml", ".golangci.json"}

// golangciSecurity records the security stage of a golangci-lint run that
// enables gosec, which is a security scanner whichever program runs it:
// on the command line (-E gosec, --enable-all) or in the configuration
// the run reads (linters.enable, enable-all, v2's default: all). The lint
// stage the tool's name shows is recorded as for any command.
func (f *follower) golangciSecurity(dir string, args []string) {
	config, noConfig := "", false
	var cli golangciLinters
	for i := 0; i < len(args); i++ {
		name, value, inline := strings.Cut(args[i], "=")
		if !inline && i+1 < len(args) && golangciValueFlags[name] {
			i++
			value = args[i]
		}
		switch name {
		case "-c", "--config":
			config = path.Clean(path.Join(dir, value))
		case "--no-config":
			noConfig = true
		default:
			cli.flag(name, value)
		}
	}
	if !noConfig && config == "" {
		for d := dir; config == ""; d = path.Dir(d) {
			for _, name := range golangciConfigs {
				if _, err := f.tree.ReadFile(path.Join(d, name)); err == nil {
					config = path.Join(d, name)
					break
				}
			}
			if d == "." || d == "/" {
				break
			}
		}
	}
	var set golangciLinters
	where := "its command line"
	if !noConfig && config != "" {
		if data, err := f.tree.ReadFile(config); err == nil {
			if docs, err := yamlpos.Parse(data); err == nil && len(docs) > 0 {
				var line int
				set, line = readGolangciConfig(docs[0])
				where = config
				if line > 0 {
					where = fmt.Sprintf("%s:%d", config, line)
				}
			}
		}
	}
	set.merge(cli)
	if cli.decides() {
		where = "its command line"
	}
	if set.enables("gosec") {
		f.p.see(security, Evidence{f.file, f.line, fmt.Sprintf("%s runs golangci-lint with gosec enabled (%s)", f.text, where)})
	}
}

// golangciValueFlags are golangci-lint's options that take a value as the
// next word.
var golangciValueFlags = map[string]bool{
	"-c": true, "--config": true, "-E": true, "--enable": true, "-D": true, "--disable": true,
	"--enable-only": true, "-p": true, "--presets": true, "--default": true, "--timeout": true,
	"--out-format": true, "--build-tags": true, "-j": true, "--concurrency": true,
	"--new-from-rev": true, "--new-from-patch": true, "--skip-dirs": true, "--skip-files": true,
	"--exclude": true, "-e": true, "--max-issues-per-linter": true, "--max-same-issues": true,
	"--path-prefix": true, "--go": true, "--modules-download-mode": true,
}

// golangciLinters is what one source (the configuration or the command
// line) says about which linters run.
type golangciLinters struct {
	all      bool     // enable-all, default: all
	none     bool     // disable-all, default: none, --enable-only
	bugs     bool     // v1's "bugs" preset, which holds gosec
	enabled  []string // enable, -E
	disabled []string // disable, -D
}

func (l *golangciLinters) flag(name, value string) {
	list := func() []string { return strings.Split(value, ",") }
	switch name {
	case "-E", "--enable":
		l.enabled = append(l.enabled, list()...)
	case "-D", "--disable":
		l.disabled = append(l.disabled, list()...)
	case "--enable-only":
		l.none, l.all, l.enabled = true, false, list()
	case "--enable-all":
		l.all = true
	case "--disable-all":
		l.none = true
	case "-p", "--presets":
		l.bugs = l.bugs || slices.Contains(list(), "bugs")
	case "--default":
		l.all, l.none = value == "all", value == "none"
	}
}

// decides is true when the command line alone settles gosec.
func (l golangciLinters) decides() bool {
	return l.all || l.none || len(l.enabled) > 0 || len(l.disabled) > 0 || l.bugs
}

// merge lays the command line over the configuration, as golangci-lint
// does.
func (l *golangciLinters) merge(cli golangciLinters) {
	if cli.all || cli.none {
		l.all, l.none, l.bugs, l.enabled, l.disabled = cli.all, cli.none, false, nil, nil
	}
	l.bugs = l.bugs || cli.bugs
	l.enabled = append(l.enabled, cli.enabled...)
	l.disabled = append(l.disabled, cli.disabled...)
}

func (l golangciLinters) enables(linter string) bool {
	if slices.Contains(l.disabled, linter) {
		return false
	}
	return slices.Contains(l.enabled, linter) || l.all || l.bugs
}

// readGolangciConfig reads the linters section of a golangci-lint
// configuration, version 1 or 2, and the line it starts on.
func readGolangciConfig(doc *yamlpos.Node) (golangciLinters, int) {
	at, _ := doc.Pair("linters")
	linters := at.Value
	var l golangciLinters
	texts := func(key string) []string {
		var out []string
		for _, n := range linters.Get(key).List() {
			out = append(out, n.Text())
		}
		return out
	}
	l.all = linters.Get("enable-all").True() || linters.Get("default").Text() == "all"
	l.none = linters.Get("disable-all").True() || linters.Get("default").Text() == "none"
	l.bugs = slices.Contains(texts("presets"), "bugs")
	l.enabled, l.disabled = texts("enable"), texts("disable")
	return l, at.Line
}
