package ui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
	"github.com/preflight-dev/preflight/model"
)

// styles is every look the cockpit uses. The colours are the terminal's own
// 16 ANSI colours so the user's theme decides how they look on a light or a
// dark background. Without colour (NO_COLOR, or a terminal that has none)
// the same information is carried by bold, faint and reverse video, which
// NO_COLOR allows.
type styles struct {
	color bool

	brand, bold, dim, label lipgloss.Style
	cursor                  lipgloss.Style
	warning                 lipgloss.Style
	rule                    lipgloss.Style
	ok, bad, unknown, run   lipgloss.Style
	contradicted            lipgloss.Style // a ticked claim the evidence refutes
	mark                    lipgloss.Style // the marked source line
	key, keyDesc            lipgloss.Style
	severity                map[model.Severity]lipgloss.Style
	verdict                 map[model.Verdict]lipgloss.Style
}

func newStyles(color bool) styles {
	plain := lipgloss.NewStyle()
	fg := func(c string) lipgloss.Style {
		if !color {
			return plain
		}
		return plain.Foreground(lipgloss.Color(c))
	}
	s := styles{
		color:   color,
		brand:   plain.Bold(true),
		bold:    plain.Bold(true),
		dim:     plain.Faint(true),
		label:   plain.Faint(true),
		cursor:  plain.Reverse(true),
		rule:    plain.Faint(true),
		ok:      fg("2"),
		bad:     fg("1").Bold(true),
		unknown: fg("3").Bold(true),
		run:     fg("6"),
		mark:    fg("1").Bold(true),
		key:     plain.Bold(true),
		keyDesc: plain.Faint(true),
		severity: map[model.Severity]lipgloss.Style{
			model.Blocker: fg("1").Bold(true),
			model.High:    fg("5").Bold(true),
			model.Medium:  fg("3"),
			model.Low:     fg("6"),
			model.Info:    plain.Faint(true),
		},
	}
	badge := plain.Bold(true).Padding(0, 1)
	if color {
		s.contradicted = plain.Bold(true).Foreground(lipgloss.Color("15")).Background(lipgloss.Color("1"))
		s.warning = plain.Bold(true).Foreground(lipgloss.Color("0")).Background(lipgloss.Color("3"))
		s.verdict = map[model.Verdict]lipgloss.Style{
			model.NoGo:        badge.Foreground(lipgloss.Color("15")).Background(lipgloss.Color("1")),
			model.Conditional: badge.Foreground(lipgloss.Color("0")).Background(lipgloss.Color("3")),
			model.GO:          badge.Foreground(lipgloss.Color("0")).Background(lipgloss.Color("2")),
		}
	} else {
		s.contradicted = plain.Bold(true).Reverse(true)
		s.warning = plain.Bold(true).Reverse(true)
		s.verdict = map[model.Verdict]lipgloss.Style{
			model.NoGo:        badge.Reverse(true),
			model.Conditional: badge.Reverse(true),
			model.GO:          badge,
		}
	}
	return s
}

func (s styles) sev(v model.Severity) lipgloss.Style {
	if st, ok := s.severity[v]; ok {
		return st
	}
	return s.severity[model.Info]
}

// helpStyles dresses the bubbles help bar in the same look.
func (s styles) helpStyles() help.Styles {
	return help.Styles{
		ShortKey:       s.key,
		ShortDesc:      s.keyDesc,
		ShortSeparator: s.dim,
		Ellipsis:       s.dim,
		FullKey:        s.key,
		FullDesc:       s.keyDesc,
		FullSeparator:  s.dim,
	}
}
