// Package unchecked names the projects of the repository that preflight
// has no collector for: a Gradle service beside the Go ones, a Python
// worker, a .NET API. Each is one collector that is always skipped, with
// what it is and how to check it: the score does not count it, and every
// report lists it, so a report never reads as complete while part of the
// code went unchecked.
package unchecked

import (
	"context"
	"path"
	"sort"
	"strings"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/model"
)

const (
	// Kind is the collector kind; ids are "unchecked:<project>".
	Kind   = model.KindUnchecked
	Domain = "build"
)

// ecosystem is a kind of project preflight does not check, known by the
// file at its root.
type ecosystem struct {
	name  string // what a user calls it
	match func(base string) bool
}

func named(names ...string) func(string) bool {
	return func(base string) bool {
		for _, n := range names {
			if base == n {
				return true
			}
		}
		return false
	}
}

// ecosystems in the order a directory with several markers is named by.
var ecosystems = []ecosystem{
	{"Maven (Java)", named("pom.xml")},
	{"Gradle (Java/Kotlin)", named("build.gradle", "build.gradle.kts")},
	{".NET", func(b string) bool { return strings.HasSuffix(b, ".csproj") || strings.HasSuffix(b, ".fsproj") }},
	{"Python", named("pyproject.toml", "setup.py", "requirements.txt", "Pipfile")},
	{"Rust (Cargo)", named("Cargo.toml")},
	{"Ruby (Bundler)", named("Gemfile")},
	{"PHP (Composer)", named("composer.json")},
	{"Elixir (Mix)", named("mix.exs")},
	{"Swift (SwiftPM)", named("Package.swift")},
}

// project is a directory that is a project of an ecosystem, and the file
// that makes it one.
type project struct{ eco, marker string }

// Marker reports whether a file of this base name makes a directory a
// project preflight does not check.
func Marker(base string) bool {
	for _, e := range ecosystems {
		if e.match(base) {
			return true
		}
	}
	return false
}

// Detect returns one collector per project root of an ecosystem preflight
// does not check; a project inside another of the same ecosystem (a Cargo
// workspace member, a Gradle subproject) is part of it.
func Detect(root string, files []string) []collectors.Collector {
	found := map[string]project{} // dir → the first ecosystem, by rank
	rank := map[string]int{}
	for _, f := range files {
		if collectors.NotTheProjects(f) {
			continue
		}
		for i, e := range ecosystems {
			if !e.match(path.Base(f)) {
				continue
			}
			d := path.Dir(f)
			if r, seen := rank[d]; !seen || i < r {
				found[d], rank[d] = project{e.name, f}, i
			}
			break
		}
	}
	var dirs []string
	for d, p := range found {
		if !insideSame(d, p.eco, found) {
			dirs = append(dirs, d)
		}
	}
	sort.Strings(dirs)
	names := collectors.TargetNames(dirs)
	out := make([]collectors.Collector, 0, len(dirs))
	for _, d := range dirs {
		p := found[d]
		out = append(out, &Collector{Base: collectors.NewBase(Kind+":"+names[d], Kind, Domain), eco: p.eco, marker: p.marker})
	}
	return out
}

// insideSame reports whether a directory above d is a project of the same
// ecosystem.
func insideSame(d, eco string, found map[string]project) bool {
	for d != "." && d != "/" {
		d = path.Dir(d)
		if p, ok := found[d]; ok && p.eco == eco {
			return true
		}
	}
	return false
}

// Collector is one unchecked project.
type Collector struct {
	collectors.Base
	eco    string
	marker string // the file that makes it a project, repo-relative
}

func (c *Collector) Cost() collectors.Cost { return collectors.CostFiles }
func (c *Collector) Inputs() []string      { return []string{collectors.EscapeGlob(c.marker)} }

// Run measures nothing: it says what was not checked, and how it could be.
func (c *Collector) Run(context.Context, collectors.Request) model.Result {
	r := c.Result()
	r.Status = model.StatusSkipped
	r.Error = model.UncheckedPrefix + "a " + c.eco + " project (" + c.marker + "), which preflight has no collector for"
	r.Hint = "run its build and tests from preflight.yaml (collectors: with command:), or import their reports (JUnit XML, SARIF, coverage)"
	return r
}
