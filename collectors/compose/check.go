package compose

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/preflight-dev/preflight/collectors/dockerfile"
	"github.com/preflight-dev/preflight/collectors/imageref"
	"github.com/preflight-dev/preflight/collectors/rules"
)

// Issue is one rule a service breaks. Keys say where under
// services.<Service> the problem sits ("privileged", "ports"); when that
// key is not written anywhere (a missing setting) the service itself is
// the place to fix it.
type Issue struct {
	Rule    rules.Rule
	Service string
	Keys    []string
	Message string
}

// BuiltImage tells what the image a service runs does, read from the
// Dockerfile it is built from; ok is false when that cannot be known (not
// built here, unreadable or invalid Dockerfile).
type BuiltImage func(svc types.ServiceConfig) (im dockerfile.Image, ok bool)

// Check applies every rule to every service of a loaded project, in
// service name order. jobs are the services the project runs to
// completion (Usage.Jobs): a restart policy or a healthcheck is not asked
// of them.
func Check(p *types.Project, built BuiltImage, jobs map[string]string) []Issue {
	names := slices.Sorted(maps.Keys(p.Services))
	var out []Issue
	for _, n := range names {
		_, job := jobs[n]
		out = append(out, checkService(p.Services[n], built, job)...)
	}
	return out
}

func checkService(s types.ServiceConfig, built BuiltImage, job bool) []Issue {
	var out []Issue
	add := func(r rules.Rule, key, format string, args ...any) {
		var keys []string
		if key != "" {
			keys = []string{key}
		}
		out = append(out, Issue{Rule: r, Service: s.Name, Keys: keys, Message: fmt.Sprintf(format, args...)})
	}
	var im dockerfile.Image
	haveImage := false
	if built != nil {
		im, haveImage = built(s)
	}
	ref := imageref.Parse(s.Image)

	if s.Privileged {
		add(RulePrivileged, "privileged", "service %s runs privileged", s.Name)
	}
	for _, v := range s.Volumes {
		if isEngineSocket(v.Source) {
			add(RuleDockerSocket, "volumes", "service %s mounts the engine socket %s", s.Name, v.Source)
		}
	}
	if s.NetworkMode == "host" {
		add(RuleHostNetwork, "network_mode", "service %s uses network_mode: host", s.Name)
	}
	if s.Pid == "host" {
		add(RuleHostNamespace, "pid", "service %s shares the host's process namespace (pid: host)", s.Name)
	}
	if s.Ipc == "host" {
		add(RuleHostNamespace, "ipc", "service %s shares the host's IPC namespace (ipc: host)", s.Name)
	}

	switch {
	case s.User != "" && rootUser(s.User):
		add(RuleRootUser, "user", "service %s sets user: %s", s.Name, s.User)
	case s.User != "":
	case haveImage && !im.RunsAsRoot():
	case s.Build != nil:
		add(RuleRootUser, "", "service %s runs as root: no user: and its Dockerfile does not switch to an unprivileged USER", s.Name)
	case haveImage:
		add(RuleRootUser, "", "service %s runs as root: no user: and image %s, built from this repository's Dockerfile, does not switch to an unprivileged USER", s.Name, s.Image)
	case !ref.RunsAsNonRoot():
		add(RuleRootUser, "", "service %s runs as root: no user: and image %s is not known to drop root", s.Name, s.Image)
	}

	if !s.ReadOnly {
		add(RuleWritableRootFS, "read_only", "service %s has a writable root filesystem (read_only is not true)", s.Name)
	}
	if !noNewPrivileges(s.SecurityOpt) {
		add(RuleNoNewPrivileges, "security_opt", "service %s does not set security_opt no-new-privileges:true", s.Name)
	}
	if !dropsAll(s.CapDrop) {
		add(RuleCapDropAll, "cap_drop", "service %s does not drop all capabilities (cap_drop: [ALL])", s.Name)
	}

	if !job && !healthChecked(s, im, haveImage) {
		add(RuleNoHealthcheck, "healthcheck", "service %s has no healthcheck", s.Name)
	}

	if missing := missingLimits(s); missing != "" {
		add(RuleNoResourceLimits, "deploy", "service %s has no %s limit", s.Name, missing)
	}

	if s.Image != "" && ref.Datastore() {
		if open := openPorts(s.Ports); len(open) > 0 {
			add(RuleDatastorePortExposed, "ports", "service %s (%s) publishes %s on all interfaces",
				s.Name, ref.Base(), strings.Join(open, ", "))
		}
	}

	if s.Build == nil && s.Image != "" && !imageref.Variable(s.Image) && ref.Pinning() == imageref.Floating {
		how := "has no tag"
		if ref.Tag != "" {
			how = "uses :" + ref.Tag
		}
		add(RuleImageLatest, "image", "service %s image %s %s", s.Name, s.Image, how)
	}

	if !job && s.Restart == "" && (s.Deploy == nil || s.Deploy.RestartPolicy == nil) {
		add(RuleNoRestartPolicy, "restart", "service %s has no restart policy", s.Name)
	}
	return out
}

func rootUser(u string) bool {
	name, _, _ := strings.Cut(strings.TrimSpace(u), ":")
	return name == "root" || name == "0"
}

// isEngineSocket recognises the control sockets of container engines:
// access to any of them is control of the host.
func isEngineSocket(src string) bool {
	for _, s := range []string{"docker.sock", "podman.sock", "containerd.sock"} {
		if src == s || strings.HasSuffix(src, "/"+s) {
			return true
		}
	}
	return false
}

func noNewPrivileges(opts []string) bool {
	for _, o := range opts {
		o = strings.ReplaceAll(strings.TrimSpace(o), "=", ":")
		if o == "no-new-privileges" || o == "no-new-privileges:true" {
			return true
		}
	}
	return false
}

func dropsAll(caps []string) bool {
	for _, c := range caps {
		if strings.EqualFold(strings.TrimPrefix(strings.ToUpper(c), "CAP_"), "ALL") {
			return true
		}
	}
	return false
}

// healthChecked reports whether a service's health is checked: a
// healthcheck in compose, one in the Dockerfile it builds, or an explicit
// decision to have none (disable: true, HEALTHCHECK NONE).
func healthChecked(s types.ServiceConfig, im dockerfile.Image, haveImage bool) bool {
	if hc := s.HealthCheck; hc != nil {
		return true // a test, or disable: true / test: ["NONE"]: decided either way
	}
	return haveImage && (im.Healthcheck || im.NoneCheck)
}

// missingLimits names the limits a service lacks: "memory", "CPU",
// "memory or CPU", or "".
func missingLimits(s types.ServiceConfig) string {
	mem := s.MemLimit > 0
	cpu := s.CPUS > 0
	if s.Deploy != nil && s.Deploy.Resources.Limits != nil {
		mem = mem || s.Deploy.Resources.Limits.MemoryBytes > 0
		cpu = cpu || s.Deploy.Resources.Limits.NanoCPUs > 0
	}
	switch {
	case !mem && !cpu:
		return "memory or CPU"
	case !mem:
		return "memory"
	case !cpu:
		return "CPU"
	}
	return ""
}

// openPorts lists the published ports that listen on every host
// interface: no host address, or the wildcard one.
func openPorts(ports []types.ServicePortConfig) []string {
	var out []string
	for _, p := range ports {
		switch p.HostIP {
		case "", "0.0.0.0", "::", "[::]":
		default:
			continue
		}
		if p.Published == "" {
			out = append(out, fmt.Sprint(p.Target)) // a random host port
		} else {
			out = append(out, fmt.Sprintf("%s:%d", p.Published, p.Target))
		}
	}
	return out
}
