// Command toolmod has no dependency of its own: govulncheck comes from
// its go.mod's tool block, as `go get -tool` puts it there.
package main

import "fmt"

func main() { fmt.Println("hello") }
