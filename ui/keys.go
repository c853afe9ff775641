package ui

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
)

// keyMap is every key the cockpit answers to. The help overlay and the key
// bar are generated from it, so what is shown is what works.
type keyMap struct {
	Up, Down, Top, Bottom     key.Binding
	Fold, Unfold              key.Binding
	Details, PageDown, PageUp key.Binding
	Edit, Rerun, RerunAll     key.Binding
	Tick, Ack, Copy, Init     key.Binding
	Trust                     key.Binding
	Filter, Blockers, Group   key.Binding
	NewOnly                   key.Binding
	Narrower, Wider           key.Binding
	Messages                  key.Binding
	Help, Close, Quit         key.Binding
}

func defaultKeys() keyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return keyMap{
		Up:       b("↑/k", "up", "up", "k"),
		Down:     b("↓/j", "down", "down", "j"),
		Top:      b("g/home", "top", "g", "home"),
		Bottom:   b("G/end", "bottom", "G", "end"),
		Fold:     b("←/h", "fold (on a child: go to its parent)", "left", "h"),
		Unfold:   b("→/l", "unfold (when open: first child)", "right", "l"),
		Details:  b("enter", "show or hide the detail pane", "enter"),
		PageUp:   b("pgup/ctrl+u", "scroll details up", "pgup", "ctrl+u"),
		PageDown: b("pgdn/ctrl+d", "down", "pgdown", "ctrl+d"),
		Edit:     b("e", "open the finding in $EDITOR or your editor template, at its line", "e"),
		Rerun:    b("r", "rerun the selected collector or domain", "r"),
		RerunAll: b("R", "rerun every collector", "R"),
		Tick:     b("space", "tick or untick a checklist item (saved to the file)", "space"),
		Ack:      b("a", "acknowledge a finding (reason required)", "a"),
		Copy:     b("y", "copy file:line: message (OSC 52)", "y"),
		Init:     b("I", "write a starter READINESS.md (when there is none)", "I"),
		Trust:    b("T", "trust this repository: run its own tools, tests and preflight.yaml commands", "T"),
		Filter:   b("/", "filter: words, rule:, file:, sev:, collector:", "/"),
		Blockers: b("b", "blockers only, or everything", "b"),
		NewOnly:  b("n", "only findings new since the base (the merge-base with --base, the upstream, main or master)", "n"),
		Group:    b("o", "group findings by collector, rule or file", "o"),
		Narrower: b("<", "narrower tree (more room for details)", "<"),
		Wider:    b(">", "wider tree", ">"),
		Messages: b("!", "the verdict's reasons in full, and the warnings and notes of this session", "!"),
		Help:     b("?", "help", "?"),
		Close:    b("esc", "close help, clear the filter", "esc"),
		Quit:     b("q/ctrl+c", "quit", "q", "ctrl+c"),
	}
}

// shortHelp is the key bar: the keys someone new needs first, with the
// ones that act on the selection (what it is decides which). The detail
// key says what it will do: show the pane, or hide the one on screen.
func (k keyMap) shortHelp(selected kind, hasNode, detailShown bool) []key.Binding {
	move := key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑↓", "move"))
	// The key shown is the binding's own, so a remapped key is shown as
	// it is pressed.
	short := func(b key.Binding, desc string) key.Binding {
		name := ""
		if ks := b.Keys(); len(ks) > 0 {
			name = keyLabel(ks[0])
		}
		return key.NewBinding(key.WithKeys(b.Keys()...), key.WithHelp(name, desc))
	}
	fold := key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←→", "fold"))
	out := []key.Binding{move}
	switch {
	case hasNode && selected == findingNode:
		out = append(out, short(k.Edit, "edit"), short(k.Ack, "ack"), short(k.Copy, "copy"))
	case hasNode && selected == itemNode:
		out = append(out, short(k.Tick, "tick"), short(k.Copy, "copy"))
	default:
		details := "details"
		if detailShown {
			details = "hide pane"
		}
		out = append(out, fold, short(k.Details, details))
	}
	return append(out,
		short(k.Filter, "filter"),
		short(k.Group, "group"),
		short(k.Rerun, "rerun"),
		short(k.Help, "help"),
		short(k.Quit, "quit"),
	)
}

// fullHelp lists every binding in the order the help overlay shows them,
// one line per group.
func (k keyMap) fullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down},
		{k.Top, k.Bottom},
		{k.Fold},
		{k.Unfold},
		{k.Details},
		{k.PageUp, k.PageDown},
		{k.Edit},
		{k.Rerun},
		{k.RerunAll},
		{k.Tick},
		{k.Ack},
		{k.Copy},
		{k.Filter},
		{k.Blockers},
		{k.NewOnly},
		{k.Group},
		{k.Narrower, k.Wider},
		{k.Messages},
		{k.Init},
		{k.Trust},
		{k.Help, k.Close},
		{k.Quit},
	}
}

// actions names every binding for remapping in the preferences file
// (keys: {rerun: [r, F5]}).
func (k *keyMap) actions() map[string]*key.Binding {
	return map[string]*key.Binding{
		"up": &k.Up, "down": &k.Down, "top": &k.Top, "bottom": &k.Bottom,
		"fold": &k.Fold, "unfold": &k.Unfold, "details": &k.Details,
		"page_up": &k.PageUp, "page_down": &k.PageDown,
		"edit": &k.Edit, "rerun": &k.Rerun, "rerun_all": &k.RerunAll,
		"tick": &k.Tick, "ack": &k.Ack, "copy": &k.Copy, "init": &k.Init, "trust": &k.Trust,
		"filter": &k.Filter, "blockers": &k.Blockers, "new_only": &k.NewOnly, "group": &k.Group,
		"narrower": &k.Narrower, "wider": &k.Wider, "messages": &k.Messages,
		"help": &k.Help, "close": &k.Close, "quit": &k.Quit,
	}
}

// remap applies the preferences' key remapping and says what it could not
// apply: an unknown action, or a key now bound to two actions (the first
// listed keeps it).
func (k *keyMap) remap(keys map[string][]string) (warnings []string) {
	if len(keys) == 0 {
		return nil
	}
	acts := k.actions()
	norm := make(map[string][]string, len(keys))
	for name, ks := range keys {
		var named []string
		for _, k := range ks {
			if len([]rune(k)) > 1 {
				k = strings.ToLower(k) // F5, Ctrl+R: key names are lower case
			}
			named = append(named, k)
		}
		norm[strings.ReplaceAll(strings.ToLower(name), "-", "_")] = named
	}
	keys = norm
	names := slices.Sorted(maps.Keys(keys))
	for _, name := range names {
		b, ok := acts[name]
		if !ok {
			known := slices.Sorted(maps.Keys(acts))
			warnings = append(warnings, fmt.Sprintf("keys.%s: no such action (actions: %s)", name, strings.Join(known, ", ")))
			continue
		}
		ks := keys[name]
		labels := make([]string, len(ks))
		for i, kk := range ks {
			labels[i] = keyLabel(kk)
		}
		b.SetKeys(ks...)
		b.SetHelp(strings.Join(labels, "/"), b.Help().Desc)
	}
	// The remapped keys win over the defaults they collide with.
	owner := map[string]string{}
	for _, name := range names {
		if _, known := acts[name]; !known {
			continue
		}
		for _, kk := range keys[name] {
			if _, taken := owner[kk]; !taken {
				owner[kk] = name
			}
		}
	}
	actNames := slices.Sorted(maps.Keys(acts))
	for _, a := range actNames {
		b := acts[a]
		var kept []string
		for _, kk := range b.Keys() {
			if o, taken := owner[kk]; taken && o != a {
				if _, remapped := keys[a]; remapped {
					warnings = append(warnings, fmt.Sprintf("keys: %q is given to both %s and %s; %s keeps it", kk, o, a, o))
				}
				continue
			}
			kept = append(kept, kk)
		}
		if len(kept) != len(b.Keys()) {
			if len(kept) == 0 {
				warnings = append(warnings, fmt.Sprintf("keys: %s has no key left", a))
			}
			labels := make([]string, len(kept))
			for i, kk := range kept {
				labels[i] = keyLabel(kk)
			}
			b.SetKeys(kept...)
			b.SetHelp(strings.Join(labels, "/"), b.Help().Desc)
		}
	}
	return warnings
}

// keyLabel is how a key is written in the help: arrows as arrows.
func keyLabel(k string) string {
	switch k {
	case "up":
		return "↑"
	case "down":
		return "↓"
	case "left":
		return "←"
	case "right":
		return "→"
	case "pgdown":
		return "pgdn"
	}
	if len(k) > 1 && k[0] == 'f' && strings.Trim(k[1:], "0123456789") == "" {
		return "F" + k[1:] // function keys as they are printed on them
	}
	return k
}
