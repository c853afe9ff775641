package secrets_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/preflight-dev/preflight/cache"
	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/govulncheck"
	"github.com/preflight-dev/preflight/collectors/npmaudit"
	"github.com/preflight-dev/preflight/collectors/sarif"
	"github.com/preflight-dev/preflight/collectors/secrets"
	"github.com/preflight-dev/preflight/ignore"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/internal/teasettle"
	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/report"
	"github.com/preflight-dev/preflight/ui"
)

// These tests plant secrets in a project, run the security collectors on
// it, and render the snapshot through every output preflight has — the
// JSON report (indented and one-line), the text report, the cache file and
// every frame of the cockpit — then search all of it, and the packages'
// test goldens, for each planted value. Any hit fails.

var fixedNow = time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)

type plantedSecret struct {
	File  string   `json:"file"`
	Value string   `json:"value"`
	Grep  []string `json:"grep"`
}

// secretNeedles are the strings that must never be shown: each planted
// secret's own strings, and every 8-character piece of each long value
// past its public prefix, so not even part of a secret can appear.
func secretNeedles(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "planted.json"))
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Planted []plantedSecret `json:"planted"`
	}
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range p.Planted {
		out = append(out, s.Grep...)
		v := s.Value
		if len(v) < 12 || strings.HasPrefix(v, "(") {
			continue
		}
		for _, prefix := range []string{"sk_live_", "ghp_", "xoxb-", "SG.", "AKIA", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."} {
			v = strings.TrimPrefix(v, prefix)
		}
		for i := 0; i+8 <= len(v); i++ {
			out = append(out, v[i:i+8])
		}
	}
	if len(out) < 100 {
		t.Fatalf("only %d needles: the planted list is not being read", len(out))
	}
	return out
}

func assertNoSecret(t *testing.T, where, text string, needles []string) {
	t.Helper()
	for _, n := range needles {
		if i := strings.Index(text, n); i >= 0 {
			t.Errorf("%s shows a planted secret (%d chars at offset %d)", where, len(n), i)
			return
		}
	}
}

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.FromSlash(p))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// securitySnapshot runs the secrets collector (and gitleaks when it is on
// PATH) and the SARIF import of gitleaks's report on the fixture project,
// and adds the npm audit and govulncheck results of their captured runs.
func securitySnapshot(t *testing.T) model.Snapshot {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // a fresh installation key
	root := filepath.Join(t.TempDir(), "shop")
	fixturetest.Copy(t, filepath.Join("testdata", "project"), root)
	if err := os.WriteFile(filepath.Join(root, "services", "worker", ".env"), readFile(t, "testdata/ignored-dotenv.txt"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "reports"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "reports", "gitleaks.sarif"), readFile(t, "../sarif/testdata/captured/gitleaks.sarif"), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := ignore.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	files, err := ignore.ListFiles(root, m)
	if err != nil {
		t.Fatal(err)
	}

	var cs []collectors.Collector
	cs = append(cs, secrets.Detect(root, files)...)
	cs = append(cs, sarif.Detect(root, files)...)
	if len(cs) != 2 {
		t.Fatalf("detected %d collectors, want secrets and sarif", len(cs))
	}
	var results []model.Result
	for _, c := range cs {
		res := c.Run(context.Background(), collectors.Request{Root: root, Timeout: 2 * time.Minute})
		if res.Status != model.StatusOK || len(res.Findings) == 0 {
			t.Fatalf("%s: %s %s, %d findings", c.ID(), res.Status, res.Error, len(res.Findings))
		}
		results = append(results, res)
	}

	// Captured runs of npm audit and govulncheck, read where they ran.
	captured := func(c interface {
		Conclude(collectors.Input, collectors.Reader) model.Result
	}, read collectors.Reader, exit int, stdout, stderr, dir string) model.Result {
		abs, err := filepath.Abs(dir)
		if err != nil {
			t.Fatal(err)
		}
		out := readFile(t, stdout)
		return c.Conclude(collectors.Input{ExitCode: exit, Data: out, Stdout: out, Stderr: readFile(t, stderr), Root: abs, Dir: abs}, read)
	}
	npm := npmaudit.Detect(root, []string{"package-lock.json"})[0].(*npmaudit.Collector)
	results = append(results, captured(npm, npm.Read, 1, "../npmaudit/testdata/captured/vulnerable.json",
		"../npmaudit/testdata/captured/vulnerable.stderr", "../npmaudit/testdata/projects/vulnerable"))
	gv := govulncheck.Detect(root, []string{"go.mod"})[0].(*govulncheck.Collector)
	results = append(results, captured(gv, gv.Read, 0, "../govulncheck/testdata/captured/symbol.stdout",
		"../govulncheck/testdata/captured/symbol.stderr", "../govulncheck/testdata/mod"))
	results = append(results, captured(gv, gv.Read, 1, "../govulncheck/testdata/captured/offline.stdout",
		"../govulncheck/testdata/captured/offline.stderr", t.TempDir()))
	results[len(results)-1].Collector = "govulncheck:offline"

	snap := model.Snapshot{Root: root, GeneratedAt: fixedNow}
	for _, r := range results {
		r.StartedAt, r.FinishedAt, r.Duration, r.Trigger = fixedNow.Add(-2*time.Second), fixedNow, 2*time.Second, "check"
		snap.Collectors = append(snap.Collectors, model.CollectorState{Result: r})
	}
	return snap
}

func TestNoSecretInReportsOrCache(t *testing.T) {
	needles := secretNeedles(t)
	snap := securitySnapshot(t)

	// Every format of preflight check --format, text with and without
	// colour, and the one-line JSON of preflight watch.
	outputs := map[string]string{}
	for _, format := range report.Formats {
		for _, color := range []bool{false, true} {
			var b bytes.Buffer
			if err := report.Write(&b, format, snap, report.Options{Color: color, Meta: report.Meta{Version: "test"}}); err != nil {
				t.Fatalf("%s: %v", format, err)
			}
			name := format + " report"
			if color {
				name += " (colour)"
			}
			outputs[name] = ansi.Strip(b.String())
		}
	}
	var oneLine bytes.Buffer
	if err := report.WriteJSON(&oneLine, snap, true); err != nil {
		t.Fatal(err)
	}
	outputs["one-line JSON report"] = oneLine.String()
	if len(outputs) < 11 {
		t.Fatalf("only %d outputs", len(outputs))
	}
	// The reports must be about the planted secrets, or the search below
	// proves nothing.
	for _, want := range []string{"secrets/stripe-live-key", "secrets/default-credential", "gitleaks:stripe-access-token", "npm-audit/critical", "govulncheck/called"} {
		for name, out := range outputs {
			if strings.HasPrefix(name, "json") && !strings.Contains(out, want) {
				t.Errorf("the %s has no %s finding", name, want)
			}
		}
	}
	// Formats escape characters differently (JSON \u0026, XML &amp;,
	// Markdown \|): search each as written and unescaped.
	unescape := strings.NewReplacer(`\u0026`, "&", `\u003c`, "<", `\u003e`, ">", "&amp;", "&", "&lt;", "<", "&gt;", ">",
		"&quot;", `"`, "&#39;", "'", "&#34;", `"`, `\|`, "|", `\_`, "_", `\*`, "*", `\"`, `"`, `\\`, `\`)
	for name, out := range outputs {
		assertNoSecret(t, "the "+name, out, needles)
		assertNoSecret(t, "the "+name+" (unescaped)", unescape.Replace(out), needles)
	}

	dir := t.TempDir()
	if err := cache.At(dir).Save(snap); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 {
		t.Fatalf("cache dir: %v %v", entries, err)
	}
	cached := string(readFile(t, filepath.Join(dir, entries[0].Name())))
	if !strings.Contains(cached, "secrets/private-key") {
		t.Fatal("the cache does not hold the findings")
	}
	assertNoSecret(t, "the cache file", cached, needles)
	assertNoSecret(t, "the cache file (decoded)", strings.NewReplacer(`\u0026`, "&", `\u003c`, "<", `\u003e`, ">").Replace(cached), needles)
}

// settle runs a command and feeds what it produces back into the model, as
// the program loop does (source reads for the detail pane included).
func settle(t *testing.T, m tea.Model, cmd tea.Cmd) tea.Model {
	t.Helper()
	return teasettle.Settle(t, m, cmd, tea.Model.Update)
}

func key(k string) tea.KeyPressMsg {
	return tea.KeyPressMsg{Code: []rune(k)[0], Text: k}
}

// cockpitFrames opens every node of the cockpit's tree and returns each
// frame, at a wide and a standard terminal size. withSource lets the
// detail pane read the source lines around each finding.
func cockpitFrames(t *testing.T, snap model.Snapshot, withSource bool) []string {
	t.Helper()
	var frames []string
	for _, size := range []tea.WindowSizeMsg{{Width: 160, Height: 48}, {Width: 80, Height: 24}} {
		var m tea.Model = ui.New(ui.Options{Root: snap.Root, Initial: snap, Now: func() time.Time { return fixedNow }, MaskLines: secrets.MaskLines})
		m, _ = m.Update(size)
		frames = append(frames, ansi.Strip(m.(ui.Model).View().Content))
		steps := 0
		for _, c := range snap.Collectors {
			steps += 2*len(c.Findings) + 4
		}
		for i := 0; i < steps; i++ {
			for _, k := range []string{"l", "j"} {
				var cmd tea.Cmd
				m, cmd = m.Update(key(k))
				if withSource {
					m = settle(t, m, cmd)
				}
				frames = append(frames, ansi.Strip(m.(ui.Model).View().Content))
			}
		}
		// The help screen too.
		m, _ = m.Update(key("?"))
		frames = append(frames, ansi.Strip(m.(ui.Model).View().Content))
	}
	return frames
}

func TestNoSecretInCockpitTreeAndEvidence(t *testing.T) {
	needles := secretNeedles(t)
	snap := securitySnapshot(t)
	frames := cockpitFrames(t, snap, false)
	all := strings.Join(frames, "\n")
	// The walk must have reached the findings and the collectors' evidence.
	for _, want := range []string{"secrets/private-key", "STRIPE_SECRET_KEY", "scanned 15 files", "npm audit (report v2)"} {
		if !strings.Contains(all, want) {
			t.Errorf("no frame shows %q: the walk did not reach it", want)
		}
	}
	for i, f := range frames {
		assertNoSecret(t, "cockpit frame "+itoa(i), f, needles)
	}
}

// TestNoSecretInCockpitSourcePane lets the detail pane read the lines
// around each finding from disk, as it does in use. A finding about a
// secret sits on the line that holds it, so those lines must be shown
// through secrets.MaskLines.
func TestNoSecretInCockpitSourcePane(t *testing.T) {
	needles := secretNeedles(t)
	snap := securitySnapshot(t)
	frames := cockpitFrames(t, snap, true)
	all := strings.Join(frames, "\n")
	if !strings.Contains(all, "│ ") || !strings.Contains(all, "▶") {
		t.Fatal("no frame shows source lines: the source pane was never loaded")
	}
	leaking, first := 0, -1
	for i, f := range frames {
		if leaksAny(f, needles) {
			leaking++
			if first < 0 {
				first = i
			}
		}
	}
	if leaking > 0 {
		t.Errorf("%d of %d cockpit frames show planted secrets in the source pane (first: frame %d); "+
			"the pane must show source lines through secrets.MaskLines", leaking, len(frames), first)
	}
}

func leaksAny(text string, needles []string) bool {
	for _, n := range needles {
		if strings.Contains(text, n) {
			return true
		}
	}
	return false
}

// TestNoSecretInGoldens searches the captured tool output and goldens of
// the security collectors and the cockpit.
func TestNoSecretInGoldens(t *testing.T) {
	needles := secretNeedles(t)
	skip := map[string]bool{
		filepath.Join("testdata", "project"):            true, // the fixture sources themselves
		filepath.Join("testdata", "planted.json"):       true,
		filepath.Join("testdata", "ignored-dotenv.txt"): true,
	}
	searched := 0
	for _, dir := range []string{"testdata", "../sarif/testdata", "../npmaudit/testdata", "../govulncheck/testdata", "../../ui/testdata", "../../report/testdata"} {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if skip[p] || d.Name() == "node_modules" {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				return nil
			}
			assertNoSecret(t, p, string(readFile(t, p)), needles)
			searched++
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if searched < 20 {
		t.Fatalf("only %d files searched", searched)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
