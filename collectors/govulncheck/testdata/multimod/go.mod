module example.com/multimod

go 1.26.0

require golang.org/x/net v0.55.0

require golang.org/x/text v0.37.0 // indirect
