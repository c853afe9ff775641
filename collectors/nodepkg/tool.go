package nodepkg

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/Masterminds/semver/v3"
)

// Tool is an installed npm package that provides a command: what a
// collector needs to know to build a command line its version accepts and
// to tell a too-old Node from a broken project.
type Tool struct {
	Name    string // package name, "vitest"
	Version string // from its package.json, "" when unknown
	Engines string // its engines.node range, "" when it declares none
}

// Major is the major version, 0 when unknown.
func (t Tool) Major() int {
	v, err := semver.NewVersion(t.Version)
	if err != nil {
		return 0
	}
	return int(v.Major())
}

// InstalledTool reads the package behind a node_modules/.bin entry: the
// link points into the package, whose package.json is the nearest one up
// that carries the package's name.
func InstalledTool(bin, name string) Tool {
	t := Tool{Name: name}
	real, err := filepath.EvalSymlinks(bin)
	if err != nil {
		return t
	}
	for d := filepath.Dir(real); filepath.Base(d) != "node_modules" && filepath.Dir(d) != d; d = filepath.Dir(d) {
		data, err := os.ReadFile(filepath.Join(d, "package.json"))
		if err != nil {
			continue
		}
		var m struct {
			Name    string `json:"name"`
			Version string `json:"version"`
			Engines struct {
				Node string `json:"node"`
			} `json:"engines"`
		}
		if json.Unmarshal(data, &m) != nil || m.Name != name {
			continue
		}
		t.Version, t.Engines = m.Version, m.Engines.Node
		return t
	}
	return t
}

// NodeVersion is the version of the node on PATH ("20.20.2"), "" when it
// cannot be told.
func NodeVersion() string {
	out, err := exec.Command("node", "--version").Output()
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(strings.TrimSpace(string(out)), "v")
}

// NodeTooOld says why t cannot run on the given Node version, or "" when
// it can (or when either version is unknown: then the run decides).
func (t Tool) NodeTooOld(node string) string {
	if t.Engines == "" || node == "" {
		return ""
	}
	c, err := semver.NewConstraint(t.Engines)
	if err != nil {
		return ""
	}
	v, err := semver.NewVersion(node)
	if err != nil || c.Check(v) {
		return ""
	}
	return fmt.Sprintf("%s %s needs Node %s; the node on PATH is %s", t.Name, t.Version, t.Engines, node)
}
