module example.com/gofuncs

go 1.22
