package dockerfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/collectors/rules"
	"github.com/preflight-dev/preflight/model"
)

// hit is a finding reduced to what the rule tables promise: where and which.
type hit struct {
	Line int
	Rule string
}

func hits(fs []model.Finding) []hit {
	out := make([]hit, len(fs))
	for i, f := range fs {
		out[i] = hit{f.Line, f.Rule}
	}
	return out
}

func sameHits(t *testing.T, got []model.Finding, want []hit) {
	t.Helper()
	g := hits(got)
	if fmt.Sprint(g) != fmt.Sprint(want) {
		t.Errorf("findings:\n got %v\nwant %v", g, want)
		for _, f := range got {
			t.Logf("  %d %s %s", f.Line, f.Rule, f.Message)
		}
	}
}

func analyzeFile(t *testing.T, rel string) Analysis {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", rel))
	if err != nil {
		t.Fatal(err)
	}
	a, err := Analyze(rel, src)
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return a
}

// The bad fixture breaks every rule once or more; each line is the one a
// reader has to change.
func TestBadDockerfileBreaksEveryRule(t *testing.T) {
	a := analyzeFile(t, "bad/Dockerfile")
	sameHits(t, a.Findings, []hit{
		{3, "dockerfile/base-image-no-digest"},
		{4, "dockerfile/secret-in-arg"},
		{5, "dockerfile/secret-in-env"},
		{7, "dockerfile/pipe-to-shell"},
		{8, "dockerfile/add-instead-of-copy"},
		{11, "dockerfile/sudo"},
		{13, "dockerfile/base-image-unpinned"},
		{17, "dockerfile/pipe-to-shell"},
		{19, "dockerfile/base-image-unpinned"},
		// The build stage's line 6 does the same, in layers that do not ship.
		{21, "dockerfile/env-file-in-image"},
		{23, "dockerfile/apt-install-recommends"},
		{23, "dockerfile/apt-lists-not-removed"},
		{22, "dockerfile/root-user"},
		{19, "dockerfile/no-healthcheck"},
	})
	covered := map[string]bool{}
	for _, f := range a.Findings {
		covered[f.Rule] = true
		r, ok := rules.NewCatalogue(AllRules()).Lookup(f.Rule)
		if !ok {
			t.Errorf("%s is not in the catalogue", f.Rule)
			continue
		}
		if f.Severity != r.Severity || f.File != "bad/Dockerfile" || f.Column != 1 {
			t.Errorf("finding %+v does not match its rule %s or file", f, r.ID)
		}
	}
	for _, r := range Rules {
		// env-in-context depends on the build context, not the Dockerfile
		// alone: TestEnvFileInTheBuildContext.
		if !covered[r.ID] && r != RuleEnvInImage {
			t.Errorf("the bad fixture never triggers %s", r.ID)
		}
	}
	if a.Stages != 3 || a.Final.User != "root" || a.Final.Base != "node:latest" {
		t.Errorf("final image = %+v, stages %d", a.Final, a.Stages)
	}
}

func TestSecretValuesNeverReachMessages(t *testing.T) {
	a := analyzeFile(t, "bad/Dockerfile")
	for _, f := range a.Findings {
		for _, secret := range []string{"hunter2", "npm_0123456789abcdef"} {
			if strings.Contains(f.Message, secret) {
				t.Errorf("message leaks a secret value: %q", f.Message)
			}
		}
	}
}

func TestHardenedDockerfilesHaveNoFindings(t *testing.T) {
	for _, rel := range []string{"good/Dockerfile", "multi/Dockerfile.prod", "multi/Containerfile"} {
		t.Run(rel, func(t *testing.T) {
			a := analyzeFile(t, rel)
			sameHits(t, a.Findings, []hit{})
		})
	}
}

func TestParseErrorsCarryTheParsersMessageAndLine(t *testing.T) {
	cases := []struct {
		file string
		line int
		msg  string
	}{
		{"broken/Dockerfile", 2, "unknown instruction: RUNN (did you mean RUN?)"},
		{"broken/heredoc.Dockerfile", 2, "unterminated heredoc"},
		{"broken/Dockerfile.empty", 2, "file with no instructions"},
		{"broken/Dockerfile.flag", 2, `time: invalid duration "forever"`},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			_, err = Analyze(tc.file, src)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want a *ParseError", err)
			}
			if pe.Line != tc.line || pe.Msg != tc.msg {
				t.Errorf("got line %d %q, want line %d %q", pe.Line, pe.Msg, tc.line, tc.msg)
			}
		})
	}
}

// Each case is a small Dockerfile and the findings of the rules it is
// about; rules it does not exercise are filtered out.
func TestRuleCases(t *testing.T) {
	const pinned = "FROM alpine:3.20@sha256:beefdbd8a1da6d2915566fde36db9db0b524eb737fc57cd1367effd16dc0d06d\n"
	cases := []struct {
		name string
		src  string
		rule string
		want []int // lines
	}{
		{"USER 0 is root", pinned + "USER 0\n", "dockerfile/root-user", []int{2}},
		{"USER root:root is root", pinned + "USER root:root\n", "dockerfile/root-user", []int{2}},
		{"USER app then root", pinned + "USER app\nUSER root\n", "dockerfile/root-user", []int{3}},
		{"USER root then app", pinned + "USER root\nRUN make\nUSER app\n", "dockerfile/root-user", nil},
		{"USER from a variable is taken at its word", pinned + "ARG UID=1000\nUSER ${UID}\n", "dockerfile/root-user", nil},
		{"USER is inherited from the stage built on", pinned + "USER app\nFROM 0 AS x\n", "dockerfile/root-user", []int{3}},
		{"stage chain keeps USER", pinned[:len(pinned)-1] + " AS base\nUSER app\nFROM base\nCMD x\n", "dockerfile/root-user", nil},
		{"only the final stage counts", pinned[:len(pinned)-1] + " AS build\nFROM gcr.io/distroless/base:nonroot@sha256:0000000000000000000000000000000000000000000000000000000000000000\n", "dockerfile/root-user", nil},
		{"unknown base without USER is root", "FROM example/app:1\n", "dockerfile/root-user", []int{1}},
		{"lower-case stage reference", "FROM alpine:3.20@sha256:beef AS Build\nFROM build\n", "dockerfile/base-image-unpinned", nil},
		{"scratch is not an image to pin", "FROM scratch\n", "dockerfile/base-image-unpinned", nil},
		{"tag latest", "FROM alpine:latest\n", "dockerfile/base-image-unpinned", []int{1}},
		{"registry port is not a tag", "FROM localhost:5000/app\n", "dockerfile/base-image-unpinned", []int{1}},
		{"registry port with tag", "FROM localhost:5000/app:2\n", "dockerfile/base-image-unpinned", nil},
		{"ARG default expands", "ARG V=3.20\nFROM alpine:$V\n", "dockerfile/base-image-no-digest", []int{2}},
		{"a quoted ARG default loses its quotes, as in BuildKit", "ARG V=\"latest\"\nFROM node:${V}\n", "dockerfile/base-image-unpinned", []int{2}},
		{"an ARG default expands the ARGs before it", "ARG N=22\nARG V=\"${N}-alpine\"\nFROM node:$V\n", "dockerfile/base-image-no-digest", []int{3}},
		{"ARG without default cannot be judged", "ARG BASE\nFROM $BASE\n", "dockerfile/base-image-unpinned", nil},
		{"digest only", "FROM alpine@sha256:beef\n", "dockerfile/base-image-no-digest", nil},
		{"an env file copied into the image", pinned + "COPY app.env .\nCOPY .env.production ./\n", "dockerfile/env-file-in-image", []int{2, 3}},
		{"an env file pattern", pinned + "COPY package.json .env* ./\n", "dockerfile/env-file-in-image", []int{2}},
		{"an example is no env file", pinned + "COPY .env.example .env.sample config/app.env.template ./\n", "dockerfile/env-file-in-image", nil},
		{"a builder's copy does not ship", "FROM node:22 AS build\nCOPY .env .\nRUN npm run build\n" + pinned + "COPY --from=build /app/dist /srv\n", "dockerfile/env-file-in-image", nil},
		{"not an env file", pinned + "COPY environment.go env/ ./\n", "dockerfile/env-file-in-image", nil},
		{"HEALTHCHECK NONE is a decision", pinned + "HEALTHCHECK NONE\n", "dockerfile/no-healthcheck", nil},
		{"HEALTHCHECK in an earlier unrelated stage does not count", pinned[:len(pinned)-1] + " AS a\nHEALTHCHECK CMD true\n" + pinned, "dockerfile/no-healthcheck", []int{3}},
		{"ADD of an archive unpacks", pinned + "ADD rootfs.tar.xz /\n", "dockerfile/add-instead-of-copy", nil},
		{"ADD from git", pinned + "ADD git@github.com:org/repo.git /src\n", "dockerfile/add-instead-of-copy", nil},
		{"ADD of a heredoc", pinned + "ADD <<EOF /etc/motd\nhello\nEOF\n", "dockerfile/add-instead-of-copy", []int{2}},
		{"ENV legacy form", pinned + "ENV API_KEY abc123\n", "dockerfile/secret-in-env", []int{2}},
		{"ENV quoted", pinned + "ENV stripeSecretKey=\"sk_live_x\"\n", "dockerfile/secret-in-env", []int{2}},
		{"ENV from ARG is not a literal", pinned + "ARG TOKEN\nENV TOKEN=$TOKEN\n", "dockerfile/secret-in-env", nil},
		{"ENV empty", pinned + "ENV PASSWORD=\"\"\n", "dockerfile/secret-in-env", nil},
		{"ENV pointing to a file", pinned + "ENV POSTGRES_PASSWORD_FILE=/run/secrets/pg\n", "dockerfile/secret-in-env", nil},
		{"meta ARG secret", "ARG GITHUB_TOKEN=ghp_x\n" + pinned, "dockerfile/secret-in-arg", nil},
		{"ARG secret in a stage", pinned + "ARG GITHUB_TOKEN=ghp_x\n", "dockerfile/secret-in-arg", []int{2}},
		{"apt with env prefix", pinned + "RUN DEBIAN_FRONTEND=noninteractive apt-get -q install -y vim\n", "dockerfile/apt-install-recommends", []int{2}},
		{"apt option instead of flag", pinned + "RUN apt-get -o APT::Install-Recommends=false install -y vim\n", "dockerfile/apt-install-recommends", nil},
		{"apt update alone installs nothing", pinned + "RUN apt-get update\n", "dockerfile/apt-lists-not-removed", nil},
		{"apt lists removed in a later RUN still ship", pinned + "RUN apt-get install -y --no-install-recommends vim\nRUN rm -rf /var/lib/apt/lists/*\n", "dockerfile/apt-lists-not-removed", []int{2}},
		{"apt in a shell heredoc", pinned + "RUN <<EOF\napt-get update\napt-get install -y vim\nEOF\n", "dockerfile/apt-install-recommends", []int{2}},
		{"apt lists of a builder stage do not ship", pinned[:len(pinned)-1] + " AS build\nRUN apt-get install -y --no-install-recommends gcc\n" + pinned + "COPY --from=build /out /out\n", "dockerfile/apt-lists-not-removed", nil},
		{"apt recommends of a builder stage do not ship", pinned[:len(pinned)-1] + " AS build\nRUN apt-get install -y gcc\n" + pinned, "dockerfile/apt-install-recommends", nil},
		{"apt lists of a stage the final one builds on ship", pinned[:len(pinned)-1] + " AS base\nRUN apt-get install -y --no-install-recommends curl\nFROM base\nCMD x\n", "dockerfile/apt-lists-not-removed", []int{2}},
		{"sudo as a wrapper", pinned + "RUN DEBUG=1 sudo -E make install\n", "dockerfile/sudo", []int{2}},
		{"sudo in a string is not sudo", pinned + "RUN echo 'use sudo wisely'\n", "dockerfile/sudo", nil},
		{"wget into bash through tee", pinned + "RUN wget -qO- https://x.sh | tee /tmp/x | sudo bash -s -- -y\n", "dockerfile/pipe-to-shell", []int{2}},
		{"curl into python is not a shell", pinned + "RUN curl -s https://api.example.com | python3 -c 'import json,sys'\n", "dockerfile/pipe-to-shell", nil},
		{"curl piped after a separate command", pinned + "RUN curl -o x https://x && sh x\n", "dockerfile/pipe-to-shell", nil},
		{"exec form sh -c", pinned + `RUN ["sh", "-c", "curl -fsSL https://x | sh"]` + "\n", "dockerfile/pipe-to-shell", []int{2}},
		{"exec form without a shell", pinned + `RUN ["/usr/bin/curl", "-o", "/x", "https://x|sh"]` + "\n", "dockerfile/pipe-to-shell", nil},
		{"bash process substitution", pinned + "RUN bash <(curl -s https://x)\n", "dockerfile/pipe-to-shell", []int{2}},
		{"heredoc fed to cat is data, not script", pinned + "RUN cat <<EOF > /notes\ncurl https://x | sh\nEOF\n", "dockerfile/pipe-to-shell", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, err := Analyze("Dockerfile", []byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, f := range a.Findings {
				if f.Rule == tc.rule {
					got = append(got, f.Line)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("%s at lines %v, want %v (all: %v)", tc.rule, got, tc.want, hits(a.Findings))
			}
		})
	}
}

// The apt rules name the program the RUN uses: apt is not apt-get.
func TestAptMessagesNameTheProgram(t *testing.T) {
	got := messagesOf(t, "FROM node:24-bullseye\nRUN apt update -y && apt install -y xdg-utils\nRUN apt-get install -y vim\n",
		func(f model.Finding) bool { return strings.HasPrefix(f.Rule, "dockerfile/apt-") }, true)
	want := []string{
		"2 apt install without --no-install-recommends",
		"2 apt install without rm -rf /var/lib/apt/lists/* in the same RUN",
		"3 apt-get install without --no-install-recommends",
		"3 apt-get install without rm -rf /var/lib/apt/lists/* in the same RUN",
	}
	if !slices.Equal(got, want) {
		t.Errorf("apt findings\n got %q\nwant %q", got, want)
	}
}

// A base image named through ARGs is shown as written, then as the ARG
// defaults make it: gotify's GO_VERSION default is a placeholder the build
// replaces, and the image as written is what the user looks for.
func TestBaseImageShownAsWritten(t *testing.T) {
	got := messagesOf(t, "ARG GO_VERSION=PLEASE_PROVIDE_GO_VERSION\nARG DEBIAN=sid-slim\nFROM gotify/build:${GO_VERSION}-linux\nFROM debian:$DEBIAN\nFROM node:24\n",
		func(f model.Finding) bool { return f.Rule == RuleBaseImageNoDigest.ID }, false)
	want := []string{
		"FROM gotify/build:${GO_VERSION}-linux (gotify/build:PLEASE_PROVIDE_GO_VERSION-linux with the ARG defaults) is pinned by tag only; add @sha256:… to pin the exact image",
		"FROM debian:$DEBIAN (debian:sid-slim with the ARG defaults) is pinned by tag only; add @sha256:… to pin the exact image",
		"FROM node:24 is pinned by tag only; add @sha256:… to pin the exact image",
	}
	if !slices.Equal(got, want) {
		t.Errorf("messages\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// ARGs without a default are given by the build (shiori's
	// Dockerfile.e2e): the image is not known, so nothing is said of its
	// tag, rather than of golang:-alpine.
	a, err := Analyze("Dockerfile", []byte("ARG ALPINE_VERSION\nARG GOLANG_VERSION\n\nFROM docker.io/golang:${GOLANG_VERSION}-alpine${ALPINE_VERSION}\nUSER 1000\nHEALTHCHECK NONE\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range a.Findings {
		if f.Rule == RuleBaseImageNoDigest.ID || f.Rule == RuleBaseImageUnpinned.ID {
			t.Errorf("%s", f.Message)
		}
	}
}

func TestInspectFollowsTheTargetStage(t *testing.T) {
	src := []byte("FROM alpine:3.20 AS base\nUSER app\nHEALTHCHECK CMD true\nFROM base AS dev\nUSER root\nFROM alpine:3.20 AS prod\n")
	cases := []struct {
		target     string
		root, hc   bool
		user, base string
	}{
		{"", true, false, "", "alpine:3.20"},
		{"base", false, true, "app", "alpine:3.20"},
		{"DEV", true, true, "root", "alpine:3.20"},
	}
	for _, tc := range cases {
		im, err := Inspect(src, tc.target)
		if err != nil {
			t.Fatal(err)
		}
		if im.RunsAsRoot() != tc.root || im.Healthcheck != tc.hc || im.User != tc.user || im.Base != tc.base {
			t.Errorf("target %q: %+v (root %v)", tc.target, im, im.RunsAsRoot())
		}
	}
	if _, err := Inspect(src, "nope"); err == nil {
		t.Error("an unknown target must be an error")
	}
}

func TestSplitScript(t *testing.T) {
	cases := []struct {
		script string
		want   string
	}{
		{"a b && c 'd e' || f; g & h", "[a b] [c d e] [f] [g] [h]"},
		{"curl x | sh", "[curl x]| [sh]"},
		{`echo "a | b" \` + "\n  && c", "[echo a | b] [c]"},
		{"x # comment | sh\ny", "[x] [y]"},
		{`sh -c "$(curl -s x)"`, "[sh -c $(curl -s x)]"},
		{"(cd a && make) | tee log", "[cd a] [make] [tee log]"},
		{`echo "unterminated`, "[echo unterminated]"},
		{`a="" b`, "[a= b]"},
		{"echo ${A:-b} c} d", "[echo ${A:-b} c} d]"},
	}
	for _, tc := range cases {
		var parts []string
		for _, c := range splitScript(tc.script) {
			s := fmt.Sprint(c.words)
			if c.pipe {
				s += "|"
			}
			parts = append(parts, s)
		}
		if got := strings.Join(parts, " "); got != tc.want {
			t.Errorf("splitScript(%q) = %s, want %s", tc.script, got, tc.want)
		}
	}
}

func FuzzAnalyze(f *testing.F) {
	for _, rel := range []string{"bad/Dockerfile", "good/Dockerfile", "multi/Dockerfile.prod", "broken/Dockerfile", "broken/heredoc.Dockerfile"} {
		src, err := os.ReadFile(filepath.Join("testdata", rel))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Add([]byte("FROM a AS a\nFROM a\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		a, err := Analyze("Dockerfile", src)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			return
		}
		lines := strings.Count(string(src), "\n") + 1
		for _, fd := range a.Findings {
			if _, ok := rules.NewCatalogue(AllRules()).Lookup(fd.Rule); !ok || fd.Line < 1 || fd.Line > lines || fd.File != "Dockerfile" {
				t.Fatalf("bad finding %+v (file has %d lines)", fd, lines)
			}
		}
		if _, err := Inspect(src, ""); err != nil {
			t.Fatalf("Inspect fails where Analyze succeeded: %v", err)
		}
	})
}

func FuzzSplitScript(f *testing.F) {
	f.Add("apt-get update && apt-get install -y x && rm -rf /var/lib/apt/lists/*")
	f.Add(`curl -fsSL "https://x" | sudo -E bash - ; sh -c "$(wget -O- x)"`)
	f.Add("a 'b\n")
	f.Fuzz(func(t *testing.T, script string) {
		for _, c := range splitScript(script) {
			if len(c.words) == 0 {
				t.Fatalf("empty command from %q", script)
			}
		}
		examineScript(script)
	})
}

// TestExamineScriptUnbalanced: a script the shell grammar refuses still
// shows what it runs; an open quote closes at the end of its line.
func TestExamineScriptUnbalanced(t *testing.T) {
	for _, tc := range []struct {
		script string
		want   scriptFacts
	}{
		{`apt-get install -y x && echo "it's`, scriptFacts{aptInstall: true, aptProgram: "apt-get", aptRecommends: true}},
		{`apt install -y x && apt-get install -y y && echo "it's`, scriptFacts{aptInstall: true, aptProgram: "apt", aptRecommends: true}},
		{"echo 'a\ncurl -s x | sh", scriptFacts{pipeToShell: true}},
		{"sudo make install ;; )", scriptFacts{sudo: true}},
		{"fi; rm -rf /var/lib/apt/lists/* $((", scriptFacts{aptListsRemoved: true}},
	} {
		if got := examineScript(tc.script); got != tc.want {
			t.Errorf("examineScript(%q) = %+v, want %+v", tc.script, got, tc.want)
		}
	}
}

// messagesOf analyzes a Dockerfile and lists the messages of the findings
// keep picks, each after its line when withLine.
func messagesOf(t *testing.T, src string, keep func(model.Finding) bool, withLine bool) []string {
	t.Helper()
	a, err := Analyze("Dockerfile", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range a.Findings {
		switch {
		case !keep(f):
		case withLine:
			out = append(out, fmt.Sprintf("%d %s", f.Line, f.Message))
		default:
			out = append(out, f.Message)
		}
	}
	return out
}
