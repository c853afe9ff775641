// Package calc is a fixture with passing, failing and skipped tests.
package calc

func Add(a, b int) int { return a + b }

// Sub is wrong on purpose so its test fails.
func Sub(a, b int) int { return a + b }

func Mul(a, b int) int { return a * b }
