package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"

	"github.com/preflight-dev/preflight/app"
	"github.com/preflight-dev/preflight/internal/textsafe"
)

// checkProgress is how check tells a person it is getting on, on w
// (stderr): on a terminal one line redrawn every second and cleared at
// the end, elsewhere (a CI log) a line every half minute. A 90-module
// repository takes half an hour on two cores; it must not be silent.
// clear is called once the check is over.
func checkProgress(w io.Writer) (opt app.Option, clear func()) {
	every, show, clear := progressPrinter(w, isTerminal(w))
	return app.WithProgress(every, show), clear
}

// progressPrinter prints progress on w, redrawn in place on a terminal.
func progressPrinter(w io.Writer, tty bool) (every time.Duration, show func(app.Progress), clear func()) {
	if !tty {
		return 30 * time.Second, func(p app.Progress) { fmt.Fprintln(w, progressLine(p)) }, func() {}
	}
	drawn := false
	show = func(p app.Progress) {
		fmt.Fprintf(w, "\r\x1b[K%s", clipRunes(progressLine(p), 120))
		drawn = true
	}
	return time.Second, show, func() {
		if drawn {
			fmt.Fprint(w, "\r\x1b[K")
		}
	}
}

// progressLine says how far a check has got: "preflight: 120 of 331
// collectors done after 2m30s; running go:swagger, go-test:swagger;
// 209 waiting". Collector ids hold directory names, so they are escaped.
func progressLine(p app.Progress) string {
	line := fmt.Sprintf("preflight: %d of %d collectors done after %s", p.Done, p.Total, p.Elapsed.Round(time.Second))
	if len(p.Running) > 0 {
		shown := p.Running[:min(2, len(p.Running))]
		line += "; running " + textsafe.Line(strings.Join(shown, ", "))
		if more := len(p.Running) - len(shown); more > 0 {
			line += fmt.Sprintf(" (+%d more)", more)
		}
	}
	if p.Waiting > 0 {
		line += fmt.Sprintf("; %d waiting", p.Waiting)
	}
	return line
}

// clipRunes cuts s to n runes, so a redrawn line does not wrap.
func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}
