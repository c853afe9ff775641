package secrets

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// Seen on real repositories: scopes and template words that are not
// secrets, and defaults in code that are.
func TestPrecisionOnRealShapes(t *testing.T) {
	cases := []struct {
		file string
		want []string // "line:col key rule"
	}{
		// permissions: id-token: write is a scope, not a hard-coded token.
		{".github/workflows/release.yml", nil},
		// ALL-CAPS words, <…> and your-…-here in a template are what to fill in.
		{".env.example", nil},
		{"src/config.ts", []string{
			"5:41 ADMIN_PASSWORD secrets/default-credential",
			"6:37 ADMIN_USER secrets/default-credential",
			"7:45 JWT_SECRET secrets/default-credential",
			"14:33 DB_USER secrets/default-credential",
			"15:41 DB_PASSWORD secrets/default-credential",
		}},
		{"src/settings.py", []string{"3:41 DB_PASSWORD secrets/default-credential"}},
		// A component's script: SvelteKit's and Vite's env objects.
		{"src/routes/+page.server.svelte", []string{
			"3:39 DB_PASSWORD secrets/default-credential",
			"5:53 VITE_ADMIN_TOKEN secrets/default-credential",
		}},
		// Go: a setting's or a flag's default, an env reader's fallback.
		{"cmd/server/main.go", []string{
			"13:34 jwt-secret secrets/default-credential",
			"17:40 db-password secrets/default-credential",
			"21:46 admin-user secrets/default-credential",
			"23:39 SESSION_SECRET secrets/default-credential",
			"24:48 ADMIN_PASSWORD secrets/default-credential",
			"27:50 webhook-secret secrets/default-credential",
		}},
	}
	r := NewRedactor(testKey)
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "precision", filepath.FromSlash(tc.file)))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range ScanFile(tc.file, data, r).Hits {
				got = append(got, itoa(h.Line)+":"+itoa(h.Column)+" "+h.Key+" "+h.Rule)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("hits\n got %q\nwant %q", got, tc.want)
			}
		})
	}
	// The same URL outside a template is still a finding.
	if hits := ScanFile(".env", []byte("DATABASE_URL=postgresql://app:Sup3rS3cret@db/shop\n"), r).Hits; len(hits) != 1 {
		t.Errorf("real URL credentials: %+v", hits)
	}
}
