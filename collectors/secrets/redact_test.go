package secrets

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// needles are the strings of the planted secrets that must never be shown,
// plus every 8-character piece of each long value past its public prefix
// ("not even a prefix of a real secret").
func needles(ps []planted) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Grep...)
		v := p.Value
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
	return out
}

// leaks returns the needles found in text.
func leaks(text string, ns []string) []string {
	var found []string
	for _, n := range ns {
		if strings.Contains(text, n) {
			found = append(found, n)
		}
	}
	return found
}

func TestRedact(t *testing.T) {
	r := NewRedactor(testKey)
	in := "error: auth failed for postgres://shop:iMFn8bpMNvqbKTjG8Q@db.internal/shop using " +
		"ghp_qBi5LkVs8eI9jPMsuDXTR3UuWb32k3DyhZxr and AKIAITJVVSYDMM63WJFA\n" +
		"-----BEGIN RSA PRIVATE KEY-----\nMIICWwIBAAKBgQDJolzLkTctBWeiQjp2jU03yivz3q0jRlR0YFfYZEQhRewMwWnt\n"
	out := r.Redact(in)
	for _, s := range []string{"iMFn8bpMNvqbKTjG8Q", "qBi5LkVs8eI9jPMsuDXTR3UuWb32k3DyhZxr", "ITJVVSYDMM63WJFA", "MIICWwIBAAKBgQDJolzLkTct"} {
		if strings.Contains(out, s) {
			t.Errorf("%q survived redaction: %s", s, out)
		}
	}
	for _, s := range []string{"postgres://shop:[redacted 18 chars, hmac " + r.Digest("iMFn8bpMNvqbKTjG8Q") + "]@db.internal", "[redacted 40 chars, hmac", "[redacted private key"} {
		if !strings.Contains(out, s) {
			t.Errorf("redacted text lacks %q: %s", s, out)
		}
	}
	// Placeholders and plain text are left alone.
	plain := "connect to postgres://app:${DB_PASSWORD}@db/app failed after 3 tries"
	if got := r.Redact(plain); got != plain {
		t.Errorf("Redact changed text without secrets: %q", got)
	}
}

// TestMaskLinesOnFixture masks every file of the fixture project, including
// ones the scanner does not read, and checks that no planted secret is
// left while lines without secrets are kept as they are.
func TestMaskLinesOnFixture(t *testing.T) {
	root := fixtureCopy(t)
	ns := needles(loadPlanted(t))
	changed := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		lines := splitLines(string(data))
		masked := MaskLines(filepath.ToSlash(rel), lines)
		if len(masked) != len(lines) {
			t.Errorf("%s: %d lines became %d", rel, len(lines), len(masked))
		}
		if found := leaks(strings.Join(masked, "\n"), ns); len(found) > 0 {
			t.Errorf("%s: masked text still shows %q", rel, found)
		}
		for i := range lines {
			if masked[i] != lines[i] {
				changed++
				if !strings.Contains(masked[i], Mask) {
					t.Errorf("%s:%d changed without a mask: %q", rel, i+1, masked[i])
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The 20 values reported on a line of their own (22 findings less the
	// .env file finding and the private key), the key's 15 lines, the two
	// values of the ignored .env and the SendGrid key only gitleaks knows
	// by name, and the other values of env files (APP_ENV, LOG_LEVEL and
	// DB_USER twice), which the pane masks whatever their key.
	if changed != 42 {
		t.Errorf("%d lines masked", changed)
	}
}

func TestMaskLinesKeepsOrdinaryCode(t *testing.T) {
	lines := []string{
		`import { OrderService } from "./services/OrderService2";`,
		`const total = items.reduce((sum, i) => sum + i.price, 0);`,
		`// see https://github.com/preflight-dev/preflight/issues`,
		`password := os.Getenv("DB_PASSWORD")`,
	}
	got := MaskLines("src/app.ts", lines)
	for i := range lines {
		if got[i] != lines[i] {
			t.Errorf("line %d masked: %q", i+1, got[i])
		}
	}
}

func TestInstallationRedactor(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	a, err := InstallationRedactor()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "preflight", keyFileName)
	st, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", st.Mode().Perm())
	}
	b, err := InstallationRedactor()
	if err != nil {
		t.Fatal(err)
	}
	if a.Digest("postgres") != b.Digest("postgres") {
		t.Error("the installation key changed between uses")
	}
	if a.Digest("postgres") == NewRedactor(nil).Digest("postgres") {
		t.Error("the installation key is empty")
	}
	if err := os.WriteFile(file, []byte("not hex\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := InstallationRedactor()
	if err == nil || c == nil || c.Digest("x") == a.Digest("x") {
		t.Errorf("a corrupt key file must give a random key and an error, got err %v", err)
	}
}

func FuzzRedact(f *testing.F) {
	f.Add("token ghp_qBi5LkVs8eI9jPMsuDXTR3UuWb32k3DyhZxr at postgres://a:b@c")
	f.Add("-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----")
	f.Add("-----BEGIN PRIVATE KEY----------END PRIVATE KEY-----")
	r := NewRedactor(testKey)
	f.Fuzz(func(t *testing.T, text string) {
		out := r.Redact(text)
		// Nothing recognisable is left, and a second pass changes nothing.
		for _, kf := range keyFormats {
			if kf.re.MatchString(out) && kf.re.FindString(out) != "" && !strings.Contains(text, kf.re.FindString(out)) {
				t.Fatalf("redaction produced a new %s: %q", kf.rule, out)
			}
		}
		if pemBegin.MatchString(out) {
			t.Fatalf("a private key marker survived: %q", out)
		}
		if again := r.Redact(out); again != out {
			t.Fatalf("redaction is not idempotent:\n%q\n%q", out, again)
		}
	})
}

// RedactExcerpt never grows a second time: what it masked stays as it
// wrote it.
func FuzzRedactExcerpt(f *testing.F) {
	f.Add(`password: ["hunter2isnotgood"] and GITHUB_TOKEN=ghp_qBi5LkVs8eI9jPMsuDXTR3UuWb32k3DyhZxr`)
	f.Add(`{ "api_key": "abc'def", token: \"x\" } hashedPassword = await f()`)
	f.Add("DB_PASSWORD=s3cr3t\x00PATH=/usr/bin")
	r := NewRedactor(testKey)
	f.Fuzz(func(t *testing.T, text string) {
		out := r.RedactExcerpt(text)
		if again := r.RedactExcerpt(out); again != out {
			t.Fatalf("redaction is not idempotent:\n%q\n%q", out, again)
		}
	})
}

// A value under a key that names a secret is masked on screen whether or
// not the scan reports it: simplebank's 32-digit signing key showed in the
// detail pane. Durations, placeholders and code are kept.
func TestMaskLinesMasksEverySecretSetting(t *testing.T) {
	for _, tc := range []struct{ rel, line, want string }{
		{"app.env", "TOKEN_SYMMETRIC_KEY=98765432109876543210987654321098", "TOKEN_SYMMETRIC_KEY=" + Mask},
		{"config/app.yaml", "  signing_secret: 4711", "  signing_secret: " + Mask},
		{"config/app.yaml", "access_token_duration: 15m", "access_token_duration: 15m"},
		// In an env file every value is masked, whatever its key: the
		// ones gitleaks reports by their format (a client id, a key) too,
		// and all of a value of several words, as dotenv reads it.
		{".env.example", "TWITCH_CLIENT_ID=khdxxxxxxxxxxxxxxxxxxxxxxxxvqd", "TWITCH_CLIENT_ID=" + Mask},
		{".env.example", "LASTFM_SECRET=is 9f8e7d6c5b4a39281706f5e4d3c2b1a0", "LASTFM_SECRET=" + Mask},
		{".env", "DEBUG=true", "DEBUG=true"},
		{".env", "PORT=8080", "PORT=8080"},
		{".env", "API_KEY=${API_KEY}", "API_KEY=${API_KEY}"},
		{"app.env", "DB_PASSWORD=${DB_PASSWORD}", "DB_PASSWORD=${DB_PASSWORD}"},
		{"chart/values.yaml", `  password: "{{ .Values.db.password }}"`, `  password: "{{ .Values.db.password }}"`},
		{"Makefile", "TOKEN_SYMMETRIC_KEY := 98765432109876543210987654321098", "TOKEN_SYMMETRIC_KEY := " + Mask},
		{"Makefile", "\tdocker run -e SIGNING_SECRET=4711 app", "\tdocker run -e SIGNING_SECRET=" + Mask + " app"},
		{"Makefile", "DB_PASSWORD ?= $(DB_PASSWORD)", "DB_PASSWORD ?= $(DB_PASSWORD)"},
		{"main.go", `password := os.Getenv("DB_PASSWORD")`, `password := os.Getenv("DB_PASSWORD")`},
	} {
		if got := MaskLines(tc.rel, []string{tc.line})[0]; got != tc.want {
			t.Errorf("%s: %q, want %q", tc.rel, got, tc.want)
		}
	}
}
