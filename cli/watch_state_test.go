package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/report"
)

// Headless watch says when it falls back to polling: once on stderr, and
// in every JSON line.
func TestWatchReportsPolling(t *testing.T) {
	var stderr bytes.Buffer
	last := ""
	polling := model.WatchState{Active: true, Dirs: 10, Polled: 3,
		Warning: "inotify watch limit reached: polling 3 dirs; raise it with: sudo sysctl fs.inotify.max_user_watches=524288"}
	warnWatch(&stderr, model.WatchState{Active: true, Dirs: 13}, &last)
	if stderr.Len() != 0 {
		t.Errorf("nothing to say while every directory is watched: %q", stderr.String())
	}
	warnWatch(&stderr, polling, &last)
	warnWatch(&stderr, polling, &last)
	if got := stderr.String(); strings.Count(got, "polling 3 dirs") != 1 || !strings.Contains(got, "max_user_watches") {
		t.Errorf("stderr = %q", got)
	}

	var out bytes.Buffer
	if err := report.WriteJSON(&out, model.Snapshot{Root: "/r", Watch: polling}, true); err != nil {
		t.Fatal(err)
	}
	var rep struct {
		WatchState *struct {
			Watching     bool
			Dirs, Polled int
			Warning      string
		} `json:"watch_state"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if ws := rep.WatchState; ws == nil || !ws.Watching || ws.Dirs != 10 || ws.Polled != 3 || !strings.Contains(ws.Warning, "polling") {
		t.Errorf("watch_state = %+v\n%s", rep.WatchState, out.String())
	}
}
