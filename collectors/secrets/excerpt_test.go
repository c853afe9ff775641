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
