package compose

import (
	"slices"

	"github.com/preflight-dev/preflight/collectors/rules"
	"github.com/preflight-dev/preflight/model"
)

// The compose rules, checked per service. References name the CIS Docker
// Benchmark section (container runtime, section 5) or the OWASP Docker
// Security Cheat Sheet rule each one follows.
var (
	RulePrivileged = rules.Rule{
		ID:        "compose/privileged",
		Severity:  model.High,
		Title:     "service runs privileged",
		Rationale: "privileged: true gives the container every capability and access to all host devices: escaping it is trivial, so it is root on the host.",
		Fix:       "Remove privileged: true and grant only the capabilities or devices the service needs (cap_add, devices).",
		Reference: "CIS Docker Benchmark 5.4; OWASP Docker Security Cheat Sheet rule #3",
	}
	RuleDockerSocket = rules.Rule{
		ID:        "compose/docker-socket",
		Severity:  model.High,
		Title:     "Docker socket mounted into a service",
		Rationale: "Whoever can talk to the Docker socket can start a privileged container and own the host; mounting it read-only does not change that.",
		Fix:       "Remove the docker.sock volume; if the service must see containers, put a filtering socket proxy in between.",
		Reference: "CIS Docker Benchmark 5.31; OWASP Docker Security Cheat Sheet rule #1",
	}
	RuleHostNetwork = rules.Rule{
		ID:        "compose/host-network",
		Severity:  model.Medium,
		Title:     "service shares the host network",
		Rationale: "network_mode: host removes network isolation: the service can bind any host port and reach services listening only on the host's loopback.",
		Fix:       "Use the default bridge network and publish only the ports the service serves.",
		Reference: "CIS Docker Benchmark 5.9",
	}
	RuleHostNamespace = rules.Rule{
		ID:        "compose/host-namespace",
		Severity:  model.High,
		Title:     "service shares the host's processes or shared memory",
		Rationale: "pid: host lets the service see and signal every process on the host, and read their environments (the secrets in them) as the same user; ipc: host shares the host's shared memory.",
		Fix:       "Remove pid: host and ipc: host; a service that must inspect another container can share just that one (pid: \"service:<name>\").",
		Reference: "CIS Docker Benchmark 5.15, 5.16",
	}
	RuleRootUser = rules.Rule{
		ID:        "compose/root-user",
		Severity:  model.Medium,
		Title:     "service runs as root",
		Rationale: "Without user: the container runs as its image's user, which is root unless the image says otherwise; a compromise of the process is then root in the container.",
		Fix:       "Set user: \"<uid>:<gid>\" on the service, or a non-root USER in the image's Dockerfile.",
		Reference: "CIS Docker Benchmark 4.1; OWASP Docker Security Cheat Sheet rule #2",
	}
	RuleWritableRootFS = rules.Rule{
		ID:        "compose/writable-root-fs",
		Severity:  model.Low,
		Title:     "root filesystem is writable",
		Rationale: "A read-only root filesystem stops an attacker from dropping tools or changing binaries, and makes the places the service writes explicit.",
		Fix:       "Set read_only: true and mount tmpfs or volumes where the service must write.",
		Reference: "CIS Docker Benchmark 5.12; OWASP Docker Security Cheat Sheet rule #8",
	}
	RuleNoNewPrivileges = rules.Rule{
		ID:        "compose/no-new-privileges",
		Severity:  model.Low,
		Title:     "privilege escalation not blocked",
		Rationale: "Without no-new-privileges a process can gain privileges through setuid binaries in the image.",
		Fix:       "Add security_opt: [\"no-new-privileges:true\"].",
		Reference: "CIS Docker Benchmark 5.25; OWASP Docker Security Cheat Sheet rule #4",
	}
	RuleCapDropAll = rules.Rule{
		ID:        "compose/cap-drop-all",
		Severity:  model.Low,
		Title:     "capabilities not dropped",
		Rationale: "Containers start with a default set of Linux capabilities most services never use; each one is attack surface.",
		Fix:       "Add cap_drop: [ALL] and cap_add back only what the service needs (e.g. NET_BIND_SERVICE).",
		Reference: "CIS Docker Benchmark 5.3; OWASP Docker Security Cheat Sheet rule #3",
	}
	RuleNoHealthcheck = rules.Rule{
		ID:        "compose/no-healthcheck",
		Severity:  model.Low,
		Title:     "service has no healthcheck",
		Rationale: "Without a health check, depends_on cannot wait for readiness and a hung service is never detected.",
		Fix:       "Add healthcheck: with a test that probes the service (or a HEALTHCHECK in its Dockerfile).",
		Reference: "CIS Docker Benchmark 5.26",
	}
	RuleNoResourceLimits = rules.Rule{
		ID:        "compose/no-resource-limits",
		Severity:  model.Medium,
		Title:     "service has no memory or CPU limit",
		Rationale: "One leaking or busy service can starve every other container on the host, and the kernel's OOM killer then picks victims at random.",
		Fix:       "Set deploy.resources.limits.memory and .cpus (or mem_limit and cpus).",
		Reference: "CIS Docker Benchmark 5.10 and 5.11; OWASP Docker Security Cheat Sheet rule #7",
	}
	RuleDatastorePortExposed = rules.Rule{
		ID:        "compose/datastore-port-exposed",
		Severity:  model.High,
		Title:     "database or cache published on all interfaces",
		Rationale: "A port published without a host address listens on every interface, and Docker's iptables rules bypass host firewalls such as ufw: the database is reachable from the network.",
		Fix:       "Drop the ports: entry (services reach it over the compose network) or bind it to loopback: \"127.0.0.1:5432:5432\".",
		Reference: "CIS Docker Benchmark 5.13",
	}
	RuleImageLatest = rules.Rule{
		ID:        "compose/image-latest",
		Severity:  model.Medium,
		Title:     "image not pinned to a version",
		Rationale: "An untagged or :latest image changes whenever it is pulled again: deployments are not reproducible and an upstream release can break production.",
		Fix:       "Pin a version tag (postgres:17.2), ideally with a digest (postgres:17.2@sha256:…).",
		Reference: "CIS Docker Benchmark 4.2; OWASP Docker Security Cheat Sheet rule #13",
	}
	RuleNoRestartPolicy = rules.Rule{
		ID:        "compose/no-restart-policy",
		Severity:  model.Low,
		Title:     "restart policy missing",
		Rationale: "Without restart: a crashed service or a host reboot leaves the service down until someone notices.",
		Fix:       "Set restart: unless-stopped (or on-failure), or deploy.restart_policy.",
		Reference: "CIS Docker Benchmark 5.14; OWASP Docker Security Cheat Sheet rule #7",
	}
)

// Rules lists the rules this package registers.
var Rules = []rules.Rule{
	RulePrivileged, RuleDockerSocket, RuleHostNetwork, RuleHostNamespace, RuleRootUser, RuleWritableRootFS,
	RuleNoNewPrivileges, RuleCapDropAll, RuleNoHealthcheck, RuleNoResourceLimits,
	RuleDatastorePortExposed, RuleImageLatest, RuleNoRestartPolicy,
}

// RuleInvalid is a compose configuration docker compose refuses to load:
// nothing in it can be started.
var RuleInvalid = rules.Rule{
	ID:        "compose/invalid",
	Severity:  model.Blocker,
	Title:     "compose file that docker compose refuses",
	Rationale: "docker compose stops at an invalid file (YAML error, unknown key, a setting that contradicts another): no service of the configuration starts.",
	Fix:       "Fix the key at the line shown; docker compose config prints the same error.",
	Reference: "Compose Specification (compose-spec.io)",
}

// AllRules lists every rule the family reports, for the rule catalogue.
func AllRules() []rules.Rule { return append(slices.Clone(Rules), RuleInvalid, RuleUnsetVariable) }

// RuleUnsetVariable is a configuration that is valid only once variables
// the repository does not set are given (a .env it ignores, the
// environment): without them docker compose refuses it.
var RuleUnsetVariable = rules.Rule{
	ID:        "compose/unset-variable",
	Severity:  model.Medium,
	Title:     "configuration needs variables that nothing in the repository sets",
	Rationale: "docker compose puts an empty string in place of an unset variable; here that makes the configuration invalid, so nothing starts until the variable is set in a .env the repository does not have, or in the environment.",
	Fix:       "Give a default (${VAR:-value}), mark it required with a message (${VAR:?set VAR}), or commit an example .env to copy and say so in the README.",
	Reference: "Compose Specification: interpolation",
}
