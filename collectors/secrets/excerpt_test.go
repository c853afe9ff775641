package secrets

import (
	"strings"
	"testing"
)

func TestRedactExcerptLeavesNoSecretWhole(t *testing.T) {
	r := NewRedactor([]byte("k"))
	secrets := []string{
		"ghp_0123456789abcdefghijABCDEFGHIJ012345",
		"s3cr3t-Passw0rd",
		"hunter2isnotgood",
		"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	}
	in := "dockerfile parse error line 3: GITHUB_TOKEN=" + secrets[0] + "\n" +
		"PATH=/usr/bin\x00DB_PASSWORD=" + secrets[1] + "\x00HOME=/root\x00" +
		"run: mytool --token=" + secrets[2] + " --verbose\n" +
		"AWS_SECRET_ACCESS_KEY: " + secrets[3] + "\n"
	got := r.RedactExcerpt(in)
	for _, s := range secrets {
		if strings.Contains(got, s) {
			t.Errorf("%q left whole in:\n%q", s, got)
		}
	}
	for _, keep := range []string{"PATH=/usr/bin", "HOME=/root", "--verbose", "dockerfile parse error line 3: GITHUB_TOKEN=[redacted"} {
		if !strings.Contains(got, keep) {
			t.Errorf("%q lost from:\n%q", keep, got)
		}
	}
	if again := r.RedactExcerpt(got); again != got {
		t.Errorf("redacting twice changes the text:\n%q\n%q", got, again)
	}
	if plain := "password: ${DB_PASSWORD} and token=<your-token>"; r.RedactExcerpt(plain) != plain {
		t.Errorf("placeholders must stay: %q", r.RedactExcerpt(plain))
	}
}

// Code in a failing test's excerpt keeps its syntax (realworld's Jest
// failures): an opening bracket, a message in quotes and a keyword are
// not values; a credential inside brackets or quotes still is.
func TestRedactExcerptReadsCodeAfterAKey(t *testing.T) {
	r := NewRedactor([]byte("k"))
	for _, keep := range []string{
		`93   throw new HttpException(422, { errors: { password: ["can't be blank"] } });`,
		`      password: [\"can't be blank\"],`,
		`156   hashedPassword = await bcrypt.hash(password, 10);`,
		`const token = new Token(user);`,
	} {
		if got := r.RedactExcerpt(keep); got != keep {
			t.Errorf("changed code:\n%q\n%q", keep, got)
		}
	}
	for _, c := range []struct{ in, secret string }{
		{`password: ["hunter2isnotgood"]`, "hunter2isnotgood"},
		{`{ "password": "s3cr3t-Passw0rd" }`, "s3cr3t-Passw0rd"},
		{`PASSWORD="it'sAsecret"`, "it'sAsecret"},
		{`api_key: 'abc123def`, "abc123def"}, // cut off before its closing quote
	} {
		got := r.RedactExcerpt(c.in)
		if strings.Contains(got, c.secret) || !strings.Contains(got, "[redacted") {
			t.Errorf("%q left whole: %q", c.secret, got)
		}
	}
}

// A path is not a token: build output with hashed names, a source file's
// location, stay readable; a random token inside a path, or a secret
// with slashes (base64), is still masked.
func TestRedactExcerptKeepsPaths(t *testing.T) {
	r := NewRedactor([]byte("k"))
	for _, keep := range []string{
		"newest output file: .next/static/Xk3mQ9pLw2ZrT7vB1nY4c/_ssgManifest.js",
		"largest: dist/assets/index-DkKq9a3B.js 183 KiB, dist/assets/vendor-BbX9c2Qd.css",
		"src/components/HeaderNav2Mobile.tsx:12:3 unused variable",
		// Dotted names in compiler and govulncheck messages.
		"./main.go:6:31: base64.RawURLEncoding.DecodeStrng undefined (type *base64.Encoding has no field or method DecodeStrng)",
		"pkg/signals/shutdown.go:66 Graceful → transport.NewHTTP2Client",
		// An identifier in a linter's message (shiori's generated API client).
		"'ApiV1UpdateAccountPayloadFromJSON' is defined but never used.",
		"'getUserProfileSettingsV2Handler' is assigned a value but never used.",
		// Failing Go subtests (pocketbase): names joined by / and -.
		"TestRecordAuthWithOAuth2/creating_user_(with_mapped_OAuth2_fields_and_avatarURL->file_field) failed",
		"TestRecordAuthWithOAuth2/plain_short_name failed: boom",
	} {
		if got := r.RedactExcerpt(keep); got != keep {
			t.Errorf("masked a path:\n%q\n%q", keep, got)
		}
	}
	for _, secret := range []string{
		"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		"uploads/Q2xvdWRGcm9udEtleVBhaXJJZDEyMzQ1Njc4OTA/report.pdf",
		"session.Q2xvdWRGcm9udEtleVBhaXJJZDEyMzQ1Njc4OTA.sig",
		// Random tokens of letters and digits only, few digits or many.
		"Kq8vZ2mXw9PbR4tYh7LcN3dFj6GsA1eU",
		"XkmVqwPzLtRbNsYhGfJdCe4a",
		"ghp_R4nd0mL00k1ngT0k3nV4lu3Abcdef123456",
		// base64url and base64 with - and / in them.
		"Xk3mQ9pLw2ZrT7vB-1nY4cHj8Kd_Wq5Rz",
		"aZ9/bY8xC7wD6vE5uF4tG3sH2rI1qJ0p",
	} {
		if got := r.RedactExcerpt("see " + secret); strings.Contains(got, secret) {
			t.Errorf("%q left whole: %q", secret, got)
		}
	}
}
