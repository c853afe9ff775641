package workflows

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/preflight-dev/preflight/internal/safegit"
	"github.com/preflight-dev/preflight/internal/yamlpos"
)

// Branches are the branches a checkout knows: its own and those of its
// remotes, by name (origin/main is main), and the default one.
type Branches struct {
	Default string
	Names   map[string]bool
}

// BranchLister is a Tree that can tell the repository's branches. ok is
// false when they cannot be known well enough to judge a filter: a CI
// clone of one commit, a remote whose default branch is not recorded.
type BranchLister interface {
	Branches() (b Branches, ok bool)
}

// Branches asks git, without the repository's hooks (see safegit).
func (t *repoTree) Branches() (Branches, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := safegit.Command(ctx, t.root, "for-each-ref", "--format=%(refname)", "refs/heads", "refs/remotes").Output()
	if err != nil {
		return Branches{}, false
	}
	b := Branches{Names: map[string]bool{}}
	remotes := false
	for _, ref := range strings.Fields(string(out)) {
		if name, ok := strings.CutPrefix(ref, "refs/heads/"); ok {
			b.Names[name] = true
		} else if rest, ok := strings.CutPrefix(ref, "refs/remotes/"); ok {
			remotes = true
			if _, name, ok := strings.Cut(rest, "/"); ok && name != "HEAD" {
				b.Names[name] = true
			}
		}
	}
	// The default branch is the remote's when it is recorded (a clone
	// records it); a repository without remotes has its own HEAD.
	ask := []string{"symbolic-ref", "-q", "--short", "HEAD"}
	if remotes {
		ask = []string{"symbolic-ref", "-q", "--short", "refs/remotes/origin/HEAD"}
	}
	head, err := safegit.Command(ctx, t.root, ask...).Output()
	if err != nil {
		return Branches{}, false
	}
	b.Default = strings.TrimPrefix(strings.TrimSpace(string(head)), "origin/")
	return b, b.Default != "" && len(b.Names) > 0
}

// branchEvents are the triggers that branch filters can keep from running.
var branchEvents = map[string]bool{"push": true, "pull_request": true, "pull_request_target": true}

// staleBranchFilter reports a workflow that can never run here: every
// trigger is a push or pull request limited to branches named outright,
// and the repository has none of them (a filter on master in a
// repository whose branch is main). A pattern, an exclusion, tags or any
// other event may well run it, and are not judged. at is the first
// filter, names the branches it waits for, events the triggers.
func staleBranchFilter(on *yamlpos.Node, known Branches) (at *yamlpos.Node, names, events []string) {
	if on == nil || on.Kind != yamlpos.Map || len(on.Pairs) == 0 {
		return nil, nil, nil
	}
	for _, ev := range on.Pairs {
		cfg := ev.Value
		if !branchEvents[ev.Key] || cfg == nil || cfg.Kind != yamlpos.Map || cfg.Has("branches-ignore") || cfg.Has("tags") || cfg.Has("tags-ignore") {
			return nil, nil, nil
		}
		p, ok := cfg.Pair("branches")
		if !ok {
			return nil, nil, nil
		}
		named := 0
		for _, b := range p.Value.List() {
			name := b.Text()
			if strings.HasPrefix(name, "!") {
				continue
			}
			if name == "" || strings.ContainsAny(name, "*?[+$") || known.Names[name] {
				return nil, nil, nil
			}
			named++
			if !slices.Contains(names, name) {
				names = append(names, name)
			}
		}
		if named == 0 {
			return nil, nil, nil
		}
		if at == nil {
			at = &yamlpos.Node{Line: p.Line, Column: p.Column}
		}
		events = append(events, ev.Key)
	}
	return at, names, events
}
