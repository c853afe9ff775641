// Package kubernetes checks Kubernetes manifests (YAML with apiVersion and
// kind, several documents per file) against the Pod Security Standards and
// common production-readiness rules: resources, probes, runAsNonRoot,
// read-only root filesystems, privilege escalation, privileged containers,
// hostPath, host namespaces, unpinned images and single-replica Deployments.
//
// Manifests are read into yamltree so every finding points at the line to
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
	"sort"
	"strings"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/deployfiles"
	"github.com/preflight-dev/preflight/collectors/yamltree"
	"github.com/preflight-dev/preflight/internal/repofs"
	"github.com/preflight-dev/preflight/model"
	"github.com/preflight-dev/preflight/proc"
)

const (
	Kind   = "kubernetes"
	Domain = "deployment"
)

// maxManifestBytes skips generated giants (CRD bundles, vendored charts):
// reading them on every detection would cost more than it tells.
const maxManifestBytes = 4 << 20

// Detect returns one collector per directory holding manifests.
func Detect(root string, files []string) []collectors.Collector {
	dirs := map[string]bool{}
	for _, f := range files {
		if dirs[path.Dir(f)] {
			continue
		}
		if candidate(f) && isManifest(filepath.Join(root, filepath.FromSlash(f))) {
			dirs[path.Dir(f)] = true
		}
	}
	list := make([]string, 0, len(dirs))
	for d := range dirs {
		list = append(list, d)
	}
	sort.Strings(list)
	names := collectors.TargetNames(root, list)
	out := make([]collectors.Collector, 0, len(list))
	for _, d := range list {
		out = append(out, &Collector{id: Kind + ":" + names[d], dir: d})
	}
	return out
}

// candidate reports whether a repo-relative path may be a manifest by name:
// YAML, and not a compose file or a CI configuration.
func candidate(rel string) bool {
	base := path.Base(rel)
	return deployfiles.IsYAML(base) && !deployfiles.IsComposeFile(base) && !deployfiles.IsCIConfig(rel)
}

func isManifest(abs string) bool {
	st, err := os.Stat(abs)
	if err != nil || !st.Mode().IsRegular() || st.Size() > maxManifestBytes {
		return false
	}
	src, err := os.ReadFile(abs)
	return err == nil && deployfiles.LooksLikeManifest(src)
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
	patches := map[string]bool{}
	for _, name := range []string{"kustomization.yaml", "kustomization.yml", "Kustomization"} {
		if src, err := repofs.ReadFile(root, filepath.Join(filepath.FromSlash(dir), name)); err == nil {
			for _, p := range KustomizePatches(src) {
				patches[path.Clean(p)] = true
			}
		}
	}
	var out []string
	for _, e := range entries {
		rel := path.Join(dir, e.Name())
		if e.IsDir() || !candidate(rel) || patches[e.Name()] {
			continue
		}
		if isManifest(filepath.Join(root, filepath.FromSlash(rel))) {
			out = append(out, rel)
		}
	}
	return out, nil
}

// KustomizePatches lists the files a kustomization uses as patches
// (patches, patchesStrategicMerge, patchesJson6902), relative to it.
func KustomizePatches(src []byte) []string {
	docs, err := yamltree.Parse(src)
	if err != nil || len(docs) == 0 {
		return nil
	}
	var out []string
	for _, key := range []string{"patches", "patchesStrategicMerge", "patchesJson6902"} {
		list := docs[0].Get(key)
		if list == nil || list.Kind != yamltree.Seq {
			continue
		}
		for _, it := range list.Items {
			switch it.Kind {
			case yamltree.Scalar:
				out = append(out, it.Value)
			case yamltree.Map:
				if p := it.Get("path").Text(); p != "" {
					out = append(out, p)
				}
			}
		}
	}
	return out
}

func (c *Collector) Run(ctx context.Context, req collectors.Request) model.Result {
	res := model.Result{Collector: c.id, Kind: Kind, Domain: Domain, Status: model.StatusOK, ExitCode: -1}
	files, err := Manifests(req.Root, c.dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		res.Status, res.Error = model.StatusError, err.Error()
		return res
	}
	texts := map[string]string{}
	var (
		objs     []Object
		failures []string
		evidence []string
	)
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return model.Unknown(c.id, Kind, Domain, "cancelled: "+err.Error(), "")
		}
		src, err := repofs.ReadFile(req.Root, filepath.FromSlash(f))
		if err != nil {
			failures = append(failures, fmt.Sprintf("%s: %v", f, err))
			continue
		}
		docs, err := yamltree.Parse(src)
		if err != nil {
			failures = append(failures, describeYAMLError(f, src, err))
			continue
		}
		texts[f] = string(src)
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
	var findings []model.Finding
	suppressed, total := 0, 0
	for _, f := range files {
		if _, ok := texts[f]; !ok {
			continue
		}
		kept, n, extra := deployfiles.ApplySuppressions(f, texts[f], byFile[f])
		findings = append(findings, kept...)
		findings = append(findings, extra...)
		suppressed += n
		total += workloads[f]
		evidence = append(evidence, fmt.Sprintf("%s: %d workload%s, %d finding%s, %d suppressed",
			f, workloads[f], plural(workloads[f]), len(kept)+len(extra), plural(len(kept)+len(extra)), n))
	}
	for i := range findings {
		findings[i].Collector, findings[i].Domain = c.id, Domain
	}
	sort.SliceStable(findings, func(i, j int) bool {
		a, b := findings[i], findings[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Rule < b.Rule
	})
	model.AssignIDs(findings)
	res.Findings = findings
	res.Facts = map[string]float64{"manifests": float64(len(texts)), "workloads": float64(total), "suppressed": float64(suppressed)}
	res.Command = fmt.Sprintf("parsed %d manifest%s in %s (preflight built-in rules)", len(files), plural(len(files)), c.dir)
	if len(failures) > 0 {
		res.Status = model.StatusError
		res.Error = strings.Join(firstLines(failures), "; ")
		evidence = append(evidence, failures...)
	}
	res.Output = proc.Excerpt(strings.Join(evidence, "\n"), 40)
	return res
}

// describeYAMLError renders "file:line: message" and the offending line.
func describeYAMLError(file string, src []byte, err error) string {
	var ye *yamltree.Error
	if !errors.As(err, &ye) || ye.Line == 0 {
		return fmt.Sprintf("%s: %v", file, err)
	}
	s := fmt.Sprintf("%s:%d: %s", file, ye.Line, ye.Msg)
	if lines := strings.Split(string(src), "\n"); ye.Line <= len(lines) {
		s += "\n  " + deployfiles.RedactLine(strings.TrimRight(lines[ye.Line-1], "\r"))
	}
	return s
}

func firstLines(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i], _, _ = strings.Cut(s, "\n")
	}
	return out
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
