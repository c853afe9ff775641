package main

import "example.com/fixture/gosum/lib"

func main() { println(lib.Name) }
