package nodepkg

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
)

// LockedBins reads the commands each package provides from a lockfile:
// package name -> its bin names. A package's commands often have another
// name than the package (@lerna-lite/cli provides lerna), and `yarn lerna`,
// `pnpm lerna` run one when no script has its name. Yarn 2+ (yarn.lock with
// __metadata) and npm (package-lock.json version 2 and later) name them.
// pnpm-lock.yaml only says that a package has commands (hasBin), and a Yarn
// 1 lockfile says nothing of them: such packages are listed with the
// commands of wellKnownBins, or with no names when they are not there, since
// then they may provide any command. An older package-lock.json gives nil.
func LockedBins(name string, data []byte) map[string][]string {
	switch name {
	case "yarn.lock":
		if !isYarnBerry(data) {
			return yarnClassicPackages(data)
		}
		return yarnBerryBins(data)
	case "pnpm-lock.yaml":
		return pnpmBinPackages(data)
	case "package-lock.json", "npm-shrinkwrap.json":
		return npmLockBins(data)
	}
	return nil
}

// yarnBerryBins scans a Yarn 2+ lockfile: an entry starts at an unindented
// `"descriptor, descriptor":` line, and its commands are the lines indented
// four spaces under `  bin:`.
func yarnBerryBins(data []byte) map[string][]string {
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

func isYarnBerry(data []byte) bool {
	return bytes.Contains(data, []byte("\n__metadata:")) || bytes.HasPrefix(data, []byte("__metadata:"))
}

// yarnClassicPackages lists every package of a Yarn 1 lockfile, whose
// entries start at an unindented `name@range, name@range:` line as Yarn 2's
// do, with no names of commands.
func yarnClassicPackages(data []byte) map[string][]string {
	out := map[string][]string{}
	for line := range strings.Lines(string(data)) {
		line = strings.TrimRight(line, "\r\n")
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, " ") {
			continue
		}
		if name := descriptorName(line); name != "" {
			out[name] = wellKnownBins[name]
		}
	}
	return out
}

// wellKnownBins are the commands of packages that lockfiles without names
// of commands often list; a package of this table provides no others. From
// the packages' own package.json "bin".
var wellKnownBins = map[string][]string{
	"typescript": {"tsc", "tsserver"}, "eslint": {"eslint"}, "prettier": {"prettier"},
	"vitest": {"vitest"}, "jest": {"jest"}, "next": {"next"}, "vite": {"vite"}, "turbo": {"turbo"},
	"nx": {"nx", "nx-cloud"}, "tsx": {"tsx"}, "tsup": {"tsup", "tsup-node"}, "esbuild": {"esbuild"}, "rollup": {"rollup"},
	"rimraf": {"rimraf"}, "husky": {"husky"}, "lint-staged": {"lint-staged"}, "prisma": {"prisma"},
	"concurrently": {"concurrently", "conc"}, "npm-run-all": {"npm-run-all", "run-p", "run-s"},
	"npm-run-all2": {"npm-run-all", "npm-run-all2", "run-p", "run-s"}, "cross-env": {"cross-env", "cross-env-shell"},
	"@playwright/test": {"playwright"}, "cypress": {"cypress"}, "@biomejs/biome": {"biome"},
	"@changesets/cli": {"changeset"}, "@manypkg/cli": {"manypkg"}, "@nestjs/cli": {"nest"},
	"@angular/cli": {"ng"}, "drizzle-kit": {"drizzle-kit"}, "webpack-cli": {"webpack-cli"},
}

// pnpmBinPackages lists the packages of a pnpm lockfile that have commands:
// the entries of its top-level packages: map, keyed `name@version` (v6 and
// v9, v6 with a leading slash) or `/name/version` (v5), whose fields
// (indented four spaces) include `hasBin: true`.
func pnpmBinPackages(data []byte) map[string][]string {
	out := map[string][]string{}
	inPackages, name := false, ""
	for line := range strings.Lines(string(data)) {
		line = strings.TrimRight(line, "\r\n")
		switch {
		case line == "":
		case !strings.HasPrefix(line, " "):
			inPackages, name = line == "packages:", ""
		case !inPackages:
		case !strings.HasPrefix(line, "   "):
			name = pnpmKeyName(strings.TrimSuffix(strings.TrimSpace(line), ":"))
		case strings.TrimSpace(line) == "hasBin: true" && name != "":
			out[name] = wellKnownBins[name]
		}
	}
	return out
}

// pnpmKeyName is the package name of a pnpm lockfile's package key: the
// name ends at the version's @ (v6, v9: '@manypkg/cli@0.20.0',
// /typescript@5.4.5(peer@1)) or at the slash before it (v5:
// /@scope/name/1.0.0, /react-dom/18.2.0_react@18.2.0).
func pnpmKeyName(key string) string {
	key = strings.TrimPrefix(strings.Trim(key, `'"`), "/")
	start := 0
	if strings.HasPrefix(key, "@") {
		slash := strings.Index(key, "/")
		if slash < 0 {
			return ""
		}
		start = slash + 1
	}
	end := strings.IndexAny(key[start:], "@/")
	if end <= 0 {
		return ""
	}
	return key[:start+end]
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
		if name == "" {
			continue
		}
		for bin := range bins {
			if bin != "" {
				out[name] = append(out[name], bin)
			}
		}
	}
	return out
}
