package kubernetes

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/preflight-dev/preflight/collectors/imageref"
	"github.com/preflight-dev/preflight/collectors/rules"
	"github.com/preflight-dev/preflight/internal/yamlpos"
	"github.com/preflight-dev/preflight/model"
)

// podSpecPath is where each workload kind keeps its pod spec.
var podSpecPath = map[string][]string{
	"Pod":                   {"spec"},
	"Deployment":            {"spec", "template", "spec"},
	"StatefulSet":           {"spec", "template", "spec"},
	"DaemonSet":             {"spec", "template", "spec"},
	"ReplicaSet":            {"spec", "template", "spec"},
	"ReplicationController": {"spec", "template", "spec"},
	"Job":                   {"spec", "template", "spec"},
	"CronJob":               {"spec", "jobTemplate", "spec", "template", "spec"},
}

// Object is one Kubernetes object of a manifest.
type Object struct {
	File       string
	Kind       string
	APIVersion string
	Name       string
	Node       *yamlpos.Node
	// place maps a position of Node to the file and line it comes from,
	// for objects kustomize rendered; nil when Node is read from File.
	place func(line, col int) (string, int, int)
}

// Objects lists the objects of a manifest's documents, unpacking
// "kind: List". Documents without apiVersion and kind are not objects.
func Objects(file string, docs []*yamlpos.Node) []Object {
	var out []Object
	var visit func(n *yamlpos.Node, depth int)
	visit = func(n *yamlpos.Node, depth int) {
		kind, api := n.Get("kind").Text(), n.Get("apiVersion").Text()
		if kind == "" || api == "" {
			return
		}
		if strings.HasSuffix(kind, "List") && depth < 3 {
			if items := n.Get("items"); items != nil && items.Kind == yamlpos.Seq {
				for _, it := range items.Items {
					visit(it, depth+1)
				}
			}
			return
		}
		out = append(out, Object{File: file, Kind: kind, APIVersion: api, Name: n.Path("metadata", "name").Text(), Node: n})
	}
	for _, d := range docs {
		visit(d, 0)
	}
	return out
}

// Workload reports whether an object runs pods.
func (o Object) Workload() bool { _, ok := podSpecPath[o.Kind]; return ok }

func (o Object) label() string { return o.Kind + " " + o.Name }

// Scaled names the workloads a HorizontalPodAutoscaler manages, as
// "Kind/name", with the fewest replicas it scales them to (minReplicas,
// which defaults to 1) and where that is said: a single replica in their
// manifest is the autoscaler's business, its minimum is not.
func Scaled(objs []Object) map[string]Scaling {
	out := map[string]Scaling{}
	for _, o := range objs {
		if o.Kind != "HorizontalPodAutoscaler" {
			continue
		}
		ref := o.Node.Path("spec", "scaleTargetRef")
		min := 1
		if n, err := strconv.Atoi(o.Node.Path("spec", "minReplicas").Text()); err == nil {
			min = n
		}
		out[ref.Get("kind").Text()+"/"+ref.Get("name").Text()] = Scaling{Min: min, By: o.Name}
	}
	return out
}

// Scaling is what an autoscaler does with a workload's replicas.
type Scaling struct {
	Min int    // its minReplicas
	By  string // the autoscaler's name
}

// checker collects the findings of one object.
type checker struct {
	o        Object
	built    Built
	findings []model.Finding
}

func (c *checker) add(r rules.Rule, line, col int, format string, args ...any) {
	if line == 0 {
		line, col = c.o.Node.Line, c.o.Node.Column
	}
	file := c.o.File
	if c.o.place != nil {
		file, line, col = c.o.place(line, col)
	}
	c.findings = append(c.findings, r.Finding(file, line, col, fmt.Sprintf(format, args...)))
}

// at is the position of the deepest key of path under n that is written.
func at(n *yamlpos.Node, path ...string) (int, int) {
	line, col, _ := n.Locate(path...)
	return line, col
}

// Built are the images a build tool of the repository builds and tags at
// deploy (skaffold's artifacts), by name, with where it says so: a
// manifest names them untagged on purpose.
type Built map[string]string

// Images are the images of a workload object's containers, init
// containers included, as written.
func (o Object) Images() []string {
	path, ok := podSpecPath[o.Kind]
	if !ok {
		return nil
	}
	spec := o.Node.Path(path...)
	var out []string
	for _, group := range []string{"initContainers", "containers"} {
		for _, ctr := range spec.Get(group).List() {
			if img := ctr.Get("image"); img != nil && img.Kind == yamlpos.Scalar {
				out = append(out, img.Value)
			}
		}
	}
	return out
}

// Check applies every rule to a workload object; other objects have none.
func Check(o Object, scaled map[string]Scaling, built Built) []model.Finding {
	path, ok := podSpecPath[o.Kind]
	if !ok {
		return nil
	}
	c := &checker{o: o, built: built}
	spec := o.Node.Path(path...)
	if spec == nil || spec.Kind != yamlpos.Map {
		return nil // no pod spec: nothing that runs
	}
	job := o.Kind == "Job" || o.Kind == "CronJob"

	// A StatefulSet's replicas are as much a single point of failure as a
	// Deployment's; DaemonSets, Jobs and bare Pods have no replica count.
	if o.Kind == "Deployment" || o.Kind == "StatefulSet" {
		line, col := at(o.Node, "spec", "replicas")
		if hpa, ok := scaled[o.Kind+"/"+o.Name]; ok {
			if hpa.Min < 2 {
				c.add(RuleSingleReplica, line, col, "%s can run a single replica: HorizontalPodAutoscaler %s scales it down to minReplicas %d", o.label(), hpa.By, hpa.Min)
			}
		} else if r := o.Node.Path("spec", "replicas"); r == nil || r.Text() == "1" {
			c.add(RuleSingleReplica, line, col, "%s runs a single replica", o.label())
		}
	}
	for _, ns := range []string{"hostNetwork", "hostPID", "hostIPC"} {
		if spec.Get(ns).True() {
			p, _ := spec.Pair(ns)
			c.add(RuleHostNamespaces, p.Line, p.Column, "%s sets %s: true", o.label(), ns)
		}
	}
	if vols := spec.Get("volumes"); vols != nil && vols.Kind == yamlpos.Seq {
		for _, v := range vols.Items {
			if p, ok := v.Pair("hostPath"); ok {
				c.add(RuleHostPath, p.Line, p.Column, "%s mounts hostPath %s (volume %s)",
					o.label(), p.Value.Get("path").Text(), v.Get("name").Text())
			}
		}
	}

	podSC := spec.Get("securityContext")
	for _, group := range []string{"initContainers", "containers"} {
		list := spec.Get(group)
		if list == nil || list.Kind != yamlpos.Seq {
			continue
		}
		for _, ctr := range list.Items {
			if ctr.Kind != yamlpos.Map {
				continue
			}
			c.container(ctr, podSC, group == "initContainers", job)
		}
	}
	return c.findings
}

func (c *checker) container(ctr, podSC *yamlpos.Node, init, job bool) {
	name := ctr.Get("name").Text()
	who := fmt.Sprintf("%s: container %s", c.o.label(), name)
	if init {
		who = fmt.Sprintf("%s: init container %s", c.o.label(), name)
	}
	sc := ctr.Get("securityContext")

	if img := ctr.Get("image"); img != nil && img.Kind == yamlpos.Scalar && !imageref.Variable(img.Value) {
		if ref := imageref.Parse(img.Value); ref.Pinning() == imageref.Floating && c.built[ref.Name] == "" {
			c.add(RuleImageLatest, img.Line, img.Column, "%s uses image %s, which is not pinned", who, img.Value)
		}
	}

	if sc.Get("privileged").True() {
		p, _ := sc.Pair("privileged")
		c.add(RulePrivileged, p.Line, p.Column, "%s is privileged", who)
	}

	// A setting written with the wrong value is reported where it is
	// written; a missing one at the container, so that the suppressions
	// of one container can sit together above it.
	if ape := sc.Get("allowPrivilegeEscalation"); !ape.False() {
		line, col := c.where(ctr, sc, "allowPrivilegeEscalation")
		if ape != nil && ape.Text() != "" {
			c.add(RuleAllowPrivilegeEscalation, line, col, "%s sets allowPrivilegeEscalation: %s", who, ape.Text())
		} else {
			c.add(RuleAllowPrivilegeEscalation, line, col, "%s does not set allowPrivilegeEscalation: false", who)
		}
	}

	switch nonRoot := sc.Get("runAsNonRoot"); {
	case userIsRoot(sc):
		line, col := c.where(ctr, sc, "runAsUser")
		c.add(RuleRunAsNonRoot, line, col, "%s sets runAsUser: 0", who)
	case nonRoot != nil:
		if !nonRoot.True() {
			line, col := c.where(ctr, sc, "runAsNonRoot")
			c.add(RuleRunAsNonRoot, line, col, "%s sets runAsNonRoot: %s", who, nonRoot.Text())
		}
	case sc.Get("runAsUser") == nil && userIsRoot(podSC):
		line, col := c.where(ctr, podSC, "runAsUser")
		c.add(RuleRunAsNonRoot, line, col, "%s runs as root: the pod sets runAsUser: 0", who)
	case podSC.Get("runAsNonRoot") != nil && !podSC.Get("runAsNonRoot").True():
		line, col := c.where(ctr, podSC, "runAsNonRoot")
		c.add(RuleRunAsNonRoot, line, col, "%s may run as root: the pod sets runAsNonRoot: %s", who, podSC.Get("runAsNonRoot").Text())
	case !podSC.Get("runAsNonRoot").True():
		c.add(RuleRunAsNonRoot, ctr.Line, ctr.Column, "%s does not set runAsNonRoot: true (nor does its pod)", who)
	}

	if !sc.Get("readOnlyRootFilesystem").True() {
		line, col := c.where(ctr, sc, "readOnlyRootFilesystem")
		c.add(RuleReadOnlyRootFS, line, col, "%s does not set readOnlyRootFilesystem: true", who)
	}

	res := ctr.Get("resources")
	if res.Path("limits", "memory") == nil {
		c.add(RuleNoResourceLimits, ctr.Line, ctr.Column, "%s has no memory limit", who)
	}
	if missing := missingRequests(res.Get("requests")); missing != "" {
		c.add(RuleNoResourceRequests, ctr.Line, ctr.Column, "%s has no %s request", who, missing)
	}

	if !init && !job {
		if ctr.Get("livenessProbe") == nil {
			c.add(RuleNoLivenessProbe, ctr.Line, ctr.Column, "%s has no livenessProbe", who)
		}
		if ctr.Get("readinessProbe") == nil {
			c.add(RuleNoReadinessProbe, ctr.Line, ctr.Column, "%s has no readinessProbe", who)
		}
	}
}

// where is the position of key in parent when it is written, else the
// container's.
func (c *checker) where(ctr, parent *yamlpos.Node, key string) (int, int) {
	if p, ok := parent.Pair(key); ok {
		return p.Line, p.Column
	}
	return ctr.Line, ctr.Column
}

func userIsRoot(sc *yamlpos.Node) bool {
	return sc.Get("runAsUser").Text() == "0"
}

func missingRequests(req *yamlpos.Node) string {
	cpu, mem := req.Get("cpu") != nil, req.Get("memory") != nil
	switch {
	case !cpu && !mem:
		return "CPU or memory"
	case !cpu:
		return "CPU"
	case !mem:
		return "memory"
	}
	return ""
}
