// Package panicking waits for its database as integration suites do, but
// panics instead of exiting when it is not there.
package panicking

import (
	"net"
	"os"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	conn, err := net.DialTimeout("tcp", "127.0.0.1:1", time.Second)
	if err != nil {
		panic(err)
	}
	conn.Close()
	os.Exit(m.Run())
}

func TestQuery(t *testing.T) {}
