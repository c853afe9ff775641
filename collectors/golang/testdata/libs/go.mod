module example.com/fixture/libs

go 1.24

require (
	github.com/matryer/is v1.4.1
	github.com/rogpeppe/go-internal v1.14.1
)

require (
	golang.org/x/sys v0.26.0 // indirect
	golang.org/x/tools v0.26.0 // indirect
)
