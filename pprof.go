//go:build pprof

package main

import (
	"net/http"
	_ "net/http/pprof"
	"os"
)

// With the pprof build tag, PREFLIGHT_PPROF=host:port serves the runtime
// profiles, to look at what the program does while it should be idle.
func init() {
	if addr := os.Getenv("PREFLIGHT_PPROF"); addr != "" {
		go http.ListenAndServe(addr, nil)
	}
}
