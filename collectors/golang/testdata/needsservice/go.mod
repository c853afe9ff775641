module example.com/fixture/needsservice

go 1.22
