package reach

import (
	"net"
	"strings"
	"testing"
)

func TestRemoteHost(t *testing.T) {
	for text, want := range map[string]string{
		// Go's net package
		`Get "https://github.com/x": dial tcp: lookup github.com on 10.0.0.53:53: no such host`: "github.com",
		`dial tcp: lookup proxy.golang.org: server misbehaving`:                                 "proxy.golang.org",
		`Get "https://140.82.112.3/": dial tcp 140.82.112.3:443: i/o timeout`:                   "140.82.112.3:443",
		`dial tcp [2606:50c0:8000::153]:443: connect: network is unreachable`:                   "[2606:50c0:8000::153]:443",
		// Node
		`Error: getaddrinfo ENOTFOUND downloads.preflight.invalid`:           "downloads.preflight.invalid",
		`FetchError: getaddrinfo EAI_AGAIN registry.npmjs.org`:               "registry.npmjs.org",
		`Error: connect ETIMEDOUT 104.16.0.35:443`:                           "104.16.0.35:443",
		`Error: connect ENETUNREACH 2606:4700::6810:1623:443 - Local (:::0)`: "[2606:4700::6810:1623]:443",
		`Error: connect ENETUNREACH [2606:4700::6810:1623]:443`:              "[2606:4700::6810:1623]:443",
		// a service beside the test, or a host that answered
		`dial tcp: lookup db on 127.0.0.11:53: no such host`:                                 "",
		`getaddrinfo ENOTFOUND postgres`:                                                     "",
		`dial tcp: lookup api.internal: no such host`:                                        "",
		`dial tcp 10.1.2.3:5432: i/o timeout`:                                                "",
		`connect ETIMEDOUT 192.168.1.9:5432`:                                                 "",
		`dial tcp 127.0.0.1:5432: connect: connection refused`:                               "",
		`Error: connect ECONNREFUSED 127.0.0.1:1`:                                            "",
		`Get "https://github.com/x": dial tcp 140.82.112.3:443: connect: connection refused`: "",
		`expected 3, got 4`:                                                                  "",
	} {
		if got := RemoteHost(text); got != want {
			t.Errorf("RemoteHost(%q) = %q, want %q", text, got, want)
		}
	}
}

func TestMissingProgram(t *testing.T) {
	for text, want := range map[string]string{
		`exec: "pfdemo-tool": executable file not found in $PATH`:     "pfdemo-tool",
		`run helm: exec: "helm": executable file not found in $PATH`:  "helm",
		"git: 'lfs' is not a git command. See 'git --help'.":          "git-lfs",
		"sh: 1: kind: not found":                                      "kind",
		"bash: line 3: terraform: command not found":                  "terraform",
		`exec: "/opt/tool/bin/x": executable file not found in $PATH`: "", // a path, not a program on PATH
		`open config.yaml: no such file or directory`:                 "",
		"expected 3, got 4":                                           "",
	} {
		if got := MissingProgram(text); got != want {
			t.Errorf("MissingProgram(%q) = %q, want %q", text, got, want)
		}
	}
	if NotInstalled("go") || !NotInstalled("preflight-no-such-program") {
		t.Error("NotInstalled: go is on PATH in this test, preflight-no-such-program is not")
	}
}

func TestProber(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	unreachable := Prober()
	if unreachable(l.Addr().String()) {
		t.Errorf("%s is listening here", l.Addr())
	}
	addr := l.Addr().String()
	l.Close()
	// Asked once: the answer stands for the rest of the check.
	if unreachable(addr) {
		t.Errorf("%s: the first answer was not kept", addr)
	}
	// The reserved .invalid domain is found nowhere (RFC 6761).
	if !unreachable("downloads.preflight.invalid") {
		t.Error("downloads.preflight.invalid was found")
	}
}

func TestMachineLacks(t *testing.T) {
	m := Machine{Unreachable: func(h string) bool { return h == "github.com" || h == "127.0.0.1:5432" || h == "127.0.0.1:6379" },
		NotInstalled: func(p string) bool { return p == "kind" }}
	for said, want := range map[string]string{
		"lookup github.com: no such host": "T needs the network: github.com cannot be reached from here (lookup github.com: no such host); run it where it can, or skip it",
		"lookup gitlab.com: no such host": "", // reachable here: the test's own failure
		"Error: spawn kind ENOENT":        "T needs kind, which is not installed here (Error: spawn kind ENOENT); install it, or skip it",
		"Error: spawn helm ENOENT":        "", // installed here
		"failed to connect to `host=localhost user=root database=simple_bank`: dial error (dial tcp 127.0.0.1:5432: connect: connection refused)": "T needs PostgreSQL on 127.0.0.1:5432, which does not run here (failed to connect to `host=localhost user=root database=simple_bank`: dial error (dial tcp 127.0.0.1:5432: connect: connection refused)); start it as the project's CI or compose stack does, or skip it",
		"Error: connect ECONNREFUSED 127.0.0.1:6379":           "T needs Redis on 127.0.0.1:6379, which does not run here (Error: connect ECONNREFUSED 127.0.0.1:6379); start it as the project's CI or compose stack does, or skip it",
		"dial tcp 127.0.0.1:3306: connect: connection refused": "", // MySQL listens here now
		"dial tcp 127.0.0.1:8080: connect: connection refused": "", // the test's own server, not a datastore
		"expected 3, got 4": "",
	} {
		if got := m.Lacks("T", said, "skip it"); got != want {
			t.Errorf("Lacks(%q) = %q, want %q", said, got, want)
		}
	}
	if got := (Machine{}).Lacks("T", "lookup github.com: no such host", "skip it"); got != "" {
		t.Errorf("a machine nobody asked lacks nothing: %q", got)
	}
}

func TestLocalDatastore(t *testing.T) {
	for text, want := range map[string][2]string{
		"dial tcp 127.0.0.1:5432: connect: connection refused": {"127.0.0.1:5432", "PostgreSQL"},
		"dial tcp [::1]:27017: connect: connection refused":    {"[::1]:27017", "MongoDB"},
		"Error: connect ECONNREFUSED ::1:3306":                 {"[::1]:3306", "MySQL"},
		"dial tcp localhost:6379: connect: connection refused": {"localhost:6379", "Redis"},
		"dial tcp 10.0.0.5:5432: connect: connection refused":  {"", ""}, // another machine
		"dial tcp 127.0.0.1:1: connect: connection refused":    {"", ""},
		"dial tcp 127.0.0.1:5432: i/o timeout":                 {"", ""},
	} {
		if addr, name := LocalDatastore(text); addr != want[0] || name != want[1] {
			t.Errorf("LocalDatastore(%q) = %q %q, want %q", text, addr, name, want)
		}
	}
}

func TestMessage(t *testing.T) {
	got := Message("TestDownload", "github.com", "lookup github.com: no such host", "skip it in short mode")
	if !strings.HasPrefix(got, "TestDownload needs the network: github.com cannot be reached from here (lookup github.com: no such host); ") ||
		!strings.HasSuffix(got, "run it where it can, or skip it in short mode") {
		t.Errorf("Message = %q", got)
	}
}

func FuzzRemoteHost(f *testing.F) {
	f.Add("dial tcp: lookup github.com on 10.0.0.53:53: no such host")
	f.Add("connect ETIMEDOUT [::1]:443")
	f.Fuzz(func(t *testing.T, text string) {
		host := RemoteHost(text)
		if host != "" && !strings.Contains(text, strings.Trim(host[:max(strings.LastIndexByte(host, ':'), 0)], "[]")) && !strings.Contains(text, host) {
			t.Errorf("RemoteHost(%q) = %q, not in the text", text, host)
		}
	})
}
