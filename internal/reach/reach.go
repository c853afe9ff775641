// Package reach tells a test that failed for want of what this machine
// lacks from one that failed on its own: it finds, in a failure message,
// the internet host that could not be found or reached, the program that
// could not be started or the local database that refused it, and asks
// whether this machine has them.
package reach

import (
	"context"
	"net"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"time"
)

// remote matches what Go's net package and Node say when a host is not
// found or an address does not answer: "dial tcp: lookup github.com on
// 10.0.0.53:53: no such host", "dial tcp 140.82.112.3:443: i/o timeout",
// "getaddrinfo ENOTFOUND github.com", "connect ETIMEDOUT 140.82.112.3:443".
// A refused connection is not among them: the host answered.
var remote = regexp.MustCompile(`lookup ([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)(?: on \S+)?: (?:no such host|server misbehaving|i/o timeout|Temporary failure)` +
	`|getaddrinfo (?:ENOTFOUND|EAI_AGAIN) ([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)` +
	`|dial tcp (\[?[0-9a-fA-F:.]+\]?:\d+): (?:i/o timeout|connect: network is unreachable|connect: no route to host)` +
	`|connect (?:ETIMEDOUT|ENETUNREACH|EHOSTUNREACH) (\[?[0-9a-fA-F:.]+\]?:\d+)`)

// RemoteHost is the internet host ("github.com") or address
// ("140.82.112.3:443") a failure message says could not be found or
// reached; "" when it names none. A local or private address, or a name
// without a dot (a compose service), is a service the test expects beside
// it, not the network.
func RemoteHost(text string) string {
	m := remote.FindStringSubmatch(text)
	if m == nil {
		return ""
	}
	if name := m[1] + m[2]; name != "" {
		for _, local := range []string{".local", ".internal", ".localhost"} {
			if strings.HasSuffix(name, local) {
				return ""
			}
		}
		return name
	}
	// Node writes an IPv6 address without brackets: 2606:4700::1:443.
	addr := m[3] + m[4]
	i := strings.LastIndexByte(addr, ':')
	h, port := strings.Trim(addr[:i], "[]"), addr[i+1:]
	if ip := net.ParseIP(h); ip == nil || ip.IsLoopback() || ip.IsPrivate() || ip.IsUnspecified() || ip.IsLinkLocalUnicast() {
		return ""
	}
	return net.JoinHostPort(h, port)
}

// Prober returns a function that asks, once per host, whether this
// machine cannot find or reach it: a name is looked up, an address
// dialled, for three seconds at the most.
func Prober() func(host string) (unreachable bool) {
	var mu sync.Mutex
	known := map[string]bool{}
	return func(host string) bool {
		mu.Lock()
		defer mu.Unlock()
		if v, ok := known[host]; ok {
			return v
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		var err error
		if _, _, splitErr := net.SplitHostPort(host); splitErr == nil {
			var c net.Conn
			if c, err = (&net.Dialer{}).DialContext(ctx, "tcp", host); err == nil {
				c.Close()
			}
		} else {
			_, err = net.DefaultResolver.LookupHost(ctx, host)
		}
		known[host] = err != nil
		return known[host]
	}
}

// datastores are the ports of the servers a test suite commonly expects on
// the machine it runs on, which a CI job's services: or a compose stack
// starts beside it.
var datastores = map[string]string{
	"5432": "PostgreSQL", "3306": "MySQL", "6379": "Redis", "27017": "MongoDB", "9200": "Elasticsearch",
	"5672": "RabbitMQ", "9092": "Kafka", "4222": "NATS", "11211": "Memcached", "26257": "CockroachDB",
	"1433": "SQL Server", "9042": "Cassandra", "7687": "Neo4j", "8086": "InfluxDB", "2181": "ZooKeeper",
}

// refusedLocal matches a connection to this machine that was refused, as
// Go and Node say it.
var refusedLocal = regexp.MustCompile(`dial tcp ((?:127\.0\.0\.1|\[::1\]|localhost):(\d+)): connect: connection refused` +
	`|connect ECONNREFUSED ((?:127\.0\.0\.1|::1):(\d+))`)

// LocalDatastore is the address and name of a database or broker on this
// machine that a failure message says refused the connection
// ("127.0.0.1:5432", "PostgreSQL"); "" when it names none.
func LocalDatastore(text string) (addr, name string) {
	m := refusedLocal.FindStringSubmatch(text)
	if m == nil {
		return "", ""
	}
	addr, port := m[1]+m[3], m[2]+m[4]
	if name = datastores[port]; name == "" {
		return "", ""
	}
	if strings.HasPrefix(addr, "::1:") {
		addr = "[::1]:" + port
	}
	return addr, name
}

// Machine says what this machine lacks; a nil question is not known.
type Machine struct {
	// Unreachable reports that a host ("github.com") or address
	// ("140.82.112.3:443") cannot be reached from here.
	Unreachable func(host string) bool
	// NotInstalled reports that a program is not on PATH here.
	NotInstalled func(program string) bool
}

// This is the machine preflight runs on, asked for real.
func This() Machine { return Machine{Unreachable: Prober(), NotInstalled: NotInstalled} }

// Lacks is the finding's text when said (what a failed test said) shows
// it failed for what this machine lacks — an internet host it cannot
// reach, a program that is not installed, a database on this machine that
// nothing serves (a refused connection to PostgreSQL's port, while
// nothing listens there still) — and "" when it does not. test
// names the test, keepOut says how to keep it out of the default run.
func (m Machine) Lacks(test, said, keepOut string) string {
	if host := RemoteHost(said); host != "" && m.Unreachable != nil && m.Unreachable(host) {
		return Message(test, host, said, keepOut)
	}
	if prog := MissingProgram(said); prog != "" && m.NotInstalled != nil && m.NotInstalled(prog) {
		return test + " needs " + prog + ", which is not installed here (" + said + "); install it, or " + keepOut
	}
	if addr, name := LocalDatastore(said); addr != "" && m.Unreachable != nil && m.Unreachable(addr) {
		return test + " needs " + name + " on " + addr + ", which does not run here (" + said + "); start it as the project's CI or compose stack does, or " + keepOut
	}
	return ""
}

// Message is the finding's text for a test (named as the runner names
// it) that failed for want of host, with what it said and how to keep
// it out of the run.
func Message(test, host, said, keepOut string) string {
	return test + " needs the network: " + host + " cannot be reached from here (" + said + "); run it where it can, or " + keepOut
}

// missingProgram matches what Go, git, shells and Node say when a program
// is not installed: exec: "helm": executable file not found in $PATH, git:
// 'lfs' is not a git command (the git-lfs program), sh: 1: kind: not
// found, Error: spawn kind ENOENT.
var missingProgram = regexp.MustCompile(`exec: "([^"/\s]+)": executable file not found in \$PATH` +
	`|git: '([A-Za-z0-9-]+)' is not a git command` +
	`|\b(?:sh|bash|zsh)(?:: line \d+)?:(?: \d+:)? ([A-Za-z0-9._+-]+): (?:command )?not found` +
	`|\bspawn ([A-Za-z0-9._+-]+) ENOENT`)

// MissingProgram is the program a failure message says could not be
// started ("git-lfs" for git's lfs command); "" when it names none.
func MissingProgram(text string) string {
	m := missingProgram.FindStringSubmatch(text)
	switch {
	case m == nil:
		return ""
	case m[2] != "":
		return "git-" + m[2]
	}
	return m[1] + m[3] + m[4]
}

// NotInstalled reports that no program of that name is on PATH here.
func NotInstalled(name string) bool {
	_, err := exec.LookPath(name)
	return err != nil
}
