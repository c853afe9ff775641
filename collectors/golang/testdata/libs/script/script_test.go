// Package script runs testscript scripts: a failing script is reported
// at its own line, not at testscript's log of the environment.
package script

import (
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{Dir: "testdata"})
}
