// Package dbtest starts the tests' database in a container, as
// ardanlabs/service's business/sdk/dbtest does; here it always fails as
// it does on a machine without a Docker daemon.
package dbtest

import "testing"

// New starts (or finds) the database container.
func New(t *testing.T) {
	t.Fatalf("Starting database: could not start or find container servicetest")
}
