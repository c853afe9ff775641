// Package testonly compiles; only its test file does not, which go build
// never sees.
package testonly

func Triple(n int) int { return 3 * n }
