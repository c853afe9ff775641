// Package crash has a test that panics.
package crash

func At(xs []int, i int) int { return xs[i] }
