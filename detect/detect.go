// Package detect finds the collectors that apply to a repository by
// looking at its files once: tsconfig.json, go.mod, and so on.
package detect

import (
	"sort"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/golang"
	"github.com/preflight-dev/preflight/collectors/typescript"
	"github.com/preflight-dev/preflight/ignore"
	"github.com/preflight-dev/preflight/model"
)

// family detects the collectors of one tool family from the file list.
type family func(root string, files []string) []collectors.Collector

var families = []family{
	typescript.Detect,
	golang.Detect,
}

// Collectors lists every collector that applies to root, in display order
// (domain, then id). files are the repository's non-ignored files.
func Collectors(root string, files []string) []collectors.Collector {
	var out []collectors.Collector
	for _, f := range families {
		out = append(out, f(root, files)...)
	}
	sort.SliceStable(out, func(i, j int) bool {
		di, dj := domainRank(out[i].Domain()), domainRank(out[j].Domain())
		if di != dj {
			return di < dj
		}
		return out[i].ID() < out[j].ID()
	})
	return out
}

// Scan lists root's files through the ignore rules and detects collectors.
func Scan(root string, m *ignore.Matcher) ([]collectors.Collector, error) {
	files, err := ignore.ListFiles(root, m)
	if err != nil {
		return nil, err
	}
	return Collectors(root, files), nil
}

func domainRank(id string) int {
	for i, d := range model.Domains {
		if d.ID == id {
			return i
		}
	}
	return len(model.Domains)
}
