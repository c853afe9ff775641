package cli

import (
	"bytes"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/app"
)

// The progress line counts, names two running collectors, and carries no
// control byte a directory name could hold.
func TestProgressLine(t *testing.T) {
	cases := []struct {
		p    app.Progress
		want string
	}{
		{app.Progress{Done: 120, Total: 331, Waiting: 207, Running: []string{"go:swagger", "go-test:swagger", "go:x", "go:y"}, Elapsed: 150400 * time.Millisecond},
			"preflight: 120 of 331 collectors done after 2m30s; running go:swagger, go-test:swagger (+2 more); 207 waiting"},
		{app.Progress{Done: 3, Total: 3, Elapsed: time.Second}, "preflight: 3 of 3 collectors done after 1s"},
		{app.Progress{Done: 0, Total: 1, Running: []string{"go:\x1b[2Jevil"}, Elapsed: 0}, `preflight: 0 of 1 collectors done after 0s; running go:\x1b[2Jevil`},
	}
	for _, c := range cases {
		if got := progressLine(c.p); got != c.want {
			t.Errorf("got  %q\nwant %q", got, c.want)
		}
	}
	if got := clipRunes("ééééé", 3); got != "éé…" {
		t.Errorf("clipRunes: %q", got)
	}
}

// Where stderr is not a terminal (a CI log) progress is a line every half
// minute; on a terminal one line redrawn every second, cleared at the end
// (and nothing to clear when none was drawn).
func TestProgressPrinter(t *testing.T) {
	p := app.Progress{Done: 1, Total: 2, Elapsed: time.Second}
	var log bytes.Buffer
	every, show, clear := progressPrinter(&log, false)
	show(p)
	show(p)
	clear()
	if want := progressLine(p) + "\n" + progressLine(p) + "\n"; every != 30*time.Second || log.String() != want {
		t.Errorf("log: every %s, wrote %q", every, log.String())
	}
	var tty bytes.Buffer
	every, show, clear = progressPrinter(&tty, true)
	clear()
	if tty.Len() != 0 {
		t.Errorf("cleared what was never drawn: %q", tty.String())
	}
	show(p)
	clear()
	if want := "\r\x1b[K" + progressLine(p) + "\r\x1b[K"; every != time.Second || tty.String() != want {
		t.Errorf("terminal: every %s, wrote %q", every, tty.String())
	}
}
