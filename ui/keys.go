package ui

import "charm.land/bubbles/v2/key"

// keyMap is every key the cockpit answers to. The help overlay and the key
// bar are generated from it, so what is shown is what works. space is left
// unbound on purpose: it will tick checklist items.
type keyMap struct {
	Up, Down, Top, Bottom     key.Binding
	Fold, Unfold              key.Binding
	Details, PageDown, PageUp key.Binding
	Edit, Rerun, RerunAll     key.Binding
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
		Help:     b("?", "help", "?"),
		Close:    b("esc", "close help", "esc"),
		Quit:     b("q/ctrl+c", "quit", "q", "ctrl+c"),
	}
}

// shortHelp is the key bar: the keys someone new needs first. Movement
// keys are folded into one entry to leave room on 80 columns.
func (k keyMap) shortHelp() []key.Binding {
	move := key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑↓", "move"))
	fold := key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←→", "fold"))
	short := func(b key.Binding, keyName, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(b.Keys()...), key.WithHelp(keyName, desc))
	}
	return []key.Binding{
		move, fold,
		short(k.Details, "enter", "details"),
		short(k.Edit, "e", "edit"),
		short(k.Rerun, "r", "rerun"),
		short(k.RerunAll, "R", "rerun all"),
		short(k.Help, "?", "help"),
		short(k.Quit, "q", "quit"),
	}
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
		{k.Help, k.Close},
		{k.Quit},
	}
}
