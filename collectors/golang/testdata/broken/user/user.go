// Package user builds on a package that does not compile.
package user

import "example.com/fixture/broken/bad"

func Quarter(n int) int { return bad.Half(bad.Half(n)) }
