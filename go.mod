module github.com/preflight-dev/preflight

go 1.26.8

require github.com/bmatcuk/doublestar/v4 v4.10.4
