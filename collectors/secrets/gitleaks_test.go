package secrets

import (
	"cmp"
	"context"
	"encoding/base64"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"
)

func loadCapturedGitleaks(t testing.TB) []GitleaksFinding {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "captured", "gitleaks.json"))
	if err != nil {
		t.Fatal(err)
	}
	fs, err := ParseGitleaks(data)
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

func TestParseGitleaksCaptured(t *testing.T) {
	fs := loadCapturedGitleaks(t)
	var got []string
	for _, f := range fs {
		got = append(got, f.RuleID+" "+f.File)
	}
	sort.Strings(got)
	want := []string{
		"aws-access-token k8s/secret.yaml",
		"github-pat Dockerfile",
		"jwt config/production.json",
		"private-key deploy/certs/server.key",
		"sendgrid-api-token src/notify.js",
		"slack-bot-token k8s/secret.yaml",
		"stripe-access-token .env",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("parsed:\n%s", strings.Join(got, "\n"))
	}
}

// A whole-file finding (gitleaks's pkcs12-file on a binary key store, at
// line 0: captured from gofiber/recipes' https-pkcs12-tls) is read with
// the others, not the end of the report.
func TestParseGitleaksWholeFileFinding(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "captured", "gitleaks-pkcs12.json"))
	if err != nil {
		t.Fatal(err)
	}
	fs, err := ParseGitleaks(data)
	if err != nil || len(fs) != 3 {
		t.Fatalf("%d findings, err %v", len(fs), err)
	}
	var p12 GitleaksFinding
	for _, f := range fs {
		if f.RuleID == "pkcs12-file" {
			p12 = f
		}
	}
	h := gitleaksHit(p12, []string{"\x30\x82"}, NewRedactor(testKey))
	if p12.File != "https-pkcs12-tls/security/server.p12" || h.Line != 0 || h.Length != 0 {
		t.Errorf("finding %+v, hit %+v", p12, h)
	}
}

func TestParseGitleaksTable(t *testing.T) {
	cases := []struct {
		name, out string
		n         int
		err       bool
	}{
		{"empty output", "", 0, false},
		{"empty report", "[]\n", 0, false},
		{"log line instead of a report", "5:17AM FTL stat x: no such file", 0, true},
		{"truncated", `[{"RuleID":"jwt","File":"a","StartLine":1`, 0, true},
		{"finding without a line", `[{"RuleID":"jwt","File":"a"}]`, 0, true},
		{"one finding", `[{"RuleID":"jwt","File":"a","StartLine":2,"EndLine":2,"StartColumn":3,"EndColumn":9,"Secret":"REDACTED"}]`, 1, false},
		{"negative line", `[{"RuleID":"jwt","File":"a","StartLine":-1}]`, 0, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs, err := ParseGitleaks([]byte(tc.out))
			if (err != nil) != tc.err || len(fs) != tc.n {
				t.Fatalf("got %d findings, err %v", len(fs), err)
			}
		})
	}
}

// TestGitleaksSpans checks that the span preflight measures at each
// captured gitleaks location is exactly a planted secret: gitleaks's
// column convention is read right, and length and digest describe the
// secret itself.
func TestGitleaksSpans(t *testing.T) {
	r := NewRedactor(testKey)
	values := map[string]bool{}
	for _, p := range loadPlanted(t) {
		values[p.Value] = true
	}
	for _, f := range loadCapturedGitleaks(t) {
		data, err := os.ReadFile(filepath.Join("testdata", "project", filepath.FromSlash(f.File)))
		if err != nil {
			t.Fatal(err)
		}
		lines := splitLines(string(data))
		span := gitleaksSpan(f, lines)
		if f.RuleID == "private-key" {
			if !strings.HasPrefix(span, "-----BEGIN RSA PRIVATE KEY-----") || !strings.HasSuffix(span, "-----END RSA PRIVATE KEY-----") {
				t.Errorf("private key span is not the block (%d chars)", len(span))
			}
			continue
		}
		if !values[span] {
			t.Errorf("%s %s:%d: measured span of %d chars is not a planted value", f.RuleID, f.File, f.StartLine, len(span))
		}
		h := gitleaksHit(f, lines, r)
		if h.Length != len(span) || h.Digest != r.Digest(span) || h.Line != f.StartLine {
			t.Errorf("hit %+v does not describe its span", h)
		}
		if col := strings.Index(lines[f.StartLine-1], span) + 1; h.Column != col {
			t.Errorf("%s: column %d, the secret starts at %d", f.File, h.Column, col)
		}
	}
}

// gitleaks's stripe-access-token takes test-mode keys (sk_test_) with
// live ones; a test key reaches no money and weighs as a literal secret,
// a live one as preflight's own Stripe rule. The report is gitleaks
// 8's own on the fixture beside it.
func TestGitleaksStripeTestKeys(t *testing.T) {
	dir := filepath.Join("testdata", "captured", "stripe-modes")
	data, err := os.ReadFile(filepath.Join(dir, "gitleaks.json"))
	if err != nil {
		t.Fatal(err)
	}
	fs, err := ParseGitleaks(data)
	if err != nil {
		t.Fatal(err)
	}
	env, err := os.ReadFile(filepath.Join(dir, ".env.example"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range fs {
		h := gitleaksHit(f, splitLines(string(env)), NewRedactor(testKey))
		got = append(got, fmt.Sprintf("%d %s %s %s", h.Line, h.What, h.Like, severity(h.Like, DevTest)))
	}
	want := []string{
		"1 gitleaks stripe-access-token (test mode) secrets/hardcoded-secret low",
		"2 gitleaks stripe-access-token secrets/stripe-live-key high",
	}
	if !slices.Equal(got, want) {
		t.Errorf("hits\n got %q\nwant %q", got, want)
	}
}

// TestGitleaksMerge feeds the captured report through the merge: findings
// on lines preflight already reports are dropped, the rest are added. The
// fact gitleaks.findings is still what gitleaks reported, all 7.
func TestGitleaksMerge(t *testing.T) {
	withoutGitleaks(t)
	root := fixtureCopy(t)
	c := newTestCollector(root)
	base := runFull(t, c, root)
	r := &run{root: root, leaks: leakRun{ran: true, commands: []string{"gitleaks dir …"}}}
	c.fileLeaks(r, loadCapturedGitleaks(t), nil)
	res := c.result(r)
	if len(res.Findings) != len(base.Findings)+1 || res.Facts["gitleaks.added"] != 1 || res.Facts["gitleaks.findings"] != 7 {
		t.Fatalf("merged %v of %v gitleaks findings onto %d:\n%s", res.Facts["gitleaks.added"], res.Facts["gitleaks.findings"], len(base.Findings), findingLines(res.Findings))
	}
	var added model.Finding
	for _, f := range res.Findings {
		if f.Rule == RuleGitleaks.ID {
			added = f
		}
	}
	want := "gitleaks sendgrid-api-token (69 chars, hmac " + NewRedactor(testKey).Digest("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") + ")"
	if added.File != "src/notify.js" || added.Line != 4 || added.Column != 19 || added.Severity != model.Blocker || added.Message != want {
		t.Errorf("added finding %+v, want message %q", added, want)
	}
}

// TestGitleaksIntegration runs the real gitleaks through the collector,
// on a full run and on an incremental one.
func TestGitleaksIntegration(t *testing.T) {
	requireGitleaks(t)
	root := fixtureCopy(t)
	c := newTestCollector(root)
	res := runFull(t, c, root)
	if res.Facts["gitleaks.findings"] != 7 || res.Facts["gitleaks.added"] != 1 || res.ExitCode != 0 || !strings.Contains(res.Command, "gitleaks dir --no-banner") {
		t.Fatalf("facts %v exit %d command %q\n%s", res.Facts, res.ExitCode, res.Command, res.Output)
	}
	if res.Hint != "" || strings.Contains(res.Output, "not on PATH") {
		t.Errorf("gitleaks ran, yet hint %q, output:\n%s", res.Hint, res.Output)
	}
	seen := map[string]bool{}
	for _, f := range res.Findings {
		loc := f.Location()
		if f.Line > 0 && seen[f.File+":"+itoa(f.Line)] {
			t.Errorf("two findings at %s", loc)
		}
		seen[f.File+":"+itoa(f.Line)] = true
		if f.File == "services/worker/.env" {
			t.Error("gitleaks's finding in an ignored file was kept")
		}
	}
	if !seen["src/notify.js:4"] {
		t.Fatalf("gitleaks's SendGrid key was not merged:\n%s", findingLines(res.Findings))
	}

	// Editing a source file reruns gitleaks on that file only.
	writeFile(t, root, "src/notify.js", "module.exports = () => null;\n")
	res = c.Run(context.Background(), collectors.Request{Root: root, Mode: collectors.Watch, Changed: []string{"src/notify.js"}})
	if res.Status != model.StatusOK || res.Facts["gitleaks.findings"] != 6 || res.Facts["gitleaks.added"] != 0 || res.Facts["files.rescanned"] != 1 {
		t.Fatalf("after the fix: facts %v\n%s", res.Facts, res.Output)
	}
	if strings.Count(res.Command, "gitleaks dir") != 1 || !strings.HasSuffix(res.Command, " src/notify.js") {
		t.Errorf("incremental gitleaks command %q", res.Command)
	}
	for _, f := range res.Findings {
		if f.File == "src/notify.js" {
			t.Errorf("fixed file still reported: %s", f.Message)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func FuzzParseGitleaks(f *testing.F) {
	data, err := os.ReadFile(filepath.Join("testdata", "captured", "gitleaks.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(data))
	f.Add(`[{"RuleID":"x","File":"a","StartLine":3,"EndLine":1,"StartColumn":90,"EndColumn":-4}]`)
	f.Add("null")
	f.Fuzz(func(t *testing.T, out string) {
		fs, err := ParseGitleaks([]byte(out))
		if err != nil {
			return
		}
		lines := []string{"a = 1", "token = \"abcdefghijklmnop\"", ""}
		for _, g := range fs {
			if g.RuleID == "" || g.File == "" || g.StartLine < 0 {
				t.Fatalf("accepted an incomplete finding %+v", g)
			}
			h := gitleaksHit(g, lines, NewRedactor(testKey))
			if h.Column < 1 || h.Line != g.StartLine || h.Length < 0 || (g.StartLine == 0 && h.Length != 0) {
				t.Fatalf("bad hit %+v from %+v", h, g)
			}
		}
	})
}

// A token gitleaks finds weighs what preflight's own rule for the same kind
// gives it: a sample JWT in an API's docs is not a blocker.
func TestGitleaksFindingsTakeTheBuiltInSeverity(t *testing.T) {
	cases := []struct {
		rule string
		ctx  Context
		want model.Severity
	}{
		{"jwt", Production, RuleJWT.Severity},
		{"jwt", DevTest, devSeverity[RuleJWT.ID]},
		{"generic-api-key", Production, RuleHardcodedSecret.Severity},
		{"aws-access-token", Production, RuleAWSAccessKey.Severity},
		{"some-vendor-token", Production, RuleGitleaks.Severity},
	}
	for _, tc := range cases {
		h := gitleaksHit(GitleaksFinding{RuleID: tc.rule, StartLine: 1, EndLine: 1, StartColumn: 1, EndColumn: 2}, []string{"x"}, NewRedactor(testKey))
		if got := severity(cmp.Or(h.Like, h.Rule), tc.ctx); got != tc.want {
			t.Errorf("%s in %v: %s, want %s", tc.rule, tc.ctx, got, tc.want)
		}
	}
	if RuleJWT.Severity >= RuleGitleaks.Severity {
		t.Error("the test needs the JWT rule to be milder than secrets/gitleaks")
	}
}

// A gitleaks that stops names itself by the first line of its stderr that
// says something: blank lines and the spaces around it are not the reason.
func TestRunGitleaksFailureReason(t *testing.T) {
	cases := []struct{ stderr, want string }{
		{`printf 'bad flag\nusage: gitleaks\n'`, "gitleaks exited 2: bad flag"},
		{`printf '\n  \n\t config: no such file  \r\nmore\n'`, "gitleaks exited 2: config: no such file"},
		{`printf '   \n\n'`, "gitleaks exited 2: "},
		{`true`, "gitleaks exited 2: "},
	}
	for _, c := range cases {
		bin := t.TempDir()
		script := "#!/bin/sh\n" + c.stderr + " >&2\nexit 2\n"
		if err := os.WriteFile(filepath.Join(bin, GitleaksTool), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
		t.Setenv("PATH", bin)
		root := t.TempDir()
		_, _, _, err := runGitleaks(context.Background(), collectors.NewBase("secrets:.", Kind, Domain), collectors.Request{Root: root}, root)
		if err == nil || err.Error() != c.want {
			t.Errorf("stderr from %s: error %v, want %q", c.stderr, err, c.want)
		}
	}
}

// A gitleaks that hangs is stopped at the run's timeout, its process group
// killed, and the built-in scan's findings stand, with the reason shown.
func TestHangingGitleaksTimesOut(t *testing.T) {
	bin := t.TempDir()
	pidFile := filepath.Join(bin, "pid")
	script := "#!/bin/sh\necho $$ > " + pidFile + "\nsleep 30\n"
	if err := os.WriteFile(filepath.Join(bin, GitleaksTool), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	root := fixtureCopy(t)
	c := &Collector{id: "secrets:.", redactor: NewRedactor(testKey)}
	started := time.Now()
	res := c.Run(context.Background(), collectors.Request{Root: root, Timeout: 500 * time.Millisecond})
	if took := time.Since(started); took > 20*time.Second {
		t.Fatalf("the run waited %s for the hanging gitleaks", took)
	}
	if res.Status != model.StatusOK || res.Facts["secrets"] == 0 {
		t.Fatalf("the built-in scan's evidence was lost: status %s, facts %v", res.Status, res.Facts)
	}
	if !strings.Contains(res.Output, "gitleaks failed, its earlier findings are kept: gitleaks timed out after 500ms") {
		t.Errorf("the evidence does not say gitleaks timed out:\n%s", res.Output)
	}
	data, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(data)))
	if pid <= 0 || syscall.Kill(pid, 0) == nil {
		t.Errorf("gitleaks (pid %d) still runs after the timeout", pid)
	}
}

// gitleaks knows no .gitignore: it scans a tree of links to the files the
// ignore rules keep, so an ignored build output (a .next/ of hundreds of
// megabytes) is never read, and what it finds is placed in the real file.
func TestGitleaksScansOnlyWhatIgnoreKeeps(t *testing.T) {
	requireGitleaks(t)
	token := "ghp_" + strings.Repeat("aB3dE5fG7h", 3) + "K9mN1p"
	root := fixturetest.WriteRepo(t, map[string]string{
		".gitignore":           ".next/\n",
		"src/deploy.js":        "// deploy\nconst auth = '" + token + "';\n",
		".next/server/page.js": "const t = '" + token + "';\n",
	})
	res := runFull(t, newTestCollector(root), root)
	var got []string
	for _, f := range res.Findings {
		got = append(got, f.Location())
	}
	if len(got) != 1 || got[0] != "src/deploy.js:2:15" {
		t.Errorf("findings %q, want the tracked file's token alone\n%s", got, findingLines(res.Findings))
	}
	if res.Facts["gitleaks.findings"] != 1 {
		t.Errorf("gitleaks reported %v findings: it read more than the kept files", res.Facts["gitleaks.findings"])
	}
	if !strings.Contains(res.Command, "--follow-symlinks <links to the repository's files that .gitignore keeps>") {
		t.Errorf("command %q", res.Command)
	}
}

func TestLinkTree(t *testing.T) {
	root := fixturetest.WriteRepo(t, map[string]string{"a/b.txt": "b", "c.txt": "c", "node_modules/x/y.js": "y", "d/testdata/e": "e"})
	if err := os.Symlink("/etc/passwd", filepath.Join(root, "out")); err != nil {
		t.Fatal(err)
	}
	tree, err := linkTree(root, []string{"a/b.txt", "c.txt", "node_modules/x/y.js", "d/testdata/e", "out", "gone.txt"})
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(tree)
	if !isLinkTree(tree) {
		t.Fatalf("%s is not recognised as a link tree", tree)
	}
	var linked []string
	_ = filepath.WalkDir(tree, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type()&fs.ModeSymlink != 0 {
			rel, _ := filepath.Rel(tree, p)
			dest, _ := os.Readlink(p)
			real, _ := filepath.EvalSymlinks(filepath.Join(root, rel))
			if dest != real {
				t.Errorf("%s links to %s, want %s", rel, dest, real)
			}
			linked = append(linked, filepath.ToSlash(rel))
		}
		return nil
	})
	if !slices.Equal(linked, []string{"a/b.txt", "c.txt"}) {
		t.Errorf("linked %q: only the project's regular files", linked)
	}
}

// gitleaks's generic rule matches the key with the value (`key: REDACTED`
// in its redacted report): the span is the value alone, so the same value
// in YAML and in Go has one length and one digest (slurm-operator's
// jwt_hs256.key).
func TestGitleaksSpanLeavesTheKeyOut(t *testing.T) {
	yaml := splitLines("spec:\n  jwtHs256KeyRef:\n    name: slurm-auth-jwths256\n    key: jwt_hs256.key\n")
	gosrc := splitLines("package x\n\ntype Sel struct{ Name, Key string }\n\nvar S = Sel{\n\tName: \"slurm-jwths256key\",\n\tKey:  \"jwt_hs256.key\",\n}\n")
	for _, c := range []struct {
		f     GitleaksFinding
		lines []string
	}{
		{GitleaksFinding{RuleID: "generic-api-key", File: "token.yaml", StartLine: 4, EndLine: 4, StartColumn: 6, EndColumn: 23, Match: "key: REDACTED"}, yaml},
		{GitleaksFinding{RuleID: "generic-api-key", File: "sel.go", StartLine: 7, EndLine: 7, StartColumn: 3, EndColumn: 23, Match: `Key:  "REDACTED"`}, gosrc},
	} {
		if got := gitleaksSpan(c.f, c.lines); got != "jwt_hs256.key" {
			t.Errorf("%s: span %q, want the value alone", c.f.File, got)
		}
	}
}

// On a very long line gitleaks's column can point far from the match (a
// minified patch): the finding stands where the match's text does, when
// that text occurs once in the line.
func TestGitleaksColumnFollowsTheMatch(t *testing.T) {
	line := strings.Repeat("a=b;", 50000) + `t.FourKeyMap="0123456789abcdef0123456789";` + strings.Repeat("c=d;", 1000)
	lines := []string{"first line", line}
	at := strings.Index(line, "t.FourKeyMap") + 1
	f := GitleaksFinding{RuleID: "generic-api-key", File: "x.patch", StartLine: 2, EndLine: 2, StartColumn: 14804, EndColumn: 14804 + 40,
		Match: `t.FourKeyMap="REDACTED"`}
	h := gitleaksHit(f, lines, NewRedactor(testKey))
	if h.Column != at || h.Length != 26 {
		t.Errorf("column %d length %d, want %d and 26", h.Column, h.Length, at)
	}
	// Where the column is right it stays, and text found twice is not moved.
	f.StartColumn = at + 1 // gitleaks counts the newline before a later line
	f.EndColumn = f.StartColumn + 40
	if h := gitleaksHit(f, lines, NewRedactor(testKey)); h.Column != at {
		t.Errorf("a right column moved to %d", h.Column)
	}
	twice := []string{"x", line + line}
	f.StartColumn, f.EndColumn = 14804, 14804+40
	if h := gitleaksHit(f, twice, NewRedactor(testKey)); h.Column != 14803 {
		t.Errorf("an ambiguous match moved to %d", h.Column)
	}
}

// A JWT past its "exp" grants nothing: node-express-boilerplate's API docs
// show one as the example of a login's response. It is not reported, by
// preflight or through gitleaks's match on its line, and the evidence says
// where it is; a token that has not expired still is.
func TestExpiredJWTIsNoSecret(t *testing.T) {
	withoutGitleaks(t)
	jwt := func(exp int64) string {
		payload := base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf(`{"sub":"5ebac534954b54139806c112","iat":1589298484,"exp":%d}`, exp)))
		return "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." + payload + ".LRjsSE7x4mCsCv42KKVRk0WbKvqDCiCdeXRwkHqOqb0"
	}
	root := t.TempDir()
	writeFile(t, root, "src/routes/auth.route.js", "/**\n *  example: "+jwt(1589300284)+"\n *  live: "+jwt(7258118400)+"\n */\n")
	c := newTestCollector(root)
	r := &run{root: root, leaks: leakRun{ran: true}}
	res := runFull(t, c, root)
	if len(res.Findings) != 1 || res.Findings[0].Line != 3 || res.Findings[0].Rule != RuleJWT.ID || res.Facts["expired_tokens"] != 1 {
		t.Fatalf("facts %v findings\n%s", res.Facts, findingLines(res.Findings))
	}
	if !strings.Contains(res.Output, "JWT past its exp, not reported: src/routes/auth.route.js:2 (expired 2020-05-12)") {
		t.Errorf("evidence:\n%s", res.Output)
	}
	c.fileLeaks(r, []GitleaksFinding{{RuleID: "jwt", File: "src/routes/auth.route.js", StartLine: 2, EndLine: 2, StartColumn: 14, EndColumn: 200, Match: "eyJ"}}, nil)
	if res := c.result(r); len(res.Findings) != 1 || res.Facts["gitleaks.added"] != 0 {
		t.Errorf("gitleaks's match on the expired token was kept: %v\n%s", res.Facts, findingLines(res.Findings))
	}
}
