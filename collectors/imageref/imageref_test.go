package imageref

import "testing"

func TestParse(t *testing.T) {
	cases := []struct {
		in                string
		name, tag, digest string
		repo, base        string
		pin               Pinned
	}{
		{"nginx", "nginx", "", "", "nginx", "nginx", Floating},
		{"nginx:latest", "nginx", "latest", "", "nginx", "nginx", Floating},
		{"nginx:LATEST", "nginx", "LATEST", "", "nginx", "nginx", Floating},
		{"node:alpine", "node", "alpine", "", "node", "node", Floating},
		{"node:lts-slim", "node", "lts-slim", "", "node", "node", Floating},
		{"debian:bookworm-slim", "debian", "bookworm-slim", "", "debian", "debian", Tagged},
		// A tag with a word that always moves is floating (umami).
		{"ghcr.io/umami-software/umami:postgresql-latest", "ghcr.io/umami-software/umami", "postgresql-latest", "", "umami-software/umami", "umami", Floating},
		{"alpine:3.20-edge", "alpine", "3.20-edge", "", "alpine", "alpine", Floating},
		{"postgres:16-bookworm", "postgres", "16-bookworm", "", "postgres", "postgres", Tagged},
		{"node:20-alpine", "node", "20-alpine", "", "node", "node", Tagged},
		{"nginx:1.27", "nginx", "1.27", "", "nginx", "nginx", Tagged},
		{"docker.io/library/postgres:17", "docker.io/library/postgres", "17", "", "postgres", "postgres", Tagged},
		{"localhost:5000/app", "localhost:5000/app", "", "", "app", "app", Floating},
		{"localhost:5000/team/app:2", "localhost:5000/team/app", "2", "", "team/app", "app", Tagged},
		{"ghcr.io/org/app@sha256:abc", "ghcr.io/org/app", "", "sha256:abc", "org/app", "app", Digest},
		{"app:1@sha256:abc", "app", "1", "sha256:abc", "app", "app", Digest},
		{"bitnami/redis:7.4", "bitnami/redis", "7.4", "", "bitnami/redis", "redis", Tagged},
	}
	for _, tc := range cases {
		r := Parse(tc.in)
		if r.Name != tc.name || r.Tag != tc.tag || r.Digest != tc.digest || r.Repo() != tc.repo || r.Base() != tc.base || r.Pinning() != tc.pin {
			t.Errorf("Parse(%q) = %+v repo %q base %q pin %v", tc.in, r, r.Repo(), r.Base(), r.Pinning())
		}
	}
}

func TestKnowledge(t *testing.T) {
	nonRoot := []string{"postgres:17", "redis", "bitnami/postgresql:16", "gcr.io/distroless/static:nonroot",
		"cgr.dev/chainguard/nginx:latest", "nginxinc/nginx-unprivileged:1.27", "grafana/grafana:11.0.0",
		"docker.elastic.co/elasticsearch/elasticsearch:8.15.0", "app:1.2-rootless", "jaegertracing/all-in-one:1.76.0", "jaegertracing/jaeger:2.5.0",
		"otel/opentelemetry-collector-contrib:0.136.0", "grafana/loki:3.5.0", "prom/node-exporter:v1.9.1"}
	root := []string{"nginx:1.27", "gcr.io/distroless/static:latest", "ubuntu:24.04", "acme/api:1", "node:22", "grafana/promtail:3.5.0"}
	for _, s := range nonRoot {
		if !Parse(s).RunsAsNonRoot() {
			t.Errorf("%s should be known to run as non-root", s)
		}
	}
	for _, s := range root {
		if Parse(s).RunsAsNonRoot() {
			t.Errorf("%s should not be known to run as non-root", s)
		}
	}
	stores := []string{"postgres", "bitnami/postgresql:16", "mysql:8", "mariadb", "mongo:8", "redis:7", "memcached",
		"docker.elastic.co/elasticsearch/elasticsearch:8.15.0", "opensearchproject/opensearch:2", "valkey/valkey:8"}
	others := []string{"mongo-express", "redis-commander", "nginx", "adminer", "acme/postgres-backup:1"}
	for _, s := range stores {
		if !Parse(s).Datastore() {
			t.Errorf("%s should be a datastore", s)
		}
	}
	for _, s := range others {
		if Parse(s).Datastore() {
			t.Errorf("%s should not be a datastore", s)
		}
	}
	if !Variable("app:${TAG}") || !Variable("$BASE") || !Variable("{{ .Values.image }}") || Variable("app:1") {
		t.Error("Variable")
	}
}

func FuzzParse(f *testing.F) {
	f.Add("localhost:5000/a/b:c@sha256:d")
	f.Add("::@@//")
	f.Fuzz(func(t *testing.T, s string) {
		r := Parse(s)
		if r.Pinning() == Digest && r.Digest == "" {
			t.Fatalf("%q: digest pin without digest", s)
		}
		_ = r.RunsAsNonRoot()
		_ = r.Datastore()
	})
}
