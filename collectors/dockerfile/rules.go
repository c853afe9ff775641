package dockerfile

import (
	"github.com/preflight-dev/preflight/collectors/rules"
	"github.com/preflight-dev/preflight/model"
	"slices"
)

// The Dockerfile rules. References name the CIS Docker Benchmark section or
// the OWASP Docker Security Cheat Sheet rule each one follows.
var (
	RuleRootUser = rules.Rule{
		ID:        "dockerfile/root-user",
		Severity:  model.Medium,
		Title:     "final stage runs as root",
		Rationale: "A process running as root in the container is root on the host if it escapes, and can modify everything in the image at run time.",
		Fix:       "Create an unprivileged user and end the final stage with USER <name> (or a non-zero UID).",
		Reference: "CIS Docker Benchmark 4.1; OWASP Docker Security Cheat Sheet rule #2",
	}
	RuleBaseImageUnpinned = rules.Rule{
		ID:        "dockerfile/base-image-unpinned",
		Severity:  model.Medium,
		Title:     "base image is not pinned to a version",
		Rationale: "An untagged or :latest base changes under you: two builds of the same commit produce different images, and a broken upstream release breaks your build.",
		Fix:       "Pin a version tag (FROM node:22.11-bookworm-slim), or better a digest (FROM node:22@sha256:…).",
		Reference: "CIS Docker Benchmark 4.2; OWASP Docker Security Cheat Sheet rule #13",
	}
	RuleBaseImageNoDigest = rules.Rule{
		ID:        "dockerfile/base-image-no-digest",
		Severity:  model.Info,
		Title:     "base image pinned by tag, not digest",
		Rationale: "A tag can be re-pushed; only a digest fixes the exact bytes you tested. Pinning digests is best practice for reproducible, auditable builds.",
		Fix:       "Add the digest: FROM image:tag@sha256:… (tools such as Renovate keep it current).",
		Reference: "CIS Docker Benchmark 4.2; OWASP Docker Security Cheat Sheet rule #13",
	}
	RuleNoHealthcheck = rules.Rule{
		ID:        "dockerfile/no-healthcheck",
		Severity:  model.Low,
		Title:     "final stage has no HEALTHCHECK",
		Rationale: "Without a health check the engine only knows whether the process exists, not whether it serves; a hung service is never restarted or taken out of rotation.",
		Fix:       "Add HEALTHCHECK CMD <probe> to the final stage (or HEALTHCHECK NONE to state that none applies).",
		Reference: "CIS Docker Benchmark 4.6",
	}
	RuleAddInsteadOfCopy = rules.Rule{
		ID:        "dockerfile/add-instead-of-copy",
		Severity:  model.Low,
		Title:     "ADD used where COPY serves",
		Rationale: "ADD also fetches URLs and unpacks archives; using it for plain files hides that behaviour from reviewers and can unpack or download more than intended.",
		Fix:       "Use COPY for local files and directories; keep ADD for remote sources or archives to unpack.",
		Reference: "CIS Docker Benchmark 4.9",
	}
	RuleSecretInEnv = rules.Rule{
		ID:        "dockerfile/secret-in-env",
		Severity:  model.High,
		Title:     "secret set with ENV",
		Rationale: "ENV values are stored in the image config: anyone who can pull the image can read them with docker inspect, and the value is committed with the Dockerfile.",
		Fix:       "Remove the value; pass it at run time (environment, orchestrator secrets) or at build time with RUN --mount=type=secret.",
		Reference: "CIS Docker Benchmark 4.10; OWASP Docker Security Cheat Sheet rule #12",
	}
	RuleSecretInArg = rules.Rule{
		ID:        "dockerfile/secret-in-arg",
		Severity:  model.High,
		Title:     "secret given a default with ARG",
		Rationale: "ARG defaults are committed with the Dockerfile and recorded in the image history (docker history), so the secret leaks to everyone with the repository or the image.",
		Fix:       "Drop the default and use a build secret: RUN --mount=type=secret,id=<name> … with docker build --secret.",
		Reference: "CIS Docker Benchmark 4.10; OWASP Docker Security Cheat Sheet rule #12",
	}
	RuleAptInstallRecommends = rules.Rule{
		ID:        "dockerfile/apt-install-recommends",
		Severity:  model.Low,
		Title:     "apt-get install without --no-install-recommends in a stage that ships",
		Rationale: "Recommended packages are rarely needed at run time; they enlarge the image and its attack surface.",
		Fix:       "apt-get install -y --no-install-recommends <packages>",
		Reference: "CIS Docker Benchmark 4.3",
	}
	RuleAptListsNotRemoved = rules.Rule{
		ID:        "dockerfile/apt-lists-not-removed",
		Severity:  model.Low,
		Title:     "apt package lists left in a layer that ships",
		Rationale: "The package index downloaded by apt-get update stays in the layer (tens of MB) unless removed in the same RUN, and goes stale anyway.",
		Fix:       "End the same RUN with && rm -rf /var/lib/apt/lists/* (or use a cache mount for /var/lib/apt/lists).",
		Reference: "CIS Docker Benchmark 4.7; Docker build best practices (apt-get)",
	}
	RuleSudo = rules.Rule{
		ID:        "dockerfile/sudo",
		Severity:  model.Medium,
		Title:     "sudo used in RUN",
		Rationale: "Build steps already run as the current USER; sudo in an image means a privilege-escalation tool is installed and configured, with unpredictable TTY and signal behaviour.",
		Fix:       "Run the step before USER switches to the unprivileged user, or use gosu/su-exec in an entrypoint when it must happen at run time.",
		Reference: "OWASP Docker Security Cheat Sheet rules #2 and #4; CIS Docker Benchmark 4.1",
	}
	RuleEnvInImage = rules.Rule{
		ID:        "dockerfile/env-in-context",
		Severity:  model.Medium,
		Title:     "the whole build context is copied and .dockerignore lets .env in",
		Rationale: "COPY . copies every file of the build context that .dockerignore does not exclude; git ignores a developer's .env, docker build does not, so an image built on their machine carries its secrets to every registry and host it reaches.",
		Fix:       "Add .env (and .env.*, then !.env.example) to the .dockerignore of the build context.",
		Reference: "Docker docs: Build context, .dockerignore files; OWASP Docker Security Cheat Sheet rule #12",
	}
	RuleEnvFileInImage = rules.Rule{
		ID:        "dockerfile/env-file-in-image",
		Severity:  model.Medium,
		Title:     "an env file is copied into the image",
		Rationale: "COPY app.env (or .env) puts the file into an image layer: every value in it ships to each registry and host the image reaches, and a later rm does not take it out of the layer.",
		Fix:       "Pass the settings when the container starts (env_file:, docker run --env-file, the platform's secret store) instead of copying the file into the image.",
		Reference: "Docker docs: Build secrets; OWASP Docker Security Cheat Sheet rule #12",
	}
	RulePipeToShell = rules.Rule{
		ID:        "dockerfile/pipe-to-shell",
		Severity:  model.Medium,
		Title:     "downloaded script piped into a shell",
		Rationale: "curl … | sh runs whatever the server returns at build time, unreviewed and unverified; a compromised or changed script ends up in your image.",
		Fix:       "Download to a file, verify its checksum or signature, then run it (or install a pinned package instead).",
		Reference: "OWASP Docker Security Cheat Sheet rule #13 (supply chain); CIS Docker Benchmark 4.11",
	}
)

// Rules lists the rules this package registers, in the order the README
// shows them.
var Rules = []rules.Rule{
	RuleRootUser, RuleBaseImageUnpinned, RuleBaseImageNoDigest, RuleNoHealthcheck,
	RuleAddInsteadOfCopy, RuleSecretInEnv, RuleSecretInArg, RuleAptInstallRecommends,
	RuleAptListsNotRemoved, RuleSudo, RulePipeToShell, RuleEnvInImage, RuleEnvFileInImage,
}

// RuleInvalid is a Dockerfile BuildKit's parser refuses: docker build stops
// there, so nothing it describes can ship.
var RuleInvalid = rules.Rule{
	ID:        "dockerfile/invalid",
	Severity:  model.Blocker,
	Title:     "Dockerfile that docker build refuses",
	Rationale: "BuildKit stops at the first instruction it cannot parse: the image cannot be built at all.",
	Fix:       "Fix the instruction at the line shown (docker build prints the same message).",
	Reference: "Dockerfile reference (docs.docker.com/reference/dockerfile)",
}

// AllRules lists every rule the family reports, for the rule catalogue.
func AllRules() []rules.Rule { return append(slices.Clone(Rules), RuleInvalid) }
