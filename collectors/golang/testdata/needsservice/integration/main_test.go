// Package integration is an integration suite in the shape real projects
// write it: TestMain waits for a service of the compose stack and exits
// when it is not there, before any test runs.
package integration

import (
	"log"
	"net"
	"os"
	"testing"
	"time"
)

// Port 1 on loopback: nothing listens there, so the dial is refused at once.
const apiAddr = "127.0.0.1:1"

func TestMain(m *testing.M) {
	conn, err := net.DialTimeout("tcp", apiAddr, time.Second)
	if err != nil {
		log.Fatalf("Integration tests: %s is not available: %s", apiAddr, err)
	}
	conn.Close()
	os.Exit(m.Run())
}

func TestCreateUser(t *testing.T) {}
