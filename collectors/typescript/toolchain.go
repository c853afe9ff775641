package typescript

import (
	"os"
	"os/exec"
	"path/filepath"

	"github.com/preflight-dev/preflight/collectors/nodepkg"
)

// toolchain is the TypeScript installation a project is checked with.
type toolchain struct {
	node string // node executable
	tsc  string // absolute path of tsc
	// fromPath: tsc was found on PATH rather than in a node_modules the
	// project can see; commands then say plain `tsc`.
	fromPath bool
	// script: tsc is a JavaScript file without its execute bit, run as
	// `node tsc`.
	script bool
	// library is the compiler API (lib/typescript.js) the watch checker
	// drives; "" for TypeScript 7, whose native compiler has no such API,
	// or when tsc on PATH is not inside a recognisable package.
	library string
	// version is the compiler's, from its package.json; "" when tsc is
	// not inside a recognisable package.
	version string
	// vue is vue-tsc's version when the project is checked with it: tsc
	// with Vue's single-file components (.vue) added, as a Vue project
	// checks itself; tsc alone cannot resolve `import App from
	// './App.vue'` and would blame the project for it.
	vue string
}

const (
	hintTypeScript = "install TypeScript: npm i -D typescript"
	hintNode       = "install Node.js so that node is on PATH: TypeScript runs on it"
)

// missingTool says why a project cannot be checked and how to fix it.
type missingTool struct{ reason, hint string }

// findToolchain prefers the project's own compiler, the nearest
// node_modules/typescript walking up from dir as node resolves it, and
// falls back to tsc on PATH.
func findToolchain(dir string) (toolchain, *missingTool) {
	node, err := exec.LookPath("node")
	if err != nil {
		return toolchain{}, &missingTool{"node not found on PATH", hintNode}
	}
	tc := toolchain{node: node}
	for d := dir; ; d = filepath.Dir(d) {
		pkg := filepath.Join(d, "node_modules", "typescript")
		if tsc := filepath.Join(pkg, "bin", "tsc"); isFile(tsc) {
			tc.tsc = tsc
			tc.script = !isExecutable(tsc)
			tc.library = libraryOf(pkg)
			tc.version = nodepkg.InstalledTool(tsc, "typescript").Version
			if vue := vueTsc(dir); vue != "" {
				// It takes tsc's options and prints tsc's diagnostics; the
				// watch checker drives tsc's API, which knows no .vue, so
				// the cockpit runs it one-shot too.
				tc.tsc, tc.script, tc.library = vue, true, ""
				tc.vue = nodepkg.InstalledTool(vue, "vue-tsc").Version
			}
			return tc, nil
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	onPath, err := exec.LookPath("tsc")
	if err != nil {
		return toolchain{}, &missingTool{"no node_modules/typescript above the project and no tsc on PATH", hintTypeScript}
	}
	tc.tsc, tc.fromPath = onPath, true
	// A global install links PATH's tsc to <package>/bin/tsc.
	if real, err := filepath.EvalSymlinks(onPath); err == nil && filepath.Base(filepath.Dir(real)) == "bin" {
		tc.library = libraryOf(filepath.Dir(filepath.Dir(real)))
	}
	tc.version = nodepkg.InstalledTool(onPath, "typescript").Version
	return tc, nil
}

// vueTsc is the nearest vue-tsc installed above dir, "" when there is none.
func vueTsc(dir string) string {
	for d := dir; ; d = filepath.Dir(d) {
		if bin := filepath.Join(d, "node_modules", "vue-tsc", "bin", "vue-tsc.js"); isFile(bin) {
			return bin
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

func libraryOf(pkg string) string {
	if lib := filepath.Join(pkg, "lib", "typescript.js"); isFile(lib) {
		return lib
	}
	return ""
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().Perm()&0o111 != 0
}
