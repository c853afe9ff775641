package model

import (
	"reflect"
	"testing"
)

func TestLegacyRootID(t *testing.T) {
	cases := []struct{ id, root, want string }{
		{"secrets:.", "/src/shop", "secrets:shop"},
		{"secrets:.", "/src/shop/", "secrets:shop"},
		{"coverage:./lcov.info", "/src/shop", "coverage:shop/lcov.info"},
		{"typescript:web", "/src/shop", ""},
		{"typescript:apps/web", "/src/shop", ""},
		{"secrets:.", "", ""},
		{"secrets:.", "/", ""},
		{"secrets", "/src/shop", ""},
	}
	for _, c := range cases {
		if got := LegacyRootID(c.id, c.root); got != c.want {
			t.Errorf("LegacyRootID(%q, %q) = %q, want %q", c.id, c.root, got, c.want)
		}
	}
	if !SameCollector("go:shop", "go:.", "/src/shop") || !SameCollector("go:.", "go:.", "/src/other") {
		t.Error("the old and the new form of a root id do not name the root collector")
	}
	if SameCollector("go:shop", "go:.", "/src/other") || SameCollector("go:web", "go:api", "/src/web") || SameCollector("", "go:.", "/") {
		t.Error("a key names a collector it does not name")
	}
}

// findingsOf are the findings one collector reports, fingerprinted the way
// every collector's findings are.
func findingsOf(id string) []Finding {
	fs := []Finding{
		{Collector: id, Rule: "secrets/jwt", File: "a.env", Message: "TOKEN: JSON Web Token"},
		{Collector: id, Rule: "secrets/jwt", File: "a.env", Message: "TOKEN: JSON Web Token"}, // the same twice
		{Collector: id, Rule: "secrets/jwt", File: "a.env", Message: "TOKEN: JSON Web Token"},
		{Collector: id, Rule: "secrets/aws", File: "b.yaml", Message: "KEY: AWS access key id"},
	}
	AssignIDs(fs)
	return fs
}

func TestLegacyFingerprintsAreTheOnesTheFolderNamedCollectorGave(t *testing.T) {
	now, before := findingsOf("secrets:."), findingsOf("secrets:shop")
	// Kept in another order than they were fingerprinted in.
	kept := []Finding{now[3], now[2], now[0], now[1]}
	snap := Snapshot{Root: "/home/me/shop", Collectors: []CollectorState{
		{Result: Result{Collector: "secrets:.", Findings: kept}},
		{Result: Result{Collector: "go:api", Findings: findingsOf("go:api")}},
	}}
	want := map[string]string{}
	for i := range now {
		want[now[i].ID] = before[i].ID
	}
	if got := LegacyFingerprints(snap); !reflect.DeepEqual(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
	snap.Root = "/home/me/other-clone"
	for nowID, old := range LegacyFingerprints(snap) {
		if old == want[nowID] {
			t.Errorf("%s: the fingerprint of another folder's collector", nowID)
		}
	}
}
