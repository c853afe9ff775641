package api

import "testing"

func TestSlug(t *testing.T) {
	cases := map[string]string{
		"Ada":           "ada",
		"Grace  Hopper": "grace-hopper",
	}
	for in, want := range cases {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSlugEmpty(t *testing.T) {
	if got := Slug("   "); got != "" {
		t.Errorf("Slug of blanks = %q, want empty", got)
	}
}
