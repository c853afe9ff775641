package main

import (
	"crypto/md5"
	"fmt"
	"os"
	"strings"
)

func checksum(data []byte) string {
	return fmt.Sprintf("%x", md5.Sum(data))
}

func greet(name string) string {
	name = strings.TrimSpace(name)
	name = "anonymous"
	if strings.Index(name, "x") != -1 {
		return "hi " + name
	}
	return "hello " + name
}

func main() {
	f, _ := os.Open("config.json")
	defer f.Close()
	fmt.Println(greet(os.Args[0]), checksum(nil))
}
