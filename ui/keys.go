package ui

import "charm.land/bubbles/v2/key"

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
		Edit:     b("e", "open the finding in $EDITOR at its line", "e"),
		Rerun:    b("r", "rerun the selected collector or domain", "r"),
		RerunAll: b("R", "rerun every collector", "R"),
		Tick:     b("space", "tick or untick a checklist item (saved to the file)", "space"),
		Ack:      b("a", "acknowledge a finding (reason required)", "a"),
		Copy:     b("y", "copy file:line: message (OSC 52)", "y"),
		Init:     b("I", "write a starter READINESS.md (when there is none)", "I"),
		Trust:    b("T", "trust the commands in preflight.yaml and run them", "T"),
		Filter:   b("/", "filter: words, rule:, file:, sev:, collector:", "/"),
		Blockers: b("b", "blockers only, or everything", "b"),
		Group:    b("o", "group findings by collector, rule or file", "o"),
		Help:     b("?", "help", "?"),
		Close:    b("esc", "close help, clear the filter", "esc"),
		Quit:     b("q/ctrl+c", "quit", "q", "ctrl+c"),
	}
}

// shortHelp is the key bar: the keys someone new needs first, with the
// ones that act on the selection (what it is decides which).
func (k keyMap) shortHelp(selected kind, hasNode bool) []key.Binding {
	move := key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑↓", "move"))
	short := func(b key.Binding, keyName, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(b.Keys()...), key.WithHelp(keyName, desc))
	}
	fold := key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←→", "fold"))
	out := []key.Binding{move}
	switch {
	case hasNode && selected == findingNode:
		out = append(out, short(k.Edit, "e", "edit"), short(k.Ack, "a", "ack"), short(k.Copy, "y", "copy"))
	case hasNode && selected == itemNode:
		out = append(out, short(k.Tick, "space", "tick"), short(k.Copy, "y", "copy"))
	default:
		out = append(out, fold, short(k.Details, "enter", "details"))
	}
	return append(out,
		short(k.Filter, "/", "filter"),
		short(k.Group, "o", "group"),
		short(k.Rerun, "r", "rerun"),
		short(k.Help, "?", "help"),
		short(k.Quit, "q", "quit"),
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
		{k.Group},
		{k.Init},
		{k.Trust},
		{k.Help, k.Close},
		{k.Quit},
	}
}
