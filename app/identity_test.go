package app

import "testing"

// The ways of reaching one repository name it alike; other repositories
// differ.
func TestRemoteName(t *testing.T) {
	for url, want := range map[string]string{
		"https://github.com/acme/shop.git":        "github.com/acme/shop",
		"https://github.com/Acme/Shop":            "github.com/acme/shop",
		"git@github.com:acme/shop.git":            "github.com/acme/shop",
		"ssh://git@github.com/acme/shop.git":      "github.com/acme/shop",
		"https://token@github.com/acme/shop.git/": "github.com/acme/shop",
		"https://gitlab.com/acme/shop":            "gitlab.com/acme/shop",
		"/srv/git/shop.git":                       "/srv/git/shop",
		"https://github.com/mallory/shop.git":     "github.com/mallory/shop",
	} {
		if got := remoteName(url); got != want {
			t.Errorf("remoteName(%q) = %q, want %q", url, got, want)
		}
	}
}
