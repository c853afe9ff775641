package kubernetes

import (
	"github.com/preflight-dev/preflight/collectors/rules"
	"github.com/preflight-dev/preflight/model"
	"slices"
)

// The Kubernetes rules, checked per workload and container. References name
// the Pod Security Standards level and control where there is one.
var (
	RuleNoResourceLimits = rules.Rule{
		ID:        "k8s/no-resource-limits",
		Severity:  model.Medium,
		Title:     "container has no memory limit",
		Rationale: "A container without a memory limit can take the node's memory and get other pods evicted. (CPU limits are not required: they throttle, and many teams set only requests.)",
		Fix:       "Set resources.limits.memory on the container.",
		Reference: "Kubernetes docs: Resource Management for Pods and Containers; NSA/CISA Kubernetes Hardening Guide",
	}
	RuleNoResourceRequests = rules.Rule{
		ID:        "k8s/no-resource-requests",
		Severity:  model.Low,
		Title:     "container has no CPU or memory request",
		Rationale: "The scheduler places pods by their requests; without them pods land on full nodes and are the first to be evicted (BestEffort QoS).",
		Fix:       "Set resources.requests.cpu and resources.requests.memory to what the container normally uses.",
		Reference: "Kubernetes docs: Resource Management for Pods and Containers; Pod Quality of Service Classes",
	}
	RuleNoLivenessProbe = rules.Rule{
		ID:        "k8s/no-liveness-probe",
		Severity:  model.Low,
		Title:     "container has no liveness probe",
		Rationale: "Without a liveness probe a deadlocked process keeps its pod Running forever; the kubelet only restarts containers that exit.",
		Fix:       "Add livenessProbe (httpGet, tcpSocket, grpc or exec) that fails when the process is stuck.",
		Reference: "Kubernetes docs: Configure Liveness, Readiness and Startup Probes",
	}
	RuleNoReadinessProbe = rules.Rule{
		ID:        "k8s/no-readiness-probe",
		Severity:  model.Low,
		Title:     "container has no readiness probe",
		Rationale: "Without a readiness probe a pod receives traffic as soon as it starts, before it can serve, and during rollouts requests fail.",
		Fix:       "Add readinessProbe that succeeds only when the container can serve requests.",
		Reference: "Kubernetes docs: Configure Liveness, Readiness and Startup Probes",
	}
	RuleRunAsNonRoot = rules.Rule{
		ID:        "k8s/run-as-non-root",
		Severity:  model.Medium,
		Title:     "container may run as root",
		Rationale: "Unless runAsNonRoot is true the container runs as whatever user its image names, usually root; the kubelet then refuses nothing.",
		Fix:       "Set securityContext.runAsNonRoot: true (on the pod or the container) and a non-zero runAsUser if the image has no USER.",
		Reference: "Pod Security Standards, Restricted: Running as Non-root",
	}
	RuleReadOnlyRootFS = rules.Rule{
		ID:        "k8s/read-only-root-fs",
		Severity:  model.Low,
		Title:     "root filesystem is writable",
		Rationale: "A read-only root filesystem stops an attacker from writing tools or changing binaries in the container.",
		Fix:       "Set securityContext.readOnlyRootFilesystem: true and mount emptyDir volumes where the container writes.",
		Reference: "NSA/CISA Kubernetes Hardening Guide (immutable container file systems); CIS Docker Benchmark 5.12",
	}
	RuleAllowPrivilegeEscalation = rules.Rule{
		ID:        "k8s/allow-privilege-escalation",
		Severity:  model.Medium,
		Title:     "privilege escalation not disabled",
		Rationale: "Unless allowPrivilegeEscalation is false a process can gain more privileges than its parent through setuid binaries.",
		Fix:       "Set securityContext.allowPrivilegeEscalation: false on the container.",
		Reference: "Pod Security Standards, Restricted: Privilege Escalation",
	}
	RulePrivileged = rules.Rule{
		ID:        "k8s/privileged",
		Severity:  model.High,
		Title:     "privileged container",
		Rationale: "A privileged container has every capability and all host devices: it is root on the node.",
		Fix:       "Remove securityContext.privileged: true; add only the capabilities the container needs.",
		Reference: "Pod Security Standards, Baseline: Privileged Containers",
	}
	RuleHostPath = rules.Rule{
		ID:        "k8s/host-path",
		Severity:  model.High,
		Title:     "hostPath volume",
		Rationale: "A hostPath volume exposes the node's filesystem to the pod: credentials, the container runtime socket, other pods' data.",
		Fix:       "Use a PersistentVolumeClaim, emptyDir, ConfigMap or Secret instead of hostPath.",
		Reference: "Pod Security Standards, Baseline: HostPath Volumes",
	}
	RuleHostNamespaces = rules.Rule{
		ID:        "k8s/host-namespaces",
		Severity:  model.High,
		Title:     "pod shares a host namespace",
		Rationale: "hostNetwork, hostPID or hostIPC remove isolation from the node: the pod sees the node's network, processes or shared memory.",
		Fix:       "Remove hostNetwork, hostPID and hostIPC (or set them to false).",
		Reference: "Pod Security Standards, Baseline: Host Namespaces",
	}
	RuleImageLatest = rules.Rule{
		ID:        "k8s/image-latest",
		Severity:  model.Medium,
		Title:     "image not pinned to a version",
		Rationale: "An untagged or :latest image differs from node to node and from rollout to rollout; rollbacks do not roll back.",
		Fix:       "Pin a version tag, ideally with a digest: image: app:1.4.2@sha256:…",
		Reference: "Kubernetes docs: Configuration Best Practices (container images)",
	}
	RuleSingleReplica = rules.Rule{
		ID:        "k8s/single-replica",
		Severity:  model.Info,
		Title:     "Deployment or StatefulSet runs a single replica",
		Rationale: "One replica means downtime on every rollout, node drain or crash; services meant to be highly available need at least two (and a PodDisruptionBudget).",
		Fix:       "Set spec.replicas to 2 or more, or let a HorizontalPodAutoscaler manage it with minReplicas: 2 or more.",
		Reference: "Kubernetes docs: Configure a PodDisruptionBudget; production readiness checklists",
	}
)

// Rules lists the rules this package registers.
var Rules = []rules.Rule{
	RuleNoResourceLimits, RuleNoResourceRequests, RuleNoLivenessProbe, RuleNoReadinessProbe,
	RuleRunAsNonRoot, RuleReadOnlyRootFS, RuleAllowPrivilegeEscalation, RulePrivileged,
	RuleHostPath, RuleHostNamespaces, RuleImageLatest, RuleSingleReplica,
}

// RuleInvalid is a manifest that is not valid YAML: kubectl apply refuses
// the whole file, so none of its objects is deployed.
var RuleInvalid = rules.Rule{
	ID:        "k8s/invalid",
	Severity:  model.Blocker,
	Title:     "manifest that kubectl cannot read",
	Rationale: "kubectl apply stops at a YAML error: none of the file's objects is created or updated.",
	Fix:       "Fix the YAML at the line shown (kubectl apply --dry-run=client -f FILE prints the same error).",
}

// AllRules lists every rule the family reports, for the rule catalogue.
func AllRules() []rules.Rule { return append(slices.Clone(Rules), RuleInvalid) }
