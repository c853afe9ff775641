module example.com/fixture/hang

go 1.22
