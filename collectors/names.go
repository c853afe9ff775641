package collectors

import (
	"path"

	"github.com/preflight-dev/preflight/model"
)

// TargetNames names each directory for collector ids ("kind:target"): its
// base name, which is what people call a package or service ("web"); the
// repository root is model.RootTarget, whatever the checkout folder is
// called; names that would collide fall back to the repo-relative
// directory, which is unique.
func TargetNames(dirs []string) map[string]string {
	short := func(dir string) string {
		if dir == "." {
			return model.RootTarget
		}
		return path.Base(dir)
	}
	count := map[string]int{}
	for _, d := range dirs {
		count[short(d)]++
	}
	names := make(map[string]string, len(dirs))
	for _, d := range dirs {
		n := short(d)
		if count[n] > 1 {
			n = d
		}
		names[d] = n
	}
	return names
}
