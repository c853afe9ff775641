// Command greeter answers in the language the caller asks for.
package main

import (
	"fmt"
	"os"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/language"
)

func parseTag(s string) (language.Tag, error) {
	return language.Parse(s)
}

func fallback() language.Tag {
	return language.MustParse("en-US")
}

func main() {
	tag, err := parseTag(os.Args[len(os.Args)-1])
	if err != nil {
		tag = fallback()
	}
	fmt.Println(tag, unicode.UTF8)
}
