package kubernetes

import (
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/preflight-dev/preflight/internal/repofs"
	"github.com/preflight-dev/preflight/internal/yamlpos"
)

// kustomizationNames are the file names kustomize looks for, in its order.
var kustomizationNames = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

// kustomization is what preflight needs of one kustomization file: what it
// builds on, which files it renders, and the patches and image overrides
// whose lines a finding may belong to.
type kustomization struct {
	dir, file string
	bases     []string // kustomization directories it builds on (resources, bases, components)
	files     []string // resource files it renders
	remote    string   // a resource kustomize would download; "" when all are local
	patches   []patch
	images    map[string]yamlpos.Pair // images: entries by the name they replace
	err       error                   // the file cannot be read as YAML
	// component: kind Component, which only a kustomization's
	// components: list builds; on its own it deploys nothing.
	component bool
}

// patch is one patch a kustomization applies, with the document it holds.
type patch struct {
	file       string        // where the patch text is: its own file, or the kustomization for an inline one
	doc        *yamlpos.Node // a strategic-merge document or a JSON 6902 list of operations
	line, col  int           // added to the doc's positions for an inline patch
	kind, name string        // its target, when the entry names one
}

// kustomizationIn returns the repo-relative kustomization file of dir, or
// "" when exists finds none.
func kustomizationIn(dir string, exists func(string) bool) string {
	for _, n := range kustomizationNames {
		if f := path.Join(dir, n); exists(f) {
			return f
		}
	}
	return ""
}

// isKustomization reports whether a repo-relative path names a
// kustomization file.
func isKustomization(rel string) bool {
	base := path.Base(rel)
	for _, n := range kustomizationNames {
		if base == n {
			return true
		}
	}
	return false
}

// remoteResource reports whether a resource entry is something kustomize
// would fetch (a URL or a git repository) rather than read from the tree.
func remoteResource(entry string) bool {
	if strings.Contains(entry, "://") || strings.HasPrefix(entry, "git@") || strings.Contains(entry, "?ref=") ||
		strings.Contains(entry, ".git//") || strings.Contains(entry, "_git/") {
		return true
	}
	for _, host := range []string{"github.com/", "gitlab.com/", "bitbucket.org/"} {
		if strings.HasPrefix(entry, host) {
			return true
		}
	}
	return false
}

// readKustomization reads the kustomization file of dir; exists tells
// which repo-relative files there are.
func readKustomization(root, file string, exists func(string) bool) *kustomization {
	k := &kustomization{dir: path.Dir(file), file: file, images: map[string]yamlpos.Pair{}}
	src, err := repofs.ReadFile(root, file)
	if err != nil {
		k.err = err
		return k
	}
	docs, err := yamlpos.Parse(src)
	if err != nil {
		k.err = err
		return k
	}
	if len(docs) == 0 || docs[0].Kind != yamlpos.Map {
		return k
	}
	doc := docs[0]
	k.component = doc.Get("kind").Text() == "Component"
	for _, key := range []string{"resources", "bases", "components"} {
		for _, it := range doc.Get(key).List() {
			entry := it.Text()
			switch {
			case entry == "":
			case remoteResource(entry):
				if k.remote == "" {
					k.remote = entry
				}
			default:
				p := path.Clean(path.Join(k.dir, entry))
				if kustomizationIn(p, exists) != "" {
					k.bases = append(k.bases, p)
				} else {
					k.files = append(k.files, p)
				}
			}
		}
	}
	for _, it := range doc.Get("images").List() {
		if p, ok := it.Pair("name"); ok && p.Value.Text() != "" {
			k.images[p.Value.Text()] = p
		}
	}
	for _, key := range []string{"patches", "patchesStrategicMerge", "patchesJson6902"} {
		for _, it := range doc.Get(key).List() {
			k.patches = append(k.patches, k.readPatch(root, src, it)...)
		}
	}
	return k
}

// readPatch reads one patches entry: a file, or a patch written inline.
func (k *kustomization) readPatch(root string, src []byte, it *yamlpos.Node) []patch {
	p := patch{file: k.file}
	text := it
	if it.Kind == yamlpos.Map {
		p.kind, p.name = it.Path("target", "kind").Text(), it.Path("target", "name").Text()
		text = it.Get("patch")
		if f := it.Get("path").Text(); f != "" {
			text = nil
			p.file = path.Clean(path.Join(k.dir, f))
		}
	} else if !strings.Contains(it.Text(), "\n") {
		text = nil
		p.file = path.Clean(path.Join(k.dir, it.Text()))
	}
	var body []byte
	if text != nil {
		body = []byte(text.Text())
		// The patch's own positions are offset by where its text starts.
		p.line, p.col = text.Line-1, text.Column-1
		if lines := strings.Split(string(src), "\n"); text.Block && text.Line < len(lines) {
			next := lines[text.Line] // a block's text starts on the next line, indented
			p.line, p.col = text.Line, len(next)-len(strings.TrimLeft(next, " "))
		}
	} else {
		b, err := repofs.ReadFile(root, p.file)
		if err != nil {
			return nil
		}
		body = b
	}
	docs, err := yamlpos.Parse(body)
	if err != nil {
		return nil
	}
	var out []patch
	for _, d := range docs {
		q := p
		q.doc = d
		out = append(out, q)
	}
	return out
}

// kustomizations is every kustomization of a tree, by directory.
type kustomizations map[string]*kustomization

// findKustomizations reads the kustomization files among files.
func findKustomizations(root string, files []string) kustomizations {
	set := make(map[string]bool, len(files))
	for _, f := range files {
		set[f] = true
	}
	exists := func(f string) bool { return set[f] }
	out := kustomizations{}
	for _, f := range files {
		if isKustomization(f) && out[path.Dir(f)] == nil && kustomizationIn(path.Dir(f), exists) == f {
			out[path.Dir(f)] = readKustomization(root, f, exists)
		}
	}
	return out
}

// used are the directories of the kustomizations another one builds on.
func (ks kustomizations) used() map[string]bool {
	used := map[string]bool{}
	for _, k := range ks {
		for _, b := range k.bases {
			used[b] = true
		}
	}
	return used
}

// tops are the kustomizations no other one builds on: what gets deployed.
// A component is not one: kustomize builds it only into another.
func (ks kustomizations) tops() []*kustomization {
	used := ks.used()
	var out []*kustomization
	for d, k := range ks {
		if !used[d] && !k.component {
			out = append(out, k)
		}
	}
	return out
}

// closure lists top and every kustomization it builds on, top first, each
// once (a cycle is kustomize's to report).
func (ks kustomizations) closure(top *kustomization) []*kustomization {
	seen := map[string]bool{}
	var out []*kustomization
	var visit func(k *kustomization)
	visit = func(k *kustomization) {
		if k == nil || seen[k.dir] {
			return
		}
		seen[k.dir] = true
		out = append(out, k)
		for _, b := range k.bases {
			visit(ks[b])
		}
	}
	visit(top)
	return out
}

// loadClosure reads the kustomization of dir and those it builds on from
// disk.
func loadClosure(root, dir string) []*kustomization {
	exists := func(rel string) bool {
		st, err := os.Stat(filepath.Join(root, filepath.FromSlash(rel)))
		return err == nil && st.Mode().IsRegular()
	}
	ks := kustomizations{}
	var load func(d string)
	load = func(d string) {
		if ks[d] != nil || d == ".." || strings.HasPrefix(d, "../") {
			return // outside the repository: kustomize reads it, preflight does not
		}
		f := kustomizationIn(d, exists)
		if f == "" {
			return
		}
		k := readKustomization(root, f, exists)
		ks[d] = k
		for _, b := range k.bases {
			load(b)
		}
	}
	load(dir)
	return ks.closure(ks[dir])
}

// wrapperKustomization is the kustomization preflight builds instead of
// the project's own: it renders the project's (rel, relative to the
// wrapper's directory; kustomize refuses absolute roots) and asks kustomize
// to annotate every object with the file it comes from. The project's
// files are not touched.
func wrapperKustomization(rel string) []byte {
	return []byte("resources:\n  - " + singleQuoted(rel) + "\nbuildMetadata: [originAnnotations]\n")
}

// singleQuoted is s as a YAML single-quoted scalar.
func singleQuoted(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
