package workflows

import (
	"fmt"
	"path"
	"strings"

	"github.com/preflight-dev/preflight/internal/yamlpos"
)

// preCommitConfig is where pre-commit reads its hooks, at the repository
// root unless -c names another file.
const preCommitConfig = ".pre-commit-config.yaml"

// preCommitHooks follows `pre-commit run [HOOK] [-c FILE]` into the hooks
// it runs: a local hook's entry is a command like any script line (make
// test, go test ./..., govulncheck ./...); another repository's hook counts
// by its id (golangci-lint, gitleaks, mypy).
func (f *follower) preCommitHooks(args []string, depth int) {
	sub, rest := firstArg(args, map[string]bool{"-c": true, "--config": true})
	if sub != "run" && sub != "" {
		return
	}
	file := preCommitConfig
	var only string
	for i := 0; i < len(rest); i++ {
		switch a := rest[i]; {
		case (a == "-c" || a == "--config") && i+1 < len(rest):
			i++
			file = path.Clean(rest[i])
		case strings.HasPrefix(a, "--config="):
			file = path.Clean(strings.TrimPrefix(a, "--config="))
		case a == "--hook-stage" || a == "--from-ref" || a == "--to-ref" || a == "--files":
			i++
		case !strings.HasPrefix(a, "-") && only == "":
			only = a
		}
	}
	if f.seen[file] || file == ".." || strings.HasPrefix(file, "../") {
		return
	}
	f.seen[file] = true
	data, err := f.tree.ReadFile(file)
	if err != nil {
		return
	}
	docs, err := yamlpos.Parse(data)
	if err != nil || len(docs) == 0 {
		return
	}
	for _, repo := range docs[0].Get("repos").List() {
		local := repo.Get("repo").Text() == "local" || repo.Get("repo").Text() == "meta"
		for _, hook := range repo.Get("hooks").List() {
			id := hook.Get("id").Text()
			if id == "" || only != "" && id != only {
				continue
			}
			where := fmt.Sprintf("%s:%d, hook %s", file, hook.Get("id").Line, id)
			entry := hook.Get("entry").Text()
			if local && entry != "" {
				for _, a := range hook.Get("args").List() {
					entry += " " + a.Text()
				}
				f.see("", entry, func(CommandMatch) string { return where })
				f.commands(".", entry, depth+1) // pre-commit runs hooks at the root
				continue
			}
			if strings.HasPrefix(id, "golangci-lint") {
				var args []string
				for _, a := range hook.Get("args").List() {
					args = append(args, a.Text())
				}
				f.golangciSecurity(".", args)
			}
			if st := classifyWords([]string{id}, depth+1) | TaskStages(id); st != none {
				f.p.see(st, Evidence{f.file, f.line, fmt.Sprintf("%s runs hook %s (%s)", f.text, id, where)})
			}
		}
	}
}
