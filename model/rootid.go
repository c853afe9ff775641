package model

import (
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"strconv"
	"strings"
)

// RootTarget is the target of a collector that covers the repository root:
// "secrets:." whatever the checkout folder is called, so a rule, an
// acknowledgment or a setting written in one clone holds in every other
// clone and worktree.
const RootTarget = "."

// LegacyRootID is the id a root collector had when root targets were named
// after the checkout folder ("secrets:." in a folder "shop" was
// "secrets:shop", and "coverage:./lcov.info" was "coverage:shop/lcov.info").
// It is "" for a collector that does not cover the root, or when the root's
// folder name is unknown.
func LegacyRootID(id, root string) string {
	kind, target, ok := strings.Cut(id, ":")
	if !ok || root == "" {
		return ""
	}
	name := filepath.Base(filepath.Clean(root))
	if name == "." || name == string(filepath.Separator) {
		return ""
	}
	switch {
	case target == RootTarget:
		return kind + ":" + name
	case strings.HasPrefix(target, RootTarget+"/"):
		return kind + ":" + name + target[len(RootTarget):]
	}
	return ""
}

// SameCollector reports whether key, as a person wrote it in a rule or a
// setting, names the collector id in the repository at root: the id itself,
// or the folder-named form a root collector had before.
func SameCollector(key, id, root string) bool {
	return key == id || (key != "" && key == LegacyRootID(id, root))
}

// LegacyFingerprints maps the fingerprint of every finding of a root
// collector to the one it had when the collector was named after the
// checkout folder, so acknowledgments and baselines written then still
// find their findings. Findings of other collectors are not in it.
func LegacyFingerprints(s Snapshot) map[string]string {
	out := map[string]string{}
	for _, c := range s.Collectors {
		legacy := LegacyRootID(c.Collector, s.Root)
		if legacy == "" {
			continue
		}
		// A fingerprint hashes its finding's key and its rank among
		// identical findings; the rank is found by trying, so the order
		// the findings are kept in does not matter.
		count := map[string]int{}
		for _, f := range c.Findings {
			count[fingerprintKey(f)]++
		}
		for _, f := range c.Findings {
			if f.Collector != c.Collector || f.ID == "" {
				continue
			}
			key := fingerprintKey(f)
			for n := range count[key] {
				if fingerprint(key, n) == f.ID {
					f.Collector = legacy
					out[f.ID] = fingerprint(fingerprintKey(f), n)
					break
				}
			}
		}
	}
	return out
}

func fingerprintKey(f Finding) string {
	return f.Collector + "\x00" + f.Rule + "\x00" + f.File + "\x00" + normalizeMessage(f.Message)
}

func fingerprint(key string, n int) string {
	sum := sha256.Sum256([]byte(key + "\x00" + strconv.Itoa(n)))
	return hex.EncodeToString(sum[:8])
}
