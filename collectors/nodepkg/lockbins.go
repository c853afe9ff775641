package nodepkg

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
)

// LockedBins reads the commands each package provides from a lockfile that
// records them: package name -> its bin names. A package's commands often
// have another name than the package (@lerna-lite/cli provides lerna), and
// `yarn lerna`, `pnpm lerna` run one when no script has its name. Yarn 2+
// (yarn.lock with __metadata) and npm (package-lock.json version 2 and
// later) keep them; a Yarn 1 lockfile, an older package-lock.json and
// pnpm-lock.yaml do not, and give nil.
func LockedBins(name string, data []byte) map[string][]string {
	switch name {
	case "yarn.lock":
		return yarnBerryBins(data)
	case "package-lock.json", "npm-shrinkwrap.json":
		return npmLockBins(data)
	}
	return nil
}

// yarnBerryBins scans a Yarn 2+ lockfile: an entry starts at an unindented
// `"descriptor, descriptor":` line, and its commands are the lines indented
// four spaces under `  bin:`.
func yarnBerryBins(data []byte) map[string][]string {
	if !bytes.Contains(data, []byte("\n__metadata:")) && !bytes.HasPrefix(data, []byte("__metadata:")) {
		return nil
	}
	out := map[string][]string{}
	pkg, inBin := "", false
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
			continue
		case !strings.HasPrefix(line, " "):
			pkg, inBin = descriptorName(line), false
		case line == "  bin:":
			inBin = true
		case inBin && strings.HasPrefix(line, "    ") && !strings.HasPrefix(line, "     "):
			bin, _, ok := strings.Cut(strings.TrimSpace(line), ":")
			if bin = strings.Trim(bin, `"`); ok && pkg != "" && bin != "" {
				out[pkg] = append(out[pkg], bin)
			}
		case !strings.HasPrefix(line, "    "):
			inBin = false
		}
	}
	return out
}

// descriptorName is the package name of a Yarn 2+ entry's header,
// `"@lerna-lite/cli@npm:4.11.5, @lerna-lite/cli@npm:^4.11.5":` ->
// @lerna-lite/cli; "" for __metadata and anything else.
func descriptorName(header string) string {
	first, _, _ := strings.Cut(strings.TrimSuffix(header, ":"), ",")
	first = strings.Trim(strings.TrimSpace(first), `"`)
	at := strings.Index(first[min(1, len(first)):], "@")
	if at < 0 {
		return ""
	}
	return first[:at+min(1, len(first))]
}

// npmLockBins reads package-lock.json's "packages": each
// "node_modules/<name>" entry with a "bin" object.
func npmLockBins(data []byte) map[string][]string {
	var lock struct {
		Packages map[string]struct {
			Bin json.RawMessage `json:"bin"`
		} `json:"packages"`
	}
	if json.Unmarshal(data, &lock) != nil {
		return nil
	}
	out := map[string][]string{}
	for key, p := range lock.Packages {
		i := strings.LastIndex(key, "node_modules/")
		if i < 0 || len(p.Bin) == 0 {
			continue
		}
		var bins map[string]string
		if json.Unmarshal(p.Bin, &bins) != nil {
			continue
		}
		name := key[i+len("node_modules/"):]
		for bin := range bins {
			out[name] = append(out[name], bin)
		}
	}
	return out
}
