package ui

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestCapText(t *testing.T) {
	if got := capText("short", 10); got != "short" {
		t.Fatalf("short text changed: %q", got)
	}
	long := strings.Repeat("é", 10) // 20 bytes
	got := capText(long, 5)
	if !utf8.ValidString(got) || !strings.HasPrefix(got, "éé\n… 16 more bytes") {
		t.Fatalf("capText cut badly: %q", got)
	}
}

func TestShortPath(t *testing.T) {
	cases := []struct {
		root, home string
		max        int
		want       string
	}{
		{"/home/ada/src/shop", "/home/ada", 40, "~/src/shop"},
		{"/home/ada", "/home/ada", 40, "~"},
		{"/home/adam/shop", "/home/ada", 40, "/home/adam/shop"},
		{"/srv/build/workspace/team/shop", "", 16, "…/team/shop"},
		{"/srv/averyveryverylongname", "", 8, "averyve…"},
	}
	for _, tc := range cases {
		if got := shortPath(tc.root, tc.home, tc.max); got != tc.want {
			t.Errorf("shortPath(%q, %q, %d) = %q, want %q", tc.root, tc.home, tc.max, got, tc.want)
		}
	}
}

func TestDurationAndAgo(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "", 850 * time.Millisecond: "850ms", 4100 * time.Millisecond: "4.1s",
		125 * time.Second: "2m05s", 3*time.Hour + 5*time.Minute: "3h05m",
	} {
		if got := duration(d); got != want {
			t.Errorf("duration(%v) = %q, want %q", d, got, want)
		}
	}
	now := time.Date(2026, 3, 14, 14, 5, 0, 0, time.UTC)
	for d, want := range map[time.Duration]string{
		-time.Second: "just now", 2 * time.Second: "just now", 42 * time.Second: "42s ago",
		3 * time.Minute: "3m ago", 5 * time.Hour: "5h ago", 72 * time.Hour: "3d ago",
	} {
		if got := ago(now, now.Add(-d)); got != want {
			t.Errorf("ago(%v) = %q, want %q", d, got, want)
		}
	}
	if got := clock(now, now.Add(-time.Hour)); got != "13:05:00" {
		t.Errorf("same-day clock = %q", got)
	}
	if got := clock(now, now.Add(-26*time.Hour)); got != "2026-03-13 12:05" {
		t.Errorf("older clock = %q", got)
	}
}

func TestWrapKeepsIndentation(t *testing.T) {
	got := wrap("Type 'x' is not assignable to type 'y'.\n    Nested reason that is rather long", 20)
	want := []string{"Type 'x' is not", "assignable to type", "'y'.", "    Nested reason", "    that is rather", "    long"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("wrap = %q, want %q", got, want)
	}
}

func TestSanitize(t *testing.T) {
	in := "a\x1b[31mred\x1b[0m\tb\r\nc\x07\xd7\x1b[2J"
	if got := sanitize(in); got != "ared    b\nc\uFFFD" {
		t.Fatalf("sanitize = %q", got)
	}
}
