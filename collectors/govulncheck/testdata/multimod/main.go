package main

import (
	"fmt"
	"net/http"

	"golang.org/x/net/http2"
)

func main() {
	fmt.Println(http.CanonicalHeaderKey("x-a"))
	fmt.Println(http2.ConnectionError(1).Error())
}
