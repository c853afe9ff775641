// Package liba is a module of the workspace.
package liba

// Add adds.
func Add(a, b int) int { return a + b }
