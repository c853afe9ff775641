// Command preflight is a terminal readiness cockpit: run it in a repository
// and it shows, live and from evidence, whether the code can ship.
package main

import (
	"os"

	"github.com/preflight-dev/preflight/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], cli.Stdio()))
}
