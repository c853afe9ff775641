// Package good compiles; its neighbour does not.
package good

func Double(n int) int { return 2 * n }
