// Package kubernetes checks Kubernetes manifests (YAML with apiVersion and
// kind, several documents per file) against the Pod Security Standards and
// common production-readiness rules: resources, probes, runAsNonRoot,
// read-only root filesystems, privilege escalation, privileged containers,
// hostPath, host namespaces, unpinned images and single-replica Deployments and StatefulSets.
//
// Manifests are read into a position tree (internal/yamlpos) so every finding points at the line to
// change. Templates (Helm charts, anything with "{{") and kustomize patches
// are not complete objects and are left out.
package kubernetes

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/deployfiles"
	"github.com/preflight-dev/preflight/collectors/filerules"
	"github.com/preflight-dev/preflight/collectors/imageref"
	"github.com/preflight-dev/preflight/internal/repofs"
	"github.com/preflight-dev/preflight/internal/yamlpos"
	"github.com/preflight-dev/preflight/model"
)

const (
	Kind   = "kubernetes"
	Domain = "deployment"
)

// maxManifestBytes skips generated giants (CRD bundles, vendored charts):
// reading them on every detection would cost more than it tells.
const maxManifestBytes = 4 << 20

// Detect returns one collector per directory holding a workload (an
// object that runs pods) or a manifest too broken to tell, and one per
// kustomization that deploys a workload and that no other kustomization
// builds on: its bases and patches are judged as kustomize renders them,
// not on their own. Directories of configuration alone (skaffold.yaml, a
// ConfigMap) have nothing the rules check, and a collector there would
// score 100 on no evidence.
func Detect(root string, files []string) []collectors.Collector {
	ks := findKustomizations(root, files)
	used := ks.used()
	// A component no kustomization builds renders nothing: its manifests
	// are checked as they are, in place (its patches stay its own).
	unused := func(k *kustomization) bool { return k != nil && k.component && !used[k.dir] }
	claimed := map[string]bool{} // rendered or applied by a kustomization
	for _, k := range ks {
		if !unused(k) {
			for _, f := range k.files {
				claimed[f] = true
			}
		}
		for _, pt := range k.patches {
			claimed[pt.file] = true
		}
	}
	var found []string
	inputs := map[string][]string{}
	for _, top := range ks.tops() {
		if closure := ks.closure(top); deploysWorkload(root, closure) {
			found = append(found, top.file)
			inputs[top.dir] = closureInputs(closure)
		}
	}
	dirs := map[string]bool{}
	var loose []string // workloads beside a kustomization that does not render them
	for _, f := range files {
		d := path.Dir(f)
		kustomized := ks[d] != nil && !unused(ks[d])
		if dirs[d] && !kustomized || claimed[f] || !candidate(f) {
			continue
		}
		if src, ok := readManifest(root, f); ok && hasWorkload(src) {
			if kustomized {
				loose = append(loose, f)
				continue
			}
			dirs[d] = true
			found = append(found, f)
		}
	}
	var out []collectors.Collector
	for _, t := range filerules.Targets(root, Kind, found) {
		c := &Collector{id: t.ID, dir: t.Dir, kustomize: inputs[t.Dir] != nil, inputs: inputs[t.Dir]}
		if k := ks[t.Dir]; unused(k) {
			c.files = k.files
			c.inputs = append([]string{collectors.EscapeGlob(k.file)}, escapeAll(k.files)...)
		}
		out = append(out, c)
	}
	// kubectl apply -k never deploys them; one the repository deploys some
	// other way (kubectl apply -f, skaffold's rawYaml) is checked as
	// written, on its own.
	var skaffold []string
	for _, f := range files {
		if deployfiles.IsSkaffoldConfig(path.Base(f)) {
			skaffold = append(skaffold, f)
		}
	}
	for _, c := range out {
		c.(*Collector).skaffold = skaffold
	}
	deployed := deployedElsewhere(root, files, loose)
	for _, f := range loose {
		if at := deployed[f]; at != "" {
			out = append(out, &Collector{id: Kind + ":" + f, dir: path.Dir(f), files: []string{f}, inputs: []string{collectors.EscapeGlob(f)},
				outside: fmt.Sprintf("%s does not render %s, %s names it", ks[path.Dir(f)].file, f, at), skaffold: skaffold})
		}
	}
	return out
}

// skaffoldArtifacts are the images the repository's skaffold configs
// build (build.artifacts, in every profile too): skaffold tags each build
// and puts the tag in the manifests it deploys.
func skaffoldArtifacts(root string, configs []string) Built {
	built := Built{}
	for _, f := range configs {
		src, err := repofs.ReadFile(root, f)
		if err != nil {
			continue
		}
		docs, err := yamlpos.Parse(src)
		if err != nil {
			continue
		}
		for _, doc := range docs {
			builds := []*yamlpos.Node{doc.Get("build")}
			for _, p := range doc.Get("profiles").List() {
				builds = append(builds, p.Get("build"))
			}
			for _, b := range builds {
				for _, a := range b.Get("artifacts").List() {
					if img := a.Get("image"); img.Text() != "" && built[img.Text()] == "" {
						built[img.Text()] = fmt.Sprintf("%s:%d", f, img.Line)
					}
				}
			}
		}
	}
	return built
}

// builtUsed names the built images objs use, with where they are built.
func builtUsed(objs []Object, built Built) []string {
	seen := map[string]bool{}
	var out []string
	for _, o := range objs {
		for _, img := range o.Images() {
			name := imageref.Parse(img).Name
			if at := built[name]; at != "" && !seen[name] {
				seen[name] = true
				out = append(out, fmt.Sprintf("%s (skaffold, %s)", name, at))
			}
		}
	}
	sort.Strings(out)
	return out
}

// deployedElsewhere finds where the repository names each of manifests
// (repo-relative) outside kustomize: a command file (a skaffold or Tilt
// config, a script, a Makefile, a CI workflow, a doc) that gives its path. It maps each
// manifest named to the first file:line that names it.
func deployedElsewhere(root string, files, manifests []string) map[string]string {
	at := map[string]string{}
	if len(manifests) == 0 {
		return at
	}
	read := 0
	for _, f := range files {
		if !deployfiles.IsCommandFile(f) {
			continue
		}
		if read++; read > deployfiles.MaxCommandFiles {
			break
		}
		src, err := repofs.ReadFile(root, f)
		if err != nil {
			continue
		}
		for i, line := range strings.Split(string(src), "\n") {
			for _, m := range manifests {
				if at[m] == "" && strings.Contains(line, m) {
					at[m] = fmt.Sprintf("%s:%d", f, i+1)
				}
			}
		}
	}
	return at
}

func escapeAll(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = collectors.EscapeGlob(p)
	}
	return out
}

// deploysWorkload reports whether the kustomizations render a workload, or
// one of them is too broken to tell.
func deploysWorkload(root string, closure []*kustomization) bool {
	for _, k := range closure {
		if k.err != nil || k.remote != "" {
			return true
		}
		for _, f := range k.files {
			if src, ok := readManifest(root, f); ok && hasWorkload(src) {
				return true
			}
		}
	}
	return false
}

// closureInputs are the files a kustomization and its bases read.
func closureInputs(closure []*kustomization) []string {
	dirs := map[string]bool{}
	var out []string
	for _, k := range closure {
		dirs[k.dir] = true
		prefix := ""
		if k.dir != "." {
			prefix = collectors.EscapeGlob(k.dir) + "/"
		}
		out = append(out, prefix+"*.yaml", prefix+"*.yml", prefix+"Kustomization")
	}
	for _, k := range closure {
		for _, f := range k.files {
			if !dirs[path.Dir(f)] {
				out = append(out, collectors.EscapeGlob(f))
			}
		}
		for _, pt := range k.patches {
			if !dirs[path.Dir(pt.file)] {
				out = append(out, collectors.EscapeGlob(pt.file))
			}
		}
	}
	return out
}

// candidate reports whether a repo-relative path may be a manifest by name:
// YAML, and not a compose file or a CI configuration.
func candidate(rel string) bool {
	base := path.Base(rel)
	return deployfiles.IsYAML(base) && !deployfiles.IsComposeFile(base) && !deployfiles.IsWorkflowFile(rel)
}

// readManifest reads a file that looks like a manifest; FIFOs, links out of
// the repository and giants are not manifests.
func readManifest(root, rel string) ([]byte, bool) {
	src, err := repofs.ReadFile(root, rel)
	if err != nil || len(src) > maxManifestBytes || !deployfiles.LooksLikeManifest(src) {
		return nil, false
	}
	return src, true
}

// hasWorkload reports whether a manifest defines an object that runs pods,
// or cannot be read at all (then the collector reports why).
func hasWorkload(src []byte) bool {
	docs, err := yamlpos.Parse(src)
	if err != nil {
		return true
	}
	for _, o := range Objects("", docs) {
		if o.Workload() {
			return true
		}
	}
	return false
}

// Collector checks the manifests of one directory, or what its
// kustomization renders. The directory is listed again on every run, so a
// manifest added next to the others is checked without a new detection.
type Collector struct {
	id        string
	dir       string
	kustomize bool
	inputs    []string
	// files, when set, are read in place of the directory's manifests:
	// the resources of a component no kustomization builds, or a
	// manifest beside a kustomization that does not list it.
	files []string
	// outside says which kustomization beside files does not render them,
	// and what deploys them instead; "" for none.
	outside string
	// skaffold are the skaffold configs, read on each run for the images
	// they build.
	skaffold []string
}

func (c *Collector) ID() string     { return c.id }
func (c *Collector) Kind() string   { return Kind }
func (c *Collector) Domain() string { return Domain }

// Cost: a kustomization is rendered by kustomize, plain manifests are
// read in-process.
func (c *Collector) Cost() collectors.Cost {
	if c.kustomize {
		return collectors.CostTool
	}
	return collectors.CostFiles
}

// Inputs are the manifests (or the kustomization and what it reads), and
// the skaffold configs that say which images are built.
func (c *Collector) Inputs() []string {
	in := c.inputs
	if in == nil {
		prefix := ""
		if c.dir != "." {
			prefix = collectors.EscapeGlob(c.dir) + "/"
		}
		in = []string{prefix + "*.yaml", prefix + "*.yml"}
	}
	return append(slices.Clip(in), escapeAll(c.skaffold)...)
}

// Manifests lists the manifest files of dir (repo-relative, sorted). A
// directory with a kustomization has none of its own: kustomize says what
// it deploys.
func Manifests(root, dir string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(root, filepath.FromSlash(dir)))
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		if isKustomization(e.Name()) {
			return nil, nil
		}
		files = append(files, path.Join(dir, e.Name()))
	}
	return manifestsOf(root, files), nil
}

// manifestsOf are the files that are manifests, in their order.
func manifestsOf(root string, files []string) []string {
	var out []string
	for _, f := range files {
		if !candidate(f) {
			continue
		}
		if _, ok := readManifest(root, f); ok {
			out = append(out, f)
		}
	}
	return out
}

func (c *Collector) Run(ctx context.Context, req collectors.Request) model.Result {
	if c.kustomize {
		return c.runKustomize(ctx, req)
	}
	files, err := Manifests(req.Root, c.dir)
	if c.files != nil {
		files, err = manifestsOf(req.Root, c.files), nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return model.Result{Collector: c.id, Kind: Kind, Domain: Domain, Status: model.StatusError, ExitCode: -1, Error: err.Error()}
	}
	run := filerules.New(req.Root)
	var objs []Object
	var read []string
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return model.Unknown(c.id, Kind, Domain, "cancelled: "+err.Error(), "")
		}
		src, ok := run.Read(f)
		if !ok {
			continue
		}
		docs, err := yamlpos.Parse(src)
		if err != nil {
			line, col, msg := 0, 0, err.Error()
			var ye *yamlpos.Error
			if errors.As(err, &ye) {
				line, col, msg = ye.Line, ye.Column, ye.Msg
			}
			run.Invalid(RuleInvalid, f, line, col, msg)
			continue
		}
		read = append(read, f)
		objs = append(objs, Objects(f, docs)...)
	}
	if c.outside != "" {
		run.Evidence = append(run.Evidence, c.outside+": checked as written")
	}
	res := c.check(run, objs, read)
	res.Command = fmt.Sprintf("parsed %s in %s (preflight built-in rules)", filerules.Plural(len(files), "manifest"), c.dir)
	return res
}

// check applies the rules to objs and reports them by file, for every file
// read (so that the suppressions of each are applied and reported).
func (c *Collector) check(run *filerules.Run, objs []Object, read []string) model.Result {
	scaled := Scaled(objs)
	var built Built
	if len(objs) > 0 {
		built = skaffoldArtifacts(run.Root, c.skaffold)
	}
	if names := builtUsed(objs, built); len(names) > 0 {
		run.Evidence = append(run.Evidence, "built and tagged at deploy, so not asked to be pinned: "+strings.Join(names, ", "))
	}
	byFile := map[string][]model.Finding{}
	workloads := map[string]int{}
	// What a dev or test overlay deploys (overlays/dev, k8s/test/) is no
	// production: shown, weighing nothing, as a dev compose stack is.
	dev := deployfiles.DevOnly(path.Join(c.dir, "kustomization.yaml"))
	if dev && len(objs) > 0 {
		run.Evidence = append(run.Evidence, c.dir+" deploys a dev/test environment: its findings are info")
	}
	for _, o := range objs {
		if o.Workload() {
			workloads[o.File]++
		}
		for _, f := range Check(o, scaled, built) {
			if dev {
				f.Severity, f.Message = model.Info, f.Message+" [dev/test environment]"
			}
			byFile[f.File] = append(byFile[f.File], f)
		}
	}
	// A kustomization's findings may sit in its patches, outside read.
	files := append([]string{}, read...)
	for f := range byFile {
		if !slices.Contains(read, f) {
			run.Read(f)
			files = append(files, f)
		}
	}
	sort.Strings(files[len(read):])
	total := 0
	for _, f := range files {
		shown, n := run.Add(f, byFile[f])
		total += workloads[f]
		run.Evidence = append(run.Evidence, fmt.Sprintf("%s: %s, %s, %d suppressed",
			f, filerules.Plural(workloads[f], "workload"), filerules.Plural(shown, "finding"), n))
	}
	res := run.Result(c.id, Kind, Domain)
	res.Facts["manifests"] = float64(len(read))
	res.Facts["workloads"] = float64(total)
	return res
}

// kustomizeHint is how to get the tool that renders kustomizations.
const kustomizeHint = "install kustomize (https://kubectl.docs.kubernetes.io/installation/kustomize/) or kubectl, which includes it"

// kustomizeTool finds kustomize, or the copy built into kubectl.
func kustomizeTool() (name string, args []string, ok bool) {
	if p, err := exec.LookPath("kustomize"); err == nil {
		return p, []string{"build"}, true
	}
	if p, err := exec.LookPath("kubectl"); err == nil {
		return p, []string{"kustomize"}, true
	}
	return "", nil, false
}

// runKustomize checks what the kustomization of c.dir renders, as
// `kubectl apply -k` would deploy it, with each finding at the line that
// decides it: in a patch, an images: entry or the base manifest. kustomize
// runs no plugin and no helm unless asked to, and a remote base is refused
// before it runs, so nothing is downloaded or executed.
func (c *Collector) runKustomize(ctx context.Context, req collectors.Request) model.Result {
	base := collectors.NewBase(c.id, Kind, Domain)
	closure := loadClosure(req.Root, c.dir)
	if len(closure) == 0 {
		return base.Unknown("no kustomization in "+c.dir+" any more", "")
	}
	top := closure[0]
	for _, k := range closure {
		if k.remote != "" {
			return base.Unknown(fmt.Sprintf("%s builds on %s, which preflight does not download", k.file, k.remote), "")
		}
	}
	tool, args, ok := kustomizeTool()
	if !ok {
		return base.Unknown("kustomize is not on PATH (nor kubectl)", kustomizeHint)
	}
	root, err := filepath.EvalSymlinks(req.Root)
	if err != nil {
		return base.Unknown("cannot resolve the repository: "+err.Error(), "")
	}
	wrapper, err := os.MkdirTemp("", "preflight-kustomize-")
	if err != nil {
		return base.Unknown("cannot create a temporary directory: "+err.Error(), "")
	}
	defer os.RemoveAll(wrapper)
	if wrapper, err = filepath.EvalSymlinks(wrapper); err != nil {
		return base.Unknown("cannot resolve a temporary directory: "+err.Error(), "")
	}
	toRoot, err := filepath.Rel(wrapper, root)
	if err == nil {
		err = os.WriteFile(filepath.Join(wrapper, "kustomization.yaml"), wrapperKustomization(filepath.ToSlash(filepath.Join(toRoot, filepath.FromSlash(c.dir)))), 0o600)
	}
	if err != nil {
		return base.Unknown("cannot write the kustomization preflight builds: "+err.Error(), "")
	}
	ran, stopped := base.Exec(ctx, req, collectors.Invocation{
		Tool: "kustomize", Dir: ".", Name: tool, Args: append(args, wrapper), StartHint: kustomizeHint,
	})
	shown := collectors.CommandLine(".", nil, path.Base(tool), append(args, c.dir)...)
	if stopped != nil {
		stopped.Command = shown
		return *stopped
	}
	run := filerules.New(req.Root)
	if ran.Out.ExitCode != 0 {
		msg := kustomizeError(string(ran.Out.Stderr), root, toRoot, wrapper)
		if ours(msg) {
			res := base.Unknown("kustomize needs what preflight does not allow: "+msg, "")
			res.Command = shown
			return res
		}
		run.Read(top.file)
		run.Invalid(RuleInvalid, top.file, 1, 1, "kustomize cannot build "+c.dir+": "+msg)
		res := c.check(run, nil, nil)
		res.Command, res.ExitCode = shown, ran.Out.ExitCode
		return res
	}
	docs, err := yamlpos.Parse(ran.Out.Stdout)
	if err != nil {
		res := base.Result()
		res.Status, res.Error, res.Command, res.Output = model.StatusError, "unreadable kustomize output: "+err.Error(), shown, ran.Excerpt(20)
		res.ExitCode = ran.Out.ExitCode
		return res
	}
	var objs []Object
	read := map[string]bool{}
	for _, o := range Objects("", docs) {
		o.File = top.file
		if f := originFile(o.Node, root, wrapper); f != "" {
			o.File = f
		}
		origin, name := originObject(run, o.File, o.Kind, o.Name)
		o.place = newPlacer(o.Node, origin, o.File, o.Kind, []string{o.Name, name}, closure).place
		objs = append(objs, o)
		read[o.File] = true
	}
	files := slices.Sorted(maps.Keys(read))
	res := c.check(run, objs, files)
	res.Command, res.ExitCode, res.Duration = shown, ran.Out.ExitCode, ran.Out.Duration
	return res
}

// originFile is the repo-relative file kustomize's origin annotation names
// (relative to the wrapper kustomization); "" when there is none (an older
// kustomize, a generated object) or it is outside the repository.
func originFile(n *yamlpos.Node, root, wrapper string) string {
	anno := n.Path("metadata", "annotations", "config.kubernetes.io/origin").Text()
	for _, line := range strings.Split(anno, "\n") {
		p, ok := strings.CutPrefix(strings.TrimSpace(line), "path:")
		if !ok {
			continue
		}
		rel, err := filepath.Rel(root, filepath.Join(wrapper, filepath.FromSlash(strings.Trim(strings.TrimSpace(p), `"'`))))
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return ""
		}
		return filepath.ToSlash(rel)
	}
	return ""
}

// kustomizeError is kustomize's complaint on one line, with paths written
// relative to the repository.
func kustomizeError(stderr, root, toRoot, wrapper string) string {
	msg := strings.TrimPrefix(strings.TrimSpace(collectors.StripANSI(stderr)), "Error: ")
	for _, p := range []string{filepath.ToSlash(toRoot) + "/", root + string(filepath.Separator), wrapper + string(filepath.Separator)} {
		msg = strings.ReplaceAll(msg, p, "")
	}
	return filerules.Clip(msg, 400)
}

// ours reports a refusal that comes from how preflight runs kustomize
// (no helm, no plugins), not from the project.
func ours(msg string) bool {
	return strings.Contains(msg, "--enable-helm") || strings.Contains(msg, "--enable-alpha-plugins") ||
		strings.Contains(msg, "plugins disabled") || strings.Contains(msg, "--enable-exec")
}

// originObject is the object as written in file, and its name there:
// the one of kind named name, or whose name a prefix or suffix turned into
// name. The file is read for its suppressions. nil when the object is not
// there (generated).
func originObject(run *filerules.Run, file, kind, name string) (*yamlpos.Node, string) {
	src, ok := run.Read(file)
	if !ok {
		return nil, ""
	}
	docs, err := yamlpos.Parse(src)
	if err != nil {
		return nil, ""
	}
	var best Object
	for _, o := range Objects(file, docs) {
		if o.Kind == kind && strings.Contains(name, o.Name) && len(o.Name) > len(best.Name) {
			best = o
		}
	}
	return best.Node, best.Name
}
