package lib

import "golang.org/x/text/language"

// Name is a name.
var Name = language.English.String()
