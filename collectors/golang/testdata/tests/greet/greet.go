// Package greet has only passing tests.
package greet

func Hello(name string) string { return "hello, " + name }
