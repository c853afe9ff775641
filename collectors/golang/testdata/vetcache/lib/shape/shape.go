// Package shape is imported by the other module.
package shape

// Point is a plain struct.
type Point struct{ X, Y int }
