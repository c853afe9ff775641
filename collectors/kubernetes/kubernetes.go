// Package kubernetes checks Kubernetes manifests (YAML with apiVersion and
// kind, several documents per file) against the Pod Security Standards and
// common production-readiness rules: resources, probes, runAsNonRoot,
// read-only root filesystems, privilege escalation, privileged containers,
// hostPath, host namespaces, unpinned images and single-replica Deployments.
//
// Manifests are read into a position tree (internal/yamlpos) so every finding points at the line to
// change. Templates (Helm charts, anything with "{{") and kustomize patches
// are not complete objects and are left out.
package kubernetes

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/deployfiles"
	"github.com/preflight-dev/preflight/collectors/filerules"
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
// object that runs pods) or a manifest too broken to tell. Directories of
// configuration alone (a kustomization and its patches, skaffold.yaml, a
// ConfigMap) have nothing the rules check, and a collector there would
// score 100 on no evidence.
func Detect(root string, files []string) []collectors.Collector {
	dirs := map[string]bool{}
	var found []string
	patches := map[string]map[string]bool{}
	for _, f := range files {
		d := path.Dir(f)
		if dirs[d] || !candidate(f) {
			continue
		}
		if patches[d] == nil {
			patches[d] = kustomizePatches(root, d)
		}
		if patches[d][path.Base(f)] {
			continue
		}
		if src, ok := readManifest(root, f); ok && hasWorkload(src) {
			dirs[d] = true
			found = append(found, f)
		}
	}
	var out []collectors.Collector
	for _, t := range filerules.Targets(root, Kind, found) {
		out = append(out, &Collector{id: t.ID, dir: t.Dir})
	}
	return out
}

// candidate reports whether a repo-relative path may be a manifest by name:
// YAML, and not a compose file or a CI configuration.
func candidate(rel string) bool {
	base := path.Base(rel)
	return deployfiles.IsYAML(base) && !deployfiles.IsComposeFile(base) && !deployfiles.IsCIConfig(rel)
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

// Collector checks the manifests of one directory. The directory is listed
// again on every run, so a manifest added next to the others is checked
// without a new detection.
type Collector struct {
	id  string
	dir string
}

func (c *Collector) ID() string     { return c.id }
func (c *Collector) Kind() string   { return Kind }
func (c *Collector) Domain() string { return Domain }

func (c *Collector) Inputs() []string {
	prefix := ""
	if c.dir != "." {
		prefix = deployfiles.EscapeGlob(c.dir) + "/"
	}
	return []string{prefix + "*.yaml", prefix + "*.yml"}
}

// Manifests lists the manifest files of dir (repo-relative, sorted), leaving
// out the patches a kustomization in dir applies: they are fragments of
// objects, not objects.
func Manifests(root, dir string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(root, filepath.FromSlash(dir)))
	if err != nil {
		return nil, err
	}
	patches := kustomizePatches(root, dir)
	var out []string
	for _, e := range entries {
		rel := path.Join(dir, e.Name())
		if e.IsDir() || !candidate(rel) || patches[e.Name()] {
			continue
		}
		if _, ok := readManifest(root, rel); ok {
			out = append(out, rel)
		}
	}
	return out, nil
}

// kustomizePatches are the files of dir that its kustomization uses as
// patches.
func kustomizePatches(root, dir string) map[string]bool {
	patches := map[string]bool{}
	for _, name := range []string{"kustomization.yaml", "kustomization.yml", "Kustomization"} {
		if src, err := repofs.ReadFile(root, path.Join(dir, name)); err == nil {
			for _, p := range KustomizePatches(src) {
				patches[path.Clean(p)] = true
			}
		}
	}
	return patches
}

// KustomizePatches lists the files a kustomization uses as patches
// (patches, patchesStrategicMerge, patchesJson6902), relative to it.
func KustomizePatches(src []byte) []string {
	docs, err := yamlpos.Parse(src)
	if err != nil || len(docs) == 0 {
		return nil
	}
	var out []string
	for _, key := range []string{"patches", "patchesStrategicMerge", "patchesJson6902"} {
		list := docs[0].Get(key)
		if list == nil || list.Kind != yamlpos.Seq {
			continue
		}
		for _, it := range list.Items {
			switch it.Kind {
			case yamlpos.Scalar:
				out = append(out, it.Value)
			case yamlpos.Map:
				if p := it.Get("path").Text(); p != "" {
					out = append(out, p)
				}
			}
		}
	}
	return out
}

func (c *Collector) Run(ctx context.Context, req collectors.Request) model.Result {
	files, err := Manifests(req.Root, c.dir)
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

	scaled := Scaled(objs)
	byFile := map[string][]model.Finding{}
	workloads := map[string]int{}
	for _, o := range objs {
		if o.Workload() {
			workloads[o.File]++
		}
		byFile[o.File] = append(byFile[o.File], Check(o, scaled)...)
	}
	total := 0
	for _, f := range read {
		shown, n := run.Add(f, byFile[f])
		total += workloads[f]
		run.Evidence = append(run.Evidence, fmt.Sprintf("%s: %s, %s, %d suppressed",
			f, filerules.Plural(workloads[f], "workload"), filerules.Plural(shown, "finding"), n))
	}
	res := run.Result(c.id, Kind, Domain)
	res.Facts["manifests"] = float64(len(read))
	res.Facts["workloads"] = float64(total)
	res.Command = fmt.Sprintf("parsed %s in %s (preflight built-in rules)", filerules.Plural(len(files), "manifest"), c.dir)
	return res
}
