// Package greet has statements outside any function declaration: the
// closure of a package-level variable, which go tool cover -func leaves
// out of its total while the profile counts it.
package greet

import "strings"

// Shout is a closure assigned to a package variable.
var Shout = func(s string) string {
	if s == "" {
		return "!"
	}
	return strings.ToUpper(s) + "!"
}

// Hello greets someone.
func Hello(name string) string {
	if name == "" {
		name = "world"
	}
	return "hello, " + name
}

// Unused is never called by the tests.
func Unused(n int) int {
	total := 0
	for i := 0; i < n; i++ {
		total += i
	}
	return total
}
