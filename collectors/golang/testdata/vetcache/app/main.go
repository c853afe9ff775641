package main

import (
	"fmt"

	"example.com/vetcache/lib/use"
)

func main() { fmt.Println(use.Origin) }
