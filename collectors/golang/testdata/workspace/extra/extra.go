// Package extra is a module the workspace leaves out: it builds by its own
// go.mod, with GOWORK=off.
package extra

// One is one.
func One() int { return 1 }
