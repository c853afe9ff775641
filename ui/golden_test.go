package ui

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/preflight-dev/preflight/model"
)

// screen is what a person sees: the view without colour.
func screen(m Model) string {
	return ansi.Strip(m.View().Content)
}

// checkScreen asserts the frame fits the terminal exactly, then compares it
// with the golden file (go test ./ui/ -update rewrites them).
func checkScreen(t *testing.T, m Model) {
	t.Helper()
	out := screen(m)
	lines := strings.Split(out, "\n")
	if len(lines) != m.height {
		t.Errorf("frame has %d lines, terminal has %d", len(lines), m.height)
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > m.width {
			t.Errorf("line %d is %d cells wide, terminal has %d: %q", i+1, w, m.width, l)
		}
	}
	golden.RequireEqual(t, out+"\n")
}

func TestGolden(t *testing.T) {
	sizes := []struct{ w, h int }{{80, 24}, {160, 48}}
	for _, sz := range sizes {
		suffix := "_" + itoa(sz.w) + "x" + itoa(sz.h)

		t.Run("overview"+suffix, func(t *testing.T) {
			checkScreen(t, fixtureModel(t, sz.w, sz.h))
		})

		t.Run("finding"+suffix, func(t *testing.T) {
			m := fixtureModel(t, sz.w, sz.h)
			m = moveTo(t, m, tsFindingKey(t, m.snap, 32))
			checkScreen(t, m)
		})

		t.Run("collector_unknown"+suffix, func(t *testing.T) {
			m := fixtureModel(t, sz.w, sz.h)
			m = moveTo(t, m, collectorKey("typescript:web"))
			checkScreen(t, m)
		})

		t.Run("collector_tests"+suffix, func(t *testing.T) {
			m := fixtureModel(t, sz.w, sz.h)
			m = moveTo(t, m, collectorKey("go-test:api"))
			checkScreen(t, m)
		})

		t.Run("help"+suffix, func(t *testing.T) {
			checkScreen(t, press(t, fixtureModel(t, sz.w, sz.h), "?"))
		})

		t.Run("finding_scrolled"+suffix, func(t *testing.T) {
			m := fixtureModel(t, sz.w, sz.h)
			m = moveTo(t, m, tsFindingKey(t, m.snap, 32))
			checkScreen(t, press(t, m, "pgdown"))
		})
	}

	t.Run("cached_polling_80x24", func(t *testing.T) {
		root := fixtureRoot(t)
		t.Setenv("HOME", filepath.Dir(root))
		snap := fixtureSnapshot(root)
		snap.FromCache = true
		snap.Generation = 0
		snap.LastTrigger = ""
		snap.Watch = model.WatchState{Active: true, Dirs: 8000, Polled: 1200,
			Warning: "inotify watch limit reached: polling 1200 dirs every 2s; raise fs.inotify.max_user_watches (sysctl)"}
		for i := range snap.Collectors {
			snap.Collectors[i].Stale = true
			snap.Collectors[i].Running = false
		}
		snap.Collectors = snap.Collectors[:4]
		m := New(Options{Root: root, Initial: snap, Now: func() time.Time { return fixtureNow.Add(26 * time.Hour) }})
		m, _ = update(m, tea.WindowSizeMsg{Width: 80, Height: 24})
		m = moveTo(t, m, collectorKey("typescript:backend"))
		checkScreen(t, m)
	})

	t.Run("details_hidden_80x24", func(t *testing.T) {
		checkScreen(t, press(t, fixtureModel(t, 80, 24), "enter"))
	})

	t.Run("too_small_30x8", func(t *testing.T) {
		checkScreen(t, fixtureModel(t, 30, 8))
	})
}
