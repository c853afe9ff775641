// Package imageref reads container image references ("nginx:1.27",
// "ghcr.io/org/app@sha256:…") and holds what preflight knows about common
// images: which ones drop root by themselves and which ones are databases
// or caches. Dockerfile, compose and Kubernetes rules share it so they judge
// an image the same way.
package imageref

import (
	"path"
	"slices"
	"strings"
)

// Ref is a parsed image reference.
type Ref struct {
	Name   string // repository with registry, as written: "docker.io/library/nginx"
	Tag    string // "" when none
	Digest string // "sha256:…", "" when none
}

// Parse splits a reference into name, tag and digest. It does not validate:
// a reference that still holds a variable ("${TAG}") parses, and callers
// check Variable first.
func Parse(s string) Ref {
	s = strings.TrimSpace(s)
	var r Ref
	if i := strings.Index(s, "@"); i >= 0 {
		s, r.Digest = s[:i], s[i+1:]
	}
	// A colon after the last slash starts the tag; one before it belongs to
	// a registry port ("localhost:5000/app").
	if i := strings.LastIndex(s, ":"); i >= 0 && i > strings.LastIndex(s, "/") {
		s, r.Tag = s[:i], s[i+1:]
	}
	r.Name = s
	return r
}

// Variable reports whether a reference is not known until build or deploy
// time ("$BASE", "app:${VERSION}"), so its tag cannot be judged.
func Variable(s string) bool {
	return strings.Contains(s, "$") || strings.Contains(s, "{{")
}

// Pinned says how firmly a reference fixes what is pulled.
type Pinned int

const (
	Floating Pinned = iota // no tag, "latest", or a channel such as "alpine" or "lts": changes under you
	Tagged                 // a version tag: may be re-pushed
	Digest                 // content-addressed: never changes
)

// Pinning classifies a parsed reference.
func (r Ref) Pinning() Pinned {
	switch {
	case r.Digest != "":
		return Digest
	case r.Tag == "" || channelTag(r.Tag):
		return Floating
	}
	return Tagged
}

// channelWords name a moving channel or variant, not a version: node:alpine
// and node:lts-slim are whatever the newest release is today.
var channelWords = map[string]bool{
	"latest": true, "alpine": true, "slim": true, "lts": true, "stable": true, "current": true,
	"edge": true, "mainline": true, "nightly": true, "dev": true, "develop": true, "master": true,
	"main": true, "rolling": true, "canary": true, "beta": true, "next": true, "unstable": true,
}

// movingWords make a tag move whatever else it says: umami's
// postgresql-latest is re-pushed with every release, as latest is.
var movingWords = map[string]bool{"latest": true, "nightly": true, "canary": true, "edge": true, "rolling": true, "unstable": true}

// channelTag reports a tag made only of channel words ("alpine",
// "lts-alpine"), or one with a word that always moves
// ("postgresql-latest"); a release name such as "bookworm-slim" names a
// version.
func channelTag(tag string) bool {
	words := strings.FieldsFunc(strings.ToLower(tag), func(r rune) bool { return r == '-' || r == '_' || r == '.' })
	if slices.ContainsFunc(words, func(w string) bool { return movingWords[w] }) {
		return true
	}
	for _, w := range words {
		if !channelWords[w] {
			return false
		}
	}
	return true
}

// Repo is the repository path without registry and without the implicit
// "library/" of Docker Hub: "nginx", "bitnami/redis", "org/app".
func (r Ref) Repo() string {
	name := strings.ToLower(r.Name)
	if i := strings.Index(name, "/"); i >= 0 {
		first := name[:i]
		// A first component with a dot or a port, or "localhost", is a
		// registry host (the rule docker itself applies).
		if strings.ContainsAny(first, ".:") || first == "localhost" {
			name = name[i+1:]
		}
	}
	return strings.TrimPrefix(name, "library/")
}

// Base is the last component of the repository: "redis" for "bitnami/redis".
func (r Ref) Base() string { return path.Base(r.Repo()) }

// nonRootRepos are images whose published configuration sets a non-root
// USER, or whose entrypoint drops to an unprivileged user before running
// the server (the official database images do this with gosu/su-exec).
// A prefix ending in "/" matches a whole namespace.
var nonRootRepos = []string{
	"postgres", "mysql", "mariadb", "mongo", "redis", "valkey/valkey", "memcached",
	"rabbitmq", "elasticsearch", "elasticsearch/elasticsearch", "opensearchproject/opensearch",
	"grafana/grafana", "nginxinc/nginx-unprivileged", "keycloak/keycloak", "bitnami/", "chainguard/",
	// The Prometheus project's images end with USER nobody.
	"prom/",
	// Every Jaeger image runs as UID 10001 since 1.50 (jaegertracing/jaeger#4783),
	// and so do the OpenTelemetry Collector's, Loki's and Tempo's
	// (USER 10001 in their Dockerfiles). Promtail reads host logs as root.
	"jaegertracing/", "otel/opentelemetry-collector", "otel/opentelemetry-collector-contrib",
	"otel/opentelemetry-collector-k8s", "grafana/loki", "grafana/tempo",
	// Gitpod's workspace images end with USER gitpod (uid 33333).
	"gitpod/",
}

// nonRootTags mark variants published to run unprivileged, such as the
// distroless ":nonroot" images.
var nonRootTags = []string{"nonroot", "rootless", "unprivileged"}

// RunsAsNonRoot reports whether an image is known to run its process as an
// unprivileged user without being told to. Unknown images are assumed to
// run as root, which is the Docker default.
func (r Ref) RunsAsNonRoot() bool {
	repo := r.Repo()
	switch {
	case r.hasNonRootTag(), strings.HasSuffix(repo, "-unprivileged"), strings.HasSuffix(repo, "-rootless"):
		return true
	case strings.HasPrefix(strings.ToLower(r.Name), "cgr.dev/"):
		return true // Chainguard images default to their nonroot user
	}
	for _, p := range nonRootRepos {
		if repo == p || (strings.HasSuffix(p, "/") && strings.HasPrefix(repo, p)) {
			return true
		}
	}
	return false
}

func (r Ref) hasNonRootTag() bool {
	tag := strings.ToLower(r.Tag)
	for _, t := range nonRootTags {
		if tag == t || strings.HasPrefix(tag, t+"-") || strings.HasSuffix(tag, "-"+t) {
			return true
		}
	}
	return false
}

// datastores are the repository base names of databases, caches, search
// engines and brokers: services that hold data and are rarely meant to be
// reachable from outside the host. Exact names only, so that companion
// tools ("mongo-express", "redis-commander") do not count.
var datastores = map[string]bool{
	"postgres": true, "postgresql": true, "postgis": true, "timescaledb": true,
	"mysql": true, "mariadb": true, "percona-server": true, "mongo": true, "mongodb": true,
	"mongodb-community-server": true, "redis": true, "redis-stack": true, "redis-stack-server": true,
	"valkey": true, "keydb": true, "dragonfly": true, "memcached": true,
	"elasticsearch": true, "opensearch": true, "solr": true, "cassandra": true, "scylla": true,
	"couchdb": true, "couchbase": true, "neo4j": true, "clickhouse-server": true,
	"influxdb": true, "cockroach": true, "rabbitmq": true, "mssql-server": true,
	"etcd": true, "zookeeper": true, "kafka": true, "nats": true, "minio": true,
}

// Datastore reports whether an image is a database, cache, search engine or
// message broker, by the last component of its repository ("postgres",
// "bitnami/postgresql", "docker.elastic.co/elasticsearch/elasticsearch").
func (r Ref) Datastore() bool { return datastores[r.Base()] }
