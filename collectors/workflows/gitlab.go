package workflows

import (
	"fmt"
	"sort"
	"strings"

	"github.com/preflight-dev/preflight/collectors/filerules"
	"github.com/preflight-dev/preflight/internal/shellwords"
	"github.com/preflight-dev/preflight/internal/yamlpos"
)

// gitlabKeywords are the top-level keys of .gitlab-ci.yml that are not jobs.
var gitlabKeywords = map[string]bool{
	"default": true, "include": true, "stages": true, "variables": true, "workflow": true,
	"image": true, "services": true, "cache": true, "before_script": true, "after_script": true,
	"spec": true, "types": true,
}

// maxIncludes bounds the include tree, as GitLab itself does.
const maxIncludes = 150

// Loader returns the files a local include names (a path or a glob,
// repo-relative, without the leading /). No match is an empty list.
type Loader func(pattern string) ([]Source, error)

// gitlab holds every file of a pipeline: top-level definitions by name,
// in precedence order (the main file first, as its keys override the
// included ones).
type gitlab struct {
	p        *Pipeline
	defs     map[string][]definition
	order    []string // definition names in first-seen order
	included int
	loaded   map[string]bool
	tree     Tree // the repository, to follow what the jobs run; nil not to
}

type definition struct {
	file string
	node *yamlpos.Node
}

// AnalyzeGitLab reads a .gitlab-ci.yml and the local files it includes.
// Templates and components from GitLab's catalogue are recognised by
// name; remote and other projects' files are noted, not fetched.
func AnalyzeGitLab(main Source, load Loader) *Pipeline { return AnalyzeGitLabIn(main, load, nil) }

// AnalyzeGitLabIn is AnalyzeGitLab that also follows the package scripts,
// shell scripts and make targets the jobs run in tree.
func AnalyzeGitLabIn(main Source, load Loader, tree Tree) *Pipeline {
	g := &gitlab{p: &Pipeline{Stages: map[Stage]Evidence{}, Whole: true}, defs: map[string][]definition{}, loaded: map[string]bool{}, tree: tree}
	var included []Source
	root := g.read(main)
	if root != nil {
		included = g.includes(main.Path, root, load, 0)
		g.define(main.Path, root)
	}
	for _, src := range included {
		if r := g.read(src); r != nil {
			g.define(src.Path, r)
		}
	}
	g.jobs()
	return g.p
}

// read parses one file and returns its configuration mapping.
func (g *gitlab) read(src Source) *yamlpos.Node {
	g.p.Files = append(g.p.Files, src.Path)
	g.loaded[src.Path] = true
	docs, err := yamlpos.Parse(src.Data)
	if err != nil {
		g.p.parseError(src.Path, err)
		return nil
	}
	var config []*yamlpos.Node
	for _, d := range docs {
		if d.Empty() {
			continue
		}
		// A component or a file with inputs starts with a spec: document.
		if d.Kind == yamlpos.Map && len(d.Pairs) == 1 && d.Pairs[0].Key == "spec" && len(docs) > 1 {
			continue
		}
		config = append(config, d)
	}
	switch {
	case len(config) == 0:
		return &yamlpos.Node{Kind: yamlpos.Map} // an empty file is an empty configuration
	case len(config) > 1:
		g.p.fail(src.Path, config[1].Line, config[1].Column, "a CI configuration holds one YAML document (after an optional spec: header); this one has more")
		return nil
	case config[0].Kind != yamlpos.Map:
		g.p.fail(src.Path, config[0].Line, config[0].Column, "a CI configuration is a mapping of jobs and keywords")
		return nil
	}
	return config[0]
}

// includes follows include: entries. Local files are loaded (recursively);
// GitLab templates and components say which stages they add.
func (g *gitlab) includes(file string, root *yamlpos.Node, load Loader, depth int) []Source {
	var out []Source
	for _, inc := range root.Get("include").List() {
		switch inc.Kind {
		case yamlpos.Scalar:
			v := inc.Value
			if strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://") {
				g.elsewhere("remote include", v)
				continue
			}
			out = append(out, g.local(file, inc, v, load, depth)...)
		case yamlpos.Map:
			switch {
			case inc.Get("local").Text() != "":
				out = append(out, g.local(file, inc.Get("local"), inc.Get("local").Text(), load, depth)...)
			case inc.Get("template").Text() != "":
				t := inc.Get("template")
				g.p.see(catalogueStages(t.Value), Evidence{file, t.Line, "include template: " + t.Value})
			case inc.Get("component").Text() != "":
				c := inc.Get("component")
				g.p.see(catalogueStages(c.Value), Evidence{file, c.Line, "include component: " + c.Value})
			case inc.Get("remote").Text() != "":
				g.elsewhere("remote include", inc.Get("remote").Text())
			case inc.Get("project").Text() != "":
				g.elsewhere("include from project", inc.Get("project").Text())
			}
		}
	}
	return out
}

func (g *gitlab) local(file string, at *yamlpos.Node, pattern string, load Loader, depth int) []Source {
	pattern = strings.TrimPrefix(pattern, "/")
	if load == nil {
		return nil
	}
	if depth > 10 || g.included >= maxIncludes {
		g.p.fail(file, at.Line, at.Column, "too many nested includes")
		return nil
	}
	srcs, err := load(pattern)
	if err != nil {
		g.p.fail(file, at.Line, at.Column, "included file %s: %v", pattern, err)
		return nil
	}
	if len(srcs) == 0 {
		g.p.fail(file, at.Line, at.Column, "included file %s does not exist", pattern)
		return nil
	}
	var out []Source
	for _, src := range srcs {
		if g.loaded[src.Path] {
			continue
		}
		g.loaded[src.Path] = true
		g.included++
		out = append(out, src)
		// Nested includes are parsed here only to follow them; the file
		// itself is read again by the caller.
		if docs, err := yamlpos.Parse(src.Data); err == nil {
			for _, d := range docs {
				if d != nil && d.Kind == yamlpos.Map && d.Get("include") != nil {
					out = append(out, g.includes(src.Path, d, load, depth+1)...)
				}
			}
		}
	}
	return out
}

// elsewhere notes what the configuration takes from another repository.
func (g *gitlab) elsewhere(what, ref string) {
	g.p.Notes = append(g.p.Notes, what+" "+ref+" is not followed")
	g.p.Elsewhere = append(g.p.Elsewhere, ref)
}

func (g *gitlab) define(file string, root *yamlpos.Node) {
	for _, k := range root.Pairs {
		name := k.Key
		if _, ok := g.defs[name]; !ok {
			g.order = append(g.order, name)
		}
		g.defs[name] = append(g.defs[name], definition{file: file, node: k.Value})
	}
}

// lookup finds key of a job or template, through its own definitions and
// then what it extends (the last extended template wins, as in GitLab).
func (g *gitlab) lookup(name, key string, depth int) (*yamlpos.Node, string) {
	if depth > 10 {
		return nil, ""
	}
	for _, d := range g.defs[name] {
		if v := d.node.Get(key); v != nil {
			return v, d.file
		}
	}
	for _, d := range g.defs[name] {
		ext := d.node.Get("extends").List()
		for i := len(ext) - 1; i >= 0; i-- {
			if v, f := g.lookup(ext[i].Text(), key, depth+1); v != nil {
				return v, f
			}
		}
		if len(ext) > 0 {
			break
		}
	}
	return nil, ""
}

// reference resolves !reference [.job, key, key …].
func (g *gitlab) reference(ref *yamlpos.Node, depth int) (*yamlpos.Node, string) {
	if ref.Kind != yamlpos.Seq || len(ref.Items) < 2 {
		return nil, ""
	}
	n, file := g.lookup(ref.Items[0].Text(), ref.Items[1].Text(), depth+1)
	for _, k := range ref.Items[2:] {
		n = n.Get(k.Text())
	}
	return n, file
}

type gitlabCommand struct {
	file string
	node *yamlpos.Node
}

// commands flattens a script: entry, following !reference tags.
func (g *gitlab) commands(n *yamlpos.Node, file string, depth int, out *[]gitlabCommand) {
	if n == nil || depth > 10 {
		return
	}
	if n.Tag == "!reference" {
		target, f := g.reference(n, depth)
		g.commands(target, f, depth+1, out)
		return
	}
	switch n.Kind {
	case yamlpos.Scalar:
		*out = append(*out, gitlabCommand{file, n})
	case yamlpos.Seq:
		for _, item := range n.Items {
			g.commands(item, file, depth+1, out)
		}
	}
}

// reportStages: the artifacts:reports: kinds that only a stage of that
// kind produces (a junit report comes from tests).
var reportStages = map[string]Stages{
	"junit": test, "coverage_report": test,
	"sast": security, "secret_detection": security, "dependency_scanning": security,
	"container_scanning": security, "dast": security, "api_fuzzing": security, "coverage_fuzzing": security,
	"cyclonedx": none, "codequality": lint,
}

func (g *gitlab) jobs() {
	defaults := definition{}
	if d := g.defs["default"]; len(d) > 0 {
		defaults = d[0]
	}
	for _, name := range g.order {
		if gitlabKeywords[name] || strings.HasPrefix(name, ".") {
			continue
		}
		def := g.defs[name][0]
		if def.node.Kind != yamlpos.Map {
			continue
		}
		for _, key := range []string{"before_script", "script", "after_script"} {
			script, file := g.lookup(name, key, 0)
			if script == nil && key != "script" && defaults.node != nil {
				script, file = defaults.node.Get(key), defaults.file
			}
			var cmds []gitlabCommand
			g.commands(script, file, 0, &cmds)
			for _, c := range cmds {
				for _, m := range CommandStages(c.node.Value) {
					g.p.see(m.Stages, Evidence{c.file, scriptLine(c.node, m.Line), filerules.Clip(m.Command, 100)})
				}
				g.follow(c)
			}
		}
		if env, file := g.lookup(name, "environment", 0); env != nil && env.Kind != yamlpos.Null {
			envName := env.Text()
			if env.Kind == yamlpos.Map {
				envName = env.Get("name").Text()
			}
			g.p.see(deploy, Evidence{file, env.Line, fmt.Sprintf("job %s deploys to environment %s", name, envName)})
		}
		if name == "pages" {
			g.p.see(deploy, Evidence{def.file, def.node.Line, "job pages publishes GitLab Pages"})
		}
		if arts, file := g.lookup(name, "artifacts", 0); arts != nil {
			reports := arts.Get("reports")
			if reports != nil && reports.Kind == yamlpos.Map {
				for _, k := range sortedKeys(reports) {
					g.p.see(reportStages[k.Key], Evidence{file, k.Line, fmt.Sprintf("job %s produces a %s report", name, k.Key)})
				}
			}
		}
	}
}

func sortedKeys(m *yamlpos.Node) []yamlpos.Pair {
	keys := append([]yamlpos.Pair(nil), m.Pairs...)
	sort.SliceStable(keys, func(i, j int) bool { return keys[i].Line < keys[j].Line })
	return keys
}

// catalogueStages names the stages GitLab's own templates and components
// add: Security/SAST.gitlab-ci.yml, components/secret-detection/… .
func catalogueStages(name string) Stages {
	l := strings.ToLower(name)
	var set Stages
	for _, s := range []string{"sast", "dast", "secret-detection", "dependency-scanning", "container-scanning", "fuzzing", "secure"} {
		if strings.Contains(l, s) {
			set |= security
		}
	}
	if strings.Contains(l, "code-quality") {
		set |= lint
	}
	switch {
	case strings.Contains(l, "auto-devops"):
		set |= build | container | test | security | deploy | lint
	case strings.HasPrefix(l, "jobs/build"):
		set |= container
	case strings.HasPrefix(l, "jobs/test"):
		set |= test
	case strings.HasPrefix(l, "jobs/deploy"):
		set |= deploy
	}
	return set
}

// follow records the stages of what a script line runs of the
// repository's own (jobs start at the repository root), up to a cd.
func (g *gitlab) follow(c gitlabCommand) {
	if g.tree == nil {
		return
	}
	for _, cmd := range shellwords.Commands(c.node.Value) {
		if _, ok := cmd.Cd(); ok {
			return
		}
		if words := withoutAssignments(cmd.Values()); len(words) > 0 {
			newFollower(g.p, g.tree, c.file, filerules.Clip(cmd.Text, 80), scriptLine(c.node, cmd.Line)).command(".", words, 0)
		}
	}
}
